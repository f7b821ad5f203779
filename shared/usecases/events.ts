/**
 * Reading domain events: one subject's (`GET /events?subject=`) or one day's audit feed (`GET /events?day=`). The IP
 * office sees every event; anyone else only events whose audience holds their organisation's tenant key. A subject
 * none of whose events the caller may see answers 404, as the subject itself would.
 */
import { type Actor, tenantOf } from '../domain/actor.js';
import type { DomainEvent, Subject } from '../domain/domain-event.js';
import { notFound } from '../domain/errors.js';
import { EventFeedRepository } from '../store/event-feed-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import type { UseCaseContext } from './context.js';

/** One subject's events, or one day of the audit feed (default: today, Asia/Shanghai). */
export type EventQuery = { subject: Subject } | { day?: string | undefined };

export async function listEvents(
  uc: UseCaseContext,
  actor: Actor,
  query: EventQuery,
  page: PageRequest,
): Promise<Page<DomainEvent>> {
  const repository = new EventFeedRepository(uc.store);
  const mayRead = readerOf(actor);
  if (!('subject' in query)) {
    // Filtered after the Query: a page may hold fewer than `limit` events while `nextCursor` is set.
    const feed = await repository.dayFeed(query.day ?? uc.clock.today(), page);
    return { items: feed.items.filter(mayRead), nextCursor: feed.nextCursor };
  }
  const found = await repository.subjectEvents(query.subject, page);
  const items = found.items.filter(mayRead);
  const hidden = items.length === 0 && (found.items.length > 0 || page.cursor === undefined);
  if (hidden) throw notFound(`Subject ${query.subject.kind}:${query.subject.id}`);
  return { items, nextCursor: found.nextCursor };
}

function readerOf(actor: Actor): (event: DomainEvent) => boolean {
  if (actor.role === 'ipoffice') return () => true;
  const tenant = tenantOf(actor);
  return (event) => event.audience.includes(tenant);
}
