import { eventConsumer } from '../shared/runtime/event-handlers.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { Store } from '../shared/store/toolkit.js';
import { AUDIT_FEED } from '../shared/usecases/consumers/audit-feed.js';

/** The audit feed's rule on the portal's bus → the consumer runner (idempotent on the event id). */
const { db, tableName, logger } = jobDeps();

export const handler = eventConsumer(new Store(db, tableName), AUDIT_FEED, (outcome, event) =>
  logger.info('Event consumed', { consumer: AUDIT_FEED.name, outcome, eventId: event.id, type: event.type }),
);
