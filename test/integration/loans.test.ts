import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/domain/clock.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { serviceLoans } from '../../shared/usecases/loans.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2L00001');
const BANK = 'loan-bank';
const STRICT_BANK = 'strict-bank';
const bank = asLender(BANK);

/** Independent arithmetic: round half up of num / den in BigInt. */
const half = (num: bigint, den: bigint) => Number((2n * num + den) / (2n * den));

/** Business date the tests move; instants stay real. */
let today = '2026-11-27';
const clock: Clock = { now: () => new Date(), today: () => today };

describe('loan servicing', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;

  /** A pledge approved with `product` and registered, ready to disburse (business date `today`). */
  const registered = async (
    product: { repaymentType?: string; annualRateBps?: number; approvedAmountFen?: number },
    lender = BANK,
  ) => {
    const patent = await f.patent(A);
    const applied = await f.apply(A, { assetIds: [patent], lenderId: lender, termMonths: 12 });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    const as = asLender(lender);
    expect((await f.act(id, 'review', as)).status).toBe(200);
    const approved = await f.act(id, 'approve', as, {
      approvedAmountFen: product.approvedAmountFen ?? 200_000_00,
      annualRateBps: product.annualRateBps ?? 385,
      ...(product.repaymentType ? { repaymentType: product.repaymentType } : {}),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect((await f.act(id, 'register', office, { registrationNumber: `ZX${id.slice(0, 8)}` })).status).toBe(
      200,
    );
    return id;
  };
  const schedule = (id: string, as: { role: 'enterprise' | 'lender'; org: string } = bank) =>
    portal.call('GET', `/pledges/${id}/schedule`, { as });
  const repay = (id: string, body: unknown, as: { role: 'enterprise' | 'lender'; org: string } = bank) =>
    portal.call('POST', `/pledges/${id}/repayments`, { as, body });
  const pledge = async (id: string) => (await portal.call('GET', `/pledges/${id}`, { as: office })).body;

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await Promise.all([f.institution(BANK), f.institution(STRICT_BANK)]);
  });

  it('approves a product, disburses, and generates the contract schedule from the disbursement date', async () => {
    today = '2026-11-27';
    const id = await registered({ repaymentType: 'equal_principal' });
    const disbursed = await f.act(id, 'disburse', bank, { disbursedOn: '2026-11-27' });
    expect(disbursed.status, JSON.stringify(disbursed.body)).toBe(200);
    expect(disbursed.body).toMatchObject({
      status: 'active',
      repaymentType: 'equal_principal',
      disbursedOn: '2026-11-27',
      disbursedAmountFen: 200_000_00,
      maturesOn: '2027-11-27',
    });
    expect(disbursed.body.loan).toBeUndefined();

    const s = await schedule(id);
    expect(s.status).toBe(200);
    const P = 200_000_00;
    const each = Math.floor(P / 12);
    let outstanding = P;
    const expected = Array.from({ length: 12 }, (_, k) => {
      const principalFen = k === 11 ? P - each * 11 : each;
      const interestFen = half(BigInt(outstanding) * 385n, 120_000n);
      outstanding -= principalFen;
      const month = 11 + k + 1;
      const dueOn = `${2026 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-27`;
      return {
        n: k + 1,
        dueOn,
        principalFen,
        interestFen,
        paidPrincipalFen: 0,
        paidInterestFen: 0,
        status: 'due',
      };
    });
    expect(s.body.instalments).toEqual(expected);
    expect(s.body).toMatchObject({
      outstandingPrincipalFen: P,
      accruedInterestFen: 0,
      penaltyInterestFen: 0,
      overdueDays: 0,
      classification: 'normal',
    });
    expect((await schedule(id, asEnterprise(A))).status).toBe(200);
    expect((await schedule(id, asLender(STRICT_BANK))).status).toBe(404);
  });

  it('allocates repayments, refuses bad ones without writing, tracks arrears and pays off to repaid', async () => {
    today = '2026-11-27';
    const id = await registered({ repaymentType: 'equal_principal' });
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    const first = (await schedule(id)).body.instalments;

    today = '2026-12-27';
    const inst1 = first[0].principalFen + first[0].interestFen;
    const paid = await repay(id, { amountFen: inst1, paidOn: '2026-12-27' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body.allocation).toEqual({
      penaltyFen: 0,
      interestFen: first[0].interestFen,
      principalFen: first[0].principalFen,
      prepaidPrincipalFen: 0,
      instalments: [{ n: 1, interestFen: first[0].interestFen, principalFen: first[0].principalFen }],
    });
    const version = (await pledge(id)).version;

    const refusals = [
      [{ amountFen: 1, paidOn: '2026-12-28' }, 'paidOn', 'repayment_in_future'],
      [{ amountFen: 1, paidOn: '2026-11-26' }, 'paidOn', 'repayment_before_disbursement'],
      [{ amountFen: 1, paidOn: '2026-12-01' }, 'paidOn', 'repayment_out_of_order'],
      [{ amountFen: 999_999_999_99, paidOn: '2026-12-27' }, 'amountFen', 'overpayment'],
    ] as const;
    for (const [body, path, code] of refusals) {
      const res = await repay(id, body);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path, code })]);
    }
    for (const body of [
      { amountFen: 0 },
      { amountFen: 1.5 },
      { amountFen: '10' },
      { amountFen: 10, extra: 1 },
      {},
    ])
      expect((await repay(id, body)).status).toBe(400);
    expect((await repay(id, { amountFen: 10 }, asEnterprise(A))).status).toBe(403);
    expect((await pledge(id)).version).toBe(version);

    // Instalments 2 (due 2027-01-27) and 3 (2027-02-27) unpaid on 2027-03-01: 33 days past due.
    today = '2027-03-01';
    const arrears = (await schedule(id)).body;
    const p2 = first[1].principalFen;
    const p3 = first[2].principalFen;
    const penalty = half(
      BigInt(p2) * 385n * 15_000n * 33n + BigInt(p3) * 385n * 15_000n * 2n,
      36_000_000_000n,
    );
    expect(arrears).toMatchObject({
      overdueDays: 33,
      classification: 'special_mention',
      penaltyInterestFen: penalty,
    });
    expect(arrears.instalments.slice(0, 4).map((i: { status: string }) => i.status)).toEqual([
      'paid',
      'overdue',
      'overdue',
      'due',
    ]);

    // The servicing run stores what it found, and a second run the same business date changes nothing.
    const uc = useCaseContext(portal.deps);
    const run1 = await serviceLoans(uc);
    expect(run1.updated).toBeGreaterThanOrEqual(1);
    const serviced = await pledge(id);
    expect(serviced.servicing).toMatchObject({
      overdueDays: 33,
      classification: 'special_mention',
      penaltyInterestFen: penalty,
    });
    const run2 = await serviceLoans(uc);
    expect(run2).toEqual({ examined: run1.examined, updated: 0 });
    expect((await pledge(id)).version).toBe(serviced.version);

    // A partial payment goes to penalty first, then the oldest interest.
    const part = await repay(id, { amountFen: penalty + 10, paidOn: '2027-03-01' });
    expect(part.body.allocation).toMatchObject({ penaltyFen: penalty, interestFen: 10, principalFen: 0 });

    // Paying what is owed closes the loan; the schedule shows nothing outstanding.
    const owed = (await schedule(id)).body;
    const total = owed.outstandingPrincipalFen + owed.accruedInterestFen + owed.penaltyInterestFen;
    const payoff = await repay(id, { amountFen: total, paidOn: '2027-03-01' });
    expect(payoff.status, JSON.stringify(payoff.body)).toBe(201);
    expect(payoff.body).toMatchObject({ pledgeStatus: 'repaid', outstandingPrincipalFen: 0 });
    const closed = await pledge(id);
    expect(closed.status).toBe('repaid');
    expect(closed.history.at(-1)).toMatchObject({ action: 'repay', from: 'active', to: 'repaid' });
    const listed = await portal.call('GET', `/pledges/${id}/repayments`, { as: asEnterprise(A) });
    expect(listed.body.items.map((r: { amountFen: number }) => r.amountFen)).toEqual([
      inst1,
      penalty + 10,
      total,
    ]);
    const allocated = listed.body.items.reduce(
      (s: number, r: { allocation: { penaltyFen: number; interestFen: number; principalFen: number } }) =>
        s + r.allocation.penaltyFen + r.allocation.interestFen + r.allocation.principalFen,
      0,
    );
    expect(allocated).toBe(inst1 + penalty + 10 + total);
  });

  it('two repayments at once never over-allocate: the second is allocated on what is left or refused', async () => {
    today = '2026-11-27';
    const id = await registered({});
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    today = '2027-01-15';
    const s = (await schedule(id)).body;
    const total = s.outstandingPrincipalFen + s.accruedInterestFen;
    const share = Math.ceil(total * 0.6);
    const answers = await Promise.all([repay(id, { amountFen: share }), repay(id, { amountFen: share })]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    const refused = answers.find((a) => a.status === 422)!;
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ path: 'amountFen', code: 'overpayment' }),
    ]);
    const after = (await schedule(id)).body;
    // The interest the prepaid part earned up to today stays owed: exactly what is left.
    expect(after.outstandingPrincipalFen + after.accruedInterestFen).toBe(total - share);
    const listed = await portal.call('GET', `/pledges/${id}/repayments`, { as: bank });
    expect(listed.body.items).toHaveLength(1);
  });

  it('two payoffs at once: exactly one is allocated, the others find the loan closed', async () => {
    today = '2026-11-27';
    const id = await registered({});
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    today = '2027-01-15';
    const s = (await schedule(id)).body;
    const total = s.outstandingPrincipalFen + s.accruedInterestFen;
    // Bullet: interest accrued to 2027-01-15 = P × rate × 49 days / 360.
    expect(s.accruedInterestFen).toBe(half(200_000_00n * 385n * 49n, 3_600_000n));
    const answers = await Promise.all([1, 2, 3].map(() => repay(id, { amountFen: total, paidOn: today })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.currentState).toBe('repaid');
    const listed = await portal.call('GET', `/pledges/${id}/repayments`, { as: bank });
    expect(listed.body.items).toHaveLength(1);
    expect((await pledge(id)).status).toBe('repaid');
  });

  it('disburses in tranches up to the approved amount; v1 repay still pays everything owed', async () => {
    today = '2026-11-27';
    const id = await registered({ repaymentType: 'equal_instalment' });
    const t1 = await f.act(id, 'disburse', bank, { amountFen: 50_000_00 });
    expect(t1.status, JSON.stringify(t1.body)).toBe(200);
    today = '2027-01-10';
    const over = await f.act(id, 'disburse', bank, { amountFen: 150_000_01 });
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([
      expect.objectContaining({ path: 'amountFen', code: 'above_approved_amount' }),
    ]);
    const t2 = await f.act(id, 'disburse', bank, {});
    expect(t2.status, JSON.stringify(t2.body)).toBe(200);
    expect(t2.body).toMatchObject({
      status: 'active',
      disbursedAmountFen: 200_000_00,
      disbursedOn: '2026-11-27',
    });
    const s = (await schedule(id)).body;
    expect(s.instalments.reduce((sum: number, i: { principalFen: number }) => sum + i.principalFen, 0)).toBe(
      200_000_00,
    );
    expect((await f.act(id, 'disburse', bank, {})).status).toBe(409);

    const repaid = await f.act(id, 'repay', bank);
    expect(repaid.status, JSON.stringify(repaid.body)).toBe(200);
    expect(repaid.body.status).toBe('repaid');
    const listed = await portal.call('GET', `/pledges/${id}/repayments`, { as: bank });
    expect(listed.body.items[0].amountFen).toBe(
      s.outstandingPrincipalFen + s.accruedInterestFen + s.penaltyInterestFen,
    );
  });

  it("classifies by the lender's own thresholds", async () => {
    today = '2026-11-27';
    const policy = await portal.call('PUT', `/institutions/${STRICT_BANK}/lending-policy`, {
      as: office,
      body: {
        maxLtvBps: { invention: 2500, utility_model: 1500, design: 1500, trademark: 5000 },
        penaltyFactorBps: 14_000,
        classificationDays: { specialMention: 1, substandard: 30, doubtful: 60, loss: 90 },
      },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const id = await registered({ repaymentType: 'interest_only' }, STRICT_BANK);
    expect((await f.act(id, 'disburse', asLender(STRICT_BANK))).status).toBe(200);
    today = '2027-02-01'; // instalment 1 due 2026-12-27 unpaid: 36 days
    const s = (await schedule(id, asLender(STRICT_BANK))).body;
    expect(s).toMatchObject({ overdueDays: 36, classification: 'substandard', penaltyInterestFen: 0 });
    expect(s.instalments[0]).toMatchObject({ status: 'overdue', principalFen: 0 });
  });
});
