/**
 * `npm start`'s webhook delivery: the same use case as the deployed delivering function, its retries on timers
 * (10 s, 1 min, 5 min, 30 min) instead of a queue's redelivery. The first attempt is awaited by the stream poller,
 * so an event is never dropped before it was tried; retries pending when the portal stops are lost, which is what a
 * developer's machine can promise.
 */
import type { DomainEvent } from '../domain/domain-event.js';
import type { UseCaseContext } from '../usecases/context.js';
import { deliverWebhooks } from '../usecases/webhooks.js';
import type { TargetPolicy } from './delivery.js';

export const RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000];

export function localWebhookDispatcher(uc: UseCaseContext, policy: TargetPolicy, delaysMs = RETRY_DELAYS_MS) {
  const timers = new Set<NodeJS.Timeout>();
  const attempt = async (event: DomainEvent, n: number): Promise<void> => {
    const { failed } = await deliverWebhooks(uc, event, policy, n).catch(() => ({ failed: 1 }));
    if (failed === 0 || n > delaysMs.length) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        void attempt(event, n + 1);
      },
      delaysMs[n - 1],
    );
    timer.unref();
    timers.add(timer);
  };
  return {
    dispatch: (event: DomainEvent) => attempt(event, 1),
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
