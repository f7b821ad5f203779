import { actorOf, ROLES } from '../../auth/principal.js';
import { INSTITUTION_ID_PATTERN, INSTITUTION_KINDS } from '../../domain/institution.js';
import { LTV_KINDS, type LtvKind } from '../../domain/lending-policy.js';
import { COVERAGE_LINES } from '../../domain/policy.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  getInstitution,
  listInstitutions,
  saveInstitution,
  setLendingPolicy,
  setRates,
} from '../../usecases/institutions.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  Fen,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
  plainText,
  storedFields,
  versioned,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const InstitutionId = z
  .string()
  .regex(INSTITUTION_ID_PATTERN, 'must be 2–40 characters of a-z, 0-9 and -')
  .openapi({ example: 'jinhua-bank' });

const InstitutionParams = z.object({ id: InstitutionId });

const InstitutionInput = z
  .strictObject({ kind: z.enum(INSTITUTION_KINDS), name: plainText(200) })
  .openapi('InstitutionInput');

const LtvBps = z
  .number()
  .int()
  .min(0)
  .max(10_000)
  .openapi({ description: 'Basis points of the appraised value' });

const MaxLtvBpsSchema = z
  .strictObject(Object.fromEntries(LTV_KINDS.map((k) => [k, LtvBps])) as Record<LtvKind, typeof LtvBps>)
  .openapi('MaxLtvBps', {
    description:
      'Maximum loan-to-value per kind of pledged right, in basis points (2500 = 25 %). Defaults: invention 2500, ' +
      'utility_model 1500, design 1500, trademark 5000. A pledge of several kinds is capped by the LOWEST of them.',
  });

const DayCount = z.number().int().min(1).max(3650);
const ClassificationDaysSchema = z
  .strictObject({ specialMention: DayCount, substandard: DayCount, doubtful: DayCount, loss: DayCount })
  .openapi('ClassificationDays', {
    description:
      'First day past due of each tier of the five-tier classification; default the regulator’s 1 / 91 / 181 / ' +
      '361. Each tier starts later than the one before (else 422 `classification_days_not_increasing`).',
  });

const LendingPolicySchema = z
  .strictObject({
    maxLtvBps: MaxLtvBpsSchema,
    penaltyFactorBps: z.number().int().min(10_000).max(50_000).optional().openapi({
      description: 'Penalty rate = contract rate × factor; default 15000 (+50 %), fixed at approval',
    }),
    classificationDays: ClassificationDaysSchema.optional(),
    requireVerifiedRights: z.boolean().optional().openapi({
      description:
        'Only rights the IP office verified are accepted (else 422 `right_not_verified` at application)',
    }),
  })
  .openapi('LendingPolicy');

const RatesSchema = z
  .strictObject({
    rates: z
      .array(
        z.strictObject({
          line: z.enum(COVERAGE_LINES),
          rateBps: z
            .number()
            .int()
            .min(0)
            .max(10_000)
            .openapi({ description: 'Annual rate on the sum insured, basis points' }),
          minimumPremiumFen: Fen.optional(),
        }),
      )
      .max(COVERAGE_LINES.length),
  })
  .openapi('RateTable');

const InstitutionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INSTITUTION_KINDS),
    name: z.string(),
    lendingPolicy: LendingPolicySchema.optional().openapi({
      description: 'Lenders only: the loan-to-value caps in force (defaults until the IP office sets them)',
    }),
    rates: RatesSchema.shape.rates
      .optional()
      .openapi({ description: 'Insurers only: premium rates per line' }),
    ...storedFields,
  })
  .openapi('Institution');

export function registerInstitutionRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/institutions/{id}',
      summary: 'Create or update a bank or insurer',
      description:
        "By the IP office: enters an institution of the city's directory (201) or changes it (200). Answers the new `ETag`; honours `If-Match` (stale → 412).",
      tags: ['institutions'],
      request: {
        params: InstitutionParams,
        headers: IfMatchHeader,
        body: jsonBody(InstitutionInput),
      },
      responses: {
        200: versioned(jsonResponse(InstitutionSchema, 'Updated')),
        201: versioned(jsonResponse(InstitutionSchema, 'Created')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { institution, created } = await saveInstitution(useCaseContext(c.get('deps')), {
        id: c.req.valid('param').id,
        ...c.req.valid('json'),
        expectedVersion: expectedVersion(c),
      });
      c.header('ETag', etagOf(institution.version));
      return c.json(institution, created ? 201 : 200);
    },
  );

  addRoute(
    app,
    ['ipoffice', 'insurer'],
    createRoute({
      method: 'put',
      path: '/institutions/{id}/rates',
      summary: "Set an insurer's premium rates (its own, or any insurer's for the IP office)",
      description:
        'One annual rate per line (basis points of the sum insured, prorated by the period’s days over 365) and ' +
        'an optional minimum premium; a line rated twice → 422 `duplicate_line`. Quotes ' +
        '(`GET /policies/{id}/quote`) are made from the rates in force. Honours If-Match.',
      tags: ['institutions'],
      request: { params: InstitutionParams, headers: IfMatchHeader, body: jsonBody(RatesSchema) },
      responses: {
        200: versioned(jsonResponse(InstitutionSchema, 'The insurer with its rates')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const institution = await setRates(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
        id: c.req.valid('param').id,
        rates: c.req.valid('json').rates,
        expectedVersion: expectedVersion(c),
      });
      c.header('ETag', etagOf(institution.version));
      return c.json(institution, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice', 'lender'],
    createRoute({
      method: 'put',
      path: '/institutions/{id}/lending-policy',
      summary: "Set a lender's credit terms (its own, or any lender's for the IP office)",
      description:
        'Replaces the maximum loan-to-value per kind of pledged right (basis points), and optionally the penalty ' +
        'factor and classification thresholds. A lender sets its own (another id → 404); the IP office any. ' +
        'Approvals are checked against the caps in force when the lender approves. Honours If-Match.',
      tags: ['institutions'],
      request: {
        params: InstitutionParams,
        headers: IfMatchHeader,
        body: jsonBody(LendingPolicySchema),
      },
      responses: {
        200: versioned(jsonResponse(InstitutionSchema, 'The lender with its new policy')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const institution = await setLendingPolicy(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
        id: c.req.valid('param').id,
        policy: c.req.valid('json'),
        expectedVersion: expectedVersion(c),
      });
      c.header('ETag', etagOf(institution.version));
      return c.json(institution, 200);
    },
  );

  addRoute(
    app,
    ROLES,
    createRoute({
      method: 'get',
      path: '/institutions/{id}',
      summary: 'One bank or insurer (a lender with its loan-to-value caps)',
      description:
        'Every signed-in user may read an institution (a company chooses its bank or insurer from them). Answers its `ETag`.',
      tags: ['institutions'],
      request: { params: InstitutionParams },
      responses: { 200: versioned(jsonResponse(InstitutionSchema, 'The institution')), ...errorResponses },
    }),
    async (c) => {
      const institution = await getInstitution(useCaseContext(c.get('deps')), c.req.valid('param').id);
      c.header('ETag', etagOf(institution.version));
      return c.json(institution, 200);
    },
  );

  addRoute(
    app,
    ROLES,
    createRoute({
      method: 'get',
      path: '/institutions',
      summary: 'List banks and insurers',
      description:
        "The city's directory of institutions, ordered by id, optionally only one `kind`; paged with `limit` and `cursor`.",
      tags: ['institutions'],
      request: { query: PageQuerySchema.extend({ kind: z.enum(INSTITUTION_KINDS).optional() }) },
      responses: {
        200: jsonResponse(pageOf(InstitutionSchema, 'InstitutionPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { kind, limit, cursor } = c.req.valid('query');
      return c.json(await listInstitutions(useCaseContext(c.get('deps')), kind, { limit, cursor }), 200);
    },
  );
}
