import { actorOf } from '../../auth/principal.js';
import { useCaseContext } from '../../usecases/context.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from '../../usecases/webhooks.js';
import { errorResponses, jsonBody, jsonResponse, PageQuerySchema, pageOf } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const WebhookInput = z
  .strictObject({
    url: z.string().max(2000).openapi({ example: 'https://bank.example.cn/hooks/ip-finance' }),
    events: z
      .array(z.string().max(60))
      .min(1)
      .max(50)
      .openapi({
        description: '`<kind>.*` or one type, e.g. `pledge.*`, `claim.paid`',
        example: ['pledge.*'],
      }),
  })
  .openapi('WebhookInput');

const WebhookSchema = z
  .object({ id: z.string(), url: z.string(), events: z.array(z.string()), createdAt: z.string() })
  .openapi('Webhook');

const DeliverySchema = z
  .object({
    eventId: z.string(),
    type: z.string(),
    attempt: z.number().int(),
    at: z.string(),
    ok: z.boolean(),
    httpStatus: z.number().int().optional(),
    error: z.string().optional(),
  })
  .openapi('WebhookDelivery');

const HookId = z.object({ id: z.string().min(1).max(100) });
const SUBSCRIBERS = ['lender', 'insurer'] as const;

export function registerWebhookRoutes(app: PortalApp): void {
  addRoute(
    app,
    SUBSCRIBERS,
    createRoute({
      method: 'post',
      path: '/webhooks',
      summary: 'Subscribe your system to events (Standard Webhooks)',
      description:
        'Deliveries POST `{ type, timestamp, data }` (`data`: the domain event) with `webhook-id`, ' +
        '`webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>` under the `whsec_` secret, which ' +
        'is shown in this answer only. Only events addressed to your organisation. A non-2xx answer is tried ' +
        'again with backoff (the first retry within 30 seconds). The target must be https:// and resolve to a ' +
        'public address (422 `webhook_url_not_https`, `webhook_target_private`, `webhook_target_unresolvable`).',
      tags: ['webhooks'],
      request: { body: jsonBody(WebhookInput) },
      responses: {
        201: jsonResponse(
          WebhookSchema.extend({ secret: z.string() }).openapi('WebhookCreated'),
          'Subscribed',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const hook = await createWebhook(
        useCaseContext(deps),
        actorOf(c.get('principal')),
        c.req.valid('json'),
        deps.webhookTargets ?? 'public-only',
      );
      c.header('Location', `/webhooks/${hook.id}`);
      return c.json(hook, 201);
    },
  );

  addRoute(
    app,
    SUBSCRIBERS,
    createRoute({
      method: 'get',
      path: '/webhooks',
      summary: 'Your subscriptions (without their secrets)',
      description:
        "A bank's or insurer's webhook subscriptions; a secret is shown only once, in the answer that created the subscription.",
      tags: ['webhooks'],
      responses: {
        200: jsonResponse(z.object({ items: z.array(WebhookSchema) }).openapi('WebhookList'), 'All of them'),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json({ items: await listWebhooks(useCaseContext(c.get('deps')), actorOf(c.get('principal'))) }, 200),
  );

  addRoute(
    app,
    SUBSCRIBERS,
    createRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      summary: 'Unsubscribe',
      description: 'Another organisation’s id → 404.',
      tags: ['webhooks'],
      request: { params: HookId },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteWebhook(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
      );
      return c.body(null, 204);
    },
  );

  addRoute(
    app,
    SUBSCRIBERS,
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      summary: 'The delivery log of a subscription, newest first: every attempt with its answer',
      description:
        "Every attempt to deliver an event to the subscription's URL, with the status code received, newest first; paged. Another institution's subscription is 404.",
      tags: ['webhooks'],
      request: { params: HookId, query: PageQuerySchema },
      responses: {
        200: jsonResponse(pageOf(DeliverySchema, 'WebhookDeliveryPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await listDeliveries(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
        {
          limit,
          cursor,
        },
      );
      return c.json(page, 200);
    },
  );
}
