import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { type Asset, buildAsset } from '../../shared/domain/asset.js';
import type { DomainError } from '../../shared/domain/errors.js';
import {
  assetRowInput,
  batchesOf,
  cellText,
  checkDeclaration,
  clipReason,
  columnOfPath,
  columnsOf,
  decodeText,
  type Import,
  legalEventRowInput,
  mapHeader,
  maySeeImport,
  parseImportDate,
  parseImportFile,
  parseNiceClasses,
  readXlsx,
  rightOf,
  sameDetails,
  sniffImportFormat,
  UnreadableFile,
  zeroCounts,
} from '../../shared/domain/import.js';
import { INVALIDATION_OUTCOMES, LEGAL_EVENT_TYPES } from '../../shared/domain/legal-status.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { patentNo } from '../support/pledge-fixtures.js';
import { zip } from '../support/zip.js';

/**
 * The edges of the import rules (shared/domain/import.ts) that import-rows.test.ts leaves open: who sees an import,
 * every refusal's code and words, the bytes around a BOM and an unknown encoding, XLSX workbooks read cell by cell,
 * header spellings, the boundaries of sizes and row counts, each column of a row reaching its input, and what makes
 * a right's details the same. Expected values are written out here, not computed by the code under test.
 */
const A = withUsccCheck('91330782MA2E00001');
const B = withUsccCheck('91330782MA2E00002');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The refusal a file gets, as [code, message]. */
const fileRefusal = async (run: () => unknown): Promise<[string, string]> => {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableFile);
    const e = error as UnreadableFile;
    expect(e.name).toBe('UnreadableFile');
    return [e.code, e.message];
  }
  throw new Error('expected the file to be refused');
};

const workbook = async (rows: Record<number, unknown[]>): Promise<Uint8Array> => {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('权利');
  for (const [n, values] of Object.entries(rows))
    values.forEach((v, i) => {
      if (v !== undefined) sheet.getRow(Number(n)).getCell(i + 1).value = v as ExcelJS.CellValue;
    });
  return new Uint8Array(await wb.xlsx.writeBuffer());
};

describe('who sees an import, and its counts', () => {
  const made = (createdBy: Pick<Actor, 'role' | 'org'>, owner: string | null) =>
    ({ createdBy, owner }) as unknown as Import;
  const company = (org: string | null) => ({ role: 'enterprise' as const, org });

  it('the office every import; a company only those it made for itself', () => {
    const cases: [Pick<Actor, 'role' | 'org'>, Import, boolean][] = [
      [{ role: 'ipoffice', org: null }, made(company(B), B), true],
      [{ role: 'ipoffice', org: null }, made({ role: 'ipoffice', org: null }, null), true],
      [company(A), made(company(A), A), true],
      [company(A.toLowerCase()), made(company(A), A), true],
      [company(B), made(company(A), A), false],
      // The office imported A's rights: not A's import.
      [company(A), made({ role: 'ipoffice', org: null }, A), false],
      [company(A), made(company(A), null), false],
      [{ role: 'lender', org: A }, made(company(A), A), false],
    ];
    expect(cases.map(([actor, imp]) => maySeeImport(actor, imp))).toEqual(cases.map(([, , want]) => want));
  });

  it('counts start at zero', () => {
    expect(zeroCounts()).toEqual({
      rows: 0,
      processed: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
  });
});

describe('declarations, word for word', () => {
  const d = {
    kind: 'assets' as const,
    format: 'csv' as const,
    fileName: 'f.csv',
    sizeBytes: 10,
    sha256: 'a'.repeat(64),
  };
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      const e = error as DomainError;
      return { message: e.message, errors: e.extra.errors };
    }
    throw new Error('expected a refusal');
  };

  it('a company may name itself as owner; at exactly 5 MiB it is accepted, a byte more refused with its limits', () => {
    expect(checkDeclaration({ role: 'enterprise', org: A }, { ...d, owner: A.toLowerCase() })).toBe(A);
    expect(checkDeclaration({ role: 'enterprise', org: A }, { ...d, sizeBytes: 5_242_880 })).toBe(A);
    expect(
      refusal(() =>
        checkDeclaration({ role: 'enterprise', org: A }, { ...d, owner: B, sizeBytes: 5_242_881 }),
      ),
    ).toEqual({
      message: 'The import was refused.',
      errors: [
        {
          path: 'owner',
          code: 'import_own_rights_only',
          message: 'A company imports only its own rights; leave owner out or give your own USCC.',
        },
        {
          path: 'sizeBytes',
          code: 'import_too_large',
          params: { max: 5_242_880, maxRows: 10_000 },
          message:
            "A company's import file may hold at most 5242880 bytes (5 MiB) and 10000 rows; a larger register is imported by the IP office.",
        },
      ],
    });
  });

  it('the office up to exactly 50 MiB; a bad owner is named with its reason', () => {
    const office = { role: 'ipoffice' as const, org: null };
    expect(checkDeclaration(office, { ...d, sizeBytes: 52_428_800 })).toBeNull();
    expect(refusal(() => checkDeclaration(office, { ...d, owner: '123', sizeBytes: 52_428_801 }))).toEqual({
      message: 'The import was refused.',
      errors: [
        { path: 'owner', code: 'invalid_uscc', message: 'owner must be 18 characters, got 3' },
        {
          path: 'sizeBytes',
          code: 'import_too_large',
          params: { max: 52_428_800, maxRows: 500_000 },
          message: 'An import file may hold at most 52428800 bytes (50 MiB); split it.',
        },
      ],
    });
  });
});

describe('the bytes of a file', () => {
  it('a ZIP is an import only when it is a workbook; bytes of no known encoding are no CSV', () => {
    expect(sniffImportFormat(zip([{ name: '[Content_Types].xml' }, { name: 'xl/workbook.xml' }]).bytes)).toBe(
      'xlsx',
    );
    // A Word document has the content types but no workbook; a bare workbook part is no package.
    expect(
      sniffImportFormat(zip([{ name: '[Content_Types].xml' }, { name: 'word/document.xml' }]).bytes),
    ).toBeUndefined();
    expect(sniffImportFormat(zip([{ name: 'xl/workbook.xml' }]).bytes)).toBeUndefined();
    expect(sniffImportFormat(new Uint8Array([0x41, 0xff, 0x42]))).toBeUndefined();
  });

  it('only the three bytes EF BB BF are a BOM, whichever decoder reads the rest', async () => {
    // 类型 in GB18030 after a UTF-8 BOM: the BOM is not part of the GB18030 text.
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0xc0, 0xe0, 0xd0, 0xcd]))).toBe('类型');
    // Two of the three BOM bytes are a character, not a BOM.
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbb]))).toBe('\ufefb');
    expect(decodeText(new Uint8Array([0xef, 0xbf, 0xbf, 0x41]))).toBe('\uffffA');
    expect(decodeText(new Uint8Array([0xe0, 0xbb, 0xbf]))).toBe('\u0eff');
  });

  it('bytes that are neither UTF-8 nor GB18030 are refused', async () => {
    expect(await fileRefusal(() => decodeText(new Uint8Array([0x41, 0xff])))).toEqual([
      'import_encoding_unknown',
      'The file is neither UTF-8 nor GB18030 text; save it as CSV (UTF-8) or as an Excel workbook (.xlsx).',
    ]);
  });

  it('spreadsheet cells: nothing, a broken date, a hyperlink, an unknown object, text trimmed', () => {
    expect(cellText(undefined)).toBe('');
    expect(cellText(new Date(Number.NaN))).toBe('');
    expect(cellText({ text: '金华', hyperlink: 'https://example.com' })).toBe('金华');
    expect(cellText({ formula: 'B1', result: { richText: [{ text: 'a' }, { text: 'b' }] } })).toBe('ab');
    expect(cellText({})).toBe('');
    expect(cellText('  专利 ')).toBe('专利');
  });
});

describe('whole files', () => {
  const assets = { kind: 'assets' as const, format: 'csv' as const };

  it('refuses what is no import, a format other than declared, and a broken CSV, word for word', async () => {
    expect(await fileRefusal(() => parseImportFile(new Uint8Array(), assets, 10))).toEqual([
      'import_format_unreadable',
      'The file is neither CSV (UTF-8 or GB18030 text) nor an Excel workbook (.xlsx), whatever its name says.',
    ]);
    expect(
      await fileRefusal(() => parseImportFile(utf8('类型,申请号\n'), { ...assets, format: 'xlsx' }, 10)),
    ).toEqual([
      'import_format_mismatch',
      'The file was declared xlsx but is csv; declare it again with format csv.',
    ]);
    const [code, message] = await fileRefusal(() =>
      parseImportFile(utf8('类型,申请号\n专利,"1\n'), assets, 10),
    );
    expect(code).toBe('import_format_unreadable');
    expect(message).toMatch(/^The file is not a well-formed CSV: \S/);
    expect(await fileRefusal(() => parseImportFile(utf8(' , \n,\n'), assets, 10))).toEqual([
      'import_empty',
      'The file holds no header and no rows.',
    ]);
  });

  it('takes exactly the most rows; one more is refused, for a company with the office’s way out', async () => {
    const file = (n: number) =>
      utf8(`类型,申请号\n${Array.from({ length: n }, (_, i) => `专利,${i}\n`).join('')}`);
    expect((await parseImportFile(file(3), assets, 3)).rows).toHaveLength(3);
    expect(await fileRefusal(() => parseImportFile(file(4), assets, 3))).toEqual([
      'import_too_many_rows',
      'The file holds 4 rows; at most 3 are accepted in one import; split it.',
    ]);
    const big = utf8(`类型,申请号\n${'专利,1\n'.repeat(10_001)}`);
    expect(await fileRefusal(() => parseImportFile(big, assets, 10_000))).toEqual([
      'import_too_many_rows',
      'The file holds 10001 rows; at most 10000 are accepted in one import from a company (a larger register is imported by the IP office).',
    ]);
  });

  it('keeps rows with any text, drops blank ones, omits empty and missing cells', async () => {
    const csv = '类型,申请号,名称\n专利, 1 ,\n , , \n商标\n';
    expect((await parseImportFile(utf8(csv), assets, 10)).rows).toEqual([
      { line: 2, cells: { kind: '专利', number: '1' } },
      { line: 4, cells: { kind: '商标' } },
    ]);
  });

  it('marks duplicates only among assets with a number; a right’s legal events are many', async () => {
    const csv = '类型,申请号\n专利,\n专利,\n专利,1\n专利,1\n';
    expect((await parseImportFile(utf8(csv), assets, 10)).rows.map((r) => r.duplicateOf)).toEqual([
      undefined,
      undefined,
      undefined,
      4,
    ]);
    const events = '类型,申请号,事件,日期\n专利,1,lapsed,2025-01-01\n专利,1,restored,2025-02-01\n';
    const parsed = await parseImportFile(utf8(events), { kind: 'legal_events', format: 'csv' }, 10);
    expect(parsed.rows.map((r) => r.duplicateOf)).toEqual([undefined, undefined]);
  });

  it('reads the first worksheet of a workbook: a BOM in a header, dates, rich text, gaps and empty rows', async () => {
    const n = patentNo(2017, 1, 601862);
    const bytes = await workbook({
      1: ['\uFEFF类型', ' 申请号 ', '名称', '申请日'],
      2: ['专利', n, { richText: [{ text: '保温' }, { text: '杯' }] }, new Date(Date.UTC(2017, 5, 30))],
      4: ['专利', undefined, 't'],
    });
    const parsed = await parseImportFile(bytes, { kind: 'assets', format: 'xlsx' }, 10);
    expect(parsed).toEqual({
      columnNames: { kind: '类型', number: '申请号', title: '名称', filingDate: '申请日' },
      rows: [
        { line: 2, cells: { kind: '专利', number: n, title: '保温杯', filingDate: '2017-06-30' } },
        { line: 4, cells: { kind: '专利', title: 't' } },
      ],
    });
  });

  it('a workbook it cannot read, or one without a worksheet', async () => {
    const [code, message] = await fileRefusal(() => readXlsx(utf8('PK\u0003\u0004 not a zip')));
    expect(code).toBe('import_format_unreadable');
    expect(message).toMatch(/^The workbook cannot be read: \S/);
    const empty = new Uint8Array(await new ExcelJS.Workbook().xlsx.writeBuffer());
    expect(await fileRefusal(() => readXlsx(empty))).toEqual([
      'import_empty',
      'The workbook has no worksheet.',
    ]);
  });
});

describe('headers', () => {
  it('a trailing star, spaces inside an English name, any case; a star elsewhere is no header', () => {
    const m = mapHeader('assets', ['kind', ' 申请号 ', 'Filing Date', '授权公告日 * ', 'OWNERUSCC']);
    expect(Object.fromEntries(m.names)).toEqual({
      kind: 'kind',
      number: '申请号',
      filingDate: 'Filing Date',
      grantDate: '授权公告日 *',
      ownerUscc: 'OWNERUSCC',
    });
    expect(() => mapHeader('assets', ['kind', 'number', 'fil*ingDate'])).toThrow(/fil\*ingDate/);
  });

  it('unknown and missing columns, word for word', async () => {
    expect(await fileRefusal(() => mapHeader('assets', ['类型', '申请号', '颜色', '类型']))).toEqual([
      'import_header_unmapped',
      'The header has columns this import does not know: 颜色, 类型 (twice). The columns are: 类型/kind, 申请号/number, 名称/title, 商标/mark, 申请日/filingDate, 授权公告日/grantDate, 注册日/registrationDate, 类别/niceClasses, 权利人/ownerUscc, 权利人名称/ownerName.',
    ]);
    expect(await fileRefusal(() => mapHeader('legal_events', ['类型']))).toEqual([
      'import_header_missing',
      'The header lacks the required columns 申请号/number, 事件/type, 日期/date.',
    ]);
    expect(columnsOf('legal_events')).toEqual([
      '类型/kind',
      '申请号/number',
      '事件/type',
      '日期/date',
      '文号/reference',
      '备注/note',
      '缴费至/paidThrough',
      '结论/outcome',
      '法院/court',
      '受让人/toUscc',
      '被许可人/licensee',
      '独占/exclusive',
      '许可期限至/until',
    ]);
  });
});

describe('rights, batches and cells', () => {
  it('the right a row names: canonical numbers, raw ones that do not parse, unknown kinds', () => {
    const n = patentNo(2017, 1, 601862);
    expect(rightOf({ kind: ' Patent ', number: `ZL${n}` })).toBe(`patent#${n}`);
    expect(rightOf({ kind: '商标', number: 'no-such' })).toBe('trademark#no-such');
    expect(rightOf({ kind: '版权', number: 'x' })).toBe('?#x');
    expect(rightOf({})).toBe('?#');
  });

  it('batches: no empty batch at an exact multiple, none for no rows; sizes clamped to 1…1000', () => {
    const rows = Array.from({ length: 4 }, (_, i) => ({
      line: i + 2,
      cells: { kind: '专利', number: String(i) },
    }));
    expect(batchesOf('assets', rows, 2).map((b) => b.length)).toEqual([2, 2]);
    expect(batchesOf('assets', rows, 0).map((b) => b.length)).toEqual([1, 1, 1, 1]);
    expect(batchesOf('legal_events', [], 2)).toEqual([]);
    const many = Array.from({ length: 1001 }, (_, i) => ({
      line: i + 2,
      cells: { kind: '专利', number: String(i) },
    }));
    expect(batchesOf('assets', many, 5000).map((b) => b.length)).toEqual([1000, 1]);
  });

  it('dates and classes: surrounding spaces, nothing before or after, one or two digits', () => {
    expect(parseImportDate(' 2017-06-30 ')).toBe('2017-06-30');
    expect(parseImportDate('x2017-06-30')).toBeUndefined();
    expect(parseImportDate('2017-06-30x')).toBeUndefined();
    expect(parseNiceClasses(' 21 ;; 35 ')).toEqual([21, 35]);
    expect(parseNiceClasses('21;123')).toBeUndefined();
    expect(parseNiceClasses('21;1a')).toBeUndefined();
    expect(parseNiceClasses('21;a1')).toBeUndefined();
  });

  it('a field the API names by its path, in the column as headed', () => {
    expect(columnOfPath('coOwners.0', { coOwners: '共有人' })).toBe('共有人');
    expect(columnOfPath('number', {})).toBe('number');
  });

  it('a reason is clipped to 240 characters with an ellipsis', () => {
    expect(clipReason('r'.repeat(240))).toBe('r'.repeat(240));
    expect(clipReason('r'.repeat(241))).toBe(`${'r'.repeat(239)}…`);
  });
});

describe('asset rows', () => {
  const names = { kind: '类型', number: '申请号', title: '名称', mark: '商标', ownerName: '权利人名称' };

  it('a patent row with every column', () => {
    expect(
      assetRowInput(
        {
          kind: '专利',
          number: 'ZL1',
          title: 'a b',
          filingDate: '2017-06-30',
          grantDate: '2019.1.8',
          ownerUscc: A,
          ownerName: '金华某公司',
        },
        names,
      ),
    ).toEqual({
      ok: true,
      value: {
        input: {
          kind: 'patent',
          number: 'ZL1',
          title: 'a b',
          filingDate: '2017-06-30',
          grantDate: '2019-01-08',
        },
        ownerUscc: A,
        ownerName: '金华某公司',
      },
    });
  });

  it('a trademark row with every column', () => {
    expect(
      assetRowInput(
        {
          kind: 'trademark',
          number: '1',
          mark: '双龙',
          registrationDate: '2015/5/14',
          niceClasses: '30、35',
        },
        names,
      ),
    ).toEqual({
      ok: true,
      value: {
        input: {
          kind: 'trademark',
          number: '1',
          mark: '双龙',
          registrationDate: '2015-05-14',
          niceClasses: [30, 35],
        },
      },
    });
  });

  it('each refusal of a row, with the valid columns beside it', () => {
    const long = 'n'.repeat(201);
    expect(assetRowInput({ number: '1' }, names)).toEqual({
      ok: false,
      issues: [{ column: '类型', reason: 'is required' }],
    });
    expect(
      assetRowInput(
        { kind: '专利', title: 'a\tb', filingDate: '2017-06-30', ownerUscc: '123', ownerName: long },
        names,
      ),
    ).toEqual({
      ok: false,
      issues: [
        { column: '申请号', reason: 'is required' },
        { column: 'ownerUscc', reason: 'USCC must be 18 characters, got 3' },
        { column: '权利人名称', reason: 'is longer than 200 characters' },
        { column: '名称', reason: 'contains control characters' },
      ],
    });
    // A title of exactly 200 characters is fine; a bad title alone refuses the row.
    expect(
      assetRowInput({ kind: '专利', number: '1', title: 't'.repeat(200), filingDate: '2017-06-30' }, names)
        .ok,
    ).toBe(true);
    expect(
      assetRowInput({ kind: '专利', number: '1', title: 'a\u0001', filingDate: '2017-06-30' }, names),
    ).toEqual({
      ok: false,
      issues: [{ column: '名称', reason: 'contains control characters' }],
    });
    expect(
      assetRowInput(
        { kind: '商标', number: '1', mark: 'm\n', registrationDate: '2015-05-14', niceClasses: '30' },
        names,
      ),
    ).toEqual({
      ok: false,
      issues: [{ column: '商标', reason: 'contains control characters' }],
    });
    expect(assetRowInput({ kind: '商标', number: '1' }, names)).toEqual({
      ok: false,
      issues: [
        { column: '商标', reason: 'is required' },
        { column: 'registrationDate', reason: 'is required' },
        { column: 'niceClasses', reason: 'is required' },
      ],
    });
  });
});

describe('legal-event rows', () => {
  it('a row with every column reaches the event', () => {
    expect(
      legalEventRowInput(
        {
          kind: '商标',
          number: '1',
          type: 'Licensed',
          date: '2025-01-02',
          reference: 'R-1',
          note: 'n',
          paidThrough: '2026-01-01',
          outcome: 'upheld',
          court: '金华中院',
          toUscc: A.toLowerCase(),
          licensee: 'L',
          exclusive: 'No',
          until: '2027-1-1',
        },
        {},
      ),
    ).toEqual({
      ok: true,
      value: {
        kind: 'trademark',
        number: '1',
        event: {
          type: 'licensed',
          date: '2025-01-02',
          reference: 'R-1',
          note: 'n',
          paidThrough: '2026-01-01',
          outcome: 'upheld',
          court: '金华中院',
          toUscc: A,
          licensee: 'L',
          exclusive: false,
          until: '2027-01-01',
        },
      },
    });
    const yes = legalEventRowInput(
      { kind: '专利', number: '1', type: 'licensed', date: '2025-01-02', exclusive: 'YES' },
      {},
    );
    expect(yes.ok && yes.value.event.exclusive).toBe(true);
    const no = legalEventRowInput(
      { kind: '专利', number: '1', type: 'licensed', date: '2025-01-02', exclusive: '否' },
      {},
    );
    expect(no.ok && no.value.event.exclusive).toBe(false);
    // A column left empty is no key of the event at all.
    const bare = legalEventRowInput({ kind: '专利', number: '1', type: 'lapsed', date: '2025-01-02' }, {});
    expect(bare.ok && Object.keys(bare.value.event)).toEqual(['type', 'date']);
  });

  it('each refusal, word for word; a long reason is cut at 240 characters', () => {
    expect(legalEventRowInput({}, { kind: '类型', number: '申请号', type: '事件', date: '日期' })).toEqual({
      ok: false,
      issues: [
        { column: '类型', reason: 'is required' },
        { column: '申请号', reason: 'is required' },
        { column: '事件', reason: 'is required' },
        { column: '日期', reason: 'is required' },
      ],
    });
    const won = 'w'.repeat(30);
    const typeReason = `"${won}" is not a legal event type (${LEGAL_EVENT_TYPES.join(', ')})`;
    expect(typeReason.length).toBeGreaterThan(240);
    expect(
      legalEventRowInput(
        { kind: '专利', number: '1', type: won, date: '2025-01-02', outcome: 'Upheld', exclusive: 'maybe' },
        {},
      ),
    ).toEqual({
      ok: false,
      issues: [
        { column: 'type', reason: typeReason.slice(0, 240) },
        { column: 'outcome', reason: `"Upheld" is not an outcome (${INVALIDATION_OUTCOMES.join(', ')})` },
        { column: 'exclusive', reason: '"maybe" is not 是/否 (yes/no)' },
      ],
    });
    expect(
      legalEventRowInput(
        { kind: '专利', number: '1', type: 'lapsed', date: '2025-01-02', note: 'a\u0000' },
        {},
      ),
    ).toEqual({
      ok: false,
      issues: [{ column: 'note', reason: 'contains control characters' }],
    });
  });
});

describe('the same details', () => {
  const ctx = { id: 'x', owner: A, today: '2026-11-27', now: '2026-11-27T00:00:00Z' };
  const n = patentNo(2017, 1, 601862);
  const patent = buildAsset({ kind: 'patent', number: n, title: 't', filingDate: '2017-06-30' }, ctx);
  const mark = buildAsset(
    { kind: 'trademark', number: '1', mark: 'm', niceClasses: [9, 21, 35], registrationDate: '2015-05-14' },
    ctx,
  );

  it('each detail a row carries counts; classes in any order are the same; a patent is never a trademark', () => {
    expect(sameDetails(patent, { ...patent, filingDate: '2017-07-01' } as Asset)).toBe(false);
    expect(sameDetails(mark, { ...mark, mark: 'n' } as Asset)).toBe(false);
    expect(sameDetails(mark, { ...mark, registrationDate: '2015-05-15' } as Asset)).toBe(false);
    expect(
      sameDetails(
        { ...mark, niceClasses: [35, 9, 21] } as Asset,
        { ...mark, niceClasses: [21, 35, 9] } as Asset,
      ),
    ).toBe(true);
    expect(sameDetails(patent, mark)).toBe(false);
    expect(sameDetails(mark, patent)).toBe(false);
  });
});
