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
  ].join('\n');
  return {
    rows,
    notDriven,
    failed: failed.map((r) => `${r.route} ${r.status}`),
    scans: scans.map((r) => r.route),
    text,
  };
}
