import { actorOf } from '../../auth/principal.js';
import { useCaseContext } from '../../usecases/context.js';
import { getRiskPool, setRiskPool } from '../../usecases/programmes.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  storedFields,
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

const RiskPoolSchema = RiskPoolInput.extend({ id: z.literal('risk-pool'), ...storedFields }).openapi(
  'RiskPool',
);

/** City programmes of API.md v2 run by the IP office. */
export function registerProgrammeRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['ipoffice', 'lender'],
    createRoute({
      method: 'get',
      path: '/programmes/risk-pool',
      summary: 'The risk-compensation pool’s shares of a disposed loan’s loss',
      description: '404 until the IP office first sets them.',
      tags: ['programmes'],
      responses: { 200: jsonResponse(RiskPoolSchema, 'The shares in force'), ...errorResponses },
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
        200: jsonResponse(RiskPoolSchema, 'Replaced'),
        201: jsonResponse(RiskPoolSchema, 'Set for the first time'),
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
}
