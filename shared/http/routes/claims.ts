import { actorOf, type Role } from '../../auth/principal.js';
import { CLAIM_STATUSES } from '../../domain/policy.js';
import { CLAIM_MACHINE, type ClaimAction } from '../../domain/policy-state-machine.js';
import { actOnClaim, type ClaimActionBody, getClaim, listClaims, payClaim } from '../../usecases/claims.js';
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
  versioned,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';
import { ClaimSchema } from './insurance-schemas.js';

const Reason = z.string().trim().min(1).max(1000);

const ACTIONS = [
  {
    action: 'investigate',
    summary: 'Start investigating a notified claim: filed → under_investigation',
    description:
      'An optional initial `reserveFen` (what you expect to pay) within what the claim may be paid.',
    schema: z.strictObject({ reserveFen: Fen.optional() }).openapi('ClaimInvestigation'),
    required: false,
  },
  {
    action: 'assess',
    summary: 'Assess a claim under investigation: under_investigation → assessed',
    description:
      '`approvedFen` ≥ 1 and ≤ min(perClaimLimit, floor((claimed − deductible) × payoutRatio / 10000)), and not ' +
      'below what a reopened claim was already paid; it becomes the reserve until paid.',
    schema: z.strictObject({ approvedFen: Fen }).openapi('ClaimAssessment'),
    required: true,
  },
  {
    action: 'settle',
    summary: 'Assess and pay in one step: filed or under_investigation → paid',
    description:
      '`paidFen` ≥ 1, at most what the claim may be paid and the line’s remaining cover (its sum insured less ' +
      'what its claims were paid) — enforced atomically, so concurrent payments cannot exceed the cover; over ' +
      'the remaining cover → 422 stating the remainder (`remainingFen`).',
    schema: z.strictObject({ paidFen: Fen }).openapi('ClaimSettlement'),
    required: true,
  },
  {
    action: 'deny',
    summary: 'Deny a claim: filed, under_investigation or assessed → denied',
    description:
      "By the policy's insurer, with the reason the claimant will read. Honours `If-Match` and `Idempotency-Key`; from any other state 409 naming `currentState`.",
    schema: z.strictObject({ reason: Reason }).openapi('ClaimDenial'),
    required: true,
  },
  {
    action: 'reopen',
    summary: 'Reopen your paid or denied claim within a year: → under_investigation',
    description: 'The claimant only (the holder, or the lender of a guarantee claim).',
    schema: z.strictObject({ reason: Reason }).openapi('ClaimReopening'),
    required: true,
  },
] as const;

const rolesOf = (action: ClaimAction): Role[] =>
  CLAIM_MACHINE.row(action).roles.filter((r): r is Role => r !== 'system');

/** Claims of policies: the holder, the addressed insurer and the IP office see one. */
export function registerClaimRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/claims',
      summary:
        "Claims you may see: your policies', those addressed to your company, the guarantee claims your bank " +
        'benefits from (newest first), or all (IP office)',
      description:
        'Grouped by status, newest first within a status; `status=filed`, `under_investigation`, `assessed` and ' +
        '`partially_paid` are an insurer’s work queues.',
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
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/claims/{id}',
      summary: 'A claim with its history',
      description:
        "The claimant, the policy's holder and insurer, and the IP office may read a claim; to anyone else it is 404. Answers its `ETag`.",
      tags: ['insurance'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(ClaimSchema, 'The claim')), ...errorResponses },
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

  for (const { action, summary, description, schema, required } of ACTIONS)
    addRoute(
      app,
      rolesOf(action),
      createRoute({
        method: 'post',
        path: `/claims/{id}/${action}`,
        summary,
        ...(description ? { description } : {}),
        tags: ['insurance'],
        request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(schema, required) },
        responses: {
          200: versioned(jsonResponse(ClaimSchema, 'The claim after the step')),
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
                body: (c.req.valid('json') ?? {}) as ClaimActionBody,
                expectedVersion: expectedVersion(c),
              },
              idem,
            ),
          (claim) => ({ status: 200, body: claim, version: claim.version }),
        ),
      { idempotent: true },
    );

  addRoute(
    app,
    rolesOf('pay_in_part'),
    createRoute({
      method: 'post',
      path: '/claims/{id}/pay',
      summary: 'Pay on an assessed claim: → partially_paid, or paid once the approved amount is paid',
      description:
        '`amountFen` ≥ 1, at most the approved amount not yet paid and the line’s remaining cover (enforced ' +
        'atomically; over it → 422 with `remainingFen`).',
      tags: ['insurance'],
      request: {
        params: IdParam,
        headers: IfMatchHeader,
        body: jsonBody(z.strictObject({ amountFen: Fen }).openapi('ClaimPayment')),
      },
      responses: {
        200: versioned(jsonResponse(ClaimSchema, 'The claim after the payment')),
        ...errorResponses,
      },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          payClaim(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            {
              id: c.req.valid('param').id,
              amountFen: c.req.valid('json').amountFen,
              expectedVersion: expectedVersion(c),
            },
            idem,
          ),
        (claim) => ({ status: 200, body: claim, version: claim.version }),
      ),
    { idempotent: true },
  );
}
