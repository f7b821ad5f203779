/**
 * The portal's own user directory: who may do what. The identity provider (Cognito, a city's own provider, the local
 * one) only says who someone is; their role, organisation and standing live here, changed by audited actions.
 * Pure: no AWS, no HTTP.
 *
 * A user's life cycle is one table, run by the one state machine (`state-machine.ts`):
 *   invite → invited (by the office, or an institution's manager for its own staff); enrol → active (an approved
 *   organisation claim, or a developer's local user); invited → sign_in → active (the first sign-in with the
 *   invited, verified e-mail binds the provider's subject); invited or active → disable → disabled;
 *   disabled → enable → active. Changing a role or organisation is an operation (`change_role`, the office only).
 */
import type { Actor } from './actor.js';
import type { FieldIssue } from './errors.js';
import { INSTITUTION_ID_PATTERN } from './institution.js';
import { StateMachine, type TransitionRow } from './state-machine.js';
import { checkUscc } from './uscc.js';

export const USER_ROLES = ['enterprise', 'lender', 'insurer', 'ipoffice'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const USER_ACTIONS = ['invite', 'enrol', 'sign_in', 'disable', 'enable'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export interface User {
  id: string;
  status: UserStatus;
  /** Lower-case: the address an invitation is claimed with (null for a user enrolled without one). */
  email: string | null;
  name?: string;
  role: UserRole;
  /** USCC for an enterprise, institution id for a lender or insurer, null for the IP office. */
  org: string | null;
  /** May invite and manage its organisation's staff (an institution's first user). */
  manager: boolean;
  /** The identity provider's subject, once the user has signed in (or was enrolled with it). */
  sub?: string;
  invitedBy?: Actor;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type UserTransitionRow = TransitionRow<UserAction, UserStatus>;

const MANAGERS = ['ipoffice', 'lender', 'insurer'] as const;

export const USER_MACHINE = new StateMachine<UserAction, UserStatus, UserTransitionRow>(
  [
    // `system`: the first office user, invited from the deployer's machine (`npm run first-office-user`).
    { action: 'invite', roles: [...MANAGERS, 'system'], from: [null], to: 'invited' },
    { action: 'enrol', roles: ['ipoffice', 'system'], from: [null], to: 'active' },
    { action: 'sign_in', roles: ['system'], from: ['invited'], to: 'active' },
    { action: 'disable', roles: MANAGERS, from: ['invited', 'active'], to: 'disabled' },
    { action: 'enable', roles: MANAGERS, from: ['disabled'], to: 'active' },
  ],
  {
    invite: 'invited',
    enrol: 'enrolled',
    sign_in: 'signed in',
    disable: 'disabled',
    enable: 'enabled',
  },
);

/** `user.invited`, `user.disabled`, …: the audit feed's type of each change. */
export const userEventType = (row: UserTransitionRow): string =>
  row.action === 'sign_in' ? 'user.signed_in' : `user.${row.to === 'active' ? 'enabled' : row.to}`;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** The organisation a role needs, checked for its form: a USCC, an institution id, or none for the office. */
export function membershipIssues(role: UserRole, org: string | null | undefined): FieldIssue[] {
  if (role === 'ipoffice')
    return org
      ? [{ path: 'org', code: 'org_not_allowed', message: 'an IP office user belongs to no organisation' }]
      : [];
  if (!org)
    return [
      { path: 'org', code: 'org_required', message: `a user of the ${role} role needs an organisation` },
    ];
  if (role === 'enterprise') {
    const check = checkUscc(org);
    return check.ok ? [] : [{ path: 'org', code: 'invalid_uscc', message: check.reason }];
  }
  return INSTITUTION_ID_PATTERN.test(org)
    ? []
    : [{ path: 'org', code: 'invalid_institution_id', message: 'must be 2–40 characters of a-z, 0-9 and -' }];
}

/** A valid organisation as the directory stores it: a USCC in its one spelling, any other id as given. */
export function storedOrg(role: UserRole, org: string | null | undefined): string | null {
  if (!org) return null;
  const uscc = role === 'enterprise' ? checkUscc(org) : undefined;
  return uscc?.ok ? uscc.uscc : org;
}

/**
 * Whom a manager may manage (disable, enable): the office anyone; an institution's manager its own organisation's
 * staff, never itself and never another manager. Whether the actor is a manager at all, the use case checks.
 */
export function mayManage(actor: Actor, target: Pick<User, 'role' | 'org' | 'manager' | 'sub'>): boolean {
  if (actor.role === 'ipoffice' || actor.role === 'system') return true;
  if (actor.role !== 'lender' && actor.role !== 'insurer') return false;
  return (
    target.role === actor.role && target.org === actor.org && !target.manager && target.sub !== actor.sub
  );
}

/**
 * Who may see a user: the office, and the user itself. (An institution's manager also sees its organisation's
 * users; only the use case knows whether the actor is a manager.)
 */
export const maySeeUser = (actor: Actor, user: User): boolean =>
  actor.role === 'ipoffice' || (actor.sub !== undefined && actor.sub === user.sub);
