import type { Context } from 'hono';
import type { Principal, Role } from '../../auth/principal.js';
import { actorOf } from '../../auth/principal.js';
import { claimIssues, coverageIssues, periodIssues } from '../../domain/coverage.js';
import { compareDates, todayInShanghai } from '../../domain/dates.js';
import {
  conflict,
  type FieldIssue,
  forbidden,
  invalidState,
  notFound,
  preconditionFailed,
  unprocessable,
} from '../../domain/errors.js';
import { INSTITUTION_ID_PATTERN } from '../../domain/institution.js';
import {
  CLAIM_STATUSES,
  type Claim,
  COVERAGE_LINES,
  coverageViews,
  generatedPolicyNumber,
  type HistoryEvent,
  POLICY_STATUSES,
  type Policy,
} from '../../domain/policy.js';
import {
  POLICY_TRANSITIONS,
  type PolicyAction,
  policyTransition,
} from '../../domain/policy-state-machine.js';
import { institutionKey } from '../../store/institution-repository.js';
import { PolicyRepository, policyNumberKey, VersionMoved } from '../../store/policy-repository.js';
import { enterpriseSummaryDelta, policyIssuedFact } from '../../store/stats-facts.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  Fen,
  IdParam,
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

/** Statuses of a pledge whose loan a `pledge_guarantee` line may back: approved and not yet ended. */
const GUARANTEEABLE_PLEDGE_STATUSES = new Set(['approved', 'registered', 'active']);
const IN_FORCE_ASSET_STATUSES = new Set(['granted', 'registered']);
/** Bounded re-tries when only the policy's version moved under us (a claim filed or settled meanwhile). */
const MAX_ATTEMPTS = 3;

const assetKey = (id: string) => ({ pk: `ASSET#${id}`, sk: 'ASSET' });
const pledgeKey = (id: string) => ({ pk: `PLEDGE#${id}`, sk: 'PLEDGE' });

const Id = z.string().min(1).max(100);

const CoverageInput = z.strictObject({
  line: z.enum(COVERAGE_LINES),
  sumInsuredFen: Fen,
  deductibleFen: Fen.optional().openapi({ description: 'Default 0' }),
});

const unique =
  <T>(what: string, keyOf: (item: T) => string) =>
  (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const key = keyOf(item);
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${key} is listed twice` });
      seen.add(key);
    });
  };

const PolicyInput = z
  .strictObject({
    insurerId: z.string().regex(INSTITUTION_ID_PATTERN, 'must be an institution id'),
    assetIds: z
      .array(Id)
      .min(1)
      .max(50)
      .superRefine(unique('asset', (id: string) => id)),
    coverages: z
      .array(CoverageInput)
      .min(1)
      .max(COVERAGE_LINES.length)
      .superRefine(unique('line', (c: { line: string }) => c.line)),
    periodStart: IsoDate,
    periodEnd: IsoDate.openapi({
      description: 'Last day of cover (inclusive); at most 5 years after periodStart',
    }),
    pledgeId: Id.optional().openapi({ description: 'Required with (and only with) a pledge_guarantee line' }),
  })
  .openapi('PolicyApplication');

const HistoryEventSchema = z
  .object({
    at: z.string(),
    action: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    actor: z.object({ role: z.string(), org: z.string().nullable(), sub: z.string().optional() }),
    version: z.number().int(),
    claimId: z.string().optional(),
    reason: z.string().optional(),
    paidFen: z.number().int().optional(),
  })
  .openapi('HistoryEvent');

export const ClaimSchema = z
  .object({
    id: z.string(),
    policyId: z.string(),
    holder: z.string(),
    insurerId: z.string(),
    line: z.enum(COVERAGE_LINES),
    claimedFen: z.number().int(),
    incidentDate: z.string(),
    description: z.string(),
    status: z.enum(CLAIM_STATUSES),
    paidFen: z.number().int().optional(),
    settledAt: z.string().optional(),
    denyReason: z.string().optional(),
    deniedAt: z.string().optional(),
    history: z.array(HistoryEventSchema).optional(),
    ...storedFields,
  })
  .openapi('Claim');

const PolicySchema = z
  .object({
    id: z.string(),
    holder: z.string(),
    insurerId: z.string(),
    assetIds: z.array(z.string()),
    coverages: z.array(
      z.object({
        line: z.enum(COVERAGE_LINES),
        sumInsuredFen: z.number().int(),
        deductibleFen: z.number().int(),
        paidFen: z.number().int(),
      }),
    ),
    periodStart: z.string(),
    periodEnd: z.string(),
    pledgeId: z.string().optional(),
    beneficiaryLenderId: z.string().optional(),
    status: z.enum(POLICY_STATUSES),
    premiumFen: z.number().int().optional(),
    policyNumber: z.string().optional(),
    issuedAt: z.string().optional(),
    declineReason: z.string().optional(),
    cancelReason: z.string().optional(),
    claimCount: z.number().int(),
    claims: z.array(ClaimSchema).optional().openapi({ description: 'On GET /policies/{id}' }),
    history: z.array(HistoryEventSchema).optional().openapi({ description: 'On GET /policies/{id}' }),
    ...storedFields,
  })
  .openapi('Policy');

const IssueInput = z
  .strictObject({
    premiumFen: Fen,
    policyNumber: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'must be 1–64 letters, digits and -')
      .optional()
      .openapi({ description: 'Generated when absent; unique per insurer' }),
  })
  .openapi('PolicyIssue');
const ReasonInput = z.strictObject({ reason: z.string().trim().min(1).max(1000) }).openapi('PolicyDecline');
const CancelInput = z
  .strictObject({ reason: z.string().trim().min(1).max(1000).optional() })
  .openapi('PolicyCancellation');

const ClaimInput = z
  .strictObject({
    line: z.enum(COVERAGE_LINES),
    claimedFen: Fen,
    incidentDate: IsoDate,
    description: z.string().trim().min(1).max(4000),
  })
  .openapi('ClaimFiling');

/** The policy as the API shows it: coverages with what each line has paid; the internal `paid` map hidden. */
function policyView(policy: Policy, extra: { claims?: Claim[]; history?: HistoryEvent[] } = {}) {
  const { paid: _paid, ...rest } = policy;
  return { ...rest, claimCount: policy.claimCount ?? 0, coverages: coverageViews(policy), ...extra };
}

/** Holder, addressed insurer and the IP office see a policy; anyone else is told it does not exist. */
export function mayReadPolicy(p: Principal, policy: Pick<Policy, 'holder' | 'insurerId'>): boolean {
  if (p.role === 'ipoffice') return true;
  if (p.role === 'enterprise') return p.org?.toUpperCase() === policy.holder;
  if (p.role === 'insurer') return p.org === policy.insurerId;
  return false;
}

const rolesFor = (action: PolicyAction): Role[] =>
  POLICY_TRANSITIONS.find((r) => r.action === action)!.roles.filter((r): r is Role => r !== 'system');

export function registerPolicyRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise'],
    createRoute({
      method: 'post',
      path: '/policies',
      summary: 'Apply for a full-chain IP insurance policy',
      description:
        'Underwriting checks run together and every failure is reported in one 422: the insurer exists and is an ' +
        'insurer; each asset is yours, granted/registered and in force through periodEnd (`expiresOn`), with every ' +
        "co-owner's consent recorded; `pledge_guarantee` needs `pledgeId` of your own approved, registered or active " +
        'pledge (its lender becomes `beneficiaryLenderId`), and `pledgeId` needs that line; deductible ≤ sum ' +
        'insured; periodStart < periodEnd ≤ the day before the 5th anniversary of periodStart; periodEnd not past.',
      tags: ['insurance'],
      request: { body: jsonBody(PolicyInput) },
      responses: { 201: jsonResponse(PolicySchema, 'Applied'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const input = c.req.valid('json');
      const holder = (principal.org ?? '').toUpperCase();
      const now = deps.now();
      const today = todayInShanghai(now);
      const coverages = input.coverages.map((cv) => ({
        line: cv.line,
        sumInsuredFen: cv.sumInsuredFen,
        deductibleFen: cv.deductibleFen ?? 0,
      }));
      const issues: FieldIssue[] = [
        ...periodIssues(input.periodStart, input.periodEnd, today),
        ...coverageIssues(coverages, input.pledgeId),
      ];
      const repo = new PolicyRepository(deps.db, deps.tableName);
      // ONE BatchGet for the insurer, every asset and the pledge.
      const items = await repo.batchGet([
        institutionKey(input.insurerId),
        ...input.assetIds.map(assetKey),
        ...(input.pledgeId ? [pledgeKey(input.pledgeId)] : []),
      ]);
      const insurer = items.get(institutionKey(input.insurerId).pk);
      if (insurer?.kind !== 'insurer')
        issues.unshift({
          path: 'insurerId',
          message: `${input.insurerId} is not an insurer registered in the portal`,
        });
      input.assetIds.forEach((id, i) => {
        issues.push(...assetIssues(items.get(assetKey(id).pk), id, i, holder, input.periodEnd));
      });
      let beneficiaryLenderId: string | undefined;
      if (input.pledgeId) {
        const pledge = items.get(pledgeKey(input.pledgeId).pk);
        if (!pledge || pledge.applicant !== holder)
          issues.push({
            path: 'pledgeId',
            message: `pledge ${input.pledgeId} was not found among your pledges`,
          });
        else if (!GUARANTEEABLE_PLEDGE_STATUSES.has(String(pledge.status)))
          issues.push({
            path: 'pledgeId',
            message: `pledge ${input.pledgeId} is ${pledge.status}; a pledge guarantee needs an approved, registered or active pledge`,
          });
        else beneficiaryLenderId = String(pledge.lenderId);
      }
      if (issues.length > 0)
        throw unprocessable('The application does not pass underwriting.', { errors: issues });

      const at = now.toISOString();
      const policy: Policy = {
        id: deps.newId(),
        holder,
        insurerId: input.insurerId,
        assetIds: input.assetIds,
        coverages,
        paid: Object.fromEntries(coverages.map((cv) => [cv.line, 0])),
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        ...(input.pledgeId ? { pledgeId: input.pledgeId } : {}),
        ...(beneficiaryLenderId ? { beneficiaryLenderId } : {}),
        status: 'applied',
        claimCount: 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      await repo.create(policy, actorOf(principal));
      c.header('ETag', etagOf(policy.version));
      c.header('Location', `/policies/${policy.id}`);
      return c.json(policyView(policy), 201);
    },
    { idempotent: true },
  );

  addRoute(
    app,
    ['enterprise', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/policies',
      summary: 'Policies you may see: your own, those addressed to your company, or all (IP office)',
      description: 'Grouped by status, newest first within a status; `status` narrows to one.',
      tags: ['insurance'],
      request: { query: PageQuerySchema.extend({ status: z.enum(POLICY_STATUSES).optional() }) },
      responses: { 200: jsonResponse(pageOf(PolicySchema, 'PolicyPage'), 'A page'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { status, limit, cursor } = c.req.valid('query');
      const repo = new PolicyRepository(deps.db, deps.tableName);
      const page = await repo.listPolicies(listScope(principal), status, { limit, cursor });
      return c.json({ items: page.items.map((p) => policyView(p)), nextCursor: page.nextCursor }, 200);
    },
  );

  addRoute(
    app,
    ['enterprise', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/policies/{id}',
      summary: 'A policy with per-line paid amounts, its claims and its history',
      tags: ['insurance'],
      request: { params: IdParam },
      responses: { 200: jsonResponse(PolicySchema, 'The policy'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { id } = c.req.valid('param');
      const view = await new PolicyRepository(deps.db, deps.tableName).getPolicyView(id);
      if (!view || !mayReadPolicy(principal, view.policy)) throw notFound(`Policy ${id}`);
      c.header('ETag', etagOf(view.policy.version));
      return c.json(policyView(view.policy, { claims: view.claims, history: view.history }), 200);
    },
  );

  const actionRoute = <B extends z.ZodType>(
    action: 'issue' | 'decline' | 'cancel',
    summary: string,
    body: { schema: B; required: boolean },
    apply: (c: Context<AppEnv>, policy: Policy, input: z.infer<B>) => ActionPlan,
  ) =>
    addRoute(
      app,
      rolesFor(action),
      createRoute({
        method: 'post',
        path: `/policies/{id}/${action}`,
        summary,
        description:
          'Wrong role → 403; not the holder / addressed insurer → 404; wrong state → 409 with `currentState`; ' +
          'stale If-Match → 412. Honours Idempotency-Key.',
        tags: ['insurance'],
        request: {
          params: IdParam,
          headers: IfMatchHeader,
          body: jsonBody(body.schema, body.required),
        },
        responses: { 200: jsonResponse(PolicySchema, 'The policy after the action'), ...errorResponses },
      }),
      async (c) => {
        const { deps, principal } = c.var;
        const { id } = (c.req.valid as (t: 'param') => { id: string })('param');
        const input = ((c.req.valid as (t: 'json') => unknown)('json') ?? {}) as z.infer<B>;
        const repo = new PolicyRepository(deps.db, deps.tableName);
        let policy = await repo.getPolicy(id);
        if (!policy || !mayReadPolicy(principal, policy) || principal.role === 'ipoffice')
          throw notFound(`Policy ${id}`);
        const ifMatch = expectedVersion(c);
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          if (ifMatch !== undefined && ifMatch !== policy.version) throw preconditionFailed(policy.version);
          const decision = policyTransition(policy.status, action, principal.role);
          if (!decision.ok) {
            if (decision.error === 'forbidden') throw forbidden();
            throw invalidState(
              `A policy that is ${policy.status} cannot be ${pastTense[action]}.`,
              policy.status,
            );
          }
          const plan = apply(c, policy, input);
          try {
            const next = await repo.transition({
              policy,
              action,
              to: decision.to,
              actor: actorOf(principal),
              at: deps.now().toISOString(),
              ...plan,
            });
            c.header('ETag', etagOf(next.version));
            return c.json(policyView(next), 200);
          } catch (error) {
            if (!(error instanceof VersionMoved)) throw error;
            policy = error.current;
          }
        }
        throw conflict('The policy keeps changing concurrently; retry.');
      },
      { idempotent: true },
    );

  actionRoute(
    'issue',
    'Issue (underwrite) a policy addressed to you: applied → active',
    { schema: IssueInput, required: true },
    (c, policy, input) => {
      const now = c.var.deps.now();
      const today = todayInShanghai(now);
      if (compareDates(policy.periodEnd, today) < 0)
        throw unprocessable('The policy period has already ended; it cannot be issued.', {
          errors: [{ path: 'periodEnd', message: `${policy.periodEnd} is before today (${today})` }],
        });
      const policyNumber = input.policyNumber ?? generatedPolicyNumber(policy.insurerId, today, policy.id);
      const issuedAt = now.toISOString();
      return {
        set: { premiumFen: input.premiumFen, policyNumber, issuedAt },
        extra: [
          {
            item: {
              Put: {
                TableName: c.var.deps.tableName,
                Item: {
                  ...policyNumberKey(policy.insurerId, policyNumber),
                  entity: 'policy-number',
                  policyId: policy.id,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            onConditionFailed: () =>
              conflict(`Policy number ${policyNumber} is already used by another of your policies.`),
          },
          // Statistics facts, written once with the transition that counts (see store/stats-facts.ts).
          {
            item: policyIssuedFact(
              {
                policyId: policy.id,
                issuedAt,
                holder: policy.holder,
                coverages: policy.coverages,
                premiumFen: input.premiumFen,
              },
              c.var.deps.tableName,
            ),
            onConditionFailed: () => conflict('The policy was issued concurrently; reload.'),
          },
          {
            item: enterpriseSummaryDelta(
              policy.holder,
              { sumInsuredFen: policy.coverages.reduce((sum, cv) => sum + cv.sumInsuredFen, 0) },
              c.var.deps.tableName,
            ),
            onConditionFailed: () => conflict('The policy was issued concurrently; reload.'),
          },
        ],
      };
    },
  );

  actionRoute(
    'decline',
    'Decline a policy application addressed to you: applied → declined',
    { schema: ReasonInput, required: true },
    (_c, _p, input) => ({
      set: { declineReason: input.reason },
      event: { reason: input.reason },
    }),
  );

  actionRoute(
    'cancel',
    'Cancel your policy: applied or active → cancelled (active cover ends now)',
    { schema: CancelInput, required: false },
    (_c, _p, input) =>
      input.reason ? { set: { cancelReason: input.reason }, event: { reason: input.reason } } : {},
  );

  addRoute(
    app,
    ['enterprise'],
    createRoute({
      method: 'post',
      path: '/policies/{id}/claims',
      summary: 'File a claim on your active policy',
      description:
        'The line must be covered and the incident inside the policy period and not after today (each failure in ' +
        'one 422); a policy that is not active answers 409 with its current state.',
      tags: ['insurance'],
      request: { params: IdParam, body: jsonBody(ClaimInput) },
      responses: { 201: jsonResponse(ClaimSchema, 'Filed'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const repo = new PolicyRepository(deps.db, deps.tableName);
      let policy = await repo.getPolicy(id);
      if (!policy || !mayReadPolicy(principal, policy)) throw notFound(`Policy ${id}`);
      const now = deps.now();
      const at = now.toISOString();
      const claimId = deps.newId();
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const decision = policyTransition(policy.status, 'file_claim', principal.role);
        if (!decision.ok)
          throw invalidState(
            `Claims can only be filed on an active policy; this one is ${policy.status}.`,
            policy.status,
          );
        const issues = claimIssues(policy, input, todayInShanghai(now));
        if (issues.length > 0)
          throw unprocessable('The claim cannot be filed on this policy.', { errors: issues });
        const claim: Claim = {
          id: claimId,
          policyId: policy.id,
          holder: policy.holder,
          insurerId: policy.insurerId,
          line: input.line,
          claimedFen: input.claimedFen,
          incidentDate: input.incidentDate,
          description: input.description,
          status: 'filed',
          version: 1,
          createdAt: at,
          updatedAt: at,
        };
        try {
          await repo.fileClaim(policy, claim, actorOf(principal));
          c.header('ETag', etagOf(claim.version));
          c.header('Location', `/claims/${claim.id}`);
          return c.json(claim, 201);
        } catch (error) {
          if (!(error instanceof VersionMoved)) throw error;
          policy = error.current;
        }
      }
      throw conflict('The policy keeps changing concurrently; retry.');
    },
    { idempotent: true },
  );
}

interface ActionPlan {
  set?: Record<string, unknown>;
  event?: Partial<HistoryEvent>;
  extra?: Parameters<PolicyRepository['transition']>[0]['extra'];
}

const pastTense = { issue: 'issued', decline: 'declined', cancel: 'cancelled' } as const;

export function listScope(p: Principal) {
  if (p.role === 'enterprise') return { kind: 'holder' as const, uscc: (p.org ?? '').toUpperCase() };
  if (p.role === 'insurer') return { kind: 'insurer' as const, insurerId: p.org ?? '' };
  return { kind: 'office' as const };
}

function assetIssues(
  asset: Record<string, unknown> | undefined,
  id: string,
  i: number,
  holder: string,
  periodEnd: string,
): FieldIssue[] {
  const path = `assetIds.${i}`;
  // Missing and someone else's read the same: the caller learns nothing about other tenants' assets.
  if (!asset || asset.owner !== holder)
    return [{ path, message: `asset ${id} was not found among your assets` }];
  const issues: FieldIssue[] = [];
  if (!IN_FORCE_ASSET_STATUSES.has(String(asset.status)))
    issues.push({ path, message: `asset ${id} is ${asset.status}, not granted or registered` });
  else if (typeof asset.expiresOn !== 'string' || compareDates(asset.expiresOn, periodEnd) < 0)
    issues.push({
      path,
      message: `asset ${id} expires on ${asset.expiresOn}, before the end of the period (${periodEnd})`,
    });
  const consents = (asset.coOwnerConsents ?? {}) as Record<string, unknown>;
  for (const coOwner of (asset.coOwners ?? []) as string[])
    if (!consents[coOwner])
      issues.push({ path, message: `asset ${id} is co-owned: co-owner ${coOwner} has not recorded consent` });
  return issues;
}
