import { ROLES } from '../../auth/principal.js';
import { conflict, notFound, unprocessable } from '../../domain/errors.js';
import { INSTITUTION_ID_PATTERN, INSTITUTION_KINDS, type Institution } from '../../domain/institution.js';
import { effectivePolicy, LTV_KINDS, type LtvKind } from '../../domain/lending-policy.js';
import { InstitutionRepository } from '../../store/institution-repository.js';
import {
  assertVersion,
  errorResponses,
  etagOf,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
  storedFields,
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
  .strictObject({ kind: z.enum(INSTITUTION_KINDS), name: z.string().trim().min(1).max(200) })
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

const LendingPolicySchema = z.strictObject({ maxLtvBps: MaxLtvBpsSchema }).openapi('LendingPolicy');

const InstitutionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INSTITUTION_KINDS),
    name: z.string(),
    lendingPolicy: LendingPolicySchema.optional().openapi({
      description: 'Lenders only: the loan-to-value caps in force (defaults until the IP office sets them)',
    }),
    ...storedFields,
  })
  .openapi('Institution');

/** What clients see: a lender always shows the caps in force, defaults included. */
const institutionView = (i: Institution): Institution =>
  i.kind === 'lender' ? { ...i, lendingPolicy: effectivePolicy(i.lendingPolicy) } : i;

export function registerInstitutionRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/institutions/{id}',
      summary: 'Create or update a bank or insurer',
      tags: ['institutions'],
      request: {
        params: InstitutionParams,
        headers: IfMatchHeader,
        body: jsonBody(InstitutionInput),
      },
      responses: {
        200: jsonResponse(InstitutionSchema, 'Updated'),
        201: jsonResponse(InstitutionSchema, 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps } = c.var;
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const repo = new InstitutionRepository(deps.db, deps.tableName);
      const existing = await repo.get(id);
      if (existing) assertVersion(c, existing.version);
      if (existing && existing.kind !== input.kind)
        throw conflict(`Institution ${id} is a ${existing.kind}; its kind cannot change.`);
      const now = deps.now().toISOString();
      const institution: Institution = {
        id,
        kind: input.kind,
        name: input.name,
        // The lending policy has its own route; renaming a lender keeps it.
        ...(existing?.lendingPolicy ? { lendingPolicy: existing.lendingPolicy } : {}),
        version: (existing?.version ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await repo.save(institution, existing?.version ?? 0);
      c.header('ETag', etagOf(institution.version));
      return c.json(institutionView(institution), existing ? 200 : 201);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/institutions/{id}/lending-policy',
      summary: "Set a lender's loan-to-value caps",
      description:
        'Replaces the maximum loan-to-value per kind of pledged right (basis points). Approvals of pledges are ' +
        'checked against the caps in force when the lender approves. Honours If-Match.',
      tags: ['institutions'],
      request: {
        params: InstitutionParams,
        headers: IfMatchHeader,
        body: jsonBody(LendingPolicySchema),
      },
      responses: {
        200: jsonResponse(InstitutionSchema, 'The lender with its new policy'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps } = c.var;
      const { id } = c.req.valid('param');
      const policy = c.req.valid('json');
      const repo = new InstitutionRepository(deps.db, deps.tableName);
      const existing = await repo.get(id);
      if (!existing) throw notFound(`Institution ${id}`);
      assertVersion(c, existing.version);
      if (existing.kind !== 'lender')
        throw unprocessable(`Institution ${id} is an ${existing.kind}; only lenders have a lending policy.`);
      const institution: Institution = {
        ...existing,
        lendingPolicy: policy,
        version: existing.version + 1,
        updatedAt: deps.now().toISOString(),
      };
      await repo.save(institution, existing.version);
      c.header('ETag', etagOf(institution.version));
      return c.json(institutionView(institution), 200);
    },
  );

  addRoute(
    app,
    ROLES,
    createRoute({
      method: 'get',
      path: '/institutions/{id}',
      summary: 'One bank or insurer (a lender with its loan-to-value caps)',
      tags: ['institutions'],
      request: { params: InstitutionParams },
      responses: { 200: jsonResponse(InstitutionSchema, 'The institution'), ...errorResponses },
    }),
    async (c) => {
      const { deps } = c.var;
      const { id } = c.req.valid('param');
      const institution = await new InstitutionRepository(deps.db, deps.tableName).get(id);
      if (!institution) throw notFound(`Institution ${id}`);
      c.header('ETag', etagOf(institution.version));
      return c.json(institutionView(institution), 200);
    },
  );

  addRoute(
    app,
    ROLES,
    createRoute({
      method: 'get',
      path: '/institutions',
      summary: 'List banks and insurers',
      tags: ['institutions'],
      request: { query: PageQuerySchema.extend({ kind: z.enum(INSTITUTION_KINDS).optional() }) },
      responses: {
        200: jsonResponse(pageOf(InstitutionSchema, 'InstitutionPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps } = c.var;
      const { kind, limit, cursor } = c.req.valid('query');
      const repo = new InstitutionRepository(deps.db, deps.tableName);
      const page = await repo.list(kind, { limit, cursor });
      return c.json({ items: page.items.map(institutionView), nextCursor: page.nextCursor }, 200);
    },
  );
}
