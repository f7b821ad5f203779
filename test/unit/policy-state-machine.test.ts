import { describe, expect, it } from 'vitest';
import type { ActorRole } from '../../shared/domain/actor.js';
import {
  amountIssues,
  claimIssues,
  coverageIssues,
  coverageOf,
  coverEnd,
  lineLimit,
  maxPaidBefore,
  maxPeriodEnd,
  noticeDeadline,
  payableFen,
  paymentIssues,
  periodIssues,
  remainingCover,
  reopenIssues,
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
type Expected = Record<string, { roles: ActorRole[]; from: (string | null)[]; to: string }>;
const POLICY_EXPECTED: Expected = {
  apply: { roles: ['enterprise'], from: [null], to: 'applied' },
  issue: { roles: ['insurer'], from: ['applied'], to: 'active' },
  decline: { roles: ['insurer'], from: ['applied'], to: 'declined' },
  cancel: { roles: ['enterprise'], from: ['applied', 'active'], to: 'cancelled' },
  terminate: { roles: ['insurer'], from: ['active'], to: 'cancelled' },
  expire: { roles: ['system'], from: ['active'], to: 'expired' },
};
const CLAIM_EXPECTED: Expected = {
  file: { roles: ['enterprise', 'lender', 'system'], from: [null], to: 'filed' },
  investigate: { roles: ['insurer'], from: ['filed'], to: 'under_investigation' },
  assess: { roles: ['insurer'], from: ['under_investigation'], to: 'assessed' },
  pay_in_part: { roles: ['insurer'], from: ['assessed', 'partially_paid'], to: 'partially_paid' },
  pay_in_full: { roles: ['insurer'], from: ['assessed', 'partially_paid'], to: 'paid' },
  settle: { roles: ['insurer'], from: ['filed', 'under_investigation'], to: 'paid' },
  deny: { roles: ['insurer'], from: ['filed', 'under_investigation', 'assessed'], to: 'denied' },
  reopen: { roles: ['enterprise', 'lender'], from: ['paid', 'denied'], to: 'under_investigation' },
};

describe('policy state machine', () => {
  const states = [null, ...POLICY_STATUSES];
  for (const action of POLICY_ACTIONS)
    for (const role of ROLES)
      for (const state of states)
        it(`${action} by ${role} from ${state}`, () => {
          const expected = POLICY_EXPECTED[action]!;
          const result = policyTransition(state, action, role);
          if (!expected.roles.includes(role)) expect(result).toEqual({ ok: false, error: 'forbidden' });
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
    expect(policyActionsFrom('active').sort()).toEqual(['cancel', 'expire', 'terminate']);
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
    // An operation (a claim filing) keeps the state; one that claims to change it is refused.
    expect(() =>
      replayPolicy([
        step('apply', 'enterprise', null, 'applied'),
        step('issue', 'insurer', 'applied', 'active'),
        step('file_claim', 'enterprise', 'active', 'expired'),
      ]),
    ).toThrow(/operation file_claim/);
  });
});

describe('claim state machine', () => {
  for (const action of CLAIM_ACTIONS)
    for (const role of ROLES)
      for (const state of [null, ...CLAIM_STATUSES])
        it(`${action} by ${role} from ${state}`, () => {
          const expected = CLAIM_EXPECTED[action]!;
          const result = claimTransition(state, action, role);
          if (!expected.roles.includes(role)) expect(result).toEqual({ ok: false, error: 'forbidden' });
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
    expect(
      replayClaim([
        { action: 'file', actor: { role: 'system' } },
        { action: 'investigate', actor: { role: 'insurer' } },
        { action: 'assess', actor: { role: 'insurer' } },
        { action: 'pay_in_part', actor: { role: 'insurer' } },
        { action: 'pay_in_part', actor: { role: 'insurer' } },
        { action: 'pay_in_full', actor: { role: 'insurer' } },
        { action: 'reopen', actor: { role: 'lender' } },
        { action: 'deny', actor: { role: 'insurer' } },
      ]),
    ).toBe('denied');
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

  it('pays at most the sum insured over all claims (the aggregate)', () => {
    expect(lineLimit(line)).toBe(1_000_000);
    expect(remainingCover(line, 0)).toBe(1_000_000);
    expect(remainingCover(line, 950_000)).toBe(50_000);
    expect(remainingCover(line, 1_000_000)).toBe(0);
    expect(maxPaidBefore(line, 300_000)).toBe(700_000);
    expect(maxPaidBefore(line, 1_000_000)).toBe(0);
    expect(maxPaidBefore(line, 1_000_001)).toBe(-1);
  });

  it('takes the deductible off each claim, then the payout ratio, then the per-claim limit', () => {
    expect(payableFen(line, 500_000)).toBe(400_000);
    expect(payableFen(line, 100_000)).toBe(0);
    expect(payableFen(line, 99_999)).toBe(0);
    expect(payableFen(line, 5_000_000)).toBe(1_000_000); // never more than the line's whole sum insured
    const shared = { ...line, payoutRatioBps: 8_000, perClaimLimitFen: 300_000 };
    expect(payableFen(shared, 300_001)).toBe(160_000); // floor(200001 × 0.8) = 160000.8 → 160000
    expect(payableFen(shared, 600_000)).toBe(300_000); // 400000 capped
    // Exact at the top of the safe-integer range, checked in BigInt.
    const huge = {
      line: 'infringement_loss' as const,
      sumInsuredFen: Number.MAX_SAFE_INTEGER,
      deductibleFen: 7,
    };
    const ratio = 3_333;
    expect(payableFen({ ...huge, payoutRatioBps: ratio }, Number.MAX_SAFE_INTEGER)).toBe(
      Number(((BigInt(Number.MAX_SAFE_INTEGER) - 7n) * BigInt(ratio)) / 10_000n),
    );
  });

  it('checks a payment against the approved amount and the remaining cover', () => {
    const claim = { approvedFen: 400_000, paidFen: 100_000 };
    expect(paymentIssues(line, 'amountFen', claim, 0, 300_000)).toEqual([]);
    expect(paymentIssues(line, 'amountFen', claim, 0, 300_001).map((i) => i.code)).toEqual([
      'above_approved',
    ]);
    expect(paymentIssues(line, 'amountFen', claim, 950_000, 50_001).map((i) => i.code)).toEqual([
      'above_remaining_cover',
    ]);
    expect(paymentIssues(line, 'paidFen', claim, 0, 0).map((i) => i.path)).toEqual(['paidFen']);
  });

  it('reopens within a year of closing', () => {
    expect(reopenIssues({ closedOn: '2026-02-28' }, '2027-02-28')).toEqual([]);
    expect(reopenIssues({ closedOn: '2026-02-28' }, '2027-03-01').map((i) => i.code)).toEqual([
      'reopen_too_late',
    ]);
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

  it('checks claims: covered line and claimant, incident in cover and not in the future, notice in time', () => {
    const policy = { coverages: [line], periodStart: '2026-01-01', periodEnd: '2026-12-31' };
    const claim = { line: 'enforcement_cost' as const, claimedFen: 1, incidentDate: '2026-01-01' };
    const on = (today: string) => ({ today, claimant: 'enterprise' as const });
    expect(claimIssues(policy, claim, on('2026-06-01'))).toEqual([]);
    expect(claimIssues(policy, { ...claim, incidentDate: '2026-12-31' }, on('2027-01-05'))).toEqual([]);
    expect(claimIssues(policy, { ...claim, incidentDate: '2025-12-31' }, on('2026-06-01'))).toHaveLength(1);
    expect(claimIssues(policy, { ...claim, incidentDate: '2027-01-01' }, on('2027-06-01'))).toHaveLength(1);
    expect(
      claimIssues(policy, { ...claim, incidentDate: '2026-06-02' }, on('2026-06-01'))[0]?.message,
    ).toContain('after today');
    expect(
      claimIssues(policy, { ...claim, line: 'overseas_enforcement', claimedFen: 0 }, on('2026-06-01')),
    ).toHaveLength(2);
    // Two years after periodEnd, inclusive.
    expect(claimIssues(policy, claim, on('2028-12-31'))).toEqual([]);
    expect(claimIssues(policy, claim, on('2029-01-01')).map((i) => i.code)).toEqual(['notice_too_late']);
    // A cancelled policy covers through the day it was cancelled.
    const cancelled = { ...policy, cancelledOn: '2026-03-31' };
    expect(claimIssues(cancelled, { ...claim, incidentDate: '2026-03-31' }, on('2026-06-01'))).toEqual([]);
    expect(
      claimIssues(cancelled, { ...claim, incidentDate: '2026-04-01' }, on('2026-06-01')).map((i) => i.code),
    ).toEqual(['incident_outside_cover']);
    // The lender claims on the guarantee line only, the holder on every other.
    expect(
      claimIssues(policy, claim, { today: '2026-06-01', claimant: 'lender' }).map((i) => i.code),
    ).toEqual(['not_your_line']);
  });
});

describe('coverage rules, word for word and at their bounds', () => {
  const line: Coverage = { line: 'enforcement_cost', sumInsuredFen: 1_000_000, deductibleFen: 100_000 };

  it('refuses an empty or backward period, a period over 5 years, an ended one, each in its words', () => {
    expect(periodIssues('2026-01-02', '2026-01-02', '2026-01-01')).toEqual([
      { path: 'periodEnd', message: 'must be after periodStart' },
    ]);
    expect(periodIssues('2026-01-02', '2026-01-03', '2026-01-03')).toEqual([]);
    expect(periodIssues('2026-01-02', '2026-01-03', '2026-01-04')).toEqual([
      { path: 'periodEnd', message: 'the period has already ended (today is 2026-01-04)' },
    ]);
    expect(periodIssues('2026-01-01', '2031-01-01', '2026-06-01')).toEqual([
      {
        path: 'periodEnd',
        message: 'a period lasts at most 5 years: periodEnd may be 2030-12-31 at the latest',
      },
    ]);
    // Backward and over: only the first is said.
    expect(periodIssues('2031-01-01', '2026-01-01', '2025-01-01').map((i) => i.message)).toEqual([
      'must be after periodStart',
    ]);
  });

  it('checks each line’s sums, ratio and per-claim limit at their bounds, naming the line', () => {
    const paths = (c: Partial<Coverage>) =>
      coverageIssues([line, { ...line, ...c }], undefined).map((i) => [i.path, i.message]);
    expect(paths({ sumInsuredFen: 1, deductibleFen: 1 })).toEqual([]);
    expect(paths({ sumInsuredFen: -1, deductibleFen: -1 })).toEqual([
      ['coverages.1.sumInsuredFen', 'must be positive'],
    ]);
    expect(paths({ deductibleFen: 1_000_001 })).toEqual([
      ['coverages.1.deductibleFen', 'must not exceed sumInsuredFen'],
    ]);
    const ratio = [['coverages.1.payoutRatioBps', 'must be between 1 and 10000 basis points']];
    expect(paths({ payoutRatioBps: 0 })).toEqual(ratio);
    expect(paths({ payoutRatioBps: 10_001 })).toEqual(ratio);
    expect(paths({ payoutRatioBps: 1 })).toEqual([]);
    expect(paths({ payoutRatioBps: 10_000 })).toEqual([]);
    const limit = [['coverages.1.perClaimLimitFen', 'must be positive and not exceed sumInsuredFen']];
    expect(paths({ perClaimLimitFen: 0 })).toEqual(limit);
    expect(paths({ perClaimLimitFen: 1_000_001 })).toEqual(limit);
    expect(paths({ perClaimLimitFen: 1 })).toEqual([]);
    expect(paths({ perClaimLimitFen: 1_000_000 })).toEqual([]);
    expect(paths({ line: 'pledge_guarantee' })).toEqual([
      ['coverages.1.line', 'pledge_guarantee requires pledgeId'],
    ]);
    expect(coverageIssues([{ ...line, line: 'pledge_guarantee' }, line], 'p1')).toEqual([]);
  });

  it('finds a line of the policy, and the last day of cover', () => {
    const policy = { coverages: [line, { ...line, line: 'infringement_loss' as const, sumInsuredFen: 5 }] };
    expect(coverageOf(policy, 'infringement_loss')?.sumInsuredFen).toBe(5);
    expect(coverageOf(policy, 'pledge_guarantee')).toBeUndefined();
    expect(coverEnd({ periodEnd: '2026-12-31' })).toBe('2026-12-31');
    expect(coverEnd({ periodEnd: '2026-12-31', cancelledOn: '2026-06-30' })).toBe('2026-06-30');
    // Cancelled on or after its last day: the period ends it.
    expect(coverEnd({ periodEnd: '2026-12-31', cancelledOn: '2026-12-31' })).toBe('2026-12-31');
    expect(coverEnd({ periodEnd: '2026-12-31', cancelledOn: '2027-01-15' })).toBe('2026-12-31');
    expect(noticeDeadline({ periodEnd: '2026-12-31' })).toBe('2028-12-31');
  });

  it('words each claim refusal, with its code and parameters', () => {
    const policy = { coverages: [line], periodStart: '2026-01-01', periodEnd: '2026-12-31' };
    const claim = { line: 'enforcement_cost' as const, claimedFen: 1, incidentDate: '2026-01-01' };
    const on = (today: string, claimant: 'enterprise' | 'lender' = 'enterprise') => ({ today, claimant });
    expect(
      claimIssues(policy, { ...claim, line: 'overseas_enforcement', claimedFen: 0 }, on('2026-06-01')),
    ).toEqual([
      { path: 'line', message: 'the policy does not cover overseas_enforcement' },
      { path: 'claimedFen', message: 'must be positive' },
    ]);
    expect(claimIssues(policy, { ...claim, claimedFen: -1 }, on('2026-06-01'))).toHaveLength(1);
    expect(claimIssues(policy, claim, on('2026-06-01', 'lender'))).toEqual([
      { path: 'line', code: 'not_your_line', message: 'the lender claims on the pledge_guarantee line only' },
    ]);
    const guaranteed = { ...policy, coverages: [{ ...line, line: 'pledge_guarantee' as const }] };
    expect(claimIssues(guaranteed, { ...claim, line: 'pledge_guarantee' }, on('2026-06-01'))).toEqual([
      {
        path: 'line',
        code: 'not_your_line',
        message: "the guarantee line's claims are the lender's (its beneficiary)",
      },
    ]);
    expect(
      claimIssues(guaranteed, { ...claim, line: 'pledge_guarantee' }, on('2026-06-01', 'lender')),
    ).toEqual([]);
    expect(claimIssues(policy, { ...claim, incidentDate: '2025-12-31' }, on('2026-06-01'))).toEqual([
      {
        path: 'incidentDate',
        code: 'incident_outside_cover',
        params: { from: '2026-01-01', to: '2026-12-31' },
        message: 'must lie inside the cover 2026-01-01 – 2026-12-31',
      },
    ]);
    expect(claimIssues(policy, { ...claim, incidentDate: '2026-06-02' }, on('2026-06-01'))).toEqual([
      { path: 'incidentDate', message: 'must not be after today (2026-06-01)' },
    ]);
    expect(claimIssues(policy, { ...claim, incidentDate: '2026-06-01' }, on('2026-06-01'))).toEqual([]);
    expect(claimIssues(policy, claim, on('2029-01-01'))).toEqual([
      {
        path: 'incidentDate',
        code: 'notice_too_late',
        params: { deadline: '2028-12-31' },
        message: 'claims on this policy had to be notified by 2028-12-31 (two years after the period)',
      },
    ]);
  });

  it('keeps a reserve or an approval within what the claim may be paid', () => {
    // 500 000 claimed − 100 000 deductible = 400 000 payable.
    const claim = { claimedFen: 500_000 };
    expect(amountIssues(line, claim, 'approvedFen', 400_000)).toEqual([]);
    expect(amountIssues(line, claim, 'reserveFen', 400_000)).toEqual([]);
    expect(amountIssues(line, claim, 'reserveFen', 0)).toEqual([]);
    expect(amountIssues(line, claim, 'approvedFen', 0)).toEqual([
      { path: 'approvedFen', message: 'must be positive; deny the claim to pay nothing' },
    ]);
    expect(amountIssues(line, claim, 'approvedFen', -1)).toHaveLength(1);
    const above = [
      {
        path: 'reserveFen',
        code: 'above_payable',
        params: { payableFen: 400_000 },
        message:
          'exceeds what the claim may be paid: 400000 fen (deductible, payout ratio and per-claim limit applied)',
      },
    ];
    expect(amountIssues(line, claim, 'reserveFen', 400_001)).toEqual(above);
    expect(amountIssues(line, claim, 'approvedFen', 400_001)[0]).toMatchObject({
      path: 'approvedFen',
      code: 'above_payable',
    });
  });

  it('words each payment refusal with what may still be paid', () => {
    const claim = { approvedFen: 400_000, paidFen: 100_000 };
    expect(paymentIssues(line, 'amountFen', claim, 950_000, 300_001)).toEqual([
      {
        path: 'amountFen',
        code: 'above_approved',
        params: { unpaidFen: 300_000 },
        message: 'exceeds what the claim may still be paid: 300000 fen',
      },
      {
        path: 'amountFen',
        code: 'above_remaining_cover',
        params: { remainingFen: 50_000 },
        message: 'exceeds the remaining cover of line enforcement_cost: 50000 fen',
      },
    ]);
    expect(paymentIssues(line, 'amountFen', claim, 950_000, 50_000)).toEqual([]);
    expect(paymentIssues(line, 'paidFen', claim, 0, -5)).toEqual([
      { path: 'paidFen', message: 'must be positive; deny the claim to pay nothing' },
    ]);
    // Paid beyond the sum insured already (a v1 record): nothing remains, never a negative remainder.
    expect(remainingCover(line, 1_200_000)).toBe(0);
  });

  it('reopens only a closed claim, in its words after the year', () => {
    expect(reopenIssues({}, '2040-01-01')).toEqual([]);
    expect(reopenIssues({ closedOn: '2026-02-28' }, '2027-03-01')).toEqual([
      {
        path: 'reason',
        code: 'reopen_too_late',
        params: { until: '2027-02-28' },
        message: 'a claim closed on 2026-02-28 could be reopened until 2027-02-28',
      },
    ]);
  });

  it('pays the whole excess over the deductible without a ratio or limit', () => {
    expect(payableFen(line, 1_000_000)).toBe(900_000);
    expect(payableFen({ ...line, perClaimLimitFen: 899_999 }, 1_000_000)).toBe(899_999);
    expect(payableFen({ ...line, payoutRatioBps: 5_000 }, 100_001)).toBe(0); // floor(0.5)
    expect(payableFen({ ...line, payoutRatioBps: 5_000 }, 100_003)).toBe(1); // floor(1.5)
  });
});
