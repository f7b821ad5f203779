import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import {
  coverageViews,
  generatedPolicyNumber,
  mayActOnPolicy,
  mayReadPolicy,
  newClaim,
  type Policy,
  paymentsOf,
  policyActionChanges,
  policyHistoryEvent,
  premiumRefund,
  renewalApplication,
  renewalDue,
} from '../../shared/domain/policy.js';

const HOLDER = '91330784147123451K';
const now = new Date('2026-11-27T04:00:00.000Z');
/** An active policy of 2026 (365 days), premium 36 500, one plain line and a guarantee line. */
const policy = (over: Partial<Policy> = {}): Policy => ({
  id: 'po-12345678-abcd',
  holder: HOLDER,
  insurerId: 'picc',
  assetIds: ['a1'],
  coverages: [
    { line: 'enforcement_cost', sumInsuredFen: 1_000, deductibleFen: 10 },
    { line: 'pledge_guarantee', sumInsuredFen: 5_000, deductibleFen: 0 },
  ],
  paid: { enforcement_cost: 300 },
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  pledgeId: 'p1',
  beneficiaryLenderId: 'bank-1',
  status: 'active',
  premiumFen: 36_500,
  claimCount: 0,
  version: 2,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  ...over,
});

describe('who reads and acts on a policy', () => {
  it('lets its parties read it, the office too, and the guarantee’s bank; only the parties act', () => {
    const p = policy();
    const cases: [Parameters<typeof mayReadPolicy>[0], boolean, boolean][] = [
      [{ role: 'enterprise', org: HOLDER.toLowerCase() }, true, true],
      [{ role: 'enterprise', org: '91330782MA2A00001X' }, false, false],
      [{ role: 'insurer', org: 'picc' }, true, true],
      [{ role: 'insurer', org: 'cpic' }, false, false],
      [{ role: 'lender', org: 'bank-1' }, true, true],
      [{ role: 'lender', org: 'bank-2' }, false, false],
      [{ role: 'ipoffice', org: null }, true, false],
      [{ role: 'system', org: null }, false, false],
    ];
    for (const [actor, reads, acts] of cases) {
      expect(mayReadPolicy(actor, p), JSON.stringify(actor)).toBe(reads);
      expect(mayActOnPolicy(actor, p), JSON.stringify(actor)).toBe(acts);
    }
    // Without a guarantee, no bank reads it.
    const { beneficiaryLenderId: _, ...plain } = p;
    expect(mayReadPolicy({ role: 'lender', org: 'bank-1' }, plain)).toBe(false);
  });
});

describe('what the policy actions store', () => {
  it('issues with the premium, a generated number, and the city’s part when a subsidy applies', () => {
    const applied = policy({ status: 'applied', premiumFen: undefined });
    const issued = policyActionChanges(
      applied,
      'issue',
      { premiumFen: 10_001 },
      { now, today: '2026-11-27', premiumSubsidyBps: 3_000 },
    );
    expect(issued.fields).toEqual({
      premiumFen: 10_001,
      policyNumber: 'PICC-2026-PO12345678',
      issuedAt: now.toISOString(),
      // The business date: the month and year the statistics count the policy in.
      issuedOn: '2026-11-27',
      premiumSubsidyFen: 3_000, // floor(10 001 × 0.3)
      premiumPayableFen: 7_001,
    });
    expect(issued.data).toMatchObject({ premiumFen: 10_001, premiumSubsidyFen: 3_000 });
    const own = policyActionChanges(
      applied,
      'issue',
      { premiumFen: 1, policyNumber: 'X-1' },
      { now, today: '2026-11-27' },
    );
    expect(own.fields).toEqual({
      premiumFen: 1,
      policyNumber: 'X-1',
      issuedAt: now.toISOString(),
      issuedOn: '2026-11-27',
    });
    expect(() =>
      policyActionChanges(applied, 'issue', { premiumFen: 1 }, { now, today: '2027-01-01' }),
    ).toThrow(DomainError);
  });

  it('ends an active policy early with the day cover ended and the unexpired premium back', () => {
    // 2026-11-27: 34 days left of 365 → floor(36 500 × 34 / 365) = 3 400.
    const cancelled = policyActionChanges(policy(), 'cancel', {}, { now, today: '2026-11-27' });
    expect(cancelled.fields).toEqual({ cancelledOn: '2026-11-27', cancelledBy: 'holder', refundFen: 3_400 });
    expect(cancelled.data).toEqual({ refundFen: 3_400 });
    const terminated = policyActionChanges(
      policy(),
      'terminate',
      { reason: 'Fraud' },
      { now, today: '2026-11-27' },
    );
    expect(terminated.fields).toEqual({
      cancelReason: 'Fraud',
      cancelledOn: '2026-11-27',
      cancelledBy: 'insurer',
      refundFen: 3_400,
    });
    // Withdrawing an application refunds nothing and ends no cover.
    const withdrawn = policyActionChanges(
      policy({ status: 'applied' }),
      'cancel',
      { reason: 'r' },
      { now, today: '2026-11-27' },
    );
    expect(withdrawn).toEqual({ fields: { cancelReason: 'r' }, data: { reason: 'r' } });
    expect(policyActionChanges(policy(), 'decline', { reason: 'No' }, { now, today: '2026-11-27' })).toEqual({
      fields: { declineReason: 'No' },
      data: { reason: 'No' },
    });
  });

  it('refunds pro rata, all of it before the period, none after it, exactly for large premiums', () => {
    expect(premiumRefund(policy(), '2025-06-01')).toBe(36_500);
    expect(premiumRefund(policy(), '2026-12-31')).toBe(0);
    expect(premiumRefund(policy(), '2027-03-01')).toBe(0);
    expect(premiumRefund(policy(), '2026-01-01')).toBe(36_400);
    expect(premiumRefund(policy({ premiumFen: undefined }), '2026-06-01')).toBe(0);
    const big = Number.MAX_SAFE_INTEGER;
    expect(premiumRefund(policy({ premiumFen: big }), '2026-12-30')).toBe(Number(BigInt(big) / 365n));
  });
});

describe('claims and their payments', () => {
  it('files the claimant’s claim with its line’s cover, the guarantee’s bank as beneficiary', () => {
    const input = {
      line: 'pledge_guarantee' as const,
      claimedFen: 9,
      incidentDate: '2026-11-01',
      description: 'd',
    };
    const claim = newClaim(policy(), input, { id: 'c1', now, claimant: { role: 'lender', org: 'bank-1' } });
    expect(claim).toEqual({
      id: 'c1',
      policyId: 'po-12345678-abcd',
      holder: HOLDER,
      insurerId: 'picc',
      beneficiaryLenderId: 'bank-1',
      claimant: { role: 'lender', org: 'bank-1' },
      ...input,
      status: 'filed',
      coverage: { line: 'pledge_guarantee', sumInsuredFen: 5_000, deductibleFen: 0 },
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    const own = newClaim(
      policy(),
      { ...input, line: 'enforcement_cost' },
      {
        id: 'c2',
        now,
        claimant: { role: 'enterprise', org: HOLDER },
      },
    );
    expect(own.beneficiaryLenderId).toBeUndefined();
  });

  it('lists payments, reading a v1 settlement as one payment', () => {
    const at = now.toISOString();
    expect(paymentsOf({ payments: [{ at, amountFen: 5 }], updatedAt: at })).toEqual([{ at, amountFen: 5 }]);
    expect(paymentsOf({ paidFen: 7, settledAt: 's', updatedAt: at })).toEqual([{ at: 's', amountFen: 7 }]);
    expect(paymentsOf({ paidFen: 7, updatedAt: at })).toEqual([{ at, amountFen: 7 }]);
    expect(paymentsOf({ paidFen: 0, updatedAt: at })).toEqual([]);
    expect(paymentsOf({ updatedAt: at })).toEqual([]);
  });

  it('shows each line with what it has paid, and history steps with their details only', () => {
    expect(coverageViews(policy()).map((c) => c.paidFen)).toEqual([300, 0]);
    const entry = {
      at: 't',
      action: 'pay_in_part',
      from: 'assessed',
      to: 'partially_paid',
      actor: { role: 'insurer' as const, org: 'picc' },
      version: 3,
      data: { amountFen: 5, paidFen: 5, other: 1 },
    };
    expect(policyHistoryEvent(entry as never)).toEqual({
      at: 't',
      action: 'pay_in_part',
      from: 'assessed',
      to: 'partially_paid',
      actor: { role: 'insurer', org: 'picc' },
      version: 3,
      amountFen: 5,
      paidFen: 5,
    });
    expect(generatedPolicyNumber('picc', '2027-01-05', 'ab-cd-ef-gh-ij-kl')).toBe('PICC-2027-ABCDEFGHIJ');
  });
});

describe('renewals', () => {
  it('offers a renewal once, to an active policy ending after today and within 30 days', () => {
    const p = policy(); // ends 2026-12-31
    expect(renewalDue(p, '2026-12-01')).toBe(true); // 30 days left
    expect(renewalDue(p, '2026-11-30')).toBe(false); // 31
    expect(renewalDue(p, '2026-12-30')).toBe(true); // 1
    expect(renewalDue(p, '2026-12-31')).toBe(false); // 0: it ends today
    expect(renewalDue(policy({ renewalOfferedOn: '2026-12-01' }), '2026-12-02')).toBe(false);
    expect(renewalDue(policy({ renewedBy: 'po-2' }), '2026-12-02')).toBe(false);
    expect(renewalDue(policy({ status: 'cancelled' }), '2026-12-02')).toBe(false);
  });

  it('applies for the same insurer, rights, pledge and lines from the day after, or new lines', () => {
    expect(renewalApplication(policy(), { periodEnd: '2027-12-31' })).toEqual({
      insurerId: 'picc',
      assetIds: ['a1'],
      coverages: policy().coverages,
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
      pledgeId: 'p1',
    });
    const lines = [{ line: 'enforcement_cost' as const, sumInsuredFen: 9 }];
    const { pledgeId: _, ...plain } = policy();
    expect(renewalApplication(plain as Policy, { periodEnd: '2027-06-30', coverages: lines })).toEqual({
      insurerId: 'picc',
      assetIds: ['a1'],
      coverages: lines,
      periodStart: '2027-01-01',
      periodEnd: '2027-06-30',
    });
  });
});
