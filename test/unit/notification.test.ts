import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { NOTIFICATION_TYPES, notificationsOf, OFFICE_TENANT } from '../../shared/domain/notification.js';

const event = (over: Partial<DomainEvent>): DomainEvent => ({
  id: 'claim:c1:2',
  type: 'claim.paid',
  subject: { kind: 'claim', id: 'c1' },
  version: 2,
  at: '2026-11-27T04:00:00.000Z',
  actor: { role: 'insurer', org: 'picc' },
  data: {},
  audience: ['enterprise:91330782MA2A00001X', 'insurer:picc'],
  action: 'settle',
  from: 'filed',
  to: 'paid',
  ...over,
});

describe('notification rules', () => {
  it('tells each party in the audience its rule names, with the event’s subject, time and id', () => {
    expect(notificationsOf(event({}))).toEqual([
      {
        tenant: 'enterprise:91330782MA2A00001X',
        type: 'claim.paid',
        subject: { kind: 'claim', id: 'c1' },
        title: 'The claim was paid',
        at: '2026-11-27T04:00:00.000Z',
        eventId: 'claim:c1:2',
      },
    ]);
    // A guarantee claim's audience holds its bank: it is told too; the insurer that paid is not.
    const guarantee = notificationsOf(event({ audience: ['enterprise:E', 'insurer:picc', 'lender:bank-1'] }));
    expect(guarantee.map((n) => n.tenant)).toEqual(['enterprise:E', 'lender:bank-1']);
  });

  it('tells the office through its one inbox, and nobody of an event without a rule', () => {
    const approved = notificationsOf(
      event({
        type: 'pledge.approved',
        subject: { kind: 'pledge', id: 'p1' },
        audience: ['enterprise:E', 'lender:b'],
      }),
    );
    expect(approved.map((n) => n.tenant)).toEqual(['enterprise:E', OFFICE_TENANT]);
    expect(notificationsOf(event({ type: 'claim.investigation_started' }))).toEqual([]);
    expect(notificationsOf(event({ type: 'policy.claim_filed' }))).toEqual([]);
  });

  it('turns a servicing run into the loan’s news: an instalment due, newly overdue, both, or nothing', () => {
    const serviced = (data: Record<string, unknown>) =>
      notificationsOf(
        event({
          type: 'pledge.serviced',
          subject: { kind: 'pledge', id: 'p1' },
          data,
          audience: ['enterprise:E', 'lender:b', 'insurer:i'],
        }),
      ).map((n) => `${n.type}→${n.tenant}`);
    expect(serviced({})).toEqual([]);
    expect(serviced({ instalmentDue: 'yes' })).toEqual([]);
    expect(serviced({ instalmentDue: true })).toEqual([
      'loan.instalment_due→enterprise:E',
      'loan.instalment_due→lender:b',
    ]);
    expect(serviced({ overdue: true, instalmentDue: true })).toEqual([
      'loan.instalment_due→enterprise:E',
      'loan.instalment_due→lender:b',
      'loan.overdue→enterprise:E',
      'loan.overdue→lender:b',
    ]);
  });

  it('lists every type it may raise, the servicing run’s news among them, each once', () => {
    expect(new Set(NOTIFICATION_TYPES).size).toBe(NOTIFICATION_TYPES.length);
    for (const type of [
      'pledge.approved',
      'claim.paid',
      'policy.renewal_due',
      'loan.overdue',
      'loan.instalment_due',
    ])
      expect(NOTIFICATION_TYPES).toContain(type);
    expect(NOTIFICATION_TYPES).not.toContain('pledge.serviced');
  });
});
