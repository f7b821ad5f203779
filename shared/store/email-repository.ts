/**
 * E-mail opt-ins and what was mailed, in the inbox's partition:
 *   opt-in   pk `INBOX#<tenant>`  sk `EMAIL#<user sub>`                     { sub, email, optedInAt }
 *   mailed   pk `INBOX#<tenant>`  sk `MAILED#<event id>#<type>#<user sub>`  a redelivered event mails no one twice
 */
import { inboxPartition } from './keys.js';
import { toResource } from './records.js';
import { ConditionsFailed, PRESENT, type Store } from './toolkit.js';

export interface EmailOptIn {
  sub: string;
  email: string;
  optedInAt: string;
}

const optInKey = (tenant: string, sub: string) => ({ pk: inboxPartition(tenant), sk: `EMAIL#${sub}` });
const mailedKey = (tenant: string, eventId: string, type: string, sub: string) => ({
  pk: inboxPartition(tenant),
  sk: `MAILED#${eventId}#${type}#${sub}`,
});

export class EmailRepository {
  constructor(private readonly store: Store) {}

  async optIn(tenant: string, optIn: EmailOptIn): Promise<void> {
    await this.store.write({
      tag: 'email',
      write: this.store.put({ ...optInKey(tenant, optIn.sub), entity: 'email-opt-in', ...optIn }),
    });
  }

  /** False when the user had not opted in. */
  async optOut(tenant: string, sub: string): Promise<boolean> {
    try {
      await this.store.write({ tag: 'email', write: this.store.remove(optInKey(tenant, sub), PRESENT) });
      return true;
    } catch (error) {
      // Only "there was none" is an answer; a throttled or failed write is not.
      if (error instanceof ConditionsFailed) return false;
      throw error;
    }
  }

  async get(tenant: string, sub: string): Promise<EmailOptIn | undefined> {
    const item = await this.store.get(optInKey(tenant, sub));
    return item ? toResource<EmailOptIn>(item) : undefined;
  }

  async optedIn(tenant: string): Promise<EmailOptIn[]> {
    return (await this.store.queryPartition(inboxPartition(tenant), 'EMAIL#')).map((i) =>
      toResource<EmailOptIn>(i),
    );
  }

  async wasMailed(tenant: string, eventId: string, type: string, sub: string): Promise<boolean> {
    return (await this.store.get(mailedKey(tenant, eventId, type, sub))) !== undefined;
  }

  async markMailed(tenant: string, eventId: string, type: string, sub: string, at: string): Promise<void> {
    await this.store.write({
      tag: 'mailed',
      write: this.store.put({ ...mailedKey(tenant, eventId, type, sub), entity: 'email-sent', at }),
    });
  }
}
