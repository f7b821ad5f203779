import type { DomainEvent, Subject } from '../domain/domain-event.js';
import { aggregateKey, auditFeedPartition, EVENT_PREFIX } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import type { Store } from './toolkit.js';

/** The two ways events are read, each one Query on one partition (never a Scan). */
export class EventFeedRepository {
  constructor(private readonly store: Store) {}

  /** A subject's events, oldest first: its own event items, which are its history (no delivery lag). */
  subjectEvents(subject: Subject, page: PageRequest): Promise<Page<DomainEvent>> {
    return queryPage<DomainEvent>({
      db: this.store.db,
      tableName: this.store.tableName,
      partition: aggregateKey(subject.kind, subject.id).pk,
      sortPrefix: EVENT_PREFIX,
      page,
    });
  }

  /** One day of the audit feed (written by the audit-feed consumer), in the order the events happened. */
  dayFeed(day: string, page: PageRequest): Promise<Page<DomainEvent>> {
    return queryPage<DomainEvent>({
      db: this.store.db,
      tableName: this.store.tableName,
      partition: auditFeedPartition(day),
      page,
    });
  }
}
