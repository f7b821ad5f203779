import { actorOf } from '../../auth/principal.js';
import { SUBJECT_KINDS } from '../../domain/domain-event.js';
import { NOTIFICATION_TYPES } from '../../domain/notification.js';
import { useCaseContext } from '../../usecases/context.js';
import { emailOptIn, optInToEmail, optOutOfEmail } from '../../usecases/email.js';
import { listNotifications, markNotificationRead } from '../../usecases/notifications.js';
import { errorResponses, jsonBody, jsonResponse, PageQuerySchema } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const NotificationSchema = z
  .object({
    id: z.string().openapi({ description: 'Opaque' }),
    at: z.string().openapi({ description: 'When the event happened' }),
    type: z.string().openapi({ description: `One of ${NOTIFICATION_TYPES.join(', ')}` }),
    subject: z.object({ kind: z.enum([...SUBJECT_KINDS, 'asset']), id: z.string() }),
    title: z.string().openapi({ description: 'English; the pages render the type in the reader’s language' }),
    read: z.boolean(),
  })
  .openapi('Notification');

const InboxSchema = z
  .object({
    items: z.array(NotificationSchema),
    nextCursor: z.string().nullable(),
    unread: z.number().int().openapi({ description: 'Unread notifications in the whole inbox (the badge)' }),
  })
  .openapi('Inbox');

const InboxQuery = PageQuerySchema.extend({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: '`true`: only the unread notifications' }),
});

const ALL_ROLES = ['enterprise', 'lender', 'insurer', 'ipoffice'] as const;

export function registerNotificationRoutes(app: PortalApp): void {
  addRoute(
    app,
    ALL_ROLES,
    createRoute({
      method: 'get',
      path: '/notifications',
      summary: 'The caller’s organisation’s inbox, newest first',
      description:
        'Each party hears of what it must act on or know (API.md v2): the bank of a new application, the company ' +
        'of its approval, registration and disbursement, both of an instalment due within 7 days and of arrears, ' +
        'the insurer of applications and claims, the IP office (one inbox for its clerks) of approvals to register. ' +
        'A notification appears moments after its event (the event consumers run inside `npm start`).',
      tags: ['notifications'],
      request: { query: InboxQuery },
      responses: { 200: jsonResponse(InboxSchema, 'A page of the inbox'), ...errorResponses },
    }),
    async (c) => {
      const { unread, limit, cursor } = c.req.valid('query');
      const inbox = await listNotifications(useCaseContext(c.get('deps')), actorOf(c.get('principal')), {
        unread: unread === 'true',
        limit,
        cursor,
      });
      return c.json(inbox, 200);
    },
  );

  addRoute(
    app,
    ALL_ROLES,
    createRoute({
      method: 'post',
      path: '/notifications/{id}/read',
      summary: 'Mark a notification read',
      description: 'Idempotent: marking one already read changes nothing. Another party’s id → 404.',
      tags: ['notifications'],
      request: { params: z.object({ id: z.string().min(1).max(400) }) },
      responses: { 204: { description: 'Read' }, ...errorResponses },
    }),
    async (c) => {
      await markNotificationRead(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('param').id,
      );
      return c.body(null, 204);
    },
  );

  const EmailOptInSchema = z
    .object({ email: z.string(), optedInAt: z.string() })
    .openapi('EmailOptIn', { description: 'Your notifications are also mailed to this address' });

  addRoute(
    app,
    ALL_ROLES,
    createRoute({
      method: 'put',
      path: '/notifications/email',
      summary: 'Opt in: your organisation’s notifications also by e-mail, to you',
      description:
        'Per user (the token’s subject). Deployed, mail goes through Amazon SES where the portal has a sender; ' +
        'locally into `outbox.jsonl` in the data directory.',
      tags: ['notifications'],
      request: {
        body: jsonBody(
          z.strictObject({ email: z.string().trim().max(254).email() }).openapi('EmailOptInInput'),
        ),
      },
      responses: { 200: jsonResponse(EmailOptInSchema, 'Opted in'), ...errorResponses },
    }),
    async (c) => {
      const { sub: _, ...optIn } = await optInToEmail(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        c.req.valid('json').email,
      );
      return c.json(optIn, 200);
    },
  );

  addRoute(
    app,
    ALL_ROLES,
    createRoute({
      method: 'get',
      path: '/notifications/email',
      summary: 'Your e-mail opt-in (404: none)',
      description:
        'The address the caller receives notifications at, and since when; 404 when the caller has not opted in.',
      tags: ['notifications'],
      responses: { 200: jsonResponse(EmailOptInSchema, 'Opted in'), ...errorResponses },
    }),
    async (c) => {
      const { sub: _, ...optIn } = await emailOptIn(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
      );
      return c.json(optIn, 200);
    },
  );

  addRoute(
    app,
    ALL_ROLES,
    createRoute({
      method: 'delete',
      path: '/notifications/email',
      summary: 'Opt out of e-mail',
      description:
        "Removes the caller's address: no further notification is mailed to it; 404 when there was none.",
      tags: ['notifications'],
      responses: { 204: { description: 'Opted out' }, ...errorResponses },
    }),
    async (c) => {
      await optOutOfEmail(useCaseContext(c.get('deps')), actorOf(c.get('principal')));
      return c.body(null, 204);
    },
  );
}
