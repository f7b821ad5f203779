/**
 * An insurer's premium rates and the quote they give (保费报价). Pure.
 *
 * Decisions (documented in the API):
 * - A rate is an annual rate on the line's sum insured, in basis points; a line's premium is prorated by the
 *   period's days (both ends counted) over 365: floor(sumInsured × rateBps × days / (10000 × 365)), and never below
 *   the line's minimum premium when the insurer sets one. Computed in BigInt: no fen is lost to rounding.
 * - A quote needs a rate for every line applied for; a line without one is named (422 `no_rate`).
 */
import { daysBetween, type IsoDate } from './dates.js';
import type { FieldIssue } from './errors.js';
import type { Coverage, CoverageLine } from './policy.js';

export interface LineRate {
  line: CoverageLine;
  /** Annual rate on the sum insured, basis points. */
  rateBps: number;
  minimumPremiumFen?: number;
}

export interface Quote {
  lines: { line: CoverageLine; premiumFen: number }[];
  premiumFen: number;
}

const DAYS_PER_YEAR = 365n;

/** Every line at most once. */
export function rateTableIssues(rates: readonly LineRate[]): FieldIssue[] {
  const seen = new Set<CoverageLine>();
  const issues: FieldIssue[] = [];
  rates.forEach((r, i) => {
    if (seen.has(r.line))
      issues.push({ path: `rates.${i}.line`, code: 'duplicate_line', message: `${r.line} is rated twice` });
    seen.add(r.line);
  });
  return issues;
}

/** The premium of `coverages` over [periodStart, periodEnd] at `rates`, or every line without a rate. */
export function quote(
  rates: readonly LineRate[],
  coverages: readonly Pick<Coverage, 'line' | 'sumInsuredFen'>[],
  period: { periodStart: IsoDate; periodEnd: IsoDate },
): { ok: true; quote: Quote } | { ok: false; issues: FieldIssue[] } {
  const days = BigInt(daysBetween(period.periodStart, period.periodEnd) + 1);
  const issues: FieldIssue[] = [];
  const lines: Quote['lines'] = [];
  coverages.forEach((c, i) => {
    const rate = rates.find((r) => r.line === c.line);
    if (!rate) {
      issues.push({
        path: `coverages.${i}.line`,
        code: 'no_rate',
        params: { line: c.line },
        message: `the insurer has no rate for ${c.line}`,
      });
      return;
    }
    const prorated = Number(
      (BigInt(c.sumInsuredFen) * BigInt(rate.rateBps) * days) / (10_000n * DAYS_PER_YEAR),
    );
    lines.push({ line: c.line, premiumFen: Math.max(prorated, rate.minimumPremiumFen ?? 0) });
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, quote: { lines, premiumFen: lines.reduce((sum, l) => sum + l.premiumFen, 0) } };
}
