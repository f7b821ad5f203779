import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import type { Role } from '../../shared/auth/principal.js';
import { freePort } from '../../shared/local/dynamodb-local.js';
import { type LocalRuntime, openLocalRuntime } from '../../shared/runtime/local-deps.js';
import { localUserToken } from '../../shared/runtime/local-users.js';
import { patentNumber, round, table, usccOf } from '../lib/util.js';

/**
 * Load: the local portal (`scripts/start.ts`, DynamoDB Local under a temp DATA_DIR, 127.0.0.1 only) under
 * autocannon for a bounded time with a mixed workload from several tenants: GET an asset, list assets,
 * POST an asset (unique numbers), GET institutions. Reports throughput, latency, non-2xx and the server's RSS.
 */
const rssKiB = async (pid: number): Promise<number> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
};

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the portal did not become healthy in time');
}

export async function load(options: {
  seconds: number;
  connections: number;
  tenants: number;
  warmupSeconds: number;
}) {
  const root = resolve(import.meta.dirname, '../..');
  const dataDir = await mkdtemp(join(tmpdir(), 'portal-bench-load-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // node --import tsx runs the server in this very process id, so /proc/<pid> is the server's.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_REQUESTS: '0',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverOutput = '';
  child.stdout?.on('data', (d) => {
    serverOutput += d;
  });
  child.stderr?.on('data', (d) => {
    serverOutput += d;
  });
  let runtime: LocalRuntime | undefined;
  try {
    await waitHealthy(url, child, 60_000);
    // The server's own DynamoDB Local (same DATA_DIR), to enrol the load's users.
    runtime = await openLocalRuntime({ dataDir });
    const tokenOf = (role: Role, org: string | null = null) =>
      localUserToken(runtime!.deps, runtime!.issuer, role, org, 3600);
    const office = `Bearer ${await tokenOf('ipoffice')}`;
    const tenants: { uscc: string; auth: string; assets: string[] }[] = [];
    let serial = 1_000_000 + Math.floor(Math.random() * 1_000_000);
    const post = (path: string, auth: string, body: unknown, method = 'POST') =>
      fetch(`${url}${path}`, {
        method,
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const patent = () => ({
      kind: 'patent',
      number: patentNumber(2021, 2, ++serial),
      title: 'Load-tested widget',
      filingDate: '2021-04-01',
      grantDate: '2021-12-01',
    });
    await post('/institutions/load-bank', office, { kind: 'lender', name: 'Load Bank' }, 'PUT');
    for (let t = 0; t < options.tenants; t++) {
      const uscc = usccOf(`MA2L0AD${String(t).padStart(2, '0')}`);
      const auth = `Bearer ${await tokenOf('enterprise', uscc)}`;
      await post(`/enterprises/${uscc}`, auth, { name: `Load tenant ${t}` }, 'PUT');
      const assets: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await post(`/enterprises/${uscc}/assets`, auth, patent());
        assets.push(((await res.json()) as { id: string }).id);
      }
      tenants.push({ uscc, auth, assets });
    }
    const pid = child.pid as number;
    const rssBefore = await rssKiB(pid);
    let n = 0;
    const tenantOf = () => tenants[n++ % tenants.length] as (typeof tenants)[number];
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)] as T;
    const run = (duration: number) =>
      autocannon({
        url,
        connections: options.connections,
        duration,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const t = tenantOf();
              return { ...req, path: `/assets/${pick(t.assets)}`, headers: { authorization: t.auth } };
            },
          },
          {
            method: 'GET',
            setupRequest: (req) => {
              const t = tenantOf();
              return {
                ...req,
                path: `/enterprises/${t.uscc}/assets?limit=10`,
                headers: { authorization: t.auth },
              };
            },
          },
          {
            method: 'POST',
            setupRequest: (req) => {
              const t = tenantOf();
              return {
                ...req,
                path: `/enterprises/${t.uscc}/assets`,
                headers: { authorization: t.auth, 'content-type': 'application/json' },
                body: JSON.stringify(patent()),
              };
            },
          },
          {
            method: 'GET',
            setupRequest: (req) => {
              const t = tenantOf();
              return { ...req, path: '/institutions?limit=10', headers: { authorization: t.auth } };
            },
          },
        ],
      });
    // A warm-up run (JIT of node and of DynamoDB Local's JVM) that is not reported.
    await run(options.warmupSeconds);
    const result = await run(options.seconds);
    const rssAfter = await rssKiB(pid);
    const summary = {
      seconds: options.seconds,
      connections: options.connections,
      tenants: options.tenants,
      requests: result.requests.total,
      throughputRps: round(result.requests.average, 1),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      rssBeforeMiB: round(rssBefore / 1024, 1),
      rssAfterMiB: round(rssAfter / 1024, 1),
    };
    const ok = summary.non2xx === 0 && summary.errors === 0 && summary.timeouts === 0;
    const text = [
      table([
        [
          'workload',
          'req/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'requests',
          'non-2xx',
          'errors',
          'RSS before→after MiB',
        ],
        [
          `mixed, ${options.tenants} tenants, ${options.connections} conns, ${options.seconds} s`,
          summary.throughputRps,
          summary.latencyP50Ms,
          summary.latencyP99Ms,
          summary.latencyMaxMs,
          summary.requests,
          summary.non2xx,
          summary.errors + summary.timeouts,
          `${summary.rssBeforeMiB} → ${summary.rssAfterMiB}`,
        ],
      ]),
      ok ? 'No non-2xx answers and no errors.' : '⚠ non-2xx answers or errors under load (must be 0).',
    ].join('\n');
    return { ...summary, ok, text };
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : error}\nserver output:\n${serverOutput.slice(-2000)}`,
    );
  } finally {
    await runtime?.close();
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await rm(dataDir, { recursive: true, force: true });
  }
}
