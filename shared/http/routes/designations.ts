import { actorOf } from '../../auth/principal.js';
import {
  DESIGNATION_LEVELS,
  DESIGNATION_STATUSES,
  MAX_DESIGNATION_YEAR,
  MIN_DESIGNATION_YEAR,
  REVIEW_OUTCOMES,
} from '../../domain/designation.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  designate,
  getDesignation,
  listDesignations,
  recordReview,
  revokeDesignation,
} from '../../usecases/designations.js';
import {
  ActorSchema,
  errorResponses,
  etagOf,
  expectedVersion,
  IfMatchHeader,
  IsoDate,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
  queryInt,
  storedFields,
  versioned,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

export const Level = z.enum(DESIGNATION_LEVELS);
export const Year = z.number().int().min(MIN_DESIGNATION_YEAR).max(MAX_DESIGNATION_YEAR);

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

export const DesignationSchema = z
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
    lapsedOn: z
      .string()
      .optional()
      .openapi({ description: 'The business day the designation cycle lapsed it' }),
    lapseReason: z.enum(['valid_until_passed', 'review_overdue']).optional().openapi({
      description: 'Its `validUntil` passed, or the year its re-review (复核) fell in ended without one',
    }),
    supersededBy: z
      .string()
      .optional()
      .openapi({ description: 'The demonstration title that superseded this advantage title (a promotion)' }),
    supersededOn: z.string().optional(),
    via: z.enum(['application', 'nomination']).optional().openapi({
      description: 'Applied for or nominated by the office; absent for a title recorded as granted elsewhere',
    }),
    eligibility: z
      .object({
        score: z.number().int(),
        minimum: z.number().int(),
        parts: z.record(z.string(), z.number().int()),
      })
      .optional()
      .openapi({
        description: 'The score when it was applied for or nominated (the office and the enterprise)',
      }),
    noticeStartsOn: z.string().optional().openapi({ description: 'First day of the public notice (公示)' }),
    noticeEndsOn: z.string().optional().openapi({ description: 'Last day of the public notice' }),
    objections: z
      .array(
        z.object({
          n: z.number().int(),
          reason: z.string(),
          at: z.string(),
          by: ActorSchema.optional().openapi({ description: 'Shown to the office and to the objector only' }),
          status: z.enum(['open', 'dismissed', 'upheld']),
          resolution: z.string().optional(),
          resolvedAt: z.string().optional(),
        }),
      )
      .optional(),
    rejectedAt: z.string().optional(),
    rejectionReason: z.string().optional(),
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

export const DesignationListItem = DesignationSchema.extend({
  enterpriseName: z.string().nullable(),
  divisionCode: z.string().nullable(),
  portfolio: PortfolioSummarySchema,
}).openapi('DesignationListItem');

/** Designation ids are at most 64 characters (the shared `IdParam` allows 100). */
export const IdParam = z.object({ id: z.string().min(1).max(64) });

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
        'second one is 409 until the first is revoked, also under concurrent requests. National demonstration ' +
        'needs an active national advantage title at least three years old (422 `advantage_required` or ' +
        '`cultivation_incomplete` with `earliestYear`); a demonstration title supersedes the enterprise’s advantage ' +
        'title of its programme in the same transaction (it becomes `superseded`: the enterprise counts once); an ' +
        'advantage title is refused to a holder of the demonstration title (422 `demonstration_held`). Honours ' +
        'Idempotency-Key.',
      tags: ['designations'],
      request: { body: jsonBody(DesignationInput) },
      responses: { 201: versioned(jsonResponse(DesignationSchema, 'Designated')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          designate(useCaseContext(c.get('deps')), actorOf(c.get('principal')), c.req.valid('json'), idem),
        (d) => ({ status: 201, body: d, version: d.version, location: `/designations/${d.id}` }),
      ),
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
      responses: { 201: versioned(jsonResponse(DesignationSchema, 'Review recorded')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          recordReview(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { id: c.req.valid('param').id, input: c.req.valid('json'), expectedVersion: expectedVersion(c) },
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
      path: '/designations/{id}/revoke',
      summary: 'Revoke a designation',
      description:
        '409 with `currentState` when it is already revoked. Honours If-Match and Idempotency-Key.',
      tags: ['designations'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(RevokeInput) },
      responses: { 200: versioned(jsonResponse(DesignationSchema, 'Revoked')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          revokeDesignation(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            {
              id: c.req.valid('param').id,
              reason: c.req.valid('json').reason,
              expectedVersion: expectedVersion(c),
            },
            idem,
          ),
        (d) => ({ status: 200, body: d, version: d.version }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/designations/{id}',
      summary: 'One designation with its reviews and history',
      description:
        'A national or provincial demonstration or advantage designation, its yearly reviews and every change. The ' +
        'office reads any; an enterprise its own; anyone a candidacy in its public notice (others: 404). An ' +
        'objector is named only to the office. Answers its `ETag`.',
      tags: ['designations'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(DesignationSchema, 'The designation')), ...errorResponses },
    }),
    async (c) => {
      const d = await getDesignation(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
      );
      c.header('ETag', etagOf(d.version));
      return c.json(d, 200);
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
          year: queryInt(MIN_DESIGNATION_YEAR, MAX_DESIGNATION_YEAR).optional(),
          status: z.enum(DESIGNATION_STATUSES).optional(),
        }),
      },
      responses: {
        200: jsonResponse(pageOf(DesignationListItem, 'DesignationPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { level, year, status, limit, cursor } = c.req.valid('query');
      return c.json(
        await listDesignations(useCaseContext(c.get('deps')), { level, year, status }, { limit, cursor }),
        200,
      );
    },
  );
}
