/**
 * What each aggregate contributes to the statistics (contributions.ts) and what a transition must write: facts
 * only added, the outstanding financing moved by its difference, an enterprise's totals once, designations counted
 * up and down. The expected records are written out here field by field.
 */
import { describe, expect, it } from 'vitest';
import {
  type Contribution,
  claimContribution,
  designationContribution,
  pledgeContribution,
  policyContribution,
  statsChange,
} from '../../shared/domain/contributions.js';
import type { Designation } from '../../shared/domain/designation.js';
import type { Pledge } from '../../shared/domain/pledge.js';
import type { Claim, Policy } from '../../shared/domain/policy.js';

const YIWU = '91330782MA2A00001X'; // division 330782

const pledge = (over: Partial<Pledge> = {}): Pledge =>
  ({
    id: 'p1',
    applicant: YIWU,
    lenderId: 'bank1',
    status: 'registered',
    approvedAmountFen: 5_000_000,
    registeredAt: '2026-12-31T17:00:00.000Z', // 2027-01-01 01:00 in Shanghai
    ...over,
  }) as Pledge;

describe('a pledge’s contribution', () => {
  it('counts nothing before it is approved and registered', () => {
    expect(pledgeContribution(pledge({ approvedAmountFen: undefined }))).toStrictEqual({});
    expect(pledgeContribution(pledge({ registeredAt: undefined }))).toStrictEqual({});
  });

  it('a registered pledge: its fact in the year of the registration’s business date, the applicant’s total', () => {
    expect(pledgeContribution(pledge({ registeredOn: '2026-12-31' }))).toStrictEqual({
      pledgeRegistered: {
        pledgeId: 'p1',
        registeredAt: '2026-12-31T17:00:00.000Z',
        applicant: YIWU,
        divisionCode: '330782',
        lenderId: 'bank1',
        amountFen: 5_000_000,
        registeredOn: '2026-12-31',
        year: 2026,
      },
      enterprise: { uscc: YIWU, pledgeRegisteredFen: 5_000_000 },
    });
    // Without the business date: the instant's year in Shanghai, and no business date on the fact.
    expect(pledgeContribution(pledge()).pledgeRegistered?.year).toBe(2027);
    expect(pledgeContribution(pledge()).pledgeRegistered).not.toHaveProperty('registeredOn');
  });

  it('marks a first-time borrower, and counts an active loan as outstanding', () => {
    const active = pledgeContribution(pledge({ status: 'active', firstRegistration: true }));
    expect(active.pledgeRegistered).toMatchObject({ firstTime: true });
    expect(active.outstanding).toStrictEqual({ pledgeId: 'p1', amountFen: 5_000_000 });
    const plain = pledgeContribution(pledge({ firstRegistration: false }));
    expect(plain.pledgeRegistered).not.toHaveProperty('firstTime');
    expect(plain).not.toHaveProperty('outstanding');
    expect(pledgeContribution(pledge({ status: 'repaid' }))).not.toHaveProperty('outstanding');
  });
});

describe('a policy’s and a claim’s contribution', () => {
  const policy = (over: Partial<Policy> = {}): Policy =>
    ({
      id: 'po1',
      holder: YIWU,
      insurerId: 'ins1',
      coverages: [
        { line: 'enforcement_cost', sumInsuredFen: 300_000, deductibleFen: 10_000, payoutRatioBps: 8_000 },
        { line: 'infringement_loss', sumInsuredFen: 700_000, deductibleFen: 0 },
      ],
      issuedAt: '2026-05-01T02:00:00.000Z',
      premiumFen: 12_000,
      ...over,
    }) as Policy;

  it('an issued policy: its fact with each line’s sum insured, the holder’s total', () => {
    expect(policyContribution(policy({ issuedAt: undefined }))).toStrictEqual({});
    expect(policyContribution(policy({ premiumSubsidyFen: 3_000 }))).toStrictEqual({
      policyIssued: {
        policyId: 'po1',
        issuedAt: '2026-05-01T02:00:00.000Z',
        holder: YIWU,
        insurerId: 'ins1',
        coverages: [
          { line: 'enforcement_cost', sumInsuredFen: 300_000 },
          { line: 'infringement_loss', sumInsuredFen: 700_000 },
        ],
        premiumFen: 12_000,
        premiumSubsidyFen: 3_000,
      },
      enterprise: { uscc: YIWU, sumInsuredFen: 300_000 + 700_000 },
    });
    const unpriced = policyContribution(policy({ premiumFen: undefined, premiumSubsidyFen: 0 }));
    expect(unpriced.policyIssued?.premiumFen).toBe(0);
    expect(unpriced.policyIssued).not.toHaveProperty('premiumSubsidyFen');
  });

  const claim = (over: Partial<Claim> = {}): Claim =>
    ({
      id: 'c1',
      policyId: 'po1',
      insurerId: 'ins1',
      line: 'enforcement_cost',
      updatedAt: '2026-07-01T00:00:00.000Z',
      ...over,
    }) as Claim;

  it('a claim counts each payment, numbered from 1, in order', () => {
    expect(claimContribution(claim())).toStrictEqual({});
    expect(
      claimContribution(
        claim({
          payments: [
            { at: '2026-06-01T00:00:00.000Z', amountFen: 100 },
            { at: '2027-01-02T00:00:00.000Z', amountFen: 50 },
          ],
        }),
      ),
    ).toStrictEqual({
      claimPayments: [
        {
          claimId: 'c1',
          seq: 1,
          paidAt: '2026-06-01T00:00:00.000Z',
          policyId: 'po1',
          insurerId: 'ins1',
          line: 'enforcement_cost',
          paidFen: 100,
        },
        {
          claimId: 'c1',
          seq: 2,
          paidAt: '2027-01-02T00:00:00.000Z',
          policyId: 'po1',
          insurerId: 'ins1',
          line: 'enforcement_cost',
          paidFen: 50,
        },
      ],
    });
    // A v1 settlement is one payment at its settlement.
    expect(
      claimContribution(claim({ paidFen: 70, settledAt: '2026-08-01T00:00:00.000Z' })).claimPayments,
    ).toEqual([expect.objectContaining({ seq: 1, paidFen: 70, paidAt: '2026-08-01T00:00:00.000Z' })]);
  });

  it('an active designation counts for its level, any other status not at all', () => {
    const d = (status: string) => ({ status, level: 'national_demonstration' }) as unknown as Designation;
    expect(designationContribution(d('active'))).toStrictEqual({
      activeDesignation: 'national_demonstration',
    });
    expect(designationContribution(d('cancelled'))).toStrictEqual({});
  });
});

describe('what a transition writes', () => {
  // Computed inside each test, so that a mutation testing run sees the mutated code compute them.
  const as = (status: Pledge['status']) => pledgeContribution(pledge({ registeredOn: '2026-12-31', status }));

  it('nothing when nothing changed', () => {
    const active = as('active');
    expect(statsChange({}, {})).toStrictEqual({ facts: {} });
    expect(statsChange(active, active)).toStrictEqual({ facts: {} });
  });

  it('the registration fact and the enterprise total once, when the pledge is registered', () => {
    const registered = as('registered');
    expect(statsChange({}, registered)).toStrictEqual({
      facts: { pledgeRegistered: registered.pledgeRegistered },
      enterprise: registered.enterprise,
    });
  });

  it('the outstanding amount in at disbursement, out at repayment, by the pledge’s id', () => {
    const [registered, active, repaid] = [as('registered'), as('active'), as('repaid')];
    expect(statsChange(registered, active)).toStrictEqual({
      facts: {},
      outstanding: { pledgeId: 'p1', deltaFen: 5_000_000 },
    });
    expect(statsChange(active, repaid)).toStrictEqual({
      facts: {},
      outstanding: { pledgeId: 'p1', deltaFen: -5_000_000 },
    });
    // An amount that changed while outstanding moves by the difference.
    const more: Contribution = { outstanding: { pledgeId: 'p1', amountFen: 6_000_000 } };
    expect(
      statsChange({ outstanding: { pledgeId: 'p1', amountFen: 5_000_000 } }, more).outstanding,
    ).toStrictEqual({
      pledgeId: 'p1',
      deltaFen: 1_000_000,
    });
  });

  it('only the payments not yet written', () => {
    const one = { claimPayments: [{ seq: 1 }] } as unknown as Contribution;
    const three = { claimPayments: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] } as unknown as Contribution;
    expect(statsChange({}, three).facts.claimPayments).toEqual([{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
    expect(statsChange(one, three).facts.claimPayments).toEqual([{ seq: 2 }, { seq: 3 }]);
    expect(statsChange(three, three).facts).not.toHaveProperty('claimPayments');
  });

  it('the policy fact once', () => {
    const issued = { policyIssued: { policyId: 'po1' } } as unknown as Contribution;
    expect(statsChange({}, issued).facts.policyIssued).toBe(issued.policyIssued);
    expect(statsChange(issued, issued).facts).not.toHaveProperty('policyIssued');
  });

  it('a designation counted up when it becomes active and down when it stops being so', () => {
    const on: Contribution = { activeDesignation: 'provincial_demonstration' as never };
    expect(statsChange({}, on).designations).toStrictEqual({ level: 'provincial_demonstration', delta: 1 });
    expect(statsChange(on, {}).designations).toStrictEqual({ level: 'provincial_demonstration', delta: -1 });
    expect(statsChange(on, on)).not.toHaveProperty('designations');
  });
});
