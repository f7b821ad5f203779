import { describe, expect, it } from 'vitest';
import type { Asset } from '../../shared/domain/asset.js';
import { alertKey, alertsOn, nextAlerts } from '../../shared/domain/collateral-monitor.js';
import type { LegalStatus } from '../../shared/domain/legal-status.js';

/** A right in force through 2030-02-28 (only `expiresOn` matters once the legal status is given). */
const right = { id: 'a1', expiresOn: '2030-02-28' } as Asset;
const inForce = (over: Partial<LegalStatus> = {}): LegalStatus => ({ state: 'in_force', flags: [], ...over });
const types = (status: LegalStatus, today = '2026-06-01', maturesOn?: string) =>
  alertsOn(right, today, maturesOn, status).map(alertKey);

describe('what a watched right warns of', () => {
  it('announces an annuity falling due within 60 days, from the day after it was paid through', () => {
    // Paid through 2026-07-31: due 2026-08-01, 61 days after 2026-06-01; 60 days after 2026-06-02.
    const status = inForce({ annuityPaidThrough: '2026-07-31' });
    expect(types(status, '2026-06-01')).toEqual([]);
    expect(types(status, '2026-06-02')).toEqual(['annuity_due#2026-08-01']);
    expect(types(status, '2026-08-01')).toEqual(['annuity_due#2026-08-01']);
    // Only while in force: a right in its grace period warns of that instead.
    expect(types({ ...status, state: 'grace_period', graceEndsOn: '2027-01-31' }, '2026-08-02')).toEqual([
      'grace_period#2027-01-31',
    ]);
  });

  it('warns once a right is lapsed, invalidated or cancelled, and of each flag', () => {
    for (const state of ['lapsed', 'invalidated', 'cancelled'] as const)
      expect(types(inForce({ state }))).toEqual(['lapsed#-']);
    expect(types(inForce({ state: 'expired' }))).toEqual([]);
    expect(types(inForce({ state: 'pending' }))).toEqual([]);
    expect(types(inForce({ flags: ['invalidation_pending', 'preserved', 'disputed'] }))).toEqual([
      'invalidation_filed#-',
      'preserved#-',
      'disputed#-',
    ]);
  });

  it('warns of a trademark’s renewal window from its opening through its grace, due on its expiry', () => {
    const window = { opens: '2029-03-01', closes: '2030-02-28', graceEnds: '2030-08-31' };
    const status = inForce({ renewalWindow: window });
    expect(types(status, '2029-02-28')).toEqual([]);
    expect(types(status, '2029-03-01')).toEqual(['renewal_window#2030-02-28']);
    expect(types(status, '2030-08-31')).toEqual(['renewal_window#2030-02-28']);
    expect(types(status, '2030-09-01')).toEqual([]);
  });

  it('warns when the right expires before the loan it secures matures, not when it lasts through it', () => {
    expect(types(inForce(), '2026-06-01', '2030-03-01')).toEqual(['expires_before_maturity#2030-02-28']);
    expect(types(inForce(), '2026-06-01', '2030-02-28')).toEqual([]);
    expect(types(inForce(), '2026-06-01')).toEqual([]);
  });
});

describe('which warnings are news', () => {
  it('raises an alert once, keeps its first day while it holds, closes it when it stops', () => {
    const first = nextAlerts([{ type: 'preserved' }], { open: [], raised: [] }, '2026-06-01');
    expect(first).toEqual({
      open: [{ type: 'preserved', raisedOn: '2026-06-01' }],
      raisedNow: [{ type: 'preserved', raisedOn: '2026-06-01' }],
      raised: ['preserved#-'],
    });
    const again = nextAlerts([{ type: 'preserved' }], first, '2026-06-02');
    expect(again).toEqual({ open: first.open, raisedNow: [], raised: ['preserved#-'] });
    const closed = nextAlerts([], again, '2026-06-03');
    expect(closed).toEqual({ open: [], raisedNow: [], raised: ['preserved#-'] });
    // Back with the same identity: open again, but not news twice.
    const back = nextAlerts([{ type: 'preserved' }], closed, '2026-06-04');
    expect(back.raisedNow).toEqual([]);
    expect(back.open).toEqual([{ type: 'preserved', raisedOn: '2026-06-04' }]);
    // A new due date is a new alert: news.
    const due = nextAlerts(
      [{ type: 'annuity_due', dueOn: '2026-08-01' }, { type: 'preserved' }],
      back,
      '2026-06-05',
    );
    expect(due.raisedNow).toEqual([{ type: 'annuity_due', dueOn: '2026-08-01', raisedOn: '2026-06-05' }]);
    expect(due.raised).toEqual(['annuity_due#2026-08-01', 'preserved#-']);
  });
});
