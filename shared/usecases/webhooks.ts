/**
 * Webhooks for banks' and insurers' own systems (API.md v2): subscribe with a URL and event patterns (the signing
 * secret is shown once), list, delete, read the delivery log; and the delivery of one domain event to every
 * subscription that may see it (its audience holds the subscriber) and asked for its type. Delivery is at least
 * once: what arrived is marked, so a retry sends only what failed.
 */
import { randomBytes } from 'node:crypto';
import { type Actor, tenantOf } from '../domain/actor.js';
import type { DomainEvent } from '../domain/domain-event.js';
import { notFound, unprocessable } from '../domain/errors.js';
import { eventPatternIssues, matchesEvent } from '../domain/webhook.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { type Delivery, type Subscription, WebhookRepository } from '../store/webhook-repository.js';
import { post, type TargetPolicy, targetRefusal } from '../webhooks/delivery.js';
import type { UseCaseContext } from './context.js';

export type WebhookView = Omit<Subscription, 'secret' | 'tenant'>;
const view = ({ secret: _, tenant: __, ...rest }: Subscription): WebhookView => rest;

export async function createWebhook(
  uc: UseCaseContext,
  actor: Actor,
  input: { url: string; events: string[] },
  policy: TargetPolicy,
): Promise<WebhookView & { secret: string }> {
  const issues = eventPatternIssues(input.events);
  const refused = await targetRefusal(input.url, policy);
  if (refused) issues.unshift({ path: 'url', ...refused });
  if (issues.length > 0) throw unprocessable('The webhook was refused.', { errors: issues });
  const sub: Subscription = {
    id: uc.newId(),
    tenant: tenantOf(actor),
    url: input.url,
    events: [...new Set(input.events)],
    secret: `whsec_${randomBytes(24).toString('base64')}`,
    createdAt: uc.clock.now().toISOString(),
  };
  await new WebhookRepository(uc.store).create(sub);
  return { ...view(sub), secret: sub.secret };
}

export async function listWebhooks(uc: UseCaseContext, actor: Actor): Promise<WebhookView[]> {
  return (await new WebhookRepository(uc.store).list(tenantOf(actor))).map(view);
}

export async function deleteWebhook(uc: UseCaseContext, actor: Actor, id: string): Promise<void> {
  if (!(await new WebhookRepository(uc.store).delete(tenantOf(actor), id))) throw notFound(`Webhook ${id}`);
}

export async function listDeliveries(
  uc: UseCaseContext,
  actor: Actor,
  id: string,
  page: PageRequest,
): Promise<Page<Delivery>> {
  const repo = new WebhookRepository(uc.store);
  if (!(await repo.get(tenantOf(actor), id))) throw notFound(`Webhook ${id}`);
  return repo.deliveries(id, page);
}

/** The subscribers an event may reach: banks and insurers in its audience. */
const subscriberTenants = (event: DomainEvent) =>
  event.audience.filter((t) => t.startsWith('lender:') || t.startsWith('insurer:'));

/**
 * Delivers `event` (attempt `attempt`, 1 the first) to each matching subscription it has not yet reached; returns
 * how many it reached and how many failed (to be tried again).
 */
export async function deliverWebhooks(
  uc: UseCaseContext,
  event: DomainEvent,
  policy: TargetPolicy,
  attempt = 1,
): Promise<{ delivered: number; failed: number }> {
  const repo = new WebhookRepository(uc.store);
  const subscriptions = (await Promise.all(subscriberTenants(event).map((t) => repo.list(t))))
    .flat()
    .filter((s) => matchesEvent(s.events, event.type));
  const done = await repo.delivered(subscriptions, event.id);
  let delivered = 0;
  let failed = 0;
  for (const sub of subscriptions.filter((s) => !done.has(s.id))) {
    const now = uc.clock.now();
    const outcome = await post(sub.url, sub.secret, event, policy, now);
    await repo.record(sub, {
      eventId: event.id,
      type: event.type,
      attempt,
      at: now.toISOString(),
      ok: outcome.ok,
      // Stryker disable next-line ConditionalExpression: the `false` variant sets httpStatus: undefined, which the document client (removeUndefinedValues) drops, as if absent
      ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
      ...(outcome.error === undefined ? {} : { error: outcome.error.slice(0, 300) }),
    });
    if (outcome.ok) delivered++;
    else failed++;
  }
  return { delivered, failed };
}
