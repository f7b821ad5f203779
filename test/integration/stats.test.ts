import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import { DESIGNATION_LEVELS } from '../../shared/domain/designation.js';
import { COVERAGE_LINES } from '../../shared/domain/policy.js';
import { JINHUA_DIVISIONS } from '../../shared/domain/statistics.js';
import type { PortalDeps } from '../../shared/http/context.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { reconcileStats } from '../../shared/jobs/reconcile-stats.js';
import {
  claimPaidFact,
  designationCountDelta,
  outstandingDelta,
  pledgeRegisteredFact,
  policyIssuedFact,
  portfolioDelta,
} from '../../shared/store/stats-facts.js';
import type { WriteItem } from '../../shared/store/toolkit.js';
import { insuranceBreakdown } from '../support/insurance-figures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/** 2026-06-16 01:30 in Asia/Shanghai: the daily run's time. */
const NOW = new Date('2026-06-15T17:30:00.000Z');
const TODAY = '2026-06-16';
const YEAR = 2026;
const office = { role: 'ipoffice' as const };

const LINES = COVERAGE_LINES;
const LEVELS = DESIGNATION_LEVELS;
// The municipal level (330700) has its own key beside the nine counties.
const COUNTIES: readonly string[] = ['330700', ...JINHUA_DIVISIONS];

// ---- A random scenario: the transitions that happened, across several years ----------------------------------

const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2024, 0, 1), max: NOW.getTime() }).map((t) => new Date(t).toISOString()),
  // The Shanghai new-year boundaries, where a UTC year would be wrong.
  fc.constantFrom('2025-12-31T15:59:59.999Z', '2025-12-31T16:00:00.000Z', '2026-01-31T16:00:00.000Z'),
);
const applicant = fc
  .constantFrom(...COUNTIES, '110000', '440300')
  .chain((division) =>
    fc.integer({ min: 1, max: 6 }).map((n) => `91${division}MA${String(n).padStart(7, '0')}X`),
  );
const pledgeArb = fc.record({
  id: fc.uuid(),
  registeredAt: instant,
  applicant,
  lenderId: fc.constantFrom('bank-a', 'bank-b', 'bank-c'),
  // Across the inclusive bound of 1000万元 (1e9 fen), the bound itself included.
  amountFen: fc.oneof(
    fc.integer({ min: 1, max: 2 ** 40 }),
    fc.integer({ min: 1, max: 1_000_000_000 }),
    fc.constantFrom(1_000_000_000, 1_000_000_001),
  ),
  fate: fc.constantFrom('registered', 'active', 'repaid'),
});
const policyArb = fc.record({
  id: fc.uuid(),
  issuedAt: instant,
  holder: applicant,
  coverages: fc.uniqueArray(
    fc.record({ line: fc.constantFrom(...LINES), sumInsuredFen: fc.integer({ min: 1, max: 2 ** 36 }) }),
    { minLength: 1, maxLength: 3, selector: (c) => c.line },
  ),
  premiumFen: fc.integer({ min: 0, max: 2 ** 30 }),
});
const claimArb = fc.record({
  id: fc.uuid(),
  paidAt: instant,
  line: fc.constantFrom(...LINES),
  paidFen: fc.integer({ min: 1, max: 2 ** 34 }),
});
const assetArb = fc.record({
  type: fc.constantFrom('invention', 'utility_model', 'design', 'trademark'),
  status: fc.constantFrom('granted', 'pending'),
  expiresOn: fc.oneof(
    fc
      .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2046, 11, 31) })
      .map((t) => new Date(t).toISOString().slice(0, 10)),
    fc.constantFrom('2026-06-15', TODAY),
  ),
  grantYear: fc.integer({ min: 2020, max: 2026 }),
  owner: applicant,
  deleted: fc.boolean(),
});
const scenarioArb = fc.record({
  pledges: fc.array(pledgeArb, { maxLength: 12 }),
  policies: fc.array(policyArb, { maxLength: 8 }),
  claims: fc.array(claimArb, { maxLength: 8 }),
  assets: fc.array(assetArb, { maxLength: 16 }),
  designations: fc.array(fc.record({ level: fc.constantFrom(...LEVELS), revoked: fc.boolean() }), {
    maxLength: 8,
  }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

/** Each transition is its own transaction, with exactly the fact/counter items the repositories add. */
/** Whether `p` is its applicant's earliest registration in the scenario. */
const firstOf = (s: Scenario, p: Scenario['pledges'][number]) =>
  !s.pledges.some(
    (q) =>
      q.applicant === p.applicant &&
      (q.registeredAt < p.registeredAt || (q.registeredAt === p.registeredAt && q.id < p.id)),
  );

function transactionsOf(s: Scenario, t: string): WriteItem[][] {
  const txs: WriteItem[][] = [];
  for (const p of s.pledges) {
    txs.push([
      pledgeRegisteredFact(
        {
          pledgeId: p.id,
          registeredAt: p.registeredAt,
          applicant: p.applicant,
          divisionCode: p.applicant.slice(2, 8),
          lenderId: p.lenderId,
          amountFen: p.amountFen,
          // As the registration marks it: the applicant's earliest registration in the scenario.
          ...(firstOf(s, p) ? { firstTime: true } : {}),
        },
        t,
      ),
    ]);
    if (p.fate !== 'registered') txs.push([outstandingDelta(p.amountFen, p.id, t)]);
    if (p.fate === 'repaid') txs.push([outstandingDelta(-p.amountFen, p.id, t)]);
  }
  for (const p of s.policies)
    txs.push([
      policyIssuedFact(
        {
          policyId: p.id,
          issuedAt: p.issuedAt,
          holder: p.holder,
          coverages: p.coverages,
          premiumFen: p.premiumFen,
        },
        t,
      ),
    ]);
  s.claims.forEach((c, i) => {
    txs.push([
      claimPaidFact(
        { claimId: c.id, paidAt: c.paidAt, policyId: `policy-${i}`, line: c.line, paidFen: c.paidFen },
        t,
      ),
    ]);
  });
  for (const a of s.assets) {
    const input = {
      kind: a.type === 'trademark' ? ('trademark' as const) : ('patent' as const),
      ...(a.type === 'trademark' ? {} : { patentType: a.type as 'invention' | 'utility_model' | 'design' }),
      status: a.type === 'trademark' && a.status === 'granted' ? 'registered' : a.status,
      expiresOn: a.expiresOn,
      grantYear: a.grantYear,
      owner: a.owner,
    };
    const created = portfolioDelta({ ...input, delta: 1 }, t);
    if (created.length > 0) txs.push(created);
    if (a.deleted && created.length > 0) txs.push(portfolioDelta({ ...input, delta: -1 }, t));
  }
  for (const d of s.designations) {
    txs.push([designationCountDelta(d.level, 1, t)]);
    if (d.revoked) txs.push([designationCountDelta(d.level, -1, t)]);
  }
  return txs;
}

/** The figures recomputed the long way, straight from the scenario (independent of domain/statistics.ts). */
function bruteForce(s: Scenario) {
  const shanghai = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString();
  const thisYear = (iso: string) => shanghai(iso).startsWith(`${YEAR}-`);
  const pledges = s.pledges.filter((p) => thisYear(p.registeredAt));
  const policies = s.policies.filter((p) => thisYear(p.issuedAt));
  const claims = s.claims.filter((c) => thisYear(c.paidAt));
  const byDivision: Record<string, number> = Object.fromEntries([...COUNTIES, 'other'].map((c) => [c, 0]));
  const byLender: Record<string, number> = {};
  const byMonth: Record<string, number> = {};
  for (let m = 1; m <= 6; m++) byMonth[`${YEAR}-0${m}`] = 0;
  for (const p of pledges) {
    const division = p.applicant.slice(2, 8);
    const key = COUNTIES.includes(division) ? division : 'other';
    byDivision[key] = (byDivision[key] ?? 0) + p.amountFen;
    byLender[p.lenderId] = (byLender[p.lenderId] ?? 0) + p.amountFen;
    const month = shanghai(p.registeredAt).slice(0, 7);
    byMonth[month] = (byMonth[month] ?? 0) + p.amountFen;
  }
  const byLine: Record<string, number> = Object.fromEntries(LINES.map((l) => [l, 0]));
  let sumInsured = 0;
  for (const p of policies)
    for (const c of p.coverages) {
      byLine[c.line] = (byLine[c.line] ?? 0) + c.sumInsuredFen;
      sumInsured += c.sumInsuredFen;
    }
  const counted = s.assets.filter((a) => a.status === 'granted' && !a.deleted);
  const inForce = (type: string) => counted.filter((a) => a.type === type && a.expiresOn >= TODAY).length;
  const designations = Object.fromEntries(
    LEVELS.map((l) => [l, s.designations.filter((d) => d.level === l && !d.revoked).length]),
  );
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    asOf: NOW.toISOString(),
    date: TODAY,
    year: YEAR,
    financing: {
      registeredCount: pledges.length,
      registeredAmountFen: sum(pledges.map((p) => p.amountFen)),
      enterprisesFinanced: new Set(pledges.map((p) => p.applicant)).size,
      inclusiveCount: pledges.filter((p) => p.amountFen <= 1_000_000_000).length,
      inclusiveAmountFen: sum(pledges.map((p) => p.amountFen).filter((a) => a <= 1_000_000_000)),
      // This year's applicants with no registration before the year.
      firstTimeBorrowers: new Set(
        pledges
          .map((p) => p.applicant)
          .filter(
            (a) => !s.pledges.some((q) => q.applicant === a && shanghai(q.registeredAt) < `${YEAR}-01-01`),
          ),
      ).size,
      outstandingAmountFen: sum(s.pledges.filter((p) => p.fate === 'active').map((p) => p.amountFen)),
      byDivision,
      byLender,
      byMonth,
      // No loans were disbursed here (facts written directly): an empty loan book (stats-scenario drives one).
      outstandingPrincipalFen: 0,
      overdueAmountFen: 0,
      nonPerformingAmountFen: 0,
      outstandingPrincipalByLender: {},
      overdueByLender: {},
      nonPerformingByLender: {},
      outstandingPrincipalByDivision: Object.fromEntries([...COUNTIES, 'other'].map((c) => [c, 0])),
      overdueByDivision: Object.fromEntries([...COUNTIES, 'other'].map((c) => [c, 0])),
      nonPerformingByDivision: Object.fromEntries([...COUNTIES, 'other'].map((c) => [c, 0])),
    },
    insurance: {
      policiesIssued: policies.length,
      insuredEnterprises: new Set(policies.map((p) => p.holder)).size,
      sumInsuredFen: sumInsured,
      premiumFen: sum(policies.map((p) => p.premiumFen)),
      claimsPaidFen: sum(claims.map((c) => c.paidFen)),
      byLine,
      ...insuranceBreakdown(policies, claims),
    },
    portfolio: {
      patentsInForce: {
        invention: inForce('invention'),
        utility_model: inForce('utility_model'),
        design: inForce('design'),
      },
      trademarksInForce: inForce('trademark'),
      patentsGrantedThisYear: counted.filter((a) => a.type !== 'trademark' && a.grantYear === YEAR).length,
      trademarksRegisteredThisYear: counted.filter((a) => a.type === 'trademark' && a.grantYear === YEAR)
        .length,
    },
    designations,
    subsidies: { interestSubsidyFen: 0 },
  };
}

async function write(portal: TestPortal, txs: WriteItem[][]): Promise<void> {
  // A few at a time: DynamoDB Local is shared with the other test files.
  for (let i = 0; i < txs.length; i += 8)
    await Promise.all(
      txs
        .slice(i, i + 8)
        .map((items) => portal.deps.db.send(new TransactWriteCommand({ TransactItems: items }))),
    );
}

/** Wraps `db.send`: counts commands by name and sums the read capacity DynamoDB reports. */
function counting(deps: PortalDeps) {
  const counts: Record<string, number> = {};
  let capacity = 0;
  const db = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      counts[name] = (counts[name] ?? 0) + 1;
      if (name !== 'PutCommand') command.input.ReturnConsumedCapacity = 'TOTAL';
      const out = await deps.db.send(command as never);
      capacity +=
        (out as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0;
      return out;
    },
  } as unknown as PortalDeps['db'];
  return { deps: { db, tableName: deps.tableName }, counts, capacity: () => capacity };
}

describe('statistics job', () => {
  it('equals a brute-force recomputation to the fen for random scenarios over several years', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const portal = await createTestPortal();
        await write(portal, transactionsOf(scenario, portal.tableName));
        const snapshot = await computeStats(portal.deps, fixedClock(NOW));
        expect(snapshot).toEqual(bruteForce(scenario));
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  it('a retry or second run the same day stores one identical snapshot under the day', async () => {
    const portal = await createTestPortal();
    const [scenario] = fc.sample(scenarioArb, { numRuns: 1, seed: 42 });
    await write(portal, transactionsOf(scenario!, portal.tableName));
    const stored = async () =>
      (
        await portal.deps.db.send(
          new GetCommand({ TableName: portal.tableName, Key: { pk: 'STATS', sk: TODAY } }),
        )
      ).Item;

    await computeStats(portal.deps, fixedClock(NOW));
    const first = await stored();
    await computeStats(portal.deps, fixedClock(NOW));
    expect(await stored()).toEqual(first);

    const later = await computeStats(portal.deps, fixedClock(new Date(NOW.getTime() + 3_600_000)));
    const snapshots = await portal.deps.db.send(
      new QueryCommand({
        TableName: portal.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'STATS' },
      }),
    );
    expect(snapshots.Items).toHaveLength(1);
    expect({ ...later, asOf: NOW.toISOString() }).toEqual(JSON.parse(String(first?.snapshot)));
  });

  it('reads a fixed number of small partitions — no Scan — however many unrelated items and past years the table holds', async () => {
    const portal = await createTestPortal();
    const t = portal.tableName;
    const [scenario] = fc.sample(scenarioArb, { numRuns: 1, seed: 7 });
    await write(portal, transactionsOf(scenario!, t));

    const measure = async () => {
      const probe = counting(portal.deps);
      const snapshot = await computeStats(probe.deps, fixedClock(NOW));
      return { snapshot, counts: probe.counts, capacity: probe.capacity() };
    };
    const before = await measure();
    expect(before.counts.ScanCommand).toBeUndefined();
    expect(before.capacity).toBeGreaterThan(0);

    // 10× more: past years' facts and counters, expired in-force days, and source items the job never reads.
    const past: WriteItem[][] = [];
    for (let i = 0; i < 100; i++) {
      const year = 2016 + (i % 10);
      const at = `${year}-05-0${1 + (i % 9)}T03:00:00.000Z`;
      past.push([
        pledgeRegisteredFact(
          {
            pledgeId: `old-${i}`,
            registeredAt: at,
            applicant: '91330782MA0000001X',
            divisionCode: '330782',
            lenderId: 'bank-a',
            amountFen: 1_000 + i,
          },
          t,
        ),
        policyIssuedFact(
          {
            policyId: `old-${i}`,
            issuedAt: at,
            holder: 'H',
            coverages: [{ line: 'enforcement_cost', sumInsuredFen: 5 }],
            premiumFen: 1,
          },
          t,
        ),
        claimPaidFact(
          { claimId: `old-${i}`, paidAt: at, policyId: 'p', line: 'enforcement_cost', paidFen: 1 },
          t,
        ),
        ...portfolioDelta(
          {
            kind: 'patent',
            patentType: 'invention',
            status: 'granted',
            expiresOn: `20${10 + (i % 16)}-01-${String(1 + (i % 28)).padStart(2, '0')}`,
            grantYear: year,
            owner: `OWNER${i}`,
            delta: 1,
          },
          t,
        ),
      ]);
    }
    await write(portal, past);
    await write(
      portal,
      Array.from({ length: 300 }, (_, i) => [
        {
          Put: {
            TableName: t,
            Item: {
              pk: `ENT#UNRELATED${i}`,
              sk: 'ENT',
              entity: 'enterprise',
              name: `Unrelated ${i}`,
              gsi3pk: 'ENTERPRISES',
              gsi3sk: `UNRELATED${i}`,
            },
          },
        },
        {
          Put: {
            TableName: t,
            Item: {
              pk: `PLEDGE#unrelated-${i}`,
              sk: 'PLEDGE',
              entity: 'pledge',
              status: 'submitted',
              applicant: 'X',
              requestedAmountFen: i,
            },
          },
        },
      ]),
    );

    const after = await measure();
    expect(after.snapshot).toEqual(before.snapshot);
    expect(after.counts).toEqual(before.counts);
    expect(after.counts.ScanCommand).toBeUndefined();
    // 11 small partitions, and the loan book's active and defaulted ranges (empty here).
    expect(after.counts.QueryCommand).toBe(13);
    expect(after.capacity).toBe(before.capacity);
  }, 60_000);

  it('reconciles the counters against the source items and names every figure that disagrees', async () => {
    const portal = await createTestPortal();
    const t = portal.tableName;
    const put = (item: Record<string, unknown>): WriteItem => ({ Put: { TableName: t, Item: item } });
    const applicant = '91330782MA0000001X';
    const at = '2026-03-02T04:00:00.000Z';
    // Source items in the other repositories' layouts, each with the fact/counter items its transition writes.
    await write(portal, [
      [
        put({
          pk: 'PLEDGE#p1',
          sk: 'PLEDGE',
          entity: 'pledge',
          id: 'p1',
          applicant,
          lenderId: 'bank-a',
          status: 'active',
          approvedAmountFen: 800,
          registeredAt: at,
        }),
        pledgeRegisteredFact(
          {
            pledgeId: 'p1',
            registeredAt: at,
            applicant,
            divisionCode: '330782',
            lenderId: 'bank-a',
            amountFen: 800,
          },
          t,
        ),
        outstandingDelta(800, 'p1', t),
      ],
      [
        put({
          pk: 'POLICY#q1',
          sk: 'POLICY',
          entity: 'policy',
          id: 'q1',
          holder: applicant,
          status: 'active',
          coverages: [{ line: 'infringement_loss', sumInsuredFen: 9_000, deductibleFen: 100 }],
          premiumFen: 90,
          issuedAt: at,
        }),
        policyIssuedFact(
          {
            policyId: 'q1',
            issuedAt: at,
            holder: applicant,
            coverages: [{ line: 'infringement_loss', sumInsuredFen: 9_000 }],
            premiumFen: 90,
          },
          t,
        ),
      ],
      [
        put({
          pk: 'CLAIM#c1',
          sk: 'CLAIM',
          entity: 'claim',
          id: 'c1',
          policyId: 'q1',
          line: 'infringement_loss',
          status: 'paid',
          paidFen: 300,
          settledAt: at,
        }),
        claimPaidFact(
          { claimId: 'c1', paidAt: at, policyId: 'q1', line: 'infringement_loss', paidFen: 300 },
          t,
        ),
      ],
      [
        put({
          pk: 'ASSET#a1',
          sk: 'ASSET',
          entity: 'asset',
          id: 'a1',
          owner: applicant,
          kind: 'patent',
          patentType: 'utility_model',
          status: 'granted',
          filingDate: '2024-01-05',
          grantDate: '2026-02-01',
          expiresOn: '2034-01-04',
        }),
        ...portfolioDelta(
          {
            kind: 'patent',
            patentType: 'utility_model',
            status: 'granted',
            expiresOn: '2034-01-04',
            grantYear: 2026,
            owner: applicant,
            delta: 1,
          },
          t,
        ),
      ],
    ]);
    const designated = await portal.call('PUT', `/enterprises/91330784147123451K`, {
      as: office,
      body: { name: 'Y' },
    });
    expect(designated.status).toBe(201);
    expect(
      (
        await portal.call('POST', '/designations', {
          as: office,
          body: { uscc: '91330784147123451K', level: 'national_advantage', year: 2026 },
        })
      ).status,
    ).toBe(201);

    const clean = await reconcileStats(portal.deps, fixedClock(NOW));
    expect(clean.differences).toEqual([]);
    expect(clean.actual.financing.registeredAmountFen).toBe(800);
    expect(clean.actual.portfolio.patentsInForce.utility_model).toBe(1);
    expect(clean.actual.designations.national_advantage).toBe(1);

    // A transition that forgot its counter (here: an asset stored without portfolioDelta) shows up by name.
    await portal.deps.db.send(
      new PutCommand({
        TableName: t,
        Item: {
          pk: 'ASSET#a2',
          sk: 'ASSET',
          entity: 'asset',
          id: 'a2',
          owner: applicant,
          kind: 'trademark',
          status: 'registered',
          registrationDate: '2026-01-10',
          expiresOn: '2036-01-09',
        },
      }),
    );
    const logged: unknown[] = [];
    const drift = await reconcileStats({ ...portal.deps, log: (_m, d) => logged.push(d) }, fixedClock(NOW));
    expect(drift.differences).toEqual([
      { figure: 'portfolio.trademarksInForce', expected: 1, actual: 0 },
      { figure: 'portfolio.trademarksRegisteredThisYear', expected: 1, actual: 0 },
    ]);
    expect(logged).toHaveLength(1);
  });
});

describe('the records behind a figure, and the history', () => {
  it('pages through exactly the records a figure counts, narrowed by each dimension', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb,
        fc.constantFrom('bank-a', 'bank-b'),
        fc.integer({ min: 1, max: 3 }),
        async (scenario, lender, limit) => {
          const portal = await createTestPortal({ now: () => NOW });
          await write(portal, transactionsOf(scenario, portal.tableName));
          const all = async (query: string) => {
            const ids: string[] = [];
            let cursor: string | null = null;
            do {
              const res = await portal.call(
                'GET',
                `/stats/records?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
                { as: office },
              );
              expect(res.status, JSON.stringify(res.body)).toBe(200);
              expect(res.body.items.length).toBeLessThanOrEqual(limit);
              ids.push(
                ...res.body.items.map(
                  (r: { pledgeId?: string; policyId?: string }) => r.pledgeId ?? r.policyId,
                ),
              );
              cursor = res.body.nextCursor;
            } while (cursor);
            return ids.sort();
          };
          const shanghai = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString();
          const thisYear = scenario.pledges.filter((p) => shanghai(p.registeredAt).startsWith(`${YEAR}-`));
          const divisionOf = (p: { applicant: string }) => {
            const code = p.applicant.slice(2, 8);
            return COUNTIES.includes(code) ? code : 'other';
          };
          for (const division of [...COUNTIES, 'other'])
            expect(
              await all(`figure=financing.byDivision&year=${YEAR}&division=${division}`),
              division,
            ).toEqual(
              thisYear
                .filter((p) => divisionOf(p) === division)
                .map((p) => p.id)
                .sort(),
            );
          expect(await all(`figure=financing.inclusiveAmountFen&year=${YEAR}&lender=${lender}`)).toEqual(
            thisYear
              .filter((p) => p.lenderId === lender && p.amountFen <= 1_000_000_000)
              .map((p) => p.id)
              .sort(),
          );
          expect(await all(`figure=insurance.byLine&year=${YEAR}&line=enforcement_cost`)).toEqual(
            scenario.policies
              .filter(
                (p) =>
                  shanghai(p.issuedAt).startsWith(`${YEAR}-`) &&
                  p.coverages.some((c) => c.line === 'enforcement_cost'),
              )
              .map((p) => p.id)
              .sort(),
          );
        },
      ),
      { numRuns: 4 },
    );
  }, 120_000);

  it('refuses a figure without records, a bad dimension or range with 400 naming the field', async () => {
    const portal = await createTestPortal();
    const bad = async (url: string, field: string) => {
      const res = await portal.call('GET', url, { as: office });
      expect(res.status, url).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`query.${field}`);
    };
    await bad('/stats/records?figure=portfolio.trademarksInForce', 'figure');
    await bad('/stats/records?figure=financing.byMonth&month=2026-13', 'month');
    await bad('/stats/records?figure=financing.byDivision&division=330701', 'division');
    await bad('/stats/history?from=2026-02-01&to=2026-01-31', 'to');
    await bad('/stats/history?from=2025-01-01&to=2026-01-02', 'to');
    expect(
      (
        await portal.call('GET', '/stats/history?from=2026-01-01&to=2026-01-02', {
          as: { role: 'lender', org: 'bb' },
        })
      ).status,
    ).toBe(403);
  });

  it('traces the headline figures day by day from the stored snapshots', async () => {
    const portal = await createTestPortal();
    const days = ['2026-03-01', '2026-03-02', '2026-03-04'];
    const taken = [];
    for (const [i, day] of days.entries()) {
      await write(portal, [
        [
          pledgeRegisteredFact(
            {
              pledgeId: `h${i}`,
              registeredAt: `${day}T01:00:00.000Z`,
              applicant: '91330782MA0000001X',
              divisionCode: '330782',
              lenderId: 'bank-a',
              amountFen: 100 * (i + 1),
            },
            portal.tableName,
          ),
        ],
      ]);
      taken.push(await computeStats(portal.deps, fixedClock(new Date(`${day}T02:00:00.000Z`))));
    }
    const res = await portal.call('GET', '/stats/history?from=2026-03-01&to=2026-03-04', { as: office });
    expect(res.status).toBe(200);
    // One point per stored day (none on the 3rd), each what that day's snapshot said: 100, 100+200, 100+200+300.
    expect(res.body.items).toEqual(
      days.map((date, i) => ({
        date,
        financing: {
          registeredCount: i + 1,
          registeredAmountFen: [100, 300, 600][i],
          outstandingAmountFen: 0,
        },
        insurance: { policiesIssued: 0, sumInsuredFen: 0 },
      })),
    );
    expect(taken.map((s) => s.financing.registeredAmountFen)).toEqual([100, 300, 600]);
    const narrow = await portal.call('GET', '/stats/history?from=2026-03-02&to=2026-03-03', { as: office });
    expect(narrow.body.items.map((p: { date: string }) => p.date)).toEqual(['2026-03-02']);
  });
});

describe('statistics routes', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await createTestPortal();
  });

  it('answers 404 before the first run, then the latest snapshot, a day’s snapshot and the CSV', async () => {
    const none = await portal.call('GET', '/stats', { as: office });
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await portal.call('GET', '/stats.csv', { as: office })).status).toBe(404);

    await write(portal, [
      [
        pledgeRegisteredFact(
          {
            pledgeId: 'p1',
            registeredAt: '2026-02-01T01:00:00.000Z',
            applicant: '91330782MA0000001X',
            divisionCode: '330782',
            lenderId: 'bank-a',
            amountFen: 123,
          },
          portal.tableName,
        ),
      ],
    ]);
    const earlier = await computeStats(portal.deps, fixedClock(new Date('2026-06-14T17:30:00.000Z')));
    const latest = await computeStats(portal.deps, fixedClock(NOW));

    const got = await portal.call('GET', '/stats', { as: office });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(latest);
    expect(Object.keys(got.body)).toEqual([
      'asOf',
      'date',
      'year',
      'financing',
      'insurance',
      'portfolio',
      'designations',
      'subsidies',
    ]);

    const day = await portal.call('GET', `/stats/${earlier.date}`, { as: office });
    expect(day.status).toBe(200);
    expect(day.body).toEqual(earlier);
    expect((await portal.call('GET', '/stats/2020-01-01', { as: office })).status).toBe(404);
    expect((await portal.call('GET', '/stats/2026-13-01', { as: office })).status).toBe(400);

    const csv = await portal.call('GET', '/stats.csv', { as: office });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = String(csv.body).split('\r\n');
    expect(lines[0]).toBe('metric,key,value');
    expect(lines).toContain('financing.byDivision,330782,123');
    expect(lines).toContain('financing.byMonth,2026-02,123');
    expect(lines).toContain(`date,,${TODAY}`);
  });

  it('is for the IP office only', async () => {
    for (const as of [
      { role: 'enterprise' as const, org: '91330784147123451K' },
      { role: 'lender' as const, org: 'bank-a' },
      { role: 'insurer' as const, org: 'ins-a' },
    ])
      for (const path of ['/stats', '/stats.csv', `/stats/${TODAY}`])
        expect((await portal.call('GET', path, { as })).status).toBe(403);
    expect((await portal.call('GET', '/stats', { as: null })).status).toBe(401);
  });
});
