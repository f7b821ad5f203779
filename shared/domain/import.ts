/**
 * Bulk import of rights and legal events (API.md v2 "Bulk import and search"). Pure: the import's life cycle, what
 * a file is (CSV in UTF-8 or GB18030, or XLSX) and its header, each row turned into the same input the API takes,
 * the batches the rows are cut into, and the error report. No AWS, no HTTP: the use cases (`usecases/imports.ts`)
 * apply the rows through the asset and legal-event use cases, with the API's own rules.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { Actor } from './actor.js';
import type { Asset, AssetInput, AssetKind } from './asset.js';
import { isValidDate } from './dates.js';
import { zipEntryNames } from './document.js';
import { isEnterprise } from './enterprise.js';
import { type FieldIssue, validationError } from './errors.js';
import {
  INVALIDATION_OUTCOMES,
  type InvalidationOutcome,
  LEGAL_EVENT_TYPES,
  type LegalEventInput,
  type LegalEventType,
} from './legal-status.js';
import { parsePatentNumber } from './patent-number.js';
import { StateMachine, type TransitionRow } from './state-machine.js';
import { parseTrademarkNumber } from './trademark.js';
import { checkUscc } from './uscc.js';

export const IMPORT_KINDS = ['assets', 'legal_events'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** `pending_upload` until `start`; `running` while batches are applied; then `completed` or `failed`. */
export const IMPORT_STATUSES = ['pending_upload', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_ACTIONS = ['declare', 'start', 'complete', 'fail'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];

/**
 * Limits. The office imports a city's register (a 10^5-row file is about 8 MiB of CSV); a company imports its own
 * portfolio, at most 10,000 rights or events per file in at most 5 MiB — a 10^6-row file from a company is
 * refused at the declaration (size) or when read (rows), with the reason, and writes nothing.
 */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_COMPANY_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_OFFICE_IMPORT_ROWS = 500_000;
export const MAX_COMPANY_IMPORT_ROWS = 10_000;
/** Rows per batch: one Lambda invocation deployed, one step of the in-process runner locally. */
export const DEFAULT_IMPORT_BATCH_ROWS = 250;
/** A batch marker item carries its rejections: bounded so that it stays far below DynamoDB's 400 KB. */
export const MAX_IMPORT_BATCH_ROWS = 1000;
const MAX_REASON_CHARS = 240;

export interface ImportCounts {
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface Import extends ImportCounts {
  id: string;
  status: ImportStatus;
  kind: ImportKind;
  format: ImportFormat;
  /** The enterprise the rows belong to by default: the company itself, or the office's `owner` (may be null). */
  owner: string | null;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  /** Who imports: the rows are applied as this actor, with its rights. */
  createdBy: Actor;
  /** Batches the file was cut into (set when it was read). */
  batches?: number;
  failure?: { code: string; message: string };
  /** The error report's object key, once written (rejected rows only). */
  errorReportKey?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type ImportTransitionRow = TransitionRow<ImportAction, ImportStatus>;

export const IMPORT_MACHINE = new StateMachine<ImportAction, ImportStatus, ImportTransitionRow>(
  [
    { action: 'declare', roles: ['ipoffice', 'enterprise'], from: [null], to: 'pending_upload' },
    { action: 'start', roles: ['ipoffice', 'enterprise'], from: ['pending_upload'], to: 'running' },
    { action: 'complete', roles: ['system'], from: ['running'], to: 'completed' },
    { action: 'fail', roles: ['system'], from: ['running'], to: 'failed' },
  ],
  { declare: 'declared', start: 'started', complete: 'completed', fail: 'failed' },
);

const EVENT_TYPES: Record<ImportAction, string> = {
  declare: 'import.declared',
  start: 'import.started',
  complete: 'import.completed',
  fail: 'import.failed',
};
export const importEventType = (row: ImportTransitionRow): string => EVENT_TYPES[row.action];

/** The office sees every import; a company the imports it made itself. */
export const maySeeImport = (actor: Pick<Actor, 'role' | 'org'>, imp: Import): boolean =>
  actor.role === 'ipoffice' ||
  (imp.createdBy.role === 'enterprise' &&
    // Stryker disable next-line ConditionalExpression: narrows the type; isEnterprise answers false for null too
    imp.owner !== null &&
    isEnterprise(actor, imp.owner));

export const zeroCounts = (): ImportCounts => ({
  rows: 0,
  processed: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
});

export interface DeclaredImport {
  kind: ImportKind;
  format: ImportFormat;
  owner?: string | undefined;
  fileName: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * The declaration's rules beyond its shape: who may import for whom, and the size a role may upload. Returns the
 * default owner (canonical USCC, or null for an office import naming none).
 */
export function checkDeclaration(actor: Pick<Actor, 'role' | 'org'>, d: DeclaredImport): string | null {
  const issues: FieldIssue[] = [];
  let owner: string | null = null;
  if (d.owner !== undefined) {
    const check = checkUscc(d.owner);
    if (!check.ok) issues.push({ path: 'owner', code: 'invalid_uscc', message: `owner ${check.reason}` });
    else owner = check.uscc;
  }
  if (actor.role === 'enterprise') {
    const own = (actor.org ?? '').toUpperCase();
    if (owner !== null && owner !== own)
      issues.push({
        path: 'owner',
        code: 'import_own_rights_only',
        message: 'A company imports only its own rights; leave owner out or give your own USCC.',
      });
    owner = own;
    if (d.sizeBytes > MAX_COMPANY_IMPORT_BYTES)
      issues.push({
        path: 'sizeBytes',
        code: 'import_too_large',
        params: { max: MAX_COMPANY_IMPORT_BYTES, maxRows: MAX_COMPANY_IMPORT_ROWS },
        message: `A company's import file may hold at most ${MAX_COMPANY_IMPORT_BYTES} bytes (5 MiB) and ${MAX_COMPANY_IMPORT_ROWS} rows; a larger register is imported by the IP office.`,
      });
  } else if (d.sizeBytes > MAX_IMPORT_BYTES)
    issues.push({
      path: 'sizeBytes',
      code: 'import_too_large',
      params: { max: MAX_IMPORT_BYTES, maxRows: MAX_OFFICE_IMPORT_ROWS },
      message: `An import file may hold at most ${MAX_IMPORT_BYTES} bytes (50 MiB); split it.`,
    });
  if (issues.length > 0) throw validationError(issues, 'The import was refused.');
  return owner;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the file

/** Why a file cannot be imported at all: the import fails with this, and nothing is written. */
export class UnreadableFile extends Error {
  constructor(
    readonly code:
      | 'import_format_unreadable'
      | 'import_format_mismatch'
      | 'import_encoding_unknown'
      | 'import_header_unmapped'
      | 'import_header_missing'
      | 'import_empty'
      | 'import_too_many_rows',
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableFile';
  }
}

/** What the bytes are, from the bytes: an XLSX workbook (a ZIP with its parts), text (CSV), or neither. */
export function sniffImportFormat(bytes: Uint8Array): ImportFormat | undefined {
  const names = zipEntryNames(bytes);
  if (names)
    return names.includes('[Content_Types].xml') && names.includes('xl/workbook.xml') ? 'xlsx' : undefined;
  if (bytes.length === 0) return undefined;
  // Text has no NUL bytes (UTF-16 would, and is not accepted), and decodes as UTF-8 or GB18030.
  if (bytes.includes(0)) return undefined;
  try {
    decodeText(bytes);
  } catch {
    return undefined;
  }
  return 'csv';
}

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030 (as Chinese Excel saves CSV). */
export function decodeText(bytes: Uint8Array): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(body);
    } catch {
      throw new UnreadableFile(
        'import_encoding_unknown',
        'The file is neither UTF-8 nor GB18030 text; save it as CSV (UTF-8) or as an Excel workbook (.xlsx).',
      );
    }
  }
}

/** A table as read: its header row and the data rows, each with its line in the file (the header is line 1). */
export interface RawTable {
  header: string[];
  rows: { line: number; values: string[] }[];
}

export function readCsv(bytes: Uint8Array): RawTable {
  const text = decodeText(bytes);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new UnreadableFile(
      'import_format_unreadable',
      // Stryker disable next-line MethodExpression: the parser's messages are shorter; the cut keeps a long one out of the import's failure
      `The file is not a well-formed CSV: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  return toTable(records.map((r) => ({ line: r.info.lines, values: r.record })));
}

function toTable(lines: { line: number; values: string[] }[]): RawTable {
  const nonEmpty = lines.filter((l) => l.values.some((v) => v.trim() !== ''));
  const [first, ...rows] = nonEmpty;
  if (!first) throw new UnreadableFile('import_empty', 'The file holds no header and no rows.');
  // trim() also removes a BOM (U+FEFF) left in a header cell.
  return { header: first.values.map((h) => h.trim()), rows };
}

/** A cell of a spreadsheet as text: dates as YYYY-MM-DD (date cells are stored as UTC midnight). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.result !== undefined) return cellText(v.result);
    return cellText(v.text);
  }
  return String(value).trim();
}

/** The first worksheet of an XLSX workbook. */
export async function readXlsx(bytes: Uint8Array): Promise<RawTable> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new UnreadableFile(
      'import_format_unreadable',
      // Stryker disable next-line MethodExpression: the reader's messages are shorter; the cut keeps a long one out of the import's failure
      `The workbook cannot be read: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableFile('import_empty', 'The workbook has no worksheet.');
  const lines: { line: number; values: string[] }[] = [];
  sheet.eachRow((row, rowNumber) => {
    const values: string[] = [];
    row.eachCell((cell, col) => {
      values[col - 1] = cellText(cell.value);
    });
    // An empty cell is a hole in `values`: read as ''.
    lines.push({ line: rowNumber, values: Array.from(values, (v) => v ?? '') });
  });
  return toTable(lines);
}

// ---------------------------------------------------------------------------------------------------------------
// Columns

const ASSET_COLUMNS = {
  kind: ['类型', 'kind'],
  number: ['申请号', 'number'],
  title: ['名称', 'title'],
  mark: ['商标', 'mark'],
  filingDate: ['申请日', 'filingDate'],
  grantDate: ['授权公告日', 'grantDate'],
  registrationDate: ['注册日', 'registrationDate'],
  niceClasses: ['类别', 'niceClasses'],
  ownerUscc: ['权利人', 'ownerUscc'],
  ownerName: ['权利人名称', 'ownerName'],
} as const;

const LEGAL_EVENT_COLUMNS = {
  kind: ['类型', 'kind'],
  number: ['申请号', 'number'],
  type: ['事件', 'type'],
  date: ['日期', 'date'],
  reference: ['文号', 'reference'],
  note: ['备注', 'note'],
  paidThrough: ['缴费至', 'paidThrough'],
  outcome: ['结论', 'outcome'],
  court: ['法院', 'court'],
  toUscc: ['受让人', 'toUscc'],
  licensee: ['被许可人', 'licensee'],
  exclusive: ['独占', 'exclusive'],
  until: ['许可期限至', 'until'],
} as const;

export type AssetField = keyof typeof ASSET_COLUMNS;
export type LegalEventField = keyof typeof LEGAL_EVENT_COLUMNS;
export type ImportField = AssetField | LegalEventField;

const COLUMNS: Record<ImportKind, Record<string, readonly [string, string]>> = {
  assets: ASSET_COLUMNS,
  legal_events: LEGAL_EVENT_COLUMNS,
};
const REQUIRED: Record<ImportKind, readonly string[]> = {
  assets: ['kind', 'number'],
  legal_events: ['kind', 'number', 'type', 'date'],
};

/** The columns an import kind takes, as `中文/english` pairs (for messages and the README). */
export const columnsOf = (kind: ImportKind): string[] =>
  Object.values(COLUMNS[kind]).map(([zh, en]) => `${zh}/${en}`);

/** Which field each column holds; its header as written (the error report names the column so). */
export interface HeaderMap {
  fields: Map<number, string>;
  names: Map<string, string>;
}

/**
 * Maps each header to its field, in Chinese or English (case, spaces and a trailing `*` ignored). A header it does
 * not know, one given twice or a required one missing fails the whole file: a mistyped column would otherwise
 * drop a field from every row.
 */
export function mapHeader(kind: ImportKind, header: readonly string[]): HeaderMap {
  const fields = new Map<number, string>();
  const names = new Map<string, string>();
  const known = new Map<string, string>();
  for (const [field, [zh, en]] of Object.entries(COLUMNS[kind])) {
    known.set(zh, field);
    known.set(en.toLowerCase(), field);
  }
  const unknown: string[] = [];
  header.forEach((raw, i) => {
    const h = raw.trim().replace(/\*$/, '').trim();
    if (h === '') return;
    const field = known.get(h) ?? known.get(h.toLowerCase().replace(/\s+/g, ''));
    if (!field) unknown.push(raw);
    else if (names.has(field)) unknown.push(`${raw} (twice)`);
    else {
      fields.set(i, field);
      names.set(field, raw.trim());
    }
  });
  if (unknown.length > 0)
    throw new UnreadableFile(
      'import_header_unmapped',
      `The header has columns this import does not know: ${unknown.join(', ')}. The columns are: ${columnsOf(kind).join(', ')}.`,
    );
  const missing = REQUIRED[kind].filter((f) => !names.has(f));
  if (missing.length > 0)
    throw new UnreadableFile(
      'import_header_missing',
      `The header lacks the required columns ${missing.map((f) => COLUMNS[kind][f]!.join('/')).join(', ')}.`,
    );
  return { fields, names };
}

/** One data row as the batches carry it: its line, its cells by field, and the row it repeats (if any). */
export interface ImportRow {
  line: number;
  cells: Record<string, string>;
  /** The line of an earlier row of the same right (assets): this one is rejected, not applied twice. */
  duplicateOf?: number;
}

/** The header and rows of a file, read and mapped; a file that cannot be read at all throws `UnreadableFile`. */
export interface ParsedImport {
  columnNames: Record<string, string>;
  rows: ImportRow[];
}

export async function parseImportFile(
  bytes: Uint8Array,
  declared: { kind: ImportKind; format: ImportFormat },
  maxRows: number,
): Promise<ParsedImport> {
  const format = sniffImportFormat(bytes);
  if (!format)
    throw new UnreadableFile(
      'import_format_unreadable',
      'The file is neither CSV (UTF-8 or GB18030 text) nor an Excel workbook (.xlsx), whatever its name says.',
    );
  if (format !== declared.format)
    throw new UnreadableFile(
      'import_format_mismatch',
      `The file was declared ${declared.format} but is ${format}; declare it again with format ${format}.`,
    );
  const table = format === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  const header = mapHeader(declared.kind, table.header);
  if (table.rows.length > maxRows)
    throw new UnreadableFile(
      'import_too_many_rows',
      `The file holds ${table.rows.length} rows; at most ${maxRows} are accepted in one import${maxRows === MAX_COMPANY_IMPORT_ROWS ? ' from a company (a larger register is imported by the IP office)' : '; split it'}.`,
    );
  const rows = table.rows.map((r) => {
    const cells: Record<string, string> = {};
    for (const [i, field] of header.fields) {
      const v = (r.values[i] ?? '').trim();
      if (v !== '') cells[field] = v;
    }
    return { line: r.line, cells };
  });
  return { columnNames: Object.fromEntries(header.names), rows: markDuplicates(declared.kind, rows) };
}

/** The right a row names, spelled canonically when its number parses (so `ZL2017…` and `2017…` are one). */
export function rightOf(cells: Record<string, string>): string {
  const kind = kindOf(cells.kind ?? '');
  const raw = cells.number ?? '';
  if (kind === 'patent') {
    const p = parsePatentNumber(raw);
    return `patent#${p.ok ? p.number : raw}`;
  }
  if (kind === 'trademark') {
    const t = parseTrademarkNumber(raw);
    return `trademark#${t.ok ? t.number : raw}`;
  }
  return `?#${raw}`;
}

/** Assets: a later row of a right already in the file is a duplicate (legal events of one right are many). */
function markDuplicates(kind: ImportKind, rows: ImportRow[]): ImportRow[] {
  if (kind !== 'assets') return rows;
  const first = new Map<string, number>();
  return rows.map((row) => {
    if (!row.cells.number) return row;
    const right = rightOf(row.cells);
    const seen = first.get(right);
    if (seen === undefined) {
      first.set(right, row.line);
      return row;
    }
    return { ...row, duplicateOf: seen };
  });
}

/**
 * Cuts rows into batches of about `size`. Legal events of one right stay in one batch, in file order, so that
 * batches running in parallel never apply one right's events out of order.
 */
export function batchesOf(kind: ImportKind, rows: readonly ImportRow[], size: number): ImportRow[][] {
  const n = Math.max(1, Math.min(MAX_IMPORT_BATCH_ROWS, Math.floor(size)));
  if (kind === 'assets') {
    const out: ImportRow[][] = [];
    for (let i = 0; i < rows.length; i += n) out.push(rows.slice(i, i + n));
    return out;
  }
  const groups = new Map<string, ImportRow[]>();
  for (const row of rows) {
    const right = rightOf(row.cells);
    const group = groups.get(right);
    if (group) group.push(row);
    else groups.set(right, [row]);
  }
  const out: ImportRow[][] = [];
  let current: ImportRow[] = [];
  for (const group of groups.values()) {
    if (current.length > 0 && current.length + group.length > n) {
      out.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) out.push(current);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

/** Why a row was not applied, for the error report: its line, the column as headed in the file, the reason. */
export interface RowIssue {
  column: string;
  reason: string;
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; issues: RowIssue[] };

const KINDS: Record<string, AssetKind> = {
  专利: 'patent',
  patent: 'patent',
  商标: 'trademark',
  trademark: 'trademark',
};
const kindOf = (raw: string): AssetKind | undefined => KINDS[raw.trim().toLowerCase()];

/**
 * A date as `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY.MM.DD` (month and day with or without a leading zero; Excel shows
 * 2017/6/30), or undefined when it is none of those or not a calendar day.
 */
export function parseImportDate(raw: string): string | undefined {
  const m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(raw.trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[3]!.padStart(2, '0')}-${m[4]!.padStart(2, '0')}`;
  return isValidDate(iso) ? iso : undefined;
}

/** `21;35` (also `；`, `,`, `，`, `、` or spaces between them). */
export function parseNiceClasses(raw: string): number[] | undefined {
  const parts = raw.split(/[;；,，、\s]+/).filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => !/^\d{1,2}$/.test(p))) return undefined;
  return parts.map(Number);
}

const DATE_FORMATS = 'YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD';

/** Reads the cells of a row into the API's input, collecting every problem of the row (not only the first). */
class RowReader {
  readonly issues: RowIssue[] = [];
  constructor(
    private readonly cells: Record<string, string>,
    private readonly names: Record<string, string>,
  ) {}
  column(field: string): string {
    return this.names[field] ?? field;
  }
  refuse(field: string, reason: string): void {
    this.issues.push({ column: this.column(field), reason: reason.slice(0, MAX_REASON_CHARS) });
  }
  text(field: string, required: boolean, max = 200): string | undefined {
    const v = this.cells[field];
    if (v === undefined) {
      if (required) this.refuse(field, 'is required');
      return undefined;
    }
    if (v.length > max) this.refuse(field, `is longer than ${max} characters`);
    else if ([...v].some((ch) => ch.charCodeAt(0) < 0x20)) this.refuse(field, 'contains control characters');
    return v;
  }
  date(field: string, required: boolean): string | undefined {
    const v = this.text(field, required, 20);
    if (v === undefined) return undefined;
    const d = parseImportDate(v);
    if (!d) this.refuse(field, `"${v}" is not a date (${DATE_FORMATS})`);
    return d;
  }
  uscc(field: string): string | undefined {
    const v = this.text(field, false, 40);
    if (v === undefined) return undefined;
    const check = checkUscc(v);
    if (!check.ok) {
      this.refuse(field, `USCC ${check.reason}`);
      return undefined;
    }
    return check.uscc;
  }
  kind(): AssetKind | undefined {
    const v = this.text('kind', true, 20);
    if (v === undefined) return undefined;
    const k = kindOf(v);
    if (!k) this.refuse('kind', `"${v}" is not a kind of right (专利/patent or 商标/trademark)`);
    return k;
  }
}

/** An asset row: the right's input, and its owner when the row names one (权利人 / ownerUscc). */
export interface AssetRow {
  input: AssetInput;
  ownerUscc?: string;
  ownerName?: string;
}

/** A row of an asset import as the input `POST /enterprises/{uscc}/assets` takes; the use case validates the rest. */
export function assetRowInput(
  cells: Record<string, string>,
  names: Record<string, string>,
): RowResult<AssetRow> {
  const r = new RowReader(cells, names);
  const kind = r.kind();
  const number = r.text('number', true, 40);
  const ownerUscc = r.uscc('ownerUscc');
  const ownerName = r.text('ownerName', false, 200);
  const owner = {
    ...(ownerUscc ? { ownerUscc } : {}),
    ...(ownerName ? { ownerName } : {}),
  };
  if (kind === 'patent') {
    const title = r.text('title', true);
    const filingDate = r.date('filingDate', true);
    const grantDate = r.date('grantDate', false);
    if (r.issues.length > 0 || !number || !title || !filingDate) return { ok: false, issues: r.issues };
    return {
      ok: true,
      value: {
        input: { kind, number, title, filingDate, ...(grantDate ? { grantDate } : {}) },
        ...owner,
      },
    };
  }
  if (kind === 'trademark') {
    const mark = r.text('mark', true);
    const registrationDate = r.date('registrationDate', true);
    const rawClasses = r.text('niceClasses', true, 200);
    const niceClasses = rawClasses === undefined ? undefined : parseNiceClasses(rawClasses);
    if (rawClasses !== undefined && !niceClasses)
      r.refuse('niceClasses', `"${rawClasses}" is not a list of Nice classes such as 21;35`);
    if (r.issues.length > 0 || !number || !mark || !registrationDate || !niceClasses)
      return { ok: false, issues: r.issues };
    return { ok: true, value: { input: { kind, number, mark, registrationDate, niceClasses }, ...owner } };
  }
  return { ok: false, issues: r.issues };
}

/** A legal-event row: the right it concerns and the event as `POST /assets/{id}/legal-events` takes it. */
export interface LegalEventRow {
  kind: AssetKind;
  number: string;
  event: LegalEventInput;
}

const YES = new Set(['是', 'y', 'yes', 'true', '1']);
const NO = new Set(['否', 'n', 'no', 'false', '0']);

export function legalEventRowInput(
  cells: Record<string, string>,
  names: Record<string, string>,
): RowResult<LegalEventRow> {
  const r = new RowReader(cells, names);
  const kind = r.kind();
  const number = r.text('number', true, 40);
  const rawType = r.text('type', true, 40);
  const type = rawType?.toLowerCase() as LegalEventType | undefined;
  if (rawType !== undefined && !(LEGAL_EVENT_TYPES as readonly string[]).includes(type!))
    r.refuse('type', `"${rawType}" is not a legal event type (${LEGAL_EVENT_TYPES.join(', ')})`);
  const date = r.date('date', true);
  const reference = r.text('reference', false, 100);
  const note = r.text('note', false, 500);
  const paidThrough = r.date('paidThrough', false);
  const rawOutcome = r.text('outcome', false, 40);
  if (rawOutcome !== undefined && !(INVALIDATION_OUTCOMES as readonly string[]).includes(rawOutcome))
    r.refuse('outcome', `"${rawOutcome}" is not an outcome (${INVALIDATION_OUTCOMES.join(', ')})`);
  const court = r.text('court', false, 200);
  const toUscc = r.uscc('toUscc');
  const licensee = r.text('licensee', false, 200);
  const rawExclusive = r.text('exclusive', false, 10);
  let exclusive: boolean | undefined;
  if (rawExclusive !== undefined) {
    if (YES.has(rawExclusive.toLowerCase())) exclusive = true;
    else if (NO.has(rawExclusive.toLowerCase())) exclusive = false;
    else r.refuse('exclusive', `"${rawExclusive}" is not 是/否 (yes/no)`);
  }
  const until = r.date('until', false);
  if (r.issues.length > 0 || !kind || !number || !type || !date) return { ok: false, issues: r.issues };
  const event: LegalEventInput = {
    type,
    date,
    ...(reference ? { reference } : {}),
    ...(note ? { note } : {}),
    ...(paidThrough ? { paidThrough } : {}),
    ...(rawOutcome ? { outcome: rawOutcome as InvalidationOutcome } : {}),
    ...(court ? { court } : {}),
    ...(toUscc ? { toUscc } : {}),
    ...(licensee ? { licensee } : {}),
    ...(exclusive === undefined ? {} : { exclusive }),
    ...(until ? { until } : {}),
  };
  return { ok: true, value: { kind, number, event } };
}

/** The column of a field the API's validation named (`filingDate`, `coOwners.0`, `number`). */
export function columnOfPath(path: string, names: Record<string, string>): string {
  const field = path.split('.')[0] ?? path;
  return names[field] ?? field;
}

// ---------------------------------------------------------------------------------------------------------------
// The error report

export interface Rejection {
  line: number;
  column: string;
  reason: string;
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV in UTF-8 with a BOM (Excel opens it as UTF-8): `row,column,reason`, `row` being the line in the file. */
export function errorReportCsv(rejections: readonly Rejection[]): string {
  const sorted = [...rejections].sort((a, b) => a.line - b.line);
  const lines = sorted.map((r) => [String(r.line), csvField(r.column), csvField(r.reason)].join(','));
  return `\uFEFF${['row,column,reason', ...lines].join('\r\n')}\r\n`;
}

export const clipReason = (reason: string): string =>
  reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;

/**
 * Whether a row brings nothing new for a right already held: the details a row carries (title or mark, dates,
 * classes) equal those stored. Then the row is `unchanged`; otherwise the right is revised (`updated`).
 */
export function sameDetails(stored: Asset, row: Asset): boolean {
  if (stored.kind === 'patent' && row.kind === 'patent')
    return (
      stored.title === row.title && stored.filingDate === row.filingDate && stored.grantDate === row.grantDate
    );
  if (stored.kind === 'trademark' && row.kind === 'trademark')
    return (
      stored.mark === row.mark &&
      stored.registrationDate === row.registrationDate &&
      [...stored.niceClasses].sort((a, b) => a - b).join(';') ===
        [...row.niceClasses].sort((a, b) => a - b).join(';')
    );
  return false;
}
