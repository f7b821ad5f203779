/**
 * The two Lambda adapters of deployed event delivery:
 *   table stream → (event-source mapping, filtered to event items) → `streamPublisher` → PutEvents on the bus
 *   bus → (one rule per consumer) → `eventConsumer` → the same `consume` runner the local poller feeds.
 * Both may see an event twice (a retried batch, an EventBridge retry); `consume` makes that harmless.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, EventBridgeEvent } from 'aws-lambda';
import type { DomainEvent } from '../domain/domain-event.js';
import { eventOfRecord, type StreamImage } from '../store/stream-records.js';
import type { Store } from '../store/toolkit.js';
import { type Consumer, type Consumption, consume } from '../usecases/consumers/consumer.js';
import { indexChanges } from '../usecases/search.js';
import { EVENT_SOURCE } from './event-bus.js';

/** PutEvents takes at most 10 entries per request. */
const PUT_EVENTS_LIMIT = 10;

/**
 * Publishes a batch of stream records in stream order. Lambda resumes a stream from the first failed record and
 * re-sends everything after it, so the first record not published and every later one are reported as failed and
 * nothing after the first failure is sent (it would only be sent twice).
 */
export function streamPublisher(
  client: EventBridgeClient,
  busName: string,
  /** Told of the events the bus accepted, once each (the business metrics, shared/runtime/business-metrics.ts). */
  onPublished: (events: DomainEvent[]) => void = () => {},
) {
  return async (batch: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const pending = batch.Records.flatMap((record) => {
      const event = eventOfRecord(record as { eventName?: string; dynamodb?: { NewImage?: StreamImage } });
      return event ? [{ sequence: record.dynamodb?.SequenceNumber ?? '', event }] : [];
    });
    for (let i = 0; i < pending.length; i += PUT_EVENTS_LIMIT) {
      const chunk = pending.slice(i, i + PUT_EVENTS_LIMIT);
      let failedAt: number;
      try {
        const out = await client.send(
          new PutEventsCommand({ Entries: chunk.map((p) => entryOf(p.event, busName)) }),
        );
        failedAt = (out.FailedEntryCount ?? 0) > 0 ? (out.Entries ?? []).findIndex((e) => e.ErrorCode) : -1;
      } catch {
        failedAt = 0;
      }
      onPublished(chunk.slice(0, failedAt >= 0 ? failedAt : chunk.length).map((p) => p.event));
      if (failedAt >= 0)
        return {
          batchItemFailures: pending.slice(i + failedAt).map((p) => ({ itemIdentifier: p.sequence })),
        };
    }
    return { batchItemFailures: [] };
  };
}

const entryOf = (event: DomainEvent, busName: string): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: EVENT_SOURCE,
  DetailType: event.type,
  Detail: JSON.stringify(event),
  Time: new Date(event.at),
});

/** One consumer's Lambda. A throw makes Lambda retry the invocation (bounded) and then dead-letter it. */
export function eventConsumer(
  store: Store,
  consumer: Consumer,
  log: (outcome: Consumption, event: Pick<DomainEvent, 'id' | 'type'>) => void = () => {},
) {
  return async (delivery: EventBridgeEvent<string, DomainEvent>): Promise<Consumption> => {
    const outcome = await consume(store, consumer, delivery.detail);
    log(outcome, { id: delivery.detail.id, type: delivery.detail.type });
    return outcome;
  };
}

/**
 * The search indexer's Lambda: the table stream's records of enterprises, rights and pledges (the mapping's filter)
 * → `indexChanges`, in stream order. A failed record and every later one are reported (Lambda resumes there); the
 * indexer re-derives from the stored record, so a record indexed twice changes nothing.
 */
export function searchIndexer(store: Store) {
  return async (batch: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = batch.Records;
    for (const [i, record] of records.entries()) {
      try {
        await indexChanges(store, [record as Parameters<typeof indexChanges>[1][number]]);
      } catch {
        return {
          batchItemFailures: records
            .slice(i)
            .map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })),
        };
      }
    }
    return { batchItemFailures: [] };
  };
}
