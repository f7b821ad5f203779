import { actorOf } from '../../auth/principal.js';
import { SUBJECT_KINDS, type SubjectKind } from '../../domain/domain-event.js';
import { useCaseContext } from '../../usecases/context.js';
import { listEvents } from '../../usecases/events.js';
import { ActorSchema, errorResponses, IsoDate, jsonResponse, PageQuerySchema, pageOf } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const SUBJECT = new RegExp(`^(${SUBJECT_KINDS.join('|')}):[A-Za-z0-9_-]{1,100}$`);

const DomainEventSchema = z
  .object({
    id: z.string().openapi({ description: '`<kind>:<id>:<version>`; stable across redeliveries' }),
    type: z.string().openapi({ example: 'pledge.approved' }),
    subject: z.object({ kind: z.enum(SUBJECT_KINDS), id: z.string() }),
    version: z
      .number()
      .int()
      .openapi({ description: 'The subject version this event produced (1 = creation)' }),
    at: z.string(),
    actor: ActorSchema,
    data: z.record(z.string(), z.unknown()),
    audience: z.array(z.string()).openapi({
      description: 'Tenant keys (`enterprise:<USCC>`, `lender:<id>`, …) of the organisations that see it',
    }),
    action: z.string(),
    from: z.string().nullable(),
    to: z.string(),
  })
  .openapi('DomainEvent');

const EventQuerySchema = PageQuerySchema.extend({
  subject: z
    .string()
    .regex(SUBJECT, `must be <kind>:<id> with kind one of ${SUBJECT_KINDS.join(', ')}`)
    .optional()
    .openapi({
      description: 'One subject’s events, oldest first',
      example: 'pledge:6f1c2d3e-8b9a-4c1d-9e2f-0a1b2c3d4e5f',
    }),
  day: IsoDate.optional().openapi({
    description: 'One Asia/Shanghai day of the audit feed, in time order; default today',
  }),
}).refine((q) => q.subject === undefined || q.day === undefined, {
  message: 'give subject or day, not both',
  path: ['subject'],
});

/** `<kind>:<id>`, already matched against SUBJECT. */
const subjectOf = (s: string) => {
  const colon = s.indexOf(':');
  return { kind: s.slice(0, colon) as SubjectKind, id: s.slice(colon + 1) };
};

export function registerEventRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'lender', 'insurer', 'ipoffice'],
    createRoute({
      method: 'get',
      path: '/events',
      summary: 'Domain events of one subject, or one day of the audit feed',
      description:
        'At most one of `subject` and `day`. `?subject=<kind>:<id>` reads the subject’s own event items (its ' +
        'history, at once); `?day=YYYY-MM-DD` (default today) reads the audit feed, which the audit consumer fills from the table’s ' +
        'stream moments after each change. The IP office sees every event; anyone else only events whose ' +
        '`audience` holds their organisation — a subject none of whose events they may see is 404, as the subject ' +
        'itself would be. A day’s page may hold fewer than `limit` events while `nextCursor` is set.',
      tags: ['events'],
      request: { query: EventQuerySchema },
      responses: {
        200: jsonResponse(pageOf(DomainEventSchema, 'DomainEventPage'), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { subject, day, limit, cursor } = c.req.valid('query');
      const query = subject ? { subject: subjectOf(subject) } : { day };
      const page = await listEvents(useCaseContext(c.get('deps')), actorOf(c.get('principal')), query, {
        limit,
        cursor,
      });
      return c.json(page, 200);
    },
  );
}
