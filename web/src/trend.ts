/**
 * The month-by-month trend of new pledge financing, from the registration records (`GET /stats/records`): the
 * snapshot's `byMonth` has the amounts only and `GET /stats/history` has year-to-date totals only on the days the
 * job ran, so neither can give each month's count exactly. The records are the facts both count.
 * Pure and import-free, so the Node tests can check it too.
 */
export interface RegistrationRecord {
  registeredAt: string;
  /** The business date; absent on records written before it was kept. */
  registeredOn?: string;
  amountFen: number;
}

export interface MonthFigures {
  /** `01`…`12`. */
  month: string;
  count: number;
  amountFen: number;
}

const SHANGHAI_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYY-MM` a registration counts in, as the API counts it: its business date's, else the Shanghai day's. */
export const recordMonth = (r: Pick<RegistrationRecord, 'registeredAt' | 'registeredOn'>): string =>
  (r.registeredOn ?? SHANGHAI_DAY.format(new Date(r.registeredAt))).slice(0, 7);

/**
 * Twelve months of `year` from a snapshot's per-month aggregates (`financing.byMonth`, amounts, and
 * `financing.byMonthCount`, counts, keyed `YYYY-MM`): what the trend reads instead of the records.
 */
export function monthsOfSnapshot(
  byMonth: Readonly<Record<string, number>>,
  byMonthCount: Readonly<Record<string, number>>,
  year: number,
): MonthFigures[] {
  return Array.from({ length: 12 }, (_, i) => {
    const month = String(i + 1).padStart(2, '0');
    const key = `${year}-${month}`;
    return { month, count: byMonthCount[key] ?? 0, amountFen: byMonth[key] ?? 0 };
  });
}

/** Twelve months of `year`: each month's registrations counted and summed (months without any are 0). */
export function monthlyFigures(records: readonly RegistrationRecord[], year: number): MonthFigures[] {
  const months = Array.from({ length: 12 }, (_, i) => ({
    month: String(i + 1).padStart(2, '0'),
    count: 0,
    amountFen: 0,
  }));
  for (const r of records) {
    const ym = recordMonth(r);
    if (Number(ym.slice(0, 4)) !== year) continue;
    const m = months[Number(ym.slice(5, 7)) - 1];
    if (!m) continue;
    m.count += 1;
    m.amountFen += r.amountFen;
  }
  return months;
}
