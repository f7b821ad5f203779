import { actorOf } from '../../auth/principal.js';
import { DESIGNATION_LEVELS, MAX_DESIGNATION_YEAR, MIN_DESIGNATION_YEAR } from '../../domain/designation.js';
import { NOTICE_DAYS } from '../../domain/designation-programme.js';
import { parseUscc } from '../../domain/enterprise.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  applyForDesignation,
  designationsOfEnterprise,
  listNotices,
  nominateEnterprise,
  type ProgrammeStep,
  quotasOf,
  raiseObjection,
  resolveObjection,
  setQuotas,
  takeStep,
} from '../../usecases/designation-programme.js';
import {
  errorResponses,
  expectedVersion,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
  plainText,
  queryInt,
  versioned,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';
import { DesignationListItem, DesignationSchema, IdParam, Level, Year } from './designations.js';
import { UsccParam } from './enterprises.js';

/**
 * The designation programme (DOMAIN.md part two): applications and nominations, the public notice (公示) with its
 * objections, confirmation within the year's quota, rejection and withdrawal; the notices anyone signed in reads;
 * an enterprise's own designations; the year's quotas.
 */
const CandidacyInput = z
  .strictObject({
    level: Level,
    year: Year.openapi({ description: 'The list year: this year or the next', example: 2027 }),
  })
  .openapi('CandidacyInput');

const NominationInput = CandidacyInput.extend({
  uscc: z.string().max(40).openapi({ description: 'USCC of a registered enterprise' }),
}).openapi('NominationInput');

const ReasonInput = z.strictObject({ reason: plainText(500) }).openapi('ReasonInput');

const ResolutionInput = z
  .strictObject({
    outcome: z.enum(['dismissed', 'upheld']).openapi({ description: '`upheld` rejects the candidate' }),
    resolution: plainText(500),
  })
  .openapi('ObjectionResolution');

const QuotaSchema = z
  .object({
    quota: z.number().int().optional().openapi({ description: 'Absent: no quota set (no limit)' }),
    granted: z.number().int().openapi({ description: 'Titles the programme confirmed against it' }),
  })
  .openapi('DesignationQuota');

const QuotasSchema = z
  .object(Object.fromEntries(DESIGNATION_LEVELS.map((l) => [l, QuotaSchema.optional()])))
  .openapi('DesignationQuotas');

const QuotasInput = z
  .strictObject(
    Object.fromEntries(DESIGNATION_LEVELS.map((l) => [l, z.number().int().min(0).max(10_000).optional()])),
  )
  .openapi('DesignationQuotasInput');

const YearParam = z.object({ year: queryInt(MIN_DESIGNATION_YEAR, MAX_DESIGNATION_YEAR) });

const ALL = ['enterprise', 'lender', 'insurer', 'ipoffice'] as const;

/** The steps that take no body may be sent with none, or with `{}`. */
const NoBody = z.strictObject({}).openapi('NoBody');

/** One programme step on a designation: `POST /designations/{id}/<action>`. */
const STEPS: {
  action: ProgrammeStep;
  roles: readonly ('enterprise' | 'ipoffice')[];
  summary: string;
  description: string;
  body?: typeof ReasonInput;
}[] = [
  {
    action: 'nominate',
    roles: ['ipoffice'],
    summary: 'Nominate an application: applied → nominated',
    description: 'By the IP office. Honours If-Match and Idempotency-Key; from another state 409.',
  },
  {
    action: 'publish',
    roles: ['ipoffice'],
    summary: 'Publish a candidate for public notice (公示): nominated → in_notice',
    description: `The notice runs ${NOTICE_DAYS} days from today (\`noticeStartsOn\`–\`noticeEndsOn\`); anyone signed in may object meanwhile.`,
  },
  {
    action: 'confirm',
    roles: ['ipoffice'],
    summary: 'Confirm a candidate: in_notice → active (the title takes effect)',
    description:
      'After the notice has ended with every objection resolved (422 `notice_running`, `objection_open`); under ' +
      'the programme’s rules (422 as for `POST /designations`; a promotion supersedes the advantage title); within ' +
      'the year’s quota of the level (409 `quota_exhausted`) — in one transaction, also under concurrent requests.',
  },
  {
    action: 'reject',
    roles: ['ipoffice'],
    summary: 'Reject a candidate: applied, nominated or in_notice → rejected',
    description: 'With the reason the enterprise will read.',
    body: ReasonInput,
  },
  {
    action: 'withdraw',
    roles: ['enterprise'],
    summary: 'Withdraw your candidacy: applied or nominated → withdrawn',
    description: 'By the enterprise, before the notice is published.',
  },
];

export function registerDesignationProgrammeRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise'],
    createRoute({
      method: 'post',
      path: '/designation-applications',
      summary: 'Apply for a demonstration or advantage title',
      description:
        'For your own enterprise, for this year’s or next year’s list (422 `list_year`). Refused with 422 naming ' +
        '`level` when a programme rule excludes it (`advantage_required`, `cultivation_incomplete`, ' +
        '`demonstration_held`) or when the portfolio scores below the level’s minimum (`below_eligibility` with ' +
        '`score` and `minimum`); 409 when you hold the title (`title_held`) or have an open candidacy for it ' +
        '(`candidacy_open`). Honours Idempotency-Key.',
      tags: ['designations'],
      request: { body: jsonBody(CandidacyInput) },
      responses: { 201: versioned(jsonResponse(DesignationSchema, 'Applied')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          applyForDesignation(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            c.req.valid('json'),
            idem,
          ),
        (d) => ({ status: 201, body: d, version: d.version, location: `/designations/${d.id}` }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'post',
      path: '/designation-nominations',
      summary: 'Nominate an enterprise that did not apply',
      description:
        'The same rules as an application, for a registered enterprise (422 otherwise). Honours Idempotency-Key.',
      tags: ['designations'],
      request: { body: jsonBody(NominationInput) },
      responses: { 201: versioned(jsonResponse(DesignationSchema, 'Nominated')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          nominateEnterprise(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            c.req.valid('json'),
            idem,
          ),
        (d) => ({ status: 201, body: d, version: d.version, location: `/designations/${d.id}` }),
      ),
    { idempotent: true },
  );

  for (const s of STEPS)
    addRoute(
      app,
      s.roles,
      createRoute({
        method: 'post',
        path: `/designations/{id}/${s.action}`,
        summary: s.summary,
        description: `${s.description} Honours If-Match and Idempotency-Key.`,
        tags: ['designations'],
        request: {
          params: IdParam,
          headers: IfMatchHeader,
          body: s.body ? jsonBody(s.body) : jsonBody(NoBody, false),
        },
        responses: {
          200: versioned(jsonResponse(DesignationSchema, 'The designation after the step')),
          ...errorResponses,
        },
      }),
      async (c) =>
        respond(
          c,
          (idem) =>
            takeStep(
              useCaseContext(c.get('deps')),
              actorOf(c.get('principal')),
              s.action,
              {
                id: c.req.valid('param').id,
                expectedVersion: expectedVersion(c),
                ...(c.req.valid('json') as { reason?: string }),
              },
              idem,
            ),
          (d) => ({ status: 200, body: d, version: d.version }),
        ),
      { idempotent: true },
    );

  addRoute(
    app,
    ALL,
    createRoute({
      method: 'post',
      path: '/designations/{id}/objections',
      summary: 'Object to a candidate during its public notice',
      description:
        'Anyone signed in but the candidate (422 `own_candidacy`), until the notice’s last day (422 ' +
        '`notice_ended`); only candidates in notice exist for non-office callers (404). The objector is named to ' +
        'the office only. Honours If-Match and Idempotency-Key.',
      tags: ['designations'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(ReasonInput) },
      responses: { 201: versioned(jsonResponse(DesignationSchema, 'Objection recorded')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          raiseObjection(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            {
              id: c.req.valid('param').id,
              expectedVersion: expectedVersion(c),
              reason: c.req.valid('json').reason,
            },
            idem,
          ),
        (d) => ({ status: 201, body: d, version: d.version }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'post',
      path: '/designations/{id}/objections/{n}/resolve',
      summary: 'Resolve an objection: dismissed, or upheld (the candidate is rejected)',
      description:
        'By the IP office; 422 `no_open_objection` when objection `n` is not open. Honours If-Match and Idempotency-Key.',
      tags: ['designations'],
      request: {
        params: IdParam.extend({ n: queryInt(1, 1000) }),
        headers: IfMatchHeader,
        body: jsonBody(ResolutionInput),
      },
      responses: { 200: versioned(jsonResponse(DesignationSchema, 'Resolved')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) => {
          const { id, n } = c.req.valid('param');
          return resolveObjection(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { id, n, expectedVersion: expectedVersion(c), ...c.req.valid('json') },
            idem,
          );
        },
        (d) => ({ status: 200, body: d, version: d.version }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ALL,
    createRoute({
      method: 'get',
      path: '/designation-notices',
      summary: 'The public notice (公示): candidates in their notice period',
      description:
        'For anyone signed in, with each enterprise’s name and portfolio summary; optionally one `level` or `year`.',
      tags: ['designations'],
      request: {
        query: PageQuerySchema.extend({
          level: Level.optional(),
          year: queryInt(MIN_DESIGNATION_YEAR, MAX_DESIGNATION_YEAR).optional(),
        }),
      },
      responses: {
        200: jsonResponse(pageOf(DesignationListItem, 'DesignationNoticePage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { level, year, limit, cursor } = c.req.valid('query');
      return c.json(
        await listNotices(
          useCaseContext(c.get('deps')),
          actorOf(c.get('principal')),
          { level, year },
          { limit, cursor },
        ),
        200,
      );
    },
  );

  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/enterprises/{uscc}/designations',
      summary: 'An enterprise’s designations and candidacies, newest first',
      description: 'Every state. An enterprise reads its own (another’s is 404); the IP office any.',
      tags: ['designations'],
      request: { params: z.object({ uscc: UsccParam.max(40) }) },
      responses: {
        200: jsonResponse(
          z.object({ items: z.array(DesignationSchema.omit({ history: true })).max(1000) }),
          'Its designations (without their histories)',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const items = await designationsOfEnterprise(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        parseUscc(c.req.valid('param').uscc, 'param.uscc').uscc,
      );
      return c.json({ items }, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/designation-quotas/{year}',
      summary: 'The year’s quota of titles per level, and how many were granted',
      description: 'By the IP office. A level without a quota is absent or has no `quota` (no limit).',
      tags: ['designations'],
      request: { params: YearParam },
      responses: { 200: jsonResponse(QuotasSchema, 'The quotas'), ...errorResponses },
    }),
    async (c) => c.json(await quotasOf(useCaseContext(c.get('deps')), c.req.valid('param').year), 200),
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/designation-quotas/{year}',
      summary: 'Set the year’s quota of titles for some levels',
      description:
        'The number of titles the programme may confirm that year per level, as the province and CNIPA allot ' +
        'them. A quota below what was already granted is 409 `quota_below_granted` naming the level; nothing changes.',
      tags: ['designations'],
      request: { params: YearParam, body: jsonBody(QuotasInput) },
      responses: { 200: jsonResponse(QuotasSchema, 'The quotas now'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await setQuotas(
          useCaseContext(c.get('deps')),
          c.req.valid('param').year,
          c.req.valid('json') as Partial<Record<(typeof DESIGNATION_LEVELS)[number], number>>,
        ),
        200,
      ),
  );
}
