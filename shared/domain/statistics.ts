/**
 * The IP office's statistics as pure arithmetic: from the facts of a year (pledges registered, policies issued,
 * claims paid) and the portfolio/designation counts of the day, build the snapshot `GET /stats` serves. The
 * scheduled job feeds it from fact items and counters; the reconciliation feeds it from the source items; both
 * use exactly these functions, so a difference between them is a difference in the data, never in the maths.
 *
 * Money is integer fen. Every sum is checked: a total beyond Number.MAX_SAFE_INTEGER would silently lose fen
 * in a double, so it throws `StatisticsOverflow` naming the figure instead (the job fails loudly).
 */
import { type IsoDate, todayInShanghai } from './dates.js';
import { DESIGNATION_LEVELS, type DesignationLevel } from './designation.js';
import { type ClassificationDays, type Loan, NON_PERFORMING, positionOn } from './loan.js';
import type { PatentType } from './patent-number.js';
import { COVERAGE_LINES } from './policy.js';

/** Jinhua's county-level divisions (characters 3–8 of a locally registered USCC); anything else is "other". */
export const JINHUA_DIVISIONS = [
  '330702',
  '330703',
  '330723',
  '330726',
  '330727',
  '330781',
  '330782',
  '330783',
  '330784',
] as const;
/** Companies registered at the municipal level (330700) count under their own key, beside the nine. */
export const MUNICIPAL_DIVISION = '330700';
/** The keys of every "by division" figure: the municipal level, the nine, and everything else. */
export const CITY_DIVISIONS = [MUNICIPAL_DIVISION, ...JINHUA_DIVISIONS] as const;
export const OTHER_DIVISION = 'other';
const CITY = new Set<string>(CITY_DIVISIONS);

export const divisionKey = (divisionCode: string): string =>
  CITY.has(divisionCode) ? divisionCode : OTHER_DIVISION;

/** An inclusive loan (普惠): approved for at most 1000万元. */
export const INCLUSIVE_MAX_FEN = 1_000_000_000;

/** Characters 3–8 of a USCC. */
export const divisionOfUscc = (uscc: string): string => uscc.slice(2, 8);

/** The Asia/Shanghai calendar year / month (`YYYY-MM`) of an instant. */
export const shanghaiYear = (at: Date | string): number =>
  Number(todayInShanghai(typeof at === 'string' ? new Date(at) : at).slice(0, 4));
export const shanghaiMonth = (at: Date | string): string =>
  todayInShanghai(typeof at === 'string' ? new Date(at) : at).slice(0, 7);

/**
 * The `YYYY-MM` a registration counts in: that of its business date, like its year. The instant is the wall clock,
 * which differs from the business date when the date is pinned or moved (a catch-up run, the seed's past months).
 */
export const registrationMonth = (
  fact: Pick<PledgeRegisteredFact, 'registeredAt' | 'registeredOn'>,
): string => fact.registeredOn?.slice(0, 7) ?? shanghaiMonth(fact.registeredAt);

export class StatisticsOverflow extends RangeError {
  constructor(readonly figure: string) {
    super(`The figure ${figure} exceeds Number.MAX_SAFE_INTEGER; it cannot be reported exactly.`);
    this.name = 'StatisticsOverflow';
  }
}

/** a + b, exact or thrown: both operands are safe integers, so a safe result is exact. */
export function addExact(a: number, b: number, figure: string): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new StatisticsOverflow(figure);
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new StatisticsOverflow(figure);
  return sum;
}

export const sumExact = (values: Iterable<number>, figure: string): number => {
  let total = 0;
  for (const v of values) total = addExact(total, v, figure);
  return total;
};

function addTo(map: Record<string, number>, key: string, value: number, figure: string): void {
  map[key] = addExact(map[key] ?? 0, value, `${figure}.${key}`);
}

// ---- Facts: one per counted transition, written in the same transaction as the transition -------------------

export interface PledgeRegisteredFact {
  pledgeId: string;
  /** RFC 3339 instant of the registration by the IP office. */
  registeredAt: string;
  /**
   * The business date of the registration (its year is the fact's year); absent on facts written before it was
   * kept, which fall back to the Shanghai day of `registeredAt`.
   */
  registeredOn?: IsoDate;
  applicant: string;
  divisionCode: string;
  lenderId: string;
  /** The approved amount. */
  amountFen: number;
  /** The applicant's first pledge ever registered (首贷). */
  firstTime?: boolean;
}

export interface PolicyIssuedFact {
  policyId: string;
  issuedAt: string;
  /** The business date of the issue (its year is the fact's year); absent on facts written before it was kept. */
  issuedOn?: IsoDate;
  holder: string;
  /** Absent on facts written before the loss ratio was kept per insurer. */
  insurerId?: string;
  coverages: { line: string; sumInsuredFen: number }[];
  premiumFen: number;
  /** The city's part of the premium (premium subsidy), when the year had one. */
  premiumSubsidyFen?: number;
}

/** One payment on a claim (a one-step settlement is one payment). */
export interface ClaimPaidFact {
  claimId: string;
  /** The payment's place among the claim's payments, from 1; absent on facts of the one-payment claims of v1. */
  seq?: number;
  paidAt: string;
  /** The business date of the payment (its year is the fact's year); absent on facts written before it was kept. */
  paidOn?: IsoDate;
  policyId: string;
  insurerId?: string;
  line: string;
  paidFen: number;
}

/**
 * A loan in the book as of the snapshot's date: an `active` loan's outstanding principal, whether it is overdue and
 * whether it is non-performing (classified substandard, doubtful or loss); a `defaulted` loan not yet disposed is
 * non-performing with what was outstanding when it defaulted, and neither outstanding nor overdue.
 */
export interface LoanBookEntry {
  pledgeId: string;
  lenderId: string;
  divisionCode: string;
  outstandingPrincipalFen: number;
  overdueFen: number;
  nonPerformingFen: number;
}

/** A pledge's place in the loan book on `date` under its lender's thresholds; undefined when it has none. */
export function loanBookEntry(
  pledge: { id: string; status: string; applicant: string; lenderId: string; loan?: Loan },
  date: IsoDate,
  days: ClassificationDays,
): LoanBookEntry | undefined {
  if (!pledge.loan || (pledge.status !== 'active' && pledge.status !== 'defaulted')) return undefined;
  const position = positionOn(pledge.loan, date, days);
  const principal = position.outstandingPrincipalFen;
  const active = pledge.status === 'active';
  return {
    pledgeId: pledge.id,
    lenderId: pledge.lenderId,
    divisionCode: divisionOfUscc(pledge.applicant),
    outstandingPrincipalFen: active ? principal : 0,
    overdueFen: active && position.overdueDays > 0 ? principal : 0,
    nonPerformingFen: !active || NON_PERFORMING.has(position.classification) ? principal : 0,
  };
}

export type InForceType = PatentType | 'trademark';
export const IN_FORCE_TYPES: readonly InForceType[] = ['invention', 'utility_model', 'design', 'trademark'];

/** Assets in force by expiry day: the day-counter items of one type. */
export interface ExpiryCount {
  expiresOn: IsoDate;
  n: number;
}

/** In force on `today` = everything whose last day is today or later. */
export const inForceOn = (counts: Iterable<ExpiryCount>, today: IsoDate, figure: string): number =>
  sumExact(
    [...counts].filter((c) => c.expiresOn >= today).map((c) => c.n),
    figure,
  );

// ---- The snapshot ---------------------------------------------------------------------------------------------

export interface StatsInputs {
  asOf: string;
  /** The Asia/Shanghai calendar day of `asOf`. */
  date: IsoDate;
  year: number;
  pledges: readonly PledgeRegisteredFact[];
  policies: readonly PolicyIssuedFact[];
  claims: readonly ClaimPaidFact[];
  /** Approved amount of all pledges now `active`. */
  outstandingFen: number;
  /** Every active loan and every defaulted one not yet disposed. */
  loanBook: readonly LoanBookEntry[];
  inForce: Record<InForceType, number>;
  patentsGrantedThisYear: number;
  trademarksRegisteredThisYear: number;
  activeDesignations: Partial<Record<DesignationLevel, number>>;
  /** The year's interest subsidy (its list's total); 0 while the year's terms are not set. */
  interestSubsidyFen: number;
}

/**
 * The loan book on the snapshot's date: principal still owed on active loans, the part of it on overdue loans and
 * the non-performing amount, in total and by lender and division.
 */
export interface LoanBookFigures {
  outstandingPrincipalFen: number;
  overdueAmountFen: number;
  nonPerformingAmountFen: number;
  outstandingPrincipalByLender: Record<string, number>;
  overdueByLender: Record<string, number>;
  nonPerformingByLender: Record<string, number>;
  outstandingPrincipalByDivision: Record<string, number>;
  overdueByDivision: Record<string, number>;
  nonPerformingByDivision: Record<string, number>;
}

export interface StatsSnapshot {
  asOf: string;
  date: IsoDate;
  year: number;
  financing: {
    registeredCount: number;
    registeredAmountFen: number;
    enterprisesFinanced: number;
    /** Registered in the year for at most 1000万元 (普惠). */
    inclusiveCount: number;
    inclusiveAmountFen: number;
    /** Applicants whose first pledge ever was registered in the year (首贷户). */
    firstTimeBorrowers: number;
    outstandingAmountFen: number;
    byDivision: Record<string, number>;
    byLender: Record<string, number>;
    byMonth: Record<string, number>;
    /** The registrations of each month (`byMonth` is their amount): the trend's counts, one read. */
    byMonthCount: Record<string, number>;
  } & LoanBookFigures;
  insurance: {
    policiesIssued: number;
    insuredEnterprises: number;
    sumInsuredFen: number;
    premiumFen: number;
    claimsPaidFen: number;
    /** floor(claims paid × 10000 / premium), both of the year; 0 without premium. */
    lossRatioBps: number;
    /** The city's premium subsidy on the policies issued in the year. */
    premiumSubsidyFen: number;
    byLine: Record<string, number>;
    claimsPaidByLine: Record<string, number>;
    /** Each policy's premium spread over its lines by sum insured (see `premiumByLineOf`), and the ratio per line. */
    premiumByLine: Record<string, number>;
    lossRatioBpsByLine: Record<string, number>;
    /** Per insurer: the premium of its policies issued in the year, its claims paid in the year, their ratio. */
    premiumByInsurer: Record<string, number>;
    claimsPaidByInsurer: Record<string, number>;
    lossRatioBpsByInsurer: Record<string, number>;
  };
  portfolio: {
    patentsInForce: Record<PatentType, number>;
    trademarksInForce: number;
    patentsGrantedThisYear: number;
    trademarksRegisteredThisYear: number;
  };
  designations: Record<DesignationLevel, number>;
  subsidies: { interestSubsidyFen: number };
}

const zeros = (keys: readonly string[]): Record<string, number> =>
  Object.fromEntries(keys.map((k) => [k, 0]));

/** January through the snapshot's month, so a county report shows the quiet months as 0. */
const monthsThrough = (year: number, date: IsoDate): string[] => {
  const last = date.startsWith(`${year}-`) ? Number(date.slice(5, 7)) : 12;
  return Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
};

export function financingFigures(
  pledges: readonly PledgeRegisteredFact[],
  outstandingFen: number,
  year: number,
  date: IsoDate,
): Omit<StatsSnapshot['financing'], keyof LoanBookFigures> {
  const byDivision = zeros([...CITY_DIVISIONS, OTHER_DIVISION]);
  const byLender: Record<string, number> = {};
  const byMonth = zeros(monthsThrough(year, date));
  const byMonthCount = zeros(monthsThrough(year, date));
  for (const p of pledges) {
    addTo(byMonthCount, registrationMonth(p), 1, 'financing.byMonthCount');
    addTo(byDivision, divisionKey(p.divisionCode), p.amountFen, 'financing.byDivision');
    addTo(byLender, p.lenderId, p.amountFen, 'financing.byLender');
    addTo(byMonth, registrationMonth(p), p.amountFen, 'financing.byMonth');
  }
  if (!Number.isSafeInteger(outstandingFen) || outstandingFen < 0)
    throw new StatisticsOverflow('financing.outstandingAmountFen');
  return {
    registeredCount: pledges.length,
    registeredAmountFen: sumExact(
      pledges.map((p) => p.amountFen),
      'financing.registeredAmountFen',
    ),
    enterprisesFinanced: new Set(pledges.map((p) => p.applicant)).size,
    inclusiveCount: pledges.filter((p) => p.amountFen <= INCLUSIVE_MAX_FEN).length,
    inclusiveAmountFen: sumExact(
      pledges.filter((p) => p.amountFen <= INCLUSIVE_MAX_FEN).map((p) => p.amountFen),
      'financing.inclusiveAmountFen',
    ),
    firstTimeBorrowers: new Set(pledges.filter((p) => p.firstTime).map((p) => p.applicant)).size,
    outstandingAmountFen: outstandingFen,
    byDivision,
    byLender: sortedKeys(byLender),
    byMonth: sortedKeys(byMonth),
    byMonthCount: sortedKeys(byMonthCount),
  };
}

export function loanBookFigures(entries: readonly LoanBookEntry[]): LoanBookFigures {
  const divisions = [...CITY_DIVISIONS, OTHER_DIVISION];
  const figures: LoanBookFigures = {
    outstandingPrincipalFen: 0,
    overdueAmountFen: 0,
    nonPerformingAmountFen: 0,
    outstandingPrincipalByLender: {},
    overdueByLender: {},
    nonPerformingByLender: {},
    outstandingPrincipalByDivision: zeros(divisions),
    overdueByDivision: zeros(divisions),
    nonPerformingByDivision: zeros(divisions),
  };
  const parts = [
    ['outstandingPrincipalFen', 'outstandingPrincipal', 'outstandingPrincipalFen'],
    ['overdueFen', 'overdue', 'overdueAmountFen'],
    ['nonPerformingFen', 'nonPerforming', 'nonPerformingAmountFen'],
  ] as const;
  for (const entry of entries)
    for (const [field, prefix, total] of parts) {
      const fen = entry[field];
      figures[total] = addExact(figures[total], fen, `financing.${total}`);
      addTo(figures[`${prefix}ByLender`], entry.lenderId, fen, `financing.${prefix}ByLender`);
      addTo(
        figures[`${prefix}ByDivision`],
        divisionKey(entry.divisionCode),
        fen,
        `financing.${prefix}ByDivision`,
      );
    }
  for (const [, prefix] of parts) figures[`${prefix}ByLender`] = sortedKeys(figures[`${prefix}ByLender`]);
  return figures;
}

/** floor(paid × 10000 / premium) in BigInt (both may be large); no premium, no ratio (0). */
export const lossRatioBps = (paidFen: number, premiumFen: number): number =>
  premiumFen > 0 ? Number((BigInt(paidFen) * 10_000n) / BigInt(premiumFen)) : 0;

/**
 * A policy's premium per line: a premium is set for the whole policy, so each line bears the share of its sum
 * insured, floor(premium × sumInsured / total); what the floors leave goes to the first line.
 */
export function premiumByLineOf(
  policy: Pick<PolicyIssuedFact, 'coverages' | 'premiumFen'>,
): Map<string, number> {
  const total = policy.coverages.reduce((sum, c) => sum + BigInt(c.sumInsuredFen), 0n);
  const shares = new Map<string, number>();
  if (total === 0n || policy.coverages.length === 0) return shares;
  let left = policy.premiumFen;
  for (const c of policy.coverages) {
    const share = Number((BigInt(policy.premiumFen) * BigInt(c.sumInsuredFen)) / total);
    shares.set(c.line, share);
    left -= share;
  }
  const first = policy.coverages[0]!.line;
  shares.set(first, shares.get(first)! + left);
  return shares;
}

/** Facts written before the insurer was recorded on them count under this key. */
export const UNKNOWN_INSURER = '-';

export function insuranceFigures(
  policies: readonly PolicyIssuedFact[],
  claims: readonly ClaimPaidFact[],
): StatsSnapshot['insurance'] {
  const byLine = zeros(COVERAGE_LINES);
  const claimsPaidByLine = zeros(COVERAGE_LINES);
  const premiumByLine = zeros(COVERAGE_LINES);
  const premiumByInsurer: Record<string, number> = {};
  const claimsPaidByInsurer: Record<string, number> = {};
  let sumInsuredFen = 0;
  for (const policy of policies) {
    for (const c of policy.coverages) {
      addTo(byLine, c.line, c.sumInsuredFen, 'insurance.byLine');
      sumInsuredFen = addExact(sumInsuredFen, c.sumInsuredFen, 'insurance.sumInsuredFen');
    }
    addTo(
      premiumByInsurer,
      policy.insurerId ?? UNKNOWN_INSURER,
      policy.premiumFen,
      'insurance.premiumByInsurer',
    );
    for (const [line, fen] of premiumByLineOf(policy))
      addTo(premiumByLine, line, fen, 'insurance.premiumByLine');
  }
  for (const claim of claims) {
    addTo(claimsPaidByLine, claim.line, claim.paidFen, 'insurance.claimsPaidByLine');
    addTo(
      claimsPaidByInsurer,
      claim.insurerId ?? UNKNOWN_INSURER,
      claim.paidFen,
      'insurance.claimsPaidByInsurer',
    );
  }
  const premiumFen = sumExact(
    policies.map((p) => p.premiumFen),
    'insurance.premiumFen',
  );
  const claimsPaidFen = sumExact(
    claims.map((c) => c.paidFen),
    'insurance.claimsPaidFen',
  );
  const insurers = sortedKeys({ ...premiumByInsurer, ...claimsPaidByInsurer });
  return {
    policiesIssued: policies.length,
    insuredEnterprises: new Set(policies.map((p) => p.holder)).size,
    sumInsuredFen,
    premiumFen,
    claimsPaidFen,
    lossRatioBps: lossRatioBps(claimsPaidFen, premiumFen),
    premiumSubsidyFen: sumExact(
      policies.map((p) => p.premiumSubsidyFen ?? 0),
      'insurance.premiumSubsidyFen',
    ),
    byLine,
    claimsPaidByLine,
    premiumByLine,
    lossRatioBpsByLine: Object.fromEntries(
      COVERAGE_LINES.map((line) => [
        line,
        lossRatioBps(claimsPaidByLine[line] ?? 0, premiumByLine[line] ?? 0),
      ]),
    ),
    premiumByInsurer: sortedKeys(premiumByInsurer),
    claimsPaidByInsurer: sortedKeys(claimsPaidByInsurer),
    lossRatioBpsByInsurer: Object.fromEntries(
      Object.keys(insurers).map((id) => [
        id,
        lossRatioBps(claimsPaidByInsurer[id] ?? 0, premiumByInsurer[id] ?? 0),
      ]),
    ),
  };
}

export function buildSnapshot(inputs: StatsInputs): StatsSnapshot {
  const designations = zeros(DESIGNATION_LEVELS) as Record<DesignationLevel, number>;
  for (const level of DESIGNATION_LEVELS) designations[level] = inputs.activeDesignations[level] ?? 0;
  return {
    asOf: inputs.asOf,
    date: inputs.date,
    year: inputs.year,
    financing: {
      ...financingFigures(inputs.pledges, inputs.outstandingFen, inputs.year, inputs.date),
      ...loanBookFigures(inputs.loanBook),
    },
    insurance: insuranceFigures(inputs.policies, inputs.claims),
    portfolio: {
      patentsInForce: {
        invention: inputs.inForce.invention,
        utility_model: inputs.inForce.utility_model,
        design: inputs.inForce.design,
      },
      trademarksInForce: inputs.inForce.trademark,
      patentsGrantedThisYear: inputs.patentsGrantedThisYear,
      trademarksRegisteredThisYear: inputs.trademarksRegisteredThisYear,
    },
    designations,
    subsidies: { interestSubsidyFen: inputs.interestSubsidyFen },
  };
}

const sortedKeys = (map: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

// ---- Flattening: CSV and field-by-field comparison -----------------------------------------------------------

export interface MetricRow {
  metric: string;
  key: string;
  value: string | number;
}

/**
 * One row per figure: scalars as `metric,,value`, maps as `metric,key,value` (e.g. `financing.byDivision,330782,
 * 123`). Row order follows the snapshot's field order, so two equal snapshots flatten identically.
 */
export function flattenSnapshot(snapshot: StatsSnapshot): MetricRow[] {
  const rows: MetricRow[] = [
    { metric: 'asOf', key: '', value: snapshot.asOf },
    { metric: 'date', key: '', value: snapshot.date },
    { metric: 'year', key: '', value: snapshot.year },
  ];
  const walk = (prefix: string, value: object) => {
    for (const [field, v] of Object.entries(value)) {
      const metric = `${prefix}.${field}`;
      if (typeof v === 'number') rows.push({ metric, key: '', value: v });
      else
        for (const [key, n] of Object.entries(v as Record<string, number>))
          rows.push({ metric, key, value: n });
    }
  };
  walk('financing', snapshot.financing);
  walk('insurance', snapshot.insurance);
  walk('portfolio', snapshot.portfolio);
  for (const [key, n] of Object.entries(snapshot.designations))
    rows.push({ metric: 'designations', key, value: n });
  walk('subsidies', snapshot.subsidies);
  return rows;
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading formula character is neutralised. */
function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly MetricRow[]): string {
  const lines = ['metric,key,value', ...rows.map((r) => [r.metric, r.key, r.value].map(csvField).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export interface FigureDifference {
  /** `metric` or `metric[key]`. */
  figure: string;
  expected: string | number | null;
  actual: string | number | null;
}

/**
 * Every figure on which two snapshots disagree (`expected` from the source of truth, `actual` from the counters);
 * the time stamps are not figures and are ignored. Empty when they agree exactly.
 */
export function diffSnapshots(expected: StatsSnapshot, actual: StatsSnapshot): FigureDifference[] {
  const index = (s: StatsSnapshot) => {
    const map = new Map<string, string | number>();
    for (const r of flattenSnapshot(s))
      if (r.metric !== 'asOf') map.set(r.key ? `${r.metric}[${r.key}]` : r.metric, r.value);
    return map;
  };
  const a = index(expected);
  const b = index(actual);
  const differences: FigureDifference[] = [];
  for (const figure of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(figure) ?? null;
    const y = b.get(figure) ?? null;
    if (x !== y) differences.push({ figure, expected: x, actual: y });
  }
  return differences;
}

// ---- Drill-down: the records behind a figure ---------------------------------------------------------------

/**
 * Which records each figure that has them counts: a registration, an issued policy or a claim payment (the year's
 * facts); a loan in the book on the business date; the year's policies and claim payments together (a loss ratio);
 * an enterprise's interest subsidy; an asset in force or granted in the year; an active designation.
 */
export const FIGURE_RECORDS = {
  'financing.registeredCount': 'pledge',
  'financing.registeredAmountFen': 'pledge',
  'financing.enterprisesFinanced': 'pledge',
  'financing.inclusiveCount': 'pledge',
  'financing.inclusiveAmountFen': 'pledge',
  'financing.firstTimeBorrowers': 'pledge',
  'financing.byDivision': 'pledge',
  'financing.byLender': 'pledge',
  'financing.byMonth': 'pledge',
  'financing.byMonthCount': 'pledge',
  'financing.outstandingAmountFen': 'loan',
  'financing.outstandingPrincipalFen': 'loan',
  'financing.outstandingPrincipalByLender': 'loan',
  'financing.outstandingPrincipalByDivision': 'loan',
  'financing.overdueAmountFen': 'loan',
  'financing.overdueByLender': 'loan',
  'financing.overdueByDivision': 'loan',
  'financing.nonPerformingAmountFen': 'loan',
  'financing.nonPerformingByLender': 'loan',
  'financing.nonPerformingByDivision': 'loan',
  'insurance.policiesIssued': 'policy',
  'insurance.insuredEnterprises': 'policy',
  'insurance.sumInsuredFen': 'policy',
  'insurance.premiumFen': 'policy',
  'insurance.premiumSubsidyFen': 'policy',
  'insurance.byLine': 'policy',
  'insurance.premiumByLine': 'policy',
  'insurance.premiumByInsurer': 'policy',
  'insurance.claimsPaidFen': 'claim',
  'insurance.claimsPaidByLine': 'claim',
  'insurance.claimsPaidByInsurer': 'claim',
  'insurance.lossRatioBps': 'loss_ratio',
  'insurance.lossRatioBpsByLine': 'loss_ratio',
  'insurance.lossRatioBpsByInsurer': 'loss_ratio',
  'subsidies.interestSubsidyFen': 'subsidy',
  'portfolio.patentsInForce': 'asset_in_force',
  'portfolio.trademarksInForce': 'asset_in_force',
  'portfolio.patentsGrantedThisYear': 'asset_granted',
  'portfolio.trademarksRegisteredThisYear': 'asset_granted',
  designations: 'designation',
} as const;
export type DrillableFigure = keyof typeof FIGURE_RECORDS;
export type RecordSource = (typeof FIGURE_RECORDS)[DrillableFigure];
export const DRILLABLE_FIGURES = Object.keys(FIGURE_RECORDS) as DrillableFigure[];
/** The kinds of record a page holds (a loss ratio's page holds policies and claim payments). */
export const RECORD_KINDS = ['pledge', 'policy', 'claim', 'loan', 'subsidy', 'asset', 'designation'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface RecordFilter {
  division?: string | undefined;
  lender?: string | undefined;
  insurer?: string | undefined;
  month?: string | undefined;
  line?: string | undefined;
  /** A patent type (`portfolio.patentsInForce`). */
  type?: PatentType | undefined;
  /** A designation level (`designations`). */
  level?: DesignationLevel | undefined;
}

/** The business month of an issued policy: that of `issuedOn`, or of its instant for facts without it. */
export const issueMonth = (fact: Pick<PolicyIssuedFact, 'issuedAt' | 'issuedOn'>): string =>
  fact.issuedOn?.slice(0, 7) ?? shanghaiMonth(fact.issuedAt);
/** The business month of a claim payment: that of `paidOn`, or of its instant for facts without it. */
export const paymentMonth = (fact: Pick<ClaimPaidFact, 'paidAt' | 'paidOn'>): string =>
  fact.paidOn?.slice(0, 7) ?? shanghaiMonth(fact.paidAt);

/** Whether a fact is among the records of `figure` narrowed by the filter's dimensions (those it has). */
export function isRecordOf(
  figure: DrillableFigure,
  fact: PledgeRegisteredFact | PolicyIssuedFact | ClaimPaidFact,
  filter: RecordFilter,
): boolean {
  switch (FIGURE_RECORDS[figure]) {
    case 'pledge': {
      const p = fact as PledgeRegisteredFact;
      if (figure.startsWith('financing.inclusive') && p.amountFen > INCLUSIVE_MAX_FEN) return false;
      if (figure === 'financing.firstTimeBorrowers' && !p.firstTime) return false;
      return (
        (filter.division === undefined || divisionKey(p.divisionCode) === filter.division) &&
        (filter.lender === undefined || p.lenderId === filter.lender) &&
        (filter.month === undefined || registrationMonth(p) === filter.month)
      );
    }
    case 'policy': {
      const p = fact as PolicyIssuedFact;
      return (
        (filter.line === undefined || p.coverages.some((c) => c.line === filter.line)) &&
        (filter.insurer === undefined || (p.insurerId ?? UNKNOWN_INSURER) === filter.insurer) &&
        (filter.month === undefined || issueMonth(p) === filter.month)
      );
    }
    case 'claim': {
      const c = fact as ClaimPaidFact;
      return (
        (filter.line === undefined || c.line === filter.line) &&
        (filter.insurer === undefined || (c.insurerId ?? UNKNOWN_INSURER) === filter.insurer) &&
        (filter.month === undefined || paymentMonth(c) === filter.month)
      );
    }
    case 'loss_ratio':
      // A loss ratio's records: the premiums (policies issued) and the claims paid it divides.
      return 'claimId' in fact
        ? isRecordOf('insurance.claimsPaidFen', fact, filter)
        : isRecordOf('insurance.premiumFen', fact, filter);
    default:
      return false;
  }
}

/**
 * What one record adds to its figure under the filter, in fen (or 1 for a count), so a page's records sum to the
 * figure: a loan's part of the loan-book figure, a policy's premium (its line's share when narrowed by line), a
 * claim payment's amount. Undefined for records that are counted rather than summed.
 */
export function countedFenOf(
  figure: DrillableFigure,
  record: PolicyIssuedFact | ClaimPaidFact | LoanRecord,
  filter: RecordFilter,
): number | undefined {
  if (FIGURE_RECORDS[figure] === 'loan') return loanFigureValue(figure, record as LoanRecord);
  if (FIGURE_RECORDS[figure] !== 'loss_ratio') return undefined;
  if ('claimId' in record) return record.paidFen;
  const policy = record as PolicyIssuedFact;
  return filter.line === undefined ? policy.premiumFen : (premiumByLineOf(policy).get(filter.line) ?? 0);
}

/** A loan of the book as a record: its entry, its state and (active) its approved amount. */
export interface LoanRecord extends LoanBookEntry {
  status: 'active' | 'defaulted';
  /** The approved amount while active (what `financing.outstandingAmountFen` counts), else 0. */
  outstandingAmountFen: number;
}

/** The part of a loan-book figure one loan holds. */
export function loanFigureValue(figure: DrillableFigure, loan: LoanRecord): number {
  if (figure === 'financing.outstandingAmountFen') return loan.outstandingAmountFen;
  if (figure.startsWith('financing.outstandingPrincipal')) return loan.outstandingPrincipalFen;
  if (figure.startsWith('financing.overdue')) return loan.overdueFen;
  if (figure.startsWith('financing.nonPerforming')) return loan.nonPerformingFen;
  return 0;
}

/** Whether a loan is among the records of a loan-book figure: it holds a part of it, in the filter's division and lender. */
export const isLoanRecordOf = (figure: DrillableFigure, loan: LoanRecord, filter: RecordFilter): boolean =>
  loanFigureValue(figure, loan) > 0 &&
  (filter.division === undefined || divisionKey(loan.divisionCode) === filter.division) &&
  (filter.lender === undefined || loan.lenderId === filter.lender);

/** One day of the history the dashboard charts: the figures it trends. */
export interface HistoryPoint {
  date: IsoDate;
  financing: { registeredCount: number; registeredAmountFen: number; outstandingAmountFen: number };
  insurance: { policiesIssued: number; sumInsuredFen: number };
}

export const historyPoint = (s: StatsSnapshot): HistoryPoint => ({
  date: s.date,
  financing: {
    registeredCount: s.financing.registeredCount,
    registeredAmountFen: s.financing.registeredAmountFen,
    outstandingAmountFen: s.financing.outstandingAmountFen,
  },
  insurance: { policiesIssued: s.insurance.policiesIssued, sumInsuredFen: s.insurance.sumInsuredFen },
});
