import { actorOf } from '../../auth/principal.js';
import type { Actor } from '../../domain/actor.js';
import { DISPOSAL_METHODS } from '../../domain/disposal.js';
import { CLASSIFICATIONS } from '../../domain/loan.js';
import { REPAYMENT_TYPES } from '../../domain/loan-schedule.js';
import { type ActionBody, MAX_PLEDGE_ASSETS, MAX_TERM_MONTHS, type Pledge } from '../../domain/pledge.js';
import {
  PLEDGE_ACTIONS,
  PLEDGE_STATUSES,
  PLEDGE_TRANSITIONS,
  type PledgeAction,
  type TransitionRow,
} from '../../domain/pledge-state-machine.js';
import { type UseCaseContext, useCaseContext } from '../../usecases/context.js';
import type { IdempotencyRequest } from '../../usecases/idempotency.js';
import { registerChange, releaseAssets, requestExtension } from '../../usecases/loan-changes.js';
import { getSchedule, listRepayments, recordRepayment } from '../../usecases/loans.js';
import { actOnPledge, disposePledge, getPledge, listPledges, submitPledge } from '../../usecases/pledges.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  Fen,
  HistoryActorSchema,
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

const PositiveFen = Fen.min(1);

const AppraisalSchema = z
  .strictObject({
    assetId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an asset id'),
    valueFen: PositiveFen,
    appraiser: z.string().trim().min(1).max(200).openapi({ description: 'The appraisal firm' }),
  })
  .openapi('Appraisal');

const PledgeInput = z
  .strictObject({
    lenderId: z
      .string()
      .min(1)
      .max(40)
      .openapi({ description: 'Id of a lender institution', example: 'jinhua-bank' }),
    assetIds: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an asset id'))
      .min(1)
      .max(MAX_PLEDGE_ASSETS)
      .superRefine((ids, ctx) => {
        ids.forEach((id, i) => {
          if (ids.indexOf(id) !== i)
            ctx.addIssue({ code: 'custom', path: [i], message: `${id} is listed twice` });
        });
      })
      .openapi({ description: '1–20 distinct assets of the caller' }),
    appraisedValueFen: PositiveFen,
    requestedAmountFen: PositiveFen.openapi({ description: 'At most the appraised value' }),
    appraisals: z
      .array(AppraisalSchema)
      .min(1)
      .max(MAX_PLEDGE_ASSETS)
      .optional()
      .openapi({
        description:
          'One per pledged asset, adding up to appraisedValueFen; with them the approval cap is the sum of each ' +
          "asset's value × the lender's cap for its kind",
      }),
    termMonths: z.number().int().min(1).max(MAX_TERM_MONTHS),
    purpose: z.string().trim().min(1).max(500).optional(),
  })
  .openapi('PledgeInput');

const StatusSchema = z.enum(PLEDGE_STATUSES);

const PledgedAssetSchema = z.object({
  id: z.string(),
  kind: z.enum(['patent', 'trademark']),
  number: z.string(),
  patentType: z.enum(['invention', 'utility_model', 'design']).optional(),
  ltvKind: z.enum(['invention', 'utility_model', 'design', 'trademark']),
  expiresOn: z.string(),
});

const PledgeSchema = z
  .object({
    id: z.string(),
    applicant: z.string().openapi({ description: 'USCC of the pledgor' }),
    applicantName: z.string().optional().openapi({ description: 'The pledgor’s name at the application' }),
    lenderId: z.string(),
    lenderName: z.string().optional().openapi({ description: 'The lender’s name at the application' }),
    assetIds: z.array(z.string()),
    assets: z.array(PledgedAssetSchema).openapi({ description: 'The pledged assets as of the application' }),
    appraisedValueFen: z.number().int(),
    requestedAmountFen: z.number().int(),
    termMonths: z.number().int(),
    purpose: z.string().optional(),
    appraisals: z.array(AppraisalSchema).optional(),
    maturesOn: z
      .string()
      .openapi({ description: 'Application date + termMonths; every asset is in force through it' }),
    status: StatusSchema,
    approvedAmountFen: z.number().int().optional(),
    annualRateBps: z.number().int().optional(),
    approvedAt: z.string().optional(),
    rejectionReason: z.string().optional(),
    registrationNumber: z.string().optional(),
    registeredAt: z.string().optional(),
    registrationRefusalReason: z.string().optional(),
    disbursedOn: z.string().optional().openapi({ description: 'The first disbursement' }),
    repaymentType: z.enum(REPAYMENT_TYPES).optional(),
    penaltyFactorBps: z.number().int().optional(),
    registeredOn: z.string().optional().openapi({ description: 'Business date of the registration' }),
    firstRegistration: z
      .boolean()
      .optional()
      .openapi({ description: 'The applicant’s first pledge ever registered (first-time borrowing, 首贷)' }),
    disbursedAmountFen: z.number().int().optional().openapi({ description: 'Sum of the tranches so far' }),
    servicing: z
      .object({
        overdueDays: z.number().int(),
        penaltyInterestFen: z.number().int(),
        classification: z.enum(CLASSIFICATIONS),
        outstandingPrincipalFen: z.number().int(),
        nextDueOn: z.string().nullable(),
        remindedDueOn: z.string().nullable(),
      })
      .optional()
      .openapi({ description: 'The last servicing run’s findings' }),
    defaultedOn: z.string().optional().openapi({ description: 'Business date of the default' }),
    disposal: z
      .object({
        method: z.enum(DISPOSAL_METHODS),
        recoveredFen: z.number().int(),
        completedOn: z.string(),
        transfereeUscc: z.string().optional(),
        owedFen: z.number().int().openapi({ description: 'What the loan owed on `completedOn`' }),
        lossFen: z.number().int().openapi({ description: 'owedFen − recoveredFen, at least 0' }),
        lossSharing: z
          .object({
            lossFen: z.number().int(),
            poolFen: z.number().int(),
            lenderFen: z.number().int(),
            insurerFen: z.number().int(),
            appraiserFen: z.number().int(),
            shares: z.object({
              poolBps: z.number().int(),
              lenderBps: z.number().int(),
              insurerBps: z.number().int(),
              appraiserBps: z.number().int(),
            }),
          })
          .optional()
          .openapi({
            description: 'Each floor(loss × share / 10000) by the risk pool in force; the rest to the lender',
          }),
      })
      .optional(),
    releaseWaived: z.boolean().optional().openapi({ description: 'Released from `defaulted` by a waiver' }),
    changeRequested: z
      .object({ newMaturesOn: z.string(), requestedAt: z.string() })
      .optional()
      .openapi({ description: 'An extension the lender asked for, until the IP office registers it' }),
    ...storedFields,
  })
  .openapi('Pledge');

const DisposalInput = z
  .strictObject({
    method: z
      .enum(DISPOSAL_METHODS)
      .openapi({ description: '拍卖 auction, 转让 transfer, 协议折价 agreed value' }),
    recoveredFen: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .openapi({ description: 'What the disposal recovered' }),
    completedOn: IsoDate.openapi({
      description: 'Not before the default, not after today (the business date)',
    }),
    transfereeUscc: z.string().max(40).optional().openapi({
      description: 'The buyer: required for a transfer, optional at auction, none for an agreed value',
    }),
  })
  .openapi('DisposalInput');

/** The loan book stays internal: clients read it through /schedule and /repayments. */
const pledgeView = ({ loan: _, ...pledge }: Pledge) => pledge;

const PledgeEventSchema = z
  .object({
    version: z.number().int().openapi({ description: 'The pledge version this event produced' }),
    at: z.string(),
    action: z.enum(PLEDGE_ACTIONS),
    from: StatusSchema.nullable(),
    to: StatusSchema,
    actor: HistoryActorSchema,
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('PledgeEvent');

const PledgeDetailSchema = PledgeSchema.extend({
  history: z.array(PledgeEventSchema),
  allowedActions: z
    .array(z.enum(PLEDGE_ACTIONS))
    .openapi({ description: 'Actions the caller’s role may take from the current state' }),
  guarantees: z
    .array(z.object({ policyId: z.string(), insurerId: z.string() }))
    .openapi({ description: 'Guarantee insurance policies applied for on the loan' }),
}).openapi('PledgeDetail');

const Reason = z.string().trim().min(1).max(1000);

/** Request bodies per action; `dispose` has its own route (`POST /pledges/{id}/disposals`). */
const ACTION_BODIES: Record<
  Exclude<PledgeAction, 'submit' | 'dispose'>,
  { schema: z.ZodType; required: boolean }
> = {
  review: { schema: z.strictObject({}), required: false },
  approve: {
    schema: z.strictObject({
      approvedAmountFen: PositiveFen.openapi({
        description:
          "≤ requestedAmountFen and ≤ appraisedValueFen × the lender's lowest cap among the pledged kinds",
      }),
      annualRateBps: z
        .number()
        .int()
        .min(0)
        .max(10_000)
        .openapi({ description: 'Annual interest rate, basis points' }),
      repaymentType: z
        .enum(REPAYMENT_TYPES)
        .optional()
        .openapi({ description: 'Default `bullet` (到期一次还本付息)' }),
    }),
    required: true,
  },
  reject: { schema: z.strictObject({ reason: Reason }), required: true },
  withdraw: { schema: z.strictObject({}), required: false },
  register: {
    schema: z.strictObject({
      registrationNumber: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9-]{4,40}$/, 'must be 4–40 letters, digits or -')
        .openapi({
          description: 'The pledge registration number as CNIPA issued it',
          example: 'Y2026330000123',
        }),
    }),
    required: true,
  },
  refuse: { schema: z.strictObject({ reason: Reason }), required: true },
  disburse: {
    schema: z.strictObject({
      disbursedOn: IsoDate.optional().openapi({
        description: 'Default today (the business date); not before registration or the previous tranche',
      }),
      amountFen: PositiveFen.optional().openapi({
        description:
          'This tranche; default: the rest of the approved amount. A further tranche on an active loan is ' +
          'spread over the instalments still to fall due. Above what is left → 422 `above_approved_amount`.',
      }),
    }),
    required: false,
  },
  repay: { schema: z.strictObject({}), required: false },
  default: { schema: z.strictObject({}), required: false },
  release: {
    schema: z.strictObject({
      waived: z
        .boolean()
        .optional()
        .openapi({
          description:
            'From `defaulted` only: the lender waives its claim on the rights, which return to the pledgor. ' +
            'Without it a defaulted pledge is released only after its disposal (409).',
        }),
    }),
    required: false,
  },
};

const describeRow = (row: TransitionRow) =>
  `${row.roles.join(', ')}: ${row.from.join(', ')} → ${row.to}. ` +
  (row.holdsAssets === 'free' ? 'Frees the pledged assets. ' : '') +
  'Wrong role → 403; not the applicant / addressed lender → 404; wrong state → 409 with `currentState`; ' +
  'stale If-Match → 412. Honours Idempotency-Key.';

export function registerPledgeRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise'],
    createRoute({
      method: 'post',
      path: '/pledges',
      summary: 'Apply for a pledge loan',
      description:
        'Pledges 1–20 of the caller’s assets to a lender. Refused with ONE 422 listing every reason ' +
        '(`errors[].path` = `assetIds.<i>`, `lenderId`, `requestedAmountFen`): asset not the caller’s, not ' +
        'granted/registered, not in force, expiring before the loan matures (today + termMonths), co-owner ' +
        'consent missing, already held by an open application or unreleased pledge. An asset is held by at ' +
        'most one pledge even under concurrent requests: a lost race → 409. Honours Idempotency-Key.',
      tags: ['pledges'],
      request: { body: jsonBody(PledgeInput) },
      responses: { 201: versioned(jsonResponse(PledgeSchema, 'Submitted')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          submitPledge(useCaseContext(c.get('deps')), actorOf(c.get('principal')), c.req.valid('json'), idem),
        (pledge) => ({
          status: 201,
          body: pledgeView(pledge),
          version: pledge.version,
          location: `/pledges/${pledge.id}`,
        }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/pledges',
      summary: 'List the pledges the caller may see, newest first',
      description:
        'An enterprise sees its own applications, a lender those addressed to it, the IP office all (its ' +
        'registration queue is `?status=approved`). With `status`, one status newest first. Without it, the ' +
        'enterprise’s list is newest first; lender and office lists are grouped by status, newest first ' +
        'within each. An enterprise’s filtered page may hold fewer than `limit` items while `nextCursor` is set.',
      tags: ['pledges'],
      request: { query: PageQuerySchema.extend({ status: StatusSchema.optional() }) },
      responses: { 200: jsonResponse(pageOf(PledgeSchema, 'PledgePage'), 'A page'), ...errorResponses },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const page = await listPledges(useCaseContext(c.get('deps')), actorOf(c.get('principal')), status, {
        limit,
        cursor,
      });
      return c.json({ items: page.items.map(pledgeView), nextCursor: page.nextCursor }, 200);
    },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/pledges/{id}',
      summary: 'One pledge with its full history and its guarantee policies',
      description:
        'For its applicant, its addressed lender, an insurer asked to guarantee it and the IP office; anyone ' +
        'else gets 404.',
      tags: ['pledges'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(PledgeDetailSchema, 'The pledge')), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const detail = await getPledge(useCaseContext(c.get('deps')), actorOf(c.get('principal')), id);
      c.header('ETag', etagOf(detail.pledge.version));
      return c.json(
        {
          ...pledgeView(detail.pledge),
          history: detail.history,
          allowedActions: detail.allowedActions,
          guarantees: detail.guarantees,
        },
        200,
      );
    },
  );

  addRoute(
    app,
    ['lender'],
    createRoute({
      method: 'post',
      path: '/pledges/{id}/disposals',
      summary: 'Record the disposal of a defaulted pledge’s rights (lender) → disposed',
      description:
        'The addressed lender, on a `defaulted` pledge (else 409 with `currentState`): `lossFen` = what the loan ' +
        'owed on `completedOn` (as for a repayment that day) − `recoveredFen`, at least 0, shared by the risk ' +
        'pool in force. Refusals (422, nothing written): `disposal_before_default`, `disposal_in_future`, ' +
        '`transferee_required`, `transferee_not_applicable`, `transferee_is_pledgor`, `invalid_uscc`. A transfer ' +
        'or auction to a transferee is recorded on the assets at release. Honours Idempotency-Key and If-Match.',
      tags: ['pledges'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(DisposalInput) },
      responses: { 201: versioned(jsonResponse(PledgeSchema, 'The pledge, disposed')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          disposePledge(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { id: c.req.valid('param').id, input: c.req.valid('json'), expectedVersion: expectedVersion(c) },
            idem,
          ),
        (pledge) => ({
          status: 201,
          body: pledgeView(pledge),
          version: pledge.version,
          location: `/pledges/${pledge.id}`,
        }),
      ),
    { idempotent: true },
  );

  for (const row of PLEDGE_TRANSITIONS) {
    if (row.action === 'submit' || row.action === 'dispose') continue;
    const action = row.action;
    const body = ACTION_BODIES[action];
    addRoute(
      app,
      row.roles,
      createRoute({
        method: 'post',
        path: `/pledges/{id}/${action}`,
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} a pledge (→ ${row.to})`,
        description: describeRow(row),
        tags: ['pledges'],
        request: {
          params: IdParam,
          headers: IfMatchHeader,
          body: jsonBody(body.schema, body.required),
        },
        responses: {
          200: versioned(jsonResponse(PledgeSchema, 'The pledge after the action')),
          ...errorResponses,
        },
      }),
      async (c) =>
        respond(
          c,
          (idem) =>
            actOnPledge(
              useCaseContext(c.get('deps')),
              actorOf(c.get('principal')),
              {
                id: c.req.valid('param').id,
                action,
                body: (c.req.valid('json') ?? {}) as ActionBody,
                expectedVersion: expectedVersion(c),
              },
              idem,
            ),
          (pledge) => ({ status: 200, body: pledgeView(pledge), version: pledge.version }),
        ),
      { idempotent: true },
    );
  }
}

const InstalmentSchema = z.object({
  n: z.number().int(),
  dueOn: z.string(),
  principalFen: z.number().int(),
  interestFen: z.number().int(),
  paidPrincipalFen: z.number().int(),
  paidInterestFen: z.number().int(),
  status: z.enum(['due', 'paid', 'partially_paid', 'overdue']),
});

const ScheduleSchema = z
  .object({
    instalments: z.array(InstalmentSchema),
    outstandingPrincipalFen: z.number().int(),
    accruedInterestFen: z.number().int().openapi({
      description: 'Unpaid interest of instalments due + the current period’s interest to today',
    }),
    penaltyInterestFen: z
      .number()
      .int()
      .openapi({ description: 'Penalty interest (罚息) accrued and unpaid' }),
    overdueDays: z.number().int(),
    classification: z.enum(CLASSIFICATIONS),
  })
  .openapi('LoanSchedule');

const AllocationSchema = z.object({
  penaltyFen: z.number().int(),
  interestFen: z.number().int(),
  principalFen: z.number().int(),
  prepaidPrincipalFen: z.number().int(),
  instalments: z.array(
    z.object({ n: z.number().int(), interestFen: z.number().int(), principalFen: z.number().int() }),
  ),
});

const RepaymentSchema = z
  .object({
    id: z.string(),
    pledgeId: z.string(),
    amountFen: z.number().int(),
    paidOn: z.string(),
    allocation: AllocationSchema,
    recordedAt: z.string(),
    recordedBy: z.object({ role: z.string(), org: z.string().nullable() }),
    pledgeStatus: StatusSchema,
    outstandingPrincipalFen: z.number().int(),
  })
  .openapi('Repayment');

const RepaymentInput = z
  .strictObject({
    amountFen: PositiveFen,
    paidOn: IsoDate.optional().openapi({
      description: 'Default today (the business date); not before the disbursement or the last repayment',
    }),
  })
  .openapi('RepaymentInput');

const ExtensionInput = z
  .strictObject({
    newMaturesOn: IsoDate.openapi({
      description: 'After the current maturity (a whole number of months later for the monthly products)',
    }),
  })
  .openapi('ExtensionInput');

const PartialReleaseInput = z
  .strictObject({
    assetIds: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an asset id'))
      .min(1)
      .max(MAX_PLEDGE_ASSETS)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an asset'),
  })
  .openapi('PartialReleaseInput');

/** The loan-servicing routes of API.md v2: the schedule, the repayments the lender records, registered changes. */
export function registerLoanRoutes(app: PortalApp): void {
  /** A change to a running loan: one route, one use case, the pledge as the answer. */
  const change = <B>(
    route: { path: string; roles: ('lender' | 'ipoffice')[]; summary: string; description: string },
    body: z.ZodType<B>,
    act: (
      uc: UseCaseContext,
      actor: Actor,
      req: { id: string; body: B; expectedVersion: number | undefined },
      idem: IdempotencyRequest | undefined,
    ) => Promise<Pledge>,
  ) =>
    addRoute(
      app,
      route.roles,
      createRoute({
        method: 'post',
        path: route.path,
        summary: route.summary,
        description: `${route.description} Honours Idempotency-Key and If-Match.`,
        tags: ['loans'],
        request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(body) },
        responses: {
          200: versioned(jsonResponse(PledgeSchema, 'The pledge after the change')),
          ...errorResponses,
        },
      }),
      async (c) =>
        respond(
          c,
          (idem) =>
            act(
              useCaseContext(c.get('deps')),
              actorOf(c.get('principal')),
              {
                id: c.req.valid('param').id,
                body: c.req.valid('json') as B,
                expectedVersion: expectedVersion(c),
              },
              idem,
            ),
          (pledge) => ({ status: 200, body: pledgeView(pledge), version: pledge.version }),
        ),
      { idempotent: true },
    );

  change(
    {
      path: '/pledges/{id}/extend',
      roles: ['lender'],
      summary: 'Ask to extend an active loan’s maturity (lender)',
      description:
        'The pledge shows `changeRequested` until the IP office registers it (its status stays). Refused (422): ' +
        '`not_after_maturity`, `not_whole_months` (monthly products), `maturity_passed`, `expires_before_maturity` ' +
        '(a pledged right would lapse first). One request at a time: a pending one → 409.',
    },
    ExtensionInput,
    (uc, actor, req, idem) =>
      requestExtension(
        uc,
        actor,
        { id: req.id, newMaturesOn: req.body.newMaturesOn, expectedVersion: req.expectedVersion },
        idem,
      ),
  );
  change(
    {
      path: '/pledges/{id}/register-change',
      roles: ['ipoffice'],
      summary: 'Register the requested extension (IP office)',
      description:
        'Checks the pledged rights against the new maturity again, then moves the maturity and extends the ' +
        'schedule: `bullet` — the extra days accrue on the outstanding principal (actual/360); monthly products — ' +
        'the final principal moves to the new maturity, each added month paying its interest. Nothing pending → 409.',
    },
    z.strictObject({}),
    (uc, actor, req, idem) =>
      registerChange(uc, actor, { id: req.id, expectedVersion: req.expectedVersion }, idem),
  );
  change(
    {
      path: '/pledges/{id}/release-assets',
      roles: ['ipoffice'],
      summary: 'Release some of an active pledge’s rights (IP office)',
      description:
        'Frees the named rights (their `encumbrance` goes) and removes them from the pledge. Refused (422): ' +
        '`not_pledged`, `releases_every_asset` (release the pledge itself to free them all).',
    },
    PartialReleaseInput,
    (uc, actor, req, idem) =>
      releaseAssets(
        uc,
        actor,
        { id: req.id, assetIds: req.body.assetIds, expectedVersion: req.expectedVersion },
        idem,
      ),
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/pledges/{id}/schedule',
      summary: 'The repayment schedule and the loan’s position as of the business date',
      description:
        'Monthly periods from the first disbursement; exact to the fen (round half up). Classification by ' +
        'the lender’s thresholds (default the regulator’s: 1 / 91 / 181 / 361 days). Before the first ' +
        'disbursement → 409.',
      tags: ['loans'],
      request: { params: IdParam },
      responses: { 200: jsonResponse(ScheduleSchema, 'The schedule'), ...errorResponses },
    }),
    async (c) => {
      const schedule = await getSchedule(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
      );
      return c.json(schedule, 200);
    },
  );

  addRoute(
    app,
    ['lender'],
    createRoute({
      method: 'post',
      path: '/pledges/{id}/repayments',
      summary: 'Record a repayment received (lender)',
      description:
        'Allocated penalty interest → interest → principal, oldest instalment first; a remainder prepays ' +
        'principal from the last instalments (the term shortens). More than everything owed on `paidOn` → 422 ' +
        '`overpayment`; `paidOn` before the disbursement → `repayment_before_disbursement`, after today → ' +
        '`repayment_in_future`, before the last repayment → `repayment_out_of_order`. Paying everything moves ' +
        'the pledge to `repaid`. Concurrent repayments are allocated one after the other. Honours ' +
        'Idempotency-Key and If-Match.',
      tags: ['loans'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(RepaymentInput) },
      responses: {
        201: jsonResponse(RepaymentSchema, 'The repayment with its allocation'),
        ...errorResponses,
      },
    }),
    async (c) =>
      respond(
        c,
        (idem) => {
          const { id } = c.req.valid('param');
          const version = expectedVersion(c);
          return recordRepayment(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { id, ...c.req.valid('json'), ...(version === undefined ? {} : { expectedVersion: version }) },
            idem,
          );
        },
        (repayment) => ({
          status: 201,
          body: repayment,
          location: `/pledges/${repayment.pledgeId}/repayments`,
        }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/pledges/{id}/repayments',
      summary: 'The repayments of a loan with their allocation, oldest first',
      description:
        'Each repayment split into penalty interest, interest and principal as recorded. Visible to the parties of the loan (borrower, lender, its guarantee insurer) and the IP office; to anyone else 404.',
      tags: ['loans'],
      request: { params: IdParam },
      responses: {
        200: jsonResponse(z.object({ items: z.array(RepaymentSchema) }), 'The repayments'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const items = await listRepayments(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
      );
      return c.json({ items }, 200);
    },
  );
}
