/**
 * Designation use cases: designate, record a review, revoke, read, list. The transitions run on the one engine;
 * their history is the designation's event items, so an answer's `history` is read from them.
 */

import { type Actor, SYSTEM_ACTOR, tenantOf } from '../domain/actor.js';
import { designationContribution, statsChange } from '../domain/contributions.js';
import { yearOf } from '../domain/dates.js';
import {
  DESIGNATION_MACHINE,
  type Designation,
  type DesignationAction,
  type DesignationDetail,
  type DesignationLevel,
  type DesignationSummary,
  type DesignationTransitionRow,
  designationEvent,
  designationEventType,
  isCandidacy,
  lapseReason,
  lockEffect,
  type ProgrammeRefusal,
  programmeRefusal,
  type ReviewOutcome,
  reviewAction,
  reviewRefusal,
  SUPERSEDES,
  supersededBy,
  validUntilRefusal,
} from '../domain/designation.js';
import { designationFor } from '../domain/designation-programme.js';
import { type DomainEvent, historyEntry } from '../domain/domain-event.js';
import { conflict, invalidState, notFound, unprocessable, validationError } from '../domain/errors.js';
import { checkUscc } from '../domain/uscc.js';
import {
  type DesignationFilters,
  DesignationRepository,
  designationIndexKeys,
  type EnterpriseBrief,
  enterpriseLink,
  freeCandidacy,
  freeLock,
  lockHolder,
  takeCandidacy,
  takeLock,
} from '../store/designation-repository.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import { designationLockKey, enterpriseKey } from '../store/keys.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { statsWrites } from '../store/stats-facts.js';
import { type ConditionsFailed, PRESENT } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import { type AggregateSpec, ALSO } from './engine.js';

/**
 * The designation as the engine runs it. Its effects: taking the active title takes the enterprise-and-level lock
 * and counts it; losing it (a failed review, a revocation) frees both — in the transition's own transaction.
 */
export const DESIGNATION_SPEC: AggregateSpec<Designation, DesignationAction, DesignationTransitionRow> = {
  kind: 'designation',
  noun: 'designation',
  machine: DESIGNATION_MACHINE,
  eventType: designationEventType,
  // The office sees every designation; an enterprise its own; anyone a candidacy in its public notice.
  maySee: (actor, d) =>
    actor.role === 'ipoffice' ||
    (actor.role === 'enterprise' && actor.org === d.uscc) ||
    d.status === 'in_notice',
  audience: (d) => [tenantOf({ role: 'enterprise', org: d.uscc })],
  indexKeys: designationIndexKeys,
  answersWithHistory: true,
  effects: (before, after, _row, store) => {
    const from = before?.status ?? null;
    const title = lockEffect(from, after.status);
    const candidacy = lockEffect(from, after.status, isCandidacy);
    return [
      ...(before === null ? [enterpriseLink(store, after)] : []),
      ...(title === 'take' ? takeLock(store, after) : title === 'free' ? freeLock(store, after) : []),
      ...(candidacy === 'take'
        ? takeCandidacy(store, after)
        : candidacy === 'free'
          ? freeCandidacy(store, after)
          : []),
      ...statsWrites(
        statsChange(before ? designationContribution(before) : {}, designationContribution(after)),
        store.tableName,
      ),
    ];
  },
  onEffectFailed: (failure, before, after) => {
    const candidacy = failure.failed.find((f) => f.tag === 'candidacy');
    if (candidacy && !before) {
      const openId = lockHolder(candidacy.old);
      const message = `${after.uscc} already has an open candidacy for ${after.level}`;
      return conflict(`Enterprise ${message}${openId ? ` (${openId})` : ''}.`, {
        errors: [{ path: 'level', code: 'candidacy_open', message }],
        ...(openId ? { activeDesignationId: openId } : {}),
      });
    }
    const lock = failure.failed.find((f) => f.tag === 'lock');
    if (!lock) return undefined;
    // Freeing a lock another designation holds: the data is inconsistent.
    if (after.status !== 'active')
      return conflict(
        'The active-designation lock does not belong to this designation; the IP office must reconcile it.',
      );
    const activeId = lockHolder(lock.old);
    return conflict(
      `Enterprise ${after.uscc} already holds an active ${after.level} designation${activeId ? ` (${activeId})` : ''}; revoke it first.`,
      activeId ? { activeDesignationId: activeId } : {},
    );
  },
};

export interface DesignationInput {
  uscc: string;
  level: DesignationLevel;
  year: number;
  validUntil?: string | undefined;
}

/**
 * Designates a registered enterprise: ONE transaction with the designation, its first event, a check that the
 * enterprise exists, the lock (at most one active per enterprise and level; concurrent duplicates race on it and
 * exactly one wins) and the active counter. The programme's rules come first (`programmeRefusal`, from the
 * enterprise's titles of the same programme, read with the idempotency record); a demonstration title supersedes
 * the enterprise's advantage title of its programme in the same transaction.
 */
export async function designate(
  uc: UseCaseContext,
  actor: Actor,
  input: DesignationInput,
  idempotency?: IdempotencyRequest,
): Promise<DesignationDetail> {
  const check = checkUscc(input.uscc);
  if (!check.ok) throw validationError([{ path: 'uscc', message: check.reason }]);
  const refusal = validUntilRefusal(input.year, input.validUntil);
  if (refusal) throw validationError([{ path: 'validUntil', message: refusal }]);
  const standing = await programmeStanding(uc, check.uscc, input, idempotency);
  // A title held already is refused by the transaction's lock (409 naming the active one).
  if (!standing.holder && standing.refusal) throw programmeError(check.uscc, standing.refusal);
  const advantage = standing.holder ? undefined : standing.advantage;
  const now = uc.clock.now();
  const at = now.toISOString();
  const designation: Designation = {
    id: uc.newId(),
    uscc: check.uscc,
    level: input.level,
    year: input.year,
    // Stryker disable next-line ConditionalExpression: the `false` variant sets validUntil: undefined, which the document client (removeUndefinedValues) and the JSON answer drop, as if absent
    ...(input.validUntil === undefined ? {} : { validUntil: input.validUntil }),
    status: 'active',
    reviews: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const outcome = await uc.engine.create(
    DESIGNATION_SPEC,
    { actor, action: 'designate', idempotency },
    designation,
    {
      data: {
        uscc: designation.uscc,
        level: designation.level,
        year: designation.year,
        // Stryker disable next-line ConditionalExpression: the `false` variant sets validUntil: undefined, which the document client (removeUndefinedValues) and the JSON answer drop, as if absent
        ...(designation.validUntil === undefined ? {} : { validUntil: designation.validUntil }),
      },
      writes: [
        { tag: 'enterprise', write: uc.store.check(enterpriseKey(designation.uscc), PRESENT) },
        ...supersedeWrites(uc, actor, advantage, designation, now),
      ],
      onFailed: (failure) => {
        if (failure.has('enterprise'))
          return unprocessable(`Enterprise ${designation.uscc} is not registered in the portal.`, {
            errors: [
              {
                path: 'uscc',
                code: 'not_registered',
                message: `${designation.uscc} is not a registered enterprise`,
              },
            ],
          });
        return supersedeFailure(failure, advantage);
      },
      answer: (after, event) => withHistory(after, [event]),
    },
  );
  return outcome.result as DesignationDetail;
}

/** Where an enterprise stands in a level's programme: who holds the level, the advantage title it would supersede. */
export interface ProgrammeStanding {
  /** The designation holding this very level, if any. */
  holder?: string;
  /** The active advantage title a demonstration title of this level supersedes. */
  advantage?: Designation;
  refusal?: ProgrammeRefusal;
}

/**
 * The enterprise's titles of the level's programme (their locks, read with the idempotency record in one BatchGet,
 * then the advantage title a promotion supersedes) and the programme's verdict on a new title of `level` in `year`.
 */
export async function programmeStanding(
  uc: UseCaseContext,
  uscc: string,
  input: { level: DesignationLevel; year: number },
  idempotency?: IdempotencyRequest,
): Promise<ProgrammeStanding> {
  const advantageLevel = SUPERSEDES[input.level];
  const demonstrationLevel = supersededBy(input.level);
  // Stryker disable next-line MethodExpression,ConditionalExpression: unfiltered, the read adds the key of level `undefined`, which never exists and is never looked up
  const levels = [input.level, advantageLevel, demonstrationLevel].filter((l) => l !== undefined);
  const read = await uc.engine.read(
    levels.map((level) => designationLockKey(uscc, level)),
    idempotency,
  );
  const holderOf = (level: DesignationLevel | undefined) =>
    // Stryker disable next-line ConditionalExpression: the key of level `undefined` never exists, so its holder is undefined either way
    level === undefined ? undefined : lockHolder(read.get(designationLockKey(uscc, level)));
  const holder = holderOf(input.level);
  const advantageId = holderOf(advantageLevel);
  const loaded = advantageId ? await uc.engine.load<Designation>('designation', advantageId) : undefined;
  const advantage = loaded?.status === 'active' ? loaded : undefined;
  const demonstration =
    holderOf(demonstrationLevel) && demonstrationLevel ? { level: demonstrationLevel } : undefined;
  const refusal = programmeRefusal(input.level, input.year, {
    ...(advantage ? { advantage } : {}),
    ...(demonstration ? { demonstration } : {}),
  });
  return {
    ...(holder ? { holder } : {}),
    ...(advantage ? { advantage } : {}),
    ...(refusal ? { refusal } : {}),
  };
}

/** The 422 of a programme rule, naming the level. */
export const programmeError = (uscc: string, refusal: ProgrammeRefusal) =>
  unprocessable(`Enterprise ${uscc}: ${refusal.message}.`, {
    errors: [
      {
        path: 'level',
        code: refusal.code,
        message: refusal.message,
        ...(refusal.params ? { params: refusal.params } : {}),
      },
    ],
  });

/** The promotion's second half: the advantage title `by` supersedes, ended in the same transaction. */
export const supersedeWrites = (
  uc: UseCaseContext,
  actor: Actor,
  advantage: Designation | undefined,
  by: Pick<Designation, 'id' | 'level'>,
  now: Date,
) =>
  advantage
    ? uc.engine.alsoTransition(DESIGNATION_SPEC, advantage, {
        actor,
        action: 'supersede',
        changes: { supersededBy: by.id, supersededOn: uc.clock.today() },
        data: { supersededBy: by.id, level: by.level },
        now,
      }).writes
    : [];

/** The superseded title moved meanwhile (revoked, or another promotion won): 409, retry. */
export const supersedeFailure = (failure: ConditionsFailed, advantage: Designation | undefined) =>
  failure.failed.some((f) => f.tag.startsWith(ALSO))
    ? // Stryker disable next-line OptionalChaining: an also: write exists only when there is an advantage title to supersede
      conflict(`The ${advantage?.level} title ${advantage?.id} changed meanwhile; retry.`)
    : undefined;

export interface ReviewInput {
  year: number;
  outcome: ReviewOutcome;
  notes?: string | undefined;
}

/** Records a review: one per year, not before the designation year; `fail` revokes the designation. */
export function recordReview(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; input: ReviewInput; expectedVersion?: number | undefined },
  idempotency?: IdempotencyRequest,
): Promise<DesignationDetail> {
  const { id, input } = req;
  return act(uc, actor, id, reviewAction(input.outcome), req.expectedVersion, idempotency, (d, at) => {
    const refusal = reviewRefusal(d, input.year, yearOf(uc.clock.today()));
    if (refusal?.kind === 'duplicate')
      throw conflict(`Designation ${id}: ${refusal.message}.`, { currentState: d.status });
    if (refusal)
      throw unprocessable(`Designation ${id}: ${refusal.message}.`, {
        errors: [
          {
            path: 'year',
            code: refusal.kind === 'future' ? 'review_in_future' : 'review_predates_designation',
            message: refusal.message,
          },
        ],
      });
    // Stryker disable next-line ConditionalExpression: the `false` variant sets notes: undefined, which the document client (removeUndefinedValues) and the JSON answer drop, as if absent
    const notes = input.notes === undefined ? {} : { notes: input.notes };
    return {
      changes: {
        reviews: [...d.reviews, { year: input.year, outcome: input.outcome, ...notes, at, by: actor }],
        ...(input.outcome === 'fail'
          ? { revokedAt: at, revocationReason: `review of ${input.year} failed` }
          : {}),
      },
      data: { year: input.year, outcome: input.outcome, ...notes },
    };
  });
}

export function revokeDesignation(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; reason: string; expectedVersion?: number | undefined },
  idempotency?: IdempotencyRequest,
): Promise<DesignationDetail> {
  return act(uc, actor, req.id, 'revoke', req.expectedVersion, idempotency, (_d, at) => ({
    changes: { revokedAt: at, revocationReason: req.reason },
    data: { reason: req.reason },
  }));
}

/** One action through the engine; the answer is the history the engine read with the designation, plus this event. */
async function act(
  uc: UseCaseContext,
  actor: Actor,
  id: string,
  action: Exclude<DesignationAction, 'designate'>,
  expectedVersion: number | undefined,
  idempotency: IdempotencyRequest | undefined,
  change: (d: Designation, at: string) => { changes: Partial<Designation>; data: Record<string, unknown> },
): Promise<DesignationDetail> {
  const outcome = await uc.engine.transition(
    DESIGNATION_SPEC,
    { actor, id, action, expectedVersion, idempotency },
    (d, { now, history }) => {
      const { changes, data } = change(d, now.toISOString());
      return { changes, data, answer: (after, event) => withHistory(after, [...history, event]) };
    },
  );
  return outcome.result as DesignationDetail;
}

export const withHistory = (d: Designation, events: readonly DomainEvent[]): DesignationDetail => ({
  ...d,
  history: events.map((e) => designationEvent(historyEntry(e))),
});

export async function getDesignation(
  uc: UseCaseContext,
  actor: Actor,
  id: string,
): Promise<DesignationDetail> {
  const found = await uc.engine.loadWithHistory<Designation>('designation', id);
  if (!found || !DESIGNATION_SPEC.maySee(actor, found.agg)) throw notFound(`Designation ${id}`);
  return designationFor(actor, { ...found.agg, history: found.history.map(designationEvent) });
}

export type DesignationListItem = DesignationDetail & {
  enterpriseName: string | null;
  divisionCode: string | null;
  portfolio: EnterpriseBrief['portfolio'];
};

/** A page of designations, each with its history and its enterprise's name and portfolio summary. */
export async function listDesignations(
  uc: UseCaseContext,
  filters: DesignationFilters,
  page: PageRequest,
): Promise<Page<DesignationListItem>> {
  const repo = new DesignationRepository(uc.store);
  const found = await repo.list(filters, page);
  const { histories, briefs } = await repo.listContext(found.items, uc.clock.today());
  const items = found.items.map((d) => {
    const brief = briefs.get(d.uscc)!;
    return {
      // Stryker disable next-line ArrayDeclaration: every designation has its creating event, so its history is never missing
      ...withHistory(d, histories.get(d.id) ?? []),
      enterpriseName: brief.name,
      divisionCode: brief.divisionCode,
      portfolio: brief.portfolio,
    };
  });
  return { items, nextCursor: found.nextCursor };
}

/** The enterprise's current designations (one Query on the lock index). */
export const activeDesignationsOf = (uc: UseCaseContext, uscc: string): Promise<DesignationSummary[]> =>
  new DesignationRepository(uc.store).activeOf(uscc);

/**
 * The designation cycle lapses one title whose `validUntil` has passed or whose re-review is overdue, as the system:
 * the lock is freed and the level's count goes down in the same transaction (the spec's effects). A title no longer
 * active or still standing → 409.
 */
export async function lapseDesignation(uc: UseCaseContext, id: string): Promise<Designation> {
  const outcome = await uc.engine.transition(
    DESIGNATION_SPEC,
    { actor: SYSTEM_ACTOR, id, action: 'lapse' },
    (d) => {
      const today = uc.clock.today();
      const reason = lapseReason(d, today);
      if (!reason) throw invalidState('The designation still stands.', d.status);
      return {
        changes: { lapsedOn: today, lapseReason: reason },
        // Stryker disable next-line ConditionalExpression: the `false` variant sets validUntil: undefined, which the document client (removeUndefinedValues) drops, as if absent
        data: { reason, ...(d.validUntil === undefined ? {} : { validUntil: d.validUntil }) },
      };
    },
  );
  return outcome.after;
}
