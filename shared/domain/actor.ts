import type { Role } from '../auth/principal.js';

/** Who did something: a verified token's role, tenant and subject, or a scheduled job (`system`). */
export type ActorRole = Role | 'system';

export interface Actor {
  role: ActorRole;
  /** USCC for an enterprise, institution id for a lender or insurer, null for the IP office and jobs. */
  org: string | null;
  /** The token subject; absent for jobs. */
  sub?: string;
}

export const SYSTEM_ACTOR: Actor = { role: 'system', org: null };

/**
 * The organisation an actor acts for, as a tenant key (`enterprise:<USCC>`, `lender:<id>`, …); the audience of a
 * domain event, an inbox and a subscription are keyed by these. A USCC is upper-case whatever case it came in, so
 * one enterprise has one key. The IP office (and jobs) see every event and need no key.
 */
export const tenantOf = (a: Pick<Actor, 'role' | 'org'>): string =>
  `${a.role}:${(a.role === 'enterprise' ? a.org?.toUpperCase() : a.org) ?? '-'}`;
