import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { fixedClock } from '../../shared/domain/clock.js';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { auditEntryKey, consumedKey } from '../../shared/store/keys.js';
import { ConditionsFailed, type Store } from '../../shared/store/toolkit.js';
import { AUDIT_FEED } from '../../shared/usecases/consumers/audit-feed.js';
import { type Consumer, consume, deliver } from '../../shared/usecases/consumers/consumer.js';
import { GUARANTEE_CLAIMS } from '../../shared/usecases/consumers/guarantee-claims.js';
import { NOTIFIER } from '../../shared/usecases/consumers/notifier.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import {
  emailOptIn,
  type Mail,
  mailNotifications,
  optInToEmail,
  optOutOfEmail,
} from '../../shared/usecases/email.js';
import { listEvents } from '../../shared/usecases/events.js';
import { inboxOf, listNotifications, markNotificationRead } from '../../shared/usecases/notifications.js';
import {
  createWebhook,
  deleteWebhook,
  deliverWebhooks,
  listDeliveries,
  listWebhooks,
} from '../../shared/usecases/webhooks.js';
import { interleavingClient, WRITE_COMMANDS } from '../support/interleave.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedItem } from '../support/stored-items.js';
import { type Received, webhookReceiver } from '../support/webhook-receiver.js';

/**
 * The event side of the use-case layer called directly on one portal: consuming exactly once (the marker whole), the
 * audit feed, which events the guarantee-claims consumer takes, reading events, inboxes, e-mail and webhooks (to a
 * receiver on loopback, its signature checked here by hand). The flows behind them are in events, notifications,
 * webhooks and guarantees tests.
 */
const COMPANY = '91330782MA2F000010';
const BANK = 'ev-bank';
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'clerk' };
const company: Actor = { role: 'enterprise', org: COMPANY, sub: 'cfo' };
const bank: Actor = { role: 'lender', org: BANK, sub: 'officer' };
const NOW = new Date('2026-12-04T17:30:00.000Z'); // 5 December in Shanghai

let serial = 0;
const anEvent = (over: Partial<DomainEvent> = {}): DomainEvent => {
  const id = `p-ev-${++serial}`;
  return {
    id: `pledge:${id}:2`,
    type: 'pledge.approved',
    subject: { kind: 'pledge', id },
    version: 2,
    at: NOW.toISOString(),
    actor: bank,
    data: {},
    audience: [`enterprise:${COMPANY}`, `lender:${BANK}`],
    action: 'approve',
    from: 'submitted',
    to: 'approved',
    ...over,
  };
};

describe('event use cases', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;
  let store: Store;

  beforeAll(async () => {
    portal = await createTestPortal({ clock: fixedClock(NOW) });
    uc = useCaseContext(portal.deps);
    store = uc.store;
  });

  describe('consume', () => {
    const written: string[] = [];
    const recorder: Consumer = {
      name: 'recorder',
      handles: (e) => e.type !== 'policy.issued',
      effect: (e) => {
        written.push(e.id);
        return [];
      },
    };

    it('applies an event once: its marker holds the consumer, the event and a TTL 35 days after the event', async () => {
      const e = anEvent();
      expect(await consume(store, recorder, e)).toBe('applied');
      const key = consumedKey('recorder', e.id);
      expect(await storedItem(portal, key.pk, key.sk)).toEqual({
        ...key,
        entity: 'consumed',
        consumer: 'recorder',
        eventId: e.id,
        ttl: Math.floor(NOW.getTime() / 1000) + 35 * 24 * 3600,
      });
      expect(await consume(store, recorder, e)).toBe('duplicate');
      expect(written.filter((id) => id === e.id)).toHaveLength(2);
    });

    it('ignores what the consumer does not handle, writing no marker', async () => {
      const e = anEvent({ type: 'policy.issued' });
      expect(await consume(store, recorder, e)).toBe('ignored');
      const key = consumedKey('recorder', e.id);
      expect(await storedItem(portal, key.pk, key.sk)).toBeUndefined();
    });

    it("a failed condition of the consumer's own writes goes up, and no marker is written", async () => {
      const guarded: Consumer = {
        name: 'guarded',
        handles: () => true,
        effect: (e, s) => [
          {
            tag: 'own',
            write: s.put({ pk: `GUARD#${e.id}`, sk: 'X' }, { expression: 'attribute_exists(pk)' }),
          },
        ],
      };
      const e = anEvent();
      const thrown = await consume(store, guarded, e).catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(ConditionsFailed);
      const key = consumedKey('guarded', e.id);
      expect(await storedItem(portal, key.pk, key.sk)).toBeUndefined();
    });

    it('a store fault goes up unchanged', async () => {
      const interleaving = interleavingClient(WRITE_COMMANDS);
      const faulty = useCaseContext({ ...portal.deps, db: interleaving.db });
      const fault = new Error('network');
      interleaving.beforeNext(async () => {
        throw fault;
      });
      expect(await consume(faulty.store, recorder, anEvent()).catch((error: unknown) => error)).toBe(fault);
    });

    it('deliver hands the event to each consumer in turn, answering each outcome; the first failure stops it', async () => {
      const e = anEvent({ type: 'pledge.submitted' });
      expect(await deliver(store, [recorder, AUDIT_FEED], e)).toEqual({
        recorder: 'applied',
        'audit-feed': 'applied',
      });
      expect(await deliver(store, [recorder, AUDIT_FEED], e)).toEqual({
        recorder: 'duplicate',
        'audit-feed': 'duplicate',
      });
      const failing: Consumer = {
        name: 'failing',
        handles: () => true,
        effect: () => {
          throw new Error('down');
        },
      };
      const next = anEvent();
      await expect(deliver(store, [failing, recorder], next)).rejects.toThrow('down');
      const key = consumedKey('recorder', next.id);
      expect(await storedItem(portal, key.pk, key.sk)).toBeUndefined();
    });
  });

  describe('the audit feed and reading events', () => {
    it("copies every event into its Shanghai day's partition, in time order", async () => {
      const e = anEvent({ type: 'policy.issued' });
      expect(AUDIT_FEED.handles(e)).toBe(true);
      expect(await consume(store, AUDIT_FEED, e)).toBe('applied');
      const key = auditEntryKey('2026-12-05', e.at, e.id);
      expect(await storedItem(portal, key.pk, key.sk)).toEqual({ ...key, entity: 'audit-entry', ...e });
    });

    it("a day's feed: the office reads all of it, a party only its own; today is the clock's", async () => {
      const mine = anEvent({ at: '2026-11-30T02:00:00.000Z' });
      const others = anEvent({ at: '2026-11-30T03:00:00.000Z', audience: ['enterprise:91330782MA2F000029'] });
      for (const e of [mine, others]) await consume(store, AUDIT_FEED, e);
      const page = { limit: 50 };
      const ids = async (a: Actor, day?: string) =>
        (await listEvents(uc, a, { day }, page)).items.map((e) => e.id);
      expect(await ids(OFFICE, '2026-11-30')).toEqual([mine.id, others.id]);
      expect(await ids(company, '2026-11-30')).toEqual([mine.id]);
      expect(await ids(bank, '2026-11-30')).toEqual([mine.id]);
      expect(await ids({ role: 'insurer', org: 'ev-ins' }, '2026-11-30')).toEqual([]);
      const today = anEvent();
      await consume(store, AUDIT_FEED, today);
      expect(await ids(OFFICE)).toContain(today.id);
      expect(await ids(OFFICE)).not.toContain(mine.id);
    });

    it("a subject's events for those in their audience; for others the subject is not found", async () => {
      const e = anEvent();
      await store.write(uc.engine.eventWrite(e));
      const page = { limit: 50 };
      expect((await listEvents(uc, company, { subject: e.subject }, page)).items.map((x) => x.id)).toEqual([
        e.id,
      ]);
      expect((await listEvents(uc, OFFICE, { subject: e.subject }, page)).items).toHaveLength(1);
      for (const [who, subject] of [
        [{ role: 'lender', org: 'ev-other-bank' } as Actor, e.subject],
        [OFFICE, { kind: 'pledge' as const, id: 'no-such-pledge' }],
      ] as const) {
        const refused = await refusal(listEvents(uc, who, { subject }, page));
        expect([refused.kind, refused.message]).toEqual([
          'not_found',
          `Subject pledge:${subject.id} was not found.`,
        ]);
      }
    });

    it("pages a subject's events: a page past the last is empty, a page of others' events is still not found", async () => {
      const first = anEvent();
      const second = { ...first, id: first.id.replace(/:2$/, ':3'), version: 3, action: 'register' };
      for (const e of [first, second]) await store.write(uc.engine.eventWrite(e));
      const one = await listEvents(uc, company, { subject: first.subject }, { limit: 1 });
      expect(one.items.map((e) => e.id)).toEqual([first.id]);
      const two = await listEvents(
        uc,
        company,
        { subject: first.subject },
        { limit: 1, cursor: one.nextCursor! },
      );
      expect(two.items.map((e) => e.id)).toEqual([second.id]);
      // DynamoDB ends a full page with a cursor even when nothing follows.
      const past = await listEvents(
        uc,
        company,
        { subject: first.subject },
        { limit: 1, cursor: two.nextCursor! },
      );
      expect(past.items).toEqual([]);
      const stranger: Actor = { role: 'lender', org: 'ev-other-bank' };
      const refused = await refusal(
        listEvents(uc, stranger, { subject: first.subject }, { limit: 1, cursor: one.nextCursor! }),
      );
      expect([refused.kind, refused.message]).toEqual([
        'not_found',
        `Subject pledge:${first.subject.id} was not found.`,
      ]);
    });
  });

  describe('the guarantee-claims consumer', () => {
    it('takes a default with its date, and a disposal whose loss the insurer shares', () => {
      const cases: [Partial<DomainEvent>, boolean][] = [
        [{ type: 'pledge.defaulted', data: { defaultedOn: '2026-12-01' } }, true],
        [{ type: 'pledge.defaulted', data: {} }, false],
        [{ type: 'pledge.defaulted', data: { defaultedOn: 20261201 } }, false],
        [{ type: 'pledge.disposed', data: { lossSharing: { insurerFen: 0 } } }, true],
        [{ type: 'pledge.disposed', data: { lossSharing: { insurerFen: 5_000 } } }, true],
        [{ type: 'pledge.disposed', data: { lossSharing: { insurerFen: '5000' } } }, false],
        [{ type: 'pledge.disposed', data: { lossSharing: {} } }, false],
        [{ type: 'pledge.disposed', data: {} }, false],
        [
          { type: 'pledge.released', data: { defaultedOn: '2026-12-01', lossSharing: { insurerFen: 1 } } },
          false,
        ],
      ];
      expect(cases.map(([over]) => GUARANTEE_CLAIMS.handles(anEvent(over)))).toEqual(
        cases.map(([, want]) => want),
      );
    });

    it('for a pledge with no guarantee, either event writes nothing but its marker', async () => {
      for (const data of [{ defaultedOn: '2026-12-01' }, { lossSharing: { insurerFen: 100 } }]) {
        const e = anEvent({ type: data.defaultedOn ? 'pledge.defaulted' : 'pledge.disposed', data });
        expect(await GUARANTEE_CLAIMS.effect(e, store)).toEqual([]);
        expect(await consume(store, GUARANTEE_CLAIMS, e)).toBe('applied');
      }
    });
  });

  describe('inboxes and e-mail', () => {
    it("the office's clerks share one inbox; anyone else reads its organisation's", () => {
      expect(inboxOf(OFFICE)).toBe('ipoffice:-');
      expect(inboxOf(company)).toBe(`enterprise:${COMPANY}`);
      expect(inboxOf(bank)).toBe(`lender:${BANK}`);
    });

    it('an inbox lists its notifications with the unread count; marking one read, or an unknown one', async () => {
      const e = anEvent({ type: 'pledge.registered' });
      expect(await consume(store, NOTIFIER, e)).toBe('applied');
      expect(await consume(store, NOTIFIER, anEvent({ type: 'pledge.registered' }))).toBe('applied');
      expect(NOTIFIER.handles(anEvent({ type: 'pledge.serviced', data: {} }))).toBe(false);
      const inbox = await listNotifications(uc, bank, { unread: true, limit: 10 });
      expect(inbox.unread).toBeGreaterThan(0);
      const mine = inbox.items.find((n) => n.subject.id === e.subject.id)!;
      expect(mine.type).toBe('pledge.registered');
      await markNotificationRead(uc, bank, mine.id);
      const after = await listNotifications(uc, bank, { unread: true, limit: 10 });
      expect([after.unread, after.items.some((n) => n.id === mine.id)]).toEqual([inbox.unread - 1, false]);
      const pages = [await listNotifications(uc, bank, { unread: false, limit: 1 })];
      pages.push(
        await listNotifications(uc, bank, { unread: false, limit: 1, cursor: pages[0]!.nextCursor! }),
      );
      expect(pages.map((p) => p.items.length)).toEqual([1, 1]);
      expect(pages[0]!.items[0]!.id).not.toBe(pages[1]!.items[0]!.id);
      const refused = await refusal(markNotificationRead(uc, bank, 'no-such-notification'));
      expect([refused.kind, refused.message]).toEqual([
        'not_found',
        'Notification no-such-notification was not found.',
      ]);
    });

    it('mails each opted-in user of each told inbox once, with the title and where to read more', async () => {
      const sent: Mail[] = [];
      const send = async (m: Mail) => void sent.push(m);
      const optIn = await optInToEmail(uc, company, 'cfo@example.cn');
      expect(optIn).toEqual({ sub: 'cfo', email: 'cfo@example.cn', optedInAt: NOW.toISOString() });
      expect(await emailOptIn(uc, company)).toEqual(optIn);
      const jobLike: Actor = { role: 'lender', org: BANK };
      expect(await optInToEmail(uc, jobLike, 'desk@bank.cn')).toEqual({
        sub: 'lender',
        email: 'desk@bank.cn',
        optedInAt: NOW.toISOString(),
      });
      const e = anEvent({ type: 'pledge.registered' });
      expect(await mailNotifications(uc, e, send)).toBe(2);
      expect(sent).toEqual([
        {
          to: 'cfo@example.cn',
          subject: '知识产权金融服务平台 · The pledge was registered',
          text: `The pledge was registered\n(pledge.registered, pledge ${e.subject.id}, ${e.at})\n\n请登录平台查看详情 / Sign in to the portal for the details.`,
        },
        expect.objectContaining({ to: 'desk@bank.cn' }),
      ]);
      expect(await mailNotifications(uc, e, send)).toBe(0);
      expect(sent).toHaveLength(2);

      await optOutOfEmail(uc, company);
      for (const step of [() => emailOptIn(uc, company), () => optOutOfEmail(uc, company)]) {
        const refused = await refusal(step());
        expect([refused.kind, refused.message]).toEqual([
          'not_found',
          'An e-mail opt-in of yours was not found.',
        ]);
      }
      await optOutOfEmail(uc, jobLike);
    });
  });

  describe('webhooks', () => {
    let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
    let url: string;
    let received: Received[];
    let status = 204;

    beforeAll(async () => {
      receiver = await webhookReceiver(() => status);
      ({ url, received } = receiver);
    });
    afterAll(() => receiver.close());

    it('refuses a bad URL and bad patterns together, the URL first', async () => {
      const refused = await refusal(createWebhook(uc, bank, { url: 'not a url', events: ['nope'] }, 'any'));
      expect(refused.message).toBe('The webhook was refused.');
      const errors = refused.extra.errors as { path: string; code: string }[];
      expect(errors[0]).toEqual({
        path: 'url',
        code: 'webhook_url_invalid',
        message: 'is not an absolute URL',
      });
      expect(errors.length).toBeGreaterThan(1);
      expect(await listWebhooks(uc, bank)).toEqual([]);
    });

    it('subscribes with a shown-once secret; lists without secret or tenant; deletes only its own', async () => {
      const made = await createWebhook(uc, bank, { url, events: ['pledge.*', 'pledge.*'] }, 'any');
      expect(made).toEqual({
        id: made.id,
        url,
        events: ['pledge.*'],
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
        createdAt: NOW.toISOString(),
      });
      expect(await listWebhooks(uc, bank)).toEqual([
        { id: made.id, url, events: ['pledge.*'], createdAt: NOW.toISOString() },
      ]);
      const other: Actor = { role: 'lender', org: 'ev-other-bank' };
      for (const step of [
        () => deleteWebhook(uc, other, made.id),
        () => listDeliveries(uc, other, made.id, { limit: 10 }),
      ]) {
        const refused = await refusal(step());
        expect([refused.kind, refused.message]).toEqual(['not_found', `Webhook ${made.id} was not found.`]);
      }
      await deleteWebhook(uc, bank, made.id);
      expect(await listWebhooks(uc, bank)).toEqual([]);
    });

    it('delivers a signed event to the subscribers in its audience that asked for its type, once each', async () => {
      const sub = await createWebhook(uc, bank, { url, events: ['pledge.approved'] }, 'any');
      const notAsked = await createWebhook(uc, bank, { url: `${url}/claims`, events: ['claim.*'] }, 'any');
      // A company's tenant in the audience never reaches a webhook, even one stored under it.
      await createWebhook(uc, company, { url: `${url}/company`, events: ['pledge.*'] }, 'any');
      received.length = 0;
      const e = anEvent();
      expect(await deliverWebhooks(uc, e, 'any')).toEqual({ delivered: 1, failed: 0 });
      expect(received.map((r) => r.headers['webhook-id'])).toEqual([e.id]);
      const [got] = received;
      const timestamp = Math.floor(NOW.getTime() / 1000);
      expect(got!.headers['webhook-timestamp']).toBe(String(timestamp));
      const key = Buffer.from(sub.secret.replace(/^whsec_/, ''), 'base64');
      const signature = createHmac('sha256', key)
        .update(`${e.id}.${timestamp}.${got!.body}`)
        .digest('base64');
      expect(got!.headers['webhook-signature']).toBe(`v1,${signature}`);
      expect(JSON.parse(got!.body)).toEqual({ type: e.type, timestamp: NOW.toISOString(), data: e });

      expect(await deliverWebhooks(uc, e, 'any', 2)).toEqual({ delivered: 0, failed: 0 });
      expect(received).toHaveLength(1);
      const log = await listDeliveries(uc, bank, sub.id, { limit: 10 });
      expect(log.items).toEqual([
        { eventId: e.id, type: e.type, attempt: 1, at: NOW.toISOString(), ok: true, httpStatus: 204 },
      ]);
      expect((await listDeliveries(uc, bank, notAsked.id, { limit: 10 })).items).toEqual([]);
      for (const w of [sub, notAsked]) await deleteWebhook(uc, bank, w.id);
    });

    it('a refused delivery is logged with its status and tried again on the next attempt; an unreachable one with its error', async () => {
      const sub = await createWebhook(uc, bank, { url, events: ['pledge.*'] }, 'any');
      const e = anEvent();
      status = 503;
      expect(await deliverWebhooks(uc, e, 'any')).toEqual({ delivered: 0, failed: 1 });
      status = 204;
      expect(await deliverWebhooks(uc, e, 'any', 2)).toEqual({ delivered: 1, failed: 0 });
      const log = await listDeliveries(uc, bank, sub.id, { limit: 10 });
      expect(log.items.map((d) => [d.attempt, d.ok, d.httpStatus, d.error])).toEqual([
        [2, true, 204, undefined],
        [1, false, 503, undefined],
      ]);
      await deleteWebhook(uc, bank, sub.id);

      const closed = await createWebhook(
        uc,
        bank,
        { url: 'http://127.0.0.1:1/hooks', events: ['pledge.*'] },
        'any',
      );
      const next = anEvent();
      expect(await deliverWebhooks(uc, next, 'any')).toEqual({ delivered: 0, failed: 1 });
      const [failure] = (await listDeliveries(uc, bank, closed.id, { limit: 10 })).items;
      expect([failure!.ok, failure!.httpStatus, typeof failure!.error]).toEqual([false, undefined, 'string']);
      expect(failure!.error!.length).toBeGreaterThan(0);
      expect(failure!.error!.length).toBeLessThanOrEqual(300);
      // Refused by the target policy at delivery: the reason is the error.
      expect(await deliverWebhooks(uc, anEvent(), 'public-only')).toEqual({ delivered: 0, failed: 1 });
      await deleteWebhook(uc, bank, closed.id);

      // A reason is kept to its first 300 characters: a 373-character host name does not resolve.
      const host = [...Array(6).fill('x'.repeat(60)), 'invalid'].join('.');
      const long = await createWebhook(
        uc,
        bank,
        { url: `https://${host}/hooks`, events: ['pledge.*'] },
        'any',
      );
      expect(await deliverWebhooks(uc, anEvent(), 'public-only')).toEqual({ delivered: 0, failed: 1 });
      const [kept] = (await listDeliveries(uc, bank, long.id, { limit: 10 })).items;
      expect(kept!.error).toBe(`${host} does not resolve`.slice(0, 300));
      await deleteWebhook(uc, bank, long.id);
    });

    it("reaches an insurer's subscription as a bank's: insurers in the audience are subscribers", async () => {
      const insurer: Actor = { role: 'insurer', org: 'ev-insurer' };
      const sub = await createWebhook(uc, insurer, { url, events: ['claim.*'] }, 'any');
      received.length = 0;
      const e = anEvent({ type: 'claim.filed', audience: [`enterprise:${COMPANY}`, 'insurer:ev-insurer'] });
      expect(await deliverWebhooks(uc, e, 'any')).toEqual({ delivered: 1, failed: 0 });
      expect(received.map((r) => r.headers['webhook-id'])).toEqual([e.id]);
      await deleteWebhook(uc, insurer, sub.id);
    });
  });
});
