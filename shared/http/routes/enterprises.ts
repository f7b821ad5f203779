import { type Enterprise, isEnterprise, parseUscc } from '../../domain/enterprise.js';
import { forbidden, notFound } from '../../domain/errors.js';
import { activeDesignationsOf } from '../../store/designation-repository.js';
import { EnterpriseRepository } from '../../store/enterprise-repository.js';
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

/** A USCC in a path; checked (check character, alphabet) in the handler so the 400 gives the exact reason. */
export const UsccParam = z.string().openapi({
  description: 'Unified social credit code (18 characters; lower case is accepted)',
  example: '91330784147123451K',
});

const EnterpriseInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    industry: z.string().trim().min(1).max(100).optional(),
  })
  .openapi('EnterpriseInput');

const EnterpriseSchema = z
  .object({
    uscc: z.string(),
    name: z.string(),
    industry: z.string().optional(),
    divisionCode: z.string().openapi({ description: 'Characters 3–8 of the USCC', example: '330784' }),
    ...storedFields,
  })
  .openapi('Enterprise');

const DesignationSummary = z.looseObject({ id: z.string(), level: z.string(), year: z.number().int() });

const EnterpriseDetail = EnterpriseSchema.extend({
  designations: z
    .array(DesignationSummary)
    .openapi({ description: 'Current demonstration/advantage designations' }),
}).openapi('EnterpriseDetail');

export function registerEnterpriseRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'put',
      path: '/enterprises/{uscc}',
      summary: 'Register or update an enterprise',
      description:
        'An enterprise may only register itself (its token’s USCC); the IP office may register any. ' +
        'The USCC’s check character is verified; lower case is normalised to upper case.',
      tags: ['enterprises'],
      request: {
        params: z.object({ uscc: UsccParam }),
        headers: IfMatchHeader,
        body: jsonBody(EnterpriseInput),
      },
      responses: {
        200: jsonResponse(EnterpriseSchema, 'Updated'),
        201: jsonResponse(EnterpriseSchema, 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { uscc, divisionCode } = parseUscc(c.req.valid('param').uscc, 'param.uscc');
      // Registering a USCC is a claim to be that company: an enterprise can only make it for itself.
      if (principal.role === 'enterprise' && !isEnterprise(principal, uscc))
        throw forbidden('An enterprise may only register or update its own USCC.');
      const input = c.req.valid('json');
      const repo = new EnterpriseRepository(deps.db, deps.tableName);
      const existing = await repo.get(uscc);
      if (existing) assertVersion(c, existing.version);
      const now = deps.now().toISOString();
      const enterprise: Enterprise = {
        uscc,
        name: input.name,
        ...(input.industry === undefined ? {} : { industry: input.industry }),
        divisionCode,
        version: (existing?.version ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await repo.save(enterprise, existing?.version ?? 0);
      c.header('ETag', etagOf(enterprise.version));
      if (!existing) c.header('Location', `/enterprises/${uscc}`);
      return c.json(enterprise, existing ? 200 : 201);
    },
  );

  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/enterprises/{uscc}',
      summary: 'An enterprise with its current designations',
      tags: ['enterprises'],
      request: { params: z.object({ uscc: UsccParam }) },
      responses: { 200: jsonResponse(EnterpriseDetail, 'The enterprise'), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { uscc } = parseUscc(c.req.valid('param').uscc, 'param.uscc');
      if (principal.role === 'enterprise' && !isEnterprise(principal, uscc))
        throw notFound(`Enterprise ${uscc}`);
      const enterprise = await new EnterpriseRepository(deps.db, deps.tableName).get(uscc);
      if (!enterprise) throw notFound(`Enterprise ${uscc}`);
      c.header('ETag', etagOf(enterprise.version));
      return c.json({ ...enterprise, designations: await activeDesignationsOf(deps, uscc) }, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/enterprises',
      summary: 'List enterprises (ordered by USCC)',
      tags: ['enterprises'],
      request: { query: PageQuerySchema },
      responses: {
        200: jsonResponse(pageOf(EnterpriseSchema, 'EnterprisePage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps } = c.var;
      const { limit, cursor } = c.req.valid('query');
      return c.json(await new EnterpriseRepository(deps.db, deps.tableName).list({ limit, cursor }), 200);
    },
  );
}
