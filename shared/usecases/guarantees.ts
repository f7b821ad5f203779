/**
 * Pledge-financing guarantee insurance (质押融资保证保险) after a default: the lender's claim on each guarantee
 * policy of the loan is opened by the system, for what the borrower owed on the day of the default. The claim's id
 * is derived from the loan and the policy, so however often the default is delivered the claim is filed once.
 * When the rights are disposed of and the loss is shared by the risk pool, a claim not yet assessed follows the
 * insurer's share of the loss.
 */
import { createHash } from 'node:crypto';
import { SYSTEM_ACTOR } from '../domain/actor.js';
import { businessDateClock, fixedClock } from '../domain/clock.js';
import type { IsoDate } from '../domain/dates.js';
import { invalidState, isSettledRefusal } from '../domain/errors.js';
import { owedOn } from '../domain/loan.js';
import type { Pledge } from '../domain/pledge.js';
import type { Claim, ClaimStatus } from '../domain/policy.js';
import type { Store } from '../store/toolkit.js';
import { CLAIM_SPEC } from './claims.js';
import { jobContext } from './context.js';
import type { Operation } from './engine.js';
import { guaranteesOf } from './pledges.js';
import { fileClaim } from './policies.js';

/** The id of the guarantee claim a default opens on one policy. */
export const guaranteeClaimId = (pledgeId: string, policyId: string): string =>
  `gc-${createHash('sha256').update(`${pledgeId}\u0000${policyId}`).digest('hex').slice(0, 32)}`;

/**
 * Files the lender's claim on every guarantee policy of the pledge that covers the day of the default. A policy
 * that gives no cover that day (never issued, declined, ended before it, no guarantee line) refuses the claim and is
 * passed over; so is a claim already filed, or nothing owed. Answers the claims filed now.
 */
export async function openGuaranteeClaims(
  store: Store,
  pledgeId: string,
  defaultedOn: IsoDate,
  at: Date,
): Promise<Claim[]> {
  const uc = jobContext(
    { db: store.db, tableName: store.tableName },
    businessDateClock(defaultedOn, () => at),
  );
  const pledge = await uc.engine.load<Pledge>('pledge', pledgeId);
  if (!pledge) return [];
  const owedFen = pledge.loan ? owedOn(pledge.loan, defaultedOn).totalFen : (pledge.approvedAmountFen ?? 0);
  const filed: Claim[] = [];
  for (const { policyId } of await guaranteesOf(uc, pledgeId)) {
    try {
      filed.push(
        await fileClaim(uc, SYSTEM_ACTOR, {
          policyId,
          claimId: guaranteeClaimId(pledgeId, policyId),
          input: {
            line: 'pledge_guarantee',
            claimedFen: owedFen,
            incidentDate: defaultedOn,
            description: `Pledge loan ${pledgeId} was declared in default on ${defaultedOn}; owed ${owedFen} fen.`,
          },
        }),
      );
    } catch (error) {
      // Filed before (the same id), no cover that day, or nothing owed: nothing to open on this policy.
      if (!isSettledRefusal(error)) throw error;
    }
  }
  return filed;
}

const LOSS_SHARE: Operation<ClaimStatus> = {
  name: 'share_loss',
  verb: 'follow the shared loss',
  roles: ['system'],
  // Once assessed, the insurer has decided the amount; the share is then its to apply.
  from: ['filed', 'under_investigation'],
  eventType: 'claim.loss_shared',
};

/**
 * After the disposal: each guarantee claim of the loan not yet assessed claims the insurer's share of the loss
 * (`lossSharing.insurerFen`) instead of what was owed at the default. Answers the claims changed now; a claim
 * already assessed, closed, or never opened is passed over, and a repeat changes nothing.
 */
export async function followLossSharing(
  store: Store,
  pledgeId: string,
  insurerFen: number,
  at: Date,
): Promise<Claim[]> {
  const uc = jobContext({ db: store.db, tableName: store.tableName }, fixedClock(at));
  const changed: Claim[] = [];
  for (const { policyId } of await guaranteesOf(uc, pledgeId)) {
    try {
      const outcome = await uc.engine.operate(
        CLAIM_SPEC,
        LOSS_SHARE,
        { actor: SYSTEM_ACTOR, id: guaranteeClaimId(pledgeId, policyId) },
        (claim) => {
          if (claim.claimedFen === insurerFen || insurerFen <= 0)
            throw invalidState('The claim already follows the shared loss.', claim.status);
          return {
            changes: { claimedFen: insurerFen, lossShareFen: insurerFen },
            data: { claimedFen: insurerFen, before: claim.claimedFen },
          };
        },
      );
      changed.push(outcome.after);
    } catch (error) {
      if (!isSettledRefusal(error)) throw error;
    }
  }
  return changed;
}
