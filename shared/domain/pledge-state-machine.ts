/**
 * The pledge-loan life cycle as ONE table. The HTTP layer, the repository (which assets to hold or free) and the
 * tests all read this table; nothing else encodes which role may move a pledge from which state to which.
 *
 *   submit → submitted → review → under_review → approve → approved → register → registered → disburse → active
 *   active → repay → repaid | default → defaulted;  repaid/defaulted → release → released
 *   side exits: withdraw (submitted/under_review/approved), reject (under_review), refuse (approved)
 *
 * Assets are held from `submitted` until `withdrawn`, `rejected`, `registration_refused` or `released`.
 */
import type { Role } from '../auth/principal.js';

export const PLEDGE_STATUSES = [
  'submitted',
  'under_review',
  'approved',
  'rejected',
  'withdrawn',
  'registered',
  'registration_refused',
  'active',
  'repaid',
  'defaulted',
  'released',
] as const;
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];

export const PLEDGE_ACTIONS = [
  'submit',
  'review',
  'approve',
  'reject',
  'withdraw',
  'register',
  'refuse',
  'disburse',
  'repay',
  'default',
  'release',
] as const;
export type PledgeAction = (typeof PLEDGE_ACTIONS)[number];

/** What a transition does to the pledged assets' `encumbrance`. */
export type AssetEffect = 'hold' | 'free' | 'keep';

export interface TransitionRow {
  action: PledgeAction;
  roles: readonly Role[];
  /** `null` = the pledge does not exist yet (only `submit`). */
  from: readonly (PledgeStatus | null)[];
  to: PledgeStatus;
  holdsAssets: AssetEffect;
}

export const PLEDGE_TRANSITIONS: readonly TransitionRow[] = [
  { action: 'submit', roles: ['enterprise'], from: [null], to: 'submitted', holdsAssets: 'hold' },
  { action: 'review', roles: ['lender'], from: ['submitted'], to: 'under_review', holdsAssets: 'keep' },
  { action: 'approve', roles: ['lender'], from: ['under_review'], to: 'approved', holdsAssets: 'keep' },
  { action: 'reject', roles: ['lender'], from: ['under_review'], to: 'rejected', holdsAssets: 'free' },
  {
    action: 'withdraw',
    roles: ['enterprise'],
    from: ['submitted', 'under_review', 'approved'],
    to: 'withdrawn',
    holdsAssets: 'free',
  },
  { action: 'register', roles: ['ipoffice'], from: ['approved'], to: 'registered', holdsAssets: 'keep' },
  {
    action: 'refuse',
    roles: ['ipoffice'],
    from: ['approved'],
    to: 'registration_refused',
    holdsAssets: 'free',
  },
  { action: 'disburse', roles: ['lender'], from: ['registered'], to: 'active', holdsAssets: 'keep' },
  { action: 'repay', roles: ['lender'], from: ['active'], to: 'repaid', holdsAssets: 'keep' },
  { action: 'default', roles: ['lender'], from: ['active'], to: 'defaulted', holdsAssets: 'keep' },
  {
    action: 'release',
    roles: ['ipoffice'],
    from: ['repaid', 'defaulted'],
    to: 'released',
    holdsAssets: 'free',
  },
];

const ROWS = new Map(PLEDGE_TRANSITIONS.map((row) => [row.action, row]));

export const transitionRow = (action: PledgeAction): TransitionRow => ROWS.get(action)!;

export type TransitionResult =
  | { ok: true; to: PledgeStatus; holdsAssets: AssetEffect }
  | { ok: false; error: 'forbidden' | 'invalid_state' };

/**
 * Whether `role` may take `action` on a pledge in `status`. A wrong role is reported before a wrong state, so a
 * caller never learns a pledge's state from an action it may not take at all. Whether the caller is THE
 * applicant or THE addressed lender is a separate (tenant) check that answers 404.
 */
export function transition(status: PledgeStatus | null, action: PledgeAction, role: Role): TransitionResult {
  const row = ROWS.get(action);
  if (!row?.roles.includes(role)) return { ok: false, error: 'forbidden' };
  if (!row.from.includes(status)) return { ok: false, error: 'invalid_state' };
  return { ok: true, to: row.to, holdsAssets: row.holdsAssets };
}

/** States in which a pledge no longer holds its assets: the targets of the freeing transitions. */
export const FREEING_STATUSES: ReadonlySet<PledgeStatus> = new Set(
  PLEDGE_TRANSITIONS.filter((r) => r.holdsAssets === 'free').map((r) => r.to),
);

/** An open application or an unreleased pledge: its assets are encumbered. */
export const holdsAssets = (status: PledgeStatus): boolean => !FREEING_STATUSES.has(status);

/** Actions allowed from a state (for the API's `allowedActions` hint and for tests). */
export const actionsFrom = (status: PledgeStatus): PledgeAction[] =>
  PLEDGE_TRANSITIONS.filter((r) => r.from.includes(status)).map((r) => r.action);

export interface HistoryStep {
  action: PledgeAction;
  actor: { role: Role };
  from?: PledgeStatus | null;
  to?: PledgeStatus;
}

/**
 * Re-runs a pledge's history through the table and returns the final status. Throws when a step is not a legal
 * transition or disagrees with the `from`/`to` it recorded: a stored history must be explainable by the table.
 */
export function replay(history: readonly HistoryStep[]): PledgeStatus | null {
  let status: PledgeStatus | null = null;
  history.forEach((step, i) => {
    const result = transition(status, step.action, step.actor.role);
    if (!result.ok)
      throw new Error(
        `history step ${i} (${step.action} by ${step.actor.role} from ${status}): ${result.error}`,
      );
    if (step.from !== undefined && step.from !== status)
      throw new Error(`history step ${i} records from=${step.from} but the pledge was ${status}`);
    if (step.to !== undefined && step.to !== result.to)
      throw new Error(`history step ${i} records to=${step.to} but ${step.action} leads to ${result.to}`);
    status = result.to;
  });
  return status;
}
