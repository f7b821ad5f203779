import { actorOf, type Role } from '../../auth/principal.js';
import { INSTITUTION_ID_PATTERN } from '../../domain/institution.js';
import {
  type Claim,
  COVERAGE_LINES,
  coverageViews,
  type HistoryEvent,
  POLICY_STATUSES,
  type Policy,
  type PolicyActionBody,
} from '../../domain/policy.js';
import { POLICY_MACHINE } from '../../domain/policy-state-machine.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  actOnPolicy,
  applyForPolicy,
  fileClaim,
  getPolicy,
  listPolicies,
  quotePolicy,
  renewPolicy,
} from '../../usecases/policies.js';
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
  versioned,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';
import { ClaimSchema, HistoryEventSchema } from './insurance-schemas.js';

const Id = z.string().min(1).max(100);

const CoverageInput = z.strictObject({
  line: z.enum(COVERAGE_LINES),
  sumInsuredFen: Fen,
  deductibleFen: Fen.optional().openapi({ description: 'Taken off each claim (default 0)' }),
  payoutRatioBps: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .openapi({ description: 'Share of each claim above the deductible that is paid (default 10000)' }),
  perClaimLimitFen: Fen.optional().openapi({
    description: 'The most one claim pays (≤ sumInsuredFen; default: only the aggregate)',
  }),
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

const PolicySchema = z
  .object({
    id: z.string(),
    holder: z.string(),
    holderName: z.string().optional().openapi({ description: 'The holder’s name at the application' }),
    insurerId: z.string(),
    insurerName: z.string().optional().openapi({ description: 'The insurer’s name at the application' }),
    assetIds: z.array(z.string()),
    coverages: z.array(
      z.object({
        line: z.enum(COVERAGE_LINES),
        sumInsuredFen: z.number().int(),
        deductibleFen: z.number().int(),
        payoutRatioBps: z.number().int().optional(),
        perClaimLimitFen: z.number().int().optional(),
        paidFen: z.number().int(),
      }),
    ),
    periodStart: z.string(),
    periodEnd: z.string(),
    pledgeId: z.string().optional(),
    beneficiaryLenderId: z.string().optional(),
    status: z.enum(POLICY_STATUSES),
    premiumFen: z.number().int().optional(),
    premiumSubsidyFen: z.number().int().optional().openapi({
      description: 'The city’s part: floor(premium × the issue year’s premium-subsidy share / 10000)',
    }),
    premiumPayableFen: z.number().int().optional().openapi({ description: 'What the holder pays' }),
    policyNumber: z.string().optional(),
    issuedAt: z.string().optional(),
    declineReason: z.string().optional(),
    cancelReason: z.string().optional(),
    cancelledOn: z
      .string()
      .optional()
      .openapi({ description: 'The day an active policy’s cover ended early' }),
    cancelledBy: z.enum(['holder', 'insurer']).optional(),
    refundFen: z.number().int().optional().openapi({
      description: 'Unexpired premium refunded: floor(premium × unexpired days / period days)',
    }),
    renewalOf: z.string().optional(),
    renewedBy: z.string().optional(),
    renewalOfferedOn: z.string().optional().openapi({ description: 'When the holder was offered a renewal' }),
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

const QuoteSchema = z
  .object({
    lines: z.array(z.object({ line: z.enum(COVERAGE_LINES), premiumFen: z.number().int() })),
    premiumFen: z.number().int(),
    premiumSubsidyFen: z.number().int().optional(),
    premiumPayableFen: z.number().int().optional(),
  })
  .openapi('PolicyQuote');

const RenewalInput = z
  .strictObject({
    periodEnd: IsoDate.openapi({
      description: 'Last day of the renewal’s cover; it starts the day after the old one',
    }),
    coverages: z
      .array(CoverageInput)
      .min(1)
      .max(COVERAGE_LINES.length)
      .superRefine(unique('line', (c: { line: string }) => c.line))
      .optional()
      .openapi({ description: 'Default: the old policy’s lines' }),
  })
  .openapi('PolicyRenewal');

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

/** People only: the expiry is the system's. */
const rolesFor = (action: 'issue' | 'decline' | 'cancel' | 'terminate'): Role[] =>
  POLICY_MACHINE.row(action).roles.filter((r): r is Role => r !== 'system');

const ACTIONS = [
  {
    action: 'issue',
    summary: 'Issue (underwrite) a policy addressed to you: applied → active',
    body: { schema: IssueInput, required: true },
  },
  {
    action: 'decline',
    summary: 'Decline a policy application addressed to you: applied → declined',
    body: { schema: ReasonInput, required: true },
  },
  {
    action: 'cancel',
    summary:
      'Cancel your policy: applied or active → cancelled (active cover ends today, the rest is refunded)',
    body: { schema: CancelInput, required: false },
  },
  {
    action: 'terminate',
    summary: 'Terminate a policy you issued: active → cancelled (cover ends today, the rest is refunded)',
    body: { schema: ReasonInput, required: true },
  },
] as const;

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
      responses: { 201: versioned(jsonResponse(PolicySchema, 'Applied')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          applyForPolicy(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            c.req.valid('json'),
            idem,
          ),
        (policy) => ({
          status: 201,
          body: policyView(policy),
          version: policy.version,
          location: `/policies/${policy.id}`,
        }),
      ),
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
      const { status, limit, cursor } = c.req.valid('query');
      const page = await listPolicies(useCaseContext(c.get('deps')), actorOf(c.get('principal')), status, {
        limit,
        cursor,
      });
      return c.json({ items: page.items.map((p) => policyView(p)), nextCursor: page.nextCursor }, 200);
    },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/policies/{id}',
      summary: 'A policy with per-line paid amounts, its claims and its history',
      description:
        'For its holder, its insurer, the IP office and — on a guarantee — the lender it benefits.',
      tags: ['insurance'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(PolicySchema, 'The policy')), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const detail = await getPolicy(useCaseContext(c.get('deps')), actorOf(c.get('principal')), id);
      c.header('ETag', etagOf(detail.policy.version));
      return c.json(policyView(detail.policy, { claims: detail.claims, history: detail.history }), 200);
    },
  );

  addRoute(
    app,
    ['enterprise', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/policies/{id}/quote',
      summary: 'The insurer’s quote for the policy: its rates on the lines and period, and the city’s part',
      description:
        'Per line: max(minimum, floor(sumInsured × rateBps × days / (10000 × 365))), days counting both ends of ' +
        'the period; with this year’s premium subsidy, `premiumSubsidyFen` and `premiumPayableFen`. A line the ' +
        'insurer has not rated → 422 `no_rate` naming `coverages.<i>.line`.',
      tags: ['insurance'],
      request: { params: IdParam },
      responses: { 200: jsonResponse(QuoteSchema, 'The quote'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await quotePolicy(
          useCaseContext(c.get('deps')),
          actorOf(c.get('principal')),
          c.req.valid('param').id,
        ),
        200,
      ),
  );

  for (const { action, summary, body } of ACTIONS)
    addRoute(
      app,
      rolesFor(action),
      createRoute({
        method: 'post',
        path: `/policies/{id}/${action}`,
        summary,
        description:
          'Wrong role → 403; not the holder / addressed insurer → 404; wrong state → 409 with `currentState`; ' +
          'stale If-Match → 412. Ending an active policy early records `cancelledOn` and `refundFen`; the holder ' +
          'of a guarantee cannot cancel it while its loan runs (409 `guarantee_loan_outstanding`). Honours ' +
          'Idempotency-Key.',
        tags: ['insurance'],
        request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(body.schema, body.required) },
        responses: {
          200: versioned(jsonResponse(PolicySchema, 'The policy after the action')),
          ...errorResponses,
        },
      }),
      async (c) =>
        respond(
          c,
          (idem) =>
            actOnPolicy(
              useCaseContext(c.get('deps')),
              actorOf(c.get('principal')),
              {
                id: c.req.valid('param').id,
                action,
                body: (c.req.valid('json') ?? {}) as PolicyActionBody,
                expectedVersion: expectedVersion(c),
              },
              idem,
            ),
          (policy) => ({ status: 200, body: policyView(policy), version: policy.version }),
        ),
      { idempotent: true },
    );

  addRoute(
    app,
    ['enterprise'],
    createRoute({
      method: 'post',
      path: '/policies/{id}/renew',
      summary: 'Renew your active or expired policy: a new application from the day after its period',
      description:
        'The renewal (`renewalOf`) is underwritten like any application (422 with every failure); the old policy ' +
        'names it as `renewedBy`, and a second renewal of the same policy → 409. Honours Idempotency-Key.',
      tags: ['insurance'],
      request: { params: IdParam, body: jsonBody(RenewalInput) },
      responses: { 201: versioned(jsonResponse(PolicySchema, 'The renewal, applied')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          renewPolicy(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { id: c.req.valid('param').id, ...c.req.valid('json') },
            idem,
          ),
        (policy) => ({
          status: 201,
          body: policyView(policy),
          version: policy.version,
          location: `/policies/${policy.id}`,
        }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['enterprise', 'lender'],
    createRoute({
      method: 'post',
      path: '/policies/{id}/claims',
      summary: 'Notify a claim: the holder on its lines, the beneficiary lender on the guarantee line',
      description:
        'Occurrence cover: the policy may be active, expired, or cancelled after the incident; the incident lies ' +
        'inside the cover (periodStart through periodEnd, or the day cover ended) and not after today, and today ' +
        'is at most two years after periodEnd (each failure in one 422). A policy that never gave cover answers 409.',
      tags: ['insurance'],
      request: { params: IdParam, body: jsonBody(ClaimInput) },
      responses: { 201: versioned(jsonResponse(ClaimSchema, 'Filed')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          fileClaim(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { policyId: c.req.valid('param').id, input: c.req.valid('json') },
            idem,
          ),
        (claim) => ({ status: 201, body: claim, version: claim.version, location: `/claims/${claim.id}` }),
      ),
    { idempotent: true },
  );
}
