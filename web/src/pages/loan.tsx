/**
 * The loan behind a disbursed pledge: its schedule and position as of today, its repayments, and what each role
 * does with it — the bank records repayments and asks for an extension, the IP office registers the extension and
 * releases some of the rights.
 */
import { useState } from 'preact/hooks';
import { ifMatch, type Schemas } from '../api';
import { columns, DataTable, Fact } from '../components';
import { type TextKey, useI18n } from '../i18n';
import {
  DateText,
  Money,
  MoneyField,
  Notice,
  ProblemBox,
  readYuan,
  TextField,
  useLoad,
  usePortal,
  useSubmit,
} from '../ui';

type PledgeDetail = Schemas['PledgeDetail'];
type Instalment = Schemas['LoanSchedule']['instalments'][number];
type Repayment = Schemas['Repayment'];

export function LoanSection({ pledge: p, onDone }: { pledge: PledgeDetail; onDone: () => void }) {
  const { t } = useI18n();
  const { api, session } = usePortal();
  const path = { params: { path: { id: p.id } } };
  const schedule = useLoad(() => api.GET('/pledges/{id}/schedule', path), [p.id, p.version]);
  const repayments = useLoad(() => api.GET('/pledges/{id}/repayments', path), [p.id, p.version]);
  const s = schedule.data;
  if (!s) return null;
  const running = p.status === 'active';
  // The next instalment not yet due or paid, and what it still asks for.
  const next = s.instalments.find((i) => i.status === 'due' || i.status === 'partially_paid');
  return (
    <section class="card" aria-labelledby="loan-h" data-testid="loan">
      <h2 id="loan-h">{t('loan.title')}</h2>
      <dl class="facts">
        <Fact label={t('loan.outstanding')}>
          <Money fen={s.outstandingPrincipalFen} />
        </Fact>
        <Fact label={t('loan.accrued')}>
          <Money fen={s.accruedInterestFen} />
        </Fact>
        <Fact label={t('loan.penalty')}>
          <Money fen={s.penaltyInterestFen} />
        </Fact>
        {running && next && (
          <Fact label={t('loan.nextDue')}>
            <DateText value={next.dueOn} /> ·{' '}
            <Money
              fen={next.principalFen + next.interestFen - next.paidPrincipalFen - next.paidInterestFen}
            />
          </Fact>
        )}
        <Fact label={t('loan.overdueDays')}>{s.overdueDays}</Fact>
        <Fact label={t('loan.classification')}>{t(`classification.${s.classification}` as TextKey)}</Fact>
        {p.changeRequested && (
          <Fact label={t('loan.changeRequested')}>
            <DateText value={p.changeRequested.newMaturesOn} />
          </Fact>
        )}
      </dl>
      <h3>{t('loan.schedule')}</h3>
      <DataTable
        items={s.instalments}
        rowKey={(i) => String(i.n)}
        cols={columns<Instalment>(
          { head: '#', cell: (i) => i.n },
          { head: t('loan.dueOn'), cell: (i) => <DateText value={i.dueOn} /> },
          { head: t('loan.principal'), cell: (i) => <Money fen={i.principalFen} /> },
          { head: t('loan.interest'), cell: (i) => <Money fen={i.interestFen} /> },
          { head: t('loan.paid'), cell: (i) => <Money fen={i.paidPrincipalFen + i.paidInterestFen} /> },
          { head: t('loan.status'), cell: (i) => t(`instalment.${i.status}` as TextKey) },
        )}
      />
      <h3>{t('loan.repayments')}</h3>
      {repayments.data && repayments.data.items.length > 0 ? (
        <DataTable
          items={repayments.data.items}
          rowKey={(r) => r.id}
          cols={columns<Repayment>(
            { head: t('loan.paidOn'), cell: (r) => <DateText value={r.paidOn} /> },
            { head: t('loan.amount'), cell: (r) => <Money fen={r.amountFen} /> },
            { head: t('loan.penalty'), cell: (r) => <Money fen={r.allocation.penaltyFen} /> },
            { head: t('loan.interest'), cell: (r) => <Money fen={r.allocation.interestFen} /> },
            { head: t('loan.principal'), cell: (r) => <Money fen={r.allocation.principalFen} /> },
          )}
        />
      ) : (
        <p>{t('loan.noRepayments')}</p>
      )}
      {running && session.role === 'lender' && <LenderForms pledge={p} onDone={onDone} />}
      {running && session.role === 'ipoffice' && <OfficeForms pledge={p} onDone={onDone} />}
    </section>
  );
}

function LenderForms({ pledge: p, onDone }: { pledge: PledgeDetail; onDone: () => void }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [f, setF] = useState<Record<string, string>>({});
  const v = (name: string) => f[name] ?? '';
  const set = (name: string) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const opts = { params: { path: { id: p.id }, header: ifMatch(p.version) } };
  const done = () => {
    setF({});
    onDone();
  };
  const repay = () => {
    const money = readYuan({ amountFen: v('amountFen') }, t);
    if (!money.ok) return submit.setProblem(money.problem);
    return submit.run(
      () =>
        api.POST('/pledges/{id}/repayments', {
          ...opts,
          body: { amountFen: money.fen.amountFen!, ...(v('paidOn') ? { paidOn: v('paidOn') } : {}) },
        }),
      done,
      t('app.done'),
    );
  };
  const extend = () =>
    submit.run(
      () => api.POST('/pledges/{id}/extend', { ...opts, body: { newMaturesOn: v('newMaturesOn') } }),
      done,
      t('app.done'),
    );
  const labels = {
    amountFen: t('loan.amount'),
    paidOn: t('loan.paidOn'),
    newMaturesOn: t('loan.newMaturesOn'),
  };
  const err = (path: string) => submit.problem?.errors?.find((e) => e.path === path)?.message;
  return (
    <>
      <ProblemBox problem={submit.problem} labels={labels} />
      <Notice text={submit.done} />
      <form
        class="grid"
        noValidate
        aria-label={t('loan.recordRepayment')}
        onSubmit={(e) => {
          e.preventDefault();
          void repay();
        }}
      >
        <MoneyField
          name="amountFen"
          label={labels.amountFen}
          required
          value={v('amountFen')}
          onInput={set('amountFen')}
          error={err('amountFen')}
        />
        <TextField
          name="paidOn"
          type="date"
          label={labels.paidOn}
          value={v('paidOn')}
          onInput={set('paidOn')}
          error={err('paidOn')}
        />
        <div class="buttons">
          <button type="submit" disabled={submit.busy}>
            {t('loan.recordRepayment')}
          </button>
        </div>
      </form>
      {!p.changeRequested && (
        <form
          class="grid"
          noValidate
          aria-label={t('loan.askExtension')}
          onSubmit={(e) => {
            e.preventDefault();
            void extend();
          }}
        >
          <TextField
            name="newMaturesOn"
            type="date"
            label={labels.newMaturesOn}
            required
            value={v('newMaturesOn')}
            onInput={set('newMaturesOn')}
            error={err('newMaturesOn')}
          />
          <div class="buttons">
            <button type="submit" disabled={submit.busy}>
              {t('loan.askExtension')}
            </button>
          </div>
        </form>
      )}
    </>
  );
}

function OfficeForms({ pledge: p, onDone }: { pledge: PledgeDetail; onDone: () => void }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [freed, setFreed] = useState<string[]>([]);
  const opts = { params: { path: { id: p.id }, header: ifMatch(p.version) } };
  const done = () => {
    setFreed([]);
    onDone();
  };
  return (
    <>
      <ProblemBox problem={submit.problem} labels={{ assetIds: t('pledge.assets') }} />
      <Notice text={submit.done} />
      {p.changeRequested && (
        <div class="buttons">
          <button
            type="button"
            disabled={submit.busy}
            onClick={() =>
              void submit.run(
                () => api.POST('/pledges/{id}/register-change', { ...opts, body: {} }),
                done,
                t('app.done'),
              )
            }
          >
            {t('loan.registerChange')}
          </button>
        </div>
      )}
      {p.assets.length > 1 && (
        <form
          aria-label={t('loan.releaseAssets')}
          onSubmit={(e) => {
            e.preventDefault();
            void submit.run(
              () => api.POST('/pledges/{id}/release-assets', { ...opts, body: { assetIds: freed } }),
              done,
              t('app.done'),
            );
          }}
        >
          {p.assets.map((a) => (
            <label class="check" key={a.id}>
              <input
                type="checkbox"
                checked={freed.includes(a.id)}
                onChange={(e) =>
                  setFreed((prev) =>
                    (e.currentTarget as HTMLInputElement).checked
                      ? [...prev, a.id]
                      : prev.filter((x) => x !== a.id),
                  )
                }
              />{' '}
              {a.number}
            </label>
          ))}
          <div class="buttons">
            <button type="submit" disabled={submit.busy || freed.length === 0}>
              {t('loan.releaseAssets')}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
