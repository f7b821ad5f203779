import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleFunction, PROJECT_ROOT } from '../../infra/bundling.js';
import { median, round, table } from '../lib/util.js';

/**
 * Cold start: every entry in functions/ bundled with esbuild exactly as the PortalFunction construct
 * (infra/portal-function.ts, with the settings of infra/bundling.ts) bundles it — ESM, minified, node22, main
 * fields module/main, the AWS SDK bundled, source maps without sources, the createRequire banner, the API's
 * OpenAPI document built beforehand and inlined — then imported in fresh Node processes with the construct's
 * `NODE_OPTIONS=--enable-source-maps`. The baseline is a bundle of bare Hono + the DynamoDB document client
 * built the same way.
 */

const BASELINE = `
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const app = new Hono().get('/assets/:id', async (c) =>
  c.json((await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: c.req.param('id'), sk: 'ASSET' } }))).Item ?? null));
export const handler = handle(app);
`;

/** Diagnostic bundles: the baseline plus one more layer of the portal each, to show where import time goes. */
const DIAGNOSTICS: Record<string, string> = {
  'diag: baseline + zod as the portal imports it (no routes)': `
export { handler } from './baseline-entry.js';
import * as z from '../../shared/http/zod.js';
export const Out = z.object({ ok: z.boolean().openapi({ description: 'ok' }) });
`,
  'diag: baseline + @hono/zod-openapi & zod (what the API loaded before)': `
export { handler } from './baseline-entry.js';
import { OpenAPIHono, z } from '@hono/zod-openapi';
const Out = z.object({ ok: z.boolean() });
export const app = new OpenAPIHono().get('/', (c) => c.json(Out.parse({ ok: true })));
`,
  'diag: portal module graph loaded, createApp() not called': `
import { createApp } from '../../shared/http/app.js';
import { awsDeps } from '../../shared/runtime/aws-deps.js';
export const handler = async () => [createApp, awsDeps];
`,
};

/**
 * Imports the bundle and reports how long the import (module evaluation included) took; for an HTTP bundle
 * also until its first answer to a request that needs no network (Hono builds its first `Request`): for the
 * baseline a 404, for the API \`GET /assets/{id}\` without a token, a 401 that loads the route's module first —
 * work deferred from the import to the first request still delays the first caller.
 */
const RUNNER = `
const started = performance.now();
const mod = await import(process.argv[2]);
const importMs = performance.now() - started;
if (typeof mod.handler !== 'function') throw new Error('no handler export');
let firstRequestMs;
if (process.argv[3]) {
  const [path, status] = process.argv[3].split(' ');
  const res = await mod.handler({
    version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: '', headers: { host: 'api.example.com' },
    requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench', routeKey: '$default', stage: '$default', domainName: 'api.example.com', timeEpoch: 0 },
    isBase64Encoded: false,
  }, { awsRequestId: 'bench', functionName: 'bench', functionVersion: '1', invokedFunctionArn: 'arn:bench', memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 10000 });
  if (res.statusCode !== Number(status)) throw new Error('first request answered ' + res.statusCode);
  firstRequestMs = performance.now() - started;
}
process.stdout.write(JSON.stringify({ importMs, firstRequestMs }));
`;

const ENV = {
  TABLE_NAME: 'bench-table',
  EVENT_BUS_NAME: 'bench-bus',
  OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_bench',
  OIDC_CLIENT_ID: 'bench-client',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Bundles as the construct does. `KiB`: what a cold start loads — the entry file and the chunks it imports
 * statically; `chunks KiB`: what only a dynamic import (a route group, a credential provider) loads, on demand.
 */
async function bundle(entry: string, outdir: string, api: boolean) {
  const metafile = bundleFunction(entry, outdir, { api });
  const eager = eagerOutputs(metafile);
  let bytes = 0;
  let chunkBytes = 0;
  for (const [file, output] of Object.entries(metafile.outputs))
    if (file.endsWith('.mjs')) {
      if (eager.has(file)) bytes += output.bytes;
      else chunkBytes += output.bytes;
    }
  return { outfile: join(outdir, 'index.mjs'), bytes, chunkBytes, metafile };
}

/** The entry output and every output it reaches through static imports. */
function eagerOutputs(metafile: Metafile): Set<string> {
  // Every dynamic import is an entry point of its own in a split build: the function's is `index.mjs`.
  const entry = Object.keys(metafile.outputs).find((file) => file.endsWith('/index.mjs'));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  if (entry) visit(entry);
  return seen;
}

/** The largest contributors to what a cold start loads, by package (or source folder). */
function contributors(metafile: Metafile, top = 6): string {
  const sizes = new Map<string, number>();
  for (const file of eagerOutputs(metafile))
    for (const [path, { bytesInOutput }] of Object.entries(metafile.outputs[file]?.inputs ?? {})) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m?.[1] ?? path.split('/').slice(0, 2).join('/');
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  return [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${k} ${Math.round(v / 1024)} KiB`)
    .join(', ');
}

function timeImport(
  runner: string,
  file: string,
  sourceMaps: boolean,
  firstRequest: string | undefined,
): Promise<{ importMs: number; firstRequestMs?: number; processMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [runner, file, ...(firstRequest ? [firstRequest] : [])], {
      env: { ...process.env, ...ENV, NODE_OPTIONS: sourceMaps ? '--enable-source-maps' : '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => {
      const processMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`import of ${file} failed (${code}): ${err.slice(0, 500)}`));
      resolvePromise({ ...JSON.parse(out), processMs });
    });
  });
}

export interface ColdStartRow {
  bundle: string;
  kib: number;
  /** Chunks loaded on demand beside the entry file. */
  chunksKib: number;
  importMs: number;
  processMs: number;
  importMsNoSourceMaps: number;
  vsBaseline: number;
  /** Import plus the first answer (HTTP bundles only). */
  firstRequestMs?: number;
  firstRequestVsBaseline?: number;
  contributors: string;
}

export async function coldStart(options: { spawns: number }) {
  const root = PROJECT_ROOT;
  const work = join(tmpdir(), `portal-bench-cold-${process.pid}`);
  await mkdir(work, { recursive: true });
  const runner = join(work, 'runner.mjs');
  await writeFile(runner, RUNNER);
  // The baseline sits inside the project so that it resolves the same node_modules.
  const baselineEntry = join(root, 'bench', 'results', 'baseline-entry.ts');
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  await writeFile(baselineEntry, BASELINE);
  const diagnostics = [];
  for (const [i, [name, source]] of Object.entries(DIAGNOSTICS).entries()) {
    const entry = join(root, 'bench', 'results', `diagnostic-${i}.ts`);
    await writeFile(entry, source);
    diagnostics.push({ name, entry });
  }
  const entries = [
    {
      name: 'baseline: bare Hono + DynamoDB document client',
      entry: baselineEntry,
      firstRequest: '/bench-no-such-route 404',
      openApi: false,
    },
    ...diagnostics.map((d) => ({
      ...d,
      firstRequest: undefined,
      openApi: d.name.includes('portal module graph'),
    })),
    ...(await readdir(join(root, 'functions')))
      .filter((f) => f.endsWith('.ts'))
      .sort((a, b) => (a === 'api.ts' ? -1 : b === 'api.ts' ? 1 : a.localeCompare(b)))
      .map((f) => ({
        name: `functions/${f}`,
        entry: join(root, 'functions', f),
        firstRequest: f === 'api.ts' ? '/assets/bench-asset 401' : undefined,
        openApi: f === 'api.ts',
      })),
  ];
  const bundles = [];
  for (const e of entries)
    bundles.push({
      ...e,
      ...(await bundle(e.entry, join(work, basename(e.entry, '.ts')), e.openApi)),
    });
  // The generated entries live in the project only to resolve its node_modules; tsc must not see them.
  for (const e of [{ entry: baselineEntry }, ...diagnostics]) await rm(e.entry, { force: true });

  // Interleaved spawns, so that machine noise hits every bundle alike.
  const samples = new Map<
    string,
    { importMs: number[]; firstRequestMs: number[]; processMs: number[]; plain: number[] }
  >(bundles.map((b) => [b.name, { importMs: [], firstRequestMs: [], processMs: [], plain: [] }]));
  for (let i = 0; i < options.spawns; i++)
    for (const b of bundles) {
      const s = samples.get(b.name);
      const withMaps = await timeImport(runner, b.outfile, true, b.firstRequest);
      const without = await timeImport(runner, b.outfile, false, undefined);
      s?.importMs.push(withMaps.importMs);
      if (withMaps.firstRequestMs !== undefined) s?.firstRequestMs.push(withMaps.firstRequestMs);
      s?.processMs.push(withMaps.processMs);
      s?.plain.push(without.importMs);
    }
  const baseline = samples.get(entries[0]?.name ?? '');
  const baselineMs = median(baseline?.importMs ?? []);
  const baselineFirstMs = median(baseline?.firstRequestMs ?? []);
  const rows: ColdStartRow[] = bundles.map((b) => {
    const s = samples.get(b.name);
    const importMs = median(s?.importMs ?? []);
    const firstRequestMs = s?.firstRequestMs.length ? median(s.firstRequestMs) : undefined;
    return {
      bundle: b.name,
      kib: Math.round(b.bytes / 1024),
      chunksKib: Math.round(b.chunkBytes / 1024),
      importMs: round(importMs, 1),
      processMs: round(median(s?.processMs ?? []), 1),
      importMsNoSourceMaps: round(median(s?.plain ?? []), 1),
      vsBaseline: round(importMs / baselineMs, 2),
      ...(firstRequestMs !== undefined && {
        firstRequestMs: round(firstRequestMs, 1),
        firstRequestVsBaseline: round(firstRequestMs / baselineFirstMs, 2),
      }),
      contributors: contributors(b.metafile),
    };
  });
  const api = rows.find((r) => r.bundle === 'functions/api.ts');
  const verdict = api
    ? `functions/api.ts import vs baseline: ${api.vsBaseline}× (target ≤ 1.5×) — ${api.vsBaseline <= 1.5 ? 'met' : 'NOT met'}; ` +
      `import + first answer vs baseline: ${api.firstRequestVsBaseline}×`
    : 'functions/api.ts not found';
  const text = [
    table([
      [
        'bundle',
        'KiB',
        'chunks KiB',
        'import ms',
        'process ms',
        'import ms (no maps)',
        '× baseline',
        '+ 1st answer ms',
        '× baseline',
      ],
      ...rows.map((r) => [
        r.bundle,
        r.kib,
        r.chunksKib,
        r.importMs,
        r.processMs,
        r.importMsNoSourceMaps,
        r.vsBaseline,
        r.firstRequestMs ?? '',
        r.firstRequestVsBaseline ?? '',
      ]),
    ]),
    verdict,
    ...rows.map((r) => `  ${r.bundle}: largest parts ${r.contributors}`),
  ].join('\n');
  return { rows, verdict, spawns: options.spawns, text, bundleDir: work };
}
