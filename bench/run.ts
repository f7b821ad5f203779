/**
 * `npm run bench`: the portal's benchmarks (not part of `npm test`). Prints a table per section and writes
 * everything to bench/results/latest.json. See bench/README.md for how to read the output.
 *
 *   npm run bench                      all sections, default sizes (< 10 min)
 *   npm run bench -- --only=overhead,cost   some sections: overhead, cold, cost, load, stats
 *   npm run bench -- --quick            fewer rounds and spawns, shorter load (a smoke run)
 *   npm run bench -- --million          also the statistics job on 10^6 items (slow)
 *   npm run bench -- --only=search      search at 10^4 and 10^5 enterprises (and 10^6 with --million)
 *   npm run bench -- --only=reconcile   the statistics audit per Scan segment
 *   npm run bench -- --only=import      bulk import throughput at 10^4 rows (IMPORT_BENCH_ROWS=100000 for 10^5)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// DynamoDB Local in memory keeps every item on the Java heap: the search section's index needs room.
process.env.JAVA_TOOL_OPTIONS ??= '-Xmx8g';

const { startDynamoDbLocal } = await import('../shared/local/dynamodb-local.js');
const { overhead } = await import('./sections/overhead.js');
const { coldStart } = await import('./sections/cold-start.js');
const { dynamoCost } = await import('./sections/dynamo-cost.js');
const { load } = await import('./sections/load.js');
const { statsScale } = await import('./sections/stats-scale.js');
const { searchScale, reconcileSegments } = await import('./sections/search-scale.js');
const { importScale } = await import('./sections/import-scale.js');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (name: string) => !only || only.includes(name);

const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  quick,
};
const out = (title: string, text: string) => process.stdout.write(`\n== ${title}\n${text}\n`);
const started = performance.now();

const dynamo = await startDynamoDbLocal();
try {
  const sections: [string, string, () => Promise<{ text: string }>][] = [
    [
      'overhead',
      '1. Per-request overhead (Lambda handler in-process, mocked DynamoDB)',
      () => overhead(dynamo.endpoint, quick ? { rounds: 3, perRound: 500 } : { rounds: 7, perRound: 1500 }),
    ],
    [
      'cold',
      '2. Cold start (bundles as the CDK construct builds them)',
      () => coldStart({ spawns: quick ? 3 : 11 }),
    ],
    [
      'cost',
      '3. DynamoDB cost per operation (DynamoDB Local, ConsumedCapacity TOTAL)',
      () => dynamoCost(dynamo.endpoint),
    ],
    [
      'load',
      '4. Load (local portal, autocannon, loopback)',
      () =>
        load(
          quick
            ? { seconds: 5, connections: 8, tenants: 3, warmupSeconds: 2 }
            : { seconds: 15, connections: 10, tenants: 5, warmupSeconds: 5 },
        ),
    ],
    [
      'stats',
      '5. Statistics and servicing job scale',
      () =>
        statsScale(dynamo.endpoint, {
          sizes: args.includes('--million') ? [1e3, 1e4, 1e5, 1e6] : quick ? [1e3, 1e4] : [1e3, 1e4, 1e5],
          runs: 3,
          maxLoadSeconds: quick ? 60 : 150,
        }),
    ],
    [
      'reconcile',
      '6. Statistics audit per Scan segment',
      () => reconcileSegments(dynamo.endpoint, { items: quick ? 2e4 : 1e5, segments: 4 }),
    ],
    [
      'search',
      '7. Search at scale (office index in DynamoDB Local, ConsumedCapacity TOTAL)',
      () =>
        searchScale(dynamo.endpoint, {
          sizes: args.includes('--million')
            ? [1e4, 1e5, 1e6]
            : (process.env.SEARCH_BENCH_SIZES?.split(',').map(Number) ?? [1e4]),
          hot: quick ? [] : [1e5],
          runs: quick ? 5 : 15,
          maxLoadSeconds: args.includes('--million') ? 3600 : 900,
        }),
    ],
    [
      'import',
      '8. Bulk import throughput (DynamoDB Local, batch sizes, batches in parallel, re-import)',
      () =>
        importScale({
          // 10^5 rows take several minutes per run at DynamoDB Local's ~2,300 writes/s: only when asked.
          rows: [quick ? 2_000 : Number(process.env.IMPORT_BENCH_ROWS ?? 10_000)],
          batchSizes: [250, 1000, 50],
          parallel: 4,
        }),
    ],
  ];
  for (const [key, title, run] of sections) {
    if (!wanted(key)) continue;
    const sectionStarted = performance.now();
    try {
      const result = await run();
      out(title, result.text);
      results[key] = { ...result, seconds: Math.round((performance.now() - sectionStarted) / 100) / 10 };
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      out(title, `⚠ section failed: ${message}`);
      results[key] = { error: message };
      process.exitCode = 1;
    }
  }
} finally {
  await Promise.all([dynamo.stop(), (await import('./lib/portal.js')).closeBenchS3()]);
}
results.totalSeconds = Math.round((performance.now() - started) / 100) / 10;
results.loadAverageAtEnd = loadavg().map((n) => Math.round(n * 100) / 100);
const dir = resolve(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `\nDone in ${results.totalSeconds} s; results in bench/results/latest.json (load average ${results.loadAverageAtStart} → ${results.loadAverageAtEnd}).\n`,
);
