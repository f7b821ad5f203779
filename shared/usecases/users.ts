/**
 * The user directory: who a verified identity is in the portal (`callerOf`, on every request, cached for a minute),
 * invitations and their claiming at first sign-in, disabling and enabling, changing a role, and the developer's
 * local users. Every change is a domain event of the `user` aggregate, so the audit feed has it.
 */
import type { Identity, Principal } from '../auth/principal.js';
import { type Actor, SYSTEM_ACTOR, tenantOf } from '../domain/actor.js';
import { conflict, DomainError, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { OrgClaim } from '../domain/org-claim.js';
import {
  mayManage,
  maySeeUser,
  membershipIssues,
  normaliseEmail,
  storedOrg,
  USER_MACHINE,
  type User,
  type UserAction,
  type UserRole,
  type UserStatus,
  type UserTransitionRow,
  userEventType,
} from '../domain/user.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import { byStatusSortKey, institutionKey, partitions, userEmailKey, userSubKey } from '../store/keys.js';
import { type Page, type PageRequest, queryPage } from '../store/query-page.js';
import { ABSENT, type TxItem } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec, Operation } from './engine.js';

export const USER_SPEC: AggregateSpec<User, UserAction, UserTransitionRow> = {
  kind: 'user',
  noun: 'user',
  machine: USER_MACHINE,
  eventType: userEventType,
  maySee: maySeeUser,
  mayAct: (actor, user) => mayManage(actor, user),
  audience: (u) => (u.org ? [tenantOf({ role: u.role, org: u.org })] : []),
  indexKeys: (u) => ({
    gsi3pk: partitions.users,
    gsi3sk: byStatusSortKey(u),
    ...(u.org ? { gsi2pk: partitions.organisationUsers(u.role, u.org), gsi2sk: byStatusSortKey(u) } : {}),
  }),
  // The provider's subject is bound once: a second identity can never take over an entry.
  effects: (before, after, _row, store) =>
    after.sub !== undefined && before?.sub !== after.sub
      ? [{ tag: 'subject', write: store.put({ ...userSubKey(after.sub), userId: after.id }, ABSENT) }]
      : [],
  onEffectFailed: (failure) =>
    failure.has('subject') ? conflict('This sign-in already belongs to a portal user.') : undefined,
};

/** How the identity provider is told about invitations (Cognito's admin API when deployed; nothing locally). */
export interface IdentityAdmin {
  /** Creates the account and sends the provider's invitation; an existing account is left as it is. */
  invite(email: string, name: string | undefined): Promise<void>;
  setEnabled(email: string, enabled: boolean): Promise<void>;
}

// ---- Who is calling ----------------------------------------------------------------------------------------------

/** A verified identity and, once the directory knows it, the principal it acts as. */
export interface Caller {
  identity: Identity;
  principal?: Principal;
}

/** A change of role or standing reaches every API instance within this long (ISSUE 11: within a minute). */
export const DIRECTORY_CACHE_MS = 60_000;
/** Someone unknown may be enrolled any moment (an approved claim): not remembered as unknown for long. */
const UNKNOWN_CACHE_MS = 5_000;
const DIRECTORY_CACHE_SIZE = 10_000;

interface CachedCaller {
  user: User | undefined;
  until: number;
}
const caches = new WeakMap<UseCaseContext, Map<string, CachedCaller>>();
const cacheOf = (uc: UseCaseContext) => {
  let cache = caches.get(uc);
  if (!cache) {
    cache = new Map();
    caches.set(uc, cache);
  }
  return cache;
};

/**
 * The principal of a verified identity: its directory entry by the provider's subject; at the first sign-in, the
 * invitation addressed to its verified e-mail (which then binds the subject); otherwise none (a newcomer, who may
 * only claim an organisation). A disabled user is refused. Entries are remembered for `DIRECTORY_CACHE_MS`.
 */
export async function callerOf(uc: UseCaseContext, identity: Identity): Promise<Caller> {
  const cache = cacheOf(uc);
  const now = Date.now();
  let cached = cache.get(identity.sub);
  if (!cached || cached.until <= now) {
    const user = (await userBySubject(uc, identity.sub)) ?? (await claimInvitation(uc, identity));
    if (cache.size >= DIRECTORY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cached = { user, until: now + (user ? DIRECTORY_CACHE_MS : UNKNOWN_CACHE_MS) };
    cache.set(identity.sub, cached);
  }
  const { user } = cached;
  if (!user) return { identity };
  if (user.status === 'disabled') {
    const message = 'this account has been disabled; ask your administrator';
    throw new DomainError('forbidden', `The account ${user.email ?? identity.sub} has been disabled.`, {
      errors: [{ path: 'header.Authorization', code: 'account_disabled', message }],
    });
  }
  return {
    identity,
    principal: { role: user.role, org: user.org, sub: identity.sub, userId: user.id, manager: user.manager },
  };
}

/** What a warm instance remembers of a subject: for unit tests that count a request's own database commands. */
export const rememberCaller = (uc: UseCaseContext, sub: string, user: User): void => {
  cacheOf(uc).set(sub, { user, until: Date.now() + DIRECTORY_CACHE_MS });
};

/** Forgets what this instance remembers of a subject (after a change made here; others catch up within a minute). */
export const forgetSubject = (uc: UseCaseContext, sub: string | undefined): void => {
  if (sub) cacheOf(uc).delete(sub);
};
const forget = (uc: UseCaseContext, user: User) => forgetSubject(uc, user.sub);

async function userBySubject(uc: UseCaseContext, sub: string): Promise<User | undefined> {
  const link = await uc.store.get(userSubKey(sub));
  return typeof link?.userId === 'string' ? uc.engine.load<User>('user', link.userId) : undefined;
}

/** The first sign-in with an invited address binds the identity to the invitation. */
async function claimInvitation(uc: UseCaseContext, identity: Identity): Promise<User | undefined> {
  if (!identity.email || !identity.emailVerified) return undefined;
  const link = await uc.store.get(userEmailKey(identity.email));
  if (typeof link?.userId !== 'string') return undefined;
  const invited = await uc.engine.load<User>('user', link.userId);
  // Bound meanwhile by a concurrent first request of this very identity (read after its binding committed).
  if (!invited) return undefined;
  if (invited.sub !== undefined) return invited.sub === identity.sub ? invited : undefined;
  if (invited.status !== 'invited') return undefined;
  try {
    const { after } = await uc.engine.transition(
      USER_SPEC,
      { actor: { ...SYSTEM_ACTOR, sub: identity.sub }, id: invited.id, action: 'sign_in' },
      () => ({
        changes: { sub: identity.sub, ...(invited.name || !identity.name ? {} : { name: identity.name }) },
      }),
    );
    return after;
  } catch (error) {
    // Two first requests at once: the other bound it (to this very identity, or the invitation is gone).
    if (error instanceof DomainError) return userBySubject(uc, identity.sub);
    throw error;
  }
}

// ---- Administration ---------------------------------------------------------------------------------------------

/** An actor with its standing in its organisation: only the office and institutions' managers administer users. */
export type Manager = Actor & { manager?: boolean | undefined };

/** Who did it, as records keep it: never the actor's standing at the time. */
const recorded = ({ role, org, sub }: Actor): Actor => ({ role, org, ...(sub === undefined ? {} : { sub }) });

function mustManage(actor: Manager): void {
  if (actor.role !== 'ipoffice' && actor.role !== 'system' && !actor.manager)
    throw forbidden('Only the IP office and your organisation’s managers administer users.');
}

export interface InviteInput {
  email: string;
  role: UserRole;
  org?: string | null | undefined;
  name?: string | undefined;
  manager?: boolean | undefined;
}

/**
 * The office invites anyone; an institution's manager invites its own staff (its role and organisation, never a
 * manager). An institution's user needs the institution; its first user invited by the office manages its staff.
 */
export async function inviteUser(
  uc: UseCaseContext,
  actor: Manager,
  input: InviteInput,
  options: { identityAdmin?: IdentityAdmin | undefined; idempotency?: IdempotencyRequest | undefined } = {},
): Promise<User> {
  mustManage(actor);
  const byOffice = actor.role === 'ipoffice' || actor.role === 'system';
  const role = byOffice ? input.role : (actor.role as UserRole);
  const rawOrg = byOffice ? (input.org ?? null) : actor.org;
  if (!byOffice && (input.role !== actor.role || (input.org != null && input.org !== actor.org)))
    throw unprocessable('A manager invites staff of its own organisation only.', {
      errors: [
        { path: 'role', code: 'own_organisation_only', message: `must be ${actor.role} of ${actor.org}` },
      ],
    });
  if (!byOffice && input.manager)
    throw unprocessable('Only the IP office makes a user a manager.', {
      errors: [{ path: 'manager', code: 'office_only', message: 'only the IP office makes a manager' }],
    });
  const issues = membershipIssues(role, rawOrg);
  if (issues.length > 0) throw unprocessable('The invitation was refused.', { errors: issues });
  const org = storedOrg(role, rawOrg);
  const email = normaliseEmail(input.email);
  const institution = org && (role === 'lender' || role === 'insurer') ? institutionKey(org) : undefined;
  const read = await uc.engine.read(
    [userEmailKey(email), ...(institution ? [institution] : [])],
    options.idempotency,
  );
  if (read.get(userEmailKey(email))) throw emailTaken(email);
  if (institution && read.get(institution)?.kind !== role) {
    const message = `${org} is not a registered ${role}`;
    throw unprocessable(`Institution ${message}.`, {
      errors: [{ path: 'org', code: 'institution_unknown', message }],
    });
  }
  // The provider's account first: an invitation the portal stored must be one the person can accept.
  await options.identityAdmin?.invite(email, input.name);
  const now = uc.clock.now().toISOString();
  const user: User = {
    id: uc.newId(),
    status: 'invited',
    email,
    ...(input.name ? { name: input.name } : {}),
    role,
    org,
    manager: byOffice ? (input.manager ?? (role === 'lender' || role === 'insurer')) : false,
    invitedBy: recorded(actor),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const outcome = await uc.engine.create(
    USER_SPEC,
    { actor, action: 'invite', idempotency: options.idempotency },
    user,
    {
      data: { email, role, org, manager: user.manager },
      writes: [{ tag: 'email', write: uc.store.put({ ...userEmailKey(email), userId: user.id }, ABSENT) }],
      onFailed: (failure) => (failure.has('email') ? emailTaken(email) : undefined),
    },
  );
  return outcome.after;
}

const emailTaken = (email: string) =>
  conflict(`${email} is already in the portal's directory.`, {
    errors: [{ path: 'email', code: 'email_taken', message: 'this address already has a user' }],
  });

/**
 * A user the portal knows without an invitation: an approved organisation claim, or a developer's local user
 * (`npm run token`, the tests). Idempotent: an identity already in the directory is answered as it is.
 */
export async function enrolUser(
  uc: UseCaseContext,
  actor: Actor,
  input: { sub: string; email?: string | null; name?: string | null; role: UserRole; org: string | null },
): Promise<User> {
  const existing = await userBySubject(uc, input.sub);
  if (existing) return existing;
  const issues = membershipIssues(input.role, input.org);
  if (issues.length > 0) throw unprocessable('The user was refused.', { errors: issues });
  try {
    return (
      await uc.engine.create(USER_SPEC, { actor, action: 'enrol' }, newUser(uc, actor, input), {
        data: { role: input.role, org: input.org },
      })
    ).after;
  } catch (error) {
    // Enrolled meanwhile by a concurrent call: that entry is the answer.
    const raced = error instanceof DomainError ? await userBySubject(uc, input.sub) : undefined;
    if (raced) return raced;
    throw error;
  }
}

/** A user entry for an enrolment (active, its subject bound). */
export function newUser(
  uc: UseCaseContext,
  actor: Actor,
  input: { sub: string; email?: string | null; name?: string | null; role: UserRole; org: string | null },
): User {
  const now = uc.clock.now().toISOString();
  const org = storedOrg(input.role, input.org);
  return {
    id: uc.newId(),
    status: 'active',
    email: input.email ? normaliseEmail(input.email) : null,
    ...(input.name ? { name: input.name } : {}),
    role: input.role,
    org,
    manager: false,
    sub: input.sub,
    invitedBy: recorded(actor),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Disables or re-enables a user: at the provider too, and at once on this instance (elsewhere within a minute). */
export async function setUserEnabled(
  uc: UseCaseContext,
  actor: Manager,
  req: {
    id: string;
    enabled: boolean;
    expectedVersion?: number | undefined;
    idempotency?: IdempotencyRequest;
  },
  identityAdmin?: IdentityAdmin,
): Promise<User> {
  mustManage(actor);
  const { after } = await uc.engine.transition(USER_SPEC, {
    actor,
    id: req.id,
    action: req.enabled ? 'enable' : 'disable',
    expectedVersion: req.expectedVersion,
    idempotency: req.idempotency,
  });
  forget(uc, after);
  if (after.email) await identityAdmin?.setEnabled(after.email, req.enabled);
  return after;
}

const CHANGE_ROLE: Operation<UserStatus> = {
  name: 'change_role',
  verb: 'change the role of',
  roles: ['ipoffice'],
  from: ['invited', 'active', 'disabled'],
  eventType: 'user.role_changed',
};

/** The office changes what a user is: role, organisation and whether it manages its organisation's staff. */
export async function changeUserRole(
  uc: UseCaseContext,
  actor: Actor,
  req: {
    id: string;
    role: UserRole;
    org?: string | null | undefined;
    manager?: boolean | undefined;
    expectedVersion?: number | undefined;
  },
): Promise<User> {
  const issues = membershipIssues(req.role, req.org ?? null);
  if (issues.length > 0) throw unprocessable('The role change was refused.', { errors: issues });
  const org = storedOrg(req.role, req.org);
  const institution =
    org && (req.role === 'lender' || req.role === 'insurer') ? institutionKey(org) : undefined;
  const { after } = await uc.engine.operate(
    USER_SPEC,
    CHANGE_ROLE,
    { actor, id: req.id, expectedVersion: req.expectedVersion, alsoRead: institution ? [institution] : [] },
    (user, { read }) => {
      if (institution && read.get(institution)?.kind !== req.role) {
        const message = `${org} is not a registered ${req.role}`;
        throw unprocessable(`Institution ${message}.`, {
          errors: [{ path: 'org', code: 'institution_unknown', message }],
        });
      }
      const manager = req.manager ?? (user.manager && req.role !== 'enterprise' && req.role !== 'ipoffice');
      return {
        changes: { role: req.role, org, manager },
        data: { from: { role: user.role, org: user.org }, role: req.role, org, manager },
      };
    },
  );
  forget(uc, after);
  return after;
}

/** The office any user; an institution's manager its organisation's; anyone themselves. */
export async function getUser(uc: UseCaseContext, actor: Manager, id: string): Promise<User> {
  const user = await uc.engine.load<User>('user', id);
  const sees =
    user &&
    (maySeeUser(actor, user) ||
      (actor.manager === true && user.role === actor.role && user.org === actor.org));
  if (!sees) throw notFound(`User ${id}`);
  return user;
}

/** The office lists everyone (by status, by organisation); an institution's manager its own organisation. */
export async function listUsers(
  uc: UseCaseContext,
  actor: Manager,
  filters: { role?: UserRole | undefined; org?: string | undefined; status?: UserStatus | undefined },
  page: PageRequest,
): Promise<Page<User>> {
  mustManage(actor);
  const own = actor.role === 'lender' || actor.role === 'insurer';
  const role = own ? actor.role : filters.role;
  const org = own ? (actor.org ?? '') : filters.org;
  if (own && filters.org !== undefined && filters.org !== actor.org) return { items: [], nextCursor: null };
  const byOrg = role !== undefined && org !== undefined;
  return queryPage<User>({
    db: uc.store.db,
    tableName: uc.store.tableName,
    index: byOrg ? 'gsi2' : 'gsi3',
    partition: byOrg ? partitions.organisationUsers(role, org) : partitions.users,
    ...(filters.status ? { sortPrefix: `${filters.status}#` } : {}),
    page,
  });
}

/** Writes of the user an approval enrols, inside the approving transaction (tagged `also:`). */
export function enrolmentWrites(uc: UseCaseContext, actor: Actor, user: User): TxItem[] {
  return uc.engine.alsoCreate(USER_SPEC, user, {
    actor,
    action: 'enrol',
    data: { role: user.role, org: user.org },
  }).writes;
}

/** Who the caller is: the identity, its directory entry (if any), and its latest organisation claim. */
export async function whoAmI(
  uc: UseCaseContext,
  caller: Caller,
): Promise<{ identity: Identity; user: User | null; latestClaim: OrgClaim | null }> {
  const [user, claims] = await Promise.all([
    caller.principal?.userId ? uc.engine.load<User>('user', caller.principal.userId) : undefined,
    queryPage<OrgClaim>({
      db: uc.store.db,
      tableName: uc.store.tableName,
      index: 'gsi1',
      partition: partitions.claimantClaims(caller.identity.sub),
      newestFirst: true,
      page: { limit: 1 },
    }),
  ]);
  return { identity: caller.identity, user: user ?? null, latestClaim: claims.items[0] ?? null };
}
