/**
 * Worked examples of the loan book (loan.ts) after disbursement: what is owed on a day, the allocation of a
 * repayment and of a prepayment inside a period, penalty interest on overdue principal, tranches, extensions and
 * the five-tier classification. Every expected amount is computed here from the contract's rule (API.md "Loan
 * servicing") with BigInt and calendar days from `Date.UTC`, not by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import {
  accruePenalty,
  addTranche,
  applyRepayment,
  CLASSIFICATIONS,
  classify,
  disbursedFen,
  extendLoan,
  firstDisbursedOn,
  isSettled,
  maturityFrom,
  maturityOf,
  monthsAfterMaturity,
  NON_PERFORMING,
  owedOn,
  positionOn,
  REGULATOR_CLASSIFICATION_DAYS,
  startLoan,
} from '../../shared/domain/loan.js';
import type { RepaymentType } from '../../shared/domain/loan-schedule.js';

// ---- the independent arithmetic ------------------------------------------------------------------------------
const days = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
/** num / den rounded half up. */
const halfUp = (num: bigint, den: bigint): number => {
  const q = num / den;
  return Number(2n * (num - q * den) >= den ? q + 1n : q);
};
/** Interest on `fen` for `d` days at `bps`, actual/360. */
const interest360 = (fen: number, bps: number, d: number) =>
  halfUp(BigInt(fen) * BigInt(bps) * BigInt(d), 360n * 10_000n);
/** One month's interest, rate / 12. */
const monthly = (fen: number, bps: number) => halfUp(BigInt(fen) * BigInt(bps), 12n * 10_000n);
/** Penalty: Σ principal × rate × factor × days / (360 × 10^8), rounded once. */
const penalty = (bps: number, factorBps: number, parts: [fen: number, d: number][]) =>
  halfUp(
    parts.reduce((s, [fen, d]) => s + BigInt(fen) * BigInt(bps) * BigInt(factorBps) * BigInt(d), 0n),
    360n * 10_000n * 10_000n,
  );

const loanOf = (
  repaymentType: RepaymentType,
  amountFen: number,
  annualRateBps: number,
  disbursedOn: string,
  termMonths: number,
) =>
  startLoan({ repaymentType, annualRateBps, penaltyFactorBps: 15_000, termMonths, amountFen, disbursedOn });

const DAYS = REGULATOR_CLASSIFICATION_DAYS;

/** The thrown DomainError (fails when nothing is thrown). */
const thrown = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, nothing was thrown');
};

describe('a bullet loan', () => {
  // 1 000 000 fen at 36 %: 1 000 fen a day, actual/360. 2026-01-01 + 12 months = 2027-01-01, 365 days.
  const P = 1_000_000;
  const RATE = 3600;
  // Built inside each test, so that a mutation testing run sees the mutated code build it.
  const fresh = () => loanOf('bullet', P, RATE, '2026-01-01', 12);

  it('starts with one instalment, nothing paid, no penalty', () => {
    const loan = fresh();
    expect(loan.instalments).toEqual([
      {
        n: 1,
        startOn: '2026-01-01',
        dueOn: '2027-01-01',
        principalFen: P,
        interestFen: interest360(P, RATE, days('2026-01-01', '2027-01-01')),
        paidPrincipalFen: 0,
        paidInterestFen: 0,
      },
    ]);
    expect(loan.instalments[0]!.interestFen).toBe(365_000);
    expect(loan).toMatchObject({ penaltyAccrual: '0', penaltyThrough: '2026-01-01', penaltyPaidFen: 0 });
    expect(disbursedFen(loan)).toBe(P);
    expect(maturityOf(loan)).toBe('2027-01-01');
    expect(firstDisbursedOn(loan)).toBe('2026-01-01');
    expect(maturityFrom('bullet', '2026-01-31', 1)).toBe('2026-02-28');
    expect(maturityFrom('equal_principal', '2026-01-31', 3)).toBe('2026-04-30');
    expect(isSettled(loan)).toBe(false);
  });

  it('owes principal and the interest accrued to the day, none of the future interest', () => {
    const loan = fresh();
    expect(owedOn(loan, '2026-01-01')).toEqual({
      penaltyFen: 0,
      dueInterestFen: 0,
      duePrincipalFen: 0,
      accruedInterestFen: 0,
      unduePrincipalFen: P,
      totalFen: P,
    });
    const accrued = interest360(P, RATE, 10);
    expect(owedOn(loan, '2026-01-11')).toEqual({
      penaltyFen: 0,
      dueInterestFen: 0,
      duePrincipalFen: 0,
      accruedInterestFen: accrued,
      unduePrincipalFen: P,
      totalFen: P + accrued,
    });
    // On the due date itself the instalment is due, not yet overdue.
    expect(owedOn(loan, '2027-01-01')).toMatchObject({
      dueInterestFen: 365_000,
      duePrincipalFen: P,
      accruedInterestFen: 0,
      unduePrincipalFen: 0,
      penaltyFen: 0,
      totalFen: P + 365_000,
    });
  });

  it('refuses more than everything owed with a 422 naming the amount', () => {
    const loan = fresh();
    const owed = P + interest360(P, RATE, 10);
    const error = thrown(() => applyRepayment(loan, owed + 1, '2026-01-11'));
    expect(error.kind).toBe('unprocessable');
    expect(error.message).toBe(`${owed + 1} fen is more than the ${owed} fen owed on 2026-01-11.`);
    expect(error.extra).toEqual({
      errors: [
        { path: 'amountFen', code: 'overpayment', message: `exceeds the ${owed} fen owed on 2026-01-11` },
      ],
      owedFen: owed,
    });
  });

  it('a prepayment inside the period keeps what accrued and stops the prepaid part earning', () => {
    const loan = fresh();
    // Day 10: 510 000 prepaid. Interest = 1 000 000 for 10 days + 490 000 for the remaining 355 days.
    const { loan: after, allocation } = applyRepayment(loan, 510_000, '2026-01-11');
    expect(allocation).toEqual({
      penaltyFen: 0,
      interestFen: 0,
      principalFen: 510_000,
      prepaidPrincipalFen: 510_000,
      instalments: [{ n: 1, interestFen: 0, principalFen: 510_000 }],
    });
    const expectedInterest =
      interest360(P, RATE, 10) + interest360(490_000, RATE, days('2026-01-11', '2027-01-01'));
    expect(after.instalments[0]).toMatchObject({ paidPrincipalFen: 510_000, interestFen: expectedInterest });
    expect(after.lastRepaidOn).toBe('2026-01-11');
    // The original is untouched.
    expect(loan.instalments[0]!.paidPrincipalFen).toBe(0);
    expect(loan.lastRepaidOn).toBeUndefined();
    // Ten days later: 10 days on 1 000 000 and 20 on 490 000 have accrued.
    const accrued = interest360(P, RATE, 10) + interest360(490_000, RATE, 10 + 10);
    expect(owedOn(after, '2026-01-31')).toMatchObject({
      accruedInterestFen: accrued,
      unduePrincipalFen: 490_000,
      totalFen: 490_000 + accrued,
    });
    // Paying that off stops the interest there: the loan is settled, later interest is not owed.
    const { loan: done, allocation: last } = applyRepayment(after, 490_000 + accrued, '2026-01-31');
    expect(last).toEqual({
      penaltyFen: 0,
      interestFen: accrued,
      principalFen: 490_000,
      prepaidPrincipalFen: 490_000,
      instalments: [{ n: 1, interestFen: accrued, principalFen: 490_000 }],
    });
    expect(done.instalments[0]).toMatchObject({
      interestFen: accrued,
      paidInterestFen: accrued,
      paidPrincipalFen: P,
    });
    expect(isSettled(done)).toBe(true);
    expect(owedOn(done, '2026-03-01').totalFen).toBe(0);
    expect(positionOn(done, '2026-03-01', DAYS)).toMatchObject({
      outstandingPrincipalFen: 0,
      accruedInterestFen: 0,
      penaltyInterestFen: 0,
      overdueDays: 0,
      classification: 'normal',
      instalments: [{ n: 1, status: 'paid' }],
    });
  });

  it('a prepayment on the disbursement day reprices the whole period', () => {
    const loan = fresh();
    const { loan: after } = applyRepayment(loan, 400_000, '2026-01-01');
    expect(after.instalments[0]!.interestFen).toBe(interest360(600_000, RATE, 365));
    expect(after.instalments[0]!.accrualAdjustmentFen).toBeUndefined();
  });

  it('after maturity owes penalty on the overdue principal, day by day', () => {
    const loan = fresh();
    // 2027-01-01 due; 2027-03-02 is 60 days later: penalty 1 000 000 × 36 % × 1.5 × 60 / 360 = 90 000.
    const on = '2027-03-02';
    const expected = penalty(RATE, 15_000, [[P, days('2027-01-01', on)]]);
    expect(expected).toBe(90_000);
    expect(owedOn(loan, on)).toEqual({
      penaltyFen: expected,
      dueInterestFen: 365_000,
      duePrincipalFen: P,
      accruedInterestFen: 0,
      unduePrincipalFen: 0,
      totalFen: expected + 365_000 + P,
    });
    expect(positionOn(loan, on, DAYS)).toEqual({
      instalments: [
        {
          n: 1,
          dueOn: '2027-01-01',
          principalFen: P,
          interestFen: 365_000,
          paidPrincipalFen: 0,
          paidInterestFen: 0,
          status: 'overdue',
        },
      ],
      outstandingPrincipalFen: P,
      accruedInterestFen: 365_000,
      penaltyInterestFen: expected,
      overdueDays: 60,
      classification: 'special_mention',
    });
    // Paying penalty, interest and part of the principal: what the remaining principal earns from then on only.
    const { loan: after, allocation } = applyRepayment(loan, expected + 365_000 + 600_000, on);
    expect(allocation).toEqual({
      penaltyFen: expected,
      interestFen: 365_000,
      principalFen: 600_000,
      prepaidPrincipalFen: 0,
      instalments: [{ n: 1, interestFen: 365_000, principalFen: 600_000 }],
    });
    const later = '2027-03-12';
    expect(owedOn(after, later).penaltyFen).toBe(penalty(RATE, 15_000, [[400_000, 10]]));
    expect(positionOn(after, later, DAYS)).toMatchObject({
      overdueDays: 70,
      instalments: [{ status: 'overdue' }],
    });
  });

  it('accrues penalty only forward, never twice for the same days', () => {
    const loan = fresh();
    const through = accruePenalty(loan, '2027-01-11');
    expect(through.penaltyThrough).toBe('2027-01-11');
    expect(BigInt(through.penaltyAccrual)).toBe(BigInt(P) * BigInt(RATE) * 15_000n * 10n);
    // Asking for an earlier or the same day changes nothing.
    expect(accruePenalty(through, '2027-01-05')).toBe(through);
    expect(accruePenalty(through, '2027-01-11')).toBe(through);
    const again = accruePenalty(through, '2027-01-21');
    expect(BigInt(again.penaltyAccrual)).toBe(BigInt(P) * BigInt(RATE) * 15_000n * 20n);
    // Before maturity there is nothing overdue.
    expect(accruePenalty(loan, '2026-12-31').penaltyAccrual).toBe('0');
  });

  it('a later tranche earns from its own date; what accrued before it stays', () => {
    const loan = fresh();
    const more = addTranche(loan, 500_000, '2026-01-11');
    expect(more.tranches).toEqual([
      { disbursedOn: '2026-01-01', amountFen: P },
      { disbursedOn: '2026-01-11', amountFen: 500_000 },
    ]);
    expect(disbursedFen(more)).toBe(1_500_000);
    expect(loan.tranches).toHaveLength(1);
    expect(more.instalments[0]).toMatchObject({
      principalFen: 1_500_000,
      interestFen: 365_000 + interest360(500_000, RATE, days('2026-01-11', '2027-01-01')),
    });
    // Day 20: 20 days on the first tranche, 10 on the second.
    expect(owedOn(more, '2026-01-21').accruedInterestFen).toBe(
      interest360(P, RATE, 20) + interest360(500_000, RATE, 10),
    );
    expect(() => addTranche(loan, 1, '2027-01-01')).toThrow(new RangeError('a tranche after maturity'));
  });

  it('an extension moves the one due date and adds the extra days’ interest on the principal', () => {
    const loan = fresh();
    const longer = extendLoan(loan, '2027-01-31');
    expect(longer.instalments).toHaveLength(1);
    expect(longer.instalments[0]).toMatchObject({
      dueOn: '2027-01-31',
      principalFen: P,
      interestFen: 365_000 + interest360(P, RATE, 30),
    });
    expect(loan.instalments[0]!.dueOn).toBe('2027-01-01');
    // After a partial prepayment only what is outstanding earns the extra days.
    const { loan: prepaid } = applyRepayment(loan, 400_000, '2026-01-01');
    expect(extendLoan(prepaid, '2027-01-31').instalments[0]!.interestFen).toBe(
      interest360(600_000, RATE, 365) + interest360(600_000, RATE, 30),
    );
  });
});

describe('a monthly loan (equal principal)', () => {
  // 1 200 000 fen at 12 % over 3 months from 2026-01-31: 400 000 principal a month, interest 1 % a month on the
  // outstanding; due 2026-02-28, 2026-03-31, 2026-04-30 (clamped to the month's end, never drifting).
  const P = 1_200_000;
  const RATE = 1200;
  const fresh = () => loanOf('equal_principal', P, RATE, '2026-01-31', 3);

  it('has the schedule of the contract', () => {
    const loan = fresh();
    expect(
      loan.instalments.map(({ n, startOn, dueOn, principalFen, interestFen }) => [
        n,
        startOn,
        dueOn,
        principalFen,
        interestFen,
      ]),
    ).toEqual([
      [1, '2026-01-31', '2026-02-28', 400_000, monthly(1_200_000, RATE)],
      [2, '2026-02-28', '2026-03-31', 400_000, monthly(800_000, RATE)],
      [3, '2026-03-31', '2026-04-30', 400_000, monthly(400_000, RATE)],
    ]);
  });

  it('ten days after the first due date: the first instalment is overdue, with penalty on its principal', () => {
    const loan = fresh();
    const on = '2026-03-10';
    const pen = penalty(RATE, 15_000, [[400_000, days('2026-02-28', on)]]);
    const accrued = interest360(800_000, RATE, days('2026-02-28', on));
    expect(owedOn(loan, on)).toEqual({
      penaltyFen: pen,
      dueInterestFen: 12_000,
      duePrincipalFen: 400_000,
      accruedInterestFen: accrued,
      unduePrincipalFen: 800_000,
      totalFen: pen + 12_000 + 400_000 + accrued + 800_000,
    });
    const position = positionOn(loan, on, DAYS);
    expect(position.instalments.map((i) => i.status)).toEqual(['overdue', 'due', 'due']);
    expect(position).toMatchObject({
      outstandingPrincipalFen: P,
      accruedInterestFen: 12_000 + accrued,
      penaltyInterestFen: pen,
      overdueDays: 10,
      classification: 'special_mention',
    });
    // A lender's stricter tiers classify the same arrears otherwise.
    expect(
      positionOn(loan, on, { specialMention: 1, substandard: 5, doubtful: 30, loss: 60 }).classification,
    ).toBe('substandard');
  });

  it('allocates penalty, then interest, then principal; penalty already earned is not rewritten', () => {
    const loan = fresh();
    const on = '2026-03-10';
    const pen = penalty(RATE, 15_000, [[400_000, 10]]);
    const { loan: after, allocation } = applyRepayment(loan, pen + 12_000 + 100_000, on);
    expect(allocation).toEqual({
      penaltyFen: pen,
      interestFen: 12_000,
      principalFen: 100_000,
      prepaidPrincipalFen: 0,
      instalments: [{ n: 1, interestFen: 12_000, principalFen: 100_000 }],
    });
    expect(after.penaltyPaidFen).toBe(pen);
    // Ten days on: only the 300 000 still overdue earned penalty since.
    expect(owedOn(after, '2026-03-20').penaltyFen).toBe(penalty(RATE, 15_000, [[300_000, 10]]));
    expect(positionOn(after, '2026-03-20', DAYS)).toMatchObject({ overdueDays: 20 });
    // A payment smaller than the penalty pays only penalty.
    const small = applyRepayment(loan, 1, on).allocation;
    expect(small).toMatchObject({ penaltyFen: 1, interestFen: 0, principalFen: 0, instalments: [] });
  });

  it('a prepayment fills the last instalment first; the current period loses the prepaid part’s remaining days', () => {
    const loan = fresh();
    // 15 days into the second period (whole-fen figures: 800 000 × 12 % × 15 / 360 = 4 000).
    const on = '2026-03-15';
    const pen = penalty(RATE, 15_000, [[400_000, days('2026-02-28', on)]]);
    const { loan: after, allocation } = applyRepayment(loan, pen + 12_000 + 400_000 + 100_000, on);
    expect(allocation).toEqual({
      penaltyFen: pen,
      interestFen: 12_000,
      principalFen: 500_000,
      prepaidPrincipalFen: 100_000,
      instalments: [
        { n: 1, interestFen: 12_000, principalFen: 400_000 },
        { n: 3, interestFen: 0, principalFen: 100_000 },
      ],
    });
    expect(after.instalments.map((i) => [i.paidPrincipalFen, i.interestFen])).toEqual([
      [400_000, 12_000],
      // the scheduled month less the prepaid 100 000's interest for the 16 days left of it
      [0, monthly(800_000, RATE) - interest360(100_000, RATE, days(on, '2026-03-31'))],
      // repriced on what is outstanding at its start: 300 000
      [100_000, monthly(300_000, RATE)],
    ]);
    // What had accrued by the prepayment stays owed; from then on 700 000 earns.
    expect(owedOn(after, '2026-03-18').accruedInterestFen).toBe(
      interest360(800_000, RATE, 15) + interest360(700_000, RATE, 3),
    );
    expect(positionOn(after, on, DAYS).instalments.map((i) => i.status)).toEqual([
      'paid',
      'due',
      'partially_paid',
    ]);
    expect(positionOn(after, '2026-04-05', DAYS)).toMatchObject({
      overdueDays: 5,
      classification: 'special_mention',
    });
  });

  it('a prepayment over two instalments lists the instalments it paid in order', () => {
    const loan = fresh();
    const on = '2026-03-10';
    const pen = penalty(RATE, 15_000, [[400_000, 10]]);
    const { allocation } = applyRepayment(loan, pen + 12_000 + 400_000 + 500_000, on);
    expect(allocation.instalments).toEqual([
      { n: 1, interestFen: 12_000, principalFen: 400_000 },
      { n: 2, interestFen: 0, principalFen: 100_000 },
      { n: 3, interestFen: 0, principalFen: 400_000 },
    ]);
  });

  it('a repayment of only what is due leaves the current period as scheduled', () => {
    const loan = fresh();
    const pen = penalty(RATE, 15_000, [[400_000, 10]]);
    const { loan: after } = applyRepayment(loan, pen + 12_000 + 400_000, '2026-03-10');
    expect(after.instalments.slice(1)).toStrictEqual(loan.instalments.slice(1));
  });

  it('a prepayment of nearly everything late in a period still owes the interest accrued to it', () => {
    const loan = fresh();
    // One day into the second period (2026-02-28 … 2026-03-31): 800 000 earned a day's interest; 799 999 is
    // prepaid, which would save the whole month's scheduled 8 000. What accrued stays owed.
    const on = '2026-03-01';
    const pen = penalty(RATE, 15_000, [[400_000, 1]]);
    const { loan: after } = applyRepayment(loan, pen + 12_000 + 400_000 + 799_999, on);
    const accrued = interest360(800_000, RATE, 1);
    const saved = interest360(799_999, RATE, days(on, '2026-03-31'));
    expect(monthly(800_000, RATE) - saved).toBeLessThan(accrued);
    expect(after.instalments[1]!.interestFen).toBe(accrued);
  });

  it('paying off the principal with part of the accrued interest leaves the rest of that interest owed', () => {
    const loan = fresh();
    const on = '2026-03-10';
    const owed = owedOn(loan, on);
    const short = 1_000;
    const { loan: after, allocation } = applyRepayment(loan, owed.totalFen - short, on);
    expect(allocation.prepaidPrincipalFen).toBe(800_000);
    expect(allocation.interestFen).toBe(12_000 + owed.accruedInterestFen - short);
    expect(owedOn(after, '2026-03-11')).toEqual({
      penaltyFen: 0,
      dueInterestFen: 0,
      duePrincipalFen: 0,
      accruedInterestFen: short,
      unduePrincipalFen: 0,
      totalFen: short,
    });
    expect(isSettled(after)).toBe(false);
  });

  it('on its due date an instalment is due, not overdue; paid interest alone makes it partially paid', () => {
    const loan = fresh();
    expect(positionOn(loan, '2026-02-28', DAYS)).toMatchObject({ overdueDays: 0, classification: 'normal' });
    expect(positionOn(loan, '2026-02-28', DAYS).instalments.map((i) => i.status)).toEqual([
      'due',
      'due',
      'due',
    ]);
    const { loan: after } = applyRepayment(loan, 12_000, '2026-02-28');
    expect(after.instalments[0]).toMatchObject({ paidInterestFen: 12_000, paidPrincipalFen: 0 });
    expect(positionOn(after, '2026-02-28', DAYS).instalments.map((i) => i.status)).toEqual([
      'partially_paid',
      'due',
      'due',
    ]);
    expect(positionOn(after, '2026-03-01', DAYS).instalments[0]!.status).toBe('overdue');
  });

  it('a prepayment on a due date reprices every later period from the current one', () => {
    const loan = fresh();
    // On 2026-02-28 the first instalment is due (paid here) and the second period starts.
    const { loan: after } = applyRepayment(loan, 12_000 + 400_000 + 400_000, '2026-02-28');
    expect(after.instalments.map((i) => [i.paidPrincipalFen, i.interestFen])).toEqual([
      [400_000, 12_000],
      [0, monthly(400_000, RATE)],
      [400_000, 0],
    ]);
  });

  it('paying off the remaining principal mid-period ends every later period’s interest', () => {
    const loan = fresh();
    const on = '2026-03-10';
    const owed = owedOn(loan, on);
    const { loan: done, allocation } = applyRepayment(loan, owed.totalFen, on);
    expect(allocation.prepaidPrincipalFen).toBe(800_000);
    expect(allocation.interestFen).toBe(12_000 + interest360(800_000, RATE, 10));
    expect(done.instalments.map((i) => i.interestFen)).toEqual([12_000, interest360(800_000, RATE, 10), 0]);
    expect(isSettled(done)).toBe(true);
    // Penalty earned but unpaid keeps a loan open, every instalment paid or not.
    expect(owed.penaltyFen).toBeGreaterThan(0);
    expect(isSettled({ ...done, penaltyPaidFen: done.penaltyPaidFen - 1 })).toBe(false);
  });

  it('a tranche on a due date is spread over the periods still to come, repriced from the current one', () => {
    const loan = fresh();
    const more = addTranche(loan, 300_000, '2026-02-28');
    expect(more.instalments.map((i) => [i.principalFen, i.interestFen])).toEqual([
      [400_000, 12_000],
      [550_000, monthly(1_100_000, RATE)],
      [550_000, monthly(550_000, RATE)],
    ]);
    expect(more.instalments[1]!.accrualAdjustmentFen).toBeUndefined();
  });

  it('an extension defers the last principal by whole months, each paying its interest', () => {
    const loan = fresh();
    expect(monthsAfterMaturity(loan, '2026-05-31')).toBe(1);
    expect(monthsAfterMaturity(loan, '2026-06-30')).toBe(2);
    expect(monthsAfterMaturity(loan, '2026-06-15')).toBeUndefined();
    expect(monthsAfterMaturity(loan, '2026-04-30')).toBeUndefined();
    expect(monthsAfterMaturity(loan, '2036-04-30')).toBe(120);
    expect(monthsAfterMaturity(loan, '2036-05-31')).toBeUndefined();
    const longer = extendLoan(loan, '2026-06-30');
    expect(
      longer.instalments.map(({ n, startOn, dueOn, principalFen, interestFen }) => [
        n,
        startOn,
        dueOn,
        principalFen,
        interestFen,
      ]),
    ).toEqual([
      [1, '2026-01-31', '2026-02-28', 400_000, 12_000],
      [2, '2026-02-28', '2026-03-31', 400_000, 8_000],
      [3, '2026-03-31', '2026-04-30', 0, 4_000],
      [4, '2026-04-30', '2026-05-31', 0, monthly(400_000, RATE)],
      [5, '2026-05-31', '2026-06-30', 400_000, monthly(400_000, RATE)],
    ]);
    expect(longer.instalments.every((i) => i.paidPrincipalFen === 0 && i.paidInterestFen === 0)).toBe(true);
    expect(longer.instalments.reduce((s, i) => s + i.principalFen, 0)).toBe(P);
    expect(loan.instalments).toHaveLength(3);
  });

  it('shows a term shortened by prepayment without the empty months an extension left', () => {
    const loan = fresh();
    // The last 400 000 prepaid on 2026-02-28; then extended two months: nothing is left to defer.
    const { loan: prepaid } = applyRepayment(loan, 12_000 + 400_000 + 400_000, '2026-02-28');
    const longer = extendLoan(prepaid, '2026-06-30');
    expect(longer.instalments).toHaveLength(5);
    expect(longer.instalments.slice(3).map((i) => [i.principalFen, i.interestFen])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const shown = positionOn(longer, '2026-03-01', DAYS).instalments;
    expect(shown.map((i) => i.n)).toEqual([1, 2, 3]);
    expect(shown.map((i) => i.status)).toEqual(['paid', 'due', 'paid']);
    expect(shown[0]).not.toHaveProperty('startOn');
    expect(shown[0]).not.toHaveProperty('accrualAdjustmentFen');
  });
});

describe('a loan with nothing scheduled still shows its one instalment', () => {
  it('keeps the first instalment of an interest-free bullet loan fully prepaid and extended', () => {
    const loan = loanOf('bullet', 1_000, 0, '2026-01-01', 1);
    const { loan: paid } = applyRepayment(loan, 1_000, '2026-01-01');
    expect(positionOn(paid, '2026-01-02', DAYS).instalments).toHaveLength(1);
  });
});

describe('the five-tier classification (五级分类)', () => {
  it('classifies by days past due at the regulator’s floor, each boundary on its first day', () => {
    const expected: [number, string][] = [
      [0, 'normal'],
      [1, 'special_mention'],
      [90, 'special_mention'],
      [91, 'substandard'],
      [180, 'substandard'],
      [181, 'doubtful'],
      [360, 'doubtful'],
      [361, 'loss'],
      [5000, 'loss'],
    ];
    for (const [d, tier] of expected) expect(classify(d, DAYS), `${d} days`).toBe(tier);
    expect(DAYS).toEqual({ specialMention: 1, substandard: 91, doubtful: 181, loss: 361 });
    expect(CLASSIFICATIONS).toEqual(['normal', 'special_mention', 'substandard', 'doubtful', 'loss']);
    expect([...NON_PERFORMING].sort()).toEqual(['doubtful', 'loss', 'substandard']);
  });
});
