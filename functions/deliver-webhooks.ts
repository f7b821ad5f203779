import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../shared/domain/clock.js';
import type { DomainEvent } from '../shared/domain/domain-event.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { deliverWebhooks } from '../shared/usecases/webhooks.js';

/**
 * The webhook queue's consumer: each message is a domain event from the bus (`detail`). A message some subscriber
 * did not accept is reported failed, so the queue delivers it again after its visibility timeout — and only that
 * subscriber is tried again (the others are marked delivered). Targets must resolve to public addresses.
 */
const { logger, ...deps } = jobDeps();
const uc = useCaseContext({ ...deps, clock: systemClock(), newId: randomUUID });

export const handler = async (batch: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of batch.Records) {
    try {
      const event = (JSON.parse(record.body) as { detail: DomainEvent }).detail;
      const attempt = Number(record.attributes.ApproximateReceiveCount ?? 1);
      const outcome = await deliverWebhooks(uc, event, 'public-only', attempt);
      logger.info('Webhooks delivered', { eventId: event.id, attempt, ...outcome });
      if (outcome.failed > 0) batchItemFailures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      logger.error('Webhook delivery failed', { messageId: record.messageId, error: String(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
