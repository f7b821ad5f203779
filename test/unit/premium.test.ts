import { describe, expect, it } from 'vitest';
import { quote, rateTableIssues } from '../../shared/domain/premium.js';

describe('premium quotes', () => {
  const rates = [
    { line: 'enforcement_cost' as const, rateBps: 150 },
    { line: 'infringement_loss' as const, rateBps: 80, minimumPremiumFen: 50_000 },
  ];

  it('prices each line at its annual rate prorated by the period’s days over 365, never below its minimum', () => {
    // 2026 has 365 days: a whole year costs the annual rate exactly.
    const year = quote(rates, [{ line: 'enforcement_cost', sumInsuredFen: 1_000_000 }], {
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
    });
    expect(year).toEqual({
      ok: true,
      quote: { lines: [{ line: 'enforcement_cost', premiumFen: 15_000 }], premiumFen: 15_000 },
    });
    // 10 days (both ends counted): floor(1 000 000 × 150 × 10 / 3 650 000) = 410; the loss line's 1 095 is raised
    // to its minimum of 50 000.
    const tenDays = quote(
      rates,
      [
        { line: 'enforcement_cost', sumInsuredFen: 1_000_000 },
        { line: 'infringement_loss', sumInsuredFen: 5_000_000 },
      ],
      { periodStart: '2026-03-01', periodEnd: '2026-03-10' },
    );
    expect(tenDays).toEqual({
      ok: true,
      quote: {
        lines: [
          { line: 'enforcement_cost', premiumFen: 410 },
          { line: 'infringement_loss', premiumFen: 50_000 },
        ],
        premiumFen: 50_410,
      },
    });
    // Exact for sums a double would round: computed here in BigInt.
    const big = Number.MAX_SAFE_INTEGER;
    const huge = quote(rates, [{ line: 'enforcement_cost', sumInsuredFen: big }], {
      periodStart: '2026-01-01',
      periodEnd: '2026-01-01',
    });
    expect(huge.ok && huge.quote.premiumFen).toBe(Number((BigInt(big) * 150n) / (10_000n * 365n)));
  });

  it('names each line the insurer has no rate for, by its position', () => {
    const refused = quote(
      rates,
      [
        { line: 'enforcement_cost', sumInsuredFen: 1 },
        { line: 'overseas_enforcement', sumInsuredFen: 1 },
        { line: 'application_cost', sumInsuredFen: 1 },
      ],
      { periodStart: '2026-01-01', periodEnd: '2026-12-31' },
    );
    expect(refused).toEqual({
      ok: false,
      issues: [
        {
          path: 'coverages.1.line',
          code: 'no_rate',
          params: { line: 'overseas_enforcement' },
          message: 'the insurer has no rate for overseas_enforcement',
        },
        {
          path: 'coverages.2.line',
          code: 'no_rate',
          params: { line: 'application_cost' },
          message: 'the insurer has no rate for application_cost',
        },
      ],
    });
  });

  it('refuses a rate table that rates a line twice, naming the second', () => {
    expect(rateTableIssues(rates)).toEqual([]);
    expect(rateTableIssues([...rates, { line: 'enforcement_cost', rateBps: 1 }])).toEqual([
      { path: 'rates.2.line', code: 'duplicate_line', message: 'enforcement_cost is rated twice' },
    ]);
  });
});
