/**
 * The policy and claim life cycles, each as ONE table. Routes, the repository, the scheduled expiry and the tests
 * read these tables; nothing else encodes which role may move a policy or claim from which state to which.
 *
 * Policy:  apply → applied → issue → active → (scheduled) expire → expired
 *          applied → decline → declined;  applied | active → cancel → cancelled
 *          active → file_claim → active   (a claim filing is a policy event: it orders claims against expiry)
 * Claim:   file → filed → settle → paid | deny → denied
 *
 * A policy covers its assets (their `insuredBy` set holds the policy id) exactly while it is `active`.
 */
import type { ActorRole, ClaimStatus, PolicyStatus } from './policy.js';

export const POLICY_ACTIONS = ['apply', 'issue', 'decline', 'cancel', 'expire', 'file_claim'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const CLAIM_ACTIONS = ['file', 'settle', 'deny'] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

export interface TransitionRow<A extends string, S extends string> {
  action: A;
  roles: readonly ActorRole[];
  /** `null` = the resource does not exist yet. */
  from: readonly (S | null)[];
  to: S;
}

export const POLICY_TRANSITIONS: readonly TransitionRow<PolicyAction, PolicyStatus>[] = [
  { action: 'apply', roles: ['enterprise'], from: [null], to: 'applied' },
  { action: 'issue', roles: ['insurer'], from: ['applied'], to: 'active' },
  { action: 'decline', roles: ['insurer'], from: ['applied'], to: 'declined' },
  { action: 'cancel', roles: ['enterprise'], from: ['applied', 'active'], to: 'cancelled' },
  { action: 'expire', roles: ['system'], from: ['active'], to: 'expired' },
  { action: 'file_claim', roles: ['enterprise'], from: ['active'], to: 'active' },
];

export const CLAIM_TRANSITIONS: readonly TransitionRow<ClaimAction, ClaimStatus>[] = [
  { action: 'file', roles: ['enterprise'], from: [null], to: 'filed' },
  { action: 'settle', roles: ['insurer'], from: ['filed'], to: 'paid' },
  { action: 'deny', roles: ['insurer'], from: ['filed'], to: 'denied' },
];

export type TransitionResult<S> = { ok: true; to: S } | { ok: false; error: 'forbidden' | 'invalid_state' };

/**
 * Whether `role` may take `action` from `status`. A wrong role is reported before a wrong state, so a caller never
 * learns a resource's state from an action it may not take at all. Whether the caller is THE holder or THE
 * addressed insurer is a separate tenant check that answers 404.
 */
function decide<A extends string, S extends string>(
  table: readonly TransitionRow<A, S>[],
  status: S | null,
  action: A,
  role: ActorRole,
): TransitionResult<S> {
  const row = table.find((r) => r.action === action);
  if (!row?.roles.includes(role)) return { ok: false, error: 'forbidden' };
  if (!row.from.includes(status)) return { ok: false, error: 'invalid_state' };
  return { ok: true, to: row.to };
}

export const policyTransition = (status: PolicyStatus | null, action: PolicyAction, role: ActorRole) =>
  decide(POLICY_TRANSITIONS, status, action, role);

export const claimTransition = (status: ClaimStatus | null, action: ClaimAction, role: ActorRole) =>
  decide(CLAIM_TRANSITIONS, status, action, role);

/** A policy puts its id into its assets' `insuredBy` exactly while active. */
export const insuresAssets = (status: PolicyStatus | null): boolean => status === 'active';

/** What a transition does to the covered assets' `insuredBy` sets. */
export function insuredByEffect(from: PolicyStatus | null, to: PolicyStatus): 'add' | 'delete' | 'keep' {
  if (insuresAssets(from) === insuresAssets(to)) return 'keep';
  return insuresAssets(to) ? 'add' : 'delete';
}

export const policyActionsFrom = (status: PolicyStatus): PolicyAction[] =>
  POLICY_TRANSITIONS.filter((r) => r.from.includes(status)).map((r) => r.action);

export interface HistoryStep {
  action: string;
  actor: { role: ActorRole };
  from?: string | null;
  to?: string;
}

function replayTable<A extends string, S extends string>(
  table: readonly TransitionRow<A, S>[],
  history: readonly HistoryStep[],
): S | null {
  let status: S | null = null;
  history.forEach((step, i) => {
    const result = decide(table, status, step.action as A, step.actor.role);
    if (!result.ok)
      throw new Error(
        `history step ${i} (${step.action} by ${step.actor.role} from ${status}): ${result.error}`,
      );
    if (step.from !== undefined && step.from !== status)
      throw new Error(`history step ${i} records from=${step.from} but the resource was ${status}`);
    if (step.to !== undefined && step.to !== result.to)
      throw new Error(`history step ${i} records to=${step.to} but ${step.action} leads to ${result.to}`);
    status = result.to;
  });
  return status;
}

/** Re-runs a stored history through the table; throws when a step is not a legal transition. */
export const replayPolicy = (history: readonly HistoryStep[]) => replayTable(POLICY_TRANSITIONS, history);
export const replayClaim = (history: readonly HistoryStep[]) => replayTable(CLAIM_TRANSITIONS, history);
