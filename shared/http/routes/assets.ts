import { actorOf } from '../../auth/principal.js';
import { ASSET_STATUSES, type AssetInput, VERIFICATION_SOURCES } from '../../domain/asset.js';
import { parseUscc } from '../../domain/enterprise.js';
import {
  INVALIDATION_OUTCOMES,
  LEGAL_EVENT_TYPES,
  LEGAL_FLAGS,
  LEGAL_STATES,
  type LegalEventInput,
} from '../../domain/legal-status.js';
import { PATENT_TYPES } from '../../domain/patent-number.js';
import { MARK_TYPES, NICE_CLASS_MAX, NICE_CLASS_MIN } from '../../domain/trademark.js';
import {
  deleteAsset,
  getAsset,
  listAssets,
  listLegalEvents,
  recordLegalEvent,
  registerAsset,
  verifyAsset,
} from '../../usecases/assets.js';
import { useCaseContext } from '../../usecases/context.js';
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
  plainText,
  storedFields,
  versioned,
} from '../common.js';
import type { PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';
import { UsccParam } from './enterprises.js';

const PatentInputSchema = z
  .strictObject({
    kind: z.literal('patent'),
    number: z.string().max(40).openapi({
      description: 'Application number in any common spelling (ZL/CN prefix, spaces, dot optional)',
      example: 'ZL201710601862.3',
    }),
    title: plainText(500),
    filingDate: IsoDate,
    grantDate: IsoDate.optional(),
    coOwners: z.array(z.string().max(40)).max(20).optional().openapi({ description: 'Other owners’ USCCs' }),
  })
  .openapi('PatentInput');

const TrademarkInputSchema = z
  .strictObject({
    kind: z.literal('trademark'),
    number: z.string().max(40).openapi({ description: 'Registration number (digits)', example: '12345678' }),
    mark: plainText(200),
    niceClasses: z
      .array(z.number().int())
      .min(1)
      .max(NICE_CLASS_MAX)
      .openapi({
        description: `Nice classes, integers ${NICE_CLASS_MIN}–${NICE_CLASS_MAX}`,
      }),
    registrationDate: IsoDate,
    markType: z.enum(MARK_TYPES).optional().openapi({ description: 'Default `ordinary`' }),
  })
  .openapi('TrademarkInput');

const AssetInputSchema = z
  .discriminatedUnion('kind', [PatentInputSchema, TrademarkInputSchema])
  .openapi('AssetInput');

/** A right's legal status as of today (also what the collateral watch shows). */
export const LegalStatusSchema = z
  .object({
    state: z.enum(LEGAL_STATES),
    flags: z.array(z.enum(LEGAL_FLAGS)),
    annuityPaidThrough: z.string().optional(),
    graceEndsOn: z
      .string()
      .optional()
      .openapi({ description: 'The annuity is overdue: the last day of its 6-month grace period' }),
    renewalWindow: z
      .object({ opens: z.string(), closes: z.string(), graceEnds: z.string() })
      .optional()
      .openapi({ description: 'Trademarks: when the current term may be renewed' }),
  })
  .openapi('LegalStatus');

const assetCommon = {
  id: z.string(),
  owner: z.string(),
  number: z.string().openapi({ description: 'Canonical number' }),
  coOwners: z.array(z.string()),
  coOwnerConsents: z.record(z.string(), z.object({ recordedAt: z.string(), recordedBy: z.string() })),
  status: z.enum(ASSET_STATUSES),
  expiresOn: z.string().openapi({ description: 'Last day the right is in force' }),
  inForce: z.boolean().openapi({
    description: 'As of today (Asia/Shanghai): `legalStatus.state` is `in_force` or `grace_period`',
  }),
  legalStatus: LegalStatusSchema,
  encumbrance: z.object({ pledgeId: z.string() }).nullable(),
  transferredTo: z.object({ uscc: z.string(), on: z.string(), pledgeId: z.string() }).optional().openapi({
    description: 'Transferred after a default, by the disposal of that pledge (recorded at release)',
  }),
  insuredBy: z.array(z.string()).openapi({ description: 'Active policies covering the asset' }),
  reminders: z
    .array(z.object({ type: z.enum(['annuity_due', 'grace_period', 'renewal_window']), dueOn: z.string() }))
    .openapi({
      description: 'What the owner must do soon: pay an annuity (60 days ahead, then its grace), renew',
    }),
  verification: z
    .object({ on: z.string(), source: z.enum(VERIFICATION_SOURCES), reference: z.string(), by: z.string() })
    .optional()
    .openapi({ description: 'The IP office checked the right and its owner (a lender may require it)' }),
  ...storedFields,
};

const AssetSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('patent'),
      title: z.string(),
      patentType: z.enum(PATENT_TYPES),
      filingDate: z.string(),
      grantDate: z.string().optional(),
      ...assetCommon,
    }),
    z.object({
      kind: z.literal('trademark'),
      mark: z.string(),
      niceClasses: z.array(z.number().int()),
      registrationDate: z.string(),
      markType: z.enum(MARK_TYPES),
      ...assetCommon,
    }),
  ])
  .openapi('Asset');

const AssetId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an asset id')
  .openapi({ example: '6c1e2d3a-0f4b-4d9e-8a57-2f0f4f8f1c11' });

const LegalEventInputSchema = z
  .strictObject({
    type: z.enum(LEGAL_EVENT_TYPES),
    date: IsoDate.openapi({ description: 'The day in the register; not after today' }),
    reference: z.string().trim().min(1).max(100).optional().openapi({
      description: 'The office’s document number; required when the owner records its own payment or renewal',
    }),
    note: z.string().trim().max(1000).optional(),
    paidThrough: IsoDate.optional().openapi({ description: '`annuity_paid`, `restored`' }),
    outcome: z.enum(INVALIDATION_OUTCOMES).optional().openapi({ description: '`invalidation_decided`' }),
    court: z.string().trim().min(1).max(200).optional().openapi({ description: '`preservation_ordered`' }),
    toUscc: z.string().max(40).optional().openapi({ description: '`transferred`: the new owner' }),
    licensee: z.string().trim().min(1).max(200).optional().openapi({ description: '`licensed`' }),
    exclusive: z.boolean().optional().openapi({ description: '`licensed`' }),
    until: IsoDate.optional().openapi({ description: '`licensed`: last day of the licence' }),
  })
  .openapi('LegalEventInput');

const LegalEventSchema = z
  .object({
    ...LegalEventInputSchema.shape,
    assetId: z.string(),
    seq: z.number().int().openapi({ description: '1 for the right’s first event' }),
    recordedAt: z.string(),
    recordedBy: ActorSchema,
  })
  .openapi('LegalEvent');

/** The JSON a client sees (the use cases answer `AssetView`, whose optional internals are already explicit). */
type AssetJson = z.infer<typeof AssetSchema>;
const ownerOf = (raw: string) => parseUscc(raw, 'param.uscc').uscc;

export function registerAssetRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'post',
      path: '/enterprises/{uscc}/assets',
      summary: 'Register a patent or trademark in an enterprise’s portfolio',
      description:
        'Patent numbers are verified (check digit, type digit, filing year = year of `filingDate`) and stored ' +
        'canonical; `patentType` follows from the type digit. A number can be held by one enterprise only (409). ' +
        'The enterprise must be registered first (404). Honours `Idempotency-Key`.',
      tags: ['assets'],
      request: { params: z.object({ uscc: UsccParam }), body: jsonBody(AssetInputSchema) },
      responses: { 201: versioned(jsonResponse(AssetSchema, 'Created')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          registerAsset(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { owner: ownerOf(c.req.valid('param').uscc), input: c.req.valid('json') as AssetInput },
            idem,
          ),
        (asset) => ({ status: 201, body: asset, version: asset.version, location: `/assets/${asset.id}` }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/enterprises/{uscc}/assets',
      summary: 'An enterprise’s portfolio, newest first',
      description:
        "A company reads its own patents and trademarks (another's portfolio is 404); the IP office reads any. Paged.",
      tags: ['assets'],
      request: { params: z.object({ uscc: UsccParam }), query: PageQuerySchema },
      responses: { 200: jsonResponse(pageOf(AssetSchema, 'AssetPage'), 'A page'), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await listAssets(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        ownerOf(c.req.valid('param').uscc),
        { limit, cursor },
      );
      return c.json(page as { items: AssetJson[]; nextCursor: string | null }, 200);
    },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/assets/{id}',
      summary: 'One asset with its term, status and encumbrance',
      description:
        'The owner and the IP office may read any asset; a lender or insurer only an asset in an application ' +
        'or policy addressed to it. Anyone else gets 404.',
      tags: ['assets'],
      request: { params: z.object({ id: AssetId }) },
      responses: { 200: versioned(jsonResponse(AssetSchema, 'The asset')), ...errorResponses },
    }),
    async (c) => {
      const asset = await getAsset(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
      );
      c.header('ETag', etagOf(asset.version));
      return c.json(asset as AssetJson, 200);
    },
  );

  addRoute(
    app,
    ['enterprise'],
    createRoute({
      method: 'delete',
      path: '/assets/{id}',
      summary: 'Remove an asset from the owner’s portfolio',
      description:
        'Only the owner. 409 while a pledge application or pledge holds the asset or an active policy covers ' +
        'it. Frees the number so that it can be registered again.',
      tags: ['assets'],
      request: { params: z.object({ id: AssetId }), headers: IfMatchHeader },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteAsset(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
        id: c.req.valid('param').id,
        expectedVersion: expectedVersion(c),
      });
      return c.body(null, 204);
    },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'post',
      path: '/assets/{id}/legal-events',
      summary:
        'Record a legal event of a right (annuity, lapse, invalidation, preservation, renewal, transfer …)',
      description:
        'The IP office records any type; the owner its `annuity_paid` and `renewed` with the office’s `reference` ' +
        '(another type: 403); anyone else is told the right does not exist (404). The event is checked against the right (422, each item with its field and code: ' +
        '`event_type_not_for_kind`, `date_in_future`, `paid_through_before_filing`, `renewal_outside_window`, ' +
        '`right_encumbered` for a transfer of a pledged right, …) and moves its `legalStatus`, its term (renewal) ' +
        'or its owner (transfer). Honours `Idempotency-Key`.',
      tags: ['assets'],
      request: { params: z.object({ id: AssetId }), body: jsonBody(LegalEventInputSchema) },
      responses: {
        201: jsonResponse(
          z.object({ event: LegalEventSchema, asset: AssetSchema }).openapi('LegalEventRecorded'),
          'Recorded, with the right as it now stands',
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      respond(
        c,
        (idem) =>
          recordLegalEvent(
            useCaseContext(c.get('deps')),
            actorOf(c.get('principal')),
            { assetId: c.req.valid('param').id, input: c.req.valid('json') as LegalEventInput },
            idem,
          ),
        (recorded) => ({
          status: 201,
          body: recorded as { event: z.infer<typeof LegalEventSchema>; asset: AssetJson },
          location: `/assets/${recorded.event.assetId}/legal-events`,
        }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/assets/{id}/legal-events',
      summary: 'A right’s legal events, newest first',
      description: 'For whoever may read the right (as `GET /assets/{id}`); anyone else gets 404.',
      tags: ['assets'],
      request: { params: z.object({ id: AssetId }), query: PageQuerySchema },
      responses: {
        200: jsonResponse(pageOf(LegalEventSchema, 'LegalEventPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await listLegalEvents(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
        { limit, cursor },
      );
      return c.json(page as { items: z.infer<typeof LegalEventSchema>[]; nextCursor: string | null }, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'post',
      path: '/assets/{id}/verification',
      summary: 'Verify a right against the register or a document (IP office)',
      description:
        'Records that the office checked the number, the owner and the status (`source`: `registry` or ' +
        '`document`, with its `reference`). A lender whose policy has `requireVerifiedRights` accepts only ' +
        'verified rights. A transfer clears the verification.',
      tags: ['assets'],
      request: {
        params: z.object({ id: AssetId }),
        body: jsonBody(
          z
            .strictObject({
              source: z.enum(VERIFICATION_SOURCES),
              reference: z.string().trim().min(1).max(100),
            })
            .openapi('VerificationInput'),
        ),
      },
      responses: { 200: versioned(jsonResponse(AssetSchema, 'The verified right')), ...errorResponses },
    }),
    async (c) => {
      const asset = await verifyAsset(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
        assetId: c.req.valid('param').id,
        ...c.req.valid('json'),
      });
      c.header('ETag', etagOf(asset.version));
      return c.json(asset as AssetJson, 200);
    },
  );
}
