import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { movableClock } from '../../shared/domain/clock.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { StreamPoller } from '../../shared/local/stream-poller.js';
import { Store } from '../../shared/store/toolkit.js';
import { deliver } from '../../shared/usecases/consumers/consumer.js';
import { CONSUMERS } from '../../shared/usecases/consumers/index.js';
import { NOTIFIER } from '../../shared/usecases/consumers/notifier.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { type Mail, mailNotifications } from '../../shared/usecases/email.js';
import { serviceLoans } from '../../shared/usecases/loans.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * Notifications over the real delivery path: transitions through the app write their events, the stream poller
 * hands them to the consumers (as `npm start` does), the notifier fills each party's inbox, and each party reads
 * only its own at `GET /notifications`.
 */
const A = yiwu('MA2N00001');
const B = yiwu('MA2N00002');
const BANK = 'notify-bank';
const OTHER_BANK = 'notify-other-bank';
const DISBURSED_ON = '2026-11-27';

type Caller = { role: 'enterprise' | 'lender' | 'insurer' | 'ipoffice'; org?: string };

describe('notifications', () => {
  const clock = movableClock(DISBURSED_ON);
  let portal: TestPortal;
  let poller: StreamPoller;
  let pledgeId: string;
  const delivered: DomainEvent[] = [];

  const inbox = async (as: Caller, query = '') => {
    const res = await portal.call('GET', `/notifications?limit=100${query}`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as {
      items: {
        id: string;
        type: string;
        subject: { kind: string; id: string };
        read: boolean;
        title: string;
      }[];
      unread: number;
    };
  };
  const typesOf = async (as: Caller) => (await inbox(as)).items.map((n) => n.type);
  /** Waits until `as` holds `n` notifications (the stream is read asynchronously). */
  const arrived = async (as: Caller, n: number) => {
    const deadline = Date.now() + 15_000;
    while ((await inbox(as)).items.length < n) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${n} notifications of ${JSON.stringify(as)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await poller.settled();
  };

  beforeAll(async () => {
    portal = await createTestPortal({ clock, stream: true });
    const f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.enterprise(B);
    await f.institution(BANK);
    await f.institution(OTHER_BANK);
    const patent = await f.patent(A);
    const store = new Store(portal.deps.db, portal.tableName);
    poller = new StreamPoller({
      endpoint: inject('dynamoEndpoint'),
      tableName: portal.tableName,
      intervalMs: 20,
      onEvent: async (event) => {
        delivered.push(event);
        await deliver(store, CONSUMERS, event);
      },
    }).start();

    const applied = await f.apply(A, { lenderId: BANK, assetIds: [patent], requestedAmountFen: 120_000_00 });
    expect(applied.status).toBe(201);
    pledgeId = applied.body.id;
    for (const [action, as, body] of [
      ['review', asLender(BANK), undefined],
      [
        'approve',
        asLender(BANK),
        { approvedAmountFen: 120_000_00, annualRateBps: 360, repaymentType: 'equal_instalment' },
      ],
      ['register', office, { registrationNumber: 'Y2026330000777' }],
      ['disburse', asLender(BANK), undefined],
    ] as const)
      expect((await f.act(pledgeId, action, as, body)).status).toBe(200);
  });

  afterAll(() => poller?.stop());

  it('tells each party what it must act on or know, and no one else', async () => {
    await arrived(asEnterprise(A), 3);
    expect(await typesOf(asLender(BANK))).toEqual(['pledge.registered', 'pledge.submitted']);
    expect(await typesOf(asEnterprise(A))).toEqual([
      'pledge.disbursed',
      'pledge.registered',
      'pledge.approved',
    ]);
    expect(await typesOf(office)).toEqual(['pledge.approved']);
    // The other company and the other bank were told nothing, and read nothing.
    expect(await inbox(asEnterprise(B))).toEqual({ items: [], nextCursor: null, unread: 0 });
    expect(await inbox(asLender(OTHER_BANK))).toEqual({ items: [], nextCursor: null, unread: 0 });
    const [latest] = (await inbox(asEnterprise(A))).items;
    expect(latest).toMatchObject({
      subject: { kind: 'pledge', id: pledgeId },
      title: 'The loan was disbursed',
      read: false,
    });
    // A token's USCC in lower case reads the same inbox.
    expect((await inbox(asEnterprise(A.toLowerCase()))).items).toHaveLength(3);
  });

  it('marks one read: the unread count drops once, however often it is marked; others’ ids are 404', async () => {
    const before = await inbox(asEnterprise(A));
    expect(before.unread).toBe(3);
    const target = before.items[1]!;
    for (let i = 0; i < 2; i++) {
      const res = await portal.call('POST', `/notifications/${target.id}/read`, { as: asEnterprise(A) });
      expect(res.status).toBe(204);
    }
    const after = await inbox(asEnterprise(A));
    expect(after.unread).toBe(2);
    expect(after.items.map((n) => n.read)).toEqual([false, true, false]);
    const unread = await inbox(asEnterprise(A), '&unread=true');
    expect(unread.items.map((n) => n.id)).toEqual([before.items[0]!.id, before.items[2]!.id]);
    // Another company, the bank, or an id that is no notification at all: 404, nothing changes.
    for (const [as, id] of [
      [asEnterprise(B), before.items[0]!.id],
      [asLender(BANK), before.items[0]!.id],
      [asEnterprise(A), 'bm90IGFuIGlk'],
      [asEnterprise(A), '%E2%80%AE'],
    ] as const) {
      const res = await portal.call('POST', `/notifications/${id}/read`, { as });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await inbox(asEnterprise(A))).unread).toBe(2);
    expect((await portal.call('GET', '/notifications?unread=maybe', { as: asEnterprise(A) })).status).toBe(
      400,
    );
  });

  it('a redelivered event notifies no one twice', async () => {
    const store = new Store(portal.deps.db, portal.tableName);
    for (const event of delivered)
      expect((await deliver(store, [NOTIFIER], event))[NOTIFIER.name]).not.toBe('applied');
    expect(await typesOf(asEnterprise(A))).toHaveLength(3);
    expect((await inbox(asLender(BANK))).unread).toBe(2);
  });

  it('the servicing run tells the borrower and the bank of an instalment due in 7 days, then of arrears', async () => {
    const uc = useCaseContext(portal.deps);
    const firstDue = addMonths(DISBURSED_ON, 1);
    clock.moveTo(addDays(firstDue, -8));
    await serviceLoans(uc);
    clock.moveTo(addDays(firstDue, -7));
    await serviceLoans(uc);
    await serviceLoans(uc); // the same day again: no second reminder
    await arrived(asLender(BANK), 3);
    clock.moveTo(addDays(firstDue, 1));
    await serviceLoans(uc);
    clock.moveTo(addDays(firstDue, 2));
    await serviceLoans(uc); // still overdue: not news
    await arrived(asLender(BANK), 4);
    for (const as of [asEnterprise(A), asLender(BANK)]) {
      const loanNews = (await inbox(as)).items.filter((n) => n.type.startsWith('loan.'));
      expect(loanNews.map((n) => [n.type, n.subject])).toEqual([
        ['loan.overdue', { kind: 'pledge', id: pledgeId }],
        ['loan.instalment_due', { kind: 'pledge', id: pledgeId }],
      ]);
    }
    expect(await typesOf(asEnterprise(B))).toEqual([]);
    expect((await typesOf(office)).filter((t) => t.startsWith('loan.'))).toEqual([]);
  });

  it('mails each notification to the users who opted in, once, and stops when they opt out', async () => {
    const mails: Mail[] = [];
    const send = async (mail: Mail) => {
      mails.push(mail);
    };
    const uc = useCaseContext(portal.deps);
    const optIn = await portal.call('PUT', '/notifications/email', {
      as: asEnterprise(A),
      body: { email: 'cfo@a.example' },
    });
    expect(optIn.status).toBe(200);
    expect(optIn.body).toEqual({ email: 'cfo@a.example', optedInAt: expect.any(String) });
    expect(
      (
        await portal.call('PUT', '/notifications/email', {
          as: asEnterprise(A),
          body: { email: 'not-an-address' },
        })
      ).status,
    ).toBe(400);
    expect((await portal.call('GET', '/notifications/email', { as: asLender(BANK) })).status).toBe(404);
    const approved = delivered.find((e) => e.type === 'pledge.approved')!;
    expect(await mailNotifications(uc, approved, send)).toBe(1);
    expect(mails).toEqual([
      {
        to: 'cfo@a.example',
        subject: expect.stringContaining('The pledge loan was approved'),
        text: expect.stringContaining(pledgeId),
      },
    ]);
    expect(await mailNotifications(uc, approved, send)).toBe(0); // redelivered: no second mail
    const submitted = delivered.find((e) => e.type === 'pledge.submitted')!;
    expect(await mailNotifications(uc, submitted, send)).toBe(0); // the bank's news: no one there opted in
    expect((await portal.call('DELETE', '/notifications/email', { as: asEnterprise(A) })).status).toBe(204);
    const disbursed = delivered.find((e) => e.type === 'pledge.disbursed')!;
    expect(await mailNotifications(uc, disbursed, send)).toBe(0);
    expect(mails).toHaveLength(1);
  });
});
