/**
 * The city's interest subsidy (贴息) on IP pledge loans: a share of the interest its enterprises actually paid in a
 * year, capped per enterprise. Pure arithmetic over the year's interest-paid facts, exact to the fen (BigInt).
 * API.md v2 "City programmes".
 */
import type { FieldIssue } from './errors.js';
import { CITY_DIVISIONS, divisionOfUscc } from './statistics.js';

/** The programme for one year, as the IP office set it. */
export interface InterestSubsidyTerms {
  year: number;
  shareBps: number;
  capPerEnterpriseFen: number;
  /** Only loans of at most this approved amount qualify (absent: every loan). */
  maxLoanFen?: number;
}

/** One repayment's interest, recorded with the repayment (the fact the subsidy list reads). */
export interface InterestPaidFact {
  pledgeId: string;
  uscc: string;
  approvedAmountFen: number;
  interestFen: number;
  paidOn: string;
}

export interface SubsidyLine {
  uscc: string;
  interestPaidFen: number;
  subsidyFen: number;
}

/** Jinhua: the municipal level (330700) and its nine county-level divisions. */
const CITY = new Set<string>(CITY_DIVISIONS);
export const isInCity = (uscc: string): boolean => CITY.has(divisionOfUscc(uscc));

export function subsidyTermsRefusals(terms: InterestSubsidyTerms): FieldIssue[] {
  return terms.shareBps > 10_000
    ? [{ path: 'shareBps', code: 'share_above_100_percent', message: 'must be at most 10000 (100 %)' }]
    : [];
}

/**
 * Per enterprise in the city: the interest paid in the year on qualifying loans, and its subsidy =
 * floor(interest × share / 10000), at most the cap. Sorted by USCC; enterprises with no qualifying interest are
 * not listed.
 */
export function subsidyList(terms: InterestSubsidyTerms, facts: readonly InterestPaidFact[]): SubsidyLine[] {
  const paid = new Map<string, bigint>();
  for (const f of facts) {
    if (!isInCity(f.uscc) || f.interestFen <= 0) continue;
    // Stryker disable next-line ConditionalExpression: with no maximum, `approvedAmountFen > undefined` is false (test/unit/MUTANTS.md)
    if (terms.maxLoanFen !== undefined && f.approvedAmountFen > terms.maxLoanFen) continue;
    if (Number(f.paidOn.slice(0, 4)) !== terms.year) continue;
    paid.set(f.uscc, (paid.get(f.uscc) ?? 0n) + BigInt(f.interestFen));
  }
  // Stryker disable next-line EqualityOperator,ConditionalExpression: a Map's keys are distinct and V8's sort reads only `< 0` (test/unit/MUTANTS.md)
  const byUscc = ([a]: [string, bigint], [b]: [string, bigint]) => (a < b ? -1 : a > b ? 1 : 0);
  return [...paid].sort(byUscc).map(([uscc, interest]) => {
    const share = (interest * BigInt(terms.shareBps)) / 10_000n;
    // Stryker disable next-line EqualityOperator: when share equals the cap either branch gives the same amount
    const capped = share < BigInt(terms.capPerEnterpriseFen) ? share : BigInt(terms.capPerEnterpriseFen);
    return { uscc, interestPaidFen: Number(interest), subsidyFen: Number(capped) };
  });
}
