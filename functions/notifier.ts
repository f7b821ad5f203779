import { eventConsumer } from '../shared/runtime/event-handlers.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { Store } from '../shared/store/toolkit.js';
import { NOTIFIER } from '../shared/usecases/consumers/notifier.js';

/** The notifier's rule on the portal's bus → the consumer runner (idempotent on the event id). */
const { db, tableName, logger } = jobDeps();

export const handler = eventConsumer(new Store(db, tableName), NOTIFIER, (outcome, event) =>
  logger.info('Event consumed', { consumer: NOTIFIER.name, outcome, eventId: event.id, type: event.type }),
);
