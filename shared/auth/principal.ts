import type { Actor } from '../domain/actor.js';

/** Who is calling, as established from a verified token. The tenant comes only from here. */
export const ROLES = ['enterprise', 'lender', 'insurer', 'ipoffice'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  role: Role;
  /** USCC for an enterprise, institution id for a lender or insurer, null for the IP office. */
  org: string | null;
  sub: string;
}

/** Claim names follow Cognito ID tokens, so local tokens and the deployed user pool read the same. */
export const GROUPS_CLAIM = 'cognito:groups';
export const ORG_CLAIM = 'custom:org';

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** The actor a use case records: a copy of the principal, so fields added to it later never leak into events. */
export const actorOf = (p: Principal): Actor => ({ role: p.role, org: p.org, sub: p.sub });
