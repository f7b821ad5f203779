import type { Context } from 'hono';
import { actorOf } from '../../auth/principal.js';
import { todayInShanghai } from '../../domain/dates.js';
import {
  DESIGNATION_LEVELS,
  DESIGNATION_STATUSES,
  type Designation,
  type DesignationAction,
  type DesignationEvent,
  designationTransition,
  MAX_DESIGNATION_YEAR,
  MIN_DESIGNATION_YEAR,
  REVIEW_OUTCOMES,
  reviewAction,
  reviewRefusal,
  validUntilRefusal,
} from '../../domain/designation.js';
import {
  conflict,
  forbidden,
  invalidState,
  notFound,
  unprocessable,
  validationError,
} from '../../domain/errors.js';
import { checkUscc } from '../../domain/uscc.js';
import { DesignationRepository } from '../../store/designation-repository.js';
import {
  ActorSchema,
  assertVersion,
  errorResponses,
  etagOf,
  IfMatchHeader,
  IsoDate,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
  storedFields,
} from '../common.js';
import type { AppEnv, PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const Level = z.enum(DESIGNATION_LEVELS);
const Year = z.number().int().min(MIN_DESIGNATION_YEAR).max(MAX_DESIGNATION_YEAR);

const DesignationInput = z
  .strictObject({
    uscc: z
      .string()
      .max(40)
      .openapi({ description: 'USCC of a registered enterprise', example: '91330784147123451K' }),
    level: Level,
    year: Year.openapi({ description: 'The year of the designation list', example: 2023 }),
    validUntil: IsoDate.optional().openapi({
      description: 'Last day of the title, when the programme sets one',
    }),
  })
  .openapi('DesignationInput');

const ReviewInput = z
  .strictObject({
    year: Year.openapi({ description: 'The year assessed (考核/复核); once per year' }),
    outcome: z.enum(REVIEW_OUTCOMES).openapi({ description: '`fail` revokes the designation' }),
    notes: z.string().trim().min(1).max(2000).optional(),
  })
  .openapi('ReviewInput');

const RevokeInput = z.strictObject({ reason: z.string().trim().min(1).max(500) }).openapi('RevokeInput');

const DesignationSchema = z
  .object({
    id: z.string(),
    uscc: z.string(),
    level: Level,
    year: z.number().int(),
    validUntil: z.string().optional(),
    status: z.enum(DESIGNATION_STATUSES),
    reviews: z.array(
      z.object({
        year: z.number().int(),
        outcome: z.enum(REVIEW_OUTCOMES),
        notes: z.string().optional(),
        at: z.string(),
        by: ActorSchema,
      }),
    ),
    history: z.array(
      z.object({
        at: z.string(),
        action: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        actor: ActorSchema,
        reason: z.string().optional(),
      }),
    ),
    revokedAt: z.string().optional(),
    revocationReason: z.string().optional(),
    ...storedFields,
  })
  .openapi('Designation');

const PortfolioSummarySchema = z
  .object({
    patentsInForce: z.object({ invention: z.number(), utility_model: z.number(), design: z.number() }),
    trademarksInForce: z.number(),
    pledgeFinancingRegisteredFen: z
      .number()
      .openapi({ description: 'Approved amount of the enterprise’s registered pledges, all years' }),
    sumInsuredFen: z
      .number()
      .openapi({ description: 'Sum insured of the enterprise’s issued policies, all years' }),
  })
  .openapi('EnterprisePortfolioSummary');

const DesignationListItem = DesignationSchema.extend({
  enterpriseName: z.string().nullable(),
  divisionCode: z.string().nullable(),
  portfolio: PortfolioSummarySchema,
}).openapi('DesignationListItem');

/** Designation ids are at most 64 characters (the shared `IdParam` allows 100). */
const IdParam = z.object({ id: z.string().min(1).max(64) });

/** Reads the designation, honours If-Match and asks the state machine; throws the matching problem. */
async function prepareTransition(c: Context<AppEnv>, id: string, action: DesignationAction) {
  const { deps, principal } = c.var;
  const repo = new DesignationRepository(deps.db, deps.tableName);
  const designation = await repo.get(id);
  if (!designation) throw notFound(`Designation ${id}`);
  assertVersion(c, designation.version);
  const decision = designationTransition(designation.status, action, principal.role);
  if (!decision.ok) {
    if (decision.error === 'forbidden') throw forbidden();
    throw invalidState(
      `The designation is ${designation.status}; ${action.replace('_', ' ')} is not possible.`,
      designation.status,
    );
  }
  const at = deps.now().toISOString();
  const event: DesignationEvent = {
    at,
    action,
    from: designation.status,
    to: decision.to,
    actor: actorOf(principal),
  };
  return { repo, designation, to: decision.to, at, event };
}

export function registerDesignationRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'post',
      path: '/designations',
      summary: 'Designate a demonstration or advantage enterprise',
      description:
        'The enterprise must be registered (422 otherwise). One active designation per enterprise and level: a ' +
        'second one is 409 until the first is revoked, also under concurrent requests. Honours Idempotency-Key.',
      tags: ['designations'],
      request: { body: jsonBody(DesignationInput) },
      responses: { 201: jsonResponse(DesignationSchema, 'Designated'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const input = c.req.valid('json');
      const check = checkUscc(input.uscc);
      if (!check.ok) throw validationError([{ path: 'uscc', message: check.reason }]);
      const refusal = validUntilRefusal(input.year, input.validUntil);
      if (refusal) throw validationError([{ path: 'validUntil', message: refusal }]);
      const at = deps.now().toISOString();
      const designation: Designation = {
        id: deps.newId(),
        uscc: check.uscc,
        level: input.level,
        year: input.year,
        ...(input.validUntil === undefined ? {} : { validUntil: input.validUntil }),
        status: 'active',
        reviews: [],
        history: [{ at, action: 'designate', from: null, to: 'active', actor: actorOf(principal) }],
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      await new DesignationRepository(deps.db, deps.tableName).create(designation);
      c.header('ETag', etagOf(designation.version));
      c.header('Location', `/designations/${designation.id}`);
      return c.json(designation, 201);
    },
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'post',
      path: '/designations/{id}/reviews',
      summary: 'Record an annual review (考核/复核)',
      description:
        'Appends the review to the designation. `fail` revokes it (409 with `currentState` when it is not ' +
        'active). One review per year, not before the designation year (422). Honours If-Match and Idempotency-Key.',
      tags: ['designations'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(ReviewInput) },
      responses: { 201: jsonResponse(DesignationSchema, 'Review recorded'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const { repo, designation, to, at, event } = await prepareTransition(
        c,
        id,
        reviewAction(input.outcome),
      );
      const refusal = reviewRefusal(designation, input.year);
      if (refusal?.kind === 'duplicate')
        throw conflict(`Designation ${id}: ${refusal.message}.`, { currentState: designation.status });
      if (refusal)
        throw unprocessable(`Designation ${id}: ${refusal.message}.`, {
          errors: [{ path: 'year', message: refusal.message }],
        });
      const after: Designation = {
        ...designation,
        status: to,
        reviews: [
          ...designation.reviews,
          {
            year: input.year,
            outcome: input.outcome,
            ...(input.notes === undefined ? {} : { notes: input.notes }),
            at,
            by: event.actor,
          },
        ],
        history: [...designation.history, event],
        ...(to === 'revoked' ? { revokedAt: at, revocationReason: `review of ${input.year} failed` } : {}),
        version: designation.version + 1,
        updatedAt: at,
      };
      await repo.transition(designation, after);
      c.header('ETag', etagOf(after.version));
      c.header('Location', `/designations/${id}`);
      return c.json(after, 201);
    },
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'post',
      path: '/designations/{id}/revoke',
      summary: 'Revoke a designation',
      description:
        '409 with `currentState` when it is already revoked. Honours If-Match and Idempotency-Key.',
      tags: ['designations'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(RevokeInput) },
      responses: { 200: jsonResponse(DesignationSchema, 'Revoked'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const { repo, designation, to, at, event } = await prepareTransition(c, id, 'revoke');
      const after: Designation = {
        ...designation,
        status: to,
        history: [...designation.history, { ...event, reason }],
        revokedAt: at,
        revocationReason: reason,
        version: designation.version + 1,
        updatedAt: at,
      };
      await repo.transition(designation, after);
      c.header('ETag', etagOf(after.version));
      return c.json(after, 200);
    },
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/designations/{id}',
      summary: 'One designation with its reviews and history',
      tags: ['designations'],
      request: { params: IdParam },
      responses: { 200: jsonResponse(DesignationSchema, 'The designation'), ...errorResponses },
    }),
    async (c) => {
      const { deps } = c.var;
      const { id } = c.req.valid('param');
      const designation = await new DesignationRepository(deps.db, deps.tableName).get(id);
      if (!designation) throw notFound(`Designation ${id}`);
      c.header('ETag', etagOf(designation.version));
      return c.json(designation, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/designations',
      summary: 'List designations with each enterprise’s name and portfolio summary',
      description:
        'Filters `level`, `year`, `status` in any combination (each one index key prefix). The portfolio summary ' +
        'counts patents by type and trademarks in force today, and the enterprise’s registered pledge financing ' +
        'and sum insured over all years.',
      tags: ['designations'],
      request: {
        query: PageQuerySchema.extend({
          level: Level.optional(),
          year: z.coerce.number().int().min(MIN_DESIGNATION_YEAR).max(MAX_DESIGNATION_YEAR).optional(),
          status: z.enum(DESIGNATION_STATUSES).optional(),
        }),
      },
      responses: {
        200: jsonResponse(pageOf(DesignationListItem, 'DesignationPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps } = c.var;
      const { level, year, status, limit, cursor } = c.req.valid('query');
      const repo = new DesignationRepository(deps.db, deps.tableName);
      const page = await repo.list({ level, year, status }, { limit, cursor });
      const briefs = await repo.enterpriseBriefs(
        page.items.map((d) => d.uscc),
        todayInShanghai(deps.now()),
      );
      const items = page.items.map((d) => {
        const brief = briefs.get(d.uscc)!;
        return {
          ...d,
          enterpriseName: brief.name,
          divisionCode: brief.divisionCode,
          portfolio: brief.portfolio,
        };
      });
      return c.json({ items, nextCursor: page.nextCursor }, 200);
    },
  );
}
