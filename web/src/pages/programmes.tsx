/** IP office: the city's programmes — the yearly interest subsidy with its list, and the risk-compensation pool. */
import { useState } from 'preact/hooks';
import { columns, DataTable, SubmitButtons } from '../components';
import { useI18n } from '../i18n';
import {
  fieldError,
  Money,
  MoneyField,
  ProblemBox,
  readYuan,
  TextField,
  useLoad,
  usePortal,
  useSubmit,
} from '../ui';

const thisYear = () => Number(new Date().toISOString().slice(0, 4));

export function ProgrammesPage() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('programme.title')}</h1>
      <InterestSubsidy />
      <PremiumSubsidy />
      <RiskPool />
    </>
  );
}

function InterestSubsidy() {
  const { t } = useI18n();
  const { api } = usePortal();
  const [year, setYear] = useState(String(thisYear()));
  const list = useLoad(() => api.GET('/subsidies', { params: { query: { year: Number(year) } } }), [year]);
  const submit = useSubmit();
  const [f, setF] = useState({ sharePercent: '', cap: '', maxLoan: '' });
  const set = (name: keyof typeof f) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const labels = {
    year: t('programme.year'),
    shareBps: t('programme.sharePercent'),
    capPerEnterpriseFen: t('programme.cap'),
    maxLoanFen: t('programme.maxLoan'),
  };
  const save = (e: Event) => {
    e.preventDefault();
    const money = readYuan({ capPerEnterpriseFen: f.cap, maxLoanFen: f.maxLoan }, t, ['maxLoanFen']);
    if (!money.ok) return submit.setProblem(money.problem);
    const shareBps = Math.round(Number(f.sharePercent) * 100);
    void submit.run(
      () =>
        api.PUT('/programmes/interest-subsidy', {
          params: { header: {} },
          body: {
            year: Number(year),
            shareBps: Number.isFinite(shareBps) ? shareBps : -1,
            capPerEnterpriseFen: money.fen.capPerEnterpriseFen!,
            ...(money.fen.maxLoanFen === undefined ? {} : { maxLoanFen: money.fen.maxLoanFen }),
          },
        }),
      () => list.reload(),
      t('app.saved'),
    );
  };
  return (
    <section class="card" aria-labelledby="subsidy-h">
      <h2 id="subsidy-h">{t('programme.subsidy')}</h2>
      <form class="grid" noValidate onSubmit={save} aria-label={t('programme.subsidy')}>
        <ProblemBox problem={submit.problem} labels={labels} />
        <TextField
          name="year"
          label={labels.year}
          required
          value={year}
          onInput={setYear}
          inputMode="numeric"
        />
        <TextField
          name="shareBps"
          label={labels.shareBps}
          required
          value={f.sharePercent}
          onInput={set('sharePercent')}
          error={fieldError(submit.problem, 'shareBps')}
          inputMode="decimal"
        />
        <MoneyField
          name="capPerEnterpriseFen"
          label={labels.capPerEnterpriseFen}
          required
          value={f.cap}
          onInput={set('cap')}
          error={fieldError(submit.problem, 'capPerEnterpriseFen')}
        />
        <MoneyField
          name="maxLoanFen"
          label={labels.maxLoanFen}
          value={f.maxLoan}
          onInput={set('maxLoan')}
          error={fieldError(submit.problem, 'maxLoanFen')}
        />
        <SubmitButtons busy={submit.busy} label={t('app.save')} done={submit.done} />
      </form>
      {list.data ? (
        <>
          <DataTable
            items={list.data.items}
            rowKey={(i) => i.uscc}
            cols={columns<(typeof list.data.items)[number]>(
              { head: t('programme.enterprise'), cell: (i) => i.uscc },
              { head: t('programme.interestPaid'), cell: (i) => <Money fen={i.interestPaidFen} /> },
              { head: t('programme.subsidyAmount'), cell: (i) => <Money fen={i.subsidyFen} /> },
            )}
          />
          <p data-testid="subsidy-total">
            {t('programme.total')}: <Money fen={list.data.totalFen} />
          </p>
        </>
      ) : (
        <p>{t('programme.notSet')}</p>
      )}
    </section>
  );
}

/** The city's share of a year's insurance premiums. */
function PremiumSubsidy() {
  const { t } = useI18n();
  const { api } = usePortal();
  const [year, setYear] = useState(String(thisYear()));
  const current = useLoad(
    () => api.GET('/programmes/premium-subsidy', { params: { query: { year: Number(year) } } }),
    [year],
  );
  const submit = useSubmit();
  const [sharePercent, setSharePercent] = useState('');
  const labels = { year: t('programme.year'), shareBps: t('programme.sharePercent') };
  const save = (e: Event) => {
    e.preventDefault();
    const shareBps = Math.round(Number(sharePercent) * 100);
    void submit.run(
      () =>
        api.PUT('/programmes/premium-subsidy', {
          params: { header: {} },
          body: { year: Number(year), shareBps: Number.isFinite(shareBps) ? shareBps : -1 },
        }),
      () => current.reload(),
      t('app.saved'),
    );
  };
  return (
    <section class="card" aria-labelledby="premium-subsidy-h">
      <h2 id="premium-subsidy-h">{t('programme.premiumSubsidy')}</h2>
      <p>
        {current.data
          ? `${t('programme.sharePercent')}: ${current.data.shareBps / 100}`
          : t('programme.notSet')}
      </p>
      <form class="grid" noValidate onSubmit={save} aria-label={t('programme.premiumSubsidy')}>
        <ProblemBox problem={submit.problem} labels={labels} />
        <TextField
          name="year"
          label={labels.year}
          required
          value={year}
          onInput={setYear}
          inputMode="numeric"
        />
        <TextField
          name="shareBps"
          label={labels.shareBps}
          required
          value={sharePercent}
          onInput={setSharePercent}
          error={fieldError(submit.problem, 'shareBps')}
          inputMode="decimal"
        />
        <SubmitButtons busy={submit.busy} label={t('app.save')} done={submit.done} />
      </form>
    </section>
  );
}

const PARTIES = ['poolBps', 'lenderBps', 'insurerBps', 'appraiserBps'] as const;

function RiskPool() {
  const { t } = useI18n();
  const { api } = usePortal();
  const pool = useLoad(() => api.GET('/programmes/risk-pool'), []);
  const submit = useSubmit();
  const [f, setF] = useState<Record<string, string>>({});
  const labels = {
    poolBps: t('programme.pool'),
    lenderBps: t('programme.lender'),
    insurerBps: t('programme.insurer'),
    appraiserBps: t('programme.appraiser'),
  };
  const value = (p: (typeof PARTIES)[number]) => f[p] ?? (pool.data ? String(pool.data[p] / 100) : '');
  const save = (e: Event) => {
    e.preventDefault();
    const bps = (p: (typeof PARTIES)[number]) => Math.round(Number(value(p)) * 100);
    void submit.run(
      () =>
        api.PUT('/programmes/risk-pool', {
          params: { header: {} },
          body: {
            poolBps: bps('poolBps'),
            lenderBps: bps('lenderBps'),
            insurerBps: bps('insurerBps'),
            appraiserBps: bps('appraiserBps'),
          },
        }),
      () => pool.reload(),
      t('app.saved'),
    );
  };
  return (
    <section class="card" aria-labelledby="pool-h">
      <h2 id="pool-h">{t('programme.riskPool')}</h2>
      <form class="grid" noValidate onSubmit={save} aria-label={t('programme.riskPool')}>
        <ProblemBox problem={submit.problem} labels={labels} />
        {PARTIES.map((p) => (
          <TextField
            key={p}
            name={p}
            label={labels[p]}
            required
            value={value(p)}
            onInput={(v) => setF((prev) => ({ ...prev, [p]: v }))}
            error={fieldError(submit.problem, p)}
            inputMode="decimal"
          />
        ))}
        <SubmitButtons busy={submit.busy} label={t('app.save')} done={submit.done} />
      </form>
    </section>
  );
}
