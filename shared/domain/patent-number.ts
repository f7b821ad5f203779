/**
 * Chinese patent application numbers (专利申请号). The same number is cited as `ZL201710601862.3`,
 * `CN 2017 1060 1862.3`, `2017106018623`…; we store one canonical spelling so that uniqueness checks and lookups
 * see one number, and we verify the check character so that typos are caught at entry, not at pledge registration.
 *
 * - Since 2003-10-01: `YYYY T NNNNNNN . C` — canonical `201710601862.3`.
 * - 1985 – 2003-09-30: `YY T NNNNN . C` — canonical `97101765.4` (filing year 1997).
 * Both use C = Σ(digit × weight) mod 11 with weights 2 3 4 5 6 7 8 9 2 3 4 5 (the first 8 for the old form),
 * 10 written `X`.
 */

export const PATENT_TYPES = ['invention', 'utility_model', 'design'] as const;
export type PatentType = (typeof PATENT_TYPES)[number];

export type PatentNumberCheck =
  | { ok: true; number: string; patentType: PatentType; filingYear: number }
  | { ok: false; reason: string };

const WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] as const;

/** 8 and 9 are PCT applications entering the national phase: same rights (and terms) as 1 and 2. */
const TYPE_BY_DIGIT: Readonly<Record<string, PatentType>> = {
  '1': 'invention',
  '2': 'utility_model',
  '3': 'design',
  '8': 'invention',
  '9': 'utility_model',
};

/** Check character over 8 (pre-2003) or 12 digits. */
export function patentCheckCharacter(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * (WEIGHTS[i] as number);
  const c = sum % 11;
  return c === 10 ? 'X' : String(c);
}

/** Removes spacing, case and the `ZL`/`CN` citation prefixes, which carry no information. */
const strip = (raw: string): string =>
  raw
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/^(?:CN)?(?:ZL)?/, '');

/** 2-digit years of the old form: 85–99 → 1985–1999, 00–03 → 2000–2003; anything else did not exist. */
function oldFilingYear(yy: number): number | undefined {
  if (yy >= 85) return 1900 + yy;
  if (yy <= 3) return 2000 + yy;
  return undefined;
}

export function parsePatentNumber(raw: string): PatentNumberCheck {
  const s = strip(raw);
  if (s === '') return { ok: false, reason: 'is empty' };
  const match = /^(\d{12}|\d{8})(?:\.?([0-9X]))?$/.exec(s);
  if (!match)
    return {
      ok: false,
      reason: `"${raw.trim()}" is not a patent application number (12 digits and a check character, e.g. ZL201710601862.3)`,
    };
  const body = match[1] as string;
  const given = match[2];
  const modern = body.length === 12;

  const typeDigit = body[modern ? 4 : 2] as string;
  const patentType = TYPE_BY_DIGIT[typeDigit];
  if (!patentType)
    return {
      ok: false,
      reason: `type digit is "${typeDigit}"; it must be 1 or 8 (invention), 2 or 9 (utility model) or 3 (design)`,
    };

  const filingYear = modern ? Number(body.slice(0, 4)) : oldFilingYear(Number(body.slice(0, 2)));
  if (filingYear === undefined)
    return {
      ok: false,
      reason: `year "${body.slice(0, 2)}" is outside 1985–2003, when 8-digit numbers were used`,
    };
  if (modern && filingYear < 2003)
    return { ok: false, reason: `filing year ${filingYear} is before 2003, when 12-digit numbers began` };

  const expected = patentCheckCharacter(body);
  if (given === undefined)
    return { ok: false, reason: `has no check character (it should end in ".${expected}")` };
  if (given !== expected)
    return { ok: false, reason: `check digit is "${given}" but should be "${expected}"` };
  return { ok: true, number: `${body}.${expected}`, patentType, filingYear };
}
