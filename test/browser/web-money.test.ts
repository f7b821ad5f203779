import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  capAmountFen,
  exactYuan,
  fenToYuanText,
  formatBps,
  formatFen,
  parsePercentToBps,
  parseYuan,
} from '../../web/src/money.js';

/** The web portal's money handling (web/src/money.ts): entered as 元, carried as fen, shown as 元/万元/亿元. */
describe('parseYuan: 元 text → integer fen without floating point', () => {
  it.each([
    ['0.29', 29],
    ['1234.56', 123_456],
    ['1,234.5', 123_450],
    ['1 000 000', 100_000_000],
    ['100元', 10_000],
    ['１２３．４', 12_340], // full-width digits and point from a Chinese IME
    ['7.', 700],
    ['90071992547409.91', 9_007_199_254_740_991],
  ])('%s → %i fen', (input, fen) => {
    expect(parseYuan(input)).toEqual({ ok: true, fen });
  });

  it.each([
    ['', 'empty'],
    ['  ', 'empty'],
    ['abc', 'format'],
    ['-5', 'format'],
    ['1e5', 'format'],
    ['1.234', 'decimals'],
    ['90071992547409.92', 'too_large'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(parseYuan(input)).toEqual({ ok: false, reason });
  });

  it('round-trips every safe fen amount through the form text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(parseYuan(fenToYuanText(fen))).toEqual({ ok: true, fen });
        expect(parseYuan(exactYuan(fen))).toEqual({ ok: true, fen });
      }),
    );
  });
});

describe('formatFen: as Chinese users read amounts', () => {
  it.each([
    [0, '0.00元', 'CNY 0.00'],
    [123_456, '1,234.56元', 'CNY 1,234.56'],
    [1_000_000, '1万元', 'CNY 10,000.00'],
    [25_000_000, '25万元', 'CNY 250,000.00'],
    [123_456_789, '123.46万元', 'CNY 1.23 million'],
    [21_500_000_000, '2.15亿元', 'CNY 215 million'],
    [2_100_000_000_000, '210亿元', 'CNY 21 billion'],
  ])('%i fen → %s / %s', (fen, zh, en) => {
    expect(formatFen(fen, 'zh')).toBe(zh);
    expect(formatFen(fen, 'en')).toBe(en);
  });
});

describe('rates and the LTV cap', () => {
  it('formats and parses basis points exactly', () => {
    expect(formatBps(2500)).toBe('25%');
    expect(formatBps(1250)).toBe('12.5%');
    expect(formatBps(385)).toBe('3.85%');
    expect(parsePercentToBps('3.85')).toBe(385);
    expect(parsePercentToBps('4.1%')).toBe(410);
    expect(parsePercentToBps('3.855')).toBeNull();
    expect(parsePercentToBps('x')).toBeNull();
  });

  it('rounds the cap down to a whole fen, like the API', () => {
    expect(capAmountFen(100_000_000, 2500)).toBe(25_000_000);
    expect(capAmountFen(333, 2500)).toBe(83);
    expect(capAmountFen(Number.MAX_SAFE_INTEGER, 5000)).toBe(4_503_599_627_370_495);
  });
});
