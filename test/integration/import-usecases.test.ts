import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { businessDateClock } from '../../shared/domain/clock.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { DeclaredImport } from '../../shared/domain/import.js';
import { EnterpriseRepository } from '../../shared/store/enterprise-repository.js';
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
} from '../../shared/store/keys.js';
import { toResource } from '../../shared/store/records.js';
import { registerAsset } from '../../shared/usecases/assets.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { saveEnterprise } from '../../shared/usecases/enterprises.js';
import {
  applyImportBatch,
  applyImportBatchObject,
  declareImport,
  failImport,
  finishImport,
  getImport,
  type ImportRunner,
  inProcessImportRunner,
  prepareImport,
  prepareImportObjects,
  startImport,
} from '../../shared/usecases/imports.js';
import type { ObjectStorage } from '../../shared/usecases/object-storage.js';
import { interleavingClient, TRANSACTION_COMMANDS, WRITE_COMMANDS } from '../support/interleave.js';
import { patentNo, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { bumpAssetVersion, storedEvents, storedItem } from '../support/stored-items.js';

/**
 * The import use cases called directly, step by step (declare, start, prepare, each batch, finish), on one portal:
 * every refusal whole, what each step writes and reads, the runner's faults and the row-level races. The storage
 * port is the local S3 server's, wrapped to record the arguments the use cases pass it. The end-to-end flows over
 * HTTP are in imports.test.ts.
 */
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'office-clerk' };
const A = yiwu('MA2E00001'); // registered
const B = yiwu('MA2E00002'); // registered
const company = (uscc: string): Actor => ({ role: 'enterprise', org: uscc, sub: `user-${uscc}` });
const HEADER = '类型,申请号,名称,商标,申请日,授权公告日,注册日,类别,权利人,权利人名称';
const EVENTS_HEADER = '类型,申请号,事件,日期,文号';
const noRunner: ImportRunner = { start: async () => undefined };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const utf8 = (lines: string[]) => new TextEncoder().encode(lines.join('\n'));
const patentRow = (number: string, title: string, owner = '', ownerName = '') =>
  `专利,${number},${title},,2019-03-01,,,,${owner},${ownerName}`;

type Call = { op: 'read' | 'write' | 'presignGet'; key: string; arg: unknown };

describe('import use cases', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;
  const calls: Call[] = [];
  let serial = 0;
  const nextPatent = () => patentNo(2019, 1, 700000 + ++serial);

  /** Declares `bytes` as `actor` and puts them where the presigned PUT would. */
  const declared = async (actor: Actor, bytes: Uint8Array, over: Partial<DeclaredImport> = {}) => {
    const { import: imp } = await declareImport(uc, actor, {
      kind: 'assets',
      format: 'csv',
      fileName: 'rights.csv',
      sizeBytes: bytes.length,
      sha256: sha256(bytes),
      ...over,
    });
    return imp.id;
  };
  const uploaded = async (actor: Actor, bytes: Uint8Array, over: Partial<DeclaredImport> = {}) => {
    const id = await declared(actor, bytes, over);
    await uc.storage!.write(importSourceObject(id), bytes, 'text/csv');
    return id;
  };
  const started = async (actor: Actor, bytes: Uint8Array, over: Partial<DeclaredImport> = {}) => {
    const id = await uploaded(actor, bytes, over);
    await startImport(uc, noRunner, actor, { id });
    return id;
  };
  /** Prepares, applies every batch and finishes: the import as it ended, and each batch's counts. */
  const ran = async (actor: Actor, lines: string[], over: Partial<DeclaredImport> = {}, batchRows = 250) => {
    const id = await started(actor, utf8(lines), over);
    const batches = (await prepareImport(uc, id, batchRows))!;
    const counts = [];
    for (const batch of batches) counts.push(await applyImportBatch(uc, id, batch));
    await finishImport(uc, id);
    return { id, imp: await getImport(uc, OFFICE, id), counts };
  };
  const stored = async (id: string) =>
    toResource<Record<string, unknown>>((await storedItem(portal, importKey(id).pk, importKey(id).sk))!);
  const report = async (id: string) =>
    new TextDecoder().decode((await uc.storage!.read(importErrorsObject(id), 1_000_000))!.bytes);
  /** The rows a run rejected, as its batches recorded them. */
  const rejections = async (id: string) =>
    (
      (await uc.store.queryPartition(importKey(id).pk, IMPORT_BATCH_PREFIX)) as {
        rejections: { line: number; column: string; reason: string }[];
      }[]
    ).flatMap((m) => m.rejections);
  const ownerOf = async (kind: 'patent' | 'trademark', number: string) =>
    (await storedItem(portal, assetNumberKey(kind, number).pk, assetNumberKey(kind, number).sk))?.owner;

  beforeAll(async () => {
    portal = await createTestPortal({ clock: businessDateClock('2026-11-27') });
    const real = portal.deps.storage!;
    const storage: ObjectStorage = {
      scanned: real.scanned,
      presignPut: (key, upload) => real.presignPut(key, upload),
      presignGet: async (key, download) => {
        calls.push({ op: 'presignGet', key, arg: download });
        return real.presignGet(key, download);
      },
      read: async (key, maxBytes) => {
        calls.push({ op: 'read', key, arg: maxBytes });
        return real.read(key, maxBytes);
      },
      write: async (key, bytes, contentType) => {
        calls.push({ op: 'write', key, arg: contentType });
        return real.write(key, bytes, contentType);
      },
      remove: (key) => real.remove(key),
    };
    uc = useCaseContext({ ...portal.deps, storage });
    for (const uscc of [A, B])
      await saveEnterprise(uc, OFFICE, {
        uscc,
        divisionCode: '330782',
        input: { name: `Enterprise ${uscc}` },
      });
  });

  const callsOf = (op: Call['op'], key: string) => calls.filter((c) => c.op === op && c.key === key);

  describe('declare', () => {
    it('keeps who declared (with the subject), and its event names the file for the company alone', async () => {
      const bytes = utf8([HEADER]);
      const { import: view, upload } = await declareImport(uc, company(A), {
        kind: 'assets',
        format: 'csv',
        fileName: 'mine.csv',
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
      });
      expect(upload.method).toBe('PUT');
      expect(view).toEqual({
        id: view.id,
        status: 'pending_upload',
        kind: 'assets',
        format: 'csv',
        owner: A,
        fileName: 'mine.csv',
        rows: 0,
        processed: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        version: 1,
        createdAt: view.createdAt,
        updatedAt: view.createdAt,
      });
      expect((await stored(view.id)).createdBy).toEqual({ role: 'enterprise', org: A, sub: `user-${A}` });
      const [event] = await storedEvents(portal, importKey(view.id).pk);
      expect(event).toMatchObject({
        type: 'import.declared',
        data: { kind: 'assets', format: 'csv', fileName: 'mine.csv' },
        audience: [`enterprise:${A}`],
      });
    });

    it("an office import's events are for the office alone, with or without a default owner", async () => {
      for (const owner of [undefined, A]) {
        const id = await declared(OFFICE, utf8([HEADER]), owner ? { owner } : {});
        const [event] = await storedEvents(portal, importKey(id).pk);
        expect(event!.audience).toEqual([]);
        expect((await stored(id)).createdBy).toEqual({ role: 'ipoffice', org: null, sub: 'office-clerk' });
      }
      const id = await declared({ role: 'ipoffice', org: null }, utf8([HEADER]));
      expect((await stored(id)).createdBy).toEqual({ role: 'ipoffice', org: null });
    });
  });

  describe('start', () => {
    const file = utf8([HEADER, patentRow(patentNo(2019, 1, 600001), '杯')]);
    const unchanged = async (id: string) => {
      const s = await stored(id);
      expect([s.status, s.version]).toEqual(['pending_upload', 1]);
    };

    it('refuses a file not uploaded yet, and changes nothing', async () => {
      const id = await declared(OFFICE, file);
      const e = await refusal(startImport(uc, noRunner, OFFICE, { id }));
      expect([e.kind, e.message, e.extra]).toEqual([
        'unprocessable',
        'The file has not been uploaded yet.',
        {
          errors: [
            {
              path: 'file',
              code: 'import_upload_missing',
              message: 'Upload the file with the presigned PUT first.',
            },
          ],
        },
      ]);
      await unchanged(id);
    });

    it('reads at most the size the importer may upload: 5 MiB for a company, 50 MiB for the office', async () => {
      const ofCompany = await declared(company(A), file);
      await refusal(startImport(uc, noRunner, company(A), { id: ofCompany }));
      expect(callsOf('read', importSourceObject(ofCompany)).map((c) => c.arg)).toEqual([5 * 1024 * 1024]);
      const ofOffice = await declared(OFFICE, file);
      await refusal(startImport(uc, noRunner, OFFICE, { id: ofOffice }));
      expect(callsOf('read', importSourceObject(ofOffice)).map((c) => c.arg)).toEqual([50 * 1024 * 1024]);
    });

    it('refuses other bytes than declared: another size, then another checksum', async () => {
      const id = await declared(OFFICE, file);
      const longer = new Uint8Array([...file, 0x0a]);
      await uc.storage!.write(importSourceObject(id), longer, 'text/csv');
      const size = await refusal(startImport(uc, noRunner, OFFICE, { id }));
      expect([size.kind, size.message, size.extra]).toEqual([
        'unprocessable',
        'The uploaded file is not the one declared.',
        {
          errors: [
            {
              path: 'file',
              code: 'import_size_mismatch',
              message: `The file holds ${file.length + 1} bytes, not the declared ${file.length}.`,
            },
          ],
        },
      ]);
      const flipped = new Uint8Array(file);
      flipped[flipped.length - 1] = 0x41;
      await uc.storage!.write(importSourceObject(id), flipped, 'text/csv');
      const checksum = await refusal(startImport(uc, noRunner, OFFICE, { id }));
      expect([checksum.kind, checksum.message, checksum.extra]).toEqual([
        'unprocessable',
        'The uploaded file is not the one declared.',
        {
          errors: [
            {
              path: 'file',
              code: 'import_checksum_mismatch',
              message: 'The SHA-256 of the file is not the declared one.',
            },
          ],
        },
      ]);
      await unchanged(id);
    });

    it('refuses a CSV declared as XLSX, and bytes that are neither', async () => {
      const id = await uploaded(OFFICE, file, { format: 'xlsx' });
      const mismatch = await refusal(startImport(uc, noRunner, OFFICE, { id }));
      expect([mismatch.kind, mismatch.message, mismatch.extra]).toEqual([
        'unprocessable',
        'The file cannot be imported.',
        {
          errors: [
            {
              path: 'file',
              code: 'import_format_mismatch',
              message: 'The file was declared xlsx but is csv; declare it again as csv.',
            },
          ],
        },
      ]);
      await unchanged(id);
      const binary = new Uint8Array([0x00, 0x01, 0xff, 0xfe, 0x00, 0x9c]);
      const other = await uploaded(OFFICE, binary);
      const unreadable = await refusal(startImport(uc, noRunner, OFFICE, { id: other }));
      expect([unreadable.kind, unreadable.message, unreadable.extra]).toEqual([
        'unprocessable',
        'The file cannot be imported.',
        {
          errors: [
            {
              path: 'file',
              code: 'import_format_unreadable',
              message: 'The file is neither CSV (UTF-8 or GB18030 text) nor an Excel workbook (.xlsx).',
            },
          ],
        },
      ]);
      await unchanged(other);
    });

    it('records the start with empty data and hands the import to the runner', async () => {
      const handed: string[] = [];
      const id = await uploaded(OFFICE, file);
      const view = await startImport(uc, { start: async (i) => void handed.push(i) }, OFFICE, { id });
      expect([view.status, view.version, handed]).toEqual(['running', 2, [id]]);
      const events = await storedEvents(portal, importKey(id).pk);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        ['import.declared', { kind: 'assets', format: 'csv', fileName: 'rights.csv' }],
        ['import.started', {}],
      ]);
    });

    it('a runner that cannot start fails the import with the reason, and the fault goes up', async () => {
      const id = await uploaded(OFFICE, file);
      const fault = new Error('no execution');
      const thrown = await startImport(
        uc,
        {
          start: async () => {
            throw fault;
          },
        },
        OFFICE,
        { id },
      ).catch((e: unknown) => e);
      expect(thrown).toBe(fault);
      const imp = await getImport(uc, OFFICE, id);
      expect([imp.status, imp.failure]).toEqual([
        'failed',
        { code: 'import_not_started', message: 'The import could not be started; declare it again.' },
      ]);
      const events = await storedEvents(portal, importKey(id).pk);
      expect(events.at(-1)!.data).toEqual({ code: 'import_not_started' });
    });
  });

  describe('read', () => {
    it('an import is not found for another company, nor when there is none', async () => {
      const id = await declared(company(A), utf8([HEADER]));
      for (const [actor, wanted] of [
        [company(B), id],
        [OFFICE, 'no-such-import'],
      ] as const) {
        const e = await refusal(getImport(uc, actor, wanted));
        expect([e.kind, e.message]).toEqual(['not_found', `Import ${wanted} was not found.`]);
      }
      expect((await getImport(uc, company(A), id)).id).toBe(id);
    });

    it("the error report downloads as the file's name with -errors.csv, as UTF-8 CSV", async () => {
      const bad = nextPatent().replace(/.$/, (c) => (c === 'X' ? '0' : 'X'));
      const { id, imp } = await ran(OFFICE, [HEADER, patentRow(bad, '坏', A)], {
        fileName: 'rights.2026.csv',
      });
      expect(imp.errorReport?.url).toEqual(expect.any(String));
      expect(callsOf('presignGet', importErrorsObject(id)).map((c) => c.arg)).toEqual([
        {
          fileName: 'rights.2026-errors.csv',
          contentType: 'text/csv; charset=utf-8',
          signedAt: expect.any(Date),
          expiresInSeconds: expect.any(Number),
        },
      ]);
      expect(callsOf('write', importErrorsObject(id)).map((c) => c.arg)).toEqual(['text/csv; charset=utf-8']);
    });
  });

  describe('prepare', () => {
    it('cuts the rows into batches and records both counts; the view shows the batches', async () => {
      const lines = [HEADER, ...[1, 2, 3].map(() => patentRow(nextPatent(), '杯', A))];
      const id = await started(OFFICE, utf8(lines));
      expect((await getImport(uc, OFFICE, id)).batches).toBeUndefined();
      const batches = (await prepareImport(uc, id, 2))!;
      expect(batches.map((b) => [b.index, b.rows.map((r) => r.line)])).toEqual([
        [0, [2, 3]],
        [1, [4]],
      ]);
      const view = await getImport(uc, OFFICE, id);
      expect([view.rows, view.batches]).toEqual([3, 2]);
      expect(callsOf('read', importSourceObject(id)).map((c) => c.arg)).toEqual([
        50 * 1024 * 1024,
        50 * 1024 * 1024,
      ]);
    });

    it('answers nothing for an import that is not running, or none', async () => {
      const pending = await uploaded(OFFICE, utf8([HEADER]));
      expect(await prepareImport(uc, pending)).toBeUndefined();
      expect(await prepareImport(uc, 'no-such-import')).toBeUndefined();
      expect(callsOf('read', importSourceObject(pending))).toEqual([]);
      expect((await stored(pending)).status).toBe('pending_upload');
    });

    it('a company import is read within its own limits', async () => {
      const id = await started(company(A), utf8([HEADER, patentRow(nextPatent(), '伞')]));
      await prepareImport(uc, id);
      expect(callsOf('read', importSourceObject(id)).map((c) => c.arg)).toEqual([
        5 * 1024 * 1024,
        5 * 1024 * 1024,
      ]);
    });

    it('a source gone meanwhile fails the import as unreadable', async () => {
      const id = await started(OFFICE, utf8([HEADER, patentRow(nextPatent(), '杯', A)]));
      await uc.storage!.remove(importSourceObject(id));
      expect(await prepareImport(uc, id)).toBeUndefined();
      const imp = await getImport(uc, OFFICE, id);
      expect([imp.status, imp.failure, imp.rows]).toEqual([
        'failed',
        { code: 'import_format_unreadable', message: 'The uploaded file is gone.' },
        0,
      ]);
    });

    it('an import that ended while it was read is not counted, and the conflict goes up', async () => {
      const interleaving = interleavingClient(['UpdateItemCommand']);
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const id = await started(OFFICE, utf8([HEADER, patentRow(nextPatent(), '杯', A)]));
      interleaving.beforeNext(() => failImport(uc, id, { code: 'import_interrupted', message: 'stopped' }));
      await expect(prepareImport(raced, id)).rejects.toThrow();
      expect(interleaving.waiting()).toBe(false);
      const imp = await stored(id);
      expect([imp.status, imp.rows, imp.batches]).toEqual(['failed', 0, undefined]);
    });
  });

  describe('fail and finish', () => {
    it('failing or finishing an import that has ended changes nothing; an unknown one is not found', async () => {
      const { id } = await ran(OFFICE, [HEADER, patentRow(nextPatent(), '杯', A)]);
      const before = await stored(id);
      await failImport(uc, id, { code: 'x', message: 'y' });
      await finishImport(uc, id);
      await finishImport(uc, id, { code: 'x', message: 'y' });
      expect(await stored(id)).toEqual(before);
      for (const step of [
        () => failImport(uc, 'no-such-import', { code: 'x', message: 'y' }),
        () => finishImport(uc, 'no-such-import'),
      ]) {
        const e = await refusal(step());
        expect(e.kind).toBe('not_found');
      }
    });

    it('completes with the counts in its event; with a failure it fails instead, keeping the report', async () => {
      const { id, imp } = await ran(OFFICE, [HEADER, patentRow(nextPatent(), '杯', A)]);
      expect([imp.status, imp.errorReport]).toEqual(['completed', undefined]);
      expect(callsOf('write', importErrorsObject(id))).toEqual([]);
      const events = await storedEvents(portal, importKey(id).pk);
      expect(events.at(-1)).toMatchObject({ type: 'import.completed', data: { rows: 1, rejected: 0 } });

      const other = await started(OFFICE, utf8([HEADER, `版权,1,x,,,,,,${A},`]));
      for (const batch of (await prepareImport(uc, other))!) await applyImportBatch(uc, other, batch);
      await finishImport(uc, other, { code: 'import_interrupted', message: 'a batch failed' });
      const failed = await getImport(uc, OFFICE, other);
      expect([failed.status, failed.failure, failed.rejected]).toEqual([
        'failed',
        { code: 'import_interrupted', message: 'a batch failed' },
        1,
      ]);
      expect(await report(other)).toBe(
        'row,column,reason\r\n2,类型,"""版权"" is not a kind of right (专利/patent or 商标/trademark)"\r\n',
      );
    });
  });

  describe('batches', () => {
    it('a batch writes its marker with its counts and rejections, once; a redelivery answers the stored counts', async () => {
      const good = nextPatent();
      const id = await started(OFFICE, utf8([HEADER, patentRow(good, '杯', A), `版权,1,x,,,,,,${A},`]));
      const [batch] = (await prepareImport(uc, id))!;
      const counts = await applyImportBatch(uc, id, batch!);
      const expected = { rows: 0, processed: 2, created: 1, updated: 0, unchanged: 0, rejected: 1 };
      expect(counts).toEqual(expected);
      const marker = await storedItem(portal, importBatchKey(id, 0).pk, importBatchKey(id, 0).sk);
      expect(marker).toMatchObject({
        entity: 'import-batch',
        counts: expected,
        rejections: [{ line: 3, column: '类型' }],
      });
      expect(await applyImportBatch(uc, id, batch!)).toEqual(expected);
      const imp = await stored(id);
      expect([imp.processed, imp.created, imp.rejected]).toEqual([2, 1, 1]);
      expect(await ownerOf('patent', good)).toBe(A);
    });

    it('a batch of an import that is not running, or of none, applies nothing', async () => {
      const number = nextPatent();
      const id = await uploaded(OFFICE, utf8([HEADER, patentRow(number, '杯', A)]));
      const batch = {
        index: 0,
        columnNames: {},
        rows: [
          { line: 2, cells: { kind: '专利', number, title: '杯', filingDate: '2019-03-01', ownerUscc: A } },
        ],
      };
      const zero = { rows: 0, processed: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
      expect(await applyImportBatch(uc, id, batch)).toEqual(zero);
      expect(await applyImportBatch(uc, 'no-such-import', batch)).toEqual(zero);
      expect(await ownerOf('patent', number)).toBeUndefined();
    });

    it('an import that ended while its batch ran: the rows stand, the counts are not added', async () => {
      const interleaving = interleavingClient(TRANSACTION_COMMANDS);
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const number = nextPatent();
      const id = await started(OFFICE, utf8([HEADER, patentRow(number, '杯', A)]));
      const [batch] = (await prepareImport(uc, id))!;
      // The row's own registration goes first; the ending lands before the batch's count.
      interleaving.beforeNext(async () => {
        interleaving.beforeNext(() => failImport(uc, id, { code: 'import_interrupted', message: 'stopped' }));
      });
      const counts = await applyImportBatch(raced, id, batch!);
      expect(counts.created).toBe(1);
      const imp = await stored(id);
      expect([imp.status, imp.processed, imp.created]).toEqual(['failed', 0, 0]);
      expect(await storedItem(portal, importBatchKey(id, 0).pk, importBatchKey(id, 0).sk)).toBeUndefined();
    });

    it('a busy table is tried again, up to six times in all; then the fault goes up', async () => {
      const busy = () => {
        throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      };
      for (const [faults, outcome] of [
        [5, 'counted'],
        [6, 'unavailable'],
      ] as const) {
        const interleaving = interleavingClient(TRANSACTION_COMMANDS);
        const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
        const id = await started(OFFICE, utf8([HEADER, `版权,1,x,,,,,,${A},`]));
        const [batch] = (await prepareImport(uc, id))!;
        let left = faults;
        const arm = () =>
          interleaving.beforeNext(async () => {
            left--;
            if (left > 0) arm();
            busy();
          });
        arm();
        const result = await applyImportBatch(raced, id, batch!).then(
          () => 'counted',
          (e: unknown) => (e instanceof DomainError ? e.kind : e),
        );
        expect([result, left]).toEqual([outcome, 0]);
        expect((await stored(id)).rejected).toBe(outcome === 'counted' ? 1 : 0);
      }
    });

    it('a store fault other than a condition goes up, and nothing is counted', async () => {
      const interleaving = interleavingClient(TRANSACTION_COMMANDS);
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const id = await started(OFFICE, utf8([HEADER, `版权,1,x,,,,,,${A},`]));
      const [batch] = (await prepareImport(uc, id))!;
      const fault = new Error('network');
      interleaving.beforeNext(async () => {
        throw fault;
      });
      expect(await applyImportBatch(raced, id, batch!).catch((e: unknown) => e)).toBe(fault);
      expect((await stored(id)).processed).toBe(0);
    });
  });

  describe('asset rows', () => {
    it('an office row without an owner, in an import naming none, is rejected in the owner column', async () => {
      const { id, imp } = await ran(OFFICE, [HEADER, patentRow(nextPatent(), '杯')]);
      expect([imp.created, imp.rejected]).toEqual([0, 1]);
      expect(await rejections(id)).toEqual([
        { line: 2, column: '权利人', reason: 'is required: the import names no default owner' },
      ]);
    });

    it("an office import registers a row's unknown owner, named by its column or else by its USCC", async () => {
      const named = yiwu('MA2E00011');
      const bare = yiwu('MA2E00012');
      const { imp } = await ran(OFFICE, [
        HEADER,
        patentRow(nextPatent(), '杯', named, '义乌杯业有限公司'),
        patentRow(nextPatent(), '伞', bare),
      ]);
      expect([imp.created, imp.rejected]).toEqual([2, 0]);
      const repo = new EnterpriseRepository(uc.store);
      const names = await Promise.all([named, bare].map(async (u) => (await repo.get(u))?.name));
      expect(names).toEqual(['义乌杯业有限公司', bare]);
    });

    it('a company names only itself as owner; its own USCC named explicitly is fine', async () => {
      const mine = nextPatent();
      const { id, imp } = await ran(company(B), [
        HEADER,
        patentRow(mine, '伞', B),
        patentRow(nextPatent(), '杯', A),
      ]);
      expect([imp.created, imp.rejected]).toEqual([1, 1]);
      expect(await rejections(id)).toEqual([
        { line: 3, column: '权利人', reason: 'a company imports only its own rights' },
      ]);
      expect(await ownerOf('patent', mine)).toBe(B);
    });

    it('a company that is not registered is told to register first', async () => {
      const unknown = yiwu('MA2E00013');
      const { id, imp } = await ran(company(unknown), [HEADER, patentRow(nextPatent(), '伞')]);
      expect([imp.created, imp.rejected]).toEqual([0, 1]);
      expect(await rejections(id)).toEqual([
        {
          line: 2,
          column: '权利人',
          reason: `enterprise ${unknown} is not registered in the portal; register it first`,
        },
      ]);
    });

    it('a right held by another enterprise is rejected with the way to claim it', async () => {
      const number = nextPatent();
      await registerAsset(uc, OFFICE, {
        owner: B,
        input: { kind: 'patent', number, title: 'B 的', filingDate: '2019-03-01' },
      });
      const { id, imp } = await ran(OFFICE, [HEADER, patentRow(number, '杯', A)]);
      expect(imp.rejected).toBe(1);
      expect(await rejections(id)).toEqual([
        {
          line: 2,
          column: '申请号',
          reason: `patent ${number} is held by another enterprise in the portal; if it is this one's, register it in the portal to open an ownership case for the IP office`,
        },
      ]);
      expect(await ownerOf('patent', number)).toBe(B);
    });

    it('a number claimed for a right that is not there is rejected as moved', async () => {
      const number = nextPatent();
      const key = assetNumberKey('patent', number);
      await uc.store.write({
        tag: 'claim',
        write: uc.store.put({ ...key, owner: A, assetId: 'gone-asset' }),
      });
      const { id, imp } = await ran(OFFICE, [HEADER, patentRow(number, '杯', A)]);
      expect(imp.rejected).toBe(1);
      expect(await rejections(id)).toEqual([
        { line: 2, column: '申请号', reason: 'The right moved meanwhile.' },
      ]);
      expect(await storedItem(portal, assetKey('gone-asset').pk, assetKey('gone-asset').sk)).toBeUndefined();
    });

    it('the same number registered meanwhile by the same owner: looked at again, and unchanged', async () => {
      const interleaving = interleavingClient(TRANSACTION_COMMANDS);
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const number = nextPatent();
      const id = await started(OFFICE, utf8([HEADER, patentRow(number, '杯', A)]));
      const [batch] = (await prepareImport(uc, id))!;
      interleaving.beforeNext(() =>
        registerAsset(uc, OFFICE, {
          owner: A,
          input: { kind: 'patent', number, title: '杯', filingDate: '2019-03-01' },
        }),
      );
      expect(await applyImportBatch(raced, id, batch!)).toMatchObject({
        created: 0,
        unchanged: 1,
        rejected: 0,
      });
    });

    it('revised meanwhile (its version moved): looked at again once, then updated', async () => {
      const number = nextPatent();
      const { id: assetId } = await registerAsset(uc, OFFICE, {
        owner: A,
        input: { kind: 'patent', number, title: '旧', filingDate: '2019-03-01' },
      });
      const interleaving = interleavingClient(WRITE_COMMANDS);
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const id = await started(OFFICE, utf8([HEADER, patentRow(number, '新', A)]));
      const [batch] = (await prepareImport(uc, id))!;
      interleaving.beforeNext(() => bumpAssetVersion(portal, assetId));
      expect(await applyImportBatch(raced, id, batch!)).toMatchObject({ updated: 1, rejected: 0 });
      expect((await uc.store.get(assetKey(assetId)))?.title).toBe('新');
    });

    it('revised meanwhile twice: the second time the row is rejected with the conflict', async () => {
      const number = nextPatent();
      const asset = await registerAsset(uc, OFFICE, {
        owner: A,
        input: { kind: 'patent', number, title: '旧', filingDate: '2019-03-01' },
      });
      const interleaving = interleavingClient(WRITE_COMMANDS);
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const id = await started(OFFICE, utf8([HEADER, patentRow(number, '新', A)]));
      const [batch] = (await prepareImport(uc, id))!;
      interleaving.beforeNext(async () => {
        await bumpAssetVersion(portal, asset.id);
        interleaving.beforeNext(() => bumpAssetVersion(portal, asset.id));
      });
      expect(await applyImportBatch(raced, id, batch!)).toMatchObject({ updated: 0, rejected: 1 });
      expect(await rejections(id)).toEqual([
        {
          line: 2,
          column: '申请号',
          reason: 'If-Match does not match the current version 3; reload and retry.',
        },
      ]);
    });

    it('an owner registered meanwhile by someone else is taken as registered', async () => {
      const late = yiwu('MA2E00014');
      const interleaving = interleavingClient(WRITE_COMMANDS);
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const number = nextPatent();
      const id = await started(OFFICE, utf8([HEADER, patentRow(number, '杯', late, '导入的名')]));
      const [batch] = (await prepareImport(uc, id))!;
      interleaving.beforeNext(() =>
        saveEnterprise(uc, OFFICE, { uscc: late, divisionCode: '330782', input: { name: '自己登记的名' } }),
      );
      expect(await applyImportBatch(raced, id, batch!)).toMatchObject({ created: 1, rejected: 0 });
      expect(await ownerOf('patent', number)).toBe(late);
    });
  });

  describe('legal-event rows', () => {
    let number: string;
    let assetId: string;
    beforeAll(async () => {
      number = nextPatent();
      assetId = (
        await registerAsset(uc, OFFICE, {
          owner: A,
          input: { kind: 'patent', number, title: '杯', filingDate: '2019-03-01', grantDate: '2020-01-07' },
        })
      ).id;
    });
    const events = (lines: string[]) => [EVENTS_HEADER, ...lines];

    it('a number that does not parse, or a right not in the portal, is rejected in the number column', async () => {
      const missing = patentNo(2019, 1, 999999);
      const { id, imp } = await ran(
        OFFICE,
        events([
          `专利,12345,preservation_ordered,2026-11-01,`,
          `专利,${missing},preservation_ordered,2026-11-01,`,
        ]),
        { kind: 'legal_events' },
      );
      expect(imp.rejected).toBe(2);
      expect(await rejections(id)).toEqual([
        { line: 2, column: '申请号', reason: '"12345" is not a valid patent number' },
        { line: 3, column: '申请号', reason: `no patent ${missing} in the portal` },
      ]);
    });

    it("one right's events are applied one after the other, in the file's order", async () => {
      const own = nextPatent();
      await registerAsset(uc, OFFICE, {
        owner: A,
        input: {
          kind: 'patent',
          number: own,
          title: '伞',
          filingDate: '2019-03-01',
          grantDate: '2020-01-07',
        },
      });
      const rows = [1, 2, 3, 4, 5, 6, 7, 8].map(
        (day) => `专利,${own},${day % 2 ? 'dispute_filed' : 'dispute_resolved'},2026-10-0${day},`,
      );
      const { imp } = await ran(OFFICE, events(rows), { kind: 'legal_events' });
      expect([imp.created, imp.rejected]).toEqual([8, 0]);
    });

    it("a company's row for another's right is not in its portfolio", async () => {
      const { id, imp } = await ran(company(B), events([`专利,${number},annuity_paid,2026-11-01,R-1`]), {
        kind: 'legal_events',
      });
      expect(imp.rejected).toBe(1);
      expect(await rejections(id)).toEqual([
        { line: 2, column: '申请号', reason: `no patent ${number} in your portfolio` },
      ]);
    });

    it('the right changed once meanwhile: the event is recorded on the second try; twice: rejected', async () => {
      for (const [bumps, outcome] of [
        [1, { created: 1, rejected: 0 }],
        [2, { created: 0, rejected: 1 }],
      ] as const) {
        const interleaving = interleavingClient(TRANSACTION_COMMANDS);
        const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
        const id = await started(
          OFFICE,
          utf8(events([`专利,${number},dispute_filed,2026-11-0${bumps + 1},`])),
          {
            kind: 'legal_events',
          },
        );
        const [batch] = (await prepareImport(uc, id))!;
        interleaving.beforeNext(async () => {
          await bumpAssetVersion(portal, assetId);
          if (bumps === 2) interleaving.beforeNext(() => bumpAssetVersion(portal, assetId));
        });
        expect(await applyImportBatch(raced, id, batch!)).toMatchObject(outcome);
        if (bumps === 2) {
          const [marker] = (await uc.store.queryPartition(importKey(id).pk, IMPORT_BATCH_PREFIX)) as {
            rejections: { column: string; reason: string }[];
          }[];
          expect(marker?.rejections).toEqual([
            {
              line: 2,
              column: '事件',
              reason:
                'The right changed while the event was being recorded (a pledge, another event); reload and retry.',
            },
          ]);
        }
      }
    });
  });

  describe('the deployed steps and the local runner', () => {
    it('an unreadable file ends the machine with no batches and no objects', async () => {
      const id = await started(OFFICE, utf8(['nothing,we,know']));
      expect(await prepareImportObjects(uc, id)).toEqual({ importId: id, batches: 0 });
      expect(callsOf('write', importManifestObject(id))).toEqual([]);
      expect((await getImport(uc, OFFICE, id)).failure?.code).toBe('import_header_unmapped');
    });

    it('batch objects and the manifest are JSON; a missing batch object is a fault', async () => {
      const id = await started(OFFICE, utf8([HEADER, patentRow(nextPatent(), '杯', A)]));
      const out = await prepareImportObjects(uc, id);
      expect(out).toEqual({ importId: id, batches: 1, manifestKey: importManifestObject(id) });
      expect(callsOf('write', importBatchObject(id, 0)).map((c) => c.arg)).toEqual(['application/json']);
      expect(callsOf('write', importManifestObject(id)).map((c) => c.arg)).toEqual(['application/json']);
      await uc.storage!.remove(importBatchObject(id, 0));
      const ref = { importId: id, index: 0, key: importBatchObject(id, 0) };
      await expect(applyImportBatchObject(uc, ref)).rejects.toThrow(`Batch object ${ref.key} is missing.`);
    });

    it('the local runner: an unreadable file fails without a fault; a fault ends the import interrupted', async () => {
      const faults: unknown[] = [];
      const runner = inProcessImportRunner(uc, { onFault: (e) => faults.push(e) });
      const unreadable = await uploaded(OFFICE, utf8(['nothing,we,know']));
      await startImport(uc, runner, OFFICE, { id: unreadable });
      await runner.idle();
      expect([(await stored(unreadable)).status, faults]).toEqual(['failed', []]);

      const interleaving = interleavingClient(TRANSACTION_COMMANDS);
      const broken = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const faulty = inProcessImportRunner(broken, { onFault: (e) => faults.push(e) });
      const id = await uploaded(OFFICE, utf8([HEADER, `版权,1,x,,,,,,${A},`]));
      const fault = new Error('network');
      interleaving.beforeNext(async () => {
        throw fault;
      });
      await startImport(uc, faulty, OFFICE, { id });
      await faulty.idle();
      expect(faults).toEqual([fault]);
      const imp = await getImport(uc, OFFICE, id);
      expect([imp.status, imp.failure]).toEqual([
        'failed',
        {
          code: 'import_interrupted',
          message:
            'The import stopped on a fault; the rows counted were applied. Import the file again to finish.',
        },
      ]);
    });
  });
});
