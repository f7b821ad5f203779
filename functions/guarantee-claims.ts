import { eventConsumer } from '../shared/runtime/event-handlers.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { Store } from '../shared/store/toolkit.js';
import { GUARANTEE_CLAIMS } from '../shared/usecases/consumers/guarantee-claims.js';

/** The guarantee-claims rule on the portal's bus → the consumer runner (idempotent on the event id). */
const { db, tableName, logger } = jobDeps();

export const handler = eventConsumer(new Store(db, tableName), GUARANTEE_CLAIMS, (outcome, event) =>
  logger.info('Event consumed', {
    consumer: GUARANTEE_CLAIMS.name,
    outcome,
    eventId: event.id,
    type: event.type,
  }),
);
