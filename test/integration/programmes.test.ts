import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/domain/clock.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { asLender, office, pledgeFixtures } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const YIWU = withUsccCheck('91330782MA2T00001');
const MUNICIPAL = withUsccCheck('91330700MA2T00002');
const HANGZHOU = withUsccCheck('91330100MA2T00003');
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

  /** An interest-only loan of `amountFen` to `uscc`, disbursed 2026-09-15 for 12 months. */
  const loan = async (uscc: string, amountFen: number) => {
    today = '2026-09-15';
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
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    for (const uscc of [YIWU, MUNICIPAL, HANGZHOU]) await f.enterprise(uscc);
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
