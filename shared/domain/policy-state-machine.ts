/**
 * The policy and claim life cycles, each as ONE table run by the one state machine (`state-machine.ts`). The use
 * cases, the engine's effects (which assets gain or lose cover), the scheduled expiry and the tests read these
 * tables; nothing else encodes which role may move a policy or claim from which state to which.
 *
 * Policy:  apply → applied → issue → active → (scheduled) expire → expired
 *          applied → decline → declined;  applied | active → cancel → cancelled;  active → terminate → cancelled
 *          (a claim filing and a renewal are operations of the policy: they keep its status and order against it)
 * Claim:   file → filed → investigate → under_investigation → assess → assessed → pay_in_part → partially_paid
 *          … → pay_in_full → paid;  filed | under_investigation → settle → paid (assess and pay in one step);
 *          filed | under_investigation | assessed → deny → denied;  paid | denied → reopen → under_investigation
 *
 * A policy covers its assets (their `insuredBy` set holds the policy id) exactly while it is `active`.
 */
import type { ActorRole } from './actor.js';
import type { ClaimStatus, PolicyStatus } from './policy.js';
import { type Decision, type HistoryStep, type TransitionRow as Row, StateMachine } from './state-machine.js';

export const POLICY_ACTIONS = ['apply', 'issue', 'decline', 'cancel', 'terminate', 'expire'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const CLAIM_ACTIONS = [
  'file',
  'investigate',
  'assess',
  'pay_in_part',
  'pay_in_full',
  'settle',
  'deny',
  'reopen',
] as const;
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
  { action: 'terminate', roles: ['insurer'], from: ['active'], to: 'cancelled', event: 'policy.terminated' },
  { action: 'expire', roles: ['system'], from: ['active'], to: 'expired', event: 'policy.expired' },
];

export const CLAIM_TRANSITIONS: readonly ClaimRow[] = [
  // The system files the lender's guarantee claim when a guaranteed loan defaults.
  {
    action: 'file',
    roles: ['enterprise', 'lender', 'system'],
    from: [null],
    to: 'filed',
    event: 'claim.filed',
  },
  {
    action: 'investigate',
    roles: ['insurer'],
    from: ['filed'],
    to: 'under_investigation',
    event: 'claim.investigation_started',
  },
  {
    action: 'assess',
    roles: ['insurer'],
    from: ['under_investigation'],
    to: 'assessed',
    event: 'claim.assessed',
  },
  {
    action: 'pay_in_part',
    roles: ['insurer'],
    from: ['assessed', 'partially_paid'],
    to: 'partially_paid',
    event: 'claim.partially_paid',
  },
  {
    action: 'pay_in_full',
    roles: ['insurer'],
    from: ['assessed', 'partially_paid'],
    to: 'paid',
    event: 'claim.paid',
  },
  {
    action: 'settle',
    roles: ['insurer'],
    from: ['filed', 'under_investigation'],
    to: 'paid',
    event: 'claim.paid',
  },
  {
    action: 'deny',
    roles: ['insurer'],
    from: ['filed', 'under_investigation', 'assessed'],
    to: 'denied',
    event: 'claim.denied',
  },
  {
    action: 'reopen',
    roles: ['enterprise', 'lender'],
    from: ['paid', 'denied'],
    to: 'under_investigation',
    event: 'claim.reopened',
  },
];

/** Claims still being handled (the insurer's open queue; a reopened claim is open again). */
export const OPEN_CLAIM_STATUSES: readonly ClaimStatus[] = [
  'filed',
  'under_investigation',
  'assessed',
  'partially_paid',
];

export const POLICY_MACHINE = new StateMachine<PolicyAction, PolicyStatus, PolicyRow>(POLICY_TRANSITIONS, {
  apply: 'applied',
  issue: 'issued',
  decline: 'declined',
  cancel: 'cancelled',
  terminate: 'terminated',
  expire: 'expired',
});

export const CLAIM_MACHINE = new StateMachine<ClaimAction, ClaimStatus, ClaimRow>(CLAIM_TRANSITIONS, {
  file: 'filed',
  investigate: 'investigated',
  assess: 'assessed',
  pay_in_part: 'paid in part',
  pay_in_full: 'paid in full',
  settle: 'settled',
  deny: 'denied',
  reopen: 'reopened',
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
