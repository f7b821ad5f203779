/**
 * Inboxes. A notification lives at `N#<at>#<event id>#<type>` in its tenant's partition (newest first by its sort
 * key), with an unread copy at `U#…` until it is read and an `UNREAD` count beside them: the list, the unread list
 * and the header badge are each one Query or GetItem on the caller's own partition.
 */
import type { NotificationDraft } from '../domain/notification.js';
import {
  inboxPartition,
  NOTIFICATION_PREFIX,
  notificationKey,
  UNREAD_PREFIX,
  unreadCountKey,
} from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { ConditionsFailed, PRESENT, type Store, type TxItem } from './toolkit.js';

export interface Notification {
  /** Opaque: the notification's place in its inbox. */
  id: string;
  at: string;
  type: string;
  subject: NotificationDraft['subject'];
  title: string;
  read: boolean;
}

const placeOf = (n: Pick<NotificationDraft, 'at' | 'eventId' | 'type'>) => `${n.at}#${n.eventId}#${n.type}`;
const idOf = (place: string) => Buffer.from(place).toString('base64url');
/** The place an id names, or undefined for anything that is not one (the caller answers 404). */
const placeOfId = (id: string): string | undefined => {
  const place = Buffer.from(id, 'base64url').toString();
  return idOf(place) === id && place.split('#').length === 3 ? place : undefined;
};

export class NotificationRepository {
  constructor(private readonly store: Store) {}

  /** The writes that put each draft in its inbox, unread: one count update per inbox however many it gets. */
  deliver(drafts: readonly NotificationDraft[]): TxItem[] {
    const perInbox = new Map<string, number>();
    for (const d of drafts) perInbox.set(d.tenant, (perInbox.get(d.tenant) ?? 0) + 1);
    return [
      ...drafts.flatMap((d) => {
        const place = placeOf(d);
        const item = { entity: 'notification', ...d, read: false };
        return [
          { tag: 'notification', write: this.store.put({ ...notificationKey(d.tenant, place), ...item }) },
          {
            tag: 'unread',
            write: this.store.put({ ...notificationKey(d.tenant, place, UNREAD_PREFIX), ...item }),
          },
        ];
      }),
      ...[...perInbox].map(([tenant, n]) => ({
        tag: 'count',
        write: this.store.update(unreadCountKey(tenant), { add: { n } }),
      })),
    ];
  }

  /** One page of an inbox (or of its unread notifications), newest first. */
  async list(tenant: string, unread: boolean, page: PageRequest): Promise<Page<Notification>> {
    const found = await queryPage<Record<string, unknown>>({
      db: this.store.db,
      tableName: this.store.tableName,
      partition: inboxPartition(tenant),
      sortPrefix: unread ? UNREAD_PREFIX : NOTIFICATION_PREFIX,
      newestFirst: true,
      page,
    });
    return {
      items: found.items.map((n) => ({
        id: idOf(placeOf(n as unknown as NotificationDraft)),
        at: String(n.at),
        type: String(n.type),
        subject: n.subject as Notification['subject'],
        title: String(n.title),
        read: n.read === true,
      })),
      nextCursor: found.nextCursor,
    };
  }

  async unreadCount(tenant: string): Promise<number> {
    const item = await this.store.get(unreadCountKey(tenant), { consistent: false });
    return Math.max(0, Number(item?.n ?? 0));
  }

  /**
   * Marks one notification read: its unread copy goes, it is flagged read and the count drops, in one transaction;
   * reading one already read changes nothing. `false` when the tenant's inbox holds no such notification.
   */
  async markRead(tenant: string, id: string): Promise<boolean> {
    const place = placeOfId(id);
    if (place === undefined) return false;
    try {
      await this.store.transact([
        { tag: 'unread', write: this.store.remove(notificationKey(tenant, place, UNREAD_PREFIX), PRESENT) },
        {
          tag: 'read',
          write: this.store.update(notificationKey(tenant, place), { set: { read: true } }, PRESENT),
        },
        { tag: 'count', write: this.store.update(unreadCountKey(tenant), { add: { n: -1 } }) },
      ]);
      return true;
    } catch (error) {
      if (!(error instanceof ConditionsFailed)) throw error;
      return (await this.store.get(notificationKey(tenant, place))) !== undefined;
    }
  }
}
