/**
 * The money and period rules of a policy and its claims. Pure; the use cases turn `maxPaidBefore` into the DynamoDB
 * condition that enforces "a line never pays more than its sum insured" under concurrent payments.
 *
 * Decisions (documented in the API):
 * - A period is [periodStart, periodEnd], both days inclusive; periodStart < periodEnd; it lasts at most 5 years:
 *   periodEnd ≤ the day before periodStart's 5th anniversary (2026-03-01 → 2031-02-28; a Feb 29 start ends on
 *   Feb 28). periodStart may lie in the past (retroactive cover), periodEnd may not (the cover would be over).
 * - Each claim pays at most min(perClaimLimit, floor((claimed − deductible) × payoutRatio / 10000)): the
 *   deductible is taken off every claim; a line pays at most its sum insured over all its claims (aggregate).
 * - Occurrence cover: an incident inside the period (and, on a cancelled policy, on or before the day cover ended)
 *   may be notified until two years after periodEnd (Insurance Law art. 26), whatever the policy's status since.
 * - A paid or denied claim may be reopened by its claimant within one year of closing.
 */
import { addYears, compareDates, type IsoDate } from './dates.js';
import type { FieldIssue } from './errors.js';
import type { Claim, Claimant, Coverage, CoverageLine, Policy } from './policy.js';
import { lastDayOfTerm } from './terms.js';

export const MAX_PERIOD_YEARS = 5;

export const FULL_RATIO_BPS = 10_000;
/** How long after the period an incident inside it may still be notified. */
export const NOTICE_YEARS = 2;
/** How long after closing a claim may be reopened. */
export const REOPEN_YEARS = 1;

/** What a line can pay over the whole policy (aggregate). */
export const lineLimit = (c: Pick<Coverage, 'sumInsuredFen'>): number => c.sumInsuredFen;

export const remainingCover = (c: Pick<Coverage, 'sumInsuredFen'>, paidSoFar: number): number =>
  Math.max(0, lineLimit(c) - paidSoFar);

/**
 * What one claim of `claimedFen` may be paid on its line: deductible off, payout ratio, per-claim limit, and never
 * more than the line's whole sum insured (what its other claims took is the payment's business).
 */
export function payableFen(c: Coverage, claimedFen: number): number {
  const aboveDeductible = Math.max(0, claimedFen - c.deductibleFen);
  const ratioBps = c.payoutRatioBps ?? FULL_RATIO_BPS;
  // In BigInt: any safe-integer amount times a ratio overflows 2^53, and a fen must never be lost to rounding.
  const afterRatio = Number((BigInt(aboveDeductible) * BigInt(ratioBps)) / BigInt(FULL_RATIO_BPS));
  return Math.min(afterRatio, c.perClaimLimitFen ?? afterRatio, c.sumInsuredFen);
}

/** The latest allowed `periodEnd` for a period starting on `periodStart`. */
export const maxPeriodEnd = (periodStart: IsoDate): IsoDate => lastDayOfTerm(periodStart, MAX_PERIOD_YEARS);

export function periodIssues(periodStart: IsoDate, periodEnd: IsoDate, today: IsoDate): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (compareDates(periodStart, periodEnd) >= 0)
    issues.push({ path: 'periodEnd', message: 'must be after periodStart' });
  else if (compareDates(periodEnd, maxPeriodEnd(periodStart)) > 0)
    issues.push({
      path: 'periodEnd',
      message: `a period lasts at most ${MAX_PERIOD_YEARS} years: periodEnd may be ${maxPeriodEnd(periodStart)} at the latest`,
    });
  if (compareDates(periodEnd, today) < 0)
    issues.push({ path: 'periodEnd', message: `the period has already ended (today is ${today})` });
  return issues;
}

/** Line rules: positive sums, deductible ≤ sum insured, and the pledge line if and only if a pledge is named. */
export function coverageIssues(coverages: readonly Coverage[], pledgeId: string | undefined): FieldIssue[] {
  const issues: FieldIssue[] = [];
  coverages.forEach((c, i) => {
    if (c.sumInsuredFen <= 0)
      issues.push({ path: `coverages.${i}.sumInsuredFen`, message: 'must be positive' });
    if (c.deductibleFen > c.sumInsuredFen)
      issues.push({ path: `coverages.${i}.deductibleFen`, message: 'must not exceed sumInsuredFen' });
    if (c.payoutRatioBps !== undefined && (c.payoutRatioBps <= 0 || c.payoutRatioBps > FULL_RATIO_BPS))
      issues.push({
        path: `coverages.${i}.payoutRatioBps`,
        message: `must be between 1 and ${FULL_RATIO_BPS} basis points`,
      });
    if (c.perClaimLimitFen !== undefined && (c.perClaimLimitFen <= 0 || c.perClaimLimitFen > c.sumInsuredFen))
      issues.push({
        path: `coverages.${i}.perClaimLimitFen`,
        message: 'must be positive and not exceed sumInsuredFen',
      });
    if (c.line === 'pledge_guarantee' && pledgeId === undefined)
      issues.push({ path: `coverages.${i}.line`, message: 'pledge_guarantee requires pledgeId' });
  });
  if (pledgeId !== undefined && !coverages.some((c) => c.line === 'pledge_guarantee'))
    issues.push({ path: 'pledgeId', message: 'is only allowed with a pledge_guarantee coverage line' });
  return issues;
}

export const coverageOf = (policy: Pick<Policy, 'coverages'>, line: CoverageLine): Coverage | undefined =>
  policy.coverages.find((c) => c.line === line);

/** The last day an incident is covered: periodEnd, or the day an active policy was cancelled. */
export const coverEnd = (policy: Pick<Policy, 'periodEnd' | 'cancelledOn'>): IsoDate =>
  policy.cancelledOn && compareDates(policy.cancelledOn, policy.periodEnd) < 0
    ? policy.cancelledOn
    : policy.periodEnd;

/** The last day a claim may be notified on the policy. */
export const noticeDeadline = (policy: Pick<Policy, 'periodEnd'>): IsoDate =>
  addYears(policy.periodEnd, NOTICE_YEARS);

/**
 * Why a claim cannot be filed on this policy (whether the policy ever gave cover is the use case's business):
 * the line is covered and filed by its claimant — the beneficiary lender for `pledge_guarantee`, the holder for
 * every other line —, the incident lies inside the cover and not after today, and the notice is in time.
 */
export function claimIssues(
  policy: Pick<Policy, 'coverages' | 'periodStart' | 'periodEnd' | 'cancelledOn'>,
  claim: { line: CoverageLine; claimedFen: number; incidentDate: IsoDate },
  ctx: { today: IsoDate; claimant: Claimant['role'] },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!coverageOf(policy, claim.line))
    issues.push({ path: 'line', message: `the policy does not cover ${claim.line}` });
  else if ((claim.line === 'pledge_guarantee') !== (ctx.claimant === 'lender'))
    issues.push({
      path: 'line',
      code: 'not_your_line',
      message:
        claim.line === 'pledge_guarantee'
          ? "the guarantee line's claims are the lender's (its beneficiary)"
          : 'the lender claims on the pledge_guarantee line only',
    });
  if (claim.claimedFen <= 0) issues.push({ path: 'claimedFen', message: 'must be positive' });
  const end = coverEnd(policy);
  const deadline = noticeDeadline(policy);
  if (compareDates(claim.incidentDate, policy.periodStart) < 0 || compareDates(claim.incidentDate, end) > 0)
    issues.push({
      path: 'incidentDate',
      code: 'incident_outside_cover',
      params: { from: policy.periodStart, to: end },
      message: `must lie inside the cover ${policy.periodStart} – ${end}`,
    });
  else if (compareDates(claim.incidentDate, ctx.today) > 0)
    issues.push({ path: 'incidentDate', message: `must not be after today (${ctx.today})` });
  if (compareDates(ctx.today, deadline) > 0)
    issues.push({
      path: 'incidentDate',
      code: 'notice_too_late',
      params: { deadline },
      message: `claims on this policy had to be notified by ${deadline} (two years after the period)`,
    });
  return issues;
}

/**
 * The largest `paid.<line>` the policy may show BEFORE paying `amountFen` so that afterwards the line has paid at
 * most its sum insured: paid + x ≤ limit ⇔ paid ≤ limit − x. Negative means no state could accept the payment.
 */
export const maxPaidBefore = (coverage: Pick<Coverage, 'sumInsuredFen'>, amountFen: number): number =>
  lineLimit(coverage) - amountFen;

/** An initial reserve (at investigation) or an approval (at assessment) within what the claim may be paid. */
export function amountIssues(
  coverage: Coverage,
  claim: Pick<Claim, 'claimedFen'>,
  field: 'reserveFen' | 'approvedFen',
  amountFen: number,
): FieldIssue[] {
  const payable = payableFen(coverage, claim.claimedFen);
  if (field === 'approvedFen' && amountFen <= 0)
    return [{ path: field, message: 'must be positive; deny the claim to pay nothing' }];
  if (amountFen > payable)
    return [
      {
        path: field,
        code: 'above_payable',
        params: { payableFen: payable },
        message: `exceeds what the claim may be paid: ${payable} fen (deductible, payout ratio and per-claim limit applied)`,
      },
    ];
  return [];
}

/**
 * Checks one payment against the claim and the line as last read; the store re-checks the line atomically.
 * `approvedFen` is the claim's approved amount (for a one-step settlement, what the claim may be paid).
 */
export function paymentIssues(
  coverage: Coverage,
  field: 'amountFen' | 'paidFen',
  claim: { approvedFen: number; paidFen: number },
  linePaidSoFar: number,
  amountFen: number,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (amountFen <= 0)
    issues.push({ path: field, message: 'must be positive; deny the claim to pay nothing' });
  const unpaid = claim.approvedFen - claim.paidFen;
  if (amountFen > unpaid)
    issues.push({
      path: field,
      code: 'above_approved',
      params: { unpaidFen: unpaid },
      message: `exceeds what the claim may still be paid: ${unpaid} fen`,
    });
  const remaining = remainingCover(coverage, linePaidSoFar);
  if (amountFen > remaining)
    issues.push({
      path: field,
      code: 'above_remaining_cover',
      params: { remainingFen: remaining },
      message: `exceeds the remaining cover of line ${coverage.line}: ${remaining} fen`,
    });
  return issues;
}

/** A closed claim may be reopened until a year after it closed. */
export function reopenIssues(claim: Pick<Claim, 'closedOn'>, today: IsoDate): FieldIssue[] {
  if (!claim.closedOn) return [];
  const until = addYears(claim.closedOn, REOPEN_YEARS);
  return compareDates(today, until) > 0
    ? [
        {
          path: 'reason',
          code: 'reopen_too_late',
          params: { until },
          message: `a claim closed on ${claim.closedOn} could be reopened until ${until}`,
        },
      ]
    : [];
}
