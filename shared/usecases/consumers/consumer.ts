/**
 * Consumers of domain events (the audit feed now; notifications and webhooks later). Every delivery path — the stream
 * poller locally, the EventBridge rule's Lambda deployed — hands each event to `consume`, and any of them may hand
 * over the same event more than once. `consume` applies it to a consumer exactly once: the consumer's writes and a
 * `CONSUMED#<consumer>#<event id>` marker in ONE transaction, so a redelivery finds the marker and changes nothing.
 */
import type { DomainEvent } from '../../domain/domain-event.js';
import { consumedKey } from '../../store/keys.js';
import { ABSENT, ConditionsFailed, type Store, type TxItem } from '../../store/toolkit.js';

export interface Consumer {
  /** Part of the marker key: renaming a consumer re-applies every event still being delivered. */
  name: string;
  handles(event: DomainEvent): boolean;
  /**
   * The writes the event brings, at most 99 items: a function of the event alone, so a retry writes the same — or,
   * for a consumer that runs use cases of its own (each idempotent by itself), what it did, with no writes.
   */
  effect(event: DomainEvent, store: Store): TxItem[] | Promise<TxItem[]>;
}

export type Consumption = 'applied' | 'duplicate' | 'ignored';

/**
 * Markers outlive every redelivery window (stream retention 24 h, EventBridge and Lambda retries, a dead-letter queue
 * redriven within its 14 days), then DynamoDB's TTL removes them.
 */
const MARKER_RETENTION_S = 35 * 24 * 3600;
const MARKER_TAG = 'consumed';

export async function consume(store: Store, consumer: Consumer, event: DomainEvent): Promise<Consumption> {
  if (!consumer.handles(event)) return 'ignored';
  const marker: TxItem = {
    tag: MARKER_TAG,
    write: store.put(
      {
        ...consumedKey(consumer.name, event.id),
        entity: 'consumed',
        consumer: consumer.name,
        eventId: event.id,
        ttl: Math.floor(Date.parse(event.at) / 1000) + MARKER_RETENTION_S,
      },
      ABSENT,
    ),
  };
  try {
    await store.transact([...(await consumer.effect(event, store)), marker]);
    return 'applied';
  } catch (error) {
    if (error instanceof ConditionsFailed && error.has(MARKER_TAG)) return 'duplicate';
    throw error;
  }
}

/** Hands one event to each consumer in turn; the first failure stops it (a retry skips those already done). */
export async function deliver(
  store: Store,
  consumers: readonly Consumer[],
  event: DomainEvent,
): Promise<Record<string, Consumption>> {
  const outcome: Record<string, Consumption> = {};
  for (const consumer of consumers) outcome[consumer.name] = await consume(store, consumer, event);
  return outcome;
}
