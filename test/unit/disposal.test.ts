import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskPoolRefusals, shareLoss } from '../../shared/domain/disposal.js';

/** Four shares in bps that add up to exactly 10000 (three cut points of 0..10000). */
const shares = fc
  .tuple(
    fc.integer({ min: 0, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
  )
  .map((cuts) => {
    const [a, b, c] = cuts.sort((x, y) => x - y) as [number, number, number];
    return { poolBps: a, lenderBps: b - a, insurerBps: c - b, appraiserBps: 10_000 - c };
  });

describe('risk pool loss sharing', () => {
  it('gives each party floor(loss × share / 10000) and the lender the rest, to the fen, for any loss', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), shares, (lossFen, s) => {
        const sharing = shareLoss(lossFen, s);
        const floor = (bps: number) => (BigInt(lossFen) * BigInt(bps)) / 10_000n;
        expect(BigInt(sharing.poolFen)).toBe(floor(s.poolBps));
        expect(BigInt(sharing.insurerFen)).toBe(floor(s.insurerBps));
        expect(BigInt(sharing.appraiserFen)).toBe(floor(s.appraiserBps));
        const parts = [sharing.poolFen, sharing.lenderFen, sharing.insurerFen, sharing.appraiserFen].map(
          BigInt,
        );
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(BigInt(lossFen));
        // The lender's part is its own floor plus what the floors left over: never less, at most 3 fen more.
        const extra = BigInt(sharing.lenderFen) - floor(s.lenderBps);
        expect(extra >= 0n && extra <= 3n).toBe(true);
        expect(riskPoolRefusals(s)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses shares that do not add up to 10000, naming each', () => {
    const issues = riskPoolRefusals({ poolBps: 5000, lenderBps: 5000, insurerBps: 1, appraiserBps: 0 });
    expect(issues.map((i) => i.path)).toEqual(['poolBps', 'lenderBps', 'insurerBps', 'appraiserBps']);
    expect(new Set(issues.map((i) => i.code))).toEqual(new Set(['shares_must_sum_to_10000']));
  });
});
