/** IP office: the statistics dashboard (latest snapshot) with charts and the CSV download. */
import { useState } from 'preact/hooks';
import { asProblem, type Problem } from '../api';
import type { components } from '../api-types';
import { DIVISIONS, useI18n } from '../i18n';
import { formatFen } from '../money';
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
import { BarChart, ColumnChart, type Datum } from './charts';
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
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);

  // The CSV needs the bearer token, so a plain link cannot fetch it: fetch, then save the blob.
  const download = async () => {
    setDownloadProblem(null);
    try {
      const res = await fetch(`${config.apiBaseUrl}/stats.csv`, {
        headers: { Authorization: `Bearer ${session.token}` },
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
  const money = (value: number): string => formatFen(value, lang);
  const count = (value: number): string => value.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');

  const byMonth: Datum[] = Object.entries(s.financing.byMonth)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, fen]) => ({ label: month, value: fen, text: money(fen) }));
  const counties = new Map<string, number>();
  for (const [code, fen] of Object.entries(s.financing.byDivision)) {
    const name = DIVISIONS[code]?.[lang] ?? t('stats.otherDivision');
    counties.set(name, (counties.get(name) ?? 0) + fen);
  }
  const byCounty: Datum[] = [...counties]
    .sort((a, b) => b[1] - a[1])
    .map(([label, fen]) => ({ label, value: fen, text: money(fen) }));
  const byLine: Datum[] = LINES.map((line) => ({
    label: tx('line', line),
    value: s.insurance.byLine[line] ?? 0,
    text: money(s.insurance.byLine[line] ?? 0),
  }));
  const designations: Datum[] = LEVELS.map((level) => ({
    label: tx('designationLevel', level),
    value: s.designations[level],
    text: count(s.designations[level]),
  }));
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
          lenderName={(id) => lenders.data?.items.find((l) => l.id === id)?.name ?? id}
          divisionName={(code) => DIVISIONS[code]?.[lang] ?? t('stats.otherDivision')}
        />
      )}
      <section class="charts">
        <ColumnChart title={t('stats.byMonth')} data={byMonth} />
        <BarChart title={t('stats.byCounty')} data={byCounty} />
        <BarChart title={t('stats.byLine')} data={byLine} />
        <BarChart title={t('stats.designations')} data={designations} />
      </section>
    </>
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

/** The records a figure counts (registrations, issued policies, claim payments), narrowed by one dimension. */
export function StatsRecordsPage({ figure }: { figure: string }) {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const kind = figure.startsWith('financing.') ? 'pledge' : 'insurance';
  const [division, setDivision] = useState('');
  const [line, setLine] = useState('');
  const [month, setMonth] = useState('');
  const query = {
    figure: figure as never,
    limit: 50,
    ...(division ? { division: division as never } : {}),
    ...(line ? { line: line as never } : {}),
    ...(month ? { month } : {}),
  };
  const list = usePaged(
    (cursor) => api.GET('/stats/records', { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } }),
    [figure, division, line, month],
  );
  type Row = (typeof list.items)[number] & Record<string, unknown>;
  const amountOf = (r: Row) => Number(r.amountFen ?? r.premiumFen ?? r.paidFen ?? 0);
  return (
    <>
      <p>
        <Link to="stats">← {t('nav.stats')}</Link>
      </p>
      <h1>
        {t('stats.records')}: <code>{figure}</code>
      </h1>
      <section class="card" aria-label={t('stats.records')}>
        <div class="grid">
          {kind === 'pledge' ? (
            <SelectField
              name="division"
              label={t('stats.county')}
              value={division}
              onChange={setDivision}
              options={[
                { value: '', label: '—' },
                ...Object.entries(DIVISIONS).map(([code, name]) => ({ value: code, label: name.zh })),
                { value: 'other', label: t('stats.otherDivision') },
              ]}
            />
          ) : (
            <SelectField
              name="line"
              label={t('policy.line')}
              value={line}
              onChange={setLine}
              options={[{ value: '', label: '—' }, ...LINES.map((l) => ({ value: l, label: tx('line', l) }))]}
            />
          )}
          <TextField name="month" label={t('stats.month')} value={month} onInput={setMonth} />
        </div>
        <ProblemBox problem={list.problem} />
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
              const id = String(r.pledgeId ?? r.policyId ?? r.claimId);
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
