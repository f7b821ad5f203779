import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InterestPaidFact, subsidyList } from '../../shared/domain/interest-subsidy.js';
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
