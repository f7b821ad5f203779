import { createRoute, z } from '@hono/zod-openapi';
import { ROLES } from '../../auth/principal.js';
import { conflict } from '../../domain/errors.js';
import { INSTITUTION_ID_PATTERN, INSTITUTION_KINDS, type Institution } from '../../domain/institution.js';
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
import { addRoute } from '../route.js';

const InstitutionId = z
  .string()
  .regex(INSTITUTION_ID_PATTERN, 'must be 2–40 characters of a-z, 0-9 and -')
  .openapi({ example: 'jinhua-bank' });

const InstitutionInput = z
  .strictObject({ kind: z.enum(INSTITUTION_KINDS), name: z.string().trim().min(1).max(200) })
  .openapi('InstitutionInput');

const InstitutionSchema = z
  .object({ id: z.string(), kind: z.enum(INSTITUTION_KINDS), name: z.string(), ...storedFields })
  .openapi('Institution');

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
        params: z.object({ id: InstitutionId }),
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
        version: (existing?.version ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await repo.save(institution, existing?.version ?? 0);
      c.header('ETag', etagOf(institution.version));
      return c.json(institution, existing ? 200 : 201);
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
      return c.json(await repo.list(kind, { limit, cursor }), 200);
    },
  );
}
