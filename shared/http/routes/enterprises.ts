import { actorOf } from '../../auth/principal.js';
import { parseUscc } from '../../domain/enterprise.js';
import { useCaseContext } from '../../usecases/context.js';
import { getEnterprise, listEnterprises, saveEnterprise } from '../../usecases/enterprises.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
  plainText,
  storedFields,
  versioned,
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
    name: plainText(200),
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
        200: versioned(jsonResponse(EnterpriseSchema, 'Updated')),
        201: versioned(jsonResponse(EnterpriseSchema, 'Created')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { enterprise, created } = await saveEnterprise(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        {
          ...parseUscc(c.req.valid('param').uscc, 'param.uscc'),
          input: c.req.valid('json'),
          expectedVersion: expectedVersion(c),
        },
      );
      c.header('ETag', etagOf(enterprise.version));
      if (created) c.header('Location', `/enterprises/${enterprise.uscc}`);
      return c.json(enterprise, created ? 201 : 200);
    },
  );

  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/enterprises/{uscc}',
      summary: 'An enterprise with its current designations',
      description:
        "A company reads its own record only (another's is 404); the IP office reads any. Answers its `ETag`.",
      tags: ['enterprises'],
      request: { params: z.object({ uscc: UsccParam }) },
      responses: { 200: versioned(jsonResponse(EnterpriseDetail, 'The enterprise')), ...errorResponses },
    }),
    async (c) => {
      const { uscc } = parseUscc(c.req.valid('param').uscc, 'param.uscc');
      const enterprise = await getEnterprise(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        uscc,
      );
      c.header('ETag', etagOf(enterprise.version));
      return c.json(enterprise, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'get',
      path: '/enterprises',
      summary: 'List enterprises (ordered by USCC)',
      description: 'By the IP office: every registered company, paged with `limit` and `cursor`.',
      tags: ['enterprises'],
      request: { query: PageQuerySchema },
      responses: {
        200: jsonResponse(pageOf(EnterpriseSchema, 'EnterprisePage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      return c.json(await listEnterprises(useCaseContext(c.get('deps')), { limit, cursor }), 200);
    },
  );
}
