/**
 * When an IP right is in force. All results are the LAST day of the term (inclusive), because that is what the
 * API exposes as `expiresOn` and what a pledge's maturity is compared with.
 */
import { addDays, addMonths, compareDates, daysInMonth, type IsoDate } from './dates.js';
import type { PatentType } from './patent-number.js';

/** Whether a right exists at all: granted (patent) or registered (trademark); a pending application never is. */
export const isGrantedOrRegistered = (asset: { status: string }): boolean =>
  asset.status === 'granted' || asset.status === 'registered';

/** Patent Law as amended 2020 (in force 2021-06-01) lengthened design terms from 10 to 15 years. */
export const DESIGN_15_YEARS_FROM: IsoDate = '2021-06-01';
export const TRADEMARK_TERM_YEARS = 10;

/**
 * The n-th anniversary of a date: the day the term has run out. A term starting on Feb 29 runs out on Mar 1 of a
 * non-leap year (the day after Feb 28), so its last day is Feb 28 — unlike `addYears`, which clamps to Feb 28.
 */
export function anniversary(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = y + years;
  if (m === 2 && d === 29 && daysInMonth(target, 2) === 28) return addDays(addMonths(date, 12 * years), 1);
  return addMonths(date, 12 * years);
}

/** Last day of a term of `years` counted from `start`: the day before the anniversary. */
export const lastDayOfTerm = (start: IsoDate, years: number): IsoDate =>
  addDays(anniversary(start, years), -1);

export function patentTermYears(patentType: PatentType, filingDate: IsoDate): number {
  switch (patentType) {
    case 'invention':
      return 20;
    case 'utility_model':
      return 10;
    case 'design':
      return compareDates(filingDate, DESIGN_15_YEARS_FROM) >= 0 ? 15 : 10;
  }
}

/** Counted from the filing date (not the grant date); e.g. utility model filed 1999-09-06 → 2009-09-05. */
export const patentExpiresOn = (patentType: PatentType, filingDate: IsoDate): IsoDate =>
  lastDayOfTerm(filingDate, patentTermYears(patentType, filingDate));

/** Registered 2015-03-14 → 2025-03-13. After a renewal the new term runs 10 years from the old anniversary. */
export const trademarkExpiresOn = (registrationDate: IsoDate): IsoDate =>
  lastDayOfTerm(registrationDate, TRADEMARK_TERM_YEARS);

/** `today` is the caller's calendar day (use `todayInShanghai(now)`); the right holds through `expiresOn`. */
export const isInForce = (asset: { status: string; expiresOn: IsoDate }, today: IsoDate): boolean =>
  isGrantedOrRegistered(asset) && compareDates(today, asset.expiresOn) <= 0;

/** The loan's repayment date; a pledge is refused when it falls after the pledged right's `expiresOn`. */
export const loanMaturity = (today: IsoDate, termMonths: number): IsoDate => addMonths(today, termMonths);

export interface RenewalWindow {
  /** First day a renewal may be filed. */
  opens: IsoDate;
  /** Last day of the ordinary window (= expiresOn). */
  closes: IsoDate;
  /** Last day of the 6-month grace period (宽展期), when a renewal is still accepted with a surcharge. */
  graceEnds: IsoDate;
}

/**
 * Trademark Law art. 40: renew within the 12 months before the term ends, or within 6 months after it.
 * Both periods are counted from the moment the term ends — the day after `expiresOn` — as months to the
 * corresponding date: expires 2025-03-13 → opens 2024-03-14, grace ends 2025-09-13. Counting from the
 * anniversary (rather than from `expiresOn`) keeps month-end cases right: expires 2025-02-28 (term ends
 * 2025-03-01) → opens 2024-03-01, grace ends 2025-08-31.
 */
export function trademarkRenewalWindow(expiresOn: IsoDate): RenewalWindow {
  const termEnds = addDays(expiresOn, 1);
  return {
    opens: addMonths(termEnds, -12),
    closes: expiresOn,
    graceEnds: addDays(addMonths(termEnds, 6), -1),
  };
}
