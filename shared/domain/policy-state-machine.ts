/**
 * The policy and claim life cycles, each as ONE table run by the one state machine (`state-machine.ts`). The use
 * cases, the engine's effects (which assets gain or lose cover), the scheduled expiry and the tests read these
 * tables; nothing else encodes which role may move a policy or claim from which state to which.
 *
 * Policy:  apply → applied → issue → active → (scheduled) expire → expired
 *          applied → decline → declined;  applied | active → cancel → cancelled
 *          active → file_claim → active   (a claim filing is a policy event: it orders claims against expiry)
 * Claim:   file → filed → settle → paid | deny → denied
 *
 * A policy covers its assets (their `insuredBy` set holds the policy id) exactly while it is `active`.
 */
import type { ActorRole } from './actor.js';
import type { ClaimStatus, PolicyStatus } from './policy.js';
import { type Decision, type HistoryStep, type TransitionRow as Row, StateMachine } from './state-machine.js';

export const POLICY_ACTIONS = ['apply', 'issue', 'decline', 'cancel', 'expire', 'file_claim'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const CLAIM_ACTIONS = ['file', 'settle', 'deny'] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

export interface PolicyRow extends Row<PolicyAction, PolicyStatus> {
  /** The domain event the transition publishes. */
  event: string;
}

export interface ClaimRow extends Row<ClaimAction, ClaimStatus> {
  event: string;
}

export const POLICY_TRANSITIONS: readonly PolicyRow[] = [
  { action: 'apply', roles: ['enterprise'], from: [null], to: 'applied', event: 'policy.applied' },
  { action: 'issue', roles: ['insurer'], from: ['applied'], to: 'active', event: 'policy.issued' },
  { action: 'decline', roles: ['insurer'], from: ['applied'], to: 'declined', event: 'policy.declined' },
  {
    action: 'cancel',
    roles: ['enterprise'],
    from: ['applied', 'active'],
    to: 'cancelled',
    event: 'policy.cancelled',
  },
  { action: 'expire', roles: ['system'], from: ['active'], to: 'expired', event: 'policy.expired' },
  {
    action: 'file_claim',
    roles: ['enterprise'],
    from: ['active'],
    to: 'active',
    event: 'policy.claim_filed',
  },
];

export const CLAIM_TRANSITIONS: readonly ClaimRow[] = [
  { action: 'file', roles: ['enterprise'], from: [null], to: 'filed', event: 'claim.filed' },
  { action: 'settle', roles: ['insurer'], from: ['filed'], to: 'paid', event: 'claim.paid' },
  { action: 'deny', roles: ['insurer'], from: ['filed'], to: 'denied', event: 'claim.denied' },
];

export const POLICY_MACHINE = new StateMachine<PolicyAction, PolicyStatus, PolicyRow>(POLICY_TRANSITIONS, {
  apply: 'applied',
  issue: 'issued',
  decline: 'declined',
  cancel: 'cancelled',
  expire: 'expired',
  file_claim: 'claimed against',
});

export const CLAIM_MACHINE = new StateMachine<ClaimAction, ClaimStatus, ClaimRow>(CLAIM_TRANSITIONS, {
  file: 'filed',
  settle: 'settled',
  deny: 'denied',
});

const outcome = <S>(d: Decision<{ to: S }>) => (d.ok ? { ok: true as const, to: d.row.to } : d);

/** Whether `role` may take `action` from `status`, with the target state. */
export const policyTransition = (status: PolicyStatus | null, action: PolicyAction, role: ActorRole) =>
  outcome(POLICY_MACHINE.decide(status, action, role));

export const claimTransition = (status: ClaimStatus | null, action: ClaimAction, role: ActorRole) =>
  outcome(CLAIM_MACHINE.decide(status, action, role));

/** A policy puts its id into its assets' `insuredBy` exactly while active. */
export const insuresAssets = (status: PolicyStatus | null): boolean => status === 'active';

/** What a transition does to the covered assets' `insuredBy` sets. */
export function insuredByEffect(from: PolicyStatus | null, to: PolicyStatus): 'add' | 'delete' | 'keep' {
  if (insuresAssets(from) === insuresAssets(to)) return 'keep';
  return insuresAssets(to) ? 'add' : 'delete';
}

export const policyActionsFrom = (status: PolicyStatus): PolicyAction[] => POLICY_MACHINE.actionsFrom(status);

export const replayPolicy = (history: readonly HistoryStep[]) => POLICY_MACHINE.replay(history);
export const replayClaim = (history: readonly HistoryStep[]) => CLAIM_MACHINE.replay(history);
