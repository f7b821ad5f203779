/**
 * Underwriting: whether an application for a policy may be accepted, checked on the insurer, the assets and the
 * pledge as the store returned them, every failure reported at once; the rights by the same rule set as a pledge's
 * (`rightRefusals`). Pure; the use case reads and writes.
 */
import { type Asset, isOwnedBy } from './asset.js';
import { coverageIssues, periodIssues } from './coverage.js';
import type { IsoDate } from './dates.js';
import type { FieldIssue } from './errors.js';
import type { Institution } from './institution.js';
import { type Pledge, rightRefusals } from './pledge.js';
import type { PledgeStatus } from './pledge-state-machine.js';
import type { Coverage, CoverageLine, Policy } from './policy.js';

/** Statuses of a pledge whose loan a `pledge_guarantee` line may back: approved and not yet ended. */
const GUARANTEEABLE_PLEDGE_STATUSES: ReadonlySet<PledgeStatus> = new Set([
  'approved',
  'registered',
  'active',
]);

export interface PolicyApplication {
  insurerId: string;
  assetIds: string[];
  coverages: {
    line: CoverageLine;
    sumInsuredFen: number;
    deductibleFen?: number | undefined;
    payoutRatioBps?: number | undefined;
    perClaimLimitFen?: number | undefined;
  }[];
  periodStart: IsoDate;
  periodEnd: IsoDate;
  pledgeId?: string | undefined;
}

/** What the store returned for the application's insurer, assets and pledge (absent ones are missing). */
export interface UnderwritingFacts {
  insurer: Institution | undefined;
  assets: ReadonlyMap<string, Asset>;
  pledge: Pledge | undefined;
}

export const coveragesOf = (application: PolicyApplication): Coverage[] =>
  application.coverages.map((c) => ({
    line: c.line,
    sumInsuredFen: c.sumInsuredFen,
    deductibleFen: c.deductibleFen ?? 0,
    ...(c.payoutRatioBps === undefined ? {} : { payoutRatioBps: c.payoutRatioBps }),
    ...(c.perClaimLimitFen === undefined ? {} : { perClaimLimitFen: c.perClaimLimitFen }),
  }));

/** Every reason the application fails underwriting, each with its field; empty when it may be filed. */
export function underwritingIssues(
  application: PolicyApplication,
  facts: UnderwritingFacts,
  ctx: { holder: string; today: IsoDate },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (facts.insurer?.kind !== 'insurer')
    issues.push({
      path: 'insurerId',
      message: `${application.insurerId} is not an insurer registered in the portal`,
    });
  issues.push(
    ...periodIssues(application.periodStart, application.periodEnd, ctx.today),
    ...coverageIssues(coveragesOf(application), application.pledgeId),
  );
  application.assetIds.forEach((id, i) => {
    const asset = facts.assets.get(id);
    // Missing and someone else's read the same: the caller learns nothing about other tenants' assets.
    if (!asset || !isOwnedBy(asset, ctx.holder))
      issues.push({
        path: `assetIds.${i}`,
        code: 'not_owner',
        message: `asset ${id} was not found among your assets`,
      });
    else
      for (const refusal of rightRefusals(asset, ctx.today, application.periodEnd, 'the end of the period'))
        issues.push({ path: `assetIds.${i}`, ...refusal });
  });
  if (application.pledgeId !== undefined) {
    const message = pledgeIssue(facts.pledge, application.pledgeId, ctx.holder);
    if (message) issues.push({ path: 'pledgeId', message });
  }
  return issues;
}

function pledgeIssue(pledge: Pledge | undefined, pledgeId: string, holder: string): string | undefined {
  if (!pledge || pledge.applicant !== holder) return `pledge ${pledgeId} was not found among your pledges`;
  if (!GUARANTEEABLE_PLEDGE_STATUSES.has(pledge.status))
    return `pledge ${pledgeId} is ${pledge.status}; a pledge guarantee needs an approved, registered or active pledge`;
  return undefined;
}

/** The policy an accepted application files: nothing paid yet, the guaranteed pledge's lender as beneficiary. */
export function newPolicy(
  application: PolicyApplication,
  facts: Pick<UnderwritingFacts, 'pledge'>,
  ctx: { id: string; holder: string; now: Date; holderName?: string; insurerName?: string },
): Policy {
  const coverages = coveragesOf(application);
  const at = ctx.now.toISOString();
  return {
    id: ctx.id,
    holder: ctx.holder,
    insurerId: application.insurerId,
    ...(ctx.holderName ? { holderName: ctx.holderName } : {}),
    ...(ctx.insurerName ? { insurerName: ctx.insurerName } : {}),
    assetIds: application.assetIds,
    coverages,
    paid: Object.fromEntries(coverages.map((c) => [c.line, 0])),
    periodStart: application.periodStart,
    periodEnd: application.periodEnd,
    ...(application.pledgeId ? { pledgeId: application.pledgeId } : {}),
    ...(application.pledgeId && facts.pledge ? { beneficiaryLenderId: facts.pledge.lenderId } : {}),
    status: 'applied',
    claimCount: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}
