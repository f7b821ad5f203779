/**
 * Money in the browser: entered as 元 (a decimal string), carried as integer fen, shown as Chinese users
 * read it (元 / 万元 / 亿元). Entry never goes through floating point: "0.29" must be 29 fen, not 28.999….
 * Pure and import-free, so the Node tests can check it too.
 */
export type YuanParse =
  | { ok: true; fen: number }
  | { ok: false; reason: 'empty' | 'format' | 'decimals' | 'too_large' };

const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

/** "1,234.5" / "1234.50元" / "１２３" (full-width digits) → fen. Negative or exponent forms are refused. */
export function parseYuan(input: string): YuanParse {
  const text = input
    .normalize('NFKC')
    .replace(/[,，\s_]/g, '')
    .replace(/元$/, '');
  if (text === '') return { ok: false, reason: 'empty' };
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return { ok: false, reason: 'format' };
  const fraction = match[2] ?? '';
  if (fraction.length > 2) return { ok: false, reason: 'decimals' };
  const fen = BigInt(match[1]!) * 100n + BigInt(`${fraction}00`.slice(0, 2));
  if (fen > MAX_FEN) return { ok: false, reason: 'too_large' };
  return { ok: true, fen: Number(fen) };
}

/** fen → the plain 元 figure a form field shows ("12345.6", "0.05", "100"). */
export function fenToYuanText(fen: number): string {
  const value = BigInt(fen);
  const whole = value / 100n;
  const cents = String(value % 100n)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return cents ? `${whole}.${cents}` : String(whole);
}

/** `fen / 10^scale` rounded half-up to `digits` decimals, trailing zeros trimmed, thousands grouped. */
function scaled(fen: number, scale: number, digits: number): string {
  const divisor = 10n ** BigInt(scale);
  const factor = 10n ** BigInt(digits);
  const rounded = (BigInt(fen) * factor * 2n + divisor) / (divisor * 2n);
  const whole = (rounded / factor).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits ? (rounded % factor).toString().padStart(digits, '0').replace(/0+$/, '') : '';
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Every fen, grouped: "1,234,567.89". */
export const exactYuan = (fen: number): string => {
  const whole = scaled(fen - (fen % 100), 2, 0);
  const cents = String(fen % 100).padStart(2, '0');
  return `${whole}.${cents}`;
};

export type Lang = 'zh' | 'en';

/**
 * Chinese: 亿元 from 1亿, 万元 from 1万, else 元 with fen ("2.15亿元", "12.5万元", "1,234.56元").
 * English: CNY with billion / million ("CNY 2.15 billion").
 */
export function formatFen(fen: number, lang: Lang): string {
  if (lang === 'zh') {
    if (fen >= 10_000_000_000) return `${scaled(fen, 10, 4)}亿元`;
    if (fen >= 1_000_000) return `${scaled(fen, 6, 2)}万元`;
    return `${exactYuan(fen)}元`;
  }
  if (fen >= 100_000_000_000) return `CNY ${scaled(fen, 11, 3)} billion`;
  if (fen >= 100_000_000) return `CNY ${scaled(fen, 8, 2)} million`;
  return `CNY ${exactYuan(fen)}`;
}

/** Basis points as a percentage: 2500 → "25%", 1250 → "12.5%", 385 → "3.85%". */
export function formatBps(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const fraction = String(bps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}%`;
}

/** "3.85" (%) → 385 bps, without floats; null when not a percentage with at most two decimals. */
export function parsePercentToBps(input: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(input.normalize('NFKC').trim().replace(/%$/, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number(`${match[2] ?? ''}00`.slice(0, 2));
}

/** `appraised × bps / 10000`, rounded down to a fen: the loan-to-value cap the API enforces. */
export const capAmountFen = (appraisedFen: number, bps: number): number =>
  Number((BigInt(appraisedFen) * BigInt(bps)) / 10_000n);

/**
 * An axis tick in the unit a reader of that language expects: "2.5亿元" / "3,000万元" / "500元" in Chinese,
 * "¥2.5bn" / "¥30m" / "¥500k" / "¥500" in English; at most two decimals, rounded half up, trailing zeros dropped.
 * Ticks are ECharts' round numbers, not amounts to the fen, so they are rounded to a yuan first.
 */
export function formatAxisFen(fen: number, lang: Lang): string {
  const yuan = BigInt(Math.round(Math.abs(fen) / 100));
  const sign = fen <= -50 ? '-' : '';
  const units =
    lang === 'zh'
      ? ([
          [100_000_000n, '', '亿元'],
          [10_000n, '', '万元'],
          [1n, '', '元'],
        ] as const)
      : ([
          [1_000_000_000n, '¥', 'bn'],
          [1_000_000n, '¥', 'm'],
          [1_000n, '¥', 'k'],
          [1n, '¥', ''],
        ] as const);
  // yuan / divisor in hundredths, half up. The unit is the largest the amount reaches, or the next one up when the
  // rounding reaches it (9,999.9999万 → 1亿, not 10,000万).
  const hundredthsIn = (divisor: bigint) => (yuan * 200n + divisor) / (divisor * 2n);
  let unit = units.findIndex(([d]) => yuan >= d);
  if (unit < 0) unit = units.length - 1;
  if (unit > 0 && hundredthsIn(units[unit]![0]) >= 100n * (units[unit - 1]![0] / units[unit]![0])) unit -= 1;
  const [divisor, prefix, suffix] = units[unit]!;
  const hundredths = hundredthsIn(divisor);
  const whole = (hundredths / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = String(hundredths % 100n)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${prefix}${whole}${fraction ? `.${fraction}` : ''}${suffix}`;
}
