/**
 * Webhook subscriptions and their delivery log.
 *   subscription   pk `WEBHOOKS#<tenant>`  sk `HOOK#<id>`                          { id, url, events, secret, createdAt }
 *   delivery       pk `WEBHOOK#<id>`       sk `DELIVERY#<at>#<event id>#<attempt>`  one per attempt
 *   delivered      pk `WEBHOOK#<id>`       sk `DELIVERED#<event id>`               a retry skips what arrived
 * A subscriber's partition is its own tenant's: no id reaches another organisation's subscription.
 */
import type { Page, PageRequest } from './query-page.js';
import { queryPage } from './query-page.js';
import { toResource } from './records.js';
import { ABSENT, ConditionsFailed, PRESENT, type Store } from './toolkit.js';

export interface Subscription {
  id: string;
  tenant: string;
  url: string;
  events: string[];
  secret: string;
  createdAt: string;
}

export interface Delivery {
  eventId: string;
  type: string;
  attempt: number;
  at: string;
  ok: boolean;
  httpStatus?: number;
  error?: string;
}

const subscriptionKey = (tenant: string, id: string) => ({ pk: `WEBHOOKS#${tenant}`, sk: `HOOK#${id}` });
const deliveredKey = (id: string, eventId: string) => ({ pk: `WEBHOOK#${id}`, sk: `DELIVERED#${eventId}` });

export class WebhookRepository {
  constructor(private readonly store: Store) {}

  async create(sub: Subscription): Promise<void> {
    await this.store.write({
      tag: 'hook',
      write: this.store.put({ ...subscriptionKey(sub.tenant, sub.id), entity: 'webhook', ...sub }, ABSENT),
    });
  }

  async list(tenant: string): Promise<Subscription[]> {
    return (await this.store.queryPartition(`WEBHOOKS#${tenant}`, 'HOOK#')).map((i) =>
      toResource<Subscription>(i),
    );
  }

  async get(tenant: string, id: string): Promise<Subscription | undefined> {
    const item = await this.store.get(subscriptionKey(tenant, id));
    return item ? toResource<Subscription>(item) : undefined;
  }

  /** False when the tenant has no such subscription. */
  async delete(tenant: string, id: string): Promise<boolean> {
    try {
      await this.store.write({ tag: 'hook', write: this.store.remove(subscriptionKey(tenant, id), PRESENT) });
      return true;
    } catch (error) {
      // Only "there was none" is an answer; a throttled or failed write is not.
      if (error instanceof ConditionsFailed) return false;
      throw error;
    }
  }

  deliveries(id: string, page: PageRequest): Promise<Page<Delivery>> {
    return queryPage<Delivery>({
      db: this.store.db,
      tableName: this.store.tableName,
      partition: `WEBHOOK#${id}`,
      sortPrefix: 'DELIVERY#',
      newestFirst: true,
      page,
    });
  }

  /** Which of `subscriptions` already received `eventId`. */
  async delivered(subscriptions: readonly Subscription[], eventId: string): Promise<Set<string>> {
    if (subscriptions.length === 0) return new Set();
    const found = await this.store.batchGet(subscriptions.map((s) => deliveredKey(s.id, eventId)));
    return new Set(subscriptions.filter((s) => found.get(deliveredKey(s.id, eventId))).map((s) => s.id));
  }

  /** Logs an attempt, and on success marks the event delivered to the subscription, in one transaction. */
  async record(sub: Subscription, delivery: Delivery): Promise<void> {
    const log = {
      tag: 'log',
      write: this.store.put({
        pk: `WEBHOOK#${sub.id}`,
        sk: `DELIVERY#${delivery.at}#${delivery.eventId}#${delivery.attempt}`,
        entity: 'webhook-delivery',
        ...delivery,
      }),
    };
    await this.store.transact(
      delivery.ok
        ? [
            log,
            {
              tag: 'delivered',
              write: this.store.put({
                ...deliveredKey(sub.id, delivery.eventId),
                entity: 'webhook-delivered',
              }),
            },
          ]
        : [log],
    );
  }
}
