/**
 * The audit feed: every domain event, copied into its day's partition (`AUDIT#<yyyy-mm-dd>`, the Asia/Shanghai day of
 * the event), ordered by time. The IP office reads a day at `GET /events?day=`.
 */
import { todayInShanghai } from '../../domain/dates.js';
import type { DomainEvent } from '../../domain/domain-event.js';
import { auditEntryKey } from '../../store/keys.js';
import type { Consumer } from './consumer.js';

export const auditDayOf = (event: Pick<DomainEvent, 'at'>): string => todayInShanghai(new Date(event.at));

export const AUDIT_FEED: Consumer = {
  name: 'audit-feed',
  handles: () => true,
  effect: (event, store) => [
    {
      // Stryker disable next-line StringLiteral: an unconditional put never fails, so its tag is never reported
      tag: 'audit',
      write: store.put({
        ...auditEntryKey(auditDayOf(event), event.at, event.id),
        entity: 'audit-entry',
        ...event,
      }),
    },
  ],
};
