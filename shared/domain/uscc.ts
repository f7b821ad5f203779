/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the 18th a check character
 * over the first 17; characters 3–8 are the administrative-division code.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type UsccCheck = { ok: true; uscc: string; divisionCode: string } | { ok: false; reason: string };

/** Upper-cases and trims; does not validate. */
export const normaliseUscc = (raw: string): string => raw.trim().toUpperCase();

export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i] as string) * (WEIGHTS[i] as number);
  return ALPHABET[(31 - (sum % 31)) % 31] as string;
}

/** The full 18-character code for 17 leading characters: appends the check character. */
export const withUsccCheck = (first17: string): string => `${first17}${usccCheckCharacter(first17)}`;

export function checkUscc(raw: string): UsccCheck {
  const uscc = normaliseUscc(raw);
  if (uscc.length !== 18) return { ok: false, reason: `must be 18 characters, got ${uscc.length}` };
  const bad = [...uscc].find((c) => !ALPHABET.includes(c));
  if (bad !== undefined)
    return {
      ok: false,
      reason: `contains "${bad}", which is not allowed (I, O, S, V, Z and symbols are never used)`,
    };
  const divisionCode = uscc.slice(2, 8);
  if (!/^\d{6}$/.test(divisionCode))
    return { ok: false, reason: `characters 3–8 must be a 6-digit division code, got "${divisionCode}"` };
  const expected = usccCheckCharacter(uscc.slice(0, 17));
  if (uscc[17] !== expected)
    return { ok: false, reason: `check character is "${uscc[17]}" but should be "${expected}"` };
  return { ok: true, uscc, divisionCode };
}
