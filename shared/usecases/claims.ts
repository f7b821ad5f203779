/**
 * Claim use cases: list, read and handle — investigate, assess, pay (in part or in full), settle (assess and pay
 * in one step), deny, reopen. A claim is filed as an operation of its policy (see `fileClaim` in policies.ts);
 * afterwards it runs on the engine as its own aggregate.
 */
import { type Actor, tenantOf } from '../domain/actor.js';
import { claimContribution, statsChange } from '../domain/contributions.js';
import {
  amountIssues,
  coverageOf,
  maxPaidBefore,
  payableFen,
  paymentIssues,
  remainingCover,
  reopenIssues,
} from '../domain/coverage.js';
import { conflict, type FieldIssue, forbidden, notFound, unprocessable } from '../domain/errors.js';
import {
  type Claim,
  type ClaimStatus,
  type Coverage,
  type HistoryEvent,
  mayActOnPolicy,
  mayReadPolicy,
  type Policy,
  paymentsOf,
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
import { nameActors, type WithActorName } from './actor-names.js';
import { type Checklist, startChecklist } from './checklists.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec, Operation, Plan } from './engine.js';

/** The claim as the engine runs it; each payment counts its claim-paid fact in its own transaction. */
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
    ...(c.beneficiaryLenderId ? [tenantOf({ role: 'lender', org: c.beneficiaryLenderId })] : []),
  ],
  indexKeys: claimIndexKeys,
  effects: (before, after, _row, store) =>
    statsWrites(
      statsChange(before ? claimContribution(before) : {}, claimContribution(after)),
      store.tableName,
    ),
  onEffectFailed: (failure) =>
    failure.has('fact') ? conflict('The claim was paid concurrently; reload.') : undefined,
};

export function listClaims(
  uc: UseCaseContext,
  actor: Actor,
  status: ClaimStatus | undefined,
  page: PageRequest,
): Promise<Page<Claim>> {
  const repo = new PolicyRepository(uc.store);
  // A bank's list: the guarantee claims it benefits from.
  if (actor.role === 'lender')
    // Stryker disable next-line LogicalOperator,StringLiteral: a lender user always has an organisation (user.ts `org_required`), so the fallback is never taken
    return repo.listLenderClaims(actor.org ?? '', status, page);
  return repo.listClaims(listScopeOf(actor), status, page);
}

/**
 * The claim with its history, in one Query, and its actors' names in one BatchGet (a claim keeps its parties'
 * codes, not their names); anyone but its parties and the office → 404.
 */
export async function getClaim(
  uc: UseCaseContext,
  actor: Actor,
  id: string,
): Promise<{ claim: Claim; history: WithActorName<HistoryEvent>[] }> {
  const found = await uc.engine.loadWithHistory<Claim>('claim', id);
  if (!found || !mayReadPolicy(actor, found.agg)) throw notFound(`Claim ${id}`);
  const history = await nameActors(uc, found.history.map(policyHistoryEvent), new Map());
  return { claim: found.agg, history };
}

/** Bodies of the claim actions (validated for shape at the edge). */
export interface ClaimActionBody {
  reserveFen?: number;
  approvedFen?: number;
  amountFen?: number;
  paidFen?: number;
  reason?: string;
}

export type ClaimStep = 'investigate' | 'assess' | 'settle' | 'deny' | 'reopen';

const refused = (what: string, issues: FieldIssue[], extra: Record<string, unknown> = {}) =>
  unprocessable(`${what}: ${issues.map((i) => i.message).join('; ')}.`, { ...extra, errors: issues });

/** One step of the claim's handling: the state machine decides who and from where, the rules compute. */
export async function actOnClaim(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; action: ClaimStep; body: ClaimActionBody; expectedVersion?: number | undefined },
  idempotency?: IdempotencyRequest,
): Promise<Claim> {
  const evidence =
    req.action === 'settle' ? startChecklist(uc, 'claim.settle', { kind: 'claim', id: req.id }) : undefined;
  const outcome = await uc.engine.transition(
    CLAIM_SPEC,
    { actor, id: req.id, action: req.action, expectedVersion: req.expectedVersion, idempotency },
    async (claim, { now }) => {
      const today = uc.clock.today();
      const { body } = req;
      switch (req.action) {
        case 'investigate': {
          if (body.reserveFen === undefined) return {};
          const coverage = await coverageOfClaim(uc, claim);
          const issues = amountIssues(coverage, claim, 'reserveFen', body.reserveFen);
          if (issues.length > 0) throw refused('The reserve is refused', issues);
          return { changes: { reserveFen: body.reserveFen }, data: { reserveFen: body.reserveFen } };
        }
        case 'assess': {
          const approvedFen = body.approvedFen!;
          const coverage = await coverageOfClaim(uc, claim);
          const paid = claim.paidFen ?? 0;
          const issues = amountIssues(coverage, claim, 'approvedFen', approvedFen);
          if (approvedFen < paid)
            issues.push({
              path: 'approvedFen',
              code: 'below_paid',
              params: { paidFen: paid },
              message: `must not be less than the ${paid} fen already paid on the claim`,
            });
          if (issues.length > 0) throw refused('The assessment is refused', issues);
          return {
            changes: { approvedFen, reserveFen: approvedFen - paid, assessedAt: now.toISOString() },
            data: { approvedFen },
          };
        }
        case 'settle': {
          // v1's one step: the approved amount is what is paid now.
          const paidFen = body.paidFen!;
          const coverage = await coverageOfClaim(uc, claim);
          const plan = withEvidence(
            await evidence!,
            payment(uc, claim, coverage, 'paidFen', paidFen, now, {
              approvedFen: payableFen(coverage, claim.claimedFen),
            }),
          );
          const approvedFen = (claim.paidFen ?? 0) + paidFen;
          return { ...plan, changes: { ...plan.changes, approvedFen, reserveFen: 0, closedOn: today } };
        }
        case 'deny':
          return {
            changes: {
              denyReason: body.reason!,
              deniedAt: now.toISOString(),
              reserveFen: 0,
              closedOn: today,
            },
            data: { reason: body.reason! },
          };
        case 'reopen': {
          const claimant = claim.claimant ?? { role: 'enterprise' as const, org: claim.holder };
          if (actor.role !== claimant.role)
            throw forbidden(`Only the claimant (the ${claimant.role}) may reopen the claim.`);
          const issues = reopenIssues(claim, today);
          if (issues.length > 0) throw refused('The claim can no longer be reopened', issues);
          return {
            changes: { reopenReason: body.reason!, closedOn: undefined, denyReason: undefined },
            data: { reason: body.reason! },
          };
        }
      }
    },
  );
  return outcome.after;
}

const PAYMENT: Operation<ClaimStatus> = {
  name: 'pay',
  verb: 'be paid',
  roles: ['insurer'],
  from: ['assessed', 'partially_paid'],
  eventType: 'claim.partially_paid',
};

/** A payment on an assessed claim: in part (→ partially_paid) or of the rest of the approved amount (→ paid). */
export async function payClaim(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; amountFen: number; expectedVersion?: number | undefined },
  idempotency?: IdempotencyRequest,
): Promise<Claim> {
  const evidence = startChecklist(uc, 'claim.pay', { kind: 'claim', id: req.id });
  const outcome = await uc.engine.operate(
    CLAIM_SPEC,
    PAYMENT,
    { actor, id: req.id, expectedVersion: req.expectedVersion, idempotency },
    async (claim, { now }) => {
      const coverage = await coverageOfClaim(uc, claim);
      const plan = withEvidence(
        await evidence,
        payment(uc, claim, coverage, 'amountFen', req.amountFen, now, {
          approvedFen: claim.approvedFen ?? 0,
        }),
      );
      const full = (claim.paidFen ?? 0) + req.amountFen === claim.approvedFen;
      return {
        ...plan,
        changes: { ...plan.changes, ...(full ? { closedOn: uc.clock.today() } : {}) },
        completes: full ? 'pay_in_full' : 'pay_in_part',
      };
    },
  );
  return outcome.after;
}

/** A payment needs the claim's evidence (422 `document_missing`), held in place by the payment's transaction. */
function withEvidence(evidence: Checklist, plan: Plan<Claim>): Plan<Claim> {
  const writes = evidence.writes();
  return {
    ...plan,
    writes: [
      // Stryker disable next-line ArrayDeclaration: `payment` always plans its cover write, so the fallback is never taken
      ...(plan.writes ?? []),
      ...writes,
    ],
    // Stryker disable next-line OptionalChaining: `payment` always plans an onFailed, so the optional call never short-circuits
    onFailed: (failure) => evidence.onFailed(failure) ?? plan.onFailed?.(failure),
  };
}

/**
 * Pays `amountFen` on a claim. The line's aggregate is enforced by DynamoDB, not by what this process read: in the
 * payment's transaction the policy update is conditioned on `paid.<line> <= sumInsured − amount`, so concurrent
 * payments on the line's claims can never together exceed the cover. The policy's version is bumped (its `paid`
 * changed) without a version condition, so payments on different claims do not conflict with each other; two
 * payments on the same claim are ordered by the claim's own version.
 */
function payment(
  uc: UseCaseContext,
  claim: Claim,
  coverage: Coverage,
  field: 'amountFen' | 'paidFen',
  amountFen: number,
  now: Date,
  limits: { approvedFen: number },
): Plan<Claim> {
  const paidBefore = claim.paidFen ?? 0;
  const onClaim = { approvedFen: limits.approvedFen, paidFen: paidBefore };
  // What the claim alone decides is checked here; the remaining cover only DynamoDB knows for sure (below).
  const issues = paymentIssues(coverage, field, onClaim, 0, amountFen);
  if (issues.length > 0) throw refused('The payment is refused', issues);
  const at = now.toISOString();
  const paidFen = paidBefore + amountFen;
  return {
    changes: {
      paidFen,
      payments: [...paymentsOf(claim), { at, on: uc.clock.today(), amountFen }],
      reserveFen: Math.max(0, limits.approvedFen - paidFen),
      settledAt: at,
    },
    data: { [field]: amountFen, ...(field === 'amountFen' ? { paidFen } : {}) },
    writes: [
      {
        tag: 'cover',
        write: uc.store.update(
          policyKey(claim.policyId),
          { set: { [`paid.${claim.line}`]: increment(amountFen), updatedAt: at, version: increment(1) } },
          {
            expression: 'attribute_exists(pk) AND paid.#line <= :maxBefore',
            names: { '#line': claim.line },
            values: { ':maxBefore': maxPaidBefore(coverage, amountFen) },
          },
          { returnOld: true },
        ),
      },
    ],
    onFailed: (failure) => {
      const cover = failure.failed.find((f) => f.tag === 'cover');
      if (!cover) return undefined;
      if (!cover.old) return notFound(`Policy ${claim.policyId}`);
      return overCover(coverage, field, onClaim, amountFen, cover.old);
    },
  };
}

/** The claimed line's cover, copied onto the claim at filing; older claims read it from the policy. */
async function coverageOfClaim(uc: UseCaseContext, claim: Claim): Promise<Coverage> {
  if (claim.coverage) return claim.coverage;
  const item = await uc.store.get(policyKey(claim.policyId));
  const coverage = item && coverageOf(toResource<Policy>(item), claim.line);
  if (!coverage) throw notFound(`Policy ${claim.policyId}`);
  return coverage;
}

/** The 422 for a payment over the line's remaining cover: every reason, with the remainder the policy had. */
function overCover(
  coverage: Coverage,
  field: 'amountFen' | 'paidFen',
  onClaim: { approvedFen: number; paidFen: number },
  amountFen: number,
  policy: Item,
) {
  const linePaid = ((policy.paid ?? {}) as Policy['paid'])[coverage.line] ?? 0;
  return refused('The payment is refused', paymentIssues(coverage, field, onClaim, linePaid, amountFen), {
    remainingFen: remainingCover(coverage, linePaid),
  });
}
