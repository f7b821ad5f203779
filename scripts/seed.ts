/**
 * `npm run seed`: loads the demonstration city (scripts/seed-city.ts) through the portal's PUBLIC API.
 *
 * - If a portal answers on http://localhost:${PORT:-3000} (`npm start`), the seed talks HTTP to it, with tokens
 *   signed by the local issuer in ${DATA_DIR:-.data} — start both with the same DATA_DIR.
 * - Otherwise it opens the same local runtime `npm start` would (DynamoDB Local on ${DATA_DIR}) and sends the
 *   same requests to the app in-process; `npm start` later serves the data. In-process the seed moves the
 *   business date itself: the city is loaded as of 1 January, its pledges registered day by day since and
 *   its loans repaid (or not), so the monthly figures span those months and the loan book has schedules,
 *   payments and arrears. A portal over HTTP keeps its own date: every loan starts today.
 *
 * It refuses to load into a portal that already holds enterprises (the figures would no longer be the published
 * ones): use a fresh DATA_DIR. Then `npm run stats` and `GET /stats` show the published figures.
 */

import type { Role } from '../shared/auth/principal.js';
import { movableClock } from '../shared/domain/clock.js';
import { formatYuan } from '../shared/domain/money.js';
import { createApp } from '../shared/http/app.js';
import { computeStats } from '../shared/jobs/compute-stats.js';
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import {
  clockFromEnv,
  dataDirFromEnv,
  type LocalRuntime,
  openLocalRuntime,
} from '../shared/runtime/local-deps.js';
import { localUserToken } from '../shared/runtime/local-users.js';
import { type SeedCall, SeedRefused, type SeedResponse, seedCity } from './seed-city.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const dataDir = dataDirFromEnv();
const port = Number(process.env.PORT ?? 3000);
const baseUrl = `http://localhost:${port}`;
const concurrency = Number(process.env.SEED_CONCURRENCY ?? 12);

/** Tokens per caller, of the developer's local users, enrolled and signed once (valid an hour: the seed takes minutes). */
function tokenSource(runtime: LocalRuntime) {
  const tokens = new Map<string, Promise<string>>();
  return (role: Role, org: string | null | undefined) => {
    const key = `${role}:${org ?? ''}`;
    let token = tokens.get(key);
    if (!token) {
      token = localUserToken(runtime.deps, runtime.issuer, role, org ?? null, 3600);
      tokens.set(key, token);
    }
    return token;
  };
}

async function parse(res: Response): Promise<SeedResponse> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

function caller(
  send: (path: string, init: RequestInit) => Promise<Response>,
  token: ReturnType<typeof tokenSource>,
): SeedCall {
  return async (method, path, { as, body, headers }) => {
    const all: Record<string, string> = {
      ...headers,
      Authorization: `Bearer ${await token(as.role, as.org)}`,
    };
    if (body !== undefined) all['Content-Type'] = 'application/json';
    return parse(
      await send(path, {
        method,
        headers: all,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  };
}

async function portalAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  let call: SeedCall;
  let close = async () => {};
  let where: string;
  // The seed's last day: the business date a portal started with the same environment has (PORTAL_TODAY).
  const today = clockFromEnv().today();
  let setToday: ((date: string) => void) | undefined;
  let atLastYearEnd: (() => Promise<void>) | undefined;
  if (await portalAnswers()) {
    // The users are enrolled through the running portal's own DynamoDB Local (same DATA_DIR).
    const runtime = await openLocalRuntime({ dataDir });
    close = () => runtime.close();
    call = caller((path, init) => fetch(`${baseUrl}${path}`, init), tokenSource(runtime));
    where = `the portal at ${baseUrl} (tokens from ${dataDir})`;
    const probe = await call('GET', '/enterprises?limit=1', { as: { role: 'ipoffice' } });
    if (probe.status === 401) {
      console.error(
        `The portal at ${baseUrl} does not accept tokens from DATA_DIR=${dataDir}; start it with the same DATA_DIR.`,
      );
      await close();
      process.exit(1);
    }
  } else {
    if (!javaAvailable()) {
      console.error(JAVA_MISSING);
      process.exit(1);
    }
    // In-process the seed moves the business date itself: the loans get months of history up to today.
    const clock = movableClock(today);
    setToday = clock.moveTo;
    const runtime = await openLocalRuntime({ dataDir, clock, files: {} });
    const app = await createApp(runtime.deps);
    call = caller(async (path, init) => app.request(path, init), tokenSource(runtime));
    // Last year's final snapshot, as the daily job would have stored it then: the dashboard's trend compares with it.
    atLastYearEnd = async () => {
      await computeStats(runtime.deps, clock);
    };
    close = () => runtime.close();
    where = `the app in-process on ${dataDir} (no portal answered on ${baseUrl})`;
  }

  console.log(`Seeding the demonstration city into ${where}, ${concurrency} requests at a time…`);
  try {
    const result = await seedCity(call, {
      today,
      ...(setToday ? { setToday } : {}),
      ...(atLastYearEnd ? { atLastYearEnd } : {}),
      concurrency,
      log: (line) => console.log(line),
    });
    const e = result.plan.expected;
    console.log(
      [
        `Done in ${(result.durationMs / 1000).toFixed(1)} s: ${result.requests} requests (${result.retries} retried).`,
        `  ${result.plan.enterprises.length} enterprises, ${result.plan.lenders.length} banks, ${result.plan.insurers.length} insurers`,
        `  pledge financing registered this year: ${e.registeredCount} pledges, ${formatYuan(e.registeredAmountFen)} yuan, ${e.enterprisesFinanced} enterprises`,
        `  insurance: ${e.policiesIssued} policies issued to ${e.insuredEnterprises} enterprises, sum insured ${formatYuan(e.sumInsuredFen)} yuan`,
        `  designations: ${Object.entries(e.designations)
          .map(([level, n]) => `${level} ${n}`)
          .join(', ')}`,
        'Next: `npm run --silent stats`, then GET /stats (as ipoffice) shows these figures.',
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof SeedRefused) {
      console.error(error.message);
      process.exitCode = 2;
    } else {
      console.error('The seed failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    }
  } finally {
    await close();
  }
}

await main();
