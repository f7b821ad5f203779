/**
 * Company onboarding: someone signed in with no directory entry claims an enterprise by its USCC; the office
 * approves (enrolling them as that enterprise's user, in the same transaction) or rejects with a reason.
 */
import type { Identity } from '../auth/principal.js';
import type { Actor } from '../domain/actor.js';
import { conflict, notFound, unprocessable } from '../domain/errors.js';
import {
  maySeeOrgClaim,
  ORG_CLAIM_MACHINE,
  type OrgClaim,
  type OrgClaimAction,
  type OrgClaimStatus,
  type OrgClaimTransitionRow,
  orgClaimEventType,
} from '../domain/org-claim.js';
import { checkUscc } from '../domain/uscc.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import { byStatusSortKey, openOrgClaimKey, partitions } from '../store/keys.js';
import { type Page, type PageRequest, queryPage } from '../store/query-page.js';
import { ABSENT, type Store, type TxItem } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec } from './engine.js';
import { enrolmentWrites, forgetSubject, newUser } from './users.js';

/**
 * The open-claim lock: one pending claim per identity, taken on filing and freed when the claim is decided — by any
 * step after filing, as each (approve, reject, withdraw) leads from `pending` to a final status.
 */
const lockEffects = (before: OrgClaim | null, after: OrgClaim, store: Store): TxItem[] =>
  before
    ? // Stryker disable next-line StringLiteral: an unconditional delete never fails, so its tag is never read.
      [{ tag: 'open', write: store.remove(openOrgClaimKey(after.sub)) }]
    : [{ tag: 'open', write: store.put({ ...openOrgClaimKey(after.sub), claimId: after.id }, ABSENT) }];

export const ORG_CLAIM_SPEC: AggregateSpec<OrgClaim, OrgClaimAction, OrgClaimTransitionRow> = {
  kind: 'org_claim',
  noun: 'organisation claim',
  machine: ORG_CLAIM_MACHINE,
  eventType: orgClaimEventType,
  maySee: maySeeOrgClaim,
  // Only the office reads the feed of claims; the claimant reads its claim itself.
  audience: () => [],
  indexKeys: (c) => ({
    gsi1pk: partitions.claimantClaims(c.sub),
    gsi1sk: c.createdAt,
    gsi3pk: partitions.orgClaims,
    gsi3sk: byStatusSortKey(c),
  }),
  effects: (before, after, _row, store) => lockEffects(before, after, store),
  onEffectFailed: (failure) =>
    failure.has('open')
      ? conflict('You have a claim pending already; wait for the office or withdraw it.', {
          errors: [{ path: 'uscc', code: 'claim_pending', message: 'a claim of yours is pending' }],
        })
      : undefined,
};

/** The claimant as an actor: a would-be enterprise user, known only by its identity. */
export const claimantActor = (identity: Identity): Actor => ({
  role: 'enterprise',
  org: null,
  sub: identity.sub,
});

/** Files a claim; someone already in the directory has nothing to claim. */
export async function fileOrgClaim(
  uc: UseCaseContext,
  identity: Identity,
  member: boolean,
  input: { uscc: string },
  idempotency?: IdempotencyRequest,
): Promise<OrgClaim> {
  if (member)
    throw conflict('You are a portal user already; an organisation claim is for new sign-ups.', {
      errors: [{ path: 'uscc', code: 'already_member', message: 'you already belong to an organisation' }],
    });
  const check = checkUscc(input.uscc);
  if (!check.ok)
    throw unprocessable('The claim was refused.', {
      errors: [{ path: 'uscc', code: 'invalid_uscc', message: check.reason }],
    });
  const now = uc.clock.now().toISOString();
  const claim: OrgClaim = {
    id: uc.newId(),
    status: 'pending',
    uscc: check.uscc,
    sub: identity.sub,
    email: identity.emailVerified ? identity.email : null,
    name: identity.name,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const outcome = await uc.engine.create(
    ORG_CLAIM_SPEC,
    { actor: claimantActor(identity), action: 'file', idempotency },
    claim,
    { data: { uscc: claim.uscc } },
  );
  return outcome.after;
}

/**
 * A step on a pending claim: the office approves — the claim and the claimant's enrolment as the enterprise's user in
 * one transaction — or rejects with the reason the claimant reads; the claimant withdraws.
 */
export async function decideOrgClaim(
  uc: UseCaseContext,
  actor: Actor,
  req: {
    id: string;
    action: 'approve' | 'reject' | 'withdraw';
    reason?: string | undefined;
    expectedVersion?: number | undefined;
    idempotency?: IdempotencyRequest | undefined;
  },
): Promise<OrgClaim> {
  const { after } = await uc.engine.transition(
    ORG_CLAIM_SPEC,
    {
      actor,
      id: req.id,
      action: req.action,
      expectedVersion: req.expectedVersion,
      idempotency: req.idempotency,
    },
    (claim) => {
      if (req.action !== 'approve')
        return req.reason ? { changes: { reason: req.reason }, data: { reason: req.reason } } : {};
      const user = newUser(uc, actor, {
        sub: claim.sub,
        email: claim.email,
        name: claim.name,
        role: 'enterprise',
        org: claim.uscc,
      });
      return {
        changes: { userId: user.id },
        data: { uscc: claim.uscc, userId: user.id },
        writes: enrolmentWrites(uc, actor, user),
        onFailed: (failure) =>
          failure.has('also:subject')
            ? conflict('The claimant has become a portal user meanwhile; reject this claim instead.', {
                errors: [{ path: 'id', code: 'already_member', message: 'the claimant is a user already' }],
              })
            : undefined,
      };
    },
  );
  // The claimant acts for the enterprise from its next request on this instance.
  if (req.action === 'approve') forgetSubject(uc, after.sub);
  return after;
}

export async function getOrgClaim(uc: UseCaseContext, actor: Actor, id: string): Promise<OrgClaim> {
  const claim = await uc.engine.load<OrgClaim>('org_claim', id);
  if (!claim || !maySeeOrgClaim(actor, claim)) throw notFound(`Organisation claim ${id}`);
  return claim;
}

/** The office reads the queue (by status); a claimant its own claims, newest first. */
export async function listOrgClaims(
  uc: UseCaseContext,
  actor: Actor,
  status: OrgClaimStatus | undefined,
  page: PageRequest,
): Promise<Page<OrgClaim>> {
  const office = actor.role === 'ipoffice';
  return queryPage<OrgClaim>({
    db: uc.store.db,
    tableName: uc.store.tableName,
    index: office ? 'gsi3' : 'gsi1',
    partition: office ? partitions.orgClaims : partitions.claimantClaims(actor.sub ?? ''),
    ...(office && status ? { sortPrefix: `${status}#` } : {}),
    newestFirst: !office,
    page,
  });
}
