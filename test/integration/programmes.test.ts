import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/domain/clock.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { loggingClient } from '../support/command-log.js';
import { asLender, office, pledgeFixtures } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const YIWU = withUsccCheck('91330782MA2T00001');
const MUNICIPAL = withUsccCheck('91330700MA2T00002');
const HANGZHOU = withUsccCheck('91330100MA2T00003');
const LANXI = withUsccCheck('91330781MA2T00004');
const DONGYANG = withUsccCheck('91330783MA2T00005');
const BANK = 'subsidy-bank';
const bank = asLender(BANK);
const RATE = 480n;

/** Independent arithmetic: a month's interest, outstanding × rate / 12, round half up (BigInt). */
const monthly = (fen: number) => Number((2n * BigInt(fen) * RATE + 120_000n) / 240_000n);

let today = '2026-09-15';
const clock: Clock = { now: () => new Date(), today: () => today };

describe('the city’s interest subsidy', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;
  /** The DynamoDB commands the portal sends, by name. */
  let log: ReturnType<typeof loggingClient>;

  /** An interest-only loan of `amountFen` to `uscc`, disbursed on `disbursedOn` (2026-09-15) for 12 months. */
  const loan = async (uscc: string, amountFen: number, disbursedOn = '2026-09-15') => {
    today = disbursedOn;
    const patent = await f.patent(uscc);
    const id = (
      await f.apply(uscc, {
        assetIds: [patent],
        lenderId: BANK,
        appraisedValueFen: 10 * amountFen,
        requestedAmountFen: amountFen,
        termMonths: 12,
      })
    ).body.id as string;
    await f.act(id, 'review', bank);
    const approved = await f.act(id, 'approve', bank, {
      approvedAmountFen: amountFen,
      annualRateBps: Number(RATE),
      repaymentType: 'interest_only',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await f.act(id, 'register', office, { registrationNumber: 'Y2026330000999' });
    expect((await f.act(id, 'disburse', bank)).body.status).toBe('active');
    return id;
  };
  /** Pays each month's interest on its due date. */
  const payInterest = async (id: string, amountFen: number, dates: string[]) => {
    for (const paidOn of dates) {
      today = paidOn;
      const res = await portal.call('POST', `/pledges/${id}/repayments`, {
        as: bank,
        body: { amountFen: monthly(amountFen), paidOn },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.allocation.interestFen).toBe(monthly(amountFen));
    }
  };
  const setTerms = (body: Record<string, unknown>) =>
    portal.call('PUT', '/programmes/interest-subsidy', { as: office, body });
  const subsidies = (year: number) => portal.call('GET', `/subsidies?year=${year}`, { as: office });

  beforeAll(async () => {
    log = loggingClient();
    portal = await createTestPortal({ clock, db: log.db });
    f = pledgeFixtures(portal);
    for (const uscc of [YIWU, MUNICIPAL, HANGZHOU, LANXI, DONGYANG]) await f.enterprise(uscc);
    await f.institution(BANK);
  });

  it('pays a share of the interest paid in the year, capped per enterprise, to the city’s enterprises only', async () => {
    const small = 1_000_000_00; // 100万
    const large = 20_000_000_00; // 2000万: above the programme's largest qualifying loan
    const municipal = 8_000_000_00;
    const in2026 = ['2026-10-15', '2026-11-15', '2026-12-15'];
    const yiwuSmall = await loan(YIWU, small);
    const yiwuLarge = await loan(YIWU, large);
    const municipalLoan = await loan(MUNICIPAL, municipal);
    const hangzhouLoan = await loan(HANGZHOU, small);
    await payInterest(yiwuSmall, small, [...in2026, '2027-01-15']);
    await payInterest(yiwuLarge, large, in2026);
    await payInterest(municipalLoan, municipal, in2026);
    await payInterest(hangzhouLoan, small, in2026);

    expect((await subsidies(2026)).status).toBe(404);
    const cap = 40_000_00;
    expect(
      (await setTerms({ year: 2026, shareBps: 5000, capPerEnterpriseFen: cap, maxLoanFen: 10_000_000_00 }))
        .status,
    ).toBe(201);
    const list = await subsidies(2026);
    expect(list.status).toBe(200);

    const yiwuPaid = 3 * monthly(small);
    const municipalPaid = 3 * monthly(municipal);
    const share = (fen: number) => Math.min(Number((BigInt(fen) * 5000n) / 10_000n), cap);
    const expected = [
      { uscc: MUNICIPAL, interestPaidFen: municipalPaid, subsidyFen: share(municipalPaid) },
      { uscc: YIWU, interestPaidFen: yiwuPaid, subsidyFen: share(yiwuPaid) },
    ].sort((a, b) => (a.uscc < b.uscc ? -1 : 1));
    expect(list.body).toEqual({
      year: 2026,
      items: expected,
      totalFen: expected.reduce((s, i) => s + i.subsidyFen, 0),
    });
    // The daily snapshot of a day in 2026 counts the same total, and the year's first-time borrowers: Yiwu (its
    // second loan is not a first), the municipal company and the one in Hangzhou — 330700 under its own key.
    today = '2026-12-20';
    const snapshot = await computeStats(portal.deps, clock);
    expect(snapshot.subsidies.interestSubsidyFen).toBe(expected.reduce((s, i) => s + i.subsidyFen, 0));
    expect(snapshot.financing.firstTimeBorrowers).toBe(3);
    expect(snapshot.financing.inclusiveCount).toBe(3); // 2000万 is above 1000万
    expect(snapshot.financing.inclusiveAmountFen).toBe(small + municipal + small);
    expect(snapshot.financing.byDivision['330700']).toBe(municipal);
    // The municipal enterprise hits the cap; Yiwu's small loan does not.
    expect(share(municipalPaid)).toBe(cap);
    expect(share(yiwuPaid)).toBeLessThan(cap);

    // The next year counts only what was paid in it (here one month of Yiwu's small loan), by its own terms.
    expect((await setTerms({ year: 2027, shareBps: 10_000, capPerEnterpriseFen: 1_000_000_00 })).status).toBe(
      201,
    );
    expect((await subsidies(2027)).body.items).toEqual([
      { uscc: YIWU, interestPaidFen: monthly(small), subsidyFen: monthly(small) },
    ]);
  });

  it('counts a v1 repay’s interest and a loan of exactly maxLoanFen, not one fen more; terms read back and honour If-Match', async () => {
    const atMax = 5_000_000_00;
    const lanxiLoan = await loan(LANXI, atMax, '2029-03-10');
    const dongyangLoan = await loan(DONGYANG, atMax + 1, '2029-03-10');
    log.take();
    await payInterest(lanxiLoan, atMax, ['2029-04-10']);
    // The repayment files its interest fact in its own transaction: no write of its own.
    expect(log.take().filter((c) => c !== 'GetItemCommand' && c !== 'BatchGetItemCommand')).toEqual([
      'TransactWriteItemsCommand',
    ]);
    await payInterest(dongyangLoan, atMax + 1, ['2029-04-10']);
    // v1 `repay` on the next due date: that month's interest and the whole principal, recorded as a repayment.
    today = '2029-05-10';
    const repaid = await f.act(lanxiLoan, 'repay', bank);
    expect(repaid.status, JSON.stringify(repaid.body)).toBe(200);
    expect(repaid.body.status).toBe('repaid');
    const repayments = (await portal.call('GET', `/pledges/${lanxiLoan}/repayments`, { as: bank })).body
      .items;
    expect(repayments.at(-1)).toMatchObject({
      paidOn: '2029-05-10',
      amountFen: atMax + monthly(atMax),
      allocation: { interestFen: monthly(atMax), principalFen: atMax },
    });

    const terms = { year: 2029, shareBps: 3333, capPerEnterpriseFen: 900_000_00, maxLoanFen: atMax };
    const set = await setTerms(terms);
    expect(set.status).toBe(201);
    const read = await portal.call('GET', '/programmes/interest-subsidy?year=2029', { as: office });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ ...terms, id: 'interest-subsidy#2029', version: 1 });
    expect(read.headers.get('etag')).toBe('"1"');

    const lanxiPaid = 2n * BigInt(monthly(atMax));
    const expectedAt = (shareBps: bigint) => {
      const subsidy = (lanxiPaid * shareBps) / 10_000n;
      return {
        year: 2029,
        items: [{ uscc: LANXI, interestPaidFen: Number(lanxiPaid), subsidyFen: Number(subsidy) }],
        totalFen: Number(subsidy),
      };
    };
    log.take();
    expect((await subsidies(2029)).body).toEqual(expectedAt(3333n));
    // The list reads the year's terms and queries the year's interest facts: never a Scan.
    expect(log.take()).toEqual(['GetItemCommand', 'QueryCommand']);

    // A stale If-Match is refused and changes nothing; the current one replaces the terms.
    const stale = await portal.call('PUT', '/programmes/interest-subsidy', {
      as: office,
      headers: { 'If-Match': '"7"' },
      body: { ...terms, shareBps: 9999 },
    });
    expect(stale.status).toBe(412);
    expect((await subsidies(2029)).body).toEqual(expectedAt(3333n));
    const replaced = await portal.call('PUT', '/programmes/interest-subsidy', {
      as: office,
      headers: { 'If-Match': '"1"' },
      body: { ...terms, shareBps: 9999 },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.version).toBe(2);
    expect((await subsidies(2029)).body).toEqual(expectedAt(9999n));

    // Without a largest qualifying loan, Dongyang's loan one fen above it counts too.
    const { maxLoanFen: _, ...unbounded } = terms;
    expect(
      (await portal.call('PUT', '/programmes/interest-subsidy', { as: office, body: unbounded })).status,
    ).toBe(200);
    const dongyangPaid = BigInt(monthly(atMax + 1));
    const all = (await subsidies(2029)).body;
    const shareOf = (paid: bigint) => Number((paid * 3333n) / 10_000n);
    expect(all.items).toEqual(
      [
        { uscc: LANXI, interestPaidFen: Number(lanxiPaid), subsidyFen: shareOf(lanxiPaid) },
        { uscc: DONGYANG, interestPaidFen: Number(dongyangPaid), subsidyFen: shareOf(dongyangPaid) },
      ].sort((a, b) => (a.uscc < b.uscc ? -1 : 1)),
    );
    expect(all.totalFen).toBe(shareOf(lanxiPaid) + shareOf(dongyangPaid));
  });

  it('refuses a share above 100 % and bad terms; only the office runs the programme', async () => {
    const above = await setTerms({ year: 2028, shareBps: 10_001, capPerEnterpriseFen: 1 });
    expect(above.status).toBe(422);
    expect(above.body.errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`)).toEqual([
      'shareBps:share_above_100_percent',
    ]);
    expect((await portal.call('GET', '/programmes/interest-subsidy?year=2028', { as: office })).status).toBe(
      404,
    );
    expect((await setTerms({ year: 2028, shareBps: -1, capPerEnterpriseFen: 1 })).status).toBe(400);
    expect((await portal.call('GET', '/subsidies?year=twenty', { as: office })).status).toBe(400);
    expect((await portal.call('GET', '/subsidies?year=2026', { as: bank })).status).toBe(403);
    expect(
      (
        await portal.call('PUT', '/programmes/interest-subsidy', {
          as: bank,
          body: { year: 2028, shareBps: 1, capPerEnterpriseFen: 1 },
        })
      ).status,
    ).toBe(403);
  });
});
