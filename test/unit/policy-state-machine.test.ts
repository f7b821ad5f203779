import { describe, expect, it } from 'vitest';
import type { ActorRole } from '../../shared/domain/actor.js';
import {
  claimIssues,
  coverageIssues,
  lineLimit,
  maxPaidBefore,
  maxPeriodEnd,
  periodIssues,
  remainingCover,
  settlementIssues,
} from '../../shared/domain/coverage.js';
import { CLAIM_STATUSES, type Coverage, POLICY_STATUSES } from '../../shared/domain/policy.js';
import {
  CLAIM_ACTIONS,
  claimTransition,
  insuredByEffect,
  POLICY_ACTIONS,
  policyActionsFrom,
  policyTransition,
  replayClaim,
  replayPolicy,
} from '../../shared/domain/policy-state-machine.js';

const ROLES: ActorRole[] = ['enterprise', 'lender', 'insurer', 'ipoffice', 'system'];

/** The expected policy table, written out independently of the implementation's table. */
const POLICY_EXPECTED: Record<string, { role: ActorRole; from: (string | null)[]; to: string }> = {
  apply: { role: 'enterprise', from: [null], to: 'applied' },
  issue: { role: 'insurer', from: ['applied'], to: 'active' },
  decline: { role: 'insurer', from: ['applied'], to: 'declined' },
  cancel: { role: 'enterprise', from: ['applied', 'active'], to: 'cancelled' },
  expire: { role: 'system', from: ['active'], to: 'expired' },
  file_claim: { role: 'enterprise', from: ['active'], to: 'active' },
};
const CLAIM_EXPECTED: Record<string, { role: ActorRole; from: (string | null)[]; to: string }> = {
  file: { role: 'enterprise', from: [null], to: 'filed' },
  settle: { role: 'insurer', from: ['filed'], to: 'paid' },
  deny: { role: 'insurer', from: ['filed'], to: 'denied' },
};

describe('policy state machine', () => {
  const states = [null, ...POLICY_STATUSES];
  for (const action of POLICY_ACTIONS)
    for (const role of ROLES)
      for (const state of states)
        it(`${action} by ${role} from ${state}`, () => {
          const expected = POLICY_EXPECTED[action]!;
          const result = policyTransition(state, action, role);
          if (role !== expected.role) expect(result).toEqual({ ok: false, error: 'forbidden' });
          else if (!expected.from.includes(state))
            expect(result).toEqual({ ok: false, error: 'invalid_state' });
          else expect(result).toEqual({ ok: true, to: expected.to });
        });

  it('covers assets exactly while active', () => {
    expect(insuredByEffect('applied', 'active')).toBe('add');
    expect(insuredByEffect('active', 'cancelled')).toBe('delete');
    expect(insuredByEffect('active', 'expired')).toBe('delete');
    expect(insuredByEffect('active', 'active')).toBe('keep');
    expect(insuredByEffect('applied', 'cancelled')).toBe('keep');
    expect(insuredByEffect('applied', 'declined')).toBe('keep');
  });

  it('lists the actions from each state and has terminal states', () => {
    expect(policyActionsFrom('applied').sort()).toEqual(['cancel', 'decline', 'issue']);
    expect(policyActionsFrom('active').sort()).toEqual(['cancel', 'expire', 'file_claim']);
    for (const terminal of ['declined', 'cancelled', 'expired'] as const)
      expect(policyActionsFrom(terminal)).toEqual([]);
  });

  it('replays a history and refuses an impossible one', () => {
    const step = (action: string, role: ActorRole, from: string | null, to: string) => ({
      action,
      actor: { role },
      from,
      to,
    });
    expect(
      replayPolicy([
        step('apply', 'enterprise', null, 'applied'),
        step('issue', 'insurer', 'applied', 'active'),
        step('file_claim', 'enterprise', 'active', 'active'),
        step('expire', 'system', 'active', 'expired'),
      ]),
    ).toBe('expired');
    expect(() => replayPolicy([step('issue', 'insurer', null, 'active')])).toThrow(/invalid_state/);
    expect(() =>
      replayPolicy([
        step('apply', 'enterprise', null, 'applied'),
        step('expire', 'system', 'applied', 'expired'),
      ]),
    ).toThrow();
    expect(() => replayPolicy([step('apply', 'insurer', null, 'applied')])).toThrow(/forbidden/);
    expect(() => replayPolicy([step('apply', 'enterprise', null, 'active')])).toThrow(/records to=active/);
  });
});

describe('claim state machine', () => {
  for (const action of CLAIM_ACTIONS)
    for (const role of ROLES)
      for (const state of [null, ...CLAIM_STATUSES])
        it(`${action} by ${role} from ${state}`, () => {
          const expected = CLAIM_EXPECTED[action]!;
          const result = claimTransition(state, action, role);
          if (role !== expected.role) expect(result).toEqual({ ok: false, error: 'forbidden' });
          else if (!expected.from.includes(state))
            expect(result).toEqual({ ok: false, error: 'invalid_state' });
          else expect(result).toEqual({ ok: true, to: expected.to });
        });

  it('replays', () => {
    expect(
      replayClaim([
        { action: 'file', actor: { role: 'enterprise' } },
        { action: 'settle', actor: { role: 'insurer' } },
      ]),
    ).toBe('paid');
    expect(() =>
      replayClaim([
        { action: 'file', actor: { role: 'enterprise' } },
        { action: 'deny', actor: { role: 'insurer' } },
        { action: 'settle', actor: { role: 'insurer' } },
      ]),
    ).toThrow();
  });
});

describe('coverage math', () => {
  const line: Coverage = { line: 'enforcement_cost', sumInsuredFen: 1_000_000, deductibleFen: 100_000 };

  it('pays at most sum insured minus deductible over all claims', () => {
    expect(lineLimit(line)).toBe(900_000);
    expect(remainingCover(line, 0)).toBe(900_000);
    expect(remainingCover(line, 850_000)).toBe(50_000);
    expect(remainingCover(line, 900_000)).toBe(0);
    expect(maxPaidBefore(line, 300_000)).toBe(600_000);
    expect(maxPaidBefore(line, 900_000)).toBe(0);
    expect(maxPaidBefore(line, 900_001)).toBe(-1);
  });

  it('checks a settlement against the claim and the remaining cover', () => {
    expect(settlementIssues(line, 0, { claimedFen: 500_000 }, 500_000)).toEqual([]);
    expect(settlementIssues(line, 850_000, { claimedFen: 500_000 }, 50_000)).toEqual([]);
    expect(settlementIssues(line, 850_000, { claimedFen: 500_000 }, 50_001)).toEqual([
      { path: 'paidFen', message: 'exceeds the remaining cover of line enforcement_cost: 50000 fen' },
    ]);
    expect(settlementIssues(line, 0, { claimedFen: 10 }, 11).map((i) => i.message)).toEqual([
      'must not exceed the claimed 10 fen',
    ]);
    expect(settlementIssues(line, 0, { claimedFen: 10 }, 0)).toHaveLength(1);
    // Sums near the safe-integer limit stay exact.
    const big: Coverage = {
      line: 'infringement_loss',
      sumInsuredFen: Number.MAX_SAFE_INTEGER,
      deductibleFen: 1,
    };
    expect(remainingCover(big, Number.MAX_SAFE_INTEGER - 2)).toBe(1);
  });

  it('checks lines and the pledge pairing', () => {
    expect(coverageIssues([line], undefined)).toEqual([]);
    expect(
      coverageIssues(
        [
          { line: 'pledge_guarantee', sumInsuredFen: 0, deductibleFen: 1 },
          { line: 'application_cost', sumInsuredFen: 5, deductibleFen: 5 },
        ],
        undefined,
      ).map((i) => i.path),
    ).toEqual(['coverages.0.sumInsuredFen', 'coverages.0.deductibleFen', 'coverages.0.line']);
    expect(coverageIssues([line], 'p1')).toEqual([
      { path: 'pledgeId', message: 'is only allowed with a pledge_guarantee coverage line' },
    ]);
    expect(coverageIssues([{ line: 'pledge_guarantee', sumInsuredFen: 5, deductibleFen: 0 }], 'p1')).toEqual(
      [],
    );
  });

  it('limits the period to 5 years, inclusive of both ends', () => {
    expect(maxPeriodEnd('2026-03-01')).toBe('2031-02-28');
    expect(maxPeriodEnd('2028-02-29')).toBe('2033-02-28');
    expect(maxPeriodEnd('2026-01-01')).toBe('2030-12-31');
    expect(periodIssues('2026-01-01', '2030-12-31', '2026-06-01')).toEqual([]);
    expect(periodIssues('2026-01-01', '2031-01-01', '2026-06-01').map((i) => i.message)).toEqual([
      'a period lasts at most 5 years: periodEnd may be 2030-12-31 at the latest',
    ]);
    expect(periodIssues('2026-01-02', '2026-01-02', '2026-01-01')).toHaveLength(1);
    expect(periodIssues('2026-01-02', '2026-01-01', '2026-01-01')).toHaveLength(1);
    // Retroactive start is fine; an end before today is not.
    expect(periodIssues('2020-01-01', '2024-12-31', '2026-06-01').map((i) => i.message)).toEqual([
      'the period has already ended (today is 2026-06-01)',
    ]);
  });

  it('checks claims: covered line, incident in period and not in the future', () => {
    const policy = { coverages: [line], periodStart: '2026-01-01', periodEnd: '2026-12-31' };
    const claim = { line: 'enforcement_cost' as const, claimedFen: 1, incidentDate: '2026-01-01' };
    expect(claimIssues(policy, claim, '2026-06-01')).toEqual([]);
    expect(claimIssues(policy, { ...claim, incidentDate: '2026-12-31' }, '2027-01-05')).toEqual([]);
    expect(claimIssues(policy, { ...claim, incidentDate: '2025-12-31' }, '2026-06-01')).toHaveLength(1);
    expect(claimIssues(policy, { ...claim, incidentDate: '2027-01-01' }, '2027-06-01')).toHaveLength(1);
    expect(claimIssues(policy, { ...claim, incidentDate: '2026-06-02' }, '2026-06-01')[0]?.message).toContain(
      'after today',
    );
    expect(
      claimIssues(policy, { ...claim, line: 'overseas_enforcement', claimedFen: 0 }, '2026-06-01'),
    ).toHaveLength(2);
  });
});
