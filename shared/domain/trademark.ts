/**
 * Trademark registration numbers and Nice classes. A Chinese trademark number is plain digits (application and
 * registration share it) with no check digit, so the only protection against typos is the format itself.
 */

/** A geographic indication such as 金华火腿 is a collective or certification mark. */
export const MARK_TYPES = ['ordinary', 'collective', 'certification'] as const;
export type MarkType = (typeof MARK_TYPES)[number];

/** Nice classification: 1–34 goods, 35–45 services. */
export const NICE_CLASS_MIN = 1;
export const NICE_CLASS_MAX = 45;

export type TrademarkNumberCheck = { ok: true; number: string } | { ok: false; reason: string };
export type NiceClassesCheck = { ok: true; classes: number[] } | { ok: false; reason: string };

const MAX_DIGITS = 12;

/**
 * Accepts digits with spaces anywhere. Leading zeros are dropped: registration numbers are counters, so `0123`
 * and `123` are the same registration and must map to one canonical number for the uniqueness check.
 */
export function parseTrademarkNumber(raw: string): TrademarkNumberCheck {
  const digits = raw.replace(/\s+/g, '');
  if (digits === '') return { ok: false, reason: 'is empty' };
  if (!/^\d+$/.test(digits)) return { ok: false, reason: 'must contain digits only' };
  if (digits.length > MAX_DIGITS) return { ok: false, reason: `must be at most ${MAX_DIGITS} digits` };
  const number = digits.replace(/^0+/, '');
  if (number === '') return { ok: false, reason: 'must not be zero' };
  return { ok: true, number };
}

/** Returns the classes sorted so that equal sets are stored (and compared) identically. */
export function checkNiceClasses(classes: readonly number[]): NiceClassesCheck {
  if (classes.length === 0) return { ok: false, reason: 'must list at least one Nice class' };
  if (classes.length > NICE_CLASS_MAX)
    return { ok: false, reason: `must list at most ${NICE_CLASS_MAX} Nice classes` };
  const bad = classes.find((c) => !Number.isInteger(c) || c < NICE_CLASS_MIN || c > NICE_CLASS_MAX);
  if (bad !== undefined)
    return { ok: false, reason: `${bad} is not a Nice class (integers ${NICE_CLASS_MIN}–${NICE_CLASS_MAX})` };
  const sorted = [...classes].sort((a, b) => a - b);
  const duplicate = sorted.find((c, i) => i > 0 && sorted[i - 1] === c);
  if (duplicate !== undefined) return { ok: false, reason: `class ${duplicate} is listed twice` };
  return { ok: true, classes: sorted };
}
