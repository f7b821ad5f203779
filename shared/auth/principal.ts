import type { Actor } from '../domain/actor.js';

/**
 * Who is calling. The identity provider says who the bearer is (`Identity`); the portal's own user directory says
 * what they may do (`Principal`). The tenant comes only from the directory.
 */
export const ROLES = ['enterprise', 'lender', 'insurer', 'ipoffice'] as const;
export type Role = (typeof ROLES)[number];

/** What a verified ID token says: its subject, an e-mail address the provider verified, a display name. */
export interface Identity {
  sub: string;
  /** Lower-case; null when the token carries none. */
  email: string | null;
  /** Only a verified address may claim an invitation. */
  emailVerified: boolean;
  name: string | null;
}

export interface Principal {
  role: Role;
  /** USCC for an enterprise, institution id for a lender or insurer, null for the IP office. */
  org: string | null;
  sub: string;
  /** The directory entry: its id, and whether it may invite and manage its organisation's staff. */
  userId?: string;
  manager?: boolean;
}

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** The actor a use case records: a copy of the principal, so fields added to it later never leak into events. */
export const actorOf = (p: Principal): Actor => ({ role: p.role, org: p.org, sub: p.sub });
