import { actorOf } from '../../auth/principal.js';
import { ALERT_TYPES } from '../../domain/collateral-monitor.js';
import { useCaseContext } from '../../usecases/context.js';
import { listCollateralWatch } from '../../usecases/monitor.js';
import { errorResponses, jsonResponse, PageQuerySchema, pageOf } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';
import { LegalStatusSchema } from './assets.js';

const WatchedRightSchema = z
  .object({
    asset: z.object({
      id: z.string(),
      kind: z.string(),
      number: z.string(),
      legalStatus: LegalStatusSchema,
    }),
    pledgeId: z.string(),
    alerts: z.array(
      z.object({ type: z.enum(ALERT_TYPES), dueOn: z.string().optional(), raisedOn: z.string() }),
    ),
  })
  .openapi('WatchedRight');

export function registerCollateralRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['lender', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/collateral-watch',
      summary: 'Pledged rights with open alerts (the collateral monitor’s last run)',
      description:
        'A lender: the rights of its own registered, unreleased pledges; the IP office: every pledge’s. Each with ' +
        'its legal status as of the last run and its open alerts (`annuity_due`, `grace_period`, `lapsed`, ' +
        '`invalidation_filed`, `preserved`, `disputed`, `renewal_window`, `expires_before_maturity`).',
      tags: ['assets'],
      request: { query: PageQuerySchema },
      responses: {
        200: jsonResponse(pageOf(WatchedRightSchema, 'CollateralWatchPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await listCollateralWatch(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
        limit,
        cursor,
      });
      return c.json(
        {
          items: page.items.map((w) => ({ asset: w.asset, pledgeId: w.subject.id, alerts: w.open })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );
}
