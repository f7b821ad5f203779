import { actorOf } from '../../auth/principal.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  getInterestSubsidy,
  getPremiumSubsidy,
  getRiskPool,
  listSubsidies,
  setInterestSubsidy,
  setPremiumSubsidy,
  setRiskPool,
} from '../../usecases/programmes.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  queryInt,
  storedFields,
  versioned,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const Bps = z.number().int().min(0).max(10_000);

const RiskPoolInput = z
  .strictObject({
    poolBps: Bps.openapi({ description: 'The city pool’s share of a loss, basis points' }),
    lenderBps: Bps,
    insurerBps: Bps.openapi({ description: 'The guarantee insurer’s share' }),
    appraiserBps: Bps,
  })
  .openapi('RiskPoolInput');

const RiskPoolSchema = z
  .object({ ...RiskPoolInput.shape, id: z.literal('risk-pool'), ...storedFields })
  .openapi('RiskPool');

const Year = queryInt(2000, 2100);
const Fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const InterestSubsidyInput = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    shareBps: z
      .number()
      .int()
      .min(0)
      .openapi({ description: 'Share of the interest paid, basis points (≤ 10000)' }),
    capPerEnterpriseFen: Fen,
    maxLoanFen: Fen.optional().openapi({
      description: 'Only loans approved for at most this amount qualify',
    }),
  })
  .openapi('InterestSubsidyInput');

const PremiumSubsidyInput = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    shareBps: Bps.openapi({ description: 'The city’s share of each premium, basis points' }),
  })
  .openapi('PremiumSubsidyInput');

const PremiumSubsidySchema = z
  .object({ ...PremiumSubsidyInput.shape, id: z.string(), ...storedFields })
  .openapi('PremiumSubsidy');

// Answers are plain objects (a strict input extended would forbid its own extra fields in the document).
const InterestSubsidySchema = z
  .object({ ...InterestSubsidyInput.shape, id: z.string(), ...storedFields })
  .openapi('InterestSubsidy');

const SubsidyListSchema = z
  .object({
    year: z.number().int(),
    items: z.array(
      z.object({ uscc: z.string(), interestPaidFen: z.number().int(), subsidyFen: z.number().int() }),
    ),
    totalFen: z.number().int(),
  })
  .openapi('SubsidyList');

/** City programmes of API.md v2 run by the IP office. */
export function registerProgrammeRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/programmes/interest-subsidy',
      summary: 'Set a year’s interest subsidy (IP office)',
      description:
        'Subsidy per enterprise = floor(interest paid in the year × shareBps / 10000), at most ' +
        '`capPerEnterpriseFen`; `shareBps` above 10000 → 422 `share_above_100_percent`. Honours If-Match.',
      tags: ['programmes'],
      request: { headers: IfMatchHeader, body: jsonBody(InterestSubsidyInput) },
      responses: {
        200: versioned(jsonResponse(InterestSubsidySchema, 'Replaced')),
        201: versioned(jsonResponse(InterestSubsidySchema, 'Set for the first time')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { programme, created } = await setInterestSubsidy(useCaseContext(c.get('deps')), {
        ...c.req.valid('json'),
        expectedVersion: expectedVersion(c),
      });
      c.header('ETag', etagOf(programme.version));
      return c.json(programme, created ? 201 : 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/programmes/interest-subsidy',
      summary: 'A year’s interest subsidy terms',
      description: '404 until the IP office sets them for that year.',
      tags: ['programmes'],
      request: { query: z.strictObject({ year: Year }) },
      responses: { 200: versioned(jsonResponse(InterestSubsidySchema, 'The terms')), ...errorResponses },
    }),
    async (c) => {
      const programme = await getInterestSubsidy(useCaseContext(c.get('deps')), c.req.valid('query').year);
      c.header('ETag', etagOf(programme.version));
      return c.json(programme, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/subsidies',
      summary: 'What each enterprise receives from a year’s interest subsidy (IP office)',
      description:
        'From the interest part of repayments made in the year (v1 `repay` included) on pledge loans of ' +
        'enterprises registered in the city (330700 and its nine county-level divisions), on loans approved for at ' +
        'most `maxLoanFen` when set. Reads only that year’s repayments. 404 until the year’s terms are set.',
      tags: ['programmes'],
      request: { query: z.strictObject({ year: Year }) },
      responses: { 200: jsonResponse(SubsidyListSchema, 'The subsidy list'), ...errorResponses },
    }),
    async (c) => c.json(await listSubsidies(useCaseContext(c.get('deps')), c.req.valid('query').year), 200),
  );

  addRoute(
    app,
    ['ipoffice', 'lender'],
    createRoute({
      method: 'get',
      path: '/programmes/risk-pool',
      summary: 'The risk-compensation pool’s shares of a disposed loan’s loss',
      description: '404 until the IP office first sets them.',
      tags: ['programmes'],
      responses: { 200: versioned(jsonResponse(RiskPoolSchema, 'The shares in force')), ...errorResponses },
    }),
    async (c) => {
      const pool = await getRiskPool(useCaseContext(c.get('deps')), actorOf(c.get('principal')));
      c.header('ETag', etagOf(pool.version));
      return c.json(pool, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/programmes/risk-pool',
      summary: 'Set the risk-compensation pool’s shares (IP office)',
      description:
        'The four shares add up to exactly 10000 bps (else 422 `shares_must_sum_to_10000` naming each). A ' +
        'disposal keeps the shares in force when it was recorded. Honours If-Match.',
      tags: ['programmes'],
      request: { headers: IfMatchHeader, body: jsonBody(RiskPoolInput) },
      responses: {
        200: versioned(jsonResponse(RiskPoolSchema, 'Replaced')),
        201: versioned(jsonResponse(RiskPoolSchema, 'Set for the first time')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { programme, created } = await setRiskPool(useCaseContext(c.get('deps')), {
        ...c.req.valid('json'),
        expectedVersion: expectedVersion(c),
      });
      c.header('ETag', etagOf(programme.version));
      return c.json(programme, created ? 201 : 200);
    },
  );

  addRoute(
    app,
    ['ipoffice', 'insurer'],
    createRoute({
      method: 'get',
      path: '/programmes/premium-subsidy',
      summary: 'The city’s share of the premiums of policies issued in a year',
      description: '404 until the IP office sets that year’s share.',
      tags: ['programmes'],
      request: { query: z.strictObject({ year: Year }) },
      responses: { 200: versioned(jsonResponse(PremiumSubsidySchema, 'The share')), ...errorResponses },
    }),
    async (c) => {
      const programme = await getPremiumSubsidy(useCaseContext(c.get('deps')), c.req.valid('query').year);
      c.header('ETag', etagOf(programme.version));
      return c.json(programme, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/programmes/premium-subsidy',
      summary: 'Set the city’s share of a year’s insurance premiums (IP office)',
      description:
        'Policies issued in `year` from now on show `premiumSubsidyFen` = floor(premium × share / 10000) and ' +
        '`premiumPayableFen`; a policy keeps the share it was issued with. Honours If-Match.',
      tags: ['programmes'],
      request: { headers: IfMatchHeader, body: jsonBody(PremiumSubsidyInput) },
      responses: {
        200: versioned(jsonResponse(PremiumSubsidySchema, 'Replaced')),
        201: versioned(jsonResponse(PremiumSubsidySchema, 'Set for the first time')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { programme, created } = await setPremiumSubsidy(useCaseContext(c.get('deps')), {
        ...c.req.valid('json'),
        expectedVersion: expectedVersion(c),
      });
      c.header('ETag', etagOf(programme.version));
      return c.json(programme, created ? 201 : 200);
    },
  );
}
