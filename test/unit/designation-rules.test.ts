import { describe, expect, it } from 'vitest';
import type { ActorRole } from '../../shared/domain/actor.js';
import {
  DESIGNATION_ACTIONS,
  DESIGNATION_MACHINE,
  DESIGNATION_STATUSES,
  type Designation,
  designationEvent,
  designationEventType,
  designationTransition,
  lapseDue,
  lockEffect,
  reviewAction,
  summaryOf,
  validUntilRefusal,
} from '../../shared/domain/designation.js';

/** The table, written out here independently of the implementation's. */
const EXPECTED: Record<string, { roles: ActorRole[]; from: (string | null)[]; to: string; event: string }> = {
  designate: { roles: ['ipoffice'], from: [null], to: 'active', event: 'designation.designated' },
  review_pass: { roles: ['ipoffice'], from: ['active'], to: 'active', event: 'designation.reviewed' },
  review_fail: { roles: ['ipoffice'], from: ['active'], to: 'revoked', event: 'designation.reviewed' },
  revoke: { roles: ['ipoffice'], from: ['active'], to: 'revoked', event: 'designation.revoked' },
  lapse: { roles: ['system'], from: ['active'], to: 'lapsed', event: 'designation.lapsed' },
};
const ROLES: ActorRole[] = ['enterprise', 'lender', 'insurer', 'ipoffice', 'system'];

describe('the designation life cycle', () => {
  for (const action of DESIGNATION_ACTIONS)
    it(`${action}: who, from where, to what, with which event`, () => {
      const expected = EXPECTED[action]!;
      expect(designationEventType(DESIGNATION_MACHINE.row(action))).toBe(expected.event);
      for (const role of ROLES)
        for (const state of [null, ...DESIGNATION_STATUSES]) {
          const result = designationTransition(state, action, role);
          if (!expected.roles.includes(role)) expect(result).toEqual({ ok: false, error: 'forbidden' });
          else if (!expected.from.includes(state))
            expect(result).toEqual({ ok: false, error: 'invalid_state' });
          else expect(result).toEqual({ ok: true, to: expected.to });
        }
    });

  it('holds the enterprise-and-level lock exactly while active', () => {
    expect(lockEffect(null, 'active')).toBe('take');
    expect(lockEffect('active', 'active')).toBe('keep');
    expect(lockEffect('active', 'revoked')).toBe('free');
    expect(lockEffect('active', 'lapsed')).toBe('free');
    expect(lockEffect('revoked', 'revoked')).toBe('keep');
    expect(reviewAction('pass')).toBe('review_pass');
    expect(reviewAction('fail')).toBe('review_fail');
  });
});

describe('designation rules', () => {
  const d = { status: 'active' as const, validUntil: '2026-06-30' };
  it('lapses a title the day after its validUntil, never one without an end or no longer active', () => {
    expect(lapseDue(d, '2026-06-30')).toBe(false);
    expect(lapseDue(d, '2026-07-01')).toBe(true);
    expect(lapseDue({ status: 'active' }, '2099-01-01')).toBe(false);
    expect(lapseDue({ ...d, status: 'revoked' }, '2026-07-01')).toBe(false);
  });

  it('refuses a validUntil before the designation year, accepting its first day', () => {
    expect(validUntilRefusal(2024, undefined)).toBeUndefined();
    expect(validUntilRefusal(2024, '2024-01-01')).toBeUndefined();
    expect(validUntilRefusal(2024, '2023-12-31')).toBe('must not lie before the designation year 2024');
  });

  it('summarises a designation for its enterprise, and shows a history step with its reason', () => {
    const designation = {
      id: 'd1',
      uscc: 'X',
      level: 'national_advantage',
      year: 2024,
      validUntil: '2027-12-31',
      status: 'active',
      reviews: [],
      version: 1,
      createdAt: 't0',
      updatedAt: 't1',
    } as Designation;
    expect(summaryOf(designation)).toEqual({
      id: 'd1',
      level: 'national_advantage',
      year: 2024,
      validUntil: '2027-12-31',
      designatedAt: 't0',
    });
    const { validUntil: _, ...open } = designation;
    expect(summaryOf(open as Designation)).not.toHaveProperty('validUntil');
    const step = {
      at: 't',
      action: 'revoke',
      from: 'active',
      to: 'revoked',
      actor: { role: 'ipoffice' as const, org: null },
      version: 2,
      data: { reason: 'Fraud' },
    };
    expect(designationEvent(step as never)).toEqual({
      at: 't',
      action: 'revoke',
      from: 'active',
      to: 'revoked',
      actor: { role: 'ipoffice', org: null },
      reason: 'Fraud',
    });
    expect(designationEvent({ ...step, data: { reason: 5 } } as never)).not.toHaveProperty('reason');
  });
});
