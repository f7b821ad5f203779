/**
 * A party's inbox: the notifications of its organisation (the IP office's clerks share one), newest first, and
 * marking one read. The inbox is the caller's own partition, so no id can reach another party's notification.
 */
import { type Actor, tenantOf } from '../domain/actor.js';
import { notFound } from '../domain/errors.js';
import { OFFICE_TENANT } from '../domain/notification.js';
import { type Notification, NotificationRepository } from '../store/notification-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import type { UseCaseContext } from './context.js';

/** The caller's organisation's inbox (the IP office's clerks share one). */
export const inboxOf = (actor: Actor): string =>
  // Stryker disable next-line ConditionalExpression,StringLiteral: a clerk has no organisation, and tenantOf gives it the same `ipoffice:-`; the office's inbox is named so that it does not rest on that
  actor.role === 'ipoffice' ? OFFICE_TENANT : tenantOf(actor);

export async function listNotifications(
  uc: UseCaseContext,
  actor: Actor,
  query: { unread: boolean } & PageRequest,
): Promise<Page<Notification> & { unread: number }> {
  const repo = new NotificationRepository(uc.store);
  const tenant = inboxOf(actor);
  const [page, unread] = await Promise.all([
    repo.list(tenant, query.unread, { limit: query.limit, cursor: query.cursor }),
    repo.unreadCount(tenant),
  ]);
  return { ...page, unread };
}

export async function markNotificationRead(uc: UseCaseContext, actor: Actor, id: string): Promise<void> {
  if (!(await new NotificationRepository(uc.store).markRead(inboxOf(actor), id)))
    throw notFound(`Notification ${id}`);
}
