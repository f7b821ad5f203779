import { describe, expect, it } from 'vitest';
import {
  type ClaimPaidFact,
  countedFenOf,
  DRILLABLE_FIGURES,
  FIGURE_RECORDS,
  financingFigures,
  historyPoint,
  isLoanRecordOf,
  isRecordOf,
  type LoanRecord,
  loanFigureValue,
  type PledgeRegisteredFact,
  type PolicyIssuedFact,
  type StatsSnapshot,
} from '../../shared/domain/statistics.js';

const pledge = (over: Partial<PledgeRegisteredFact> = {}): PledgeRegisteredFact => ({
  pledgeId: 'p',
  registeredAt: '2026-05-31T16:30:00.000Z', // 2026-06-01 in Shanghai
  applicant: 'A',
  divisionCode: '330782',
  lenderId: 'bank-a',
  amountFen: 1_000_000_000,
  ...over,
});
const policy: PolicyIssuedFact = {
  policyId: 'po',
  issuedAt: '2026-02-01T00:00:00.000Z',
  holder: 'A',
  insurerId: 'picc',
  coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1 }],
  premiumFen: 1,
};
const claim: ClaimPaidFact = {
  claimId: 'c',
  paidAt: '2026-03-01T00:00:00.000Z',
  policyId: 'po',
  line: 'infringement_loss',
  paidFen: 1,
};

describe('the records behind a figure', () => {
  it('maps every drillable figure to the facts it counts', () => {
    expect(DRILLABLE_FIGURES.filter((f) => FIGURE_RECORDS[f] === 'pledge')).toEqual(
      DRILLABLE_FIGURES.filter(
        (f) => f.startsWith('financing.') && !/outstanding|overdue|nonPerforming/.test(f),
      ),
    );
    expect(DRILLABLE_FIGURES.filter((f) => FIGURE_RECORDS[f] === 'loan')).toEqual([
      'financing.outstandingAmountFen',
      'financing.outstandingPrincipalFen',
      'financing.outstandingPrincipalByLender',
      'financing.outstandingPrincipalByDivision',
      'financing.overdueAmountFen',
      'financing.overdueByLender',
      'financing.overdueByDivision',
      'financing.nonPerformingAmountFen',
      'financing.nonPerformingByLender',
      'financing.nonPerformingByDivision',
    ]);
    expect(DRILLABLE_FIGURES.filter((f) => FIGURE_RECORDS[f] === 'loss_ratio')).toEqual([
      'insurance.lossRatioBps',
      'insurance.lossRatioBpsByLine',
      'insurance.lossRatioBpsByInsurer',
    ]);
    expect(DRILLABLE_FIGURES.filter((f) => FIGURE_RECORDS[f] === 'claim')).toEqual([
      'insurance.claimsPaidFen',
      'insurance.claimsPaidByLine',
      'insurance.claimsPaidByInsurer',
    ]);
  });

  it('narrows registrations by division (330700 and the nine, else other), lender and Shanghai month', () => {
    const f = 'financing.byDivision';
    expect(isRecordOf(f, pledge(), {})).toBe(true);
    expect(isRecordOf(f, pledge(), { division: '330782', lender: 'bank-a', month: '2026-06' })).toBe(true);
    expect(isRecordOf(f, pledge(), { month: '2026-05' })).toBe(false);
    expect(isRecordOf(f, pledge(), { lender: 'bank-b' })).toBe(false);
    expect(isRecordOf(f, pledge(), { division: '330702' })).toBe(false);
    expect(isRecordOf(f, pledge({ divisionCode: '330700' }), { division: '330700' })).toBe(true);
    expect(isRecordOf(f, pledge({ divisionCode: '110108' }), { division: 'other' })).toBe(true);
    expect(isRecordOf(f, pledge({ divisionCode: '110108' }), { division: '110108' })).toBe(false);
  });

  it('counts a registration in the month of its business date, not of the wall-clock instant', () => {
    // Registered on a moved business date (a catch-up run, the seed's past months): the instant is December's.
    const late = pledge({ registeredAt: '2026-12-04T10:00:00.000Z', registeredOn: '2026-05-20' });
    expect(isRecordOf('financing.byMonth', late, { month: '2026-05' })).toBe(true);
    expect(isRecordOf('financing.byMonth', late, { month: '2026-12' })).toBe(false);
    const figures = financingFigures([late, pledge()], 0, 2026, '2026-06-30');
    expect(figures.byMonth).toEqual({
      '2026-01': 0,
      '2026-02': 0,
      '2026-03': 0,
      '2026-04': 0,
      '2026-05': 1_000_000_000,
      '2026-06': 1_000_000_000,
    });
  });

  it('counts only inclusive loans (≤ 1000万元) and first-time borrowing in their figures', () => {
    expect(isRecordOf('financing.inclusiveCount', pledge(), {})).toBe(true);
    expect(isRecordOf('financing.inclusiveAmountFen', pledge({ amountFen: 1_000_000_001 }), {})).toBe(false);
    expect(isRecordOf('financing.registeredCount', pledge({ amountFen: 1_000_000_001 }), {})).toBe(true);
    expect(isRecordOf('financing.firstTimeBorrowers', pledge(), {})).toBe(false);
    expect(isRecordOf('financing.firstTimeBorrowers', pledge({ firstTime: true }), {})).toBe(true);
  });

  it('narrows policies by line, insurer and month, and claim payments by theirs', () => {
    expect(
      isRecordOf('insurance.byLine', policy, { line: 'enforcement_cost', insurer: 'picc', month: '2026-02' }),
    ).toBe(true);
    expect(isRecordOf('insurance.byLine', policy, { line: 'infringement_loss' })).toBe(false);
    expect(isRecordOf('insurance.premiumFen', policy, { insurer: 'cpic' })).toBe(false);
    expect(isRecordOf('insurance.premiumFen', policy, { month: '2026-03' })).toBe(false);
    // Facts from before the insurer was recorded count under '-'.
    const { insurerId: _, ...old } = policy;
    expect(isRecordOf('insurance.premiumByInsurer', old, { insurer: '-' })).toBe(true);
    expect(
      isRecordOf('insurance.claimsPaidByLine', claim, {
        line: 'infringement_loss',
        insurer: '-',
        month: '2026-03',
      }),
    ).toBe(true);
    expect(isRecordOf('insurance.claimsPaidFen', claim, { line: 'enforcement_cost' })).toBe(false);
    expect(isRecordOf('insurance.claimsPaidFen', { ...claim, insurerId: 'picc' }, { insurer: 'cpic' })).toBe(
      false,
    );
    expect(isRecordOf('insurance.claimsPaidFen', claim, { month: '2026-04' })).toBe(false);
  });

  it('takes a history point’s figures from its snapshot', () => {
    const s = {
      date: '2026-03-01',
      financing: {
        registeredCount: 2,
        registeredAmountFen: 3,
        outstandingAmountFen: 4,
        enterprisesFinanced: 9,
      },
      insurance: { policiesIssued: 5, sumInsuredFen: 6, premiumFen: 9 },
    } as unknown as StatsSnapshot;
    expect(historyPoint(s)).toEqual({
      date: '2026-03-01',
      financing: { registeredCount: 2, registeredAmountFen: 3, outstandingAmountFen: 4 },
      insurance: { policiesIssued: 5, sumInsuredFen: 6 },
    });
  });
});

describe('the records behind the loan book and the loss ratio', () => {
  const loan = (over: Partial<LoanRecord> = {}): LoanRecord => ({
    pledgeId: 'p1',
    lenderId: 'bank-a',
    divisionCode: '330782',
    status: 'active',
    outstandingAmountFen: 500,
    outstandingPrincipalFen: 400,
    overdueFen: 0,
    nonPerformingFen: 0,
    ...over,
  });

  it('lists a loan under a loan-book figure only when it holds a part of it, in the division and lender asked', () => {
    expect(loanFigureValue('financing.outstandingAmountFen', loan())).toBe(500);
    expect(loanFigureValue('financing.outstandingPrincipalByLender', loan())).toBe(400);
    expect(loanFigureValue('financing.overdueByDivision', loan({ overdueFen: 400 }))).toBe(400);
    expect(loanFigureValue('financing.nonPerformingAmountFen', loan({ nonPerformingFen: 7 }))).toBe(7);
    expect(isLoanRecordOf('financing.overdueAmountFen', loan(), {})).toBe(false);
    expect(isLoanRecordOf('financing.overdueAmountFen', loan({ overdueFen: 1 }), {})).toBe(true);
    expect(isLoanRecordOf('financing.outstandingPrincipalByLender', loan(), { lender: 'bank-b' })).toBe(
      false,
    );
    expect(isLoanRecordOf('financing.outstandingPrincipalByDivision', loan(), { division: '330782' })).toBe(
      true,
    );
    expect(isLoanRecordOf('financing.outstandingPrincipalByDivision', loan(), { division: '330702' })).toBe(
      false,
    );
    expect(
      isLoanRecordOf('financing.outstandingPrincipalByDivision', loan({ divisionCode: '110108' }), {
        division: 'other',
      }),
    ).toBe(true);
  });

  it('counts a policy’s premium (its line’s share when narrowed by line) and a payment’s amount', () => {
    const policy = {
      policyId: 'po',
      issuedAt: '2026-12-04T10:00:00.000Z',
      issuedOn: '2026-03-02',
      holder: 'h',
      coverages: [
        { line: 'infringement_loss', sumInsuredFen: 1 },
        { line: 'enforcement_cost', sumInsuredFen: 2 },
      ],
      premiumFen: 100,
    };
    expect(countedFenOf('insurance.lossRatioBps', policy, {})).toBe(100);
    // floor(100 × 2 / 3) = 66; the first line takes floor(100 / 3) = 33 and the rest, 1.
    expect(countedFenOf('insurance.lossRatioBpsByLine', policy, { line: 'enforcement_cost' })).toBe(66);
    expect(countedFenOf('insurance.lossRatioBpsByLine', policy, { line: 'infringement_loss' })).toBe(34);
    expect(countedFenOf('insurance.lossRatioBps', claim, {})).toBe(1);
    expect(countedFenOf('insurance.premiumFen', policy, {})).toBeUndefined();
    // A loss ratio's records are its policies and its payments, each narrowed on its own terms.
    expect(isRecordOf('insurance.lossRatioBps', policy, { month: '2026-03' })).toBe(true);
    expect(isRecordOf('insurance.lossRatioBps', policy, { month: '2026-12' })).toBe(false);
    expect(isRecordOf('insurance.lossRatioBps', claim, { line: 'infringement_loss' })).toBe(true);
    expect(isRecordOf('insurance.lossRatioBps', claim, { line: 'enforcement_cost' })).toBe(false);
  });

  it('counts a claim payment in the month of its business date', () => {
    const paid = { ...claim, paidAt: '2026-12-04T10:00:00.000Z', paidOn: '2026-04-30' };
    expect(isRecordOf('insurance.claimsPaidFen', paid, { month: '2026-04' })).toBe(true);
    expect(isRecordOf('insurance.claimsPaidFen', paid, { month: '2026-12' })).toBe(false);
  });
});
