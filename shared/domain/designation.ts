/**
 * IP demonstration and advantage enterprises (知识产权示范/优势企业): designations by the IP office, their annual
 * reviews (考核/复核) and revocation. Pure: no AWS, no HTTP.
 *
 * The life cycle is ONE table:
 *   designate → active;  active → review_pass → active;  active → review_fail → revoked;  active → revoke → revoked
 * A revoked designation stays revoked: a new title is a new designation.
 */
import type { Role } from '../auth/principal.js';
import type { IsoDate } from './dates.js';

export const DESIGNATION_LEVELS = [
  'national_demonstration',
  'national_advantage',
  'provincial_demonstration',
  'provincial_advantage',
] as const;
export type DesignationLevel = (typeof DESIGNATION_LEVELS)[number];

export const DESIGNATION_STATUSES = ['active', 'revoked'] as const;
export type DesignationStatus = (typeof DESIGNATION_STATUSES)[number];

export const DESIGNATION_ACTIONS = ['designate', 'review_pass', 'review_fail', 'revoke'] as const;
export type DesignationAction = (typeof DESIGNATION_ACTIONS)[number];

export const REVIEW_OUTCOMES = ['pass', 'fail'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** Designation years the office may record (the programmes date from the 2010s). */
export const MIN_DESIGNATION_YEAR = 2000;
export const MAX_DESIGNATION_YEAR = 2100;

export interface DesignationTransitionRow {
  action: DesignationAction;
  roles: readonly Role[];
  /** `null` = the designation does not exist yet. */
  from: readonly (DesignationStatus | null)[];
  to: DesignationStatus;
}

export const DESIGNATION_TRANSITIONS: readonly DesignationTransitionRow[] = [
  { action: 'designate', roles: ['ipoffice'], from: [null], to: 'active' },
  { action: 'review_pass', roles: ['ipoffice'], from: ['active'], to: 'active' },
  { action: 'review_fail', roles: ['ipoffice'], from: ['active'], to: 'revoked' },
  { action: 'revoke', roles: ['ipoffice'], from: ['active'], to: 'revoked' },
];

export type DesignationTransition =
  | { ok: true; to: DesignationStatus }
  | { ok: false; error: 'forbidden' | 'invalid_state' };

/** A wrong role is reported before a wrong state, so a caller never learns the state from a forbidden action. */
export function designationTransition(
  status: DesignationStatus | null,
  action: DesignationAction,
  role: Role,
): DesignationTransition {
  const row = DESIGNATION_TRANSITIONS.find((r) => r.action === action);
  if (!row?.roles.includes(role)) return { ok: false, error: 'forbidden' };
  if (!row.from.includes(status)) return { ok: false, error: 'invalid_state' };
  return { ok: true, to: row.to };
}

/** Whether a status holds the "one active designation per enterprise and level" lock and counts in statistics. */
export const isActiveDesignation = (status: DesignationStatus): boolean => status === 'active';

/** What a transition does to the lock item and the active counter. */
export function lockEffect(from: DesignationStatus | null, to: DesignationStatus): 'take' | 'free' | 'keep' {
  const before = from !== null && isActiveDesignation(from);
  const after = isActiveDesignation(to);
  if (before === after) return 'keep';
  return after ? 'take' : 'free';
}

export const reviewAction = (outcome: ReviewOutcome): DesignationAction =>
  outcome === 'pass' ? 'review_pass' : 'review_fail';

export interface DesignationActor {
  role: Role;
  org: string | null;
  sub: string;
}

export interface Review {
  year: number;
  outcome: ReviewOutcome;
  notes?: string;
  at: string;
  by: DesignationActor;
}

export interface DesignationEvent {
  at: string;
  action: DesignationAction;
  from: DesignationStatus | null;
  to: DesignationStatus;
  actor: DesignationActor;
  reason?: string;
}

export interface Designation {
  id: string;
  uscc: string;
  level: DesignationLevel;
  /** The year of the designation (the programme's list year). */
  year: number;
  validUntil?: IsoDate;
  status: DesignationStatus;
  reviews: Review[];
  history: DesignationEvent[];
  revokedAt?: string;
  revocationReason?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The short form shown with an enterprise (`GET /enterprises/{uscc}`). */
export interface DesignationSummary {
  id: string;
  level: DesignationLevel;
  year: number;
  validUntil?: IsoDate;
  designatedAt: string;
}

export const summaryOf = (d: Designation): DesignationSummary => ({
  id: d.id,
  level: d.level,
  year: d.year,
  ...(d.validUntil === undefined ? {} : { validUntil: d.validUntil }),
  designatedAt: d.createdAt,
});

/**
 * Why a review cannot be recorded (besides the state): a review assesses a year at or after the designation's
 * year (`predates`), and a year is reviewed once (`duplicate`).
 */
export function reviewRefusal(
  designation: Designation,
  year: number,
): { kind: 'predates' | 'duplicate'; message: string } | undefined {
  if (year < designation.year)
    return {
      kind: 'predates',
      message: `the designation dates from ${designation.year}; a review of ${year} predates it`,
    };
  if (designation.reviews.some((r) => r.year === year))
    return { kind: 'duplicate', message: `a review of ${year} is already recorded` };
  return undefined;
}

/** `validUntil` must not end before the designation year starts. */
export const validUntilRefusal = (year: number, validUntil: IsoDate | undefined): string | undefined =>
  validUntil !== undefined && validUntil < `${year}-01-01`
    ? `must not lie before the designation year ${year}`
    : undefined;
