/**
 * IP demonstration and advantage enterprises (知识产权示范/优势企业): designations by the IP office, their annual
 * reviews (考核/复核) and revocation. Pure: no AWS, no HTTP.
 *
 * The life cycle is ONE table, run by the one state machine (`state-machine.ts`):
 *   the programme: apply → applied (the enterprise) or nominate → nominated (the office, also from applied);
 *   nominated → publish → in_notice (公示: objections may be raised and are resolved by the office; an upheld one
 *   rejects); in_notice → confirm → active once the notice period has ended with no open objection, within the
 *   year's quota; applied, nominated or in_notice → reject → rejected; applied or nominated → withdraw → withdrawn
 *   a title granted elsewhere: designate → active;
 *   active → review_pass → active;  active → review_fail → revoked;  active → revoke → revoked
 *   active → (scheduled) lapse → lapsed, once its `validUntil` has passed or its re-review is overdue
 *   active → supersede → superseded, when the enterprise is promoted to the programme's demonstration title
 * A revoked, lapsed or superseded designation stays so: a new title is a new designation.
 *
 * The programme's rules (DOMAIN.md part two, CNIPA 国知办函运字〔2022〕497号): national demonstration follows
 * three years of cultivation as a national advantage enterprise; a promotion supersedes the advantage title in
 * the same transaction, so the enterprise counts once; a title is re-reviewed (复核) every three years, and one
 * whose re-review is overdue lapses.
 */
import type { Actor, ActorRole } from './actor.js';
import { type IsoDate, yearOf } from './dates.js';
import type { HistoryEntry } from './domain-event.js';
import { StateMachine, type TransitionRow } from './state-machine.js';

export const DESIGNATION_LEVELS = [
  'national_demonstration',
  'national_advantage',
  'provincial_demonstration',
  'provincial_advantage',
] as const;
export type DesignationLevel = (typeof DESIGNATION_LEVELS)[number];

export const DESIGNATION_STATUSES = [
  'applied',
  'nominated',
  'in_notice',
  'active',
  'rejected',
  'withdrawn',
  'revoked',
  'lapsed',
  'superseded',
] as const;
export type DesignationStatus = (typeof DESIGNATION_STATUSES)[number];

export const DESIGNATION_ACTIONS = [
  'apply',
  'nominate',
  'publish',
  'confirm',
  'reject',
  'withdraw',
  'designate',
  'review_pass',
  'review_fail',
  'revoke',
  'lapse',
  'supersede',
] as const;
export type DesignationAction = (typeof DESIGNATION_ACTIONS)[number];

export const REVIEW_OUTCOMES = ['pass', 'fail'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** Designation years the office may record (the programmes date from the 2010s). */
export const MIN_DESIGNATION_YEAR = 2000;
export const MAX_DESIGNATION_YEAR = 2100;

export interface DesignationTransitionRow extends TransitionRow<DesignationAction, DesignationStatus> {
  /** The office, and the designation cycle's job for a lapse. */
  roles: readonly ActorRole[];
  /** The domain event it publishes: `designation.<event>`. */
  event:
    | 'applied'
    | 'nominated'
    | 'published'
    | 'rejected'
    | 'withdrawn'
    | 'designated'
    | 'reviewed'
    | 'revoked'
    | 'lapsed'
    | 'superseded';
}

export const DESIGNATION_TRANSITIONS: readonly DesignationTransitionRow[] = [
  { action: 'apply', roles: ['enterprise'], from: [null], to: 'applied', event: 'applied' },
  { action: 'nominate', roles: ['ipoffice'], from: [null, 'applied'], to: 'nominated', event: 'nominated' },
  { action: 'publish', roles: ['ipoffice'], from: ['nominated'], to: 'in_notice', event: 'published' },
  { action: 'confirm', roles: ['ipoffice'], from: ['in_notice'], to: 'active', event: 'designated' },
  {
    action: 'reject',
    roles: ['ipoffice'],
    from: ['applied', 'nominated', 'in_notice'],
    to: 'rejected',
    event: 'rejected',
  },
  {
    action: 'withdraw',
    roles: ['enterprise'],
    from: ['applied', 'nominated'],
    to: 'withdrawn',
    event: 'withdrawn',
  },
  { action: 'designate', roles: ['ipoffice'], from: [null], to: 'active', event: 'designated' },
  { action: 'review_pass', roles: ['ipoffice'], from: ['active'], to: 'active', event: 'reviewed' },
  { action: 'review_fail', roles: ['ipoffice'], from: ['active'], to: 'revoked', event: 'reviewed' },
  { action: 'revoke', roles: ['ipoffice'], from: ['active'], to: 'revoked', event: 'revoked' },
  { action: 'lapse', roles: ['system'], from: ['active'], to: 'lapsed', event: 'lapsed' },
  { action: 'supersede', roles: ['ipoffice'], from: ['active'], to: 'superseded', event: 'superseded' },
];

const PAST: Record<DesignationAction, string> = {
  apply: 'applied for',
  nominate: 'nominated',
  publish: 'published',
  confirm: 'confirmed',
  reject: 'rejected',
  withdraw: 'withdrawn',
  designate: 'designated',
  review_pass: 'reviewed',
  review_fail: 'reviewed',
  revoke: 'revoked',
  lapse: 'lapsed',
  supersede: 'superseded',
};

export const DESIGNATION_MACHINE = new StateMachine<
  DesignationAction,
  DesignationStatus,
  DesignationTransitionRow
>(DESIGNATION_TRANSITIONS, PAST);

export const designationEventType = (row: DesignationTransitionRow): string => `designation.${row.event}`;

/** Whether `role` may take `action` from `status`, and the target state. */
export function designationTransition(
  status: DesignationStatus | null,
  action: DesignationAction,
  role: ActorRole,
) {
  const d = DESIGNATION_MACHINE.decide(status, action, role);
  return d.ok ? { ok: true as const, to: d.row.to } : d;
}

/** Whether a status holds the "one active designation per enterprise and level" lock and counts in statistics. */
export const isActiveDesignation = (status: DesignationStatus): boolean => status === 'active';

/** A candidacy of the programme: applied, nominated or in its public notice. */
export const isCandidacy = (status: DesignationStatus): boolean =>
  status === 'applied' || status === 'nominated' || status === 'in_notice';

/** What a transition does to a lock held while `holds` is true of the status (the title's, or the candidacy's). */
export function lockEffect(
  from: DesignationStatus | null,
  to: DesignationStatus,
  holds: (status: DesignationStatus) => boolean = isActiveDesignation,
): 'take' | 'free' | 'keep' {
  const before = from !== null && holds(from);
  const after = holds(to);
  if (before === after) return 'keep';
  return after ? 'take' : 'free';
}

export const reviewAction = (outcome: ReviewOutcome): 'review_pass' | 'review_fail' =>
  outcome === 'pass' ? 'review_pass' : 'review_fail';

export interface Review {
  year: number;
  outcome: ReviewOutcome;
  notes?: string;
  at: string;
  by: Actor;
}

/** One entry of `history` as the API shows it (read from the designation's domain events). */
export interface DesignationEvent {
  at: string;
  action: DesignationAction;
  from: DesignationStatus | null;
  to: DesignationStatus;
  actor: Actor;
  reason?: string;
}

/** The history entry the API shows, from one event item (a revocation's reason is in its data). */
export const designationEvent = (e: HistoryEntry): DesignationEvent => ({
  at: e.at,
  action: e.action as DesignationAction,
  from: e.from as DesignationStatus | null,
  to: e.to as DesignationStatus,
  actor: e.actor,
  ...(typeof e.data.reason === 'string' ? { reason: e.data.reason } : {}),
});

export interface Designation {
  id: string;
  uscc: string;
  level: DesignationLevel;
  /** The year of the designation (the programme's list year). */
  year: number;
  validUntil?: IsoDate;
  status: DesignationStatus;
  reviews: Review[];
  revokedAt?: string;
  revocationReason?: string;
  /** The business day the title lapsed, and why. */
  lapsedOn?: IsoDate;
  lapseReason?: LapseReason;
  /** How a candidacy began: an enterprise's application or the office's nomination (a recorded title has none). */
  via?: 'application' | 'nomination';
  /** The eligibility score when it was applied for or nominated (`designation-programme.ts`). */
  eligibility?: Eligibility;
  /** The public notice (公示): its first and last day, and the objections raised during it. */
  noticeStartsOn?: IsoDate;
  noticeEndsOn?: IsoDate;
  objections?: Objection[];
  rejectedAt?: string;
  rejectionReason?: string;
  /** The demonstration title that superseded this advantage title, and its business day. */
  supersededBy?: string;
  supersededOn?: IsoDate;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An objection raised during the public notice, and how the office resolved it. */
export interface Objection {
  /** 1, 2, … in the order raised. */
  n: number;
  reason: string;
  at: string;
  by: Actor;
  status: 'open' | 'dismissed' | 'upheld';
  resolution?: string;
  resolvedAt?: string;
}

export interface Eligibility {
  score: number;
  minimum: number;
  /** Each criterion's points. */
  parts: Record<string, number>;
}

/** A designation with its history, as the API answers it. */
export type DesignationDetail = Designation & { history: DesignationEvent[] };

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
 * year (`predates`) and not after the current one (`future`: a year is assessed once it has begun), and a year is
 * reviewed once (`duplicate`).
 */
export function reviewRefusal(
  designation: Pick<Designation, 'year' | 'reviews'>,
  year: number,
  currentYear: number,
): { kind: 'predates' | 'future' | 'duplicate'; message: string } | undefined {
  if (year > currentYear)
    return { kind: 'future', message: `${year} is after the current year ${currentYear}` };
  if (year < designation.year)
    return {
      kind: 'predates',
      message: `the designation dates from ${designation.year}; a review of ${year} predates it`,
    };
  if (designation.reviews.some((r) => r.year === year))
    return { kind: 'duplicate', message: `a review of ${year} is already recorded` };
  return undefined;
}

/** Years between re-reviews (复核), and of cultivation before an advantage enterprise may be a demonstration one. */
export const REVIEW_INTERVAL_YEARS = 3;
export const CULTIVATION_YEARS = 3;

/** The year of the title's next re-review: three years after its designation year or its last passed review. */
export const reviewDueYear = (d: Pick<Designation, 'year' | 'reviews'>): number =>
  Math.max(d.year, ...d.reviews.filter((r) => r.outcome === 'pass').map((r) => r.year)) +
  REVIEW_INTERVAL_YEARS;

export type LapseReason = 'valid_until_passed' | 'review_overdue';

/**
 * Why the designation cycle lapses an active title on `today`: its `validUntil` has passed, or the year its
 * re-review fell in has ended without one. Undefined while it stands.
 */
export function lapseReason(
  d: Pick<Designation, 'status' | 'validUntil' | 'year' | 'reviews'>,
  today: IsoDate,
): LapseReason | undefined {
  if (d.status !== 'active') return undefined;
  if (d.validUntil !== undefined && d.validUntil < today) return 'valid_until_passed';
  if (yearOf(today) > reviewDueYear(d)) return 'review_overdue';
  return undefined;
}

/** A promotion: each programme's demonstration title supersedes its advantage title (the enterprise counts once). */
export const SUPERSEDES: Partial<Record<DesignationLevel, DesignationLevel>> = {
  national_demonstration: 'national_advantage',
  provincial_demonstration: 'provincial_advantage',
};

/** The demonstration title that supersedes `level`, when `level` is an advantage title. */
export const supersededBy = (level: DesignationLevel): DesignationLevel | undefined =>
  DESIGNATION_LEVELS.find((l) => SUPERSEDES[l] === level);

export interface ProgrammeRefusal {
  code: 'advantage_required' | 'cultivation_incomplete' | 'demonstration_held';
  message: string;
  params?: Record<string, number | string>;
}

/**
 * Whether the enterprise may hold `level` from `year`, given the active titles of the same programme it holds:
 * national demonstration needs a national advantage title at least CULTIVATION_YEARS old; an advantage title is not
 * given to an enterprise that already holds the programme's demonstration title.
 */
export function programmeRefusal(
  level: DesignationLevel,
  year: number,
  held: { advantage?: Pick<Designation, 'year'>; demonstration?: Pick<Designation, 'level'> },
): ProgrammeRefusal | undefined {
  if (held.demonstration && supersededBy(level) === held.demonstration.level)
    return {
      code: 'demonstration_held',
      message: `the enterprise already holds the ${held.demonstration.level} title, which supersedes ${level}`,
    };
  if (level !== 'national_demonstration') return undefined;
  if (!held.advantage)
    return {
      code: 'advantage_required',
      message: 'national demonstration follows an active national advantage title',
    };
  const earliestYear = held.advantage.year + CULTIVATION_YEARS;
  if (year < earliestYear)
    return {
      code: 'cultivation_incomplete',
      message: `the national advantage title of ${held.advantage.year} completes its ${CULTIVATION_YEARS}-year cultivation in ${earliestYear}`,
      params: { earliestYear },
    };
  return undefined;
}

/** `validUntil` must not end before the designation year starts. */
export const validUntilRefusal = (year: number, validUntil: IsoDate | undefined): string | undefined =>
  validUntil !== undefined && validUntil < `${year}-01-01`
    ? `must not lie before the designation year ${year}`
    : undefined;
