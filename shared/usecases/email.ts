/**
 * E-mail for the people who want it: a user opts in with an address (`PUT /notifications/email`), and every
 * notification of its organisation's inbox (domain/notification.ts) is then also mailed to it — deployed through
 * Amazon SES, locally into `${DATA_DIR}/outbox.jsonl`. At least once: what was sent is marked, so a redelivered event
 * mails no one twice.
 */
import type { Actor } from '../domain/actor.js';
import type { DomainEvent } from '../domain/domain-event.js';
import { notFound } from '../domain/errors.js';
import { type NotificationDraft, notificationsOf } from '../domain/notification.js';
import { type EmailOptIn, EmailRepository } from '../store/email-repository.js';
import type { UseCaseContext } from './context.js';
import { inboxOf } from './notifications.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}
export type SendMail = (mail: Mail) => Promise<void>;

/** The user behind a request: its token's subject. */
const userOf = (actor: Actor): string => actor.sub ?? actor.role;

export async function optInToEmail(uc: UseCaseContext, actor: Actor, email: string): Promise<EmailOptIn> {
  const optIn = { sub: userOf(actor), email, optedInAt: uc.clock.now().toISOString() };
  await new EmailRepository(uc.store).optIn(inboxOf(actor), optIn);
  return optIn;
}

export async function emailOptIn(uc: UseCaseContext, actor: Actor): Promise<EmailOptIn> {
  const found = await new EmailRepository(uc.store).get(inboxOf(actor), userOf(actor));
  if (!found) throw notFound('An e-mail opt-in of yours');
  return found;
}

export async function optOutOfEmail(uc: UseCaseContext, actor: Actor): Promise<void> {
  if (!(await new EmailRepository(uc.store).optOut(inboxOf(actor), userOf(actor))))
    throw notFound('An e-mail opt-in of yours');
}

/** The mail of one notification: its title in the reader's terms, and where to read more. */
const mailOf = (to: string, n: NotificationDraft): Mail => ({
  to,
  subject: `知识产权金融服务平台 · ${n.title}`,
  text: `${n.title}\n(${n.type}, ${n.subject.kind} ${n.subject.id}, ${n.at})\n\n请登录平台查看详情 / Sign in to the portal for the details.`,
});

/** Mails `event`'s notifications to every opted-in user of each told inbox; answers how many mails went out. */
export async function mailNotifications(
  uc: UseCaseContext,
  event: DomainEvent,
  send: SendMail,
): Promise<number> {
  const repo = new EmailRepository(uc.store);
  let sent = 0;
  for (const n of notificationsOf(event))
    for (const user of await repo.optedIn(n.tenant)) {
      if (await repo.wasMailed(n.tenant, event.id, n.type, user.sub)) continue;
      await send(mailOf(user.email, n));
      await repo.markMailed(n.tenant, event.id, n.type, user.sub, uc.clock.now().toISOString());
      sent++;
    }
  return sent;
}
