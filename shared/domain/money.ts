/**
 * Money is CNY held as integer fen (1 元 = 100 fen): sums and loan-to-value products stay exact, which floating
 * yuan would not (0.1 + 0.2). Conversions to and from yuan live only here.
 */

export const FEN_PER_YUAN = 100;
/** 1万元 and 1亿元 in fen, the units the bureau reports in. */
export const WAN_YUAN_FEN = 10_000 * FEN_PER_YUAN;
export const YI_YUAN_FEN = 100_000_000 * FEN_PER_YUAN;

export const isFen = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Parses a decimal yuan amount such as `"1234.5"` exactly (no float rounding); undefined if not one. */
export function parseYuan(s: string): number | undefined {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!match) return undefined;
  const fen = Number(match[1]) * FEN_PER_YUAN + Number((match[2] ?? '').padEnd(2, '0'));
  return isFen(fen) ? fen : undefined;
}

/** `123456` → `"1234.56"`: for messages and reports, never for arithmetic. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / FEN_PER_YUAN)}.${String(abs % FEN_PER_YUAN).padStart(2, '0')}`;
}

/**
 * `basisPoints` of `fen`, rounded down: a cap such as loan-to-value must never let the loan exceed it.
 * BigInt keeps the product exact for amounts near the safe-integer limit.
 */
export const fenTimesBasisPoints = (fen: number, basisPoints: number): number =>
  Number((BigInt(fen) * BigInt(basisPoints)) / 10_000n);
