import { systemClock } from '../../shared/domain/clock.js';
import { routeTable } from '../../shared/http/route.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { benchPortal } from '../lib/portal.js';
import { runScenario } from '../lib/scenario.js';
import { round, table } from '../lib/util.js';

export interface CostRow {
  route: string;
  status: number;
  requests: number;
  commands: string;
  itemsRead: number;
  itemsWritten: number;
  rcu: number;
  wcu: number;
  scans: number;
}

/**
 * DynamoDB cost per operation: every route driven once through the real app on DynamoDB Local, with a
 * client that asks each command for `ConsumedCapacity` (TOTAL). Routes the scenario does not reach are
 * listed, so a new route shows up here until the scenario learns it.
 */
export async function dynamoCost(endpoint: string) {
  const portal = await benchPortal(endpoint);
  const idempotentRoutes = new Set(
    routeTable(portal.app)
      .filter((r) => r.idempotent)
      .map((r) => `${r.method} ${r.path}`),
  );
  const { steps } = await runScenario(portal, {
    idempotentRoutes,
    beforeStats: async () => {
      await computeStats({ db: portal.deps.db, tableName: portal.tableName }, systemClock());
    },
  });
  const rows: CostRow[] = steps.map(({ route, status, exchange: { cost } }) => ({
    route,
    status,
    requests: Object.values(cost.commands).reduce((a, b) => a + b, 0),
    commands: Object.entries(cost.commands)
      .map(([name, n]) => `${name.replace(/Command$/, '').replace(/Item(s)?$/, '')}${n > 1 ? `×${n}` : ''}`)
      .join(' '),
    itemsRead: cost.itemsRead,
    itemsWritten: cost.itemsWritten,
    rcu: round(cost.rcu),
    wcu: round(cost.wcu),
    scans: cost.scans,
  }));
  const driven = new Set(rows.filter((r) => r.status > 0).map((r) => r.route));
  const notDriven = routeTable(portal.app)
    .map((r) => `${r.method} ${r.path}`)
    .filter((r) => !driven.has(r));
  const failed = rows.filter((r) => r.status === 0 || r.status >= 400);
  const roundTrips = idempotentRoundTrips(rows, [...idempotentRoutes]);
  const off = roundTrips.filter((r) => !r.met);
  const scans = rows.filter((r) => r.scans > 0);
  const text = [
    table([
      ['route', 'status', 'calls', 'items r', 'items w', 'RCU', 'WCU', 'commands'],
      ...rows.map((r) => [
        r.route,
        r.status,
        r.requests,
        r.itemsRead,
        r.itemsWritten,
        r.rcu,
        r.wcu,
        `${r.commands}${r.scans ? '  ⚠ SCAN' : ''}`,
      ]),
    ]),
    scans.length ? `⚠ Scan used by: ${scans.map((r) => r.route).join(', ')}` : 'No route used a Scan.',
    notDriven.length
      ? `Routes the scenario does not drive yet: ${notDriven.join(', ')}`
      : 'Every route in the route table was driven.',
    failed.length
      ? `Steps that did not succeed: ${failed.map((r) => `${r.route} → ${r.status || 'skipped'}`).join(', ')}`
      : 'Every step succeeded.',
    '',
    `DynamoDB round trips of the routes honouring Idempotency-Key, sent with one (target: ${TARGET_ROUND_TRIPS} = BatchGet + TransactWrite):`,
    table([
      ['route', 'steps', 'round trips', 'commands', 'target'],
      ...roundTrips.map((r) => [r.route, r.steps, r.roundTrips, r.commands, r.met ? 'met' : 'NOT met']),
    ]),
    `${roundTrips.length - off.length} of ${roundTrips.length} idempotent routes at ${TARGET_ROUND_TRIPS} round trips` +
      (off.length ? `; not yet: ${off.map((r) => r.route).join(', ')}` : '.'),
  ].join('\n');
  return {
    rows,
    notDriven,
    failed: failed.map((r) => `${r.route} ${r.status}`),
    scans: scans.map((r) => r.route),
    roundTrips,
    text,
  };
}

const TARGET_ROUND_TRIPS = 2;

export interface RoundTripRow {
  route: string;
  /** Successful scenario steps of the route (each with its own Idempotency-Key). */
  steps: number;
  /** The distinct counts seen, e.g. `2` or `2–4`. */
  roundTrips: string;
  commands: string;
  met: boolean;
}

/**
 * Per idempotent route (from the route table, so a newly migrated route shows up by itself): the DynamoDB
 * requests of its successful steps. Met when every step is exactly one read (a BatchGet of the aggregate and the
 * idempotency record, or a GetItem when the record is the only key) and one TransactWrite (the write + the record).
 */
function idempotentRoundTrips(rows: readonly CostRow[], routes: readonly string[]): RoundTripRow[] {
  return routes.map((route) => {
    const steps = rows.filter((r) => r.route === route && r.status >= 200 && r.status < 300);
    const counts = [...new Set(steps.map((r) => r.requests))].sort((a, b) => a - b);
    const commands = [...new Set(steps.map((r) => r.commands))];
    return {
      route,
      steps: steps.length,
      roundTrips: counts.length > 1 ? `${counts[0]}–${counts.at(-1)}` : String(counts[0] ?? '–'),
      commands: commands.join(' | ') || '(not driven)',
      met:
        steps.length > 0 &&
        steps.every((r) => r.requests === TARGET_ROUND_TRIPS && r.commands.endsWith('TransactWrite')),
    };
  });
}
