import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAST_YEAR,
  PUBLISHED,
  planCity,
  SeedRefused,
  type SeedResult,
  seedCity,
} from '../../scripts/seed-city.js';
import { movableClock } from '../../shared/domain/clock.js';
import { YI_YUAN_FEN } from '../../shared/domain/money.js';
import type { StatsSnapshot } from '../../shared/domain/statistics.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { reconcileStats } from '../../shared/jobs/reconcile-stats.js';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * `npm run seed`'s core, loaded through the real app (in-process `portal.call` instead of HTTP): the daily
 * statistics job must then show exactly the figures Jinhua published (DOMAIN.md), the reconciliation must agree
 * with them item by item, and the records behind every figure that has them must add up to it. The city is seeded
 * once for all of these: it is the suite's largest load (thousands of writes, on a DynamoDB Local of its own).
 */
const TODAY = '2026-10-15';
const YEAR = 2026;
const office = { role: 'ipoffice' } as const;
type Rec = Record<string, unknown> & { kind: string };

let dynamo: RunningDynamoDb;
let clock: ReturnType<typeof movableClock>;
let portal: TestPortal;
let seeded: SeedResult;
/** The statistics job's snapshot of last year's end, taken while the seed passed it. */
let lastYear: StatsSnapshot | undefined;
/** Today's snapshot; the records tests take it again once an interest subsidy is set. */
let s: StatsSnapshot;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  // The seed moves the business date: the city as of 2026-01-01, its pledges registered from then to 2026-10-15
  // and its loans serviced up to 2026-10-15.
  clock = movableClock(TODAY);
  portal = await createTestPortal({ clock }, dynamo.endpoint);
  seeded = await seedCity(portal.call, {
    today: TODAY,
    setToday: clock.moveTo,
    atLastYearEnd: async () => {
      lastYear = await computeStats(portal.deps, clock);
    },
    concurrency: 12,
  });
  s = await computeStats(portal.deps, clock);
}, 300_000);
afterAll(() => dynamo?.stop());

describe('the demonstration data set', () => {
  it('is the same plan on every run (fixed seed)', () => {
    const now = new Date('2026-10-15T04:00:00Z');
    expect(JSON.stringify(planCity(now))).toBe(JSON.stringify(planCity(now)));
  });

  it('yields exactly the published figures and a loan book with arrears', async () => {
    const result = seeded;
    expect(result.retries).toBe(0);
    expect(clock.today()).toBe('2026-10-15');

    expect(s.insurance.policiesIssued).toBe(440);
    expect(s.insurance.insuredEnterprises).toBe(137);
    expect(s.insurance.sumInsuredFen).toBe(21_500_000_000); // 2.15亿元
    // 210亿元 = 210 × 10^8 yuan = 2.1 × 10^12 fen.
    expect(s.financing.registeredAmountFen).toBe(2_100_000_000_000);
    expect(s.financing.registeredAmountFen).toBe(210 * YI_YUAN_FEN);
    expect(s.designations).toMatchObject({
      national_demonstration: 9,
      national_advantage: 8,
      provincial_demonstration: 28,
    });
    expect(s.insurance.sumInsuredFen).toBe(PUBLISHED.sumInsuredFen);

    // Spread over Jinhua's nine counties, several banks and insurers.
    expect(Object.entries(s.financing.byDivision).filter(([, fen]) => fen > 0).length).toBeGreaterThanOrEqual(
      9,
    );
    expect(Object.keys(s.financing.byLender).length).toBeGreaterThanOrEqual(5);
    expect(s.financing.registeredCount).toBe(result.plan.expected.registeredCount);
    // Registered day by day from the loan book's start (1 January) to today, not on one day: every month of the
    // year so far has registrations, none holds half the year's amount, and the months add up to its 210亿元.
    const months = Object.entries(s.financing.byMonth).filter(([, fen]) => fen > 0);
    expect(months.map(([month]) => month)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
    ]);
    expect(Math.max(...months.map(([, fen]) => fen))).toBeLessThan(s.financing.registeredAmountFen / 2);
    expect(months.reduce((sum, [, fen]) => sum + fen, 0)).toBe(210 * YI_YUAN_FEN);
    expect(s.financing.enterprisesFinanced).toBe(result.plan.expected.enterprisesFinanced);
    expect(s.financing.outstandingAmountFen).toBeGreaterThan(0);
    expect(s.insurance.claimsPaidFen).toBeGreaterThan(0);
    expect(s.portfolio.patentsInForce.invention).toBeGreaterThan(0);
    expect(s.portfolio.trademarksInForce).toBeGreaterThan(0);

    // The loan book: the active loans' principal less what their instalments repaid, some weeks and some months
    // in arrears; the auctioned loan is no longer in it, the defaulted ones not yet disposed are non-performing.
    const f = s.financing;
    expect(f.outstandingPrincipalFen).toBeGreaterThan(0);
    expect(f.outstandingPrincipalFen).toBeLessThan(f.outstandingAmountFen);
    expect(f.overdueAmountFen).toBeGreaterThan(0);
    expect(f.overdueAmountFen).toBeLessThan(f.outstandingPrincipalFen);
    expect(f.nonPerformingAmountFen).toBeGreaterThan(0);
    const disposed = await portal.call('GET', '/pledges?status=released&limit=100', {
      as: { role: 'ipoffice' },
    });
    expect(disposed.body.items.filter((p: { disposal?: unknown }) => p.disposal)).toHaveLength(1);

    // Last year, for the trend: its final snapshot (31 December 2025) shows 172亿元 in 120 registrations spread over
    // its months, all repaid and released within the year (this year's loan book is the plan's alone).
    expect(lastYear?.date).toBe('2025-12-31');
    const ly = lastYear!.financing;
    expect(ly.registeredAmountFen).toBe(LAST_YEAR.registeredAmountFen);
    expect(ly.registeredCount).toBe(LAST_YEAR.pledges);
    expect(ly.outstandingAmountFen).toBe(0);
    const lyMonths = Object.values(ly.byMonth);
    expect(lyMonths).toHaveLength(12);
    expect(lyMonths.filter((fen) => fen > 0).length).toBeGreaterThanOrEqual(10);
    expect(lyMonths.reduce((a, b) => a + b, 0)).toBe(LAST_YEAR.registeredAmountFen);
    expect(Object.values(ly.byMonthCount).reduce((a, b) => a + b, 0)).toBe(LAST_YEAR.pledges);
    const history = await portal.call('GET', '/stats/history?from=2025-01-01&to=2025-12-31', {
      as: { role: 'ipoffice' },
    });
    expect(history.body.items.map((i: { date: string }) => i.date)).toEqual(['2025-12-31']);
    // Last year's pledges are counted in last year's registrations only.
    expect(s.financing.registeredCount).toBe(result.plan.expected.registeredCount);

    const audit = await reconcileStats(portal.deps, clock);
    expect(audit.differences).toEqual([]);
    expect(audit.enterpriseDifferences).toEqual([]);
  }, 60_000);
});

describe('the records behind the figures', () => {
  beforeAll(async () => {
    const terms = await portal.call('PUT', '/programmes/interest-subsidy', {
      as: office,
      body: { year: YEAR, shareBps: 5000, capPerEnterpriseFen: 2_000_000 },
    });
    expect([200, 201]).toContain(terms.status);
    s = await computeStats(portal.deps, clock);
  }, 60_000);

  /** Every record of a figure, following `nextCursor` to the end. */
  async function records(query: string, limit = 100): Promise<Rec[]> {
    const all: Rec[] = [];
    let cursor: string | null = null;
    do {
      const url = `/stats/records?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await portal.call('GET', url, { as: office });
      expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return all;
  }

  const sum = (items: readonly Rec[], field: string): bigint =>
    items.reduce((total, r) => total + BigInt(r[field] as number), 0n);

  const divisionOf = (uscc: string) => {
    const code = uscc.slice(2, 8);
    return code === '330700' || /^3307(0[23]|2[367]|8[1-4])$/.test(code) ? code : 'other';
  };

  describe('the records behind the loan-book figures', () => {
    const figures = [
      ['financing.outstandingPrincipalFen', 'outstandingPrincipal', 'outstandingPrincipalFen'],
      ['financing.overdueAmountFen', 'overdue', 'overdueFen'],
      ['financing.nonPerformingAmountFen', 'nonPerforming', 'nonPerformingFen'],
    ] as const;

    it('add up to each total, and per lender and per division to each part', async () => {
      const f = s.financing as unknown as Record<string, number | Record<string, number>>;
      expect(f.overdueAmountFen).toBeGreaterThan(0);
      expect(f.nonPerformingAmountFen).toBeGreaterThan(0);
      for (const [total, prefix, field] of figures) {
        const all = await records(`figure=${total}`);
        expect(all.every((r) => r.kind === 'loan' && (r[field] as number) > 0)).toBe(true);
        expect(new Set(all.map((r) => r.pledgeId)).size, total).toBe(all.length);
        expect(sum(all, field), total).toBe(BigInt(f[total.slice('financing.'.length)] as number));
        for (const [lender, fen] of Object.entries(f[`${prefix}ByLender`] as Record<string, number>)) {
          const part = await records(`figure=financing.${prefix}ByLender&lender=${lender}`);
          expect(part.every((r) => r.lenderId === lender)).toBe(true);
          expect(sum(part, field), `${prefix} ${lender}`).toBe(BigInt(fen));
        }
        for (const [division, fen] of Object.entries(f[`${prefix}ByDivision`] as Record<string, number>)) {
          const part = await records(`figure=financing.${prefix}ByDivision&division=${division}`);
          expect(part.every((r) => divisionOf(`91${r.divisionCode}`) === division)).toBe(true);
          expect(sum(part, field), `${prefix} ${division}`).toBe(BigInt(fen));
        }
      }
    }, 120_000);

    it('list the active loans behind the outstanding amount, with their approved amounts', async () => {
      const all = await records('figure=financing.outstandingAmountFen');
      expect(all.length).toBeGreaterThan(0);
      expect(all.every((r) => r.status === 'active')).toBe(true);
      expect(sum(all, 'outstandingAmountFen')).toBe(BigInt(s.financing.outstandingAmountFen));
      // Each one is the pledge as the portal shows it: active, with that approved amount.
      const one = all[0]!;
      const pledge = await portal.call('GET', `/pledges/${one.pledgeId}`, { as: office });
      expect(pledge.body).toMatchObject({ status: 'active', approvedAmountFen: one.outstandingAmountFen });
    });
  });

  describe('the records behind the loss ratio', () => {
    const ratio = (paid: bigint, premium: bigint) => (premium > 0n ? (paid * 10_000n) / premium : 0n);

    it('are the year’s premiums and claim payments it divides, in all, per insurer and per line', async () => {
      const all = await records('figure=insurance.lossRatioBps');
      const policies = all.filter((r) => r.kind === 'policy');
      const claims = all.filter((r) => r.kind === 'claim');
      expect(policies.length + claims.length).toBe(all.length);
      expect(policies).toHaveLength(s.insurance.policiesIssued);
      expect(sum(policies, 'premiumFen')).toBe(BigInt(s.insurance.premiumFen));
      expect(sum(claims, 'paidFen')).toBe(BigInt(s.insurance.claimsPaidFen));
      expect(s.insurance.claimsPaidFen).toBeGreaterThan(0);
      expect(ratio(sum(claims, 'paidFen'), sum(policies, 'premiumFen'))).toBe(
        BigInt(s.insurance.lossRatioBps),
      );

      for (const [insurer, bps] of Object.entries(s.insurance.lossRatioBpsByInsurer)) {
        const part = await records(`figure=insurance.lossRatioBpsByInsurer&insurer=${insurer}`);
        expect(part.every((r) => r.insurerId === insurer)).toBe(true);
        const premium = sum(
          part.filter((r) => r.kind === 'policy'),
          'premiumFen',
        );
        const paid = sum(
          part.filter((r) => r.kind === 'claim'),
          'paidFen',
        );
        expect(premium, insurer).toBe(BigInt(s.insurance.premiumByInsurer[insurer] ?? 0));
        expect(ratio(paid, premium), insurer).toBe(BigInt(bps));
      }

      // A line bears floor(premium × its sum insured / the policy's), the floors' rest going to the first line.
      const lineShare = (p: Rec, line: string): bigint => {
        const coverages = p.coverages as { line: string; sumInsuredFen: number }[];
        const total = coverages.reduce((t, c) => t + BigInt(c.sumInsuredFen), 0n);
        const premium = BigInt(p.premiumFen as number);
        const shares = coverages.map((c) => (premium * BigInt(c.sumInsuredFen)) / total);
        const rest = premium - shares.reduce((a, b) => a + b, 0n);
        return coverages.reduce(
          (t, c, i) => (c.line === line ? t + shares[i]! + (i === 0 ? rest : 0n) : t),
          0n,
        );
      };
      for (const [line, bps] of Object.entries(s.insurance.lossRatioBpsByLine)) {
        const part = await records(`figure=insurance.lossRatioBpsByLine&line=${line}`);
        const premium = part.filter((r) => r.kind === 'policy').reduce((t, p) => t + lineShare(p, line), 0n);
        const paid = sum(
          part.filter((r) => r.kind === 'claim'),
          'paidFen',
        );
        expect(premium, line).toBe(BigInt(s.insurance.premiumByLine[line] ?? 0));
        expect(paid, line).toBe(BigInt(s.insurance.claimsPaidByLine[line] ?? 0));
        expect(ratio(paid, premium), line).toBe(BigInt(bps));
      }
    }, 60_000);

    it('count policies and claim payments in the month of their business date, not of the wall clock', async () => {
      // The seed issues the policies and pays the claims on the city's first business day, 1 January.
      const january = await records(`figure=insurance.lossRatioBps&month=${YEAR}-01`);
      expect(january.filter((r) => r.kind === 'policy')).toHaveLength(s.insurance.policiesIssued);
      expect(
        sum(
          january.filter((r) => r.kind === 'claim'),
          'paidFen',
        ),
      ).toBe(BigInt(s.insurance.claimsPaidFen));
      expect(january.every((r) => String(r.issuedOn ?? r.paidOn).startsWith(`${YEAR}-01-`))).toBe(true);
      const october = await records(`figure=insurance.policiesIssued&month=${YEAR}-10`);
      expect(october).toEqual([]);
    }, 60_000);
  });

  describe('the records behind the other figures', () => {
    it('the interest subsidy: one line per enterprise, adding up to what the year pays', async () => {
      const all = await records('figure=subsidies.interestSubsidyFen');
      expect(s.subsidies.interestSubsidyFen).toBeGreaterThan(0);
      expect(new Set(all.map((r) => r.uscc)).size).toBe(all.length);
      expect(sum(all, 'subsidyFen')).toBe(BigInt(s.subsidies.interestSubsidyFen));
      // Each line: floor(interest paid × 50 %), capped at 2万元.
      for (const r of all)
        expect(BigInt(r.subsidyFen as number)).toBe(
          [(BigInt(r.interestPaidFen as number) * 5000n) / 10_000n, 2_000_000n].reduce((a, b) =>
            a < b ? a : b,
          ),
        );
      const subsidies = await portal.call('GET', `/subsidies?year=${YEAR}`, { as: office });
      expect(BigInt(subsidies.body.totalFen)).toBe(sum(all, 'subsidyFen'));
    });

    it('patents and trademarks in force and granted this year: one record per asset counted', async () => {
      for (const type of ['invention', 'utility_model', 'design'] as const) {
        const all = await records(`figure=portfolio.patentsInForce&type=${type}`);
        expect(all.every((r) => r.kind === 'asset' && r.type === type && String(r.expiresOn) >= TODAY)).toBe(
          true,
        );
        expect(all, type).toHaveLength(s.portfolio.patentsInForce[type]);
      }
      const patents = await records('figure=portfolio.patentsInForce');
      const p = s.portfolio.patentsInForce;
      expect(patents).toHaveLength(p.invention + p.utility_model + p.design);
      expect(await records('figure=portfolio.trademarksInForce')).toHaveLength(s.portfolio.trademarksInForce);
      const granted = await records('figure=portfolio.patentsGrantedThisYear');
      expect(granted).toHaveLength(s.portfolio.patentsGrantedThisYear);
      expect(granted.every((r) => r.grantYear === YEAR)).toBe(true);
      expect(await records('figure=portfolio.trademarksRegisteredThisYear')).toHaveLength(
        s.portfolio.trademarksRegisteredThisYear,
      );
      // A record names the asset as the portal shows it.
      const one = patents[0]!;
      const asset = await portal.call('GET', `/assets/${one.assetId}`, { as: office });
      expect(asset.body).toMatchObject({ id: one.assetId, number: one.number, owner: one.owner });
    }, 60_000);

    it('designations: the active titles of each level', async () => {
      let total = 0;
      for (const [level, n] of Object.entries(s.designations)) {
        const all = await records(`figure=designations&level=${level}`);
        expect(all.every((r) => r.kind === 'designation' && r.level === level && r.status === 'active')).toBe(
          true,
        );
        expect(all, level).toHaveLength(n);
        total += n;
      }
      expect(s.designations.national_demonstration).toBe(9);
      expect(await records('figure=designations')).toHaveLength(total);
    });

    it('pages through figures whose records lie in several partitions with small pages, none lost or repeated', async () => {
      const key = (r: Rec) => JSON.stringify([r.kind, r.id, r.policyId, r.claimId, r.seq, r.assetId]);
      for (const [query, limit] of [
        ['figure=designations', 2],
        ['figure=insurance.lossRatioBpsByLine&line=infringement_loss', 7],
        ['figure=portfolio.patentsInForce', 33],
      ] as const) {
        const whole = (await records(query)).map(key);
        const paged = (await records(query, limit)).map(key);
        expect(paged, query).toEqual(whole);
        expect(new Set(paged).size, query).toBe(paged.length);
      }
    }, 60_000);

    it('refuses a cursor it did not issue', async () => {
      for (const cursor of ['x', Buffer.from('{"s":9}').toString('base64url'), '12'])
        expect(
          (
            await portal.call('GET', `/stats/records?figure=financing.overdueAmountFen&cursor=${cursor}`, {
              as: office,
            })
          ).status,
        ).toBe(400);
    });
  });
});

describe('loading the data set again', () => {
  it('is refused', async () => {
    await expect(seedCity(portal.call)).rejects.toBeInstanceOf(SeedRefused);
  });
});
