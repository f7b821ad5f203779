import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type InterestPaidFact,
  isInCity,
  subsidyList,
  subsidyTermsRefusals,
} from '../../shared/domain/interest-subsidy.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';

const IN_CITY = ['330700', '330702', '330782', '330784'];
const OUTSIDE = ['330100', '110000'];
const usccs = [...IN_CITY, ...OUTSIDE].flatMap((d, i) =>
  [1, 2].map((k) => ({
    uscc: withUsccCheck(`91${d}MA2U0000${i}`.slice(0, 16) + String(k)),
    inCity: IN_CITY.includes(d),
  })),
);

const fact = fc.record({
  who: fc.integer({ min: 0, max: usccs.length - 1 }),
  approvedAmountFen: fc.integer({ min: 1, max: 5_000_000_000 }),
  interestFen: fc.integer({ min: 0, max: 50_000_000 }),
  year: fc.constantFrom(2025, 2026, 2027),
});

describe('interest subsidy list', () => {
  it('matches a brute-force BigInt computation: in-city, in-year, qualifying loans, share floored, capped', () => {
    fc.assert(
      fc.property(
        fc.array(fact, { maxLength: 60 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.option(fc.integer({ min: 1, max: 5_000_000_000 }), { nil: undefined }),
        (raw, shareBps, cap, maxLoanFen) => {
          const facts: InterestPaidFact[] = raw.map((r, i) => ({
            pledgeId: `p${i}`,
            uscc: usccs[r.who]!.uscc,
            approvedAmountFen: r.approvedAmountFen,
            interestFen: r.interestFen,
            paidOn: `${r.year}-06-30`,
          }));
          const terms = {
            year: 2026,
            shareBps,
            capPerEnterpriseFen: cap,
            ...(maxLoanFen ? { maxLoanFen } : {}),
          };
          const expected: { uscc: string; interestPaidFen: number; subsidyFen: number }[] = [];
          for (const { uscc, inCity } of [...usccs].sort((a, b) => (a.uscc < b.uscc ? -1 : 1))) {
            if (!inCity) continue;
            let paid = 0n;
            for (const f of facts)
              if (
                f.uscc === uscc &&
                f.paidOn.startsWith('2026') &&
                f.interestFen > 0 &&
                (!maxLoanFen || f.approvedAmountFen <= maxLoanFen)
              )
                paid += BigInt(f.interestFen);
            if (paid === 0n) continue;
            const share = (paid * BigInt(shareBps)) / 10_000n;
            expected.push({
              uscc,
              interestPaidFen: Number(paid),
              subsidyFen: Number(share < BigInt(cap) ? share : BigInt(cap)),
            });
          }
          expect(subsidyList(terms, facts)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('interest subsidy rules at their bounds', () => {
  const YIWU = withUsccCheck('91330782MA2U00001');
  const CITY = withUsccCheck('91330700MA2U00002');
  const HANGZHOU = withUsccCheck('91330100MA2U00003');
  const fact = (
    uscc: string,
    interestFen: number,
    over: Partial<InterestPaidFact> = {},
  ): InterestPaidFact => ({
    pledgeId: 'p1',
    uscc,
    approvedAmountFen: 1_000_000,
    interestFen,
    paidOn: '2026-06-30',
    ...over,
  });
  const terms = { year: 2026, shareBps: 5_000, capPerEnterpriseFen: 1_000 };

  it('takes a share of at most 100 %', () => {
    expect(subsidyTermsRefusals({ ...terms, shareBps: 10_000 })).toEqual([]);
    expect(subsidyTermsRefusals({ ...terms, shareBps: 10_001 })).toEqual([
      { path: 'shareBps', code: 'share_above_100_percent', message: 'must be at most 10000 (100 %)' },
    ]);
  });

  it('knows the city by the USCC’s division: the municipal level and its counties', () => {
    expect(isInCity(YIWU)).toBe(true);
    expect(isInCity(CITY)).toBe(true);
    expect(isInCity(HANGZHOU)).toBe(false);
  });

  it('floors the share, caps it exactly at the cap, counts loans of exactly the maximum, the year by its first day', () => {
    // 2 001 × 50 % = 1 000.5 → 1 000 (the cap too); 1 999 × 50 % = 999.5 → 999.
    expect(subsidyList(terms, [fact(YIWU, 1_999)])).toEqual([
      { uscc: YIWU, interestPaidFen: 1_999, subsidyFen: 999 },
    ]);
    expect(subsidyList(terms, [fact(YIWU, 2_001)])).toEqual([
      { uscc: YIWU, interestPaidFen: 2_001, subsidyFen: 1_000 },
    ]);
    expect(subsidyList(terms, [fact(YIWU, 5_000)])).toEqual([
      { uscc: YIWU, interestPaidFen: 5_000, subsidyFen: 1_000 },
    ]);
    const max = { ...terms, maxLoanFen: 1_000_000 };
    expect(subsidyList(max, [fact(YIWU, 100)])).toHaveLength(1);
    expect(subsidyList(max, [fact(YIWU, 100, { approvedAmountFen: 1_000_001 })])).toEqual([]);
    expect(
      subsidyList(terms, [
        fact(YIWU, 100, { paidOn: '2026-01-01' }),
        fact(YIWU, 100, { paidOn: '2025-12-31' }),
      ]),
    ).toEqual([{ uscc: YIWU, interestPaidFen: 100, subsidyFen: 50 }]);
    expect(subsidyList(terms, [fact(YIWU, 0), fact(HANGZHOU, 100)])).toEqual([]);
  });

  it('lists enterprises by USCC, whatever the order of their facts', () => {
    const [a, b] = [YIWU, CITY].sort();
    expect(
      subsidyList(terms, [fact(b!, 10), fact(a!, 20), fact(b!, 30)]).map((l) => [l.uscc, l.interestPaidFen]),
    ).toEqual([
      [a, 20],
      [b, 40],
    ]);
  });
});
