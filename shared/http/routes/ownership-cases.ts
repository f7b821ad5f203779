import { actorOf } from '../../auth/principal.js';
import { ASSET_KINDS } from '../../domain/asset.js';
import { CASE_OUTCOMES } from '../../domain/ownership-case.js';
import { useCaseContext } from '../../usecases/context.js';
import { decideOwnershipCase, listOwnershipCases } from '../../usecases/ownership-cases.js';
import { errorResponses, jsonBody, jsonResponse, PageQuerySchema, pageOf } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const CaseSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ASSET_KINDS),
    number: z.string(),
    assetId: z.string(),
    holder: z.string(),
    claimant: z.string(),
    status: z.enum(['open', 'decided']),
    openedAt: z.string(),
    outcome: z.enum(CASE_OUTCOMES).optional(),
    reference: z.string().optional(),
    decidedAt: z.string().optional(),
  })
  .openapi('OwnershipCase');

export function registerOwnershipCaseRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/ownership-cases',
      summary: 'Ownership cases: the office’s all, an enterprise its own claims',
      description:
        'Registering a number another enterprise holds opens a case for the IP office (the 409 names it) instead ' +
        'of a dead end.',
      tags: ['assets'],
      request: { query: PageQuerySchema.extend({ status: z.enum(['open', 'decided']).optional() }) },
      responses: { 200: jsonResponse(pageOf(CaseSchema, 'OwnershipCasePage'), 'A page'), ...errorResponses },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const page = await listOwnershipCases(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
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
    ['ipoffice'],
    createRoute({
      method: 'post',
      path: '/ownership-cases/{id}/decide',
      summary: 'Decide an ownership case (IP office)',
      description:
        '`holder`: the right stays where it is. `claimant`: it is transferred to the claimant (a `transferred` ' +
        'legal event with the decision’s `reference`), refused (422 `right_encumbered`) while it is pledged. A ' +
        'decided case → 409.',
      tags: ['assets'],
      request: {
        params: z.object({ id: z.string().min(1).max(100) }),
        body: jsonBody(
          z
            .strictObject({ outcome: z.enum(CASE_OUTCOMES), reference: z.string().trim().min(1).max(100) })
            .openapi('CaseDecision'),
        ),
      },
      responses: { 200: jsonResponse(CaseSchema, 'The decided case'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await decideOwnershipCase(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
          id: c.req.valid('param').id,
          ...c.req.valid('json'),
        }),
        200,
      ),
  );
}
