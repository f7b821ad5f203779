import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fenTimesBasisPoints,
  formatYuan,
  isFen,
  parseYuan,
  WAN_YUAN_FEN,
  YI_YUAN_FEN,
} from '../../shared/domain/money.js';

describe('money', () => {
  it('knows the reporting units', () => {
    expect(WAN_YUAN_FEN).toBe(1_000_000);
    expect(YI_YUAN_FEN).toBe(10_000_000_000);
    expect(210 * YI_YUAN_FEN).toBe(2_100_000_000_000); // 210亿元 new pledge financing
  });

  it('isFen accepts safe non-negative integers only', () => {
    expect(isFen(0)).toBe(true);
    expect(isFen(Number.MAX_SAFE_INTEGER)).toBe(true);
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, '100', null])
      expect(isFen(bad)).toBe(false);
  });

  it.each([
    ['0', 0],
    ['1', 100],
    ['1234.5', 123450],
    ['1234.56', 123456],
    ['0.1', 10],
    [' 7.07 ', 707],
  ])('parseYuan(%j) = %i fen', (s, fen) => {
    expect(parseYuan(s)).toBe(fen);
  });

  it.each(['', '-1', '1.234', '1,000', 'abc', '1e3', '.5', '99999999999999999'])(
    'parseYuan(%j) is undefined',
    (s) => {
      expect(parseYuan(s)).toBeUndefined();
    },
  );

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [123456, '1234.56'],
    [-150, '-1.50'],
  ])('formatYuan(%i) = %s', (fen, s) => {
    expect(formatYuan(fen)).toBe(s);
  });

  it('formatYuan and parseYuan round-trip every amount', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (fen) => {
        expect(parseYuan(formatYuan(fen))).toBe(fen);
      }),
    );
  });

  it('fenTimesBasisPoints rounds down and is exact near the safe-integer limit', () => {
    expect(fenTimesBasisPoints(1_000_000, 2500)).toBe(250_000); // 25% LTV
    expect(fenTimesBasisPoints(3, 5000)).toBe(1);
    expect(fenTimesBasisPoints(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 10_000 }), (fen, bps) => {
        const capped = fenTimesBasisPoints(fen, bps);
        expect(capped).toBeLessThanOrEqual(fen);
        expect(BigInt(capped) * 10_000n).toBeLessThanOrEqual(BigInt(fen) * BigInt(bps));
      }),
    );
  });
});
