/** IP office: the statistics dashboard (latest snapshot) with charts and the CSV download. */
import { useState } from 'preact/hooks';
import { asProblem, type Problem } from '../api';
import { DIVISIONS, useI18n } from '../i18n';
import { formatFen } from '../money';
import { DateTimeText, Loading, Money, ProblemBox, useLoad, usePortal } from '../ui';
import { BarChart, ColumnChart, type Datum } from './charts';
import { LEVELS } from './designations';
import { LINES } from './insurance';

export function StatsPage() {
  const { t, tx, lang } = useI18n();
  const { api, config, session } = usePortal();
  const stats = useLoad(() => api.GET('/stats'), []);
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
        <Tile label={t('stats.registeredAmount')} value={<Money fen={s.financing.registeredAmountFen} />} />
        <Tile label={t('stats.registeredCount')} value={count(s.financing.registeredCount)} />
        <Tile label={t('stats.enterprisesFinanced')} value={count(s.financing.enterprisesFinanced)} />
        <Tile label={t('stats.outstanding')} value={<Money fen={s.financing.outstandingAmountFen} />} />
        <Tile label={t('stats.policiesIssued')} value={count(s.insurance.policiesIssued)} />
        <Tile label={t('stats.insuredEnterprises')} value={count(s.insurance.insuredEnterprises)} />
        <Tile label={t('stats.sumInsured')} value={<Money fen={s.insurance.sumInsuredFen} />} />
        <Tile label={t('stats.premium')} value={<Money fen={s.insurance.premiumFen} />} />
        <Tile label={t('stats.claimsPaid')} value={<Money fen={s.insurance.claimsPaidFen} />} />
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
      <section class="charts">
        <ColumnChart title={t('stats.byMonth')} data={byMonth} />
        <BarChart title={t('stats.byCounty')} data={byCounty} />
        <BarChart title={t('stats.byLine')} data={byLine} />
        <BarChart title={t('stats.designations')} data={designations} />
      </section>
    </>
  );
}

const Tile = ({ label, value, note }: { label: string; value: preact.ComponentChildren; note?: string }) => (
  <div class="tile">
    <div class="tile-label">{label}</div>
    <div class="tile-value">{value}</div>
    {note && <div class="tile-note">{note}</div>}
  </div>
);
