/**
 * The pledge-loan life cycle as ONE table, run by the one state machine (`state-machine.ts`). The use cases, the
 * engine's effects (which assets to hold or free) and the tests all read this table; nothing else encodes which role may move a pledge from which state to which.
 *
 *   submit → submitted → review → under_review → approve → approved → register → registered → disburse → active
 *   active → repay → repaid | default → defaulted → dispose → disposed;  repaid/disposed → release → released
 *   (from defaulted only with an explicit waiver: see disposal.ts)
 *   side exits: withdraw (submitted/under_review/approved), reject (under_review), refuse (approved)
 *
 * Assets are held from `submitted` until `withdrawn`, `rejected`, `registration_refused` or `released`.
 */
import type { Role } from '../auth/principal.js';
import type { ActorRole } from './actor.js';
import { type HistoryStep, type TransitionRow as Row, StateMachine } from './state-machine.js';

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
  'disposed',
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
  'dispose',
  'release',
] as const;
export type PledgeAction = (typeof PLEDGE_ACTIONS)[number];

/** What a transition does to the pledged assets' `encumbrance`. */
export type AssetEffect = 'hold' | 'free' | 'keep';

export interface TransitionRow extends Row<PledgeAction, PledgeStatus> {
  /** People only: no job moves a pledge. */
  roles: readonly Role[];
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
  { action: 'dispose', roles: ['lender'], from: ['defaulted'], to: 'disposed', holdsAssets: 'keep' },
  {
    action: 'release',
    roles: ['ipoffice'],
    from: ['repaid', 'defaulted', 'disposed'],
    to: 'released',
    holdsAssets: 'free',
  },
];

const PAST: Record<PledgeAction, string> = {
  submit: 'submitted',
  review: 'reviewed',
  approve: 'approved',
  reject: 'rejected',
  withdraw: 'withdrawn',
  register: 'registered',
  refuse: 'refused registration',
  disburse: 'disbursed',
  repay: 'repaid',
  default: 'defaulted',
  dispose: 'disposed of',
  release: 'released',
};

export const PLEDGE_MACHINE = new StateMachine<PledgeAction, PledgeStatus, TransitionRow>(
  PLEDGE_TRANSITIONS,
  PAST,
);

/** The domain event a pledge transition publishes: `pledge.<to>`, except disbursal (`pledge.disbursed`). */
export const pledgeEventType = (row: TransitionRow): string =>
  `pledge.${row.action === 'disburse' ? 'disbursed' : row.to}`;

/** States in which a pledge no longer holds its assets: the targets of the freeing transitions. */
export const FREEING_STATUSES: ReadonlySet<PledgeStatus> = new Set(
  PLEDGE_TRANSITIONS.filter((r) => r.holdsAssets === 'free').map((r) => r.to),
);

/** An open application or an unreleased pledge: its assets are encumbered. */
export const holdsAssets = (status: PledgeStatus): boolean => !FREEING_STATUSES.has(status);

/** Whether `role` may take `action` from `status`, with the target state and the effect on the assets. */
export function transition(status: PledgeStatus | null, action: PledgeAction, role: ActorRole) {
  const d = PLEDGE_MACHINE.decide(status, action, role);
  return d.ok ? { ok: true as const, to: d.row.to, holdsAssets: d.row.holdsAssets } : d;
}

export const actionsFrom = (status: PledgeStatus): PledgeAction[] => PLEDGE_MACHINE.actionsFrom(status);

export const replay = (history: readonly HistoryStep[]): PledgeStatus | null =>
  PLEDGE_MACHINE.replay(history);
