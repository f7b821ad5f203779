import type { LendingPolicy } from './lending-policy.js';
import type { LineRate } from './premium.js';

/** Banks (lenders, 质权人) and insurers the portal addresses applications to. */
export const INSTITUTION_KINDS = ['lender', 'insurer'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

export const INSTITUTION_ID_PATTERN = /^[a-z0-9-]{2,40}$/;

export interface Institution {
  id: string;
  kind: InstitutionKind;
  name: string;
  /** Lenders only; absent until the IP office sets one (the defaults of `lending-policy.ts` then apply). */
  lendingPolicy?: LendingPolicy;
  /** Insurers only: the premium rate of each line it writes (absent until set: no quotes). */
  rates?: LineRate[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
