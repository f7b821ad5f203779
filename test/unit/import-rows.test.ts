import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildAsset } from '../../shared/domain/asset.js';
import type { DomainError } from '../../shared/domain/errors.js';
import {
  assetRowInput,
  batchesOf,
  cellText,
  checkDeclaration,
  decodeText,
  errorReportCsv,
  legalEventRowInput,
  mapHeader,
  parseImportDate,
  parseImportFile,
  parseNiceClasses,
  sameDetails,
  sniffImportFormat,
  UnreadableFile,
} from '../../shared/domain/import.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { patentNo } from '../support/pledge-fixtures.js';

const A = withUsccCheck('91330782MA2E00001');
const utf8 = (s: string) => new TextEncoder().encode(s);
/** 类型 in GB18030 (GBK): C0 E0 D0 CD. */
const GB_KIND = [0xc0, 0xe0, 0xd0, 0xcd];

const fileError = async (run: () => unknown): Promise<UnreadableFile> => {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableFile);
    return error as UnreadableFile;
  }
  throw new Error('expected the file to be refused');
};

describe('reading import files', () => {
  it('tells CSV text from XLSX from anything else by the bytes', async () => {
    expect(sniffImportFormat(utf8('类型,申请号\n'))).toBe('csv');
    expect(sniffImportFormat(new Uint8Array([...GB_KIND, 0x2c, 0x61]))).toBe('csv');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['kind']);
    expect(sniffImportFormat(new Uint8Array(await wb.xlsx.writeBuffer()))).toBe('xlsx');
    expect(sniffImportFormat(utf8('%PDF-1.7\u0000'))).toBeUndefined();
    expect(sniffImportFormat(new Uint8Array([0xff, 0xfe, 0x31, 0x00]))).toBeUndefined(); // UTF-16
    expect(sniffImportFormat(new Uint8Array())).toBeUndefined();
    // A ZIP that is not a workbook (an OFD, a docx) is not an import.
    expect(sniffImportFormat(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toBeUndefined();
  });

  it('decodes UTF-8 with or without BOM, else GB18030', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('类型')]))).toBe('类型');
    expect(decodeText(utf8('类型'))).toBe('类型');
    expect(decodeText(new Uint8Array(GB_KIND))).toBe('类型');
  });

  it('maps Chinese or English headers, and refuses unknown, repeated or missing required columns', () => {
    const m = mapHeader('assets', ['类型', 'Number', ' title ', '申请日*', '']);
    expect([...m.fields.entries()]).toEqual([
      [0, 'kind'],
      [1, 'number'],
      [2, 'title'],
      [3, 'filingDate'],
    ]);
    expect(m.names.get('filingDate')).toBe('申请日*');
    expect(() => mapHeader('assets', ['类型', '申请号', '颜色'])).toThrow(/颜色/);
    expect(() => mapHeader('assets', ['类型', '申请号', 'number'])).toThrow(/twice/);
    expect(() => mapHeader('assets', ['类型', '名称'])).toThrow(/申请号\/number/);
    expect(() => mapHeader('legal_events', ['类型', '申请号', '日期'])).toThrow(/事件\/type/);
  });

  it('reads a CSV with its line numbers (header = line 1, blank lines counted, quoted commas kept)', async () => {
    const csv = '类型,申请号,名称\n专利,1,"a, b"\n\n商标,2,x\n';
    const parsed = await parseImportFile(utf8(csv), { kind: 'assets', format: 'csv' }, 10);
    expect(parsed.rows).toEqual([
      { line: 2, cells: { kind: '专利', number: '1', title: 'a, b' } },
      { line: 4, cells: { kind: '商标', number: '2', title: 'x' } },
    ]);
    expect(parsed.columnNames).toEqual({ kind: '类型', number: '申请号', title: '名称' });
  });

  it('refuses a format other than declared, an empty file and too many rows, with their codes', async () => {
    const csv = utf8('类型,申请号\n专利,1\n专利,2\n');
    expect((await fileError(() => parseImportFile(csv, { kind: 'assets', format: 'xlsx' }, 10))).code).toBe(
      'import_format_mismatch',
    );
    expect((await fileError(() => parseImportFile(csv, { kind: 'assets', format: 'csv' }, 1))).code).toBe(
      'import_too_many_rows',
    );
    expect(
      (await fileError(() => parseImportFile(utf8('\n\n'), { kind: 'assets', format: 'csv' }, 1))).code,
    ).toBe('import_empty');
    expect(
      (await fileError(() => parseImportFile(utf8('%PDF-\u0000'), { kind: 'assets', format: 'csv' }, 1)))
        .code,
    ).toBe('import_format_unreadable');
  });

  it('marks a repeated right (any spelling of its number) as a duplicate of its first row', async () => {
    const n = patentNo(2017, 1, 601862);
    const csv = `类型,申请号\n专利,${n}\n专利,ZL ${n}\n商标,0123\n商标,123\n`;
    const parsed = await parseImportFile(utf8(csv), { kind: 'assets', format: 'csv' }, 10);
    expect(parsed.rows.map((r) => r.duplicateOf)).toEqual([undefined, 2, undefined, 4]);
  });

  it('spreadsheet cells as text: date cells as their day, rich text, formulas by their result', () => {
    expect(cellText(new Date(Date.UTC(2019, 0, 8)))).toBe('2019-01-08');
    expect(cellText({ richText: [{ text: '金华' }, { text: '火腿' }] })).toBe('金华火腿');
    expect(cellText({ formula: 'A1', result: 7 })).toBe('7');
    expect(cellText(null)).toBe('');
    expect(cellText(12345678)).toBe('12345678');
  });
});

describe('import rows', () => {
  it('dates in the three spellings, with or without leading zeros; nothing else', () => {
    expect(parseImportDate('2017-06-30')).toBe('2017-06-30');
    expect(parseImportDate('2017/6/3')).toBe('2017-06-03');
    expect(parseImportDate('2017.06.30')).toBe('2017-06-30');
    expect(parseImportDate('2017-06/30')).toBeUndefined();
    expect(parseImportDate('2017-02-29')).toBeUndefined();
    expect(parseImportDate('30/06/2017')).toBeUndefined();
  });

  it('Nice classes separated by ; ， 、 or spaces', () => {
    expect(parseNiceClasses('21;35')).toEqual([21, 35]);
    expect(parseNiceClasses('21；35、9')).toEqual([21, 35, 9]);
    expect(parseNiceClasses('21;x')).toBeUndefined();
    expect(parseNiceClasses('')).toBeUndefined();
  });

  const names = {
    kind: '类型',
    number: '申请号',
    filingDate: '申请日',
    registrationDate: '注册日',
    niceClasses: '类别',
  };

  it('a patent row becomes the API input; every problem of a bad row is named by its column', () => {
    expect(
      assetRowInput(
        { kind: '专利', number: 'ZL1', title: 't', filingDate: '2017/6/30', ownerUscc: A.toLowerCase() },
        names,
      ),
    ).toEqual({
      ok: true,
      value: { input: { kind: 'patent', number: 'ZL1', title: 't', filingDate: '2017-06-30' }, ownerUscc: A },
    });
    const bad = assetRowInput(
      { kind: '商标', number: '1', mark: 'm', registrationDate: '2015-13-01', niceClasses: 'x' },
      names,
    );
    expect(bad).toEqual({
      ok: false,
      issues: [
        { column: '注册日', reason: '"2015-13-01" is not a date (YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD)' },
        { column: '类别', reason: '"x" is not a list of Nice classes such as 21;35' },
      ],
    });
    expect(assetRowInput({ kind: '版权', number: '1' }, names)).toEqual({
      ok: false,
      issues: [{ column: '类型', reason: '"版权" is not a kind of right (专利/patent or 商标/trademark)' }],
    });
    expect(assetRowInput({ kind: 'patent', number: '1' }, names)).toMatchObject({
      ok: false,
      issues: [
        { column: 'title', reason: 'is required' },
        { column: '申请日', reason: 'is required' },
      ],
    });
  });

  it('a legal-event row: type, fields and yes/no', () => {
    expect(
      legalEventRowInput(
        { kind: '专利', number: 'n', type: 'licensed', date: '2025.1.2', licensee: 'L', exclusive: '是' },
        {},
      ),
    ).toEqual({
      ok: true,
      value: {
        kind: 'patent',
        number: 'n',
        event: { type: 'licensed', date: '2025-01-02', licensee: 'L', exclusive: true },
      },
    });
    const bad = legalEventRowInput(
      { kind: '专利', number: 'n', type: 'won', date: '2025-01-02', exclusive: 'maybe' },
      {},
    );
    expect(bad.ok ? [] : bad.issues.map((i) => i.column)).toEqual(['type', 'exclusive']);
  });

  it('unchanged means the same details the row carries', () => {
    const ctx = { id: 'x', owner: A, today: '2026-11-27', now: '2026-11-27T00:00:00Z' };
    const n = patentNo(2017, 1, 601862);
    const stored = buildAsset({ kind: 'patent', number: n, title: 't', filingDate: '2017-06-30' }, ctx);
    expect(
      sameDetails(
        stored,
        buildAsset({ kind: 'patent', number: n, title: 't', filingDate: '2017-06-30' }, ctx),
      ),
    ).toBe(true);
    expect(
      sameDetails(
        stored,
        buildAsset({ kind: 'patent', number: n, title: 'u', filingDate: '2017-06-30' }, ctx),
      ),
    ).toBe(false);
    expect(
      sameDetails(
        stored,
        buildAsset(
          { kind: 'patent', number: n, title: 't', filingDate: '2017-06-30', grantDate: '2019-01-08' },
          ctx,
        ),
      ),
    ).toBe(false);
    const mark = (classes: number[]) =>
      buildAsset(
        { kind: 'trademark', number: '1', mark: 'm', niceClasses: classes, registrationDate: '2015-05-14' },
        ctx,
      );
    expect(sameDetails(mark([35, 21]), mark([21, 35]))).toBe(true);
    expect(sameDetails(mark([21]), mark([21, 35]))).toBe(false);
  });

  it('batches: assets by size; one right’s legal events kept together and in order', () => {
    const row = (line: number, number: string) => ({ line, cells: { kind: '专利', number } });
    const rows = [row(2, 'a'), row(3, 'b'), row(4, 'a'), row(5, 'c'), row(6, 'a')];
    expect(batchesOf('assets', rows, 2).map((b) => b.map((r) => r.line))).toEqual([[2, 3], [4, 5], [6]]);
    expect(batchesOf('legal_events', rows, 2).map((b) => b.map((r) => r.line))).toEqual([
      [2, 4, 6],
      [3, 5],
    ]);
  });

  it('the error report: BOM, header, rows by line, fields quoted where needed', () => {
    const csv = errorReportCsv([
      { line: 9, column: '申请号', reason: 'held, by "another"' },
      { line: 3, column: '类型', reason: 'unknown' },
    ]);
    expect(csv).toBe('\uFEFFrow,column,reason\r\n3,类型,unknown\r\n9,申请号,"held, by ""another"""\r\n');
  });

  it('declarations: a company only for itself and within its size limit', () => {
    const d = {
      kind: 'assets' as const,
      format: 'csv' as const,
      fileName: 'f.csv',
      sizeBytes: 10,
      sha256: 'a'.repeat(64),
    };
    expect(checkDeclaration({ role: 'enterprise', org: A.toLowerCase() }, d)).toBe(A);
    expect(checkDeclaration({ role: 'ipoffice', org: null }, d)).toBeNull();
    expect(checkDeclaration({ role: 'ipoffice', org: null }, { ...d, owner: A.toLowerCase() })).toBe(A);
    const issues = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return ((error as DomainError).extra.errors as { path: string; code: string; message: string }[]).map(
          (e) => `${e.path} ${e.code} ${e.message}`,
        );
      }
      return [];
    };
    expect(
      issues(() =>
        checkDeclaration({ role: 'enterprise', org: A }, { ...d, sizeBytes: 5 * 1024 * 1024 + 1 }),
      ),
    ).toEqual([expect.stringMatching(/^sizeBytes import_too_large .*5 MiB.*10000 rows/)]);
    expect(
      issues(() =>
        checkDeclaration({ role: 'ipoffice', org: null }, { ...d, sizeBytes: 50 * 1024 * 1024 + 1 }),
      ),
    ).toEqual([expect.stringMatching(/^sizeBytes import_too_large .*50 MiB/)]);
    expect(issues(() => checkDeclaration({ role: 'ipoffice', org: null }, { ...d, owner: 'nope' }))).toEqual([
      expect.stringMatching(/^owner invalid_uscc /),
    ]);
    expect(
      issues(() =>
        checkDeclaration({ role: 'enterprise', org: A }, { ...d, owner: withUsccCheck('91330782MA2E00002') }),
      ),
    ).toEqual([expect.stringMatching(/^owner import_own_rights_only /)]);
  });
});
