/**
 * The notifier: each event's notifications (domain/notification.ts) into the inboxes of the parties told — the
 * notification, its unread copy and the inbox's unread count, in the consumer's one transaction with its marker,
 * so a redelivered event notifies no one twice.
 */
import { notificationsOf } from '../../domain/notification.js';
import { NotificationRepository } from '../../store/notification-repository.js';
import type { Consumer } from './consumer.js';

export const NOTIFIER: Consumer = {
  name: 'notifier',
  handles: (event) => notificationsOf(event).length > 0,
  effect: (event, store) => new NotificationRepository(store).deliver(notificationsOf(event)),
};
