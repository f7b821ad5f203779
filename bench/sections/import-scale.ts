/**
 * Bulk import throughput (bench/README.md, section 8): a CSV of N patent rows for 10 enterprises is declared,
 * "uploaded" (an in-memory bucket: the bench measures the import, not the local S3 server) and applied through the
 * same use cases and the same batch function as the runners — sequentially, as the local runner does, at several
 * batch sizes, and with batches in parallel, as the Distributed Map does. Then the same file again: every row
 * unchanged. Each run has a DynamoDB Local of its own, so runs do not see each other's items.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { businessDateClock } from '../../shared/domain/clock.js';
import { startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { saveEnterprise } from '../../shared/usecases/enterprises.js';
import {
  applyImportBatch,
  declareImport,
  finishImport,
  getImport,
  prepareImport,
  startImport,
} from '../../shared/usecases/imports.js';
import type { ObjectStorage } from '../../shared/usecases/object-storage.js';
import { log, patentNumber, round, table, usccOf } from '../lib/util.js';

const RUN_BUDGET_MS = Number(process.env.IMPORT_BENCH_BUDGET_S ?? 300) * 1000;
const LOCAL = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const OFFICE = { role: 'ipoffice' as const, org: null, sub: 'bench-office' };
const OWNERS = Array.from({ length: 10 }, (_, i) => usccOf(`MA2J${String(i).padStart(5, '0')}`));

/** A bucket in memory with the port's behaviour (read up to a bound, write, presign as a no-op). */
function memoryStorage(): ObjectStorage {
  const objects = new Map<string, Uint8Array>();
  return {
    scanned: false,
    async presignPut() {
      return { url: 'memory://', method: 'PUT', headers: {} };
    },
    async presignGet(key) {
      return `memory://${key}`;
    },
    async read(key, maxBytes) {
      const bytes = objects.get(key);
      // (The port's object carries more or less metadata from branch to branch; the import reads the bytes only.)
      return bytes ? { bytes: bytes.subarray(0, maxBytes + 1) } : undefined;
    },
    async write(key, bytes) {
      objects.set(key, bytes);
    },
    async remove(key) {
      objects.delete(key);
    },
  };
}

/** N rows: patents of the ten owners, numbers filed 2015–2024, the owner column naming each. */
function csvOf(rows: number): Uint8Array {
  const lines = ['类型,申请号,名称,申请日,授权公告日,权利人'];
  for (let i = 0; i < rows; i++) {
    const year = 2015 + (i % 10);
    const type = 1 + (i % 3);
    lines.push(
      `专利,${patentNumber(year, type, 1_000_000 + i)},保温杯${i},${year}-03-0${1 + (i % 9)},${year + 1}-06-10,${OWNERS[i % OWNERS.length]}`,
    );
  }
  return new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`);
}

interface Run {
  label: string;
  rows: number;
  batchRows: number;
  parallel: number;
  seconds: number;
  rowsPerSecond: number;
  created: number;
  unchanged: number;
  rejected: number;
}

/** One import of `bytes` on `table` (the enterprises registered), batches `parallel` at a time. */
async function importOnce(
  endpoint: string,
  tableName: string,
  storage: ObjectStorage,
  bytes: Uint8Array,
  batchRows: number,
  parallel: number,
): Promise<Omit<Run, 'label'>> {
  const uc = useCaseContext({
    db: localDocumentClient(endpoint),
    tableName,
    clock: businessDateClock('2026-11-27'),
    newId: () => randomUUID(),
    storage,
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const declared = await declareImport(uc, OFFICE, {
    kind: 'assets',
    format: 'csv',
    fileName: 'bench.csv',
    sizeBytes: bytes.length,
    sha256,
  });
  const id = declared.import.id;
  await storage.write(`imports/${id}/source`, bytes, 'text/csv');
  await startImport(uc, { start: async () => undefined }, OFFICE, { id });
  const started = performance.now();
  const batches = (await prepareImport(uc, id, batchRows)) ?? [];
  let next = 0;
  let stalled = false;
  // A failed batch stops the others, which settle before the run reports: nothing of it runs on into the next.
  const workers = Array.from({ length: parallel }, async () => {
    while (next < batches.length && !stalled) {
      const batch = batches[next++]!;
      try {
        await applyImportBatch(uc, id, batch);
      } catch (error) {
        stalled = true;
        throw error;
      }
    }
  });
  const work = Promise.allSettled(workers).then((settled) => {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  });
  // A budget per run: DynamoDB Local has been seen to crawl (a few rows a second) partway through a run on this
  // busy machine; the section then says where the run stood instead of hanging.
  work.catch(() => undefined);
  const timedOut = await Promise.race([
    work.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), RUN_BUDGET_MS).unref()),
  ]);
  if (timedOut) {
    stalled = true;
    const view = await getImport(uc, OFFICE, id);
    throw new Error(
      `stalled: ${view.processed} of ${view.rows} rows after ${RUN_BUDGET_MS / 1000} s (batches of ${batchRows}, ${parallel} at once)`,
    );
  }
  await finishImport(uc, id);
  const seconds = (performance.now() - started) / 1000;
  const view = await getImport(uc, OFFICE, id);
  if (view.status !== 'completed')
    throw new Error(`import ended ${view.status}: ${JSON.stringify(view.failure)}`);
  return {
    rows: view.rows,
    batchRows,
    parallel,
    seconds: round(seconds, 1),
    rowsPerSecond: Math.round(view.rows / seconds),
    created: view.created,
    unchanged: view.unchanged,
    rejected: view.rejected,
  };
}

async function freshTable(endpoint: string): Promise<string> {
  const tableName = `bench-import-${randomUUID()}`;
  // Without a stream: DynamoDB Local slows each streamed write by the stream's size (see ensureTable), which would
  // make a 10^5-row run measure the emulator's stream, not the import; a deployed table's stream costs no such thing.
  await ensureTable(new DynamoDBClient({ endpoint, ...LOCAL }), tableName, { stream: false });
  const uc = useCaseContext({
    db: localDocumentClient(endpoint),
    tableName,
    clock: businessDateClock('2026-11-27'),
    newId: () => randomUUID(),
  });
  for (const uscc of OWNERS)
    await saveEnterprise(uc, OFFICE, {
      uscc,
      divisionCode: '330782',
      input: { name: `Bench ${uscc}` },
    });
  return tableName;
}

export async function importScale(options: {
  rows: number[];
  batchSizes: number[];
  parallel: number;
}): Promise<{ text: string; runs: Run[] }> {
  const runs: Run[] = [];
  const stalls: string[] = [];
  for (const rows of options.rows) {
    const bytes = csvOf(rows);
    const storage = memoryStorage();
    const [first, ...others] = options.batchSizes;
    // Past 10^4 rows a run takes minutes on DynamoDB Local: the first batch size and its re-import only.
    const plan: { label: string; batchRows: number; parallel: number }[] = [
      { label: 'sequential', batchRows: first!, parallel: 1 },
      ...(rows > 20_000
        ? []
        : [
            { label: `${options.parallel} batches at once`, batchRows: first!, parallel: options.parallel },
            ...others.map((b) => ({ label: 'sequential', batchRows: b, parallel: 1 })),
          ]),
    ];
    for (const step of plan) {
      // Each run on a DynamoDB Local of its own: one slows every streamed write by the stream records of all its
      // tables (see ensureTable), so a run beside an earlier run's table measured a sixth of its speed.
      const dynamo = await startDynamoDbLocal();
      try {
        const tableName = await freshTable(dynamo.endpoint);
        log(`import: ${rows} rows, batches of ${step.batchRows}, ${step.parallel} at once…`);
        let run: Omit<Run, 'label'>;
        try {
          run = await importOnce(dynamo.endpoint, tableName, storage, bytes, step.batchRows, step.parallel);
        } catch (error) {
          log(`import: ${(error as Error).message}`);
          stalls.push(`${step.label}, batches of ${step.batchRows}: ${(error as Error).message}`);
          continue;
        }
        log(`import: ${run.rowsPerSecond} rows/s (${run.seconds} s)`);
        runs.push({ label: step.label, ...run });
        if (step === plan[0]) {
          log(`import: the same ${rows} rows again…`);
          const again = await importOnce(
            dynamo.endpoint,
            tableName,
            storage,
            bytes,
            step.batchRows,
            step.parallel,
          );
          log(`import: re-import ${again.rowsPerSecond} rows/s (${again.seconds} s)`);
          runs.push({ label: 're-import (all unchanged)', ...again });
        }
      } finally {
        await dynamo.stop();
      }
    }
  }
  const base = new Map<number, number>();
  for (const r of runs) if (!base.has(r.rows)) base.set(r.rows, r.rowsPerSecond);
  const text = table([
    ['rows', 'run', 'batch rows', 'parallel', 's', 'rows/s', '× first', 'created', 'unchanged', 'rejected'],
    ...runs.map((r) => [
      r.rows,
      r.label,
      r.batchRows,
      r.parallel,
      r.seconds,
      r.rowsPerSecond,
      round(r.rowsPerSecond / (base.get(r.rows) ?? r.rowsPerSecond), 2),
      r.created,
      r.unchanged,
      r.rejected,
    ]),
  ]);
  return { text: stalls.length ? `${text}\n\nNot measured: ${stalls.join('; ')}` : text, runs };
}
