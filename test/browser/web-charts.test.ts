import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { financingFigures } from '../../shared/domain/statistics.js';
import { toCsv } from '../../web/src/csv.js';
import { formatAxisFen } from '../../web/src/money.js';
import { monthlyFigures, recordMonth } from '../../web/src/trend.js';
import { pledgeFact } from '../support/stats-fixtures.js';

/** The dashboard's pure helpers: the money axis, the chart CSV, the monthly trend. */
describe('formatAxisFen: money axes in 万元 / 亿元 (Chinese) and k / m / bn (English)', () => {
  it.each([
    [0, '0元', '¥0'],
    [50_000, '500元', '¥500'],
    [1_000_000, '1万元', '¥10k'],
    [50_000_000, '50万元', '¥500k'],
    [250_000_000, '250万元', '¥2.5m'],
    [5_000_000_000, '5,000万元', '¥50m'],
    [10_000_000_000, '1亿元', '¥100m'],
    [2_100_000_000_000, '210亿元', '¥21bn'],
    [12_345_678_900, '1.23亿元', '¥123.46m'],
    [9_999_999_900, '1亿元', '¥100m'], // 9,999.9999万 rounds up into the next unit
    [99_500, '995元', '¥995'], // but 995 does not become ¥1k
  ])('%i fen → %s / %s', (fen, zh, en) => {
    expect(formatAxisFen(fen, 'zh')).toBe(zh);
    expect(formatAxisFen(fen, 'en')).toBe(en);
  });

  // An independent computation: the runtime's own compact notation (ICU), which names the same units — 万 and 亿
  // in Chinese, K, M and B in English — and rounds half away from zero to two decimals, as our axis does.
  const zh = new Intl.NumberFormat('zh-CN', {
    notation: 'compact',
    maximumFractionDigits: 2,
    useGrouping: false,
  });
  const en = new Intl.NumberFormat('en', {
    notation: 'compact',
    maximumFractionDigits: 2,
    useGrouping: false,
  });
  const EN_UNITS: Record<string, string> = { '': '', K: 'k', M: 'm', B: 'bn' };

  it('agrees with Intl compact notation on whole-yuan amounts of every magnitude below a trillion yuan', () => {
    fc.assert(
      fc.property(
        // Whole yuan over every magnitude, from 1 yuan to just under 10^12 yuan.
        fc
          .integer({ min: 0, max: 11 })
          // …up to the last amount that does not round to a trillion (our axis stops at bn; ICU goes on to T).
          .chain((digits) =>
            fc.integer({ min: 10 ** digits, max: Math.min(10 ** (digits + 1) - 1, 999_994_999_999) }),
          ),
        (yuan) => {
          const fen = yuan * 100;
          expect(formatAxisFen(fen, 'zh').replace(/,/g, '')).toBe(`${zh.format(yuan)}元`);
          const [, number, unit] = /^([\d.]+)([KMB]?)$/.exec(en.format(yuan))!;
          expect(formatAxisFen(fen, 'en').replace(/,/g, '')).toBe(`¥${number}${EN_UNITS[unit!]}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rounds a fractional tick to the yuan, never shows "-0"', () => {
    expect(formatAxisFen(149.6, 'zh')).toBe('1元');
    expect(formatAxisFen(-20, 'zh')).toBe('0元');
    expect(formatAxisFen(-1_000_000, 'en')).toBe('-¥10k');
  });
});

describe('toCsv: what a chart or a figure’s records download as', () => {
  it('writes a BOM, CRLF lines, quotes where needed and neutralises formulas', () => {
    const csv = toCsv(
      ['月份', '2026 (元)'],
      [
        ['1月', '250000'],
        ['a,"b"', 3],
        ['=HYPERLINK("x")', null],
        ['-5', undefined],
      ],
    );
    expect(csv).toBe(
      '\uFEFF月份,2026 (元)\r\n1月,250000\r\n"a,""b""",3\r\n"\'=HYPERLINK(""x"")",\r\n\'-5,\r\n',
    );
  });
});

describe('monthlyFigures: the trend of registrations by month', () => {
  it('counts each registration in the month of its business date, else of its Shanghai day', () => {
    expect(recordMonth({ registeredAt: '2026-05-31T16:30:00.000Z' })).toBe('2026-06'); // 00:30 in Shanghai
    expect(recordMonth({ registeredAt: '2026-12-04T10:00:00.000Z', registeredOn: '2026-05-20' })).toBe(
      '2026-05',
    );
  });

  it('adds up to what the statistics job computes per month, and counts the registrations', () => {
    // Random registrations of one year (some with a business date, some with only the instant) against the
    // domain's own byMonth: the amounts must agree month by month; the counts must add up to the records.
    const registration = fc.record({
      instant: fc.date({
        min: new Date('2025-12-31T16:00:00Z'),
        max: new Date('2026-12-31T15:59:59Z'),
        noInvalidDate: true,
      }),
      day: fc.option(fc.integer({ min: 0, max: 364 }), { nil: undefined }),
      amountFen: fc.integer({ min: 1, max: 10 ** 12 }),
    });
    fc.assert(
      fc.property(fc.array(registration, { maxLength: 40 }), (drawn) => {
        const facts = drawn.map((r, i) =>
          pledgeFact({
            pledgeId: `p${i}`,
            registeredAt: r.instant.toISOString(),
            amountFen: r.amountFen,
            ...(r.day === undefined
              ? {}
              : { registeredOn: new Date(Date.UTC(2026, 0, 1 + r.day)).toISOString().slice(0, 10) }),
          }),
        );
        const months = monthlyFigures(facts, 2026);
        const expected = financingFigures(facts, 0, 2026, '2026-12-31').byMonth;
        expect(Object.fromEntries(months.map((m) => [`2026-${m.month}`, m.amountFen]))).toEqual(expected);
        expect(months.reduce((n, m) => n + m.count, 0)).toBe(facts.length);
      }),
    );
  });

  it('leaves out another year’s records and lists all twelve months', () => {
    const months = monthlyFigures(
      [
        { registeredAt: '2025-12-31T15:59:59.000Z', amountFen: 5 }, // 2025-12-31 23:59 in Shanghai
        { registeredAt: '2026-03-02T00:00:00.000Z', amountFen: 7 },
        { registeredAt: '2026-03-09T00:00:00.000Z', amountFen: 8 },
      ],
      2026,
    );
    expect(months).toHaveLength(12);
    expect(months.filter((m) => m.count > 0)).toEqual([{ month: '03', count: 2, amountFen: 15 }]);
  });
});
