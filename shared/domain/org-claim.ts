/**
 * A company's claim to its organisation (企业认领): someone who signed up at the identity provider with no
 * invitation says which enterprise (USCC) they act for; the IP office approves — which enrols them as that
 * enterprise's user — or rejects with a reason. Until then they reach only their own claim. Pure.
 *
 *   file → pending (the claimant);  pending → approve → approved, pending → reject → rejected (the office);
 *   pending → withdraw → withdrawn (the claimant).
 */
import type { Actor } from './actor.js';
import { StateMachine, type TransitionRow } from './state-machine.js';

export const ORG_CLAIM_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type OrgClaimStatus = (typeof ORG_CLAIM_STATUSES)[number];

export const ORG_CLAIM_ACTIONS = ['file', 'approve', 'reject', 'withdraw'] as const;
export type OrgClaimAction = (typeof ORG_CLAIM_ACTIONS)[number];

export interface OrgClaim {
  id: string;
  status: OrgClaimStatus;
  uscc: string;
  /** The claimant: the identity provider's subject and its verified e-mail address (if any). */
  sub: string;
  email: string | null;
  name: string | null;
  /** Why the office rejected it. */
  reason?: string;
  /** The user an approval enrolled. */
  userId?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type OrgClaimTransitionRow = TransitionRow<OrgClaimAction, OrgClaimStatus>;

export const ORG_CLAIM_MACHINE = new StateMachine<OrgClaimAction, OrgClaimStatus, OrgClaimTransitionRow>(
  [
    // A claimant acts as a would-be enterprise user: the directory has no entry for them yet.
    { action: 'file', roles: ['enterprise'], from: [null], to: 'pending' },
    { action: 'approve', roles: ['ipoffice'], from: ['pending'], to: 'approved' },
    { action: 'reject', roles: ['ipoffice'], from: ['pending'], to: 'rejected' },
    { action: 'withdraw', roles: ['enterprise'], from: ['pending'], to: 'withdrawn' },
  ],
  { file: 'filed', approve: 'approved', reject: 'rejected', withdraw: 'withdrawn' },
);

export const orgClaimEventType = (row: OrgClaimTransitionRow): string =>
  row.action === 'file' ? 'org_claim.filed' : `org_claim.${row.to}`;

/** The office sees every claim; a claimant its own (by the provider's subject, which only its token carries). */
export const maySeeOrgClaim = (actor: Actor, claim: OrgClaim): boolean =>
  actor.role === 'ipoffice' || (actor.sub !== undefined && actor.sub === claim.sub);
