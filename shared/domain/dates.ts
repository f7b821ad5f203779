/**
 * Calendar dates as `YYYY-MM-DD` strings. Terms, maturities and periods are civil dates, not instants, so the
 * arithmetic here is pure day counting (proleptic Gregorian, years 0001–9999) and never touches a time zone —
 * except `todayInShanghai`, which decides which calendar day "now" is for the portal's users.
 */

/** A calendar date `YYYY-MM-DD`. A plain string alias so stored items and API fields need no conversion. */
export type IsoDate = string;

interface Civil {
  y: number;
  m: number; // 1–12
  d: number; // 1–31
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000; // China has used UTC+8 without DST since 1991.

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function parse(s: string): Civil | undefined {
  const match = DATE_PATTERN.exec(s);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

/** Callers validate input at the edge (zod `IsoDate`); a bad date reaching here is a programming error. */
function parseOrThrow(s: string): Civil {
  const civil = parse(s);
  if (!civil) throw new RangeError(`not a calendar date YYYY-MM-DD: ${JSON.stringify(s)}`);
  return civil;
}

function format({ y, m, d }: Civil): IsoDate {
  if (y < 1 || y > 9999) throw new RangeError(`date out of range (years 0001–9999): year ${y}`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Day numbers (days since 1970-01-01) via H. Hinnant's civil-calendar algorithms: exact for every year, and free
// of `Date`'s quirk of mapping years 0–99 to 1900–1999.
function toDayNumber({ y, m, d }: Civil): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** True for a real calendar date written exactly `YYYY-MM-DD` (2026-02-29 is false). */
export const isValidDate = (s: string): boolean => parse(s) !== undefined;

export const addDays = (date: IsoDate, n: number): IsoDate =>
  format(fromDayNumber(toDayNumber(parseOrThrow(date)) + n));

/**
 * Same day-of-month n months later, clamped to the month's last day (2026-01-31 + 1 month → 2026-02-28):
 * a loan taken on the 31st matures at the end of a shorter month, never spills into the next one.
 */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const { y, m, d } = parseOrThrow(date);
  const monthIndex = y * 12 + (m - 1) + n;
  const ty = Math.floor(monthIndex / 12);
  const tm = monthIndex - ty * 12 + 1;
  return format({ y: ty, m: tm, d: Math.min(d, daysInMonth(ty, tm)) });
}

/** n years later; Feb 29 becomes Feb 28 in a non-leap year (clamping, as `addMonths(date, 12 * n)`). */
export const addYears = (date: IsoDate, n: number): IsoDate => addMonths(date, 12 * n);

/** -1, 0 or 1. Valid `YYYY-MM-DD` strings order lexicographically, but validating catches swapped arguments. */
export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const da = toDayNumber(parseOrThrow(a));
  const db = toDayNumber(parseOrThrow(b));
  return da < db ? -1 : da > db ? 1 : 0;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: IsoDate, to: IsoDate): number =>
  toDayNumber(parseOrThrow(to)) - toDayNumber(parseOrThrow(from));

export const yearOf = (date: IsoDate): number => parseOrThrow(date).y;

/**
 * The calendar date in Asia/Shanghai at instant `now`. A fixed +8 h shift (no DST since 1991) instead of `Intl`,
 * whose time-zone data is not guaranteed in every Lambda/Node build.
 */
export const todayInShanghai = (now: Date): IsoDate =>
  new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
