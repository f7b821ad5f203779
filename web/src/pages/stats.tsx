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
import { monthlyFigures, type RegistrationRecord } from '../trend';
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
        <Tile label={t('stats.outstanding')} value={<Money fen={s.financing.outstandingAmountFen} />} />
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
        <Tile label={t('stats.interestSubsidy')} value={<Money fen={s.subsidies.interestSubsidyFen} />} />
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
        <Tile label={t('stats.lossRatio')} value={`${(s.insurance.lossRatioBps / 100).toFixed(2)}%`} />
        <Tile
          figure="insurance.premiumSubsidyFen"
          label={t('stats.premiumSubsidy')}
          value={<Money fen={s.insurance.premiumSubsidyFen} />}
        />
        <Tile
          label={t('stats.patentsInForce')}
          value={`${count(patents.invention + patents.utility_model + patents.design)}`}
          note={`${tx('patentType', 'invention')} ${count(patents.invention)} · ${tx('patentType', 'utility_model')} ${count(patents.utility_model)} · ${tx('patentType', 'design')} ${count(patents.design)}`}
        />
        <Tile label={t('stats.trademarksInForce')} value={count(s.portfolio.trademarksInForce)} />
        <Tile label={t('stats.patentsGranted')} value={count(s.portfolio.patentsGrantedThisYear)} />
        <Tile
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
      <Trend year={s.year} date={s.date} asOf={s.asOf} />
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
          series={[{ name: t('stats.enterprises'), values: LEVELS.map((level) => s.designations[level]) }]}
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

/**
 * New pledge financing month by month, January to the snapshot's month, against the same months of last year:
 * from the registration records of both years (two short paged reads, not one request per month). This year's
 * records are those the snapshot counted (registered by its `asOf`), so the months add up to its tiles.
 */
function Trend({ year, date, asOf }: { year: number; date: string; asOf: string }) {
  const { t, lang } = useI18n();
  const { api } = usePortal();
  type Loaded =
    | { problem: Problem }
    | { current: ReturnType<typeof monthlyFigures>; previous: ReturnType<typeof monthlyFigures> };
  const [result, setResult] = useState<Loaded | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = async (): Promise<Loaded> => {
      const [current, previous] = await Promise.all([
        allRecords(api, { figure: 'financing.registeredCount', year }),
        allRecords(api, { figure: 'financing.registeredCount', year: year - 1 }),
      ]);
      if ('problem' in current) return current;
      if ('problem' in previous) return previous;
      const counted = current.items.filter((r) => String(r.registeredAt) <= asOf);
      return {
        current: monthlyFigures(counted as unknown as RegistrationRecord[], year),
        previous: monthlyFigures(previous.items as unknown as RegistrationRecord[], year - 1),
      };
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
  const rows = (
    outstanding: Record<string, number> = {},
    overdue: Record<string, number> = {},
    npl: Record<string, number> = {},
    name: (key: string) => string,
  ) =>
    Object.keys(outstanding)
      .filter((k) => (outstanding[k] ?? 0) + (npl[k] ?? 0) > 0)
      .sort((a, b) => (outstanding[b] ?? 0) - (outstanding[a] ?? 0))
      .map((k) => (
        <tr key={k}>
          <th scope="row">{name(k)}</th>
          <td class="num">
            <Money fen={outstanding[k] ?? 0} />
          </td>
          <td class="num">
            <Money fen={overdue[k] ?? 0} />
          </td>
          <td class="num">
            <Money fen={npl[k] ?? 0} />
          </td>
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
          label={t('stats.outstandingPrincipal')}
          value={<Money fen={f.outstandingPrincipalFen ?? 0} />}
        />
        <Tile
          label={t('stats.overdue')}
          value={<Money fen={f.overdueAmountFen ?? 0} />}
          note={`${t('stats.ofOutstanding')} ${share(f.overdueAmountFen, f.outstandingPrincipalFen)}`}
        />
        <Tile label={t('stats.nonPerforming')} value={<Money fen={f.nonPerformingAmountFen ?? 0} />} />
      </div>
      {table(
        t('stats.loanBookByLender'),
        'lender',
        rows(f.outstandingPrincipalByLender, f.overdueByLender, f.nonPerformingByLender, lenderName),
      )}
      {table(
        t('stats.loanBookByCounty'),
        'county',
        rows(f.outstandingPrincipalByDivision, f.overdueByDivision, f.nonPerformingByDivision, divisionName),
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

/** The columns of a figure's records as the CSV lists them: the API's fields, money in 元. */
const RECORD_COLUMNS: Record<string, [string, (r: RecordItem) => string | number | undefined][]> = {
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
};
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const yuan = (v: unknown) => (typeof v === 'number' ? fenToYuanText(v) : undefined);
const coverages = (r: RecordItem) =>
  Array.isArray(r.coverages) ? (r.coverages as { line: string; sumInsuredFen: number }[]) : [];

/** Records as CSV rows under their kind's columns (a figure's records are all of one kind). */
export const recordsCsv = (kind: 'pledge' | 'policy' | 'claim', records: RecordItem[]): string => {
  const columns = RECORD_COLUMNS[kind]!;
  return toCsv(
    columns.map(([name]) => name),
    records.map((r) => columns.map(([, cell]) => cell(r))),
  );
};

/**
 * The records a figure counts (registrations, issued policies, claim payments), narrowed by the dimensions its
 * records have. The route carries the figure and, from a dashboard link, its narrowing:
 * `stats/financing.byDivision?division=330782`.
 */
export function StatsRecordsPage({ figure: route }: { figure: string }) {
  const { t, tx, lang } = useI18n();
  const { api } = usePortal();
  const [figure = '', search = ''] = route.split('?');
  const given = new URLSearchParams(search);
  const kind = figure.startsWith('financing.')
    ? 'pledge'
    : figure.includes('claimsPaid')
      ? 'claim'
      : 'policy';
  const [division, setDivision] = useState(given.get('division') ?? '');
  const [lender, setLender] = useState(given.get('lender') ?? '');
  const [insurer, setInsurer] = useState(given.get('insurer') ?? '');
  const [line, setLine] = useState(given.get('line') ?? '');
  const [month, setMonth] = useState(given.get('month') ?? '');
  const year = given.get('year') ?? '';
  const institutions = useLoad(
    () =>
      api.GET('/institutions', {
        params: { query: { kind: kind === 'pledge' ? 'lender' : 'insurer', limit: 100 } },
      }),
    [kind],
  );
  const query: Record<string, string | number> = {
    figure,
    ...(year ? { year: Number(year) } : {}),
    ...(kind === 'pledge' && division ? { division } : {}),
    ...(kind === 'pledge' && lender ? { lender } : {}),
    ...(kind !== 'pledge' && insurer ? { insurer } : {}),
    ...(kind !== 'pledge' && line ? { line } : {}),
    ...(/^\d{4}-\d{2}$/.test(month) ? { month } : {}),
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
  type Row = RecordItem;
  const amountOf = (r: Row) => Number(r.amountFen ?? r.paidFen ?? r.premiumFen ?? 0);
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
          {kind === 'pledge' ? (
            <>
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
              <SelectField
                name="lender"
                label={t('stats.lender')}
                value={lender}
                onChange={setLender}
                options={institutionOptions}
              />
            </>
          ) : (
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
          <TextField name="month" label={t('stats.month')} value={month} onInput={setMonth} />
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
              {(list.items as Row[]).map((r) => {
                const id = String(r.pledgeId ?? r.claimId ?? r.policyId);
                const to = r.kind === 'pledge' ? `pledges/${id}` : `policies/${String(r.policyId)}`;
                return (
                  <tr key={`${id}${String(r.seq ?? '')}`}>
                    <td>
                      <Link to={to}>{id}</Link>
                    </td>
                    <td>{String(r.applicant ?? r.holder ?? r.insurerId ?? '')}</td>
                    <td>
                      <DateTimeText value={String(r.registeredAt ?? r.issuedAt ?? r.paidAt)} />
                    </td>
                    <td>
                      <Money fen={amountOf(r)} />
                    </td>
                  </tr>
                );
              })}
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
