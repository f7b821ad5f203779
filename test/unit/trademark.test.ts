import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNiceClasses, MARK_TYPES, parseTrademarkNumber } from '../../shared/domain/trademark.js';

describe('parseTrademarkNumber', () => {
  it.each([
    ['12345678', '12345678'],
    ['1', '1'],
    [' 1234 5678 ', '12345678'],
    ['00012345', '12345'],
    ['999999999999', '999999999999'],
  ])('%j → %s', (input, number) => {
    expect(parseTrademarkNumber(input)).toEqual({ ok: true, number });
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['1234-5678', 'must contain digits only'],
    ['12345678A', 'must contain digits only'],
    ['第12345678号', 'must contain digits only'],
    ['-5', 'must contain digits only'],
    ['1.5', 'must contain digits only'],
    ['１２３', 'must contain digits only'],
    ['1234567890123', 'must be at most 12 digits'],
    ['0', 'must not be zero'],
    ['0000', 'must not be zero'],
  ])('rejects %j: %s', (input, reason) => {
    expect(parseTrademarkNumber(input)).toEqual({ ok: false, reason });
  });

  it('any 1–12 digit number without leading zeros is its own canonical form, with or without spaces', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 999_999_999_999n }), fc.nat({ max: 11 }), (n, cut) => {
        const digits = n.toString();
        const spaced = `${digits.slice(0, cut)} ${digits.slice(cut)}`;
        expect(parseTrademarkNumber(digits)).toEqual({ ok: true, number: digits });
        expect(parseTrademarkNumber(spaced)).toEqual({ ok: true, number: digits });
      }),
    );
  });
});

describe('checkNiceClasses', () => {
  it('returns the classes sorted', () => {
    expect(checkNiceClasses([35, 29, 30])).toEqual({ ok: true, classes: [29, 30, 35] });
    expect(checkNiceClasses([45])).toEqual({ ok: true, classes: [45] });
  });

  it('accepts all 45 classes once each', () => {
    const all = Array.from({ length: 45 }, (_, i) => 45 - i);
    expect(checkNiceClasses(all)).toEqual({ ok: true, classes: [...all].reverse() });
  });

  it('does not reorder the caller’s array', () => {
    const input = [3, 1, 2];
    checkNiceClasses(input);
    expect(input).toEqual([3, 1, 2]);
  });

  it.each([
    [[], 'must list at least one Nice class'],
    [[0], '0 is not a Nice class (integers 1–45)'],
    [[46], '46 is not a Nice class (integers 1–45)'],
    [[-1], '-1 is not a Nice class (integers 1–45)'],
    [[29, 1.5], '1.5 is not a Nice class (integers 1–45)'],
    [[Number.NaN], 'NaN is not a Nice class (integers 1–45)'],
    [[29, 30, 29], 'class 29 is listed twice'],
    [Array.from({ length: 46 }, () => 1), 'must list at most 45 Nice classes'],
  ])('rejects %j', (classes, reason) => {
    expect(checkNiceClasses(classes)).toEqual({ ok: false, reason });
  });

  const someClasses = fc.uniqueArray(fc.integer({ min: 1, max: 45 }), { minLength: 1, maxLength: 45 });

  it('any set of distinct classes in 1..45 is accepted and sorted', () => {
    fc.assert(
      fc.property(someClasses, (classes) => {
        const result = checkNiceClasses(classes);
        expect(result).toEqual({ ok: true, classes: [...classes].sort((a, b) => a - b) });
      }),
    );
  });

  it('repeating any class is rejected', () => {
    fc.assert(
      fc.property(someClasses, fc.nat(), (classes, pick) => {
        const repeated = classes[pick % classes.length] as number;
        expect(checkNiceClasses([...classes, repeated]).ok).toBe(false);
      }),
    );
  });

  it('any class outside 1..45 is rejected', () => {
    fc.assert(
      fc.property(
        someClasses,
        fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 46 }), fc.double({ noInteger: true })),
        (classes, bad) => {
          expect(checkNiceClasses([...classes.slice(0, 44), bad]).ok).toBe(false);
        },
      ),
    );
  });
});

describe('MARK_TYPES', () => {
  it('lists the three mark types of the API', () => {
    expect(MARK_TYPES).toEqual(['ordinary', 'collective', 'certification']);
  });
});
