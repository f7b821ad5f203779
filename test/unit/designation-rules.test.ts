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
  isCandidacy,
  lapseReason,
  lockEffect,
  programmeRefusal,
  reviewAction,
  reviewDueYear,
  reviewRefusal,
  summaryOf,
  supersededBy,
  validUntilRefusal,
} from '../../shared/domain/designation.js';

/** The table, written out here independently of the implementation's. */
const EXPECTED: Record<string, { roles: ActorRole[]; from: (string | null)[]; to: string; event: string }> = {
  apply: { roles: ['enterprise'], from: [null], to: 'applied', event: 'designation.applied' },
  nominate: { roles: ['ipoffice'], from: [null, 'applied'], to: 'nominated', event: 'designation.nominated' },
  publish: { roles: ['ipoffice'], from: ['nominated'], to: 'in_notice', event: 'designation.published' },
  confirm: { roles: ['ipoffice'], from: ['in_notice'], to: 'active', event: 'designation.designated' },
  reject: {
    roles: ['ipoffice'],
    from: ['applied', 'nominated', 'in_notice'],
    to: 'rejected',
    event: 'designation.rejected',
  },
  withdraw: {
    roles: ['enterprise'],
    from: ['applied', 'nominated'],
    to: 'withdrawn',
    event: 'designation.withdrawn',
  },
  designate: { roles: ['ipoffice'], from: [null], to: 'active', event: 'designation.designated' },
  review_pass: { roles: ['ipoffice'], from: ['active'], to: 'active', event: 'designation.reviewed' },
  review_fail: { roles: ['ipoffice'], from: ['active'], to: 'revoked', event: 'designation.reviewed' },
  revoke: { roles: ['ipoffice'], from: ['active'], to: 'revoked', event: 'designation.revoked' },
  lapse: { roles: ['system'], from: ['active'], to: 'lapsed', event: 'designation.lapsed' },
  supersede: { roles: ['ipoffice'], from: ['active'], to: 'superseded', event: 'designation.superseded' },
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
    expect(lockEffect('active', 'superseded')).toBe('free');
    expect(lockEffect('in_notice', 'active')).toBe('take');
    // The candidacy lock: held from application or nomination until the candidacy ends, either way.
    expect(lockEffect(null, 'applied', isCandidacy)).toBe('take');
    expect(lockEffect('applied', 'nominated', isCandidacy)).toBe('keep');
    expect(lockEffect('nominated', 'in_notice', isCandidacy)).toBe('keep');
    for (const end of ['active', 'rejected', 'withdrawn'] as const)
      expect(lockEffect('in_notice', end, isCandidacy), end).toBe('free');
    expect(lockEffect(null, 'active', isCandidacy)).toBe('keep');
    expect(lockEffect('revoked', 'revoked')).toBe('keep');
    expect(reviewAction('pass')).toBe('review_pass');
    expect(reviewAction('fail')).toBe('review_fail');
  });
});

describe('designation rules', () => {
  const review = (year: number, outcome: 'pass' | 'fail') =>
    ({ year, outcome, at: 't', by: { role: 'ipoffice', org: null } }) as const;
  const d = { status: 'active' as const, validUntil: '2026-06-30', year: 2025, reviews: [] };
  it('lapses a title the day after its validUntil, never one no longer active', () => {
    expect(lapseReason(d, '2026-06-30')).toBeUndefined();
    expect(lapseReason(d, '2026-07-01')).toBe('valid_until_passed');
    expect(lapseReason({ ...d, status: 'revoked' }, '2026-07-01')).toBeUndefined();
    expect(lapseReason({ ...d, status: 'superseded' }, '2026-07-01')).toBeUndefined();
  });

  it('re-reviews every three years from the designation or the last passed review; overdue once that year ends', () => {
    const open = { status: 'active' as const, year: 2020, reviews: [] as ReturnType<typeof review>[] };
    expect(reviewDueYear(open)).toBe(2023);
    // Brute force: the title stands on every day of 2020–2023 and lapses on the first day of 2024.
    for (const day of ['2020-01-01', '2021-06-15', '2023-12-31'])
      expect(lapseReason(open, day)).toBeUndefined();
    expect(lapseReason(open, '2024-01-01')).toBe('review_overdue');
    // A passed review of 2023 moves the next to 2026; a failed one (which revokes) or an older one does not count.
    const reviewed = { ...open, reviews: [review(2021, 'pass'), review(2023, 'pass')] };
    expect(reviewDueYear(reviewed)).toBe(2026);
    expect(lapseReason(reviewed, '2026-12-31')).toBeUndefined();
    expect(lapseReason(reviewed, '2027-01-01')).toBe('review_overdue');
    expect(reviewDueYear({ ...open, reviews: [review(2022, 'fail')] })).toBe(2023);
    // validUntil is checked first: both reasons on one day name the earlier-set end.
    expect(lapseReason({ ...open, validUntil: '2023-06-30' }, '2024-01-01')).toBe('valid_until_passed');
  });

  it('supersedes each programme’s advantage title by its demonstration title, and nothing else', () => {
    expect(supersededBy('national_advantage')).toBe('national_demonstration');
    expect(supersededBy('provincial_advantage')).toBe('provincial_demonstration');
    expect(supersededBy('national_demonstration')).toBeUndefined();
    expect(supersededBy('provincial_demonstration')).toBeUndefined();
  });

  it('admits national demonstration only after three years of national advantage', () => {
    expect(programmeRefusal('national_demonstration', 2026, {})?.code).toBe('advantage_required');
    for (const advantageYear of [2021, 2022, 2023, 2024, 2025, 2026]) {
      const refusal = programmeRefusal('national_demonstration', 2026, {
        advantage: { year: advantageYear },
      });
      if (2026 - advantageYear >= 3) expect(refusal, String(advantageYear)).toBeUndefined();
      else
        expect(refusal, String(advantageYear)).toMatchObject({
          code: 'cultivation_incomplete',
          params: { earliestYear: advantageYear + 3 },
        });
    }
    // The provincial programme and the advantage titles have no prerequisite here.
    for (const level of ['provincial_demonstration', 'national_advantage', 'provincial_advantage'] as const)
      expect(programmeRefusal(level, 2026, {}), level).toBeUndefined();
  });

  it('says why in words the office can pass on', () => {
    expect(programmeRefusal('national_demonstration', 2026, {})?.message).toBe(
      'national demonstration follows an active national advantage title',
    );
    expect(programmeRefusal('national_demonstration', 2026, { advantage: { year: 2025 } })?.message).toBe(
      'the national advantage title of 2025 completes its 3-year cultivation in 2028',
    );
    expect(
      programmeRefusal('national_advantage', 2026, { demonstration: { level: 'national_demonstration' } })
        ?.message,
    ).toBe(
      'the enterprise already holds the national_demonstration title, which supersedes national_advantage',
    );
  });

  it('reviews a year from the designation year on, once, up to the current year', () => {
    const d = { year: 2023, reviews: [review(2023, 'pass'), review(2024, 'pass')] };
    expect(reviewRefusal(d, 2023, 2026)).toEqual({
      kind: 'duplicate',
      message: 'a review of 2023 is already recorded',
    });
    expect(reviewRefusal(d, 2024, 2026)?.kind).toBe('duplicate');
    expect(reviewRefusal({ year: 2023, reviews: [] }, 2023, 2026)).toBeUndefined();
    expect(reviewRefusal(d, 2022, 2026)).toEqual({
      kind: 'predates',
      message: 'the designation dates from 2023; a review of 2022 predates it',
    });
    expect(reviewRefusal(d, 2027, 2026)).toEqual({
      kind: 'future',
      message: '2027 is after the current year 2026',
    });
    expect(reviewRefusal(d, 2025, 2026)).toBeUndefined();
  });

  it('gives no advantage title to a holder of its programme’s demonstration title', () => {
    const national = { demonstration: { level: 'national_demonstration' as const } };
    expect(programmeRefusal('national_advantage', 2026, national)?.code).toBe('demonstration_held');
    expect(programmeRefusal('provincial_advantage', 2026, national)).toBeUndefined();
    expect(
      programmeRefusal('provincial_advantage', 2026, { demonstration: { level: 'provincial_demonstration' } })
        ?.code,
    ).toBe('demonstration_held');
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
