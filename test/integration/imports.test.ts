import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/principal.js';
import { businessDateClock } from '../../shared/domain/clock.js';
import { assetNumberKey } from '../../shared/store/keys.js';
import { asEnterprise, office, patentNo, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2D00001'); // registered
const B = yiwu('MA2D00002'); // registered
const C = yiwu('MA2D00003'); // created by the office import
const D = yiwu('MA2D00004'); // registered; the company importer

type As = { role: Role; org?: string | null };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const utf8 = (text: string, bom = true) =>
  new Uint8Array(Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]));

/** GB18030 bytes of text made of ASCII and the few Chinese characters the headers and rows below use. */
function gb18030(text: string): Uint8Array {
  const table: Record<string, number[]> = {};
  // Built from the decoder itself: every two-byte GBK code whose decoding is one of the characters we need.
  const wanted = new Set([...text].filter((ch) => ch.charCodeAt(0) > 0x7f));
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe && Object.keys(table).length < wanted.size; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (wanted.has(ch) && !table[ch]) table[ch] = [hi, lo];
    }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) <= 0x7f) out.push(ch.charCodeAt(0));
    else if (table[ch]) out.push(...table[ch]);
    else throw new Error(`no GB18030 code for ${ch}`);
  }
  return new Uint8Array(out);
}

describe('bulk import', () => {
  let portal: TestPortal;

  const declare = (as: As, bytes: Uint8Array, body: Record<string, unknown> = {}) =>
    portal.call('POST', '/imports', {
      as,
      body: {
        kind: 'assets',
        format: 'csv',
        fileName: 'rights.csv',
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        ...body,
      },
    });

  const upload = async (
    declared: { upload: { url: string; headers: Record<string, string> } },
    bytes: Uint8Array,
  ) => {
    const res = await fetch(declared.upload.url, {
      method: 'PUT',
      headers: declared.upload.headers,
      body: bytes,
    });
    expect(res.status).toBe(200);
  };

  const waitFor = async (as: As, id: string) => {
    for (let i = 0; i < 400; i++) {
      const res = await portal.call('GET', `/imports/${id}`, { as });
      expect(res.status).toBe(200);
      if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not end`);
  };

  /** Declares, uploads, starts and waits: the import as it ended. */
  const runImport = async (as: As, bytes: Uint8Array, body: Record<string, unknown> = {}) => {
    const declared = await declare(as, bytes, body);
    expect(declared.status).toBe(201);
    await upload(declared.body, bytes);
    const started = await portal.call('POST', `/imports/${declared.body.id}/start`, { as });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('running');
    return waitFor(as, declared.body.id);
  };

  const report = async (imp: { errorReport?: { url: string } }) => {
    expect(imp.errorReport?.url).toBeTruthy();
    const res = await fetch(imp.errorReport!.url);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.subarray(3)).trim().split('\r\n');
    expect(lines[0]).toBe('row,column,reason');
    return lines.slice(1).map((l) => {
      const [row, column, ...rest] = l.split(',');
      return { row: Number(row), column, reason: rest.join(',') };
    });
  };

  const portfolio = async (uscc: string) =>
    (await portal.call('GET', `/enterprises/${uscc}/assets?limit=100`, { as: office })).body.items as {
      number: string;
      title?: string;
      mark?: string;
      kind: string;
      grantDate?: string;
      niceClasses?: number[];
      id: string;
    }[];

  beforeAll(async () => {
    // The business date is pinned; the instant stays real, so that presigned URLs are signed now.
    portal = await createTestPortal({ clock: businessDateClock('2026-11-27') });
    for (const uscc of [A, B, D])
      expect(
        (
          await portal.call('PUT', `/enterprises/${uscc}`, {
            as: office,
            body: { name: `Enterprise ${uscc}` },
          })
        ).status,
      ).toBe(201);
  });

  const p1 = patentNo(2017, 1, 601862);
  const p2 = patentNo(2019, 2, 100001);
  const taken = patentNo(2018, 1, 200002);
  const badCheck = `${patentNo(2016, 1, 300003).slice(0, -1)}${patentNo(2016, 1, 300003).endsWith('X') ? '0' : 'X'}`;

  const officeCsv = [
    '类型,申请号,名称,商标,申请日,授权公告日,注册日,类别,权利人',
    `专利,ZL${p1},真空保温杯盖,,2017/06/30,2019.01.08,,,${C}`,
    `专利,${p2},"保温杯, 双层",,2019-03-01,,,,${C}`,
    `商标,012345678,,金华火腿,,,2015-05-14,29;35,${A}`,
    `专利,${taken},别人的专利,,2018-02-01,,,,${A}`,
    `专利,${badCheck},校验位错误,,2016-01-01,,,,${A}`,
    `版权,123,未知类型,,2016-01-01,,,,${A}`,
    `商标,23456,坏日期,标记,,,2015-13-40,21,${A}`,
    `专利,ZL ${p1},重复行,,2017-06-30,,,,${C}`,
  ].join('\n');

  it('an office CSV: good rows created (enterprises from USCCs too), each bad row in the error report', async () => {
    // The taken number belongs to B already.
    const held = await portal.call('POST', `/enterprises/${B}/assets`, {
      as: asEnterprise(B),
      body: { kind: 'patent', number: taken, title: 'B holds it', filingDate: '2018-02-01' },
    });
    expect(held.status).toBe(201);

    const imp = await runImport(office, utf8(officeCsv));
    expect(imp).toMatchObject({
      status: 'completed',
      rows: 8,
      processed: 8,
      created: 3,
      updated: 0,
      unchanged: 0,
      rejected: 5,
    });
    const lines = await report(imp);
    expect(lines.map((l) => [l.row, l.column])).toEqual([
      [5, '申请号'],
      [6, '申请号'],
      [7, '类型'],
      [8, '注册日'],
      [9, '申请号'],
    ]);
    expect(lines[0]!.reason).toMatch(/held by another enterprise/);
    expect(lines[1]!.reason).toMatch(/check/i);
    expect(lines[3]!.reason).toMatch(/2015-13-40.*not a date/);
    expect(lines[4]!.reason).toMatch(/repeats the right of row 2/);

    const enterprise = await portal.call('GET', `/enterprises/${C}`, { as: office });
    expect(enterprise.status).toBe(200);
    const cAssets = await portfolio(C);
    expect(cAssets.map((a) => a.number).sort()).toEqual([p1, p2].sort());
    const flask = cAssets.find((a) => a.number === p1)!;
    expect(flask).toMatchObject({ title: '真空保温杯盖', grantDate: '2019-01-08' });
    expect(cAssets.find((a) => a.number === p2)!.title).toBe('保温杯, 双层');
    const aAssets = await portfolio(A);
    expect(aAssets).toEqual([
      expect.objectContaining({
        kind: 'trademark',
        number: '12345678',
        mark: '金华火腿',
        niceClasses: [29, 35],
      }),
    ]);
    // B's right is still B's.
    expect((await portfolio(B)).map((a) => a.number)).toEqual([taken]);
  });

  it('re-importing the same file changes nothing; a changed value updates the right', async () => {
    const again = await runImport(office, utf8(officeCsv));
    expect(again).toMatchObject({
      status: 'completed',
      rows: 8,
      created: 0,
      updated: 0,
      unchanged: 3,
      rejected: 5,
    });
    const before = await portfolio(C);

    const changed = officeCsv.replace('真空保温杯盖', '真空保温杯盖（改进型）');
    const revised = await runImport(office, utf8(changed));
    expect(revised).toMatchObject({ created: 0, updated: 1, unchanged: 2, rejected: 5 });
    const after = await portfolio(C);
    expect(after.find((a) => a.number === p1)!.title).toBe('真空保温杯盖（改进型）');
    expect(after.map((a) => a.id).sort()).toEqual(before.map((a) => a.id).sort());
  });

  it('a company imports its own rights from GB18030 CSV; a row naming another owner is rejected', async () => {
    const p3 = patentNo(2020, 2, 400004);
    const text = [
      '类型,申请号,名称,申请日,授权公告日,权利人',
      `专利,${p3},折叠伞骨,2020-04-01,2020-10-09,`,
      `专利,${patentNo(2020, 2, 400005)},别家的,2020-04-01,,${A}`,
    ].join('\r\n');
    const bytes = gb18030(text);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const imp = await runImport(asEnterprise(D), bytes);
    expect(imp).toMatchObject({ status: 'completed', rows: 2, created: 1, rejected: 1, owner: D });
    expect(await report(imp)).toEqual([
      { row: 3, column: '权利人', reason: 'a company imports only its own rights' },
    ]);
    expect((await portfolio(D)).map((a) => [a.number, a.title])).toEqual([[p3, '折叠伞骨']]);
    expect((await portfolio(A)).map((a) => a.number)).not.toContain(patentNo(2020, 2, 400005));
    // The company sees its own import; another company and a bank do not.
    expect((await portal.call('GET', `/imports/${imp.id}`, { as: asEnterprise(A) })).status).toBe(404);
    expect(
      (await portal.call('GET', `/imports/${imp.id}`, { as: { role: 'lender', org: 'jh-bank' } })).status,
    ).toBe(403);
  });

  it('an XLSX workbook with English headers and date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('rights');
    sheet.addRow(['Kind', 'Number', 'Mark', 'RegistrationDate', 'NiceClasses']);
    sheet.addRow(['trademark', 7654321, '双龙', new Date(Date.UTC(2012, 2, 7)), '21;35']);
    sheet.addRow(['trademark', '7654322', '双凤', '2012/3/8', 21]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const imp = await runImport(asEnterprise(A), bytes, { format: 'xlsx', fileName: 'marks.xlsx' });
    expect(imp).toMatchObject({ status: 'completed', rows: 2, created: 2, rejected: 0 });
    expect(imp.errorReport).toBeUndefined();
    const marks = (await portfolio(A)).filter((a) => a.mark !== '金华火腿');
    expect(marks.map((a) => [a.number, a.mark, a.niceClasses]).sort()).toEqual([
      ['7654321', '双龙', [21, 35]],
      ['7654322', '双凤', [21]],
    ]);
    const one = await portal.call('GET', `/assets/${marks.find((a) => a.number === '7654321')!.id}`, {
      as: office,
    });
    expect(one.body.registrationDate).toBe('2012-03-07');
  });

  it('a file that is neither CSV nor XLSX is refused at start (422) and nothing changes', async () => {
    const pdf = new Uint8Array(Buffer.from('%PDF-1.7\n\u0000\u0001binary'));
    const declared = await declare(office, pdf, { owner: A });
    await upload(declared.body, pdf);
    const started = await portal.call('POST', `/imports/${declared.body.id}/start`, { as: office });
    expect(started.status).toBe(422);
    expect(started.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(started.body.errors).toEqual([
      expect.objectContaining({ path: 'file', code: 'import_format_unreadable' }),
    ]);
    expect((await portal.call('GET', `/imports/${declared.body.id}`, { as: office })).body.status).toBe(
      'pending_upload',
    );
  });

  it('a start before the upload, or of other bytes than declared, is refused (422)', async () => {
    const bytes = utf8('类型,申请号\n');
    const declared = await declare(office, bytes, { owner: A });
    const early = await portal.call('POST', `/imports/${declared.body.id}/start`, { as: office });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].code).toBe('import_upload_missing');
    // s3rver does not check the checksum header, so the portal must.
    await fetch(declared.body.upload.url, {
      method: 'PUT',
      headers: declared.body.upload.headers,
      body: utf8('类型,申请号\r'),
    });
    const wrong = await portal.call('POST', `/imports/${declared.body.id}/start`, { as: office });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].code).toBe('import_checksum_mismatch');
  });

  it('a header it cannot map fails the import with the reason, writing nothing', async () => {
    const csv = ['类型,申请号,名称,申请日,颜色', `专利,${patentNo(2021, 1, 500005)},无,2021-01-01,红`].join(
      '\n',
    );
    const imp = await runImport(office, utf8(csv), { owner: A });
    expect(imp).toMatchObject({ status: 'failed', created: 0, processed: 0 });
    expect(imp.failure).toEqual({ code: 'import_header_unmapped', message: expect.stringContaining('颜色') });
    const claim = await portal.deps.db.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: portal.tableName,
        Key: assetNumberKey('patent', patentNo(2021, 1, 500005)),
      }),
    );
    expect(claim.Item).toBeUndefined();
  });

  it('a company file over the row limit fails with a clear message; over the size limit it is refused at once', async () => {
    const rows = Array.from(
      { length: 10_001 },
      (_, i) => `专利,${patentNo(2022, 2, 600000 + i)},伞${i},2022-01-01`,
    );
    const csv = ['类型,申请号,名称,申请日', ...rows].join('\n');
    const imp = await runImport(asEnterprise(D), utf8(csv));
    expect(imp.status).toBe('failed');
    expect(imp.failure.code).toBe('import_too_many_rows');
    expect(imp.failure.message).toMatch(/10001 rows; at most 10000.*IP office/);
    expect(imp.created).toBe(0);

    const big = await portal.call('POST', '/imports', {
      as: asEnterprise(D),
      body: {
        kind: 'assets',
        format: 'csv',
        fileName: 'all.csv',
        sizeBytes: 60_000_000,
        sha256: 'a'.repeat(64),
      },
    });
    expect(big.status).toBe(400);
    expect(big.body.errors).toEqual([
      expect.objectContaining({ path: 'sizeBytes', code: 'import_too_large' }),
    ]);
    const other = await portal.call('POST', '/imports', {
      as: asEnterprise(D),
      body: {
        kind: 'assets',
        format: 'csv',
        fileName: 'a.csv',
        sizeBytes: 10,
        sha256: 'a'.repeat(64),
        owner: A,
      },
    });
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([
      expect.objectContaining({ path: 'owner', code: 'import_own_rights_only' }),
    ]);
  });

  it('legal events: recorded through the same rules, re-import unchanged, a right not in the portal rejected', async () => {
    const csv = [
      '类型,申请号,事件,日期,缴费至,文号',
      `专利,${p1},annuity_paid,2025-06-30,2026-06-29,JF-2025-1`,
      `专利,${p1},annuity_paid,2026-06-30,2027-06-29,JF-2026-1`,
      `专利,${patentNo(2015, 1, 700007)},annuity_paid,2025-06-30,2026-06-29,JF-x`,
      `专利,${p1},invented_event,2025-06-30,,`,
    ].join('\n');
    const imp = await runImport(office, utf8(csv), { kind: 'legal_events' });
    expect(imp).toMatchObject({ status: 'completed', rows: 4, created: 2, rejected: 2 });
    const lines = await report(imp);
    expect(lines.map((l) => [l.row, l.column])).toEqual([
      [4, '申请号'],
      [5, '事件'],
    ]);
    const flask = (await portfolio(C)).find((a) => a.number === p1)!;
    const events = await portal.call('GET', `/assets/${flask.id}/legal-events`, { as: office });
    expect(events.body.items.map((e: { paidThrough: string }) => e.paidThrough)).toEqual([
      '2027-06-29',
      '2026-06-29',
    ]);
    const again = await runImport(office, utf8(csv), { kind: 'legal_events' });
    expect(again).toMatchObject({ created: 0, unchanged: 2, rejected: 2 });
    expect(
      (await portal.call('GET', `/assets/${flask.id}/legal-events`, { as: office })).body.items,
    ).toHaveLength(2);
  });

  it('a concurrent API write of the same number: the conditional write lets exactly one owner win', async () => {
    const numbers = Array.from({ length: 48 }, (_, i) => patentNo(2023, 1, 800000 + i));
    const csv = ['类型,申请号,名称,申请日', ...numbers.map((n) => `专利,${n},竞赛${n},2023-02-01`)].join(
      '\n',
    );
    const bytes = utf8(csv);
    const declared = await declare(office, bytes, { owner: A });
    await upload(declared.body, bytes);
    // The import runs from the first row on while the API registers the second half from the last number back,
    // four at a time: they meet somewhere in that half, where both write the same number at once. The first half is
    // the import's alone.
    expect((await portal.call('POST', `/imports/${declared.body.id}/start`, { as: office })).status).toBe(
      202,
    );
    const backwards = numbers.slice(24).reverse();
    const api: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let n = backwards.shift(); n !== undefined; n = backwards.shift()) {
          const res = await portal.call('POST', `/enterprises/${B}/assets`, {
            as: asEnterprise(B),
            body: { kind: 'patent', number: n, title: 'API', filingDate: '2023-02-01' },
          });
          api.push(res.status);
        }
      }),
    );
    const imp = await waitFor(office, declared.body.id);
    expect(api.every((s) => s === 201 || s === 409)).toBe(true);
    // Where they meet depends on the scheduling (on busy cores the API may take its whole half first): whoever wins
    // each number, it has exactly one owner and every row is counted once; the uncontested half is the import's.
    const apiWon = api.filter((s) => s === 201).length;
    expect(imp.created + imp.rejected).toBe(48);
    expect(imp.rejected).toBe(apiWon);
    expect(imp.created).toBeGreaterThanOrEqual(24);
    const a = new Set((await portfolio(A)).map((x) => x.number));
    const b = new Set((await portfolio(B)).map((x) => x.number));
    for (const n of numbers.slice(0, 24)) expect(a.has(n)).toBe(true);
    for (const n of numbers) expect(Number(a.has(n)) + Number(b.has(n))).toBe(1);
    expect(a.size + b.size).toBeGreaterThanOrEqual(48);
  });

  it('who may import: the office and companies; banks are refused (403)', async () => {
    const bytes = utf8('类型,申请号\n');
    expect((await declare({ role: 'lender', org: 'jh-bank' }, bytes)).status).toBe(403);
    const bad = await declare(office, bytes, { kind: 'copyrights' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('kind');
  });

  it('deployed steps: batch objects and their manifest, a redelivered batch counted once, then the report', async () => {
    // The Step Functions path without Step Functions: the runner only records the start; the test runs the
    // functions' use cases in the machine's order, against the same bucket and table.
    const started: string[] = [];
    const deployed = await createTestPortal({
      clock: businessDateClock('2026-11-27'),
      importRunner: { start: async (id) => void started.push(id) },
    });
    const as = office;
    await deployed.call('PUT', `/enterprises/${A}`, { as, body: { name: 'A' } });
    const numbers = Array.from({ length: 5 }, (_, i) => patentNo(2024, 2, 900000 + i));
    const csv = [
      '类型,申请号,名称,申请日',
      ...numbers.map((n) => `专利,${n},伞,2024-01-02`),
      `专利,${numbers[0]},重复,2024-01-02`,
    ].join('\n');
    const bytes = utf8(csv);
    const declared = await deployed.call('POST', '/imports', {
      as,
      body: {
        kind: 'assets',
        format: 'csv',
        fileName: 'd.csv',
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        owner: A,
      },
    });
    await upload(declared.body, bytes);
    const id = declared.body.id as string;
    expect((await deployed.call('POST', `/imports/${id}/start`, { as })).status).toBe(202);
    expect(started).toEqual([id]);

    const { useCaseContext } = await import('../../shared/usecases/context.js');
    const imports = await import('../../shared/usecases/imports.js');
    const uc = useCaseContext(deployed.deps);
    const storage = deployed.deps.storage!;
    const prepared = await imports.prepareImportObjects(uc, id, 2);
    expect(prepared).toEqual({ importId: id, batches: 3, manifestKey: `imports/${id}/manifest.json` });
    const manifest = JSON.parse(
      new TextDecoder().decode((await storage.read(prepared.manifestKey!, 1_000_000))!.bytes),
    ) as { importId: string; index: number; key: string }[];
    expect(manifest.map((m) => m.index)).toEqual([0, 1, 2]);
    for (const ref of manifest) await imports.applyImportBatchObject(uc, ref);
    // A redelivery (a retried Map iteration) changes no count.
    await imports.applyImportBatchObject(uc, manifest[1]!);
    await expect(
      imports.applyImportBatchObject(uc, { ...manifest[0]!, key: `imports/${id}/source` }),
    ).rejects.toThrow(/not at/);
    const running = await deployed.call('GET', `/imports/${id}`, { as });
    expect(running.body).toMatchObject({ status: 'running', rows: 6, processed: 6, created: 5, rejected: 1 });
    await imports.finishImport(uc, id);
    const done = await deployed.call('GET', `/imports/${id}`, { as });
    expect(done.body).toMatchObject({
      status: 'completed',
      rows: 6,
      processed: 6,
      created: 5,
      unchanged: 0,
      rejected: 1,
    });
    expect(await report(done.body)).toEqual([
      { row: 7, column: '申请号', reason: 'repeats the right of row 2; each right once per file' },
    ]);
  });
});
