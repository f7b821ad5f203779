import { actorOf, type Role } from '../../auth/principal.js';
import { CLAIM_STATUSES } from '../../domain/policy.js';
import { CLAIM_MACHINE } from '../../domain/policy-state-machine.js';
import { actOnClaim, type ClaimActionBody, getClaim, listClaims } from '../../usecases/claims.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  Fen,
  IdParam,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';
import { ClaimSchema } from './insurance-schemas.js';

const ACTIONS = [
  {
    action: 'settle',
    summary: 'Pay a filed claim: filed → paid',
    description:
      "`paidFen` is 1 fen up to the claimed amount and never more than the line's sum insured minus its " +
      'deductible minus what the line already paid — enforced atomically, so concurrent settlements cannot ' +
      'exceed the cover; over the remaining cover → 422 stating the remainder (`remainingFen`).',
    schema: z.strictObject({ paidFen: Fen }).openapi('ClaimSettlement'),
  },
  {
    action: 'deny',
    summary: 'Deny a filed claim: filed → denied',
    description: undefined,
    schema: z.strictObject({ reason: z.string().trim().min(1).max(1000) }).openapi('ClaimDenial'),
  },
] as const;

/** Claims of policies: the holder, the addressed insurer and the IP office see one. */
export function registerClaimRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/claims',
      summary: "Claims you may see: your policies', those addressed to your company, or all (IP office)",
      description:
        'Grouped by status, newest first within a status; `status=filed` is an insurer’s work queue.',
      tags: ['insurance'],
      request: { query: PageQuerySchema.extend({ status: z.enum(CLAIM_STATUSES).optional() }) },
      responses: { 200: jsonResponse(pageOf(ClaimSchema, 'ClaimPage'), 'A page'), ...errorResponses },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const page = await listClaims(useCaseContext(c.get('deps')), actorOf(c.get('principal')), status, {
        limit,
        cursor,
      });
      return c.json(page, 200);
    },
  );

  addRoute(
    app,
    ['enterprise', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/claims/{id}',
      summary: 'A claim with its history',
      tags: ['insurance'],
      request: { params: IdParam },
      responses: { 200: jsonResponse(ClaimSchema, 'The claim'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { claim, history } = await getClaim(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        id,
      );
      c.header('ETag', etagOf(claim.version));
      return c.json({ ...claim, history }, 200);
    },
  );

  for (const { action, summary, description, schema } of ACTIONS)
    addRoute(
      app,
      CLAIM_MACHINE.row(action).roles.filter((r): r is Role => r !== 'system'),
      createRoute({
        method: 'post',
        path: `/claims/{id}/${action}`,
        summary,
        ...(description ? { description } : {}),
        tags: ['insurance'],
        request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(schema) },
        responses: {
          200: jsonResponse(ClaimSchema, action === 'settle' ? 'Paid' : 'Denied'),
          ...errorResponses,
        },
      }),
      async (c) =>
        respond(
          c,
          (idem) =>
            actOnClaim(
              useCaseContext(c.get('deps')),
              actorOf(c.get('principal')),
              {
                id: c.req.valid('param').id,
                action,
                body: c.req.valid('json') as ClaimActionBody,
                expectedVersion: expectedVersion(c),
              },
              idem,
            ),
          (claim) => ({ status: 200, body: claim, version: claim.version }),
        ),
      { idempotent: true },
    );
}
