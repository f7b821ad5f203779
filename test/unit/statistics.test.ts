import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { designationTransition, lockEffect, reviewRefusal } from '../../shared/domain/designation.js';
import {
  applyRepayment,
  owedOn,
  REGULATOR_CLASSIFICATION_DAYS,
  startLoan,
} from '../../shared/domain/loan.js';
import {
  addExact,
  buildSnapshot,
  diffSnapshots,
  divisionKey,
  flattenSnapshot,
  inForceOn,
  JINHUA_DIVISIONS,
  type LoanBookEntry,
  loanBookEntry,
  premiumByLineOf,
  StatisticsOverflow,
  shanghaiMonth,
  shanghaiYear,
  sumExact,
  toCsv,
} from '../../shared/domain/statistics.js';
import { statsInputs as inputs, pledgeFact as pledge } from '../support/stats-fixtures.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('division keys', () => {
  it('keeps the municipal level (330700) and each of Jinhua’s nine county codes, and reports everything else as "other"', () => {
    for (const code of JINHUA_DIVISIONS) expect(divisionKey(code)).toBe(code);
    expect(JINHUA_DIVISIONS).toHaveLength(9);
    expect(divisionKey('330700')).toBe('330700');
    for (const code of ['110000', '330701', '440300', '']) expect(divisionKey(code)).toBe('other');
  });

  it('counts inclusive loans (≤ 1000万元) and first-time borrowers among the year’s registrations', () => {
    const s = buildSnapshot(
      inputs({
        pledges: [
          pledge({ pledgeId: 'a', amountFen: 1_000_000_000, firstTime: true }),
          pledge({ pledgeId: 'b', amountFen: 1_000_000_001 }),
          pledge({ pledgeId: 'c', amountFen: 7, applicant: 'other-co', firstTime: true }),
          pledge({ pledgeId: 'd', amountFen: 9, applicant: 'other-co' }),
        ],
        interestSubsidyFen: 123,
      }),
    );
    expect(s.financing).toMatchObject({
      inclusiveCount: 3,
      inclusiveAmountFen: 1_000_000_016,
      firstTimeBorrowers: 2,
    });
    expect(s.subsidies).toEqual({ interestSubsidyFen: 123 });
  });

  it('byDivision always lists the municipal level, the nine counties and "other", summing amounts per key', () => {
    const s = buildSnapshot(
      inputs({
        pledges: [
          pledge({ pledgeId: 'a', divisionCode: '330782', amountFen: 5 }),
          pledge({ pledgeId: 'b', divisionCode: '330782', amountFen: 7 }),
          pledge({ pledgeId: 'c', divisionCode: '110000', amountFen: 11 }),
          pledge({ pledgeId: 'd', divisionCode: '440300', amountFen: 13 }),
        ],
      }),
    );
    expect(Object.keys(s.financing.byDivision).sort()).toEqual(
      ['330700', ...JINHUA_DIVISIONS, 'other'].sort(),
    );
    expect(s.financing.byDivision['330782']).toBe(12);
    expect(s.financing.byDivision.other).toBe(24);
    expect(s.financing.byDivision['330702']).toBe(0);
  });
});

describe('financing figures', () => {
  it('counts distinct applicants, sums by lender, and keys months in Asia/Shanghai', () => {
    const s = buildSnapshot(
      inputs({
        pledges: [
          // 2026-01-31 16:30 UTC is already 1 February in Shanghai.
          pledge({ pledgeId: 'a', applicant: 'X', lenderId: 'l1', registeredAt: '2026-01-31T16:30:00.000Z' }),
          pledge({ pledgeId: 'b', applicant: 'X', lenderId: 'l2', registeredAt: '2026-01-31T15:59:59.999Z' }),
          pledge({ pledgeId: 'c', applicant: 'Y', lenderId: 'l1', registeredAt: '2026-06-01T00:00:00.000Z' }),
        ],
        outstandingFen: 42,
      }),
    );
    expect(s.financing.registeredCount).toBe(3);
    expect(s.financing.registeredAmountFen).toBe(300);
    expect(s.financing.enterprisesFinanced).toBe(2);
    expect(s.financing.outstandingAmountFen).toBe(42);
    expect(s.financing.byLender).toEqual({ l1: 200, l2: 100 });
    expect(s.financing.byMonth).toEqual({
      '2026-01': 100,
      '2026-02': 100,
      '2026-03': 0,
      '2026-04': 0,
      '2026-05': 0,
      '2026-06': 100,
    });
  });

  it('the Shanghai year and month of an instant', () => {
    expect(shanghaiYear('2025-12-31T16:00:00.000Z')).toBe(2026);
    expect(shanghaiYear('2025-12-31T15:59:59.999Z')).toBe(2025);
    expect(shanghaiMonth('2026-02-28T16:00:00.000Z')).toBe('2026-03');
  });

  it('sums big amounts exactly to the fen near 2^53', () => {
    const big = 2 ** 52 + 1;
    const s = buildSnapshot(
      inputs({
        pledges: [
          pledge({ pledgeId: 'a', amountFen: big }),
          pledge({ pledgeId: 'b', amountFen: MAX - big - 3 }),
          pledge({ pledgeId: 'c', amountFen: 3 }),
        ],
      }),
    );
    expect(s.financing.registeredAmountFen).toBe(MAX);
    expect(s.financing.byDivision['330782']).toBe(MAX);
  });

  it('refuses a total beyond Number.MAX_SAFE_INTEGER, naming the figure', () => {
    expect(() =>
      buildSnapshot(
        inputs({
          pledges: [pledge({ pledgeId: 'a', amountFen: MAX }), pledge({ pledgeId: 'b', amountFen: 1 })],
        }),
      ),
    ).toThrow(StatisticsOverflow);
    expect(() => sumExact([MAX, 1], 'x')).toThrow(/x exceeds Number.MAX_SAFE_INTEGER/);
    expect(() => addExact(MAX - 1, 2, 'y')).toThrow(StatisticsOverflow);
    expect(() => addExact(2 ** 53, 0, 'z')).toThrow(StatisticsOverflow);
    expect(addExact(MAX - 1, 1, 'ok')).toBe(MAX);
    expect(() => buildSnapshot(inputs({ outstandingFen: -1 }))).toThrow(StatisticsOverflow);
  });

  it('property: registeredAmountFen = Σ byDivision = Σ byLender = Σ byMonth, and distinct counts are exact', () => {
    const fact = fc.record({
      pledgeId: fc.uuid(),
      registeredAt: fc
        .integer({ min: Date.UTC(2025, 11, 31, 16), max: Date.UTC(2026, 11, 31, 15, 59, 59) })
        .map((t) => new Date(t).toISOString()),
      applicant: fc.constantFrom('A', 'B', 'C', 'D'),
      divisionCode: fc.constantFrom(...JINHUA_DIVISIONS, '110000', '440300'),
      lenderId: fc.constantFrom('l1', 'l2', 'l3'),
      amountFen: fc.integer({ min: 0, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 40 }), (pledges) => {
        const s = buildSnapshot(inputs({ date: '2026-12-31', pledges }));
        const total = pledges.reduce((sum, p) => sum + p.amountFen, 0);
        const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
        expect(s.financing.registeredAmountFen).toBe(total);
        expect(sum(s.financing.byDivision)).toBe(total);
        expect(sum(s.financing.byLender)).toBe(total);
        expect(sum(s.financing.byMonth)).toBe(total);
        expect(s.financing.enterprisesFinanced).toBe(new Set(pledges.map((p) => p.applicant)).size);
        expect(Object.keys(s.financing.byMonth)).toHaveLength(12);
      }),
    );
  });
});

describe('insurance, portfolio and designations', () => {
  it('sums coverages per line, counts distinct holders, premiums and claims', () => {
    const s = buildSnapshot(
      inputs({
        policies: [
          {
            policyId: 'p1',
            issuedAt: '2026-04-01T00:00:00Z',
            holder: 'X',
            coverages: [
              { line: 'enforcement_cost', sumInsuredFen: 1_000 },
              { line: 'infringement_loss', sumInsuredFen: 2_000 },
            ],
            premiumFen: 30,
          },
          {
            policyId: 'p2',
            issuedAt: '2026-05-01T00:00:00Z',
            holder: 'X',
            coverages: [{ line: 'enforcement_cost', sumInsuredFen: 500 }],
            premiumFen: 5,
          },
        ],
        claims: [
          {
            claimId: 'c1',
            paidAt: '2026-05-02T00:00:00Z',
            policyId: 'p1',
            line: 'enforcement_cost',
            paidFen: 70,
          },
        ],
      }),
    );
    expect(s.insurance).toEqual({
      policiesIssued: 2,
      insuredEnterprises: 1,
      sumInsuredFen: 3_500,
      premiumFen: 35,
      claimsPaidFen: 70,
      lossRatioBps: 20_000, // 70 paid on 35 of premium: 200%
      premiumSubsidyFen: 0,
      claimsPaidByLine: {
        application_cost: 0,
        enforcement_cost: 70,
        infringement_loss: 0,
        infringement_liability: 0,
        overseas_enforcement: 0,
        pledge_guarantee: 0,
      },
      // p1's 30 spread by sum insured: 10 on enforcement (1 000 of 3 000), 20 on loss; p2's 5 all on enforcement.
      premiumByLine: {
        application_cost: 0,
        enforcement_cost: 15,
        infringement_loss: 20,
        infringement_liability: 0,
        overseas_enforcement: 0,
        pledge_guarantee: 0,
      },
      lossRatioBpsByLine: {
        application_cost: 0,
        enforcement_cost: 46_666, // floor(70 × 10000 / 15)
        infringement_loss: 0,
        infringement_liability: 0,
        overseas_enforcement: 0,
        pledge_guarantee: 0,
      },
      // Facts without an insurer (written before it was recorded) count under '-'.
      premiumByInsurer: { '-': 35 },
      claimsPaidByInsurer: { '-': 70 },
      lossRatioBpsByInsurer: { '-': 20_000 },
      byLine: {
        application_cost: 0,
        enforcement_cost: 1_500,
        infringement_loss: 2_000,
        infringement_liability: 0,
        overseas_enforcement: 0,
        pledge_guarantee: 0,
      },
    });
  });

  it('spreads a premium over its lines by sum insured, the floors’ remainder to the first line', () => {
    const three = ['application_cost', 'enforcement_cost', 'infringement_loss'].map((line) => ({
      line,
      sumInsuredFen: 1,
    }));
    expect([...premiumByLineOf({ coverages: three, premiumFen: 10 })]).toEqual([
      ['application_cost', 4],
      ['enforcement_cost', 3],
      ['infringement_loss', 3],
    ]);
    // Large amounts stay exact: 2^53 − 1 over 1 : 2.
    const big = Number.MAX_SAFE_INTEGER;
    const split = premiumByLineOf({
      coverages: [
        { line: 'enforcement_cost', sumInsuredFen: 1 },
        { line: 'infringement_loss', sumInsuredFen: 2 },
      ],
      premiumFen: big,
    });
    expect(split.get('infringement_loss')).toBe(Number((BigInt(big) * 2n) / 3n));
    expect(split.get('enforcement_cost')! + split.get('infringement_loss')!).toBe(big);
  });

  it('in force today = Σ day counters with expiry on or after today', () => {
    const counts = [
      { expiresOn: '2026-06-15', n: 4 },
      { expiresOn: '2026-06-16', n: 2 },
      { expiresOn: '2040-01-01', n: 3 },
      { expiresOn: '2041-01-01', n: 0 },
    ];
    expect(inForceOn(counts, '2026-06-16', 'x')).toBe(5);
    expect(inForceOn(counts, '2026-06-15', 'x')).toBe(9);
  });

  it('lists every designation level, 0 when none is active', () => {
    const s = buildSnapshot(inputs({ activeDesignations: { national_demonstration: 9 } }));
    expect(s.designations).toEqual({
      national_demonstration: 9,
      national_advantage: 0,
      provincial_demonstration: 0,
      provincial_advantage: 0,
    });
  });
});

describe('CSV flattening and field-by-field comparison', () => {
  const snapshot = buildSnapshot(
    inputs({
      pledges: [pledge({ pledgeId: 'a', amountFen: 123, lenderId: 'bank,"quoted"' })],
      activeDesignations: { provincial_advantage: 2 },
    }),
  );

  it('writes metric,key,value rows with a header and RFC 4180 quoting', () => {
    const csv = toCsv(flattenSnapshot(snapshot));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('metric,key,value');
    expect(lines).toContain('financing.byDivision,330782,123');
    expect(lines).toContain('financing.registeredAmountFen,,123');
    expect(lines).toContain('portfolio.patentsInForce,utility_model,0');
    expect(lines).toContain('designations,provincial_advantage,2');
    expect(lines).toContain('year,,2026');
    expect(lines).toContain('financing.byLender,"bank,""quoted""",123');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('neutralises spreadsheet formulas in keys', () => {
    const rows = toCsv([{ metric: 'financing.byLender', key: '=cmd', value: 1 }]);
    expect(rows).toContain("financing.byLender,'=cmd,1");
  });

  it('finds no difference between equal snapshots (time stamps aside) and names each differing figure', () => {
    expect(diffSnapshots(snapshot, { ...snapshot, asOf: 'later' })).toEqual([]);
    const other = structuredClone(snapshot);
    other.financing.byDivision['330782'] = 122;
    other.designations.national_advantage = 1;
    expect(diffSnapshots(snapshot, other)).toEqual([
      { figure: 'financing.byDivision[330782]', expected: 123, actual: 122 },
      { figure: 'designations[national_advantage]', expected: 0, actual: 1 },
    ]);
  });
});

describe('designation state machine', () => {
  it('is table-driven: review pass keeps active, fail and revoke end it, revoked is final', () => {
    expect(designationTransition(null, 'designate', 'ipoffice')).toEqual({ ok: true, to: 'active' });
    expect(designationTransition('active', 'review_pass', 'ipoffice')).toEqual({ ok: true, to: 'active' });
    expect(designationTransition('active', 'review_fail', 'ipoffice')).toEqual({ ok: true, to: 'revoked' });
    expect(designationTransition('active', 'revoke', 'ipoffice')).toEqual({ ok: true, to: 'revoked' });
    for (const action of ['review_pass', 'review_fail', 'revoke'] as const)
      expect(designationTransition('revoked', action, 'ipoffice')).toEqual({
        ok: false,
        error: 'invalid_state',
      });
    expect(designationTransition('active', 'revoke', 'enterprise')).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(lockEffect(null, 'active')).toBe('take');
    expect(lockEffect('active', 'active')).toBe('keep');
    expect(lockEffect('active', 'revoked')).toBe('free');
  });

  it('a review assesses a year at or after the designation, once', () => {
    const d = {
      id: 'd',
      uscc: 'U',
      level: 'national_advantage' as const,
      year: 2023,
      status: 'active' as const,
      reviews: [
        {
          year: 2024,
          outcome: 'pass' as const,
          at: 't',
          by: { role: 'ipoffice' as const, org: null, sub: 's' },
        },
      ],
      history: [],
      version: 2,
      createdAt: 't',
      updatedAt: 't',
    };
    expect(reviewRefusal(d, 2022, 2026)?.kind).toBe('predates');
    expect(reviewRefusal(d, 2024, 2026)?.kind).toBe('duplicate');
    expect(reviewRefusal(d, 2025, 2026)).toBeUndefined();
    // The current year may be assessed, not the next one.
    expect(reviewRefusal(d, 2026, 2026)).toBeUndefined();
    expect(reviewRefusal(d, 2027, 2026)?.kind).toBe('future');
  });
});

describe('the loan book', () => {
  const lenders = ['bank-a', 'bank-b', 'bank-c'];
  const divisions = ['330702', '330782', '110000', '330700'];
  const entry = fc.record({
    pledgeId: fc.uuid(),
    lenderId: fc.constantFrom(...lenders),
    divisionCode: fc.constantFrom(...divisions),
    outstandingPrincipalFen: fc.integer({ min: 0, max: 10 ** 12 }),
    overdue: fc.boolean(),
    nonPerforming: fc.boolean(),
    defaulted: fc.boolean(),
  });

  it('sums outstanding, overdue and non-performing principal exactly, in total, by lender and by division', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (raw) => {
        const entries: LoanBookEntry[] = raw.map((r) => ({
          pledgeId: r.pledgeId,
          lenderId: r.lenderId,
          divisionCode: r.divisionCode,
          outstandingPrincipalFen: r.defaulted ? 0 : r.outstandingPrincipalFen,
          overdueFen: !r.defaulted && r.overdue ? r.outstandingPrincipalFen : 0,
          nonPerformingFen: r.defaulted || r.nonPerforming ? r.outstandingPrincipalFen : 0,
        }));
        const f = buildSnapshot(inputs({ loanBook: entries })).financing;
        // Brute force in BigInt, key by key.
        const total = (
          pick: (e: LoanBookEntry) => number,
          keep: (e: LoanBookEntry) => boolean = () => true,
        ) => Number(entries.filter(keep).reduce((sum, e) => sum + BigInt(pick(e)), 0n));
        const county = (code: string) =>
          code === '330700' || JINHUA_DIVISIONS.includes(code as never) ? code : 'other';
        expect(f.outstandingPrincipalFen).toBe(total((e) => e.outstandingPrincipalFen));
        expect(f.overdueAmountFen).toBe(total((e) => e.overdueFen));
        expect(f.nonPerformingAmountFen).toBe(total((e) => e.nonPerformingFen));
        for (const lender of lenders) {
          const mine = (e: LoanBookEntry) => e.lenderId === lender;
          const present = entries.some(mine);
          expect(f.outstandingPrincipalByLender[lender]).toBe(
            present ? total((e) => e.outstandingPrincipalFen, mine) : undefined,
          );
          expect(f.overdueByLender[lender]).toBe(present ? total((e) => e.overdueFen, mine) : undefined);
          expect(f.nonPerformingByLender[lender]).toBe(
            present ? total((e) => e.nonPerformingFen, mine) : undefined,
          );
        }
        for (const key of ['330700', ...JINHUA_DIVISIONS, 'other']) {
          const here = (e: LoanBookEntry) => county(e.divisionCode) === key;
          expect(f.outstandingPrincipalByDivision[key]).toBe(total((e) => e.outstandingPrincipalFen, here));
          expect(f.overdueByDivision[key]).toBe(total((e) => e.overdueFen, here));
          expect(f.nonPerformingByDivision[key]).toBe(total((e) => e.nonPerformingFen, here));
        }
      }),
    );
  });

  it('places a loan by its arrears: current, overdue, non-performing past 90 days, defaulted', () => {
    const disbursedOn = '2026-01-10';
    const loan = startLoan({
      repaymentType: 'equal_principal',
      annualRateBps: 400,
      penaltyFactorBps: 15_000,
      termMonths: 12,
      amountFen: 1_200_000,
      disbursedOn,
    });
    const pledge = { id: 'p', status: 'active', applicant: '91330782MA2A00001X', lenderId: 'bank-a', loan };
    const days = REGULATOR_CLASSIFICATION_DAYS;
    const firstDue = addMonths(disbursedOn, 1);
    // Before the first due date: all principal outstanding, nothing overdue.
    expect(loanBookEntry(pledge, addDays(firstDue, -1), days)).toEqual({
      pledgeId: 'p',
      lenderId: 'bank-a',
      divisionCode: '330782',
      outstandingPrincipalFen: 1_200_000,
      overdueFen: 0,
      nonPerformingFen: 0,
    });
    // A day late: overdue (special mention), still performing.
    expect(loanBookEntry(pledge, addDays(firstDue, 1), days)).toMatchObject({
      outstandingPrincipalFen: 1_200_000,
      overdueFen: 1_200_000,
      nonPerformingFen: 0,
    });
    // 91 days late: substandard, non-performing.
    expect(loanBookEntry(pledge, addDays(firstDue, 91), days)).toMatchObject({
      overdueFen: 1_200_000,
      nonPerformingFen: 1_200_000,
    });
    // The first instalment paid on time: 1/12 of the principal is gone and the loan is current.
    const due = owedOn(loan, firstDue);
    const paid = applyRepayment(loan, due.dueInterestFen + due.duePrincipalFen, firstDue);
    expect(paid.allocation.principalFen).toBe(100_000);
    const afterPaying = { ...pledge, loan: paid.loan };
    const position = loanBookEntry(afterPaying, addDays(firstDue, 1), days)!;
    expect(position.outstandingPrincipalFen).toBe(1_100_000);
    expect(position.overdueFen).toBe(0);
    // Defaulted: non-performing for all it owed, no longer outstanding or overdue.
    expect(loanBookEntry({ ...pledge, status: 'defaulted' }, addDays(firstDue, 5), days)).toMatchObject({
      outstandingPrincipalFen: 0,
      overdueFen: 0,
      nonPerformingFen: 1_200_000,
    });
    // Repaid, disposed or released loans are not in the book.
    for (const status of ['repaid', 'disposed', 'released'])
      expect(loanBookEntry({ ...pledge, status }, firstDue, days)).toBeUndefined();
  });
});
