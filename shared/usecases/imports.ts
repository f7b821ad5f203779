/**
 * Bulk import of rights and legal events (API.md v2): declare → presigned upload → start → batches → completed
 * (or failed). Every row goes through the same use cases as the API — `registerAsset` (check digits, dates,
 * the number claim's conditional write), `reviseAsset`, `recordLegalEvent`, `saveEnterprise` — as the importer.
 *
 * One batch function, `applyImportBatch`, serves both runners: in-process locally and in the tests
 * (`inProcessImportRunner`), a Step Functions Distributed Map deployed (`functions/import-*.ts`). A batch's
 * outcome counts are ADDed to the import and its marker item written in ONE transaction, so a redelivered batch
 * counts once; its rejections live in that marker until the final step writes the error report.
 */
import { createHash } from 'node:crypto';
import { type Actor, SYSTEM_ACTOR } from '../domain/actor.js';
import { type Asset, buildAsset } from '../domain/asset.js';
import { DOWNLOAD_URL_SECONDS, UPLOAD_URL_SECONDS } from '../domain/document.js';
import { conflict, DomainError, type FieldIssue, unprocessable } from '../domain/errors.js';
import {
  type AssetRow,
  assetRowInput,
  batchesOf,
  checkDeclaration,
  clipReason,
  columnOfPath,
  DEFAULT_IMPORT_BATCH_ROWS,
  type DeclaredImport,
  errorReportCsv,
  IMPORT_MACHINE,
  type Import,
  type ImportAction,
  type ImportCounts,
  type ImportRow,
  type ImportTransitionRow,
  importEventType,
  legalEventRowInput,
  MAX_COMPANY_IMPORT_BYTES,
  MAX_COMPANY_IMPORT_ROWS,
  MAX_IMPORT_BYTES,
  MAX_OFFICE_IMPORT_ROWS,
  maySeeImport,
  parseImportFile,
  type Rejection,
  sameDetails,
  sniffImportFormat,
  UnreadableFile,
  zeroCounts,
} from '../domain/import.js';
import { eventFields, type LegalEventInput } from '../domain/legal-status.js';
import { parsePatentNumber } from '../domain/patent-number.js';
import { parseTrademarkNumber } from '../domain/trademark.js';
import { checkUscc } from '../domain/uscc.js';
import { EnterpriseRepository } from '../store/enterprise-repository.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import {
  assetKey,
  assetNumberKey,
  IMPORT_BATCH_PREFIX,
  importBatchKey,
  importBatchObject,
  importErrorsObject,
  importKey,
  importManifestObject,
  importSourceObject,
  LEGAL_EVENT_PREFIX,
} from '../store/keys.js';
import { toResource } from '../store/records.js';
import { ABSENT, ConditionsFailed, type Item } from '../store/toolkit.js';
import { recordLegalEvent, registerAsset, reviseAsset } from './assets.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec } from './engine.js';
import { saveEnterprise } from './enterprises.js';
import { type PresignedUpload, storageOf } from './object-storage.js';

/** Starts the batches of a started import: in-process locally, a Step Functions execution deployed. */
export interface ImportRunner {
  start(importId: string): Promise<void>;
}

export const IMPORT_SPEC: AggregateSpec<Import, ImportAction, ImportTransitionRow> = {
  kind: 'import',
  noun: 'import',
  machine: IMPORT_MACHINE,
  eventType: importEventType,
  maySee: maySeeImport,
  audience: (imp) =>
    imp.createdBy.role === 'enterprise' && imp.owner ? [`enterprise:${imp.owner.toUpperCase()}`] : [],
  indexKeys: () => ({}),
};

const CONTENT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** What `GET /imports/{id}` answers. */
export interface ImportView extends ImportCounts {
  id: string;
  status: Import['status'];
  kind: Import['kind'];
  format: Import['format'];
  owner: string | null;
  fileName: string;
  batches?: number;
  failure?: { code: string; message: string };
  errorReport?: { url: string };
  version: number;
  createdAt: string;
  updatedAt: string;
}

const viewOf = (imp: Import, errorReport?: { url: string }): ImportView => ({
  id: imp.id,
  status: imp.status,
  kind: imp.kind,
  format: imp.format,
  owner: imp.owner,
  fileName: imp.fileName,
  rows: imp.rows,
  processed: imp.processed,
  created: imp.created,
  updated: imp.updated,
  unchanged: imp.unchanged,
  rejected: imp.rejected,
  ...(imp.batches === undefined ? {} : { batches: imp.batches }),
  ...(imp.failure ? { failure: imp.failure } : {}),
  ...(errorReport ? { errorReport } : {}),
  version: imp.version,
  createdAt: imp.createdAt,
  updatedAt: imp.updatedAt,
});

/** `POST /imports`: the import, pending its upload, and the presigned PUT bound to the declared size and SHA-256. */
export async function declareImport(
  uc: UseCaseContext,
  actor: Actor,
  input: DeclaredImport,
  idempotency?: IdempotencyRequest,
): Promise<{ import: ImportView; upload: PresignedUpload }> {
  const storage = storageOf(uc);
  const owner = checkDeclaration(actor, input);
  await uc.engine.read([], idempotency);
  const now = uc.clock.now();
  const imp: Import = {
    id: uc.newId(),
    status: 'pending_upload',
    kind: input.kind,
    format: input.format,
    owner,
    fileName: input.fileName,
    sizeBytes: input.sizeBytes,
    sha256: input.sha256,
    createdBy: { role: actor.role, org: actor.org, ...(actor.sub ? { sub: actor.sub } : {}) },
    ...zeroCounts(),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const upload = await storage.presignPut(importSourceObject(imp.id), {
    sizeBytes: input.sizeBytes,
    sha256: input.sha256,
    contentType: CONTENT_TYPES[input.format],
    signedAt: now,
    expiresInSeconds: UPLOAD_URL_SECONDS,
  });
  const result = { import: viewOf(imp), upload };
  await uc.engine.create(IMPORT_SPEC, { actor, action: 'declare', idempotency }, imp, {
    data: { kind: imp.kind, format: imp.format, fileName: imp.fileName },
    result,
  });
  return result;
}

const fileIssue = (issue: { code: string; message: string }): FieldIssue => ({ path: 'file', ...issue });

/**
 * `POST /imports/{id}/start`: the uploaded file must be there, with the declared size and SHA-256, and be CSV or
 * XLSX by its bytes (422 otherwise, nothing changes); then the import is `running` and its runner starts.
 */
export async function startImport(
  uc: UseCaseContext,
  runner: ImportRunner,
  actor: Actor,
  req: { id: string; expectedVersion?: number | undefined; idempotency?: IdempotencyRequest | undefined },
): Promise<ImportView> {
  const storage = storageOf(uc);
  const outcome = await uc.engine.transition(
    IMPORT_SPEC,
    {
      actor,
      id: req.id,
      action: 'start',
      expectedVersion: req.expectedVersion,
      idempotency: req.idempotency,
    },
    async (imp) => {
      const limit = imp.createdBy.role === 'enterprise' ? MAX_COMPANY_IMPORT_BYTES : MAX_IMPORT_BYTES;
      const stored = await storage.read(importSourceObject(imp.id), limit);
      if (!stored)
        throw unprocessable('The file has not been uploaded yet.', {
          errors: [
            fileIssue({
              code: 'import_upload_missing',
              message: 'Upload the file with the presigned PUT first.',
            }),
          ],
        });
      if (stored.bytes.length !== imp.sizeBytes)
        throw unprocessable('The uploaded file is not the one declared.', {
          errors: [
            fileIssue({
              code: 'import_size_mismatch',
              message: `The file holds ${stored.bytes.length} bytes, not the declared ${imp.sizeBytes}.`,
            }),
          ],
        });
      if (createHash('sha256').update(stored.bytes).digest('hex') !== imp.sha256)
        throw unprocessable('The uploaded file is not the one declared.', {
          errors: [
            fileIssue({
              code: 'import_checksum_mismatch',
              message: 'The SHA-256 of the file is not the declared one.',
            }),
          ],
        });
      const format = sniffImportFormat(stored.bytes);
      if (format !== imp.format)
        throw unprocessable('The file cannot be imported.', {
          errors: [
            format
              ? fileIssue({
                  code: 'import_format_mismatch',
                  message: `The file was declared ${imp.format} but is ${format}; declare it again as ${format}.`,
                })
              : fileIssue({
                  code: 'import_format_unreadable',
                  message: 'The file is neither CSV (UTF-8 or GB18030 text) nor an Excel workbook (.xlsx).',
                }),
          ],
        });
      return { data: {} };
    },
  );
  const imp = outcome.after;
  try {
    await runner.start(imp.id);
  } catch (error) {
    await failImport(uc, imp.id, {
      code: 'import_not_started',
      message: 'The import could not be started; declare it again.',
    });
    throw error;
  }
  return viewOf(imp);
}

/** `GET /imports/{id}`: status and counts; once completed with rejections, a short-lived link to the error report. */
export async function getImport(uc: UseCaseContext, actor: Actor, id: string): Promise<ImportView> {
  const imp = await uc.engine.load<Import>('import', id);
  if (!imp || !maySeeImport(actor, imp)) throw new DomainError('not_found', `Import ${id} was not found.`);
  if (!imp.errorReportKey) return viewOf(imp);
  const url = await storageOf(uc).presignGet(imp.errorReportKey, {
    fileName: `${imp.fileName.replace(/\.[^.]*$/, '')}-errors.csv`,
    contentType: 'text/csv; charset=utf-8',
    signedAt: uc.clock.now(),
    expiresInSeconds: DOWNLOAD_URL_SECONDS,
  });
  return viewOf(imp, { url });
}

// ---------------------------------------------------------------------------------------------------------------
// The runner's steps: prepare → batches → finish (or fail)

export interface ImportBatch {
  index: number;
  columnNames: Record<string, string>;
  rows: ImportRow[];
}

/**
 * Reads the uploaded file and cuts it into batches; records the row and batch counts. A file that cannot be read
 * at all (not CSV/XLSX, a header it cannot map, too many rows for the importer) fails the import with the reason
 * and writes nothing else: answers undefined.
 */
export async function prepareImport(
  uc: UseCaseContext,
  importId: string,
  batchRows = DEFAULT_IMPORT_BATCH_ROWS,
): Promise<ImportBatch[] | undefined> {
  const storage = storageOf(uc);
  const imp = await uc.engine.load<Import>('import', importId);
  if (imp?.status !== 'running') return undefined;
  const company = imp.createdBy.role === 'enterprise';
  const stored = await storage.read(
    importSourceObject(imp.id),
    company ? MAX_COMPANY_IMPORT_BYTES : MAX_IMPORT_BYTES,
  );
  try {
    if (!stored) throw new UnreadableFile('import_format_unreadable', 'The uploaded file is gone.');
    const parsed = await parseImportFile(
      stored.bytes,
      imp,
      company ? MAX_COMPANY_IMPORT_ROWS : MAX_OFFICE_IMPORT_ROWS,
    );
    const batches = batchesOf(imp.kind, parsed.rows, batchRows).map((rows, index) => ({
      index,
      columnNames: parsed.columnNames,
      rows,
    }));
    await uc.store.write({
      tag: 'import',
      write: uc.store.update(
        importKey(imp.id),
        { set: { rows: parsed.rows.length, batches: batches.length } },
        {
          expression: '#status = :running',
          names: { '#status': 'status' },
          values: { ':running': 'running' },
        },
      ),
    });
    return batches;
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    await failImport(uc, imp.id, { code: error.code, message: error.message });
    return undefined;
  }
}

/** The import ends `failed` with the reason (a no-op when it has ended already). */
export async function failImport(
  uc: UseCaseContext,
  importId: string,
  failure: { code: string; message: string },
): Promise<void> {
  try {
    await uc.engine.transition(IMPORT_SPEC, { actor: SYSTEM_ACTOR, id: importId, action: 'fail' }, () => ({
      changes: { failure },
      data: { code: failure.code },
    }));
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'invalid_state') return;
    throw error;
  }
}

/**
 * The last step: the rejections the batches recorded become the error report (when there are any), and the import
 * is `completed` — or `failed` with `failure` when a batch could not run. Reads the import's own partition only.
 */
export async function finishImport(
  uc: UseCaseContext,
  importId: string,
  failure?: { code: string; message: string },
): Promise<void> {
  const storage = storageOf(uc);
  const markers = await uc.store.queryPartition(importKey(importId).pk, IMPORT_BATCH_PREFIX);
  const rejections = markers.flatMap((m) => (m.rejections as Rejection[] | undefined) ?? []);
  const errorReportKey = rejections.length > 0 ? importErrorsObject(importId) : undefined;
  if (errorReportKey)
    await storage.write(
      errorReportKey,
      new TextEncoder().encode(errorReportCsv(rejections)),
      'text/csv; charset=utf-8',
    );
  if (failure) {
    await failImport(uc, importId, failure);
    return;
  }
  try {
    await uc.engine.transition(
      IMPORT_SPEC,
      { actor: SYSTEM_ACTOR, id: importId, action: 'complete' },
      (imp) => ({
        changes: errorReportKey ? { errorReportKey } : {},
        data: { rows: imp.rows, rejected: imp.rejected },
      }),
    );
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'invalid_state') return;
    throw error;
  }
}

type Rejected = { rejected: { column: string; reason: string }[] };
type Outcome = 'created' | 'updated' | 'unchanged' | Rejected;
type PlannedAsset = { row: AssetRow; asset: Asset; owner: string };

/** Rows applied at once within a batch (the rest of a batch waits): bounds one invocation's write rate. */
const ROW_CONCURRENCY = 8;
/** A busy table (throttling, a transaction conflicting on a shared counter): a row is tried this often. */
const BUSY_ATTEMPTS = 6;
const BUSY_BACKOFF_MS = 25;

/**
 * Runs `work` again while the store says the table is busy (503 `unavailable`: throttled, or a transaction that
 * conflicted with another on the same item — the portfolio counters, the import's own counts), with capped
 * exponential backoff and jitter; bounded, then the fault goes up (the batch fails and is retried whole).
 */
async function whileBusy<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof DomainError && error.kind === 'unavailable') || attempt >= BUSY_ATTEMPTS)
        throw error;
      // Stryker disable next-line ArithmeticOperator: the backoff's length changes timing only, not the outcome
      const cap = BUSY_BACKOFF_MS * 2 ** (attempt - 1);
      // Stryker disable next-line ArithmeticOperator: as above
      await new Promise((r) => setTimeout(r, cap / 2 + Math.random() * (cap / 2)));
    }
  }
}

/**
 * THE batch function, run by both runners: applies each row through the use cases as the importer, then ADDs the
 * outcome counts to the import and writes the batch's marker (with its rejections) in ONE transaction. A batch
 * already applied (a redelivery) is not counted again; its rows were idempotent anyway.
 */
export async function applyImportBatch(
  uc: UseCaseContext,
  importId: string,
  batch: ImportBatch,
): Promise<ImportCounts> {
  const read = await uc.store.batchGet([importKey(importId), importBatchKey(importId, batch.index)]);
  const item = read.get(importKey(importId));
  const imp = item ? toResource<Import>(item) : undefined;
  const done = read.get(importBatchKey(importId, batch.index));
  if (imp?.status !== 'running' || done) return (done?.counts as ImportCounts | undefined) ?? zeroCounts();
  const apply = imp.kind === 'assets' ? new AssetRows(uc, imp, batch) : new LegalEventRows(uc, imp, batch);
  const outcomes = await apply.run();
  const counts = zeroCounts();
  const rejections: Rejection[] = [];
  counts.processed = batch.rows.length;
  batch.rows.forEach((row, i) => {
    const outcome = outcomes[i]!;
    if (typeof outcome === 'string') counts[outcome]++;
    else {
      counts.rejected++;
      for (const r of outcome.rejected)
        rejections.push({ line: row.line, column: r.column, reason: clipReason(r.reason) });
    }
  });
  try {
    await whileBusy(() =>
      uc.store.transact([
        {
          tag: 'import',
          write: uc.store.update(
            importKey(importId),
            {
              add: {
                processed: counts.processed,
                created: counts.created,
                updated: counts.updated,
                unchanged: counts.unchanged,
                rejected: counts.rejected,
              },
            },
            {
              expression: '#status = :running',
              names: { '#status': 'status' },
              values: { ':running': 'running' },
            },
          ),
        },
        {
          tag: 'batch',
          write: uc.store.put(
            { ...importBatchKey(importId, batch.index), entity: 'import-batch', counts, rejections },
            ABSENT,
          ),
        },
      ]),
    );
  } catch (error) {
    // Another delivery of this batch counted it first, or the import ended meanwhile: nothing more to count.
    if (!(error instanceof ConditionsFailed)) throw error;
  }
  return counts;
}

/** Runs `work` over `items` with at most `limit` at a time, answering in the items' order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  // Stryker disable next-line ArrayDeclaration: a presized array only saves growing it
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  // Stryker disable next-line MethodExpression: a worker beyond the items finds none and ends
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Runs `work` over `items`, one after the other within a group (the same `keyOf`), groups `limit` at a time;
 * answers in the items' order. An item without a key is answered by `work` in a group of its own.
 */
async function poolByKey<T, R>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const groups: number[][] = [];
  const byKey = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const group = key === undefined ? undefined : byKey.get(key);
    if (group) {
      group.push(i);
      return;
    }
    const fresh = [i];
    groups.push(fresh);
    if (key !== undefined) byKey.set(key, fresh);
  });
  // Stryker disable next-line ArrayDeclaration: a presized array only saves growing it
  const results = new Array<R>(items.length);
  await pool(groups, limit, async (indexes) => {
    for (const i of indexes) results[i] = await work(items[i]!);
  });
  return results;
}

const reject = (column: string, reason: string): Rejected => ({ rejected: [{ column, reason }] });

/** A refusal of a use case as rejections of the row: each field the API named, in its column. */
function refusalOf(error: unknown, names: Record<string, string>, fallbackColumn: string): Rejected {
  if (!(error instanceof DomainError)) throw error;
  if (error.kind === 'unavailable') throw error;
  const issues = (error.extra.errors as FieldIssue[] | undefined) ?? [];
  if (issues.length === 0) return reject(fallbackColumn, error.message);
  return {
    rejected: issues.map((i) => ({ column: columnOfPath(i.path, names), reason: `${i.path} ${i.message}` })),
  };
}

const canonicalNumber = (kind: 'patent' | 'trademark', raw: string): string | undefined => {
  const parsed = kind === 'patent' ? parsePatentNumber(raw) : parseTrademarkNumber(raw);
  return parsed.ok ? parsed.number : undefined;
};

class AssetRows {
  private readonly names: Record<string, string>;
  /** Owners known to be registered (or registered by this batch). */
  private readonly owners = new Map<string, Promise<boolean>>();
  constructor(
    private readonly uc: UseCaseContext,
    private readonly imp: Import,
    private readonly batch: ImportBatch,
  ) {
    this.names = batch.columnNames;
  }

  private column(field: string) {
    return this.names[field] ?? field;
  }

  async run(): Promise<Outcome[]> {
    const today = this.uc.clock.today();
    const now = this.uc.clock.now().toISOString();
    const actor = this.imp.createdBy;
    // Every row read into the API's input and checked by the API's rule, before any read.
    const planned = this.batch.rows.map((row): Rejected | PlannedAsset => {
      if (row.duplicateOf !== undefined)
        return reject(
          this.column('number'),
          `repeats the right of row ${row.duplicateOf}; each right once per file`,
        );
      const read = assetRowInput(row.cells, this.names);
      if (!read.ok) return { rejected: read.issues };
      const own = actor.role === 'enterprise' ? (actor.org ?? '').toUpperCase() : undefined;
      if (own !== undefined && read.value.ownerUscc !== undefined && read.value.ownerUscc !== own)
        return reject(this.column('ownerUscc'), 'a company imports only its own rights');
      const owner = own ?? read.value.ownerUscc ?? this.imp.owner ?? undefined;
      if (!owner) return reject(this.column('ownerUscc'), 'is required: the import names no default owner');
      try {
        const asset = buildAsset(read.value.input, { id: '-', owner, today, now });
        return { row: read.value, asset, owner };
      } catch (error) {
        return refusalOf(error, this.names, this.column('number'));
      }
    });
    const valid = planned.filter((p): p is PlannedAsset => 'asset' in p);
    const claims = await this.uc.store.batchGet(
      valid.map((p) => assetNumberKey(p.asset.kind, p.asset.number)),
    );
    const held = valid.flatMap((p) => {
      const claim = claims.get(assetNumberKey(p.asset.kind, p.asset.number));
      return claim && claim.owner === p.owner ? [String(claim.assetId)] : [];
    });
    const assets = await this.uc.store.batchGet(held.map(assetKey));
    // Rights expiring on the same day share the portfolio's in-force counters (the city's and their owner's): they
    // go one after the other, so a batch's own transactions do not conflict on a counter; groups go at once.
    return poolByKey(
      planned,
      (p) =>
        'asset' in p
          ? `${p.asset.kind === 'patent' ? p.asset.patentType : 'trademark'}#${p.asset.expiresOn}`
          : undefined,
      ROW_CONCURRENCY,
      async (p) => {
        if (!('asset' in p)) return p;
        const claim = claims.get(assetNumberKey(p.asset.kind, p.asset.number));
        const existing = claim && assets.get(assetKey(String(claim.assetId)));
        return whileBusy(() =>
          this.apply(p, claim, existing ? toResource<Asset>(existing) : undefined, true),
        );
      },
    );
  }

  private async apply(
    p: { row: AssetRow; asset: Asset; owner: string },
    claim: Item | undefined,
    existing: Asset | undefined,
    mayRetry: boolean,
  ): Promise<Outcome> {
    const actor = this.imp.createdBy;
    const numberColumn = this.column('number');
    if (claim && claim.owner !== p.owner)
      return reject(
        numberColumn,
        `${p.asset.kind} ${p.asset.number} is held by another enterprise in the portal; if it is this one's, ` +
          'register it in the portal to open an ownership case for the IP office',
      );
    try {
      if (!claim) {
        if (!(await this.ownerRegistered(p.owner, p.row.ownerName)))
          return reject(
            this.column('ownerUscc'),
            `enterprise ${p.owner} is not registered in the portal; register it first`,
          );
        await registerAsset(this.uc, actor, { owner: p.owner, input: p.row.input });
        return 'created';
      }
      if (!existing) throw conflict('The right moved meanwhile.');
      if (sameDetails(existing, p.asset)) return 'unchanged';
      await reviseAsset(this.uc, actor, {
        id: existing.id,
        input: p.row.input,
        expectedVersion: existing.version,
      });
      return 'updated';
    } catch (error) {
      // A concurrent write of the same number (the API, another row) won the conditional write: look again, once.
      if (
        mayRetry &&
        error instanceof DomainError &&
        (error.kind === 'conflict' || error.kind === 'precondition_failed') &&
        error.extra.ownershipCaseId === undefined
      ) {
        const again = await this.uc.store.get(assetNumberKey(p.asset.kind, p.asset.number));
        const asset =
          again && again.owner === p.owner
            ? await this.uc.store.get(assetKey(String(again.assetId)))
            : undefined;
        return this.apply(p, again, asset ? toResource<Asset>(asset) : undefined, false);
      }
      if (error instanceof DomainError && error.extra.ownershipCaseId !== undefined)
        return reject(numberColumn, error.message);
      return refusalOf(error, this.names, numberColumn);
    }
  }

  /**
   * The row's owner is registered — or, in an office import, registered now from its USCC (its name from the
   * 权利人名称 column, else the USCC itself until the company completes it).
   */
  private ownerRegistered(uscc: string, name: string | undefined): Promise<boolean> {
    let known = this.owners.get(uscc);
    if (!known) {
      known = (async () => {
        const repo = new EnterpriseRepository(this.uc.store);
        if (await repo.get(uscc)) return true;
        if (this.imp.createdBy.role !== 'ipoffice') return false;
        const check = checkUscc(uscc);
        if (!check.ok) return false;
        try {
          await saveEnterprise(this.uc, this.imp.createdBy, {
            uscc,
            divisionCode: check.divisionCode,
            input: { name: name ?? uscc },
          });
        } catch (error) {
          // Registered meanwhile by another batch or by the company itself.
          if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
        }
        return true;
      })();
      this.owners.set(uscc, known);
    }
    return known;
  }
}

class LegalEventRows {
  private readonly names: Record<string, string>;
  constructor(
    private readonly uc: UseCaseContext,
    private readonly imp: Import,
    private readonly batch: ImportBatch,
  ) {
    this.names = batch.columnNames;
  }

  private column(field: string) {
    return this.names[field] ?? field;
  }

  /** Rights at once; one right's events one after the other, in file order. */
  async run(): Promise<Outcome[]> {
    return poolByKey(
      this.batch.rows,
      (row) => `${row.cells.kind ?? ''}#${row.cells.number ?? ''}`,
      ROW_CONCURRENCY,
      (row) => whileBusy(() => this.apply(row)),
    );
  }

  private async apply(row: ImportRow): Promise<Outcome> {
    const read = legalEventRowInput(row.cells, this.names);
    if (!read.ok) return { rejected: read.issues };
    const { kind, event } = read.value;
    const numberColumn = this.column('number');
    const number = canonicalNumber(kind, read.value.number);
    if (!number) return reject(numberColumn, `"${read.value.number}" is not a valid ${kind} number`);
    const actor = this.imp.createdBy;
    const claim = await this.uc.store.get(assetNumberKey(kind, number));
    const own = actor.role === 'enterprise' ? (actor.org ?? '').toUpperCase() : undefined;
    if (!claim || (own !== undefined && claim.owner !== own))
      return reject(numberColumn, `no ${kind} ${number} in ${own ? 'your portfolio' : 'the portal'}`);
    const assetId = String(claim.assetId);
    for (let attempt = 1; ; attempt++) {
      if (await this.alreadyRecorded(assetId, event)) return 'unchanged';
      try {
        await recordLegalEvent(this.uc, actor, { assetId, input: event });
        return 'created';
      } catch (error) {
        if (attempt === 1 && error instanceof DomainError && error.kind === 'conflict') continue;
        return refusalOf(error, this.names, this.column('type'));
      }
    }
  }

  /** The same event (type, date and its fields) is among the right's recorded events: a re-import adds nothing. */
  private async alreadyRecorded(assetId: string, event: LegalEventInput): Promise<boolean> {
    const wanted = JSON.stringify(sorted(eventFields(event) as unknown as Record<string, unknown>));
    const recorded = await this.uc.store.queryPartition(assetKey(assetId).pk, LEGAL_EVENT_PREFIX);
    return recorded.some((item) => {
      const fields = eventFields(item as unknown as LegalEventInput);
      return JSON.stringify(sorted(fields as unknown as Record<string, unknown>)) === wanted;
    });
  }
}

const sorted = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

// ---------------------------------------------------------------------------------------------------------------
// Deployed: the same steps, with the batches handed over as objects in the files bucket

/** One item of the Distributed Map: where a batch is. */
export interface BatchRef {
  importId: string;
  index: number;
  key: string;
}

/** The bounded size of a batch object (1,000 rows of at most a few hundred characters each). */
const MAX_BATCH_OBJECT_BYTES = 4 * 1024 * 1024;

/**
 * The prepare step of the state machine: reads and cuts the file (`prepareImport`), writes each batch as a JSON
 * object and the manifest the Distributed Map reads (a JSON array of `BatchRef`). A file that cannot be read at
 * all has failed the import already: `{ batches: 0 }`, and the machine ends.
 */
export async function prepareImportObjects(
  uc: UseCaseContext,
  importId: string,
  batchRows = DEFAULT_IMPORT_BATCH_ROWS,
): Promise<{ importId: string; batches: number; manifestKey?: string }> {
  const storage = storageOf(uc);
  const batches = await prepareImport(uc, importId, batchRows);
  if (!batches) return { importId, batches: 0 };
  const encoder = new TextEncoder();
  const refs: BatchRef[] = [];
  for (const batch of batches) {
    const key = importBatchObject(importId, batch.index);
    await storage.write(key, encoder.encode(JSON.stringify(batch)), 'application/json');
    refs.push({ importId, index: batch.index, key });
  }
  const manifestKey = importManifestObject(importId);
  await storage.write(manifestKey, encoder.encode(JSON.stringify(refs)), 'application/json');
  return { importId, batches: refs.length, manifestKey };
}

/** A Distributed Map iteration: the batch object, through THE batch function. */
export async function applyImportBatchObject(uc: UseCaseContext, ref: BatchRef): Promise<ImportCounts> {
  const storage = storageOf(uc);
  if (ref.key !== importBatchObject(ref.importId, ref.index))
    throw new Error(`Batch ${ref.index} of import ${ref.importId} is not at ${ref.key}.`);
  const stored = await storage.read(ref.key, MAX_BATCH_OBJECT_BYTES);
  if (!stored) throw new Error(`Batch object ${ref.key} is missing.`);
  const batch = JSON.parse(new TextDecoder().decode(stored.bytes)) as ImportBatch;
  return applyImportBatch(uc, ref.importId, batch);
}

/**
 * The local runner (`npm start`, the tests): `start` returns at once, and the process applies the batches one after
 * the other in the background — prepare, every batch through `applyImportBatch`, finish. `idle()` resolves when
 * every import it started has ended (for scripts and benchmarks).
 */
export function inProcessImportRunner(
  uc: UseCaseContext,
  options: { batchRows?: number; onFault?: (error: unknown) => void } = {},
): ImportRunner & { idle(): Promise<void> } {
  const running = new Set<Promise<void>>();
  const run = async (importId: string) => {
    try {
      const batches = await prepareImport(uc, importId, options.batchRows);
      if (!batches) return;
      for (const batch of batches) await applyImportBatch(uc, importId, batch);
      await finishImport(uc, importId);
    } catch (error) {
      options.onFault?.(error);
      await finishImport(uc, importId, {
        code: 'import_interrupted',
        message:
          'The import stopped on a fault; the rows counted were applied. Import the file again to finish.',
      }).catch(() => undefined);
    }
  };
  return {
    async start(importId) {
      const p = run(importId).finally(() => running.delete(p));
      running.add(p);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
