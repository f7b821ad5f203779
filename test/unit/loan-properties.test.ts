/**
 * Property tests of the loan book against an independent implementation written here: BigInt rationals, dates
 * through `Date.UTC`, and the contract's rules (API.md "Loan servicing") read afresh.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyRepayment,
  isSettled,
  type Loan,
  owedOn,
  positionOn,
  startLoan,
} from '../../shared/domain/loan.js';
import { generateSchedule, REPAYMENT_TYPES, type RepaymentType } from '../../shared/domain/loan-schedule.js';

// ---- the independent reference -------------------------------------------------------------------------------
const DAY_MS = 86_400_000;
const utc = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return { y, m, d };
};
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const plusMonths = (date: string, k: number) => {
  const { y, m, d } = utc(date);
  const last = new Date(Date.UTC(y, m - 1 + k + 1, 0)).getUTCDate();
  return iso(Date.UTC(y, m - 1 + k, Math.min(d, last)));
};
const plusDays = (date: string, n: number) => {
  const { y, m, d } = utc(date);
  return iso(Date.UTC(y, m - 1, d) + n * DAY_MS);
};
const days = (a: string, b: string) => {
  const x = utc(a);
  const z = utc(b);
  return (Date.UTC(z.y, z.m - 1, z.d) - Date.UTC(x.y, x.m - 1, x.d)) / DAY_MS;
};
/** Round half up of num/den by quotient and remainder. */
const round = (num: bigint, den: bigint): number => {
  const q = num / den;
  return Number(num - q * den >= den - (num - q * den) ? q + 1n : q);
};
const perMonth = (o: number, bps: number) => round(BigInt(o) * BigInt(bps), 12n * 10_000n);

function reference(type: RepaymentType, P: number, bps: number, start: string, term: number) {
  if (type === 'bullet') {
    const due = plusMonths(start, term);
    return [
      {
        dueOn: due,
        principalFen: P,
        interestFen: round(BigInt(P) * BigInt(bps) * BigInt(days(start, due)), 3_600_000n),
      },
    ];
  }
  const principal: number[] = [];
  if (type === 'interest_only') for (let k = 0; k < term; k++) principal.push(k === term - 1 ? P : 0);
  else if (type === 'equal_principal') {
    const each = (BigInt(P) / BigInt(term)) as bigint;
    for (let k = 0; k < term; k++)
      principal.push(k === term - 1 ? P - Number(each) * (term - 1) : Number(each));
  } else {
    // A = P·i·(1+i)^n / ((1+i)^n − 1) with i = bps / 120000, as one fraction.
    let payment: number;
    if (bps === 0) payment = round(BigInt(P), BigInt(term));
    else {
      let up = 1n;
      let down = 1n;
      for (let k = 0; k < term; k++) {
        up *= 120_000n + BigInt(bps);
        down *= 120_000n;
      }
      payment = round(BigInt(P) * BigInt(bps) * up, 120_000n * (up - down));
    }
    let o = P;
    for (let k = 0; k < term - 1; k++) {
      const p = Math.min(Math.max(payment - perMonth(o, bps), 0), o);
      principal.push(p);
      o -= p;
    }
    principal.push(o);
  }
  let o = P;
  return principal.map((p, k) => {
    const row = { dueOn: plusMonths(start, k + 1), principalFen: p, interestFen: perMonth(o, bps) };
    o -= p;
    return row;
  });
}

// ---- generators ----------------------------------------------------------------------------------------------
const arbDate = fc
  .record({
    y: fc.integer({ min: 2020, max: 2030 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ y, m, d }) => iso(Date.UTC(y, m - 1, Math.min(d, new Date(Date.UTC(y, m, 0)).getUTCDate()))));
const arbLoan = fc.record({
  type: fc.constantFrom(...REPAYMENT_TYPES),
  principalFen: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 10_000_000_000_00 })),
  annualRateBps: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2400 })),
  termMonths: fc.integer({ min: 1, max: 60 }),
  disbursedOn: arbDate,
});

describe('schedule generator (property, against an independent BigInt implementation)', () => {
  it('matches the reference for random amounts, rates, terms and types; principal sums exactly', () => {
    fc.assert(
      fc.property(arbLoan, (l) => {
        const schedule = generateSchedule({ ...l, type: l.type });
        const expected = reference(l.type, l.principalFen, l.annualRateBps, l.disbursedOn, l.termMonths);
        expect(
          schedule.map(({ dueOn, principalFen, interestFen }) => ({ dueOn, principalFen, interestFen })),
        ).toEqual(expected);
        expect(schedule.reduce((s, i) => s + i.principalFen, 0)).toBe(l.principalFen);
        for (const i of schedule) {
          expect(i.principalFen).toBeGreaterThanOrEqual(0);
          expect(i.interestFen).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('penalty interest = Σ unpaid overdue principal × rate × factor × days overdue / 360, rounded once', () => {
    fc.assert(
      fc.property(
        arbLoan,
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 10_000, max: 50_000 }),
        (l, later, factor) => {
          const loan = startLoan({
            ...l,
            repaymentType: l.type,
            penaltyFactorBps: factor,
            amountFen: l.principalFen,
          });
          const on = plusDays(l.disbursedOn, later);
          let num = 0n;
          for (const inst of loan.instalments) {
            const d = days(inst.dueOn, on);
            if (d > 0)
              num += BigInt(inst.principalFen) * BigInt(l.annualRateBps) * BigInt(factor) * BigInt(d);
          }
          const position = positionOn(loan, on, {
            specialMention: 1,
            substandard: 91,
            doubtful: 181,
            loss: 361,
          });
          expect(position.penaltyInterestFen).toBe(round(num, 360n * 10_000n * 10_000n));
          const oldest = loan.instalments.find(
            (i) => days(i.dueOn, on) > 0 && i.principalFen + i.interestFen > 0,
          );
          expect(position.overdueDays).toBe(oldest ? days(oldest.dueOn, on) : 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** Unpaid amounts of a loan, summed. */
const unpaid = (loan: Loan) =>
  loan.instalments.reduce(
    (s, i) => s + i.principalFen - i.paidPrincipalFen + i.interestFen - i.paidInterestFen,
    0,
  );

describe('repayment allocation (property)', () => {
  const arbSequence = fc.array(
    fc.record({
      gapDays: fc.integer({ min: 0, max: 120 }),
      share: fc.double({ min: 0, max: 1.2, noNaN: true }),
    }),
    { minLength: 1, maxLength: 12 },
  );

  it('random repayment sequences allocate exactly, never leave a negative balance, and overpayment is refused', () => {
    fc.assert(
      fc.property(arbLoan, arbSequence, (l, steps) => {
        let loan = startLoan({
          ...l,
          repaymentType: l.type,
          penaltyFactorBps: 15_000,
          amountFen: l.principalFen,
        });
        let on = l.disbursedOn;
        let paidPrincipal = 0;
        for (const step of steps) {
          on = plusDays(on, step.gapDays);
          const owed = owedOn(loan, on);
          expect(owed.totalFen).toBeGreaterThanOrEqual(0);
          const amount = Math.floor(owed.totalFen * step.share);
          if (amount > owed.totalFen) {
            expect(() => applyRepayment(loan, amount, on)).toThrow(/more than/);
            continue;
          }
          if (amount === 0) continue;
          const { loan: next, allocation } = applyRepayment(loan, amount, on);
          // Exact: every fen goes somewhere; the per-instalment split adds up to the interest and principal parts.
          expect(allocation.penaltyFen + allocation.interestFen + allocation.principalFen).toBe(amount);
          expect(allocation.instalments.reduce((s, i) => s + i.interestFen + i.principalFen, 0)).toBe(
            allocation.interestFen + allocation.principalFen,
          );
          // Penalty first, then interest: principal is only paid once the penalty is cleared.
          if (allocation.principalFen > 0) expect(allocation.penaltyFen).toBe(owed.penaltyFen);
          for (const i of next.instalments) {
            expect(i.paidPrincipalFen).toBeGreaterThanOrEqual(0);
            expect(i.paidPrincipalFen).toBeLessThanOrEqual(i.principalFen);
            expect(i.paidInterestFen).toBeGreaterThanOrEqual(0);
            expect(i.paidInterestFen).toBeLessThanOrEqual(i.interestFen);
          }
          expect(next.instalments.reduce((s, i) => s + i.principalFen, 0)).toBe(l.principalFen);
          paidPrincipal += allocation.principalFen;
          expect(next.instalments.reduce((s, i) => s + i.paidPrincipalFen, 0)).toBe(paidPrincipal);
          expect(owedOn(next, on).totalFen).toBe(owed.totalFen - amount);
          expect(isSettled(next)).toBe(owed.totalFen === amount);
          expect(unpaid(next)).toBeGreaterThanOrEqual(0);
          loan = next;
        }
        // Whatever is left is exactly payable, and paying it settles the loan.
        const rest = owedOn(loan, on).totalFen;
        if (rest > 0) {
          expect(() => applyRepayment(loan, rest + 1, on)).toThrow(/more than/);
          expect(isSettled(applyRepayment(loan, rest, on).loan)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
