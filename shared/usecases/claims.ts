/**
 * Claim use cases: list, read, settle and deny. A claim is filed as a transition of its policy (see
 * `fileClaim` in policies.ts); afterwards it runs on the engine as its own aggregate.
 */
import { type Actor, tenantOf } from '../domain/actor.js';
import { claimContribution, statsChange } from '../domain/contributions.js';
import { coverageOf, maxPaidBefore, remainingCover, settlementIssues } from '../domain/coverage.js';
import { conflict, notFound, unprocessable } from '../domain/errors.js';
import {
  type Claim,
  type ClaimStatus,
  type Coverage,
  type HistoryEvent,
  mayActOnPolicy,
  mayReadPolicy,
  type Policy,
  policyHistoryEvent,
} from '../domain/policy.js';
import { CLAIM_MACHINE, type ClaimAction, type ClaimRow } from '../domain/policy-state-machine.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import { policyKey } from '../store/keys.js';
import { claimIndexKeys, listScopeOf, PolicyRepository } from '../store/policy-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { toResource } from '../store/records.js';
import { statsWrites } from '../store/stats-facts.js';
import { type Item, increment } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec, Plan } from './engine.js';

/** The claim as the engine runs it; a settlement counts its claim-paid fact in its own transaction. */
export const CLAIM_SPEC: AggregateSpec<Claim, ClaimAction, ClaimRow> = {
  kind: 'claim',
  noun: 'claim',
  machine: CLAIM_MACHINE,
  eventType: (row) => row.event,
  maySee: mayReadPolicy,
  mayAct: mayActOnPolicy,
  audience: (c) => [
    tenantOf({ role: 'enterprise', org: c.holder }),
    tenantOf({ role: 'insurer', org: c.insurerId }),
  ],
  indexKeys: claimIndexKeys,
  effects: (before, after, _row, store) =>
    statsWrites(
      statsChange(before ? claimContribution(before) : {}, claimContribution(after)),
      store.tableName,
    ),
  onEffectFailed: (failure) =>
    failure.has('fact') ? conflict('The claim was settled concurrently; reload.') : undefined,
};

export function listClaims(
  uc: UseCaseContext,
  actor: Actor,
  status: ClaimStatus | undefined,
  page: PageRequest,
): Promise<Page<Claim>> {
  return new PolicyRepository(uc.store).listClaims(listScopeOf(actor), status, page);
}

/** The claim with its history, in one Query; anyone but the holder, the insurer and the office → 404. */
export async function getClaim(
  uc: UseCaseContext,
  actor: Actor,
  id: string,
): Promise<{ claim: Claim; history: HistoryEvent[] }> {
  const found = await uc.engine.loadWithHistory<Claim>('claim', id);
  if (!found || !mayReadPolicy(actor, found.agg)) throw notFound(`Claim ${id}`);
  return { claim: found.agg, history: found.history.map(policyHistoryEvent) };
}

/** Bodies of the claim actions (validated for shape at the edge). */
export interface ClaimActionBody {
  paidFen?: number;
  reason?: string;
}

/** Settle or deny a filed claim: the state machine decides, the claim rules compute, the engine persists. */
export async function actOnClaim(
  uc: UseCaseContext,
  actor: Actor,
  req: {
    id: string;
    action: ClaimAction & ('settle' | 'deny');
    body: ClaimActionBody;
    expectedVersion?: number | undefined;
  },
  idempotency?: IdempotencyRequest,
): Promise<Claim> {
  const outcome = await uc.engine.transition(
    CLAIM_SPEC,
    { actor, id: req.id, action: req.action, expectedVersion: req.expectedVersion, idempotency },
    (claim, { now }) =>
      req.action === 'settle'
        ? settlement(uc, claim, req.body.paidFen!, now)
        : {
            changes: { denyReason: req.body.reason!, deniedAt: now.toISOString() },
            data: { reason: req.body.reason! },
          },
  );
  return outcome.after;
}

/**
 * Pays a filed claim. The line's cap is enforced by DynamoDB, not by what this process read: in the settlement's
 * transaction the policy update is conditioned on `paid.<line> <= limit − paidFen`, so concurrent settlements can
 * never together exceed the cover. The policy's version is bumped (its `paid` changed) without a version
 * condition, so settlements of different claims do not conflict with each other.
 */
async function settlement(
  uc: UseCaseContext,
  claim: Claim,
  paidFen: number,
  now: Date,
): Promise<Plan<Claim>> {
  const coverage = claim.coverage ?? (await coverageFromPolicy(uc, claim));
  // What the claim alone decides is checked here; the remaining cover only DynamoDB knows for sure (below).
  const claimIssues = settlementIssues(coverage, 0, claim, paidFen);
  if (claimIssues.length > 0)
    throw unprocessable(`The settlement is refused: ${claimIssues.map((i) => i.message).join('; ')}.`, {
      errors: claimIssues,
    });
  const at = now.toISOString();
  return {
    changes: { paidFen, settledAt: at },
    data: { paidFen },
    writes: [
      {
        tag: 'cover',
        write: uc.store.update(
          policyKey(claim.policyId),
          { set: { [`paid.${claim.line}`]: increment(paidFen), updatedAt: at, version: increment(1) } },
          {
            expression: 'attribute_exists(pk) AND paid.#line <= :maxBefore',
            names: { '#line': claim.line },
            values: { ':maxBefore': maxPaidBefore(coverage, paidFen) },
          },
          { returnOld: true },
        ),
      },
    ],
    onFailed: (failure) => {
      const cover = failure.failed.find((f) => f.tag === 'cover');
      if (!cover) return undefined;
      if (!cover.old) return notFound(`Policy ${claim.policyId}`);
      return overCover(coverage, claim, paidFen, cover.old);
    },
  };
}

/** Claims filed before their cover was copied onto them read it from the policy (one more GetItem). */
async function coverageFromPolicy(uc: UseCaseContext, claim: Claim): Promise<Coverage> {
  const item = await uc.store.get(policyKey(claim.policyId));
  const coverage = item && coverageOf(toResource<Policy>(item), claim.line);
  if (!coverage) throw notFound(`Policy ${claim.policyId}`);
  return coverage;
}

/** The 422 for a payment over the line's remaining cover: every reason, with the remainder the policy had. */
function overCover(coverage: Coverage, claim: Claim, paidFen: number, policy: Item) {
  const paidSoFar = ((policy.paid ?? {}) as Policy['paid'])[coverage.line] ?? 0;
  const issues = settlementIssues(coverage, paidSoFar, claim, paidFen);
  return unprocessable(`The settlement is refused: ${issues.map((i) => i.message).join('; ')}.`, {
    remainingFen: remainingCover(coverage, paidSoFar),
    errors: issues,
  });
}
