import { actorOf, type Principal } from '../../auth/principal.js';
import { coverageOf, remainingCover, settlementIssues } from '../../domain/coverage.js';
import { forbidden, invalidState, notFound, unprocessable } from '../../domain/errors.js';
import { CLAIM_STATUSES, type Claim } from '../../domain/policy.js';
import { type ClaimAction, claimTransition } from '../../domain/policy-state-machine.js';
import { PolicyRepository } from '../../store/policy-repository.js';
import {
  assertVersion,
  errorResponses,
  etagOf,
  Fen,
  IdParam,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';
import { ClaimSchema, listScope, mayReadPolicy } from './policies.js';

const SettleInput = z.strictObject({ paidFen: Fen }).openapi('ClaimSettlement');
const DenyInput = z.strictObject({ reason: z.string().trim().min(1).max(1000) }).openapi('ClaimDenial');

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
      const { deps, principal } = c.var;
      const { status, limit, cursor } = c.req.valid('query');
      const page = await new PolicyRepository(deps.db, deps.tableName).listClaims(
        listScope(principal),
        status,
        {
          limit,
          cursor,
        },
      );
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
      const { deps, principal } = c.var;
      const { id } = c.req.valid('param');
      const view = await new PolicyRepository(deps.db, deps.tableName).getClaimView(id);
      if (!view || !mayReadPolicy(principal, view.claim)) throw notFound(`Claim ${id}`);
      c.header('ETag', etagOf(view.claim.version));
      return c.json({ ...view.claim, history: view.history }, 200);
    },
  );

  /** Loads the claim the insurer acts on; 404 when it is not addressed to the caller, 409 from a wrong state. */
  const claimFor = async (repo: PolicyRepository, id: string, principal: Principal) => {
    const claim = await repo.getClaim(id);
    if (!claim || !mayReadPolicy(principal, claim) || principal.role === 'ipoffice')
      throw notFound(`Claim ${id}`);
    return claim;
  };
  const decide = (claim: Claim, action: ClaimAction, role: Parameters<typeof claimTransition>[2]) => {
    const decision = claimTransition(claim.status, action, role);
    if (!decision.ok) {
      if (decision.error === 'forbidden') throw forbidden();
      throw invalidState(
        `A claim that is ${claim.status} cannot be ${action === 'settle' ? 'settled' : 'denied'}.`,
        claim.status,
      );
    }
  };

  addRoute(
    app,
    ['insurer'],
    createRoute({
      method: 'post',
      path: '/claims/{id}/settle',
      summary: 'Pay a filed claim: filed → paid',
      description:
        "`paidFen` is 1 fen up to the claimed amount and never more than the line's sum insured minus its " +
        'deductible minus what the line already paid — enforced atomically, so concurrent settlements cannot ' +
        'exceed the cover; over the remaining cover → 422 stating the remainder (`remainingFen`).',
      tags: ['insurance'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(SettleInput) },
      responses: { 200: jsonResponse(ClaimSchema, 'Paid'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { id } = c.req.valid('param');
      const { paidFen } = c.req.valid('json');
      const repo = new PolicyRepository(deps.db, deps.tableName);
      const claim = await claimFor(repo, id, principal);
      assertVersion(c, claim.version);
      decide(claim, 'settle', principal.role);
      const policy = await repo.getPolicy(claim.policyId);
      const coverage = policy && coverageOf(policy, claim.line);
      if (!policy || !coverage) throw notFound(`Policy ${claim.policyId}`);
      const paidSoFar = policy.paid?.[claim.line] ?? 0;
      const issues = settlementIssues(coverage, paidSoFar, claim, paidFen);
      if (issues.length > 0)
        throw unprocessable(`The settlement is refused: ${issues.map((i) => i.message).join('; ')}.`, {
          remainingFen: remainingCover(coverage, paidSoFar),
          errors: issues,
        });
      const next = await repo.settle(claim, coverage, paidFen, actorOf(principal), deps.now().toISOString());
      c.header('ETag', etagOf(next.version));
      return c.json(next, 200);
    },
    { idempotent: true },
  );

  addRoute(
    app,
    ['insurer'],
    createRoute({
      method: 'post',
      path: '/claims/{id}/deny',
      summary: 'Deny a filed claim: filed → denied',
      tags: ['insurance'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(DenyInput) },
      responses: { 200: jsonResponse(ClaimSchema, 'Denied'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const repo = new PolicyRepository(deps.db, deps.tableName);
      const claim = await claimFor(repo, id, principal);
      assertVersion(c, claim.version);
      decide(claim, 'deny', principal.role);
      const next = await repo.deny(claim, reason, actorOf(principal), deps.now().toISOString());
      c.header('ETag', etagOf(next.version));
      return c.json(next, 200);
    },
    { idempotent: true },
  );
}
