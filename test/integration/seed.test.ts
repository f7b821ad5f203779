import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_YEAR, PUBLISHED, planCity, SeedRefused, seedCity } from '../../scripts/seed-city.js';
import { movableClock } from '../../shared/domain/clock.js';
import { YI_YUAN_FEN } from '../../shared/domain/money.js';
import type { StatsSnapshot } from '../../shared/domain/statistics.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { reconcileStats } from '../../shared/jobs/reconcile-stats.js';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import { createTestPortal } from '../support/portal.js';

/**
 * `npm run seed`'s core, loaded through the real app (in-process `portal.call` instead of HTTP): the daily
 * statistics job must then show exactly the figures Jinhua published (DOMAIN.md), and the reconciliation must
 * agree with them item by item.
 */
describe('the demonstration data set', () => {
  it('is the same plan on every run (fixed seed)', () => {
    const now = new Date('2026-10-15T04:00:00Z');
    expect(JSON.stringify(planCity(now))).toBe(JSON.stringify(planCity(now)));
  });

  // Thousands of writes: a DynamoDB Local of its own keeps the other test files from queueing behind them.
  let dynamo: RunningDynamoDb;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
  });
  afterAll(() => dynamo?.stop());

  it('yields exactly the published figures and a loan book with arrears, and refuses to load twice', async () => {
    // The seed moves the business date: the city as of 2026-01-01, its pledges registered from then to 2026-10-15
    // and its loans serviced up to 2026-10-15.
    const clock = movableClock('2026-10-15');
    const portal = await createTestPortal({ clock }, dynamo.endpoint);
    let lastYear: StatsSnapshot | undefined;
    const result = await seedCity(portal.call, {
      today: '2026-10-15',
      setToday: clock.moveTo,
      atLastYearEnd: async () => {
        lastYear = await computeStats(portal.deps, clock);
      },
      concurrency: 12,
    });
    expect(result.retries).toBe(0);
    expect(clock.today()).toBe('2026-10-15');

    const s = await computeStats(portal.deps, clock);
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

    await expect(seedCity(portal.call)).rejects.toBeInstanceOf(SeedRefused);
  }, 300_000);
});
