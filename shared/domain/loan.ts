/**
 * A disbursed loan's book (anchor: Fineract's loan servicing): its schedule with what was paid on each instalment,
 * tranches, penalty interest and the allocation of repayments. Pure and exact: integer fen, BigInt where products
 * could pass 2^53, round half up (API.md "Loan servicing").
 *
 * Model: each instalment keeps its scheduled principal; repayments fill `paidPrincipalFen` / `paidInterestFen`.
 * A prepayment fills the LAST instalments' principal first (the term shortens) and the interest of every later
 * period is recomputed on the new outstanding; the current period loses the interest of the prepaid amount for
 * its remaining days. Penalty accrues on overdue principal day by day between events, kept as an exact numerator
 * so a partial repayment of overdue principal never rewrites penalty already earned.
 */
import { addMonths, compareDates, daysBetween, type IsoDate } from './dates.js';
import { unprocessable } from './errors.js';
import {
  dailyInterest,
  dueDates,
  generateSchedule,
  monthlyInterest,
  periodInterest,
  principalParts,
  type RepaymentType,
  roundHalfUp,
  type ScheduledInstalment,
} from './loan-schedule.js';

export interface LoanInstalment extends ScheduledInstalment {
  paidPrincipalFen: number;
  paidInterestFen: number;
  /**
   * Correction to "outstanding × rate × days since the period began" after the outstanding changed inside the
   * period (a prepayment, a tranche), so that what had accrued before the change stays exactly what it was.
   */
  accrualAdjustmentFen?: number;
}

export interface Tranche {
  disbursedOn: IsoDate;
  amountFen: number;
}

export interface Loan {
  repaymentType: RepaymentType;
  annualRateBps: number;
  /** Penalty rate = contract rate × factor (15000 = +50 %), fixed at the first disbursement. */
  penaltyFactorBps: number;
  tranches: Tranche[];
  instalments: LoanInstalment[];
  /** Σ overdue principal × rate × factor × days so far, over 360 × 10^8: exact; rounded only when read. */
  penaltyAccrual: string;
  /** The date up to which `penaltyAccrual` counts. */
  penaltyThrough: IsoDate;
  penaltyPaidFen: number;
  lastRepaidOn?: IsoDate;
}

const PENALTY_DENOMINATOR = 36_000_000_000n; // 360 days × 10^4 (rate bps) × 10^4 (factor bps)

export const DEFAULT_PENALTY_FACTOR_BPS = 15_000;

/** The loan as of its first disbursement. */
export function startLoan(input: {
  repaymentType: RepaymentType;
  annualRateBps: number;
  penaltyFactorBps: number;
  termMonths: number;
  amountFen: number;
  disbursedOn: IsoDate;
}): Loan {
  const schedule = generateSchedule({
    type: input.repaymentType,
    principalFen: input.amountFen,
    annualRateBps: input.annualRateBps,
    disbursedOn: input.disbursedOn,
    termMonths: input.termMonths,
  });
  return {
    repaymentType: input.repaymentType,
    annualRateBps: input.annualRateBps,
    penaltyFactorBps: input.penaltyFactorBps,
    tranches: [{ disbursedOn: input.disbursedOn, amountFen: input.amountFen }],
    instalments: schedule.map((i) => ({ ...i, paidPrincipalFen: 0, paidInterestFen: 0 })),
    penaltyAccrual: '0',
    penaltyThrough: input.disbursedOn,
    penaltyPaidFen: 0,
  };
}

export const disbursedFen = (loan: Loan): number => loan.tranches.reduce((s, t) => s + t.amountFen, 0);
export const maturityOf = (loan: Loan): IsoDate => loan.instalments[loan.instalments.length - 1]!.dueOn;
export const firstDisbursedOn = (loan: Loan): IsoDate => loan.tranches[0]!.disbursedOn;

const unpaidPrincipal = (i: LoanInstalment) => i.principalFen - i.paidPrincipalFen;
const unpaidInterest = (i: LoanInstalment) => i.interestFen - i.paidInterestFen;
const copy = (loan: Loan): Loan => ({
  ...loan,
  tranches: loan.tranches.map((t) => ({ ...t })),
  instalments: loan.instalments.map((i) => ({ ...i })),
});

/** The instalment whose period contains `on` (first due strictly after it), or -1 after maturity. */
const currentIndex = (loan: Loan, on: IsoDate): number =>
  loan.instalments.findIndex((i) => compareDates(i.dueOn, on) > 0);

/** Recomputes the interest of periods `from`… by the type's rule on what is outstanding at their start. */
function reprice(loan: Loan, from: number): void {
  const list = loan.instalments;
  let outstanding = 0;
  for (let k = list.length - 1; k >= from; k--) {
    const inst = list[k]!;
    outstanding += unpaidPrincipal(inst);
    const interest = periodInterest(
      loan.repaymentType,
      outstanding,
      loan.annualRateBps,
      inst.startOn,
      inst.dueOn,
    );
    inst.interestFen = Math.max(interest, inst.paidInterestFen);
  }
}

/** Penalty accrued on overdue principal up to `on` (not before what is already counted). */
export function accruePenalty(loan: Loan, on: IsoDate): Loan {
  if (compareDates(on, loan.penaltyThrough) <= 0) return loan;
  let accrual = BigInt(loan.penaltyAccrual);
  const rate = BigInt(loan.annualRateBps) * BigInt(loan.penaltyFactorBps);
  for (const inst of loan.instalments) {
    const from = compareDates(inst.dueOn, loan.penaltyThrough) > 0 ? inst.dueOn : loan.penaltyThrough;
    const days = daysBetween(from, on);
    if (days > 0 && unpaidPrincipal(inst) > 0) accrual += BigInt(unpaidPrincipal(inst)) * rate * BigInt(days);
  }
  return { ...loan, penaltyAccrual: accrual.toString(), penaltyThrough: on };
}

const penaltyAccruedFen = (loan: Loan): number =>
  Number(roundHalfUp(BigInt(loan.penaltyAccrual), PENALTY_DENOMINATOR));

export interface Owed {
  penaltyFen: number;
  /** Unpaid interest and principal of the instalments due on or before the date. */
  dueInterestFen: number;
  duePrincipalFen: number;
  /** The current period's interest accrued to the date: outstanding × rate × days / 360, at most its schedule. */
  accruedInterestFen: number;
  /** Principal not yet due. */
  unduePrincipalFen: number;
  totalFen: number;
}

/** What is owed on `on` (API.md): everything that pays the loan off that day. */
export function owedOn(loan: Loan, on: IsoDate): Owed {
  const accrued = accruePenalty(loan, on);
  const k = currentIndex(loan, on);
  let dueInterestFen = 0;
  let duePrincipalFen = 0;
  let unduePrincipalFen = 0;
  loan.instalments.forEach((inst, j) => {
    if (k === -1 || j < k) {
      dueInterestFen += unpaidInterest(inst);
      duePrincipalFen += unpaidPrincipal(inst);
    } else unduePrincipalFen += unpaidPrincipal(inst);
  });
  let accruedInterestFen = 0;
  if (k !== -1) {
    const inst = loan.instalments[k]!;
    // With no principal left the period's interest already stopped at that repayment: what remains is owed.
    accruedInterestFen =
      unduePrincipalFen === 0
        ? unpaidInterest(inst)
        : Math.min(
            Math.max(
              dailyInterest(unduePrincipalFen, loan.annualRateBps, daysBetween(inst.startOn, on)) +
                (inst.accrualAdjustmentFen ?? 0),
              0,
            ),
            unpaidInterest(inst),
          );
  }
  const penaltyFen = penaltyAccruedFen(accrued) - loan.penaltyPaidFen;
  return {
    penaltyFen,
    dueInterestFen,
    duePrincipalFen,
    accruedInterestFen,
    unduePrincipalFen,
    totalFen: penaltyFen + dueInterestFen + duePrincipalFen + accruedInterestFen + unduePrincipalFen,
  };
}

export interface Allocation {
  penaltyFen: number;
  interestFen: number;
  principalFen: number;
  /** Of `principalFen`, what was paid before it fell due. */
  prepaidPrincipalFen: number;
  instalments: { n: number; interestFen: number; principalFen: number }[];
}

export const isSettled = (loan: Loan): boolean =>
  loan.instalments.every((i) => unpaidPrincipal(i) === 0 && unpaidInterest(i) === 0) &&
  penaltyAccruedFen(loan) === loan.penaltyPaidFen;

/**
 * Allocates a repayment: penalty → interest (oldest due first) → principal (oldest due first); the remainder
 * prepays principal from the last instalment backwards; once no principal is left, it pays the current period's
 * interest accrued to the day. More than everything owed → 422 `overpayment`.
 */
export function applyRepayment(
  loan: Loan,
  amountFen: number,
  paidOn: IsoDate,
): { loan: Loan; allocation: Allocation } {
  const owed = owedOn(loan, paidOn);
  if (amountFen > owed.totalFen)
    throw unprocessable(`${amountFen} fen is more than the ${owed.totalFen} fen owed on ${paidOn}.`, {
      errors: [
        {
          path: 'amountFen',
          code: 'overpayment',
          message: `exceeds the ${owed.totalFen} fen owed on ${paidOn}`,
        },
      ],
      owedFen: owed.totalFen,
    });
  const next = copy(accruePenalty(loan, paidOn));
  const byN = new Map<number, { n: number; interestFen: number; principalFen: number }>();
  const book = (n: number, field: 'interestFen' | 'principalFen', fen: number) => {
    if (fen === 0) return;
    const entry = byN.get(n) ?? { n, interestFen: 0, principalFen: 0 };
    entry[field] += fen;
    byN.set(n, entry);
  };
  let left = amountFen;
  const penaltyFen = Math.min(left, owed.penaltyFen);
  next.penaltyPaidFen += penaltyFen;
  left -= penaltyFen;
  const k = currentIndex(next, paidOn);
  const due = k === -1 ? next.instalments : next.instalments.slice(0, k);
  let interestFen = 0;
  let principalFen = 0;
  for (const inst of due) {
    const pay = Math.min(left, unpaidInterest(inst));
    inst.paidInterestFen += pay;
    book(inst.n, 'interestFen', pay);
    interestFen += pay;
    left -= pay;
  }
  for (const inst of due) {
    const pay = Math.min(left, unpaidPrincipal(inst));
    inst.paidPrincipalFen += pay;
    book(inst.n, 'principalFen', pay);
    principalFen += pay;
    left -= pay;
  }
  let prepaidPrincipalFen = 0;
  if (left > 0 && k !== -1) {
    const current = next.instalments[k]!;
    const midPeriod = compareDates(paidOn, current.startOn) > 0;
    const prepay = Math.min(left, owed.unduePrincipalFen);
    for (let j = next.instalments.length - 1, rest = prepay; j >= k && rest > 0; j--) {
      const inst = next.instalments[j]!;
      const pay = Math.min(rest, unpaidPrincipal(inst));
      inst.paidPrincipalFen += pay;
      book(inst.n, 'principalFen', pay);
      rest -= pay;
    }
    prepaidPrincipalFen = prepay;
    left -= prepay;
    if (prepay === owed.unduePrincipalFen) {
      // No principal left: interest stops today; the current period owes what accrued to it.
      current.interestFen = current.paidInterestFen + owed.accruedInterestFen;
      for (const inst of next.instalments.slice(k + 1)) inst.interestFen = inst.paidInterestFen;
      const pay = Math.min(left, unpaidInterest(current));
      current.paidInterestFen += pay;
      book(current.n, 'interestFen', pay);
      interestFen += pay;
      left -= pay;
    } else {
      if (midPeriod) {
        // The interest accrued so far stays owed; the prepaid amount stops earning for the rest of the period.
        const since = daysBetween(current.startOn, paidOn);
        const remaining = owed.unduePrincipalFen - prepay;
        current.accrualAdjustmentFen =
          owed.accruedInterestFen - dailyInterest(remaining, next.annualRateBps, since);
        const saved = dailyInterest(prepay, next.annualRateBps, daysBetween(paidOn, current.dueOn));
        current.interestFen = Math.max(
          current.interestFen - saved,
          current.paidInterestFen + owed.accruedInterestFen,
        );
      }
      reprice(next, midPeriod ? k + 1 : k);
    }
  }
  if (left !== 0) throw new Error(`allocation left ${left} fen unallocated`);
  next.lastRepaidOn = paidOn;
  return {
    loan: next,
    allocation: {
      penaltyFen,
      interestFen,
      principalFen: principalFen + prepaidPrincipalFen,
      prepaidPrincipalFen,
      instalments: [...byN.values()].sort((a, b) => a.n - b.n),
    },
  };
}

/**
 * A later tranche: its principal is spread over the instalments still to fall due by the type's rule; the current
 * period gains the tranche's interest for its remaining days, later periods are repriced.
 */
export function addTranche(loan: Loan, amountFen: number, disbursedOn: IsoDate): Loan {
  const next = copy(loan);
  const k = currentIndex(next, disbursedOn);
  if (k === -1) throw new RangeError('a tranche after maturity');
  const parts = principalParts(
    next.repaymentType,
    amountFen,
    next.annualRateBps,
    next.instalments.length - k,
  );
  parts.forEach((p, i) => {
    next.instalments[k + i]!.principalFen += p;
  });
  const current = next.instalments[k]!;
  const midPeriod = compareDates(disbursedOn, current.startOn) > 0;
  if (midPeriod) {
    // The tranche earns from its own date: what accrued before it stays as it was.
    const since = daysBetween(current.startOn, disbursedOn);
    const before = owedOn(loan, disbursedOn);
    current.accrualAdjustmentFen =
      before.accruedInterestFen -
      dailyInterest(before.unduePrincipalFen + amountFen, next.annualRateBps, since);
    current.interestFen += dailyInterest(
      amountFen,
      next.annualRateBps,
      daysBetween(disbursedOn, current.dueOn),
    );
  }
  reprice(next, midPeriod ? k + 1 : k);
  next.tranches.push({ disbursedOn, amountFen });
  return next;
}

export const CLASSIFICATIONS = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const NON_PERFORMING: ReadonlySet<Classification> = new Set(['substandard', 'doubtful', 'loss']);

/** The first day past due of each tier (五级分类); the regulator's floor by default. */
export interface ClassificationDays {
  specialMention: number;
  substandard: number;
  doubtful: number;
  loss: number;
}
export const REGULATOR_CLASSIFICATION_DAYS: Readonly<ClassificationDays> = Object.freeze({
  specialMention: 1,
  substandard: 91,
  doubtful: 181,
  loss: 361,
});

export function classify(overdueDays: number, days: ClassificationDays): Classification {
  if (overdueDays >= days.loss) return 'loss';
  if (overdueDays >= days.doubtful) return 'doubtful';
  if (overdueDays >= days.substandard) return 'substandard';
  if (overdueDays >= days.specialMention) return 'special_mention';
  return 'normal';
}

export type InstalmentStatus = 'due' | 'paid' | 'partially_paid' | 'overdue';

export interface LoanPosition {
  instalments: (Omit<LoanInstalment, 'startOn'> & { status: InstalmentStatus })[];
  outstandingPrincipalFen: number;
  accruedInterestFen: number;
  penaltyInterestFen: number;
  overdueDays: number;
  classification: Classification;
}

/** The loan as of `on`: instalment statuses, arrears, penalty and the five-tier classification. */
export function positionOn(loan: Loan, on: IsoDate, days: ClassificationDays): LoanPosition {
  const owed = owedOn(loan, on);
  const oldestUnpaid = loan.instalments.find(
    (i) => compareDates(i.dueOn, on) < 0 && unpaidPrincipal(i) + unpaidInterest(i) > 0,
  );
  const overdueDays = oldestUnpaid ? daysBetween(oldestUnpaid.dueOn, on) : 0;
  // A prepaid term ends early: instalments left with nothing scheduled are not shown.
  let last = loan.instalments.length;
  while (last > 1 && loan.instalments[last - 1]!.principalFen + loan.instalments[last - 1]!.interestFen === 0)
    last--;
  return {
    instalments: loan.instalments.slice(0, last).map(({ startOn: _, accrualAdjustmentFen: __, ...inst }) => ({
      ...inst,
      status: instalmentStatus(inst, on),
    })),
    outstandingPrincipalFen: owed.duePrincipalFen + owed.unduePrincipalFen,
    accruedInterestFen: owed.dueInterestFen + owed.accruedInterestFen,
    penaltyInterestFen: owed.penaltyFen,
    overdueDays,
    classification: classify(overdueDays, days),
  };
}

function instalmentStatus(inst: Omit<LoanInstalment, 'startOn'>, on: IsoDate): InstalmentStatus {
  if (inst.principalFen - inst.paidPrincipalFen + inst.interestFen - inst.paidInterestFen === 0)
    return 'paid';
  if (compareDates(inst.dueOn, on) < 0) return 'overdue';
  return inst.paidPrincipalFen + inst.paidInterestFen > 0 ? 'partially_paid' : 'due';
}

/** Due dates of a loan first disbursed on `on` (for the maturity re-check before it exists). */
export const maturityFrom = (type: RepaymentType, on: IsoDate, termMonths: number): IsoDate =>
  dueDates(type, on, termMonths).at(-1)!;

/**
 * A registered extension of the loan to `newMaturesOn` (after the current maturity, which has not passed). What was
 * contracted stays; only the final principal moves:
 * - `bullet`: the one instalment falls due on the new date; the extra days accrue on the principal still
 *   outstanding, actual/360, on top of the interest already scheduled;
 * - the monthly types: the final instalment's unpaid principal is deferred to the new maturity, which lies a whole
 *   number of months later; each month added pays the interest on it (outstanding × rate / 12), the last one the
 *   principal too.
 * The instalments' principal still sums to the amount disbursed.
 */
export function extendLoan(loan: Loan, newMaturesOn: IsoDate): Loan {
  const next = copy(loan);
  const last = next.instalments[next.instalments.length - 1]!;
  if (loan.repaymentType === 'bullet') {
    last.interestFen += dailyInterest(
      unpaidPrincipal(last),
      loan.annualRateBps,
      daysBetween(last.dueOn, newMaturesOn),
    );
    last.dueOn = newMaturesOn;
    return next;
  }
  const deferred = unpaidPrincipal(last);
  last.principalFen = last.paidPrincipalFen;
  const first = firstDisbursedOn(loan);
  const months = monthsAfterMaturity(loan, newMaturesOn)!;
  const count = next.instalments.length;
  for (let k = 1; k <= months; k++)
    next.instalments.push({
      n: count + k,
      startOn: next.instalments[count + k - 2]!.dueOn,
      dueOn: addMonths(first, count + k),
      principalFen: k === months ? deferred : 0,
      interestFen: monthlyInterest(deferred, loan.annualRateBps),
      paidPrincipalFen: 0,
      paidInterestFen: 0,
    });
  return next;
}

/** For the monthly types: how many whole months after the loan's maturity `on` is (undefined if not a month end). */
export function monthsAfterMaturity(loan: Loan, on: IsoDate): number | undefined {
  const first = firstDisbursedOn(loan);
  const count = loan.instalments.length;
  for (let k = 1; k <= 120; k++) {
    const due = addMonths(first, count + k);
    if (due === on) return k;
    if (compareDates(due, on) > 0) return undefined;
  }
  return undefined;
}
