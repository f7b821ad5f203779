/**
 * IP office: the statistics dashboard (latest snapshot) with its tiles, the month-by-month trend against last year,
 * the charts (each figure linking to its records) and the CSV downloads; and the records page behind a figure.
 */
import { useEffect, useState } from 'preact/hooks';
import { asProblem, type Problem } from '../api';
import type { components } from '../api-types';
import { toCsv } from '../csv';
import { saveCsv } from '../download';
import { DIVISIONS, useI18n } from '../i18n';
import { fenToYuanText } from '../money';
import { monthlyFigures, monthsOfSnapshot, type RegistrationRecord } from '../trend';
import {
  DateTimeText,
  Link,
  Loading,
  Money,
  ProblemBox,
  SelectField,
  TextField,
  useLoad,
  usePaged,
  usePortal,
} from '../ui';
import { Chart } from './charts';
import { LEVELS } from './designations';
import { LINES } from './insurance';

export function StatsPage() {
  const { t, tx, lang } = useI18n();
  const { api, config, session } = usePortal();
  const stats = useLoad(() => api.GET('/stats'), []);
  const lenders = useLoad(
    () => api.GET('/institutions', { params: { query: { kind: 'lender', limit: 100 } } }),
    [],
  );
  const insurers = useLoad(
    () => api.GET('/institutions', { params: { query: { kind: 'insurer', limit: 100 } } }),
    [],
  );
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);

  // The CSV needs the bearer token, so a plain link cannot fetch it: fetch, then save the blob.
  const download = async () => {
    setDownloadProblem(null);
    try {
      const res = await fetch(`${config.apiBaseUrl}/stats.csv`, {
        headers: { Authorization: `Bearer ${session.token()}` },
      });
      if (!res.ok) return setDownloadProblem(asProblem(await res.json().catch(() => null), res.status));
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `ip-finance-stats-${stats.data?.date ?? 'latest'}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setDownloadProblem(asProblem(e));
    }
  };

  const s = stats.data;
  if (!s) {
    if (stats.loading) return <Loading />;
    return (
      <>
        <h1>{t('stats.title')}</h1>
        {stats.problem?.status === 404 ? (
          <p class="notice">{t('stats.none')}</p>
        ) : (
          <ProblemBox problem={stats.problem} />
        )}
      </>
    );
  }
  const count = (value: number): string => value.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
  const lenderName = (id: string) => lenders.data?.items.find((l) => l.id === id)?.name ?? id;
  const insurerName = (id: string) => insurers.data?.items.find((l) => l.id === id)?.name ?? id;
  /** Keys of a figure map, largest value first. */
  const ranked = (map: Record<string, number>) =>
    Object.keys(map)
      .filter((k) => (map[k] ?? 0) > 0)
      .sort((a, b) => (map[b] ?? 0) - (map[a] ?? 0));
  const divisions = ranked(s.financing.byDivision);
  const lenderIds = ranked(s.financing.byLender);
  const insurerIds = ranked({ ...s.insurance.claimsPaidByInsurer, ...s.insurance.premiumByInsurer });
  const of = (map: Record<string, number>, keys: string[]) => keys.map((k) => map[k] ?? 0);
  const patents = s.portfolio.patentsInForce;

  return (
    <>
      <h1>
        {t('stats.title')} · {s.year}
      </h1>
      <p class="muted">
        {t('stats.asOf')} <DateTimeText value={s.asOf} />{' '}
        <button type="button" class="secondary small" onClick={() => void download()}>
          {t('stats.download')}
        </button>
      </p>
      <ProblemBox problem={downloadProblem} />
      <section class="tiles" aria-label={t('stats.title')}>
        <Tile
          figure="financing.registeredAmountFen"
          label={t('stats.registeredAmount')}
          value={<Money fen={s.financing.registeredAmountFen} />}
        />
        <Tile
          figure="financing.registeredCount"
          label={t('stats.registeredCount')}
          value={count(s.financing.registeredCount)}
        />
        <Tile
          figure="financing.enterprisesFinanced"
          label={t('stats.enterprisesFinanced')}
          value={count(s.financing.enterprisesFinanced)}
        />
        <Tile
          figure="financing.outstandingAmountFen"
          label={t('stats.outstanding')}
          value={<Money fen={s.financing.outstandingAmountFen} />}
        />
        <Tile
          figure="financing.inclusiveAmountFen"
          label={t('stats.inclusive')}
          value={<Money fen={s.financing.inclusiveAmountFen} />}
          note={`${count(s.financing.inclusiveCount)} ${t('stats.loans')}`}
        />
        <Tile
          figure="financing.firstTimeBorrowers"
          label={t('stats.firstTimeBorrowers')}
          value={count(s.financing.firstTimeBorrowers)}
        />
        <Tile
          figure="subsidies.interestSubsidyFen"
          label={t('stats.interestSubsidy')}
          value={<Money fen={s.subsidies.interestSubsidyFen} />}
        />
        <Tile
          figure="insurance.policiesIssued"
          label={t('stats.policiesIssued')}
          value={count(s.insurance.policiesIssued)}
        />
        <Tile
          figure="insurance.insuredEnterprises"
          label={t('stats.insuredEnterprises')}
          value={count(s.insurance.insuredEnterprises)}
        />
        <Tile
          figure="insurance.sumInsuredFen"
          label={t('stats.sumInsured')}
          value={<Money fen={s.insurance.sumInsuredFen} />}
        />
        <Tile
          figure="insurance.premiumFen"
          label={t('stats.premium')}
          value={<Money fen={s.insurance.premiumFen} />}
        />
        <Tile
          figure="insurance.claimsPaidFen"
          label={t('stats.claimsPaid')}
          value={<Money fen={s.insurance.claimsPaidFen} />}
        />
        <Tile
          figure="insurance.lossRatioBps"
          label={t('stats.lossRatio')}
          value={`${(s.insurance.lossRatioBps / 100).toFixed(2)}%`}
        />
        <Tile
          figure="insurance.premiumSubsidyFen"
          label={t('stats.premiumSubsidy')}
          value={<Money fen={s.insurance.premiumSubsidyFen} />}
        />
        <Tile
          figure="portfolio.patentsInForce"
          label={t('stats.patentsInForce')}
          value={`${count(patents.invention + patents.utility_model + patents.design)}`}
          note={`${tx('patentType', 'invention')} ${count(patents.invention)} · ${tx('patentType', 'utility_model')} ${count(patents.utility_model)} · ${tx('patentType', 'design')} ${count(patents.design)}`}
        />
        <Tile
          figure="portfolio.trademarksInForce"
          label={t('stats.trademarksInForce')}
          value={count(s.portfolio.trademarksInForce)}
        />
        <Tile
          figure="portfolio.patentsGrantedThisYear"
          label={t('stats.patentsGranted')}
          value={count(s.portfolio.patentsGrantedThisYear)}
        />
        <Tile
          figure="portfolio.trademarksRegisteredThisYear"
          label={t('stats.trademarksRegistered')}
          value={count(s.portfolio.trademarksRegisteredThisYear)}
        />
      </section>
      {s.financing.outstandingPrincipalFen !== undefined && (
        <LoanBook
          financing={s.financing}
          lenderName={lenderName}
          divisionName={(code) => DIVISIONS[code]?.[lang] ?? t('stats.otherDivision')}
        />
      )}
      <Trend snapshot={s} />
      <section class="charts" aria-label={t('stats.charts')}>
        <Chart
          name="financing-by-county"
          title={t('stats.byCounty')}
          categoryLabel={t('stats.county')}
          categories={divisions.map((code) => DIVISIONS[code]?.[lang] ?? t('stats.otherDivision'))}
          series={[
            {
              name: t('stats.registeredAmount'),
              values: of(s.financing.byDivision, divisions),
              link: (i) => recordsLink('financing.byDivision', { division: divisions[i] }),
            },
          ]}
          unit="fen"
          horizontal
        />
        <Chart
          name="financing-by-lender"
          title={t('stats.byLender')}
          categoryLabel={t('stats.lender')}
          categories={lenderIds.map(lenderName)}
          series={[
            {
              name: t('stats.registeredAmount'),
              values: of(s.financing.byLender, lenderIds),
              link: (i) => recordsLink('financing.byLender', { lender: lenderIds[i] }),
            },
          ]}
          unit="fen"
          horizontal
        />
        <Chart
          name="insurance-by-line"
          title={t('stats.byLine')}
          categoryLabel={t('policy.line')}
          categories={LINES.map((line) => tx('line', line))}
          series={[
            {
              name: t('stats.sumInsured'),
              values: of(s.insurance.byLine, LINES),
              link: (i) => recordsLink('insurance.byLine', { line: LINES[i] }),
            },
          ]}
          unit="fen"
          horizontal
        />
        <Chart
          name="premium-claims-by-line"
          title={t('stats.premiumClaimsByLine')}
          categoryLabel={t('policy.line')}
          categories={LINES.map((line) => tx('line', line))}
          series={[
            {
              name: t('stats.premium'),
              values: of(s.insurance.premiumByLine, LINES),
              link: (i) => recordsLink('insurance.premiumByLine', { line: LINES[i] }),
            },
            {
              name: t('stats.claimsPaid'),
              values: of(s.insurance.claimsPaidByLine, LINES),
              link: (i) => recordsLink('insurance.claimsPaidByLine', { line: LINES[i] }),
            },
          ]}
          unit="fen"
          horizontal
        />
        <Chart
          name="premium-claims-by-insurer"
          title={t('stats.premiumClaimsByInsurer')}
          categoryLabel={t('stats.insurer')}
          categories={insurerIds.map(insurerName)}
          series={[
            {
              name: t('stats.premium'),
              values: of(s.insurance.premiumByInsurer, insurerIds),
              link: (i) => recordsLink('insurance.premiumByInsurer', { insurer: insurerIds[i] }),
            },
            {
              name: t('stats.claimsPaid'),
              values: of(s.insurance.claimsPaidByInsurer, insurerIds),
              link: (i) => recordsLink('insurance.claimsPaidByInsurer', { insurer: insurerIds[i] }),
            },
          ]}
          unit="fen"
          horizontal
        />
        <Chart
          name="designations"
          title={t('stats.designations')}
          categoryLabel={t('stats.designationLevel')}
          categories={LEVELS.map((level) => tx('designationLevel', level))}
          series={[
            {
              name: t('stats.enterprises'),
              values: LEVELS.map((level) => s.designations[level]),
              link: (i) => recordsLink('designations', { level: LEVELS[i] }),
            },
          ]}
          unit="count"
          horizontal
        />
      </section>
    </>
  );
}

/** The records page of a figure narrowed by the given dimensions (those without a value are left out). */
export const recordsLink = (figure: string, filter: Record<string, string | number | undefined>): string => {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== '') query.set(k, String(v));
  const q = query.toString();
  return `stats/${figure}${q ? `?${q}` : ''}`;
};

type RecordItem = components['schemas']['StatsRecord'] & Record<string, unknown>;

/** Every record of a figure (following `nextCursor` to the end, 100 a request), or the first problem. */
async function allRecords(
  api: ReturnType<typeof usePortal>['api'],
  query: Record<string, string | number>,
): Promise<{ items: RecordItem[] } | { problem: Problem }> {
  const items: RecordItem[] = [];
  const page = (cursor: string | null) =>
    api.GET('/stats/records', {
      params: { query: { ...query, limit: 100, ...(cursor ? { cursor } : {}) } as never },
    });
  let cursor: string | null = null;
  do {
    const r = await page(cursor);
    if (!r.data) return { problem: asProblem(r.error, r.response.status) };
    items.push(...(r.data.items as RecordItem[]));
    cursor = r.data.nextCursor ?? null;
  } while (cursor);
  return { items };
}

type Snapshot = components['schemas']['StatsSnapshot'];
type Months = ReturnType<typeof monthlyFigures>;

/**
 * A year's months from a snapshot's per-month aggregates (no request); for a snapshot taken before the counts were
 * kept, or none, from the year's registration records (100 a request), those the snapshot counted.
 */
async function monthsOf(
  api: ReturnType<typeof usePortal>['api'],
  snapshot: Snapshot | undefined,
  year: number,
): Promise<Months | { problem: Problem }> {
  const f = snapshot?.financing;
  if (f?.byMonthCount) return monthsOfSnapshot(f.byMonth, f.byMonthCount, year);
  const all = await allRecords(api, { figure: 'financing.registeredCount', year });
  if ('problem' in all) return all;
  const counted = snapshot ? all.items.filter((r) => String(r.registeredAt) <= snapshot.asOf) : all.items;
  return monthlyFigures(counted as unknown as RegistrationRecord[], year);
}

/**
 * A year's final snapshot: that of 31 December (one read, the daily job's last run of the year); without one, the
 * last day of December's history and that day's snapshot; none in December → undefined.
 */
async function lastSnapshotOf(
  api: ReturnType<typeof usePortal>['api'],
  year: number,
): Promise<Snapshot | undefined | { problem: Problem }> {
  const read = async (date: string) => {
    const day = await api.GET('/stats/{date}', { params: { path: { date } } });
    return (
      day.data ??
      (day.response.status === 404 ? undefined : { problem: asProblem(day.error, day.response.status) })
    );
  };
  const yearEnd = await read(`${year}-12-31`);
  if (yearEnd) return yearEnd;
  const december = await api.GET('/stats/history', {
    params: { query: { from: `${year}-12-01`, to: `${year}-12-30` } },
  });
  if (!december.data) return { problem: asProblem(december.error, december.response.status) };
  const last = december.data.items.at(-1);
  return last ? read(last.date) : undefined;
}

/**
 * New pledge financing month by month, January to the snapshot's month, against the same months of last year:
 * this year's months from the snapshot's own per-month aggregates (`byMonth`, `byMonthCount`: no request), last
 * year's from its final snapshot (one read of 31 December's; else December's history and its last day). Only
 * without such a snapshot does it fall back to the registration records.
 */
function Trend({ snapshot }: { snapshot: Snapshot }) {
  const { t, lang } = useI18n();
  const { api } = usePortal();
  const { year, date, asOf } = snapshot;
  type Loaded = { problem: Problem } | { current: Months; previous: Months };
  const [result, setResult] = useState<Loaded | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = async (): Promise<Loaded> => {
      const [current, last] = await Promise.all([
        monthsOf(api, snapshot, year),
        lastSnapshotOf(api, year - 1),
      ]);
      if ('problem' in current) return current;
      if (last && 'problem' in last) return last;
      const previous = await monthsOf(api, last, year - 1);
      if ('problem' in previous) return previous;
      return { current, previous };
    };
    setResult(undefined);
    load().then(
      (r) => live && setResult(r),
      (e) => live && setResult({ problem: asProblem(e) }),
    );
    return () => {
      live = false;
    };
  }, [year, asOf]);
  if (!result) return <Loading />;
  if ('problem' in result) return <ProblemBox problem={result.problem} />;
  const through = date.startsWith(`${year}-`) ? Number(date.slice(5, 7)) : 12;
  const months = result.current.slice(0, through);
  const labels = months.map((m) =>
    new Date(2000, Number(m.month) - 1, 1).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
      month: 'short',
    }),
  );
  const previous = result.previous.slice(0, through);
  const monthOf = (y: number, i: number) => `${y}-${months[i]!.month}`;
  return (
    <section class="charts trend" aria-label={t('stats.trend')}>
      <Chart
        name="trend-amount"
        title={`${t('stats.trendAmount')} · ${year} / ${year - 1}`}
        categoryLabel={t('stats.monthShort')}
        categories={labels}
        series={[
          {
            name: String(year),
            values: months.map((m) => m.amountFen),
            link: (i) => recordsLink('financing.byMonth', { month: monthOf(year, i), year }),
          },
          {
            name: String(year - 1),
            values: previous.map((m) => m.amountFen),
            link: (i) => recordsLink('financing.byMonth', { month: monthOf(year - 1, i), year: year - 1 }),
          },
        ]}
        unit="fen"
      />
      <Chart
        name="trend-count"
        title={`${t('stats.trendCount')} · ${year} / ${year - 1}`}
        categoryLabel={t('stats.monthShort')}
        categories={labels}
        series={[
          {
            name: String(year),
            values: months.map((m) => m.count),
            link: (i) => recordsLink('financing.registeredCount', { month: monthOf(year, i), year }),
          },
          {
            name: String(year - 1),
            values: previous.map((m) => m.count),
            link: (i) =>
              recordsLink('financing.registeredCount', { month: monthOf(year - 1, i), year: year - 1 }),
          },
        ]}
        unit="count"
        type="line"
      />
    </section>
  );
}

type Financing = components['schemas']['StatsSnapshot']['financing'];

/** The loan book: principal outstanding, overdue and non-performing, by lender and by county. */
function LoanBook({
  financing: f,
  lenderName,
  divisionName,
}: {
  financing: Financing;
  lenderName: (id: string) => string;
  divisionName: (code: string) => string;
}) {
  const { t } = useI18n();
  const share = (part = 0, whole = 0) => (whole === 0 ? '—' : `${((part * 100) / whole).toFixed(2)}%`);
  /** A money cell opening the loans behind it. */
  const cell = (fen: number, figure: string, filter: Record<string, string>) => (
    <td class="num">
      {fen > 0 ? (
        <Link to={recordsLink(figure, filter)}>
          <Money fen={fen} />
        </Link>
      ) : (
        <Money fen={fen} />
      )}
    </td>
  );
  const rows = (
    outstanding: Record<string, number> = {},
    overdue: Record<string, number> = {},
    npl: Record<string, number> = {},
    name: (key: string) => string,
    by: 'lender' | 'division',
  ) =>
    Object.keys(outstanding)
      .filter((k) => (outstanding[k] ?? 0) + (npl[k] ?? 0) > 0)
      .sort((a, b) => (outstanding[b] ?? 0) - (outstanding[a] ?? 0))
      .map((k) => (
        <tr key={k}>
          <th scope="row">{name(k)}</th>
          {cell(
            outstanding[k] ?? 0,
            `financing.outstandingPrincipalBy${by === 'lender' ? 'Lender' : 'Division'}`,
            {
              [by]: k,
            },
          )}
          {cell(overdue[k] ?? 0, `financing.overdueBy${by === 'lender' ? 'Lender' : 'Division'}`, {
            [by]: k,
          })}
          {cell(npl[k] ?? 0, `financing.nonPerformingBy${by === 'lender' ? 'Lender' : 'Division'}`, {
            [by]: k,
          })}
        </tr>
      ));
  const table = (caption: string, key: string, body: preact.ComponentChildren) => (
    <div class="table-wrap">
      <table data-loan-book={key}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{key === 'lender' ? t('stats.lender') : t('stats.county')}</th>
            <th scope="col">{t('stats.outstandingPrincipal')}</th>
            <th scope="col">{t('stats.overdue')}</th>
            <th scope="col">{t('stats.nonPerforming')}</th>
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
  return (
    <section class="loan-book" aria-labelledby="loan-book">
      <h2 id="loan-book">{t('stats.loanBook')}</h2>
      <div class="tiles">
        <Tile
          figure="financing.outstandingPrincipalFen"
          label={t('stats.outstandingPrincipal')}
          value={<Money fen={f.outstandingPrincipalFen ?? 0} />}
        />
        <Tile
          figure="financing.overdueAmountFen"
          label={t('stats.overdue')}
          value={<Money fen={f.overdueAmountFen ?? 0} />}
          note={`${t('stats.ofOutstanding')} ${share(f.overdueAmountFen, f.outstandingPrincipalFen)}`}
        />
        <Tile
          figure="financing.nonPerformingAmountFen"
          label={t('stats.nonPerforming')}
          value={<Money fen={f.nonPerformingAmountFen ?? 0} />}
        />
      </div>
      {table(
        t('stats.loanBookByLender'),
        'lender',
        rows(
          f.outstandingPrincipalByLender,
          f.overdueByLender,
          f.nonPerformingByLender,
          lenderName,
          'lender',
        ),
      )}
      {table(
        t('stats.loanBookByCounty'),
        'county',
        rows(
          f.outstandingPrincipalByDivision,
          f.overdueByDivision,
          f.nonPerformingByDivision,
          divisionName,
          'division',
        ),
      )}
    </section>
  );
}

const Tile = ({
  label,
  value,
  note,
  figure,
}: {
  label: string;
  value: preact.ComponentChildren;
  note?: string;
  /** The snapshot path whose records the tile opens. */
  figure?: string;
}) => (
  <div class="tile">
    <div class="tile-label">{figure ? <Link to={`stats/${figure}`}>{label}</Link> : label}</div>
    <div class="tile-value">{value}</div>
    {note && <div class="tile-note">{note}</div>}
  </div>
);

/** The kind of records a figure's page lists (a loss ratio's: its policies and claim payments). */
export type RecordsOf =
  | 'pledge'
  | 'policy'
  | 'claim'
  | 'loan'
  | 'loss_ratio'
  | 'subsidy'
  | 'asset'
  | 'designation';
export const recordsOf = (figure: string): RecordsOf =>
  /^financing\.(outstanding|overdue|nonPerforming)/.test(figure)
    ? 'loan'
    : figure.startsWith('financing.')
      ? 'pledge'
      : figure.startsWith('insurance.lossRatio')
        ? 'loss_ratio'
        : figure.includes('claimsPaid')
          ? 'claim'
          : figure.startsWith('insurance.')
            ? 'policy'
            : figure.startsWith('subsidies.')
              ? 'subsidy'
              : figure.startsWith('portfolio.')
                ? 'asset'
                : 'designation';

/** The columns of a figure's records as the CSV lists them: the API's fields, money in 元. */
const RECORD_COLUMNS: Record<RecordsOf, [string, (r: RecordItem) => string | number | undefined][]> = {
  pledge: [
    ['pledgeId', (r) => str(r.pledgeId)],
    ['registeredOn', (r) => str(r.registeredOn) ?? str(r.registeredAt)?.slice(0, 10)],
    ['registeredAt', (r) => str(r.registeredAt)],
    ['applicant', (r) => str(r.applicant)],
    ['divisionCode', (r) => str(r.divisionCode)],
    ['lenderId', (r) => str(r.lenderId)],
    ['amountYuan', (r) => yuan(r.amountFen)],
    ['firstTime', (r) => (r.firstTime ? 'true' : 'false')],
  ],
  policy: [
    ['policyId', (r) => str(r.policyId)],
    ['issuedAt', (r) => str(r.issuedAt)],
    ['holder', (r) => str(r.holder)],
    ['insurerId', (r) => str(r.insurerId)],
    [
      'lines',
      (r) =>
        coverages(r)
          .map((c) => c.line)
          .join(';'),
    ],
    ['sumInsuredYuan', (r) => fenToYuanText(coverages(r).reduce((sum, c) => sum + c.sumInsuredFen, 0))],
    ['premiumYuan', (r) => yuan(r.premiumFen)],
    ['premiumSubsidyYuan', (r) => yuan(r.premiumSubsidyFen ?? 0)],
  ],
  claim: [
    ['claimId', (r) => str(r.claimId)],
    ['seq', (r) => (typeof r.seq === 'number' ? r.seq : undefined)],
    ['paidAt', (r) => str(r.paidAt)],
    ['policyId', (r) => str(r.policyId)],
    ['insurerId', (r) => str(r.insurerId)],
    ['line', (r) => str(r.line)],
    ['paidYuan', (r) => yuan(r.paidFen)],
  ],
  loan: [
    ['pledgeId', (r) => str(r.pledgeId)],
    ['status', (r) => str(r.status)],
    ['lenderId', (r) => str(r.lenderId)],
    ['divisionCode', (r) => str(r.divisionCode)],
    ['approvedAmountYuan', (r) => yuan(r.outstandingAmountFen)],
    ['outstandingPrincipalYuan', (r) => yuan(r.outstandingPrincipalFen)],
    ['overdueYuan', (r) => yuan(r.overdueFen)],
    ['nonPerformingYuan', (r) => yuan(r.nonPerformingFen)],
    ['countedYuan', (r) => yuan(r.countedFen)],
  ],
  loss_ratio: [
    ['kind', (r) => r.kind],
    ['policyId', (r) => str(r.policyId)],
    ['claimId', (r) => str(r.claimId)],
    ['seq', (r) => (typeof r.seq === 'number' ? r.seq : undefined)],
    ['date', (r) => str(r.issuedOn) ?? str(r.paidOn) ?? str(r.issuedAt ?? r.paidAt)?.slice(0, 10)],
    ['insurerId', (r) => str(r.insurerId)],
    ['premiumYuan', (r) => (r.kind === 'policy' ? yuan(r.countedFen) : undefined)],
    ['claimsPaidYuan', (r) => (r.kind === 'claim' ? yuan(r.countedFen) : undefined)],
  ],
  subsidy: [
    ['uscc', (r) => str(r.uscc)],
    ['interestPaidYuan', (r) => yuan(r.interestPaidFen)],
    ['subsidyYuan', (r) => yuan(r.subsidyFen)],
  ],
  asset: [
    ['assetId', (r) => str(r.assetId)],
    ['type', (r) => str(r.type)],
    ['number', (r) => str(r.number)],
    ['title', (r) => str(r.title)],
    ['owner', (r) => str(r.owner)],
    ['expiresOn', (r) => str(r.expiresOn)],
    ['grantYear', (r) => (typeof r.grantYear === 'number' ? r.grantYear : undefined)],
  ],
  designation: [
    ['id', (r) => str(r.id)],
    ['uscc', (r) => str(r.uscc)],
    ['level', (r) => str(r.level)],
    ['year', (r) => (typeof r.year === 'number' ? r.year : undefined)],
    ['validUntil', (r) => str(r.validUntil)],
  ],
};
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const yuan = (v: unknown) => (typeof v === 'number' ? fenToYuanText(v) : undefined);
const coverages = (r: RecordItem) =>
  Array.isArray(r.coverages) ? (r.coverages as { line: string; sumInsuredFen: number }[]) : [];

/** Records as CSV rows under their kind's columns. */
export const recordsCsv = (kind: RecordsOf, records: RecordItem[]): string => {
  const columns = RECORD_COLUMNS[kind];
  return toCsv(
    columns.map(([name]) => name),
    records.map((r) => columns.map(([, cell]) => cell(r))),
  );
};

/** One record as a table row: what it is (linked where a page shows it), who, when, and what it counts. */
function RecordRow({ r }: { r: RecordItem }) {
  const { tx } = useI18n();
  const money = (fen: unknown) => <Money fen={Number(fen ?? 0)} />;
  const cells = (() => {
    switch (r.kind) {
      case 'pledge':
      case 'loan':
        return {
          id: <Link to={`pledges/${String(r.pledgeId)}`}>{String(r.pledgeId)}</Link>,
          party: String(r.applicant ?? r.lenderId ?? ''),
          when: r.registeredAt ? <DateTimeText value={String(r.registeredAt)} /> : String(r.status ?? ''),
          amount: money(r.kind === 'loan' ? r.countedFen : r.amountFen),
        };
      case 'policy':
      case 'claim':
        return {
          id: <Link to={`policies/${String(r.policyId)}`}>{String(r.claimId ?? r.policyId)}</Link>,
          party: String(r.holder ?? r.insurerId ?? ''),
          when: <DateTimeText value={String(r.issuedAt ?? r.paidAt)} />,
          amount: money(r.countedFen ?? r.paidFen ?? r.premiumFen),
        };
      case 'subsidy':
        return { id: String(r.uscc), party: String(r.uscc), when: '', amount: money(r.subsidyFen) };
      case 'asset':
        return {
          id: String(r.number ?? r.assetId),
          party: String(r.owner ?? ''),
          when: String(r.expiresOn ?? ''),
          amount: `${r.type === 'trademark' ? '' : tx('patentType', String(r.type))} ${String(r.title ?? '')}`,
        };
      default:
        return {
          id: String(r.id),
          party: String(r.uscc ?? ''),
          when: String(r.validUntil ?? r.year ?? ''),
          amount: tx('designationLevel', String(r.level)),
        };
    }
  })();
  return (
    <tr>
      <td>{cells.id}</td>
      <td>{cells.party}</td>
      <td>{cells.when}</td>
      <td>{cells.amount}</td>
    </tr>
  );
}

/**
 * The records a figure counts (registrations, policies, claim payments, loans of the book, subsidy lines, assets,
 * designations), narrowed by the dimensions its records have. The route carries the figure and, from a dashboard
 * link, its narrowing: `stats/financing.byDivision?division=330782`.
 */
export function StatsRecordsPage({ figure: route }: { figure: string }) {
  const { t, tx, lang } = useI18n();
  const { api } = usePortal();
  const [figure = '', search = ''] = route.split('?');
  const given = new URLSearchParams(search);
  const kind = recordsOf(figure);
  const byLender = kind === 'pledge' || kind === 'loan';
  const byInsurer = kind === 'policy' || kind === 'claim' || kind === 'loss_ratio';
  const byMonth = kind === 'pledge' || byInsurer;
  const [division, setDivision] = useState(given.get('division') ?? '');
  const [lender, setLender] = useState(given.get('lender') ?? '');
  const [insurer, setInsurer] = useState(given.get('insurer') ?? '');
  const [line, setLine] = useState(given.get('line') ?? '');
  const [month, setMonth] = useState(given.get('month') ?? '');
  const [type, setType] = useState(given.get('type') ?? '');
  const [level, setLevel] = useState(given.get('level') ?? '');
  const year = given.get('year') ?? '';
  const institutions = useLoad(
    () =>
      api.GET('/institutions', {
        params: { query: { kind: byLender ? 'lender' : 'insurer', limit: 100 } },
      }),
    [kind],
  );
  const query: Record<string, string | number> = {
    figure,
    ...(year ? { year: Number(year) } : {}),
    ...((byLender || kind === 'subsidy') && division ? { division } : {}),
    ...(byLender && lender ? { lender } : {}),
    ...(byInsurer && insurer ? { insurer } : {}),
    ...(byInsurer && line ? { line } : {}),
    ...(byMonth && /^\d{4}-\d{2}$/.test(month) ? { month } : {}),
    ...(figure === 'portfolio.patentsInForce' && type ? { type } : {}),
    ...(kind === 'designation' && level ? { level } : {}),
  };
  const list = usePaged(
    (cursor) =>
      api.GET('/stats/records', {
        params: { query: { ...query, limit: 50, ...(cursor ? { cursor } : {}) } as never },
      }),
    [JSON.stringify(query)],
  );
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  // Every page, not just those shown: the file is the figure's records.
  const download = async () => {
    setDownloading(true);
    setDownloadProblem(null);
    try {
      const all = await allRecords(api, query);
      if ('problem' in all) return setDownloadProblem(all.problem);
      const narrowing = Object.entries(query)
        .filter(([k]) => k !== 'figure')
        .map(([k, v]) => `-${k}-${v}`)
        .join('');
      saveCsv(`ip-finance-records-${figure}${narrowing}.csv`, recordsCsv(kind, all.items));
    } catch (e) {
      setDownloadProblem(asProblem(e));
    } finally {
      setDownloading(false);
    }
  };
  const institutionOptions = [
    { value: '', label: t('app.all') },
    ...(institutions.data?.items ?? []).map((i) => ({ value: i.id, label: i.name })),
  ];
  return (
    <>
      <p>
        <Link to="stats">← {t('nav.stats')}</Link>
      </p>
      <h1>
        {t('stats.records')}: <code>{figure}</code>
        {year && ` · ${year}`}
      </h1>
      <section class="card" aria-label={t('stats.records')}>
        <div class="grid">
          {(byLender || kind === 'subsidy') && (
            <SelectField
              name="division"
              label={t('stats.county')}
              value={division}
              onChange={setDivision}
              options={[
                { value: '', label: t('app.all') },
                ...Object.entries(DIVISIONS).map(([code, name]) => ({ value: code, label: name[lang] })),
                { value: 'other', label: t('stats.otherDivision') },
              ]}
            />
          )}
          {byLender && (
            <SelectField
              name="lender"
              label={t('stats.lender')}
              value={lender}
              onChange={setLender}
              options={institutionOptions}
            />
          )}
          {byInsurer && (
            <>
              <SelectField
                name="line"
                label={t('policy.line')}
                value={line}
                onChange={setLine}
                options={[
                  { value: '', label: t('app.all') },
                  ...LINES.map((l) => ({ value: l, label: tx('line', l) })),
                ]}
              />
              <SelectField
                name="insurer"
                label={t('stats.insurer')}
                value={insurer}
                onChange={setInsurer}
                options={institutionOptions}
              />
            </>
          )}
          {figure === 'portfolio.patentsInForce' && (
            <SelectField
              name="type"
              label={t('stats.patentType')}
              value={type}
              onChange={setType}
              options={[
                { value: '', label: t('app.all') },
                ...(['invention', 'utility_model', 'design'] as const).map((p) => ({
                  value: p,
                  label: tx('patentType', p),
                })),
              ]}
            />
          )}
          {kind === 'designation' && (
            <SelectField
              name="level"
              label={t('stats.designationLevel')}
              value={level}
              onChange={setLevel}
              options={[
                { value: '', label: t('app.all') },
                ...LEVELS.map((l) => ({ value: l, label: tx('designationLevel', l) })),
              ]}
            />
          )}
          {byMonth && <TextField name="month" label={t('stats.month')} value={month} onInput={setMonth} />}
        </div>
        <p>
          <button
            type="button"
            class="secondary small"
            disabled={downloading}
            onClick={() => void download()}
          >
            {t('stats.recordsCsv')}
          </button>
        </p>
        <ProblemBox problem={downloadProblem ?? list.problem} />
        <div class="table-wrap">
          <table data-testid="records">
            <thead>
              <tr>
                <th scope="col">{t('stats.record')}</th>
                <th scope="col">{t('stats.party')}</th>
                <th scope="col">{t('stats.when')}</th>
                <th scope="col">{t('stats.amount')}</th>
              </tr>
            </thead>
            <tbody>
              {(list.items as RecordItem[]).map((r, i) => (
                <RecordRow
                  key={`${i}-${String(r.pledgeId ?? r.claimId ?? r.policyId ?? r.assetId ?? r.uscc ?? r.id)}`}
                  r={r}
                />
              ))}
            </tbody>
          </table>
        </div>
        {list.items.length === 0 && !list.loading && <p class="muted">{t('app.empty')}</p>}
        {list.more && (
          <button type="button" onClick={() => void list.more?.()}>
            {t('app.more')}
          </button>
        )}
      </section>
    </>
  );
}
