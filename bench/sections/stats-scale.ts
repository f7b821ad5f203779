import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Clock, fixedClock, systemClock } from '../../shared/domain/clock.js';
import { addDays, todayInShanghai } from '../../shared/domain/dates.js';
import type { Policy } from '../../shared/domain/policy.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { reconcileStats } from '../../shared/jobs/reconcile-stats.js';
import { offerRenewals } from '../../shared/jobs/renewals.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { policyKey } from '../../shared/store/keys.js';
import { policyIndexKeys } from '../../shared/store/policy-repository.js';
import { pledgeRegisteredFact, policyIssuedFact } from '../../shared/store/stats-facts.js';
import type { WriteItem } from '../../shared/store/toolkit.js';
import { jobContext } from '../../shared/usecases/context.js';
import { serviceLoans } from '../../shared/usecases/loans.js';
import { runCollateralMonitor } from '../../shared/usecases/monitor.js';
import { latestSnapshot, snapshotOn, statsRecords } from '../../shared/usecases/stats.js';
import { countingDocumentClient } from '../lib/counting-client.js';
import { openActiveLoans } from '../lib/loans.js';
import { benchPortal } from '../lib/portal.js';
import { log, median, round, table, usccOf } from '../lib/util.js';

/** This year's fact items the daily job must read, the same at every table size. */
const FACTS = 200;

/** Active loans the servicing job must read, the same at every table size. */
const LOANS = 20;

/** Active policies ending within 30 days (the renewal offers' work) and ending in two years (not theirs). */
const ENDING_SOON = 20;
const ENDING_LATER = 200;

/** An active policy with no covered rights, written straight into the table (the monitor has nothing to check). */
function activePolicyItem(id: string, periodEnd: string, at: string): Record<string, unknown> {
  const policy: Policy = {
    id,
    holder: '91330782MA0000001X',
    insurerId: 'bench-insurer',
    assetIds: [],
    coverages: [{ line: 'enforcement_cost', sumInsuredFen: 500_000, deductibleFen: 0 }],
    paid: { enforcement_cost: 0 },
    periodStart: '2026-01-01',
    periodEnd,
    status: 'active',
    premiumFen: 1_000,
    claimCount: 0,
    version: 2,
    createdAt: at,
    updatedAt: at,
  };
  return { ...policyKey(id), entity: 'policy', ...policyIndexKeys(policy), ...policy };
}

function activePolicies(): Record<string, unknown>[] {
  const at = new Date().toISOString();
  const today = todayInShanghai(new Date());
  return [
    ...Array.from({ length: ENDING_SOON }, (_, i) =>
      activePolicyItem(`bench-soon-${i}`, addDays(today, 10), at),
    ),
    ...Array.from({ length: ENDING_LATER }, (_, i) =>
      activePolicyItem(`bench-later-${i}`, addDays(today, 730), at),
    ),
  ];
}

function thisYearFacts(tableName: string): WriteItem[] {
  const at = new Date().toISOString();
  return Array.from({ length: FACTS / 2 }, (_, i) => [
    pledgeRegisteredFact(
      {
        pledgeId: `bench-${i}`,
        registeredAt: at,
        applicant: '91330782MA0000001X',
        divisionCode: '330782',
        lenderId: `bank-${i % 5}`,
        amountFen: 1_000_000 + i,
      },
      tableName,
    ),
    policyIssuedFact(
      {
        policyId: `bench-${i}`,
        issuedAt: at,
        holder: `holder-${i % 40}`,
        coverages: [{ line: 'enforcement_cost', sumInsuredFen: 500_000 }],
        premiumFen: 1_000,
      },
      tableName,
    ),
  ]).flat();
}

async function writeAll(db: DynamoDBDocumentClient, tableName: string, items: WriteItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25)
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName]: items.slice(i, i + 25).map((w) => ({ PutRequest: { Item: w.Put!.Item! } })),
        },
      }),
    );
}

/**
 * Job scale: the daily statistics job (shared/jobs/compute-stats.ts) and the daily loan servicing timed, and the
 * items they read counted, on one table grown through 10^3, 10^4 and 10^5 (optionally 10^6) items of data unrelated
 * to this year's facts and the loan book — enterprises and expired assets written straight into DynamoDB Local with
 * BatchWrite. Neither job may grow with the table; the weekly reconciliation (a deliberate Scan) is timed alongside
 * for contrast.
 */
type Job = (deps: { db: DynamoDBDocumentClient; tableName: string }, clock: Clock) => Promise<unknown>;

const ORG_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function unrelatedItem(i: number): Record<string, unknown> {
  const created = new Date(Date.UTC(2005, 0, 1) + i * 1000).toISOString();
  if (i % 3 === 0) {
    let org = '';
    for (let n = i, k = 0; k < 7; k++, n = Math.floor(n / 31)) org = ORG_ALPHABET[n % 31] + org;
    const uscc = usccOf(`MB${org}`);
    return {
      pk: `ENT#${uscc}`,
      sk: 'ENT',
      entity: 'enterprise',
      uscc,
      name: `Scale Co. ${i}`,
      divisionCode: '330782',
      gsi3pk: 'ENTERPRISES',
      gsi3sk: uscc,
      version: 1,
      createdAt: created,
      updatedAt: created,
    };
  }
  const id = randomUUID();
  return {
    pk: `ASSET#${id}`,
    sk: 'ASSET',
    entity: 'asset',
    id,
    owner: `scale-${i % 1000}`,
    kind: 'patent',
    number: `2004${String(i).padStart(8, '0')}`,
    title: 'An expired utility model',
    patentType: 'utility_model',
    filingDate: '2004-01-01',
    grantDate: '2004-10-01',
    status: 'granted',
    expiresOn: '2013-12-31',
    coOwners: [],
    gsi1pk: `ENT#scale-${i % 1000}#ASSETS`,
    gsi1sk: `${created}#${id}`,
    version: 1,
    createdAt: created,
    updatedAt: created,
  };
}

/** What the dashboard's trend reads, both ways: requests, items read and read units. */
type TrendCost = { requests: number; itemsRead: number; rcu: number };

/**
 * The dashboard's month-by-month trend (this year against last): as it was, every registration record of both
 * years, 100 a request; as it is, the latest snapshot (this year's per-month aggregates) and 31 December's of last
 * year (one GetItem). The records grow with the year's registrations; the snapshots do not.
 */
async function trendCost(
  counter: ReturnType<typeof countingDocumentClient>,
  tableName: string,
): Promise<{ records: TrendCost; snapshots: TrendCost }> {
  const uc = jobContext({ db: counter.db, tableName }, systemClock());
  const year = Number(todayInShanghai(new Date()).slice(0, 4));
  counter.reset();
  let requests = 0;
  for (const y of [year, year - 1]) {
    let cursor: string | undefined;
    do {
      const page = await statsRecords(
        uc,
        { figure: 'financing.registeredCount', year: y, filter: {} },
        { limit: 100, cursor },
      );
      requests++;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  const byRecords = counter.reset();
  await latestSnapshot(uc);
  await snapshotOn(uc, `${year - 1}-12-31`);
  const bySnapshots = counter.reset();
  return {
    records: { requests, itemsRead: byRecords.itemsRead, rcu: round(byRecords.rcu, 1) },
    snapshots: { requests: 2, itemsRead: bySnapshots.itemsRead, rcu: round(bySnapshots.rcu, 1) },
  };
}

export async function statsScale(
  endpoint: string,
  options: { sizes: number[]; runs: number; maxLoadSeconds: number },
) {
  type Timing = { ms: number; itemsRead: number; scans: number };
  const rows: {
    items: number;
    loadSeconds: number;
    daily: Timing;
    servicing: Timing;
    monitor: Timing;
    renewals: Timing;
    weekly: Timing;
    trend: { records: TrendCost; snapshots: TrendCost };
  }[] = [];
  const admin = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const skipped: string[] = [];
  // One table grows through the sizes (10^3 → 10^4 → …): each size adds only the difference, and the same
  // this-year facts sit in it throughout, so the daily job always has the same real work to do.
  const tableName = `bench-stats-${randomUUID().slice(0, 8)}`;
  await ensureTable(admin, tableName);
  const counter = countingDocumentClient(endpoint);
  await writeAll(counter.db, tableName, thisYearFacts(tableName));
  await writeAll(
    counter.db,
    tableName,
    activePolicies().map((Item) => ({ Put: { TableName: tableName, Item } })),
  );
  // The loan book: active loans made through the API in the same table.
  const portal = await benchPortal(endpoint, tableName);
  await openActiveLoans(
    portal,
    LOANS,
    tableName
      .slice(-6)
      .toUpperCase()
      .replace(/[IOSVZ]/g, '0'),
  );
  // Last year's final snapshot, as the daily job stored it on 31 December (the trend's other line).
  const lastYear = Number(todayInShanghai(new Date()).slice(0, 4)) - 1;
  await computeStats({ db: counter.db, tableName }, fixedClock(new Date(`${lastYear}-12-31T04:00:00Z`)));
  const servicing: Job = (deps, clock) => serviceLoans(jobContext(deps, clock));
  const monitor: Job = (deps, clock) => runCollateralMonitor(jobContext(deps, clock));
  const renewals: Job = (deps, clock) => offerRenewals(deps, clock);
  let written = 0;
  let loadSeconds = 0;
  for (const size of options.sizes) {
    const loadStarted = performance.now();
    const deadline = loadStarted + options.maxLoadSeconds * 1000;
    let next = written;
    const worker = async () => {
      // DynamoDB Local slows down as its table grows: stop at the deadline and measure what was loaded.
      while (next < size && performance.now() < deadline) {
        const from = next;
        next = Math.min(size, next + 25);
        const items = Array.from({ length: next - from }, (_, k) => unrelatedItem(from + k));
        let request: Record<string, unknown[]> | undefined = {
          [tableName]: items.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request && Object.keys(request).length) {
          const out = await counter.db.send(new BatchWriteCommand({ RequestItems: request as never }));
          request = out.UnprocessedItems as Record<string, unknown[]> | undefined;
        }
        written += items.length;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    loadSeconds += (performance.now() - loadStarted) / 1000;
    log(`  stats scale: ${written} of ${size} unrelated items loaded (${round(loadSeconds, 1)} s so far)`);
    if (written < size)
      skipped.push(
        `${size} items not reached: loading stopped at the ${options.maxLoadSeconds} s budget after ${written} items`,
      );
    const time = async (job: Job, runs: number) => {
      const ms: number[] = [];
      let read = 0;
      let scans = 0;
      for (let r = 0; r < runs; r++) {
        counter.reset();
        const started = performance.now();
        await job({ db: counter.db, tableName }, systemClock());
        ms.push(performance.now() - started);
        const cost = counter.reset();
        read = cost.itemsRead;
        scans = cost.scans;
      }
      return { ms: round(median(ms), 1), itemsRead: read, scans };
    };
    const daily = await time(computeStats, options.runs);
    log(`  stats scale: daily job on ${written} items: ${daily.ms} ms`);
    const serviced = await time(servicing, options.runs);
    log(`  stats scale: servicing job on ${written} items: ${serviced.ms} ms`);
    const monitored = await time(monitor, options.runs);
    log(`  stats scale: collateral monitor on ${written} items: ${monitored.ms} ms`);
    // The first run at the first size makes the offers; every later run finds them made and only reads.
    const renewed = await time(renewals, options.runs);
    log(`  stats scale: renewal offers on ${written} items: ${renewed.ms} ms`);
    // The reconciliation scans everything: one run is enough to show how it grows.
    const weekly = await time(reconcileStats, 1);
    const trend = await trendCost(counter, tableName);
    rows.push({
      items: written + FACTS,
      loadSeconds: round(loadSeconds, 1),
      daily,
      servicing: serviced,
      monitor: monitored,
      renewals: renewed,
      weekly,
      trend,
    });
    if (written < size) break;
  }
  counter.db.destroy();
  await admin.send(new DeleteTableCommand({ TableName: tableName }));
  admin.destroy();
  const text = [
    table([
      [
        'table items',
        'load s',
        'daily job ms',
        'daily items read',
        'daily Scans',
        'servicing ms',
        'servicing items read',
        'monitor ms',
        'monitor items read',
        'renewals ms',
        'renewals items read',
        'weekly reconcile ms',
        'reconcile items read',
        'trend by records: requests / items / RCU',
        'trend by snapshots: requests / items / RCU',
      ],
      ...rows.map((r) => [
        r.items,
        r.loadSeconds,
        r.daily.ms,
        r.daily.itemsRead,
        r.daily.scans,
        r.servicing.ms,
        r.servicing.itemsRead,
        r.monitor.ms,
        r.monitor.itemsRead,
        r.renewals.ms,
        r.renewals.itemsRead,
        r.weekly.ms,
        r.weekly.itemsRead,
        `${r.trend.records.requests} / ${r.trend.records.itemsRead} / ${r.trend.records.rcu}`,
        `${r.trend.snapshots.requests} / ${r.trend.snapshots.itemsRead} / ${r.trend.snapshots.rcu}`,
      ]),
    ]),
    rows.every((r) => r.daily.itemsRead === rows[0]?.daily.itemsRead && r.daily.scans === 0)
      ? 'The daily job reads the same number of items whatever the table size, and never Scans.'
      : '⚠ The daily job reads more items as the table grows, or Scans.',
    rows.every((r) => r.servicing.itemsRead === rows[0]?.servicing.itemsRead && r.servicing.scans === 0)
      ? `The servicing job reads the same number of items (${LOANS} active loans and their lender) whatever the table size, and never Scans.`
      : '⚠ The servicing job reads more items as the table grows, or Scans.',
    rows.every((r) => r.monitor.itemsRead === rows[0]?.monitor.itemsRead && r.monitor.scans === 0)
      ? `The collateral monitor reads the same number of items (${LOANS} pledges, their rights and watches) whatever the table size, and never Scans.`
      : '⚠ The collateral monitor reads more items as the table grows, or Scans.',
    rows.every((r) => r.renewals.itemsRead === ENDING_SOON && r.renewals.scans === 0)
      ? `The renewal offers read only the ${ENDING_SOON} policies ending within 30 days (not the ${ENDING_LATER} ending later, nor anything else), whatever the table size, and never Scan.`
      : '⚠ The renewal offers read more than the policies ending within 30 days, or Scan.',
    rows.every((r) => r.trend.snapshots.itemsRead === 2)
      ? `The dashboard's trend reads 2 items (the latest snapshot and last year's final one) in 2 requests, where reading the registration records took ${rows[0]?.trend.records.requests} requests and ${rows[0]?.trend.records.itemsRead} items (one request more per 100 registrations of either year).`
      : '⚠ The trend reads more than the two snapshots.',
    ...skipped,
  ].join('\n');
  return { rows, skipped, text };
}
