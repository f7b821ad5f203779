/**
 * The designation programme as the office runs it each year: an enterprise applies or the office nominates, the
 * office publishes the candidates for public notice (公示), objections are raised and resolved, and a candidate
 * whose notice has ended cleanly is confirmed — within the year's quota, under the programme's rules, a promotion
 * superseding the advantage title — or rejected. Every step runs on the one engine.
 */
import type { Actor } from '../domain/actor.js';
import { yearOf } from '../domain/dates.js';
import {
  type Designation,
  type DesignationAction,
  type DesignationDetail,
  type DesignationLevel,
  type DesignationStatus,
  MAX_DESIGNATION_YEAR,
} from '../domain/designation.js';
import {
  confirmRefusal,
  designationFor,
  eligibilityOf,
  noticePeriod,
  objectionRefusal,
  resolved,
} from '../domain/designation-programme.js';
import { conflict, notFound, unprocessable, validationError } from '../domain/errors.js';
import { checkUscc } from '../domain/uscc.js';
import { DesignationRepository, takeQuota } from '../store/designation-repository.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { ConditionsFailed, type TxItem } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import {
  DESIGNATION_SPEC,
  type DesignationListItem,
  listDesignations,
  programmeError,
  programmeStanding,
  supersedeFailure,
  supersedeWrites,
  withHistory,
} from './designations.js';
import type { Operation } from './engine.js';

export interface CandidacyInput {
  level: DesignationLevel;
  year: number;
}

/** An enterprise applies for a title of the current or next year's list. */
export const applyForDesignation = (
  uc: UseCaseContext,
  actor: Actor,
  input: CandidacyInput,
  idempotency?: IdempotencyRequest,
) => openCandidacy(uc, actor, 'apply', { ...input, uscc: actor.org ?? '' }, idempotency);

/** The office nominates an enterprise that did not apply. */
export const nominateEnterprise = (
  uc: UseCaseContext,
  actor: Actor,
  input: CandidacyInput & { uscc: string },
  idempotency?: IdempotencyRequest,
) => openCandidacy(uc, actor, 'nominate', input, idempotency);

/**
 * Opens a candidacy: the programme's rules and the eligibility score are checked first (each refusal a 422 naming
 * the level and its reason); the candidacy lock makes it the only open one of the enterprise at that level.
 */
async function openCandidacy(
  uc: UseCaseContext,
  actor: Actor,
  action: 'apply' | 'nominate',
  input: CandidacyInput & { uscc: string },
  idempotency: IdempotencyRequest | undefined,
): Promise<DesignationDetail> {
  const check = checkUscc(input.uscc);
  if (!check.ok) throw validationError([{ path: 'uscc', message: check.reason }]);
  const uscc = check.uscc;
  const currentYear = yearOf(uc.clock.today());
  if (input.year < currentYear || input.year > Math.min(currentYear + 1, MAX_DESIGNATION_YEAR))
    throw unprocessable(`A candidacy is for the list of ${currentYear} or ${currentYear + 1}.`, {
      errors: [
        {
          path: 'year',
          code: 'list_year',
          message: `must be ${currentYear} or ${currentYear + 1}`,
          params: { from: currentYear, to: currentYear + 1 },
        },
      ],
    });
  const standing = await programmeStanding(uc, uscc, input, idempotency);
  if (standing.holder)
    throw conflict(`Enterprise ${uscc} already holds an active ${input.level} designation.`, {
      errors: [{ path: 'level', code: 'title_held', message: `${uscc} already holds this title` }],
      activeDesignationId: standing.holder,
    });
  if (standing.refusal) throw programmeError(uscc, standing.refusal);
  const repo = new DesignationRepository(uc.store);
  const brief = await repo.briefOf(uscc, uc.clock.today());
  // Said before the score, which an unknown enterprise would fail for the wrong reason. Enterprises are never
  // deleted, so the transaction need not check again.
  if (brief.name === null) throw notRegistered(uscc);
  const eligibility = eligibilityOf(input.level, brief.portfolio);
  if (eligibility.score < eligibility.minimum)
    throw unprocessable(
      `Enterprise ${uscc} scores ${eligibility.score}, below the ${eligibility.minimum} asked.`,
      {
        errors: [
          {
            path: 'level',
            code: 'below_eligibility',
            message: `scores ${eligibility.score} of the ${eligibility.minimum} this level asks`,
            params: { score: eligibility.score, minimum: eligibility.minimum },
          },
        ],
      },
    );
  const at = uc.clock.now().toISOString();
  const designation: Designation = {
    id: uc.newId(),
    uscc,
    level: input.level,
    year: input.year,
    status: action === 'apply' ? 'applied' : 'nominated',
    via: action === 'apply' ? 'application' : 'nomination',
    eligibility,
    reviews: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const outcome = await uc.engine.create(DESIGNATION_SPEC, { actor, action, idempotency }, designation, {
    data: { uscc, level: input.level, year: input.year, score: eligibility.score },
    answer: (after, event) => withHistory(after, [event]),
  });
  return outcome.result as DesignationDetail;
}

const notRegistered = (uscc: string) =>
  unprocessable(`Enterprise ${uscc} is not registered in the portal.`, {
    errors: [{ path: 'uscc', code: 'not_registered', message: `${uscc} is not a registered enterprise` }],
  });

interface StepRequest {
  id: string;
  expectedVersion?: number | undefined;
}

/** One programme step through the engine; the answer carries the history, as every designation answer does. */
async function step(
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest,
  action: DesignationAction,
  idempotency: IdempotencyRequest | undefined,
  change: (
    d: Designation,
    now: Date,
  ) => Promise<{
    changes?: Partial<Designation>;
    data?: Record<string, unknown>;
    writes?: TxItem[];
    onFailed?: (failure: ConditionsFailed) => Error | undefined;
  }>,
): Promise<DesignationDetail> {
  const outcome = await uc.engine.transition(
    DESIGNATION_SPEC,
    { actor, id: req.id, action, expectedVersion: req.expectedVersion, idempotency },
    async (d, { now, history }) => ({
      ...(await change(d, now)),
      answer: (after, event) => designationFor(actor, withHistory(after, [...history, event])),
    }),
  );
  return outcome.result as DesignationDetail;
}

/** The office nominates an application. */
const nominateApplication = (
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest,
  idempotency?: IdempotencyRequest,
  // Stryker disable next-line ArrowFunction: a change of undefined spreads as the empty change
) => step(uc, actor, req, 'nominate', idempotency, async () => ({}));

/** The office publishes a nominated candidate: its public notice runs NOTICE_DAYS from today. */
const publishCandidate = (
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest,
  idempotency?: IdempotencyRequest,
) =>
  step(uc, actor, req, 'publish', idempotency, async () => {
    const period = noticePeriod(uc.clock.today());
    return { changes: { ...period, objections: [] }, data: period };
  });

/** The office rejects a candidate, saying why. */
const rejectCandidate = (
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest & { reason: string },
  idempotency?: IdempotencyRequest,
) =>
  step(uc, actor, req, 'reject', idempotency, async (_d, now) => ({
    changes: { rejectedAt: now.toISOString(), rejectionReason: req.reason },
    data: { reason: req.reason },
  }));

/** The enterprise withdraws its candidacy before it is published. */
const withdrawCandidacy = (
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest,
  idempotency?: IdempotencyRequest,
  // Stryker disable next-line ArrowFunction: a change of undefined spreads as the empty change
) => step(uc, actor, req, 'withdraw', idempotency, async () => ({}));

/**
 * The title takes effect: the notice has ended with every objection resolved (422 otherwise), the programme's rules
 * still hold (a promotion supersedes the advantage title in the same transaction), and the year's quota of the level
 * has room (409 `quota_exhausted`) — all in ONE transaction with the title lock and the active count.
 */
const confirmCandidate = (
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest,
  idempotency?: IdempotencyRequest,
) =>
  step(uc, actor, req, 'confirm', idempotency, async (d, now) => {
    const refusal = confirmRefusal(d, uc.clock.today());
    if (refusal)
      throw unprocessable(`Designation ${d.id}: ${refusal.message}.`, {
        errors: [
          { path: 'status', code: refusal.code, message: refusal.message, params: refusal.params ?? {} },
        ],
      });
    const standing = await programmeStanding(uc, d.uscc, d);
    if (standing.refusal && !standing.holder) throw programmeError(d.uscc, standing.refusal);
    return {
      writes: [
        takeQuota(uc.store, d.year, d.level),
        ...supersedeWrites(uc, actor, standing.advantage, d, now),
      ],
      onFailed: (failure) =>
        failure.has('quota')
          ? conflict(`The ${d.year} quota of ${d.level} is used up.`, {
              errors: [{ path: 'level', code: 'quota_exhausted', message: `the ${d.year} quota is used up` }],
            })
          : supersedeFailure(failure, standing.advantage),
    };
  });

/** The programme's steps on an existing candidacy, by name (`POST /designations/{id}/<step>`). */
export type ProgrammeStep = 'nominate' | 'publish' | 'confirm' | 'reject' | 'withdraw';

/** Takes one step; `reason` is what a rejection tells the enterprise (the others take none). */
export function takeStep(
  uc: UseCaseContext,
  actor: Actor,
  step: ProgrammeStep,
  req: StepRequest & { reason?: string | undefined },
  idempotency?: IdempotencyRequest,
): Promise<DesignationDetail> {
  switch (step) {
    case 'nominate':
      return nominateApplication(uc, actor, req, idempotency);
    case 'publish':
      return publishCandidate(uc, actor, req, idempotency);
    case 'confirm':
      return confirmCandidate(uc, actor, req, idempotency);
    case 'reject':
      return rejectCandidate(uc, actor, { ...req, reason: req.reason ?? '' }, idempotency);
    case 'withdraw':
      return withdrawCandidacy(uc, actor, req, idempotency);
  }
}

const OBJECT: Operation<DesignationStatus> = {
  name: 'object',
  verb: 'raise an objection to',
  roles: ['enterprise', 'lender', 'insurer', 'ipoffice'],
  from: ['in_notice'],
  eventType: 'designation.objected',
};

const RESOLVE: Operation<DesignationStatus> = {
  name: 'resolve_objection',
  verb: 'resolve an objection to',
  roles: ['ipoffice'],
  from: ['in_notice'],
  eventType: 'designation.objection_resolved',
};

/** Anyone signed in but the candidate raises an objection during the notice; the office will resolve it. */
export async function raiseObjection(
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest & { reason: string },
  idempotency?: IdempotencyRequest,
): Promise<DesignationDetail> {
  const outcome = await uc.engine.operate(
    DESIGNATION_SPEC,
    OBJECT,
    { actor, id: req.id, expectedVersion: req.expectedVersion, idempotency },
    (d, { now, history }) => {
      const refusal = objectionRefusal(d, actor, uc.clock.today());
      if (refusal)
        throw unprocessable(`Designation ${d.id}: ${refusal.message}.`, {
          errors: [{ path: 'reason', code: refusal.code, message: refusal.message }],
        });
      // Stryker disable next-line ArrayDeclaration: publishing sets `objections: []`, and only a published candidate (in_notice) is objected to
      const objections = d.objections ?? [];
      const objection = {
        n: objections.length + 1,
        reason: req.reason,
        at: now.toISOString(),
        by: actor,
        status: 'open' as const,
      };
      return {
        changes: { objections: [...objections, objection] },
        data: { n: objection.n, reason: req.reason },
        answer: (after, event) => designationFor(actor, withHistory(after, [...history, event])),
      };
    },
  );
  return outcome.result as DesignationDetail;
}

/** The office resolves objection `n`: dismissed, the notice goes on; upheld, the candidate is rejected. */
export async function resolveObjection(
  uc: UseCaseContext,
  actor: Actor,
  req: StepRequest & { n: number; outcome: 'dismissed' | 'upheld'; resolution: string },
  idempotency?: IdempotencyRequest,
): Promise<DesignationDetail> {
  const outcome = await uc.engine.operate(
    DESIGNATION_SPEC,
    RESOLVE,
    { actor, id: req.id, expectedVersion: req.expectedVersion, idempotency },
    (d, { now, history }) => {
      const at = now.toISOString();
      // Stryker disable next-line ArrayDeclaration: publishing sets `objections: []`, and only a published candidate (in_notice) has one resolved
      const objections = resolved(d.objections ?? [], req.n, req.outcome, req.resolution, at);
      if (!objections)
        throw unprocessable(`Designation ${d.id} has no open objection ${req.n}.`, {
          errors: [{ path: 'n', code: 'no_open_objection', message: `no open objection ${req.n}` }],
        });
      const upheld = req.outcome === 'upheld';
      return {
        changes: {
          objections,
          ...(upheld
            ? { rejectedAt: at, rejectionReason: `objection ${req.n} upheld: ${req.resolution}` }
            : {}),
        },
        data: { n: req.n, outcome: req.outcome, resolution: req.resolution },
        ...(upheld ? { completes: 'reject' as const } : {}),
        answer: (after, event) => withHistory(after, [...history, event]),
      };
    },
  );
  return outcome.result as DesignationDetail;
}

/** The public notice: every candidacy in its notice period, for anyone signed in. */
export async function listNotices(
  uc: UseCaseContext,
  actor: Actor,
  filters: { level?: DesignationLevel | undefined; year?: number | undefined },
  page: PageRequest,
): Promise<Page<DesignationListItem>> {
  const found = await listDesignations(uc, { ...filters, status: 'in_notice' }, page);
  return { ...found, items: found.items.map((d) => designationFor(actor, d)) };
}

/** An enterprise's designations of every state (its own only; the office any). */
export async function designationsOfEnterprise(
  uc: UseCaseContext,
  actor: Actor,
  uscc: string,
): Promise<Designation[]> {
  if (actor.role === 'enterprise' && actor.org !== uscc) throw notFound(`Enterprise ${uscc}`);
  return (await new DesignationRepository(uc.store).ofEnterprise(uscc)).map((d) => designationFor(actor, d));
}

/** The year's quota and grants per level. */
export const quotasOf = (uc: UseCaseContext, year: number) =>
  new DesignationRepository(uc.store).quotasOf(year);

/** Sets quotas of one year; a quota below what was already granted against it → 409 naming the level. */
export async function setQuotas(
  uc: UseCaseContext,
  year: number,
  quotas: Partial<Record<DesignationLevel, number>>,
) {
  const repo = new DesignationRepository(uc.store);
  const writes = Object.entries(quotas).map(([level, quota]) =>
    repo.setQuota(year, level as DesignationLevel, quota as number),
  );
  if (writes.length === 0)
    throw validationError([{ path: 'quotas', message: 'must name at least one level' }]);
  try {
    await uc.store.transact(writes);
  } catch (error) {
    const failed = error instanceof ConditionsFailed ? error.failed[0] : undefined;
    if (!failed) throw error;
    const level = failed.tag.slice('quota:'.length);
    // Stryker disable OptionalChaining: the condition fails only on an item that has `granted`, whose old image the failure carries
    throw conflict(
      `The ${year} quota of ${level} is below the ${failed.old?.granted} titles already granted.`,
      {
        errors: [
          {
            path: `quotas.${level}`,
            code: 'quota_below_granted',
            message: `${failed.old?.granted} titles were already granted`,
            params: { granted: Number(failed.old?.granted ?? 0) },
          },
        ],
      },
    );
    // Stryker restore OptionalChaining
  }
  return repo.quotasOf(year);
}
