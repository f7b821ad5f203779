/**
 * The money and period rules of a policy. Pure; the repository turns `maxPaidBefore` into the DynamoDB condition
 * that enforces "a line never pays more than its sum insured minus its deductible" under concurrent settlements.
 *
 * Decisions (documented in the API):
 * - A period is [periodStart, periodEnd], both days inclusive; periodStart < periodEnd; it lasts at most 5 years:
 *   periodEnd ≤ the day before periodStart's 5th anniversary (2026-03-01 → 2031-02-28; a Feb 29 start ends on
 *   Feb 28). periodStart may lie in the past (retroactive cover), periodEnd may not (the cover would be over).
 * - A line pays at most `sumInsuredFen − deductibleFen` over all its claims; a sum insured of 0 is refused and a
 *   deductible may equal the sum insured (the line then pays nothing, which is the holder's choice).
 * - A settlement pays 1 fen to the claimed amount (never more than claimed; a refusal is `deny`), and never more
 *   than the line's remaining cover.
 * - A claim's incident lies inside the period and not after today.
 */
import { compareDates, type IsoDate } from './dates.js';
import type { FieldIssue } from './errors.js';
import type { Coverage, CoverageLine, Policy } from './policy.js';
import { lastDayOfTerm } from './terms.js';

export const MAX_PERIOD_YEARS = 5;

/** What a line can pay over the whole policy. */
export const lineLimit = (c: Pick<Coverage, 'sumInsuredFen' | 'deductibleFen'>): number =>
  c.sumInsuredFen - c.deductibleFen;

export const remainingCover = (c: Coverage, paidSoFar: number): number =>
  Math.max(0, lineLimit(c) - paidSoFar);

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
    if (c.line === 'pledge_guarantee' && pledgeId === undefined)
      issues.push({ path: `coverages.${i}.line`, message: 'pledge_guarantee requires pledgeId' });
  });
  if (pledgeId !== undefined && !coverages.some((c) => c.line === 'pledge_guarantee'))
    issues.push({ path: 'pledgeId', message: 'is only allowed with a pledge_guarantee coverage line' });
  return issues;
}

export const coverageOf = (policy: Pick<Policy, 'coverages'>, line: CoverageLine): Coverage | undefined =>
  policy.coverages.find((c) => c.line === line);

/** Why a claim cannot be filed on this policy (the policy's status is the state machine's business). */
export function claimIssues(
  policy: Pick<Policy, 'coverages' | 'periodStart' | 'periodEnd'>,
  claim: { line: CoverageLine; claimedFen: number; incidentDate: IsoDate },
  today: IsoDate,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!coverageOf(policy, claim.line))
    issues.push({ path: 'line', message: `the policy does not cover ${claim.line}` });
  if (claim.claimedFen <= 0) issues.push({ path: 'claimedFen', message: 'must be positive' });
  if (
    compareDates(claim.incidentDate, policy.periodStart) < 0 ||
    compareDates(claim.incidentDate, policy.periodEnd) > 0
  )
    issues.push({
      path: 'incidentDate',
      message: `must lie inside the policy period ${policy.periodStart} – ${policy.periodEnd}`,
    });
  else if (compareDates(claim.incidentDate, today) > 0)
    issues.push({ path: 'incidentDate', message: `must not be after today (${today})` });
  return issues;
}

/**
 * The largest `paid.<line>` the policy may show BEFORE paying `paidFen` so that afterwards the line has paid at
 * most its limit: paid + x ≤ limit ⇔ paid ≤ limit − x. Negative means no state could accept the payment.
 */
export const maxPaidBefore = (coverage: Coverage, paidFen: number): number => lineLimit(coverage) - paidFen;

/** Checks a settlement against the claim and the line as last read; the store re-checks the line atomically. */
export function settlementIssues(
  coverage: Coverage,
  paidSoFar: number,
  claim: { claimedFen: number },
  paidFen: number,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (paidFen <= 0)
    issues.push({ path: 'paidFen', message: 'must be positive; deny the claim to pay nothing' });
  if (paidFen > claim.claimedFen)
    issues.push({ path: 'paidFen', message: `must not exceed the claimed ${claim.claimedFen} fen` });
  const remaining = remainingCover(coverage, paidSoFar);
  if (paidFen > remaining)
    issues.push({
      path: 'paidFen',
      message: `exceeds the remaining cover of line ${coverage.line}: ${remaining} fen`,
    });
  return issues;
}
