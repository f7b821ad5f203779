/**
 * The financing, loan-book and flattening parts of the statistics, pinned where mutation testing found them loose:
 * which figure an overflow names, the months a past year lists, the order of map keys, the first CSV rows and the
 * formula guard. Expected figures are worked out here (BigInt sums, literal lists), never read from the code.
 * The insurance figures are left to statistics.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  addExact,
  buildSnapshot,
  flattenSnapshot,
  type LoanBookEntry,
  loanBookFigures,
  StatisticsOverflow,
  shanghaiMonth,
  shanghaiYear,
  toCsv,
} from '../../shared/domain/statistics.js';
import { statsInputs as inputs, pledgeFact as pledge } from '../support/stats-fixtures.js';

const MAX = Number.MAX_SAFE_INTEGER;

const entry = (over: Partial<LoanBookEntry>): LoanBookEntry => ({
  pledgeId: 'p',
  lenderId: 'bank-a',
  divisionCode: '330782',
  outstandingPrincipalFen: 0,
  overdueFen: 0,
  nonPerformingFen: 0,
  ...over,
});

/** The StatisticsOverflow `run` throws (failing the test if it throws nothing or something else). */
function overflowOf(run: () => unknown): StatisticsOverflow {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StatisticsOverflow);
    return error as StatisticsOverflow;
  }
  throw new Error('expected a StatisticsOverflow, nothing was thrown');
}

describe('an overflow names the figure that overflowed', () => {
  it('is a RangeError called StatisticsOverflow whose message names the figure', () => {
    const e = overflowOf(() => buildSnapshot(inputs({ outstandingFen: -1 })));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.name).toBe('StatisticsOverflow');
    expect(e.figure).toBe('financing.outstandingAmountFen');
    expect(e.message).toBe(
      'The figure financing.outstandingAmountFen exceeds Number.MAX_SAFE_INTEGER; it cannot be reported exactly.',
    );
  });

  it('outstanding amount: 0 and MAX are reported, a negative, fractional or unsafe amount is refused', () => {
    expect(buildSnapshot(inputs({ outstandingFen: 0 })).financing.outstandingAmountFen).toBe(0);
    expect(buildSnapshot(inputs({ outstandingFen: MAX })).financing.outstandingAmountFen).toBe(MAX);
    for (const bad of [-1, 0.5, MAX + 1, Number.NaN])
      expect(overflowOf(() => buildSnapshot(inputs({ outstandingFen: bad }))).figure).toBe(
        'financing.outstandingAmountFen',
      );
  });

  it('registered financing: by division, then by lender, then by month, then the total, each with its key', () => {
    // One county overflows.
    expect(
      overflowOf(() =>
        buildSnapshot(inputs({ pledges: [pledge({ amountFen: MAX }), pledge({ amountFen: 1 })] })),
      ).figure,
    ).toBe('financing.byDivision.330782');
    // A negative amount elsewhere keeps the county within range while the lender overflows.
    expect(
      overflowOf(() =>
        buildSnapshot(
          inputs({
            pledges: [
              pledge({ divisionCode: '330702', amountFen: MAX }),
              pledge({ divisionCode: '330782', amountFen: -10, lenderId: 'bank-b' }),
              pledge({ divisionCode: '330703', amountFen: 5 }),
            ],
          }),
        ),
      ).figure,
    ).toBe('financing.byLender.bank-a');
    // Different counties and lenders, the same month.
    expect(
      overflowOf(() =>
        buildSnapshot(
          inputs({
            pledges: [
              pledge({ divisionCode: '330702', lenderId: 'l1', amountFen: MAX }),
              pledge({ divisionCode: '330703', lenderId: 'l2', amountFen: 1 }),
            ],
          }),
        ),
      ).figure,
    ).toBe('financing.byMonth.2026-03');
    // Different counties, lenders and months: only the total overflows.
    expect(
      overflowOf(() =>
        buildSnapshot(
          inputs({
            pledges: [
              pledge({ divisionCode: '330702', lenderId: 'l1', amountFen: MAX }),
              pledge({
                divisionCode: '330703',
                lenderId: 'l2',
                amountFen: 1,
                registeredAt: '2026-04-01T02:00:00.000Z',
              }),
            ],
          }),
        ),
      ).figure,
    ).toBe('financing.registeredAmountFen');
  });

  it('loan book: the total first, then by lender, then by division', () => {
    for (const [field, prefix, total] of [
      ['outstandingPrincipalFen', 'outstandingPrincipal', 'outstandingPrincipalFen'],
      ['overdueFen', 'overdue', 'overdueAmountFen'],
      ['nonPerformingFen', 'nonPerforming', 'nonPerformingAmountFen'],
    ] as const) {
      expect(overflowOf(() => loanBookFigures([entry({ [field]: MAX }), entry({ [field]: 1 })])).figure).toBe(
        `financing.${total}`,
      );
      // Total MAX − 5 is fine; bank-a alone reaches MAX + 5.
      expect(
        overflowOf(() =>
          loanBookFigures([
            entry({ divisionCode: '330702', [field]: MAX }),
            entry({ lenderId: 'bank-b', divisionCode: '330703', [field]: -10 }),
            entry({ divisionCode: '330726', [field]: 5 }),
          ]),
        ).figure,
      ).toBe(`financing.${prefix}ByLender.bank-a`);
      // Total and every lender are fine; county 330702 reaches MAX + 5.
      expect(
        overflowOf(() =>
          loanBookFigures([
            entry({ lenderId: 'l1', divisionCode: '330702', [field]: MAX }),
            entry({ lenderId: 'l2', divisionCode: '330703', [field]: -10 }),
            entry({ lenderId: 'l3', divisionCode: '330702', [field]: 5 }),
          ]),
        ).figure,
      ).toBe(`financing.${prefix}ByDivision.330702`);
    }
  });

  it('loan book: sums right up to MAX, checked in BigInt', () => {
    const amounts = [2 ** 52 + 1, 2 ** 51 + 7, 3, 2 ** 50];
    const entries = amounts.map((fen, i) =>
      entry({ lenderId: 'bank-a', outstandingPrincipalFen: fen, overdueFen: i % 2 ? fen : 0 }),
    );
    const expected = amounts.reduce((s, n) => s + BigInt(n), 0n);
    expect(expected <= BigInt(MAX)).toBe(true);
    const f = loanBookFigures(entries);
    expect(BigInt(f.outstandingPrincipalFen)).toBe(expected);
    expect(BigInt(f.outstandingPrincipalByLender['bank-a']!)).toBe(expected);
    expect(BigInt(f.outstandingPrincipalByDivision['330782']!)).toBe(expected);
    expect(BigInt(f.overdueAmountFen)).toBe(BigInt(amounts[1]!) + BigInt(amounts[3]!));
  });
});

describe('exact addition and the portfolio', () => {
  it('refuses an operand that is not a safe integer even when the sum would be one', () => {
    for (const [a, b] of [
      [2 ** 53, -1],
      [-1, 2 ** 53],
      [0.5, 0.5],
      [1.5, 1],
      [1, -0.5],
    ] as const)
      expect(overflowOf(() => addExact(a, b, 'f')).figure).toBe('f');
    expect(addExact(-MAX, MAX, 'f')).toBe(0);
  });

  it('reports each in-force count under its own type', () => {
    const s = buildSnapshot(
      inputs({
        inForce: { invention: 1, utility_model: 2, design: 3, trademark: 4 },
        patentsGrantedThisYear: 5,
        trademarksRegisteredThisYear: 6,
      }),
    );
    expect(s.portfolio).toEqual({
      patentsInForce: { invention: 1, utility_model: 2, design: 3 },
      trademarksInForce: 4,
      patentsGrantedThisYear: 5,
      trademarksRegisteredThisYear: 6,
    });
  });
});

describe('months, years and key order', () => {
  it('a snapshot of a past year lists all twelve months of that year', () => {
    const s = buildSnapshot(
      inputs({
        year: 2025,
        date: '2026-01-05',
        pledges: [pledge({ registeredAt: '2025-11-30T16:00:00.000Z', amountFen: 9 })],
      }),
    );
    const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
    expect(Object.keys(s.financing.byMonth)).toEqual(months);
    expect(s.financing.byMonth['2025-12']).toBe(9);
  });

  it('the Shanghai year and month of a Date as well as of a string', () => {
    expect(shanghaiYear(new Date('2025-12-31T16:00:00.000Z'))).toBe(2026);
    expect(shanghaiMonth(new Date('2026-02-28T15:59:59.999Z'))).toBe('2026-02');
    expect(shanghaiMonth('2026-02-28T16:00:00.000Z')).toBe('2026-03');
    expect(shanghaiYear('2025-12-31T15:59:59.999Z')).toBe(2025);
  });

  it('lists lenders in code-point order, whatever order the facts came in', () => {
    const lenders = ['m', 'b', 'z', 'a', 'k', 'c', 'y', 'B', 'a1', 'x', 'd', 'n', 'e'];
    const s = buildSnapshot(
      inputs({
        pledges: lenders.map((lenderId, i) => pledge({ pledgeId: `p${i}`, lenderId })),
        loanBook: lenders.map((lenderId, i) => entry({ pledgeId: `p${i}`, lenderId, overdueFen: 1 })),
      }),
    );
    // Code-point order written out: upper case before lower case, a prefix before its extensions.
    const sorted = ['B', 'a', 'a1', 'b', 'c', 'd', 'e', 'k', 'm', 'n', 'x', 'y', 'z'];
    expect(Object.keys(s.financing.byLender)).toEqual(sorted);
    expect(Object.keys(s.financing.outstandingPrincipalByLender)).toEqual(sorted);
    expect(Object.keys(s.financing.overdueByLender)).toEqual(sorted);
    expect(Object.keys(s.financing.nonPerformingByLender)).toEqual(sorted);
  });
});

describe('flattening and CSV', () => {
  it('starts with the time stamp, date and year rows, then the sections by prefix', () => {
    const snapshot = buildSnapshot(inputs());
    const rows = flattenSnapshot(snapshot);
    expect(rows.slice(0, 3)).toEqual([
      { metric: 'asOf', key: '', value: '2026-06-15T17:00:00.000Z' },
      { metric: 'date', key: '', value: '2026-06-16' },
      { metric: 'year', key: '', value: 2026 },
    ]);
    for (const section of ['financing', 'insurance', 'portfolio'] as const) {
      const metrics = new Set(rows.filter((r) => r.metric.startsWith(`${section}.`)).map((r) => r.metric));
      const fields = Object.keys(snapshot[section]).map((f) => `${section}.${f}`);
      // Every field of the section gives rows (maps with keys, scalars one row), under the section's prefix.
      for (const f of fields)
        if (typeof (snapshot[section] as Record<string, unknown>)[f.slice(section.length + 1)] === 'number')
          expect(metrics.has(f)).toBe(true);
      for (const m of metrics) expect(fields).toContain(m);
    }
    const prefixes = new Set(rows.map((r) => r.metric.split('.')[0]));
    expect([...prefixes]).toEqual([
      'asOf',
      'date',
      'year',
      'financing',
      'insurance',
      'portfolio',
      'designations',
      'subsidies',
    ]);
  });

  it('writes numbers as they are, even negative ones, and guards only a leading formula character', () => {
    const csv = toCsv([
      { metric: 'm', key: '', value: -5 },
      { metric: 'm', key: 'a=b', value: 1 },
      { metric: 'm', key: 'a-b+c@d', value: 2 },
      { metric: 'm', key: '-x', value: 3 },
      { metric: 'm', key: '+x', value: 4 },
      { metric: 'm', key: '@x', value: 5 },
      { metric: 'm', key: '\tx', value: 6 },
      { metric: 'm', key: 'say "hi"', value: 7 },
      { metric: 'm', key: 'two\nlines', value: 8 },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'metric,key,value',
      'm,,-5',
      'm,a=b,1',
      'm,a-b+c@d,2',
      "m,'-x,3",
      "m,'+x,4",
      "m,'@x,5",
      "m,'\tx,6",
      'm,"say ""hi""",7',
      'm,"two\nlines",8',
      '',
    ]);
    // A carriage return at the start is both guarded and quoted.
    expect(toCsv([{ metric: 'm', key: '\rx', value: 1 }])).toBe(`metric,key,value\r\nm,"'\rx",1\r\n`);
  });
});
