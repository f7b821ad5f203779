import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addYears,
  compareDates,
  daysBetween,
  isValidDate,
  todayInShanghai,
  yearOf,
} from '../../shared/domain/dates.js';

const DAY_MS = 86_400_000;
/** Oracle: JavaScript's own UTC calendar (valid for the years generated below, 1900–2200). */
const viaDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Any calendar date 1900–2200, produced from an instant so the generator does not share our calendar code. */
const anyDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / DAY_MS, max: Date.UTC(2200, 11, 31) / DAY_MS })
  .map((day) => viaDate(day * DAY_MS));

describe('isValidDate', () => {
  it.each(['2026-01-31', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])('%s is valid', (d) => {
    expect(isValidDate(d)).toBe(true);
  });

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '0000-01-01',
    '2026-1-01',
    '20260101',
    '2026-01-01T00:00:00Z',
    ' 2026-01-01',
    '',
  ])('%j is not', (d) => {
    expect(isValidDate(d)).toBe(false);
  });

  it('agrees with the JavaScript calendar on every date it generates', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        expect(isValidDate(d)).toBe(true);
      }),
    );
  });
});

describe('addDays', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['1970-01-01', -1, '1969-12-31'],
    ['0001-01-01', 0, '0001-01-01'],
    ['0099-12-31', 1, '0100-01-01'],
    ['2000-01-01', 366, '2001-01-01'],
  ])('%s %+i days → %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it('throws on an invalid date or a result outside 0001–9999', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
  });

  it('matches the JavaScript calendar', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -20_000, max: 20_000 }), (d, n) => {
        expect(addDays(d, n)).toBe(viaDate(Date.parse(d) + n * DAY_MS));
      }),
    );
  });

  it('is undone by the opposite shift', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -40_000, max: 40_000 }), (d, n) => {
        expect(addDays(addDays(d, n), -n)).toBe(d);
        expect(daysBetween(d, addDays(d, n))).toBe(n);
      }),
    );
  });
});

describe('addMonths and addYears', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-01-31', -2, '2025-11-30'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2026-05-10', 36, '2029-05-10'],
    ['2026-05-10', 0, '2026-05-10'],
  ])('%s %+i months → %s', (d, n, expected) => {
    expect(addMonths(d, n)).toBe(expected);
  });

  it('addYears clamps Feb 29 to Feb 28 in a non-leap year', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2024-02-29', 76)).toBe('2100-02-28');
    expect(addYears('2015-03-14', 10)).toBe('2025-03-14');
  });

  it('never overflows into the following month and keeps the day when it exists', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -600, max: 600 }), (d, n) => {
        const [y, m, day] = d.split('-').map(Number) as [number, number, number];
        const target = new Date(Date.UTC(y, m - 1 + n, 1));
        const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
        const expected = viaDate(
          Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(day, lastDay)),
        );
        const result = addMonths(d, n);
        expect(result).toBe(expected);
        expect(isValidDate(result)).toBe(true);
      }),
    );
  });
});

describe('compareDates and yearOf', () => {
  it('orders dates', () => {
    expect(compareDates('2025-03-13', '2025-03-14')).toBe(-1);
    expect(compareDates('2025-03-14', '2025-03-14')).toBe(0);
    expect(compareDates('2026-01-01', '2025-12-31')).toBe(1);
    expect(yearOf('2017-10-01')).toBe(2017);
  });

  it('rejects invalid input instead of comparing strings', () => {
    expect(() => compareDates('2025-3-14', '2025-03-14')).toThrow(RangeError);
  });

  it('agrees with the order of instants and is antisymmetric', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(compareDates(a, b)).toBe(Math.sign(Date.parse(a) - Date.parse(b)));
        expect(compareDates(b, a)).toBe(-compareDates(a, b) || 0);
      }),
    );
  });
});

describe('todayInShanghai', () => {
  it.each([
    ['2025-12-31T15:59:59.999Z', '2025-12-31'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01'],
    ['2026-03-01T00:00:00.000Z', '2026-03-01'],
    ['2024-02-28T16:30:00.000Z', '2024-02-29'],
  ])('%s → %s', (instant, expected) => {
    expect(todayInShanghai(new Date(instant))).toBe(expected);
  });

  it('agrees with the IANA zone Asia/Shanghai (no DST since 1991)', () => {
    const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        expect(todayInShanghai(new Date(ms))).toBe(shanghai.format(new Date(ms)));
      }),
    );
  });
});
