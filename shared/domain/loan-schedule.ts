/**
 * Repayment schedules (anchor: Fineract's schedule generators per repayment type), exact to the fen. Pure.
 *
 * Rules (API.md "Loan servicing"): monthly periods from the first disbursement (`addMonths`, clamped to the
 * month's end); round half up; interest of a monthly period = outstanding at its start × rate / 12; `bullet` is one
 * period whose interest is principal × rate × days / 360; `equal_principal` repays floor(P / n) a month with the
 * remainder in the last; `equal_instalment` pays the annuity at rate / 12, rounded, the last instalment absorbing
 * the difference; `interest_only` repays everything at the last. Every type's principal sums to P exactly.
 */
import { addMonths, daysBetween, type IsoDate } from './dates.js';

export const REPAYMENT_TYPES = ['equal_instalment', 'equal_principal', 'interest_only', 'bullet'] as const;
export type RepaymentType = (typeof REPAYMENT_TYPES)[number];

export interface ScheduledInstalment {
  n: number;
  /** The period runs from `startOn` (exclusive of interest before it) to `dueOn`. */
  startOn: IsoDate;
  dueOn: IsoDate;
  principalFen: number;
  interestFen: number;
}

/** Basis points per year → per month: 12 × 10 000. */
const MONTHLY_DENOMINATOR = 120_000n;
/** Basis points × days / 360. */
const DAILY_DENOMINATOR = 3_600_000n;

/** num / den rounded half up, for num ≥ 0 and den > 0. */
export const roundHalfUp = (num: bigint, den: bigint): bigint => (2n * num + den) / (2n * den);

/** One month's interest on `outstandingFen` at `annualRateBps`. */
export const monthlyInterest = (outstandingFen: number, annualRateBps: number): number =>
  Number(roundHalfUp(BigInt(outstandingFen) * BigInt(annualRateBps), MONTHLY_DENOMINATOR));

/** Interest on `fen` for `days` days, actual/360. */
export const dailyInterest = (fen: number, annualRateBps: number, days: number): number =>
  days <= 0 ? 0 : Number(roundHalfUp(BigInt(fen) * BigInt(annualRateBps) * BigInt(days), DAILY_DENOMINATOR));

/** The annuity payment that repays `principalFen` in `n` months at rate / 12, rounded half up. */
export function annuityPayment(principalFen: number, annualRateBps: number, n: number): number {
  if (annualRateBps === 0) return Number(roundHalfUp(BigInt(principalFen), BigInt(n)));
  const q = MONTHLY_DENOMINATOR;
  const growth = (q + BigInt(annualRateBps)) ** BigInt(n);
  return Number(
    roundHalfUp(BigInt(principalFen) * BigInt(annualRateBps) * growth, q * (growth - q ** BigInt(n))),
  );
}

/** How `amountFen` is repaid over `n` instalments (principal only); sums to `amountFen` exactly. */
export function principalParts(
  type: RepaymentType,
  amountFen: number,
  annualRateBps: number,
  n: number,
): number[] {
  const parts = new Array<number>(n).fill(0);
  if (type === 'bullet' || type === 'interest_only') {
    parts[n - 1] = amountFen;
    return parts;
  }
  if (type === 'equal_principal') {
    const each = Math.floor(amountFen / n);
    parts.fill(each);
    parts[n - 1] = amountFen - each * (n - 1);
    return parts;
  }
  const payment = annuityPayment(amountFen, annualRateBps, n);
  let outstanding = amountFen;
  for (let k = 0; k < n - 1; k++) {
    // Never more than what is left: with tiny amounts the rounded annuity could overshoot.
    const principal = Math.min(
      Math.max(payment - monthlyInterest(outstanding, annualRateBps), 0),
      outstanding,
    );
    parts[k] = principal;
    outstanding -= principal;
  }
  parts[n - 1] = outstanding;
  return parts;
}

/** Instalment count of a loan: one for `bullet`, a month each otherwise. */
export const instalmentCount = (type: RepaymentType, termMonths: number): number =>
  type === 'bullet' ? 1 : termMonths;

/** Due dates from the first disbursement: month k is `addMonths(first, k)`, never a chain (no drift from 31st). */
export function dueDates(type: RepaymentType, firstDisbursedOn: IsoDate, termMonths: number): IsoDate[] {
  if (type === 'bullet') return [addMonths(firstDisbursedOn, termMonths)];
  return Array.from({ length: termMonths }, (_, k) => addMonths(firstDisbursedOn, k + 1));
}

/** Interest of period `k` by the type's rule, on `outstandingFen` at the period's start. */
export const periodInterest = (
  type: RepaymentType,
  outstandingFen: number,
  annualRateBps: number,
  startOn: IsoDate,
  dueOn: IsoDate,
): number =>
  type === 'bullet'
    ? dailyInterest(outstandingFen, annualRateBps, daysBetween(startOn, dueOn))
    : monthlyInterest(outstandingFen, annualRateBps);

/** The schedule of a loan disbursed at once: the contract's generator. */
export function generateSchedule(input: {
  type: RepaymentType;
  principalFen: number;
  annualRateBps: number;
  disbursedOn: IsoDate;
  termMonths: number;
}): ScheduledInstalment[] {
  const dues = dueDates(input.type, input.disbursedOn, input.termMonths);
  const parts = principalParts(input.type, input.principalFen, input.annualRateBps, dues.length);
  let outstanding = input.principalFen;
  return dues.map((dueOn, k) => {
    const startOn = k === 0 ? input.disbursedOn : dues[k - 1]!;
    const interestFen = periodInterest(input.type, outstanding, input.annualRateBps, startOn, dueOn);
    outstanding -= parts[k]!;
    return { n: k + 1, startOn, dueOn, principalFen: parts[k]!, interestFen };
  });
}
