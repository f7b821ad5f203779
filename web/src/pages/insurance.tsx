/**
 * Full-chain IP insurance: a company applies, follows its policies and files claims; an insurer
 * underwrites (issue with premium / decline) and settles or denies claims.
 */

import { useEffect, useState } from 'preact/hooks';
import { payableFen } from '../../../shared/domain/coverage';
import { CLAIM_STATUSES, POLICY_STATUSES } from '../../../shared/domain/policy';
import { ifMatch, type Schemas } from '../api';
import {
  columns,
  DataTable,
  DetailHeader,
  DetailsHead,
  Fact,
  ListSection,
  Named,
  pageQuery,
  SubmitButtons,
} from '../components';
import { DocumentsSection } from '../documents';
import { type TextKey, useI18n } from '../i18n';
import { fenToYuanText } from '../money';
import {
  DateText,
  DateTimeText,
  fieldError,
  Link,
  Loading,
  localProblem,
  Money,
  MoneyField,
  Notice,
  navigate,
  ProblemBox,
  readYuan,
  SelectField,
  Status,
  TextField,
  today,
  useLoad,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';
import { assetTitle } from './company';
import { History } from './pledges';

type Policy = Schemas['Policy'];
type Claim = Schemas['Claim'];
type Line = Policy['coverages'][number]['line'];

export const LINES: Line[] = [
  'application_cost',
  'enforcement_cost',
  'infringement_loss',
  'infringement_liability',
  'overseas_enforcement',
  'pledge_guarantee',
];

const sumInsured = (p: Policy) => p.coverages.reduce((s, c) => s + c.sumInsuredFen, 0);

function PolicyTable({ items, showHolder }: { items: Policy[]; showHolder: boolean }) {
  const { t } = useI18n();
  return (
    <DataTable
      items={items}
      rowKey={(p) => p.id}
      rowProps={(p) => ({ 'data-policy': p.id })}
      cols={columns<Policy>(
        showHolder && {
          head: t('policy.holder'),
          cell: (p) => <Named name={p.holderName} code={p.holder} />,
        },
        { head: t('policy.insurer'), cell: (p) => <Named name={p.insurerName} code={p.insurerId} /> },
        { head: t('policy.coverages'), cell: (p) => p.coverages.map((c) => t(`line.${c.line}`)).join('、') },
        { head: t('policy.sumInsured'), cell: (p) => <Money fen={sumInsured(p)} /> },
        { head: t('policy.periodEnd'), cell: (p) => <DateText value={p.periodEnd} /> },
        { head: t('app.status'), cell: (p) => <Status kind="policyStatus" value={p.status} /> },
        { head: <DetailsHead />, cell: (p) => <Link to={`policies/${p.id}`}>{t('app.details')}</Link> },
      )}
    />
  );
}

function PolicyQueue({
  title,
  initial,
  showHolder,
}: {
  title: TextKey;
  initial: string;
  showHolder: boolean;
}) {
  const { t } = useI18n();
  const { api } = usePortal();
  const [status, setStatus] = useState(initial);
  const list = usePaged(
    (cursor) => api.GET('/policies', { params: { query: pageQuery<Policy['status']>(status, cursor) } }),
    [status],
  );
  return (
    <ListSection
      id="policies-h"
      title={t(title)}
      tabs={{ kind: 'policyStatus', statuses: POLICY_STATUSES, value: status, onChange: setStatus }}
      list={list}
    >
      {(items) => <PolicyTable items={items} showHolder={showHolder} />}
    </ListSection>
  );
}

export const UnderwritingQueue = () => {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('nav.underwriting')}</h1>
      <PolicyQueue title="queue.title" initial="applied" showHolder />
    </>
  );
};

export function ClaimsQueue() {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const [status, setStatus] = useState('filed');
  const list = usePaged(
    (cursor) => api.GET('/claims', { params: { query: pageQuery<Claim['status']>(status, cursor) } }),
    [status],
  );
  return (
    <>
      <h1>{t('nav.claims')}</h1>
      <ListSection
        id="claims-h"
        title={t('claim.queue')}
        tabs={{ kind: 'claimStatus', statuses: CLAIM_STATUSES, value: status, onChange: setStatus }}
        list={list}
      >
        {(items) => (
          <DataTable
            items={items}
            rowKey={(c) => c.id}
            rowProps={(c) => ({ 'data-claim': c.id })}
            cols={columns<Claim>(
              { head: t('policy.holder'), cell: (c) => c.holder },
              { head: t('policy.line'), cell: (c) => tx('line', c.line) },
              { head: t('claim.claimed'), cell: (c) => <Money fen={c.claimedFen} /> },
              {
                head: t('claim.approved'),
                cell: (c) => (c.approvedFen === undefined ? '—' : <Money fen={c.approvedFen} />),
              },
              { head: t('claim.paid'), cell: (c) => <Money fen={c.paidFen ?? 0} /> },
              {
                head: t('claim.reserve'),
                cell: (c) => (c.reserveFen === undefined ? '—' : <Money fen={c.reserveFen} />),
              },
              { head: t('claim.incidentDate'), cell: (c) => <DateText value={c.incidentDate} /> },
              { head: t('app.status'), cell: (c) => <Status kind="claimStatus" value={c.status} /> },
              {
                head: <DetailsHead />,
                cell: (c) => <Link to={`policies/${c.policyId}`}>{t('app.details')}</Link>,
              },
            )}
          />
        )}
      </ListSection>
    </>
  );
}

export function InsurancePage() {
  const { t } = useI18n();
  const [round, setRound] = useState(0);
  return (
    <>
      <h1>{t('nav.insurance')}</h1>
      <ApplyForPolicy onApplied={() => setRound((r) => r + 1)} />
      <PolicyQueue key={round} title="policy.list" initial="" showHolder={false} />
    </>
  );
}

const oneYearLater = (from: string): string => {
  const [y, m, d] = from.split('-').map(Number);
  const end = new Date(y! + 1, m! - 1, d! - 1);
  return `${end.getFullYear()}-${String(end.getMonth() + 1).padStart(2, '0')}-${String(end.getDate()).padStart(2, '0')}`;
};

function ApplyForPolicy({ onApplied }: { onApplied: () => void }) {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const uscc = session.org!;
  const insurers = useLoad(
    () => api.GET('/institutions', { params: { query: { kind: 'insurer', limit: 100 } } }),
    [],
  );
  const assets = useLoad(
    () => api.GET('/enterprises/{uscc}/assets', { params: { path: { uscc }, query: { limit: 100 } } }),
    [uscc],
  );
  const pledges = useLoad(() => api.GET('/pledges', { params: { query: { limit: 100 } } }), []);
  const [insurerId, setInsurerId] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [lines, setLines] = useState<Record<string, { on: boolean; sum: string; deductible: string }>>({});
  const start = today();
  const [period, setPeriod] = useState({ periodStart: start, periodEnd: oneYearLater(start) });
  const [pledgeId, setPledgeId] = useState('');
  const submit = useSubmit();
  const [submittedLines, setSubmittedLines] = useState<Line[]>([]);
  const [submittedAssets, setSubmittedAssets] = useState<string[]>([]);

  const insurer = insurerId || insurers.data?.items[0]?.id || '';
  const lineState = (l: Line) => lines[l] ?? { on: false, sum: '', deductible: '' };
  const setLine = (l: Line, patch: Partial<{ on: boolean; sum: string; deductible: string }>) =>
    setLines((prev) => ({ ...prev, [l]: { ...lineState(l), ...patch } }));
  const lineError = (l: Line, field: string) => {
    const i = submittedLines.indexOf(l);
    return i >= 0 ? fieldError(submit.problem, `coverages.${i}.${field}`) : undefined;
  };
  const assetError = (id: string) => {
    const i = submittedAssets.indexOf(id);
    return i >= 0 ? fieldError(submit.problem, `assetIds.${i}`) : undefined;
  };
  const chosenLines = LINES.filter((l) => lineState(l).on);

  const apply = (e: Event) => {
    e.preventDefault();
    const errors: { path: string; message: string }[] = [];
    const coverages: { line: Line; sumInsuredFen: number; deductibleFen?: number }[] = [];
    chosenLines.forEach((line, i) => {
      const money = readYuan(
        { sumInsuredFen: lineState(line).sum, deductibleFen: lineState(line).deductible },
        t,
        ['deductibleFen'],
      );
      if (!money.ok)
        for (const err of money.problem.errors ?? [])
          errors.push({ ...err, path: `coverages.${i}.${err.path}` });
      else
        coverages.push({
          line,
          sumInsuredFen: money.fen.sumInsuredFen!,
          ...(money.fen.deductibleFen !== undefined ? { deductibleFen: money.fen.deductibleFen } : {}),
        });
    });
    if (chosenLines.length === 0) errors.push({ path: 'coverages', message: t('policy.chooseLines') });
    if (chosen.length === 0) errors.push({ path: 'assetIds', message: t('pledge.chooseAssets') });
    setSubmittedLines(chosenLines);
    setSubmittedAssets(chosen);
    if (errors.length) return submit.setProblem(localProblem(errors));
    void submit.run(
      () =>
        api.POST('/policies', {
          body: {
            insurerId: insurer,
            assetIds: chosen,
            coverages,
            periodStart: period.periodStart,
            periodEnd: period.periodEnd,
            ...(pledgeId ? { pledgeId } : {}),
          },
        }),
      () => {
        setChosen([]);
        setLines({});
        onApplied();
      },
      t('policy.submitted'),
    );
  };

  const labels: Record<string, string> = {
    insurerId: t('policy.insurer'),
    assetIds: t('policy.assets'),
    coverages: t('policy.coverages'),
    periodStart: t('policy.periodStart'),
    periodEnd: t('policy.periodEnd'),
    pledgeId: t('policy.pledge'),
  };
  return (
    <section class="card" aria-labelledby="apply-policy-h">
      <h2 id="apply-policy-h">{t('policy.apply')}</h2>
      <form onSubmit={apply} noValidate class="grid" aria-labelledby="apply-policy-h">
        <ProblemBox problem={submit.problem} labels={labels} />
        <SelectField
          name="insurerId"
          label={labels.insurerId!}
          required
          value={insurer}
          onChange={setInsurerId}
          error={fieldError(submit.problem, 'insurerId')}
          options={(insurers.data?.items ?? []).map((i) => ({ value: i.id, label: `${i.name} (${i.id})` }))}
        />
        <fieldset class="wide">
          <legend>{labels.assetIds} *</legend>
          {assets.loading && <Loading />}
          {(assets.data?.items ?? [])
            .filter((a) => a.inForce)
            .map((a) => (
              <div key={a.id} class="check">
                <label>
                  <input
                    type="checkbox"
                    name="policyAssetIds"
                    value={a.id}
                    checked={chosen.includes(a.id)}
                    onChange={(e) =>
                      setChosen((prev) =>
                        (e.currentTarget as HTMLInputElement).checked
                          ? [...prev, a.id]
                          : prev.filter((x) => x !== a.id),
                      )
                    }
                  />{' '}
                  {a.number} · {assetTitle(a)} · {t('portfolio.expiresOn')} <DateText value={a.expiresOn} />
                </label>
                {assetError(a.id) && <small class="error">{assetError(a.id)}</small>}
              </div>
            ))}
        </fieldset>
        <fieldset class="wide">
          <legend>{labels.coverages} *</legend>
          {LINES.map((l) => (
            <div key={l} class="coverage">
              <label class="check">
                <input
                  type="checkbox"
                  name="line"
                  value={l}
                  checked={lineState(l).on}
                  onChange={(e) => setLine(l, { on: (e.currentTarget as HTMLInputElement).checked })}
                />{' '}
                {tx('line', l)}
              </label>
              {lineState(l).on && (
                <div class="grid inner">
                  <MoneyField
                    name={`sum-${l}`}
                    label={`${tx('line', l)} · ${t('policy.sumInsured')}`}
                    required
                    value={lineState(l).sum}
                    onInput={(sum) => setLine(l, { sum })}
                    error={lineError(l, 'sumInsuredFen')}
                  />
                  <MoneyField
                    name={`deductible-${l}`}
                    label={`${tx('line', l)} · ${t('policy.deductible')}`}
                    value={lineState(l).deductible}
                    onInput={(deductible) => setLine(l, { deductible })}
                    error={lineError(l, 'deductibleFen')}
                  />
                </div>
              )}
            </div>
          ))}
          {fieldError(submit.problem, 'coverages') && !submittedLines.length && (
            <small class="error">{fieldError(submit.problem, 'coverages')}</small>
          )}
        </fieldset>
        <TextField
          name="periodStart"
          type="date"
          label={labels.periodStart!}
          required
          value={period.periodStart}
          onInput={(periodStart) => setPeriod((p) => ({ ...p, periodStart }))}
          error={fieldError(submit.problem, 'periodStart')}
        />
        <TextField
          name="periodEnd"
          type="date"
          label={labels.periodEnd!}
          required
          value={period.periodEnd}
          onInput={(periodEnd) => setPeriod((p) => ({ ...p, periodEnd }))}
          error={fieldError(submit.problem, 'periodEnd')}
        />
        {lineState('pledge_guarantee').on && (
          <SelectField
            name="pledgeId"
            label={labels.pledgeId!}
            required
            value={pledgeId}
            onChange={setPledgeId}
            error={fieldError(submit.problem, 'pledgeId')}
            options={[
              { value: '', label: '—' },
              ...(pledges.data?.items ?? []).map((p) => ({
                value: p.id,
                label: `${p.lenderId} · ${fenToYuanText(p.requestedAmountFen)} 元 · ${tx('pledgeStatus', p.status)}`,
              })),
            ]}
          />
        )}
        <SubmitButtons busy={submit.busy} label={t('policy.apply')} done={submit.done} />
      </form>
    </section>
  );
}

export function PolicyDetailPage({ id }: { id: string }) {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const policy = useLoad(() => api.GET('/policies/{id}', { params: { path: { id } } }), [id]);
  const p = policy.data;
  if (!p) return policy.loading ? <Loading /> : <ProblemBox problem={policy.problem} />;
  return (
    <>
      <DetailHeader title={t('policy.detail')} kind="policyStatus" status={p.status} />
      <section class="card" aria-label={t('policy.detail')}>
        <dl class="facts">
          <Fact label={t('policy.holder')}>
            <Named name={p.holderName} code={p.holder} />
          </Fact>
          <Fact label={t('policy.insurer')}>
            <Named name={p.insurerName} code={p.insurerId} />
          </Fact>
          <Fact label={t('policy.periodStart')}>
            <DateText value={p.periodStart} />
          </Fact>
          <Fact label={t('policy.periodEnd')}>
            <DateText value={p.periodEnd} />
          </Fact>
          {p.policyNumber && <Fact label={t('policy.policyNumber')}>{p.policyNumber}</Fact>}
          {p.premiumFen !== undefined && (
            <Fact label={t('policy.premium')}>
              <Money fen={p.premiumFen} />
            </Fact>
          )}
          {p.pledgeId && (
            <Fact label={t('policy.pledge')}>
              <Link to={`pledges/${p.pledgeId}`}>{p.pledgeId}</Link>
              {p.beneficiaryLenderId && ` · ${p.beneficiaryLenderId}`}
            </Fact>
          )}
          {p.premiumSubsidyFen !== undefined && (
            <Fact label={t('policy.premiumSubsidy')}>
              <Money fen={p.premiumSubsidyFen} /> · {t('policy.premiumPayable')}:{' '}
              <Money fen={p.premiumPayableFen ?? 0} />
            </Fact>
          )}
          {p.renewalOf && (
            <Fact label={t('policy.renewalOf')}>
              <Link to={`policies/${p.renewalOf}`}>{p.renewalOf}</Link>
            </Fact>
          )}
          {p.renewedBy && (
            <Fact label={t('policy.renewedBy')}>
              <Link to={`policies/${p.renewedBy}`}>{p.renewedBy}</Link>
            </Fact>
          )}
          {p.renewalOfferedOn && (
            <Fact label={t('policy.renewalOffered')}>
              <DateText value={p.renewalOfferedOn} />
            </Fact>
          )}
          {p.cancelledOn && (
            <Fact label={t('policy.cancelledOn')}>
              <DateText value={p.cancelledOn} />
            </Fact>
          )}
          {p.refundFen !== undefined && (
            <Fact label={t('policy.refund')}>
              <Money fen={p.refundFen} />
            </Fact>
          )}
          <Fact label={t('policy.assets')}>{p.assetIds.length}</Fact>
        </dl>
        {p.declineReason && (
          <p class="problem" data-testid="decline">
            <strong>{t('policy.declineReason')}:</strong> {p.declineReason}
          </p>
        )}
        <h2>{t('policy.coverages')}</h2>
        <DataTable
          items={p.coverages}
          rowKey={(c) => c.line}
          cols={columns<Policy['coverages'][number]>(
            { head: t('policy.line'), cell: (c) => tx('line', c.line) },
            { head: t('policy.sumInsured'), cell: (c) => <Money fen={c.sumInsuredFen} /> },
            { head: t('policy.deductible'), cell: (c) => <Money fen={c.deductibleFen} /> },
            { head: t('policy.paid'), cell: (c) => <Money fen={c.paidFen} /> },
          )}
        />
      </section>
      {p.status === 'applied' && session.role !== 'lender' && <QuoteCard policy={p} />}
      <PolicyActions policy={p} role={session.role} onDone={policy.reload} />
      {session.role === 'enterprise' && (p.status === 'active' || p.status === 'expired') && !p.renewedBy && (
        <RenewPolicy policy={p} />
      )}
      <Claims policy={p} role={session.role} onDone={policy.reload} />
      {p.history && (
        <History
          events={p.history.map((h) => ({ ...h, label: h.action, reason: h.reason }))}
          statusKind={'policyStatus'}
        />
      )}
    </>
  );
}

/** The insurer's quote from its rates, with the city's part; a line it has not rated is named. */
function QuoteCard({ policy: p }: { policy: Policy }) {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const q = useLoad(
    () => api.GET('/policies/{id}/quote', { params: { path: { id: p.id } } }),
    [p.id, p.version],
  );
  return (
    <section class="card" aria-labelledby="quote-h">
      <h2 id="quote-h">{t('policy.quote')}</h2>
      {q.data ? (
        <>
          <p data-testid="quote">
            {q.data.lines.map((l) => (
              <span key={l.line}>
                {tx('line', l.line)}: <Money fen={l.premiumFen} /> ·{' '}
              </span>
            ))}
            <strong>
              {t('policy.premium')}: <Money fen={q.data.premiumFen} />
            </strong>
          </p>
          {q.data.premiumSubsidyFen !== undefined && (
            <p>
              {t('policy.premiumSubsidy')}: <Money fen={q.data.premiumSubsidyFen} /> ·{' '}
              {t('policy.premiumPayable')}: <Money fen={q.data.premiumPayableFen ?? 0} />
            </p>
          )}
        </>
      ) : q.problem ? (
        // Not an error of the reader's: the insurer has not rated every line yet.
        <p class="muted" data-testid="no-quote">
          {t('policy.noQuote')}
        </p>
      ) : (
        <Loading />
      )}
    </section>
  );
}

/** The holder renews: the same insurer, rights and lines from the day after the period, to a new end. */
function RenewPolicy({ policy: p }: { policy: Policy }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [periodEnd, setPeriodEnd] = useState(`${Number(p.periodEnd.slice(0, 4)) + 1}${p.periodEnd.slice(4)}`);
  const renew = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () => api.POST('/policies/{id}/renew', { params: { path: { id: p.id } }, body: { periodEnd } }),
      (renewal) => navigate(`policies/${renewal.id}`),
      t('app.done'),
    );
  };
  return (
    <section class="card" aria-labelledby="renew-h">
      <h2 id="renew-h">{t('policy.renew')}</h2>
      <form class="grid" noValidate onSubmit={renew} aria-label={t('policy.renew')}>
        <ProblemBox problem={submit.problem} labels={{ periodEnd: t('policy.periodEnd') }} />
        <TextField
          name="periodEnd"
          type="date"
          label={t('policy.periodEnd')}
          required
          value={periodEnd}
          onInput={setPeriodEnd}
          error={fieldError(submit.problem, 'periodEnd')}
        />
        <SubmitButtons busy={submit.busy} label={t('policy.renew')} done={submit.done} />
      </form>
    </section>
  );
}

function PolicyActions({ policy: p, role, onDone }: { policy: Policy; role: string; onDone: () => void }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [open, setOpen] = useState<'issue' | 'decline' | 'terminate' | null>(null);
  const [f, setF] = useState<Record<string, string>>({});
  const set = (name: string) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  useEffect(() => {
    if (submit.problem?.status === 412) onDone();
  }, [submit.problem, onDone]);
  const opts = { params: { path: { id: p.id }, header: ifMatch(p.version) } };
  const after = () => {
    setOpen(null);
    onDone();
  };
  const insurerMay = role === 'insurer' && p.status === 'applied';
  const insurerMayEnd = role === 'insurer' && p.status === 'active';
  const holderMay = role === 'enterprise' && (p.status === 'applied' || p.status === 'active');
  if (!insurerMay && !insurerMayEnd && !holderMay) return null;

  const issue = (e: Event) => {
    e.preventDefault();
    const money = readYuan({ premiumFen: f.premiumFen ?? '' }, t);
    if (!money.ok) return submit.setProblem(money.problem);
    void submit.run(
      () =>
        api.POST('/policies/{id}/issue', {
          ...opts,
          body: {
            premiumFen: money.fen.premiumFen!,
            ...(f.policyNumber?.trim() ? { policyNumber: f.policyNumber.trim() } : {}),
          },
        }),
      after,
      t('app.done'),
    );
  };
  /** Decline an application or terminate an active policy: both with a reason. */
  const decline = (e: Event) => {
    e.preventDefault();
    const path = open === 'terminate' ? '/policies/{id}/terminate' : '/policies/{id}/decline';
    void submit.run(
      () => api.POST(path, { ...opts, body: { reason: f.reason ?? '' } }),
      after,
      t('app.done'),
    );
  };
  const labels = {
    premiumFen: t('policy.premium'),
    policyNumber: t('policy.policyNumber'),
    reason: t('policy.declineReason'),
  };
  const err = (path: string) => fieldError(submit.problem, path);
  return (
    <section class="card" aria-labelledby="policy-actions-h">
      <h2 id="policy-actions-h">{t('app.actions')}</h2>
      <ProblemBox problem={submit.problem} labels={labels} />
      <Notice text={submit.done} />
      <div class="buttons">
        {insurerMay && (
          <>
            <button type="button" aria-expanded={open === 'issue'} onClick={() => setOpen('issue')}>
              {t('policy.issue')}
            </button>
            <button
              type="button"
              class="danger"
              aria-expanded={open === 'decline'}
              onClick={() => setOpen('decline')}
            >
              {t('policy.decline')}
            </button>
          </>
        )}
        {insurerMayEnd && (
          <button
            type="button"
            class="danger"
            aria-expanded={open === 'terminate'}
            onClick={() => setOpen('terminate')}
          >
            {t('policy.terminate')}
          </button>
        )}
        {holderMay && (
          <button
            type="button"
            class="danger"
            disabled={submit.busy}
            onClick={() =>
              void submit.run(
                () => api.POST('/policies/{id}/cancel', { ...opts, body: {} }),
                after,
                t('app.done'),
              )
            }
          >
            {t('policy.cancel')}
          </button>
        )}
      </div>
      {open === 'issue' && (
        <form class="grid" noValidate onSubmit={issue} aria-label={t('policy.issue')}>
          <MoneyField
            name="premiumFen"
            label={labels.premiumFen}
            required
            value={f.premiumFen ?? ''}
            onInput={set('premiumFen')}
            error={err('premiumFen')}
          />
          <TextField
            name="policyNumber"
            label={labels.policyNumber}
            value={f.policyNumber ?? ''}
            onInput={set('policyNumber')}
            error={err('policyNumber')}
          />
          <div class="buttons">
            <button type="submit" disabled={submit.busy}>
              {t('policy.issue')} ✓
            </button>
          </div>
        </form>
      )}
      {(open === 'decline' || open === 'terminate') && (
        <form class="grid" noValidate onSubmit={decline} aria-label={t(`policy.${open}`)}>
          <TextField
            name="reason"
            label={labels.reason}
            required
            multiline
            value={f.reason ?? ''}
            onInput={set('reason')}
            error={err('reason')}
          />
          <div class="buttons">
            <button type="submit" class="danger" disabled={submit.busy}>
              {t(`policy.${open}`)} ✓
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Claims({ policy: p, role, onDone }: { policy: Policy; role: string; onDone: () => void }) {
  const { t, tx } = useI18n();
  const claims = p.claims ?? [];
  return (
    <section class="card" aria-labelledby="claims-list-h">
      <h2 id="claims-list-h">{t('policy.claims')}</h2>
      {(role === 'enterprise' || role === 'lender') && p.status !== 'applied' && p.status !== 'declined' && (
        <FileClaim policy={p} role={role} onFiled={onDone} />
      )}
      {claims.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {claims.map((c) => (
        <article key={c.id} class="claim" data-claim={c.id}>
          <h3>
            {tx('line', c.line)} · <Money fen={c.claimedFen} /> <Status kind="claimStatus" value={c.status} />
          </h3>
          <p>
            {t('claim.incidentDate')}: <DateText value={c.incidentDate} /> · {t('app.createdAt')}:{' '}
            <DateTimeText value={c.createdAt} />
          </p>
          <p>{c.description}</p>
          <ClaimFigures claim={c} />
          {c.denyReason && (
            <p class="problem">
              <strong>{t('claim.denyReason')}:</strong> {c.denyReason}
            </p>
          )}
          <DocumentsSection subject={{ kind: 'claim', id: c.id }} mayUpload={role !== 'ipoffice'} />
          <ClaimSteps claim={c} policy={p} role={role} onDone={onDone} />
        </article>
      ))}
    </section>
  );
}

function FileClaim({ policy: p, role, onFiled }: { policy: Policy; role: string; onFiled: () => void }) {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  // The lender claims on the guarantee line, the holder on the others.
  const lines = p.coverages.filter((c) => (c.line === 'pledge_guarantee') === (role === 'lender'));
  const [f, setF] = useState({
    line: lines[0]?.line ?? '',
    claimedFen: '',
    incidentDate: today(),
    description: '',
  });
  const set = (name: keyof typeof f) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const labels = {
    line: t('policy.line'),
    claimedFen: t('claim.claimed'),
    incidentDate: t('claim.incidentDate'),
    description: t('claim.description'),
  };
  const file = (e: Event) => {
    e.preventDefault();
    const money = readYuan({ claimedFen: f.claimedFen }, t);
    if (!money.ok) return submit.setProblem(money.problem);
    void submit.run(
      () =>
        api.POST('/policies/{id}/claims', {
          params: { path: { id: p.id } },
          body: {
            line: f.line as Line,
            claimedFen: money.fen.claimedFen!,
            incidentDate: f.incidentDate,
            description: f.description,
          },
        }),
      () => {
        setF((prev) => ({ ...prev, claimedFen: '', description: '' }));
        onFiled();
      },
      t('claim.filed'),
    );
  };
  const err = (path: string) => fieldError(submit.problem, path);
  return (
    <details class="form-panel">
      <summary>{t('claim.file')}</summary>
      <form class="grid" noValidate onSubmit={file} aria-label={t('claim.file')}>
        <ProblemBox problem={submit.problem} labels={labels} />
        <SelectField
          name="line"
          label={labels.line}
          required
          value={f.line}
          onChange={set('line')}
          error={err('line')}
          options={lines.map((c) => ({ value: c.line, label: tx('line', c.line) }))}
        />
        <MoneyField
          name="claimedFen"
          label={labels.claimedFen}
          required
          value={f.claimedFen}
          onInput={set('claimedFen')}
          error={err('claimedFen')}
        />
        <TextField
          name="incidentDate"
          type="date"
          label={labels.incidentDate}
          required
          value={f.incidentDate}
          onInput={set('incidentDate')}
          error={err('incidentDate')}
        />
        <TextField
          name="description"
          label={labels.description}
          required
          multiline
          value={f.description}
          onInput={set('description')}
          error={err('description')}
        />
        <SubmitButtons busy={submit.busy} label={t('claim.file')} done={submit.done} />
      </form>
    </details>
  );
}

type Step = 'investigate' | 'assess' | 'pay' | 'settle' | 'deny' | 'reopen';
/** The field each step's amount goes in (investigate's reserve is optional). */
const AMOUNT_OF: Partial<Record<Step, 'reserveFen' | 'approvedFen' | 'amountFen' | 'paidFen'>> = {
  investigate: 'reserveFen',
  assess: 'approvedFen',
  pay: 'amountFen',
  settle: 'paidFen',
};

/** What the caller may do with the claim now: the insurer handles it, its claimant may reopen it. */
function stepsFor(c: Claim, role: string): Step[] {
  if (role === 'insurer')
    return (
      (
        {
          filed: ['investigate', 'settle', 'deny'],
          under_investigation: ['assess', 'settle', 'deny'],
          assessed: ['pay', 'deny'],
          partially_paid: ['pay'],
        } as Record<string, Step[]>
      )[c.status] ?? []
    );
  const claimant = c.claimant?.role ?? 'enterprise';
  return role === claimant && (c.status === 'paid' || c.status === 'denied') ? ['reopen'] : [];
}

/** The claim's amounts, where they are known: claimed, approved, paid, and the reserve still set aside. */
function ClaimFigures({ claim: c }: { claim: Claim }) {
  const { t } = useI18n();
  return (
    <p class="figures">
      {t('claim.claimed')}: <Money fen={c.claimedFen} />
      {c.approvedFen !== undefined && (
        <>
          {' '}
          · {t('claim.approved')}: <Money fen={c.approvedFen} />
        </>
      )}
      {c.paidFen !== undefined && (
        <>
          {' '}
          · {t('claim.paid')}: <Money fen={c.paidFen} />
        </>
      )}
      {c.reserveFen !== undefined && (
        <>
          {' '}
          · {t('claim.reserve')}: <Money fen={c.reserveFen} />
        </>
      )}
    </p>
  );
}

/** One form for the claim's next steps: an amount, a reason, and a button per step the caller may take. */
function ClaimSteps({
  claim: c,
  policy: p,
  role,
  onDone,
}: {
  claim: Claim;
  policy: Policy;
  role: string;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const steps = stepsFor(c, role);
  // Offered: what the assessment left unpaid, or before one, what the claim may be paid within the line's rest.
  const coverage = p.coverages.find((x) => x.line === c.line);
  const unpaid = Math.max(0, (c.approvedFen ?? 0) - (c.paidFen ?? 0));
  const offer =
    c.approvedFen !== undefined || !coverage
      ? unpaid
      : Math.min(
          payableFen(coverage, c.claimedFen) - (c.paidFen ?? 0),
          coverage.sumInsuredFen - coverage.paidFen,
        );
  const [amount, setAmount] = useState(offer > 0 ? fenToYuanText(offer) : '');
  const [reason, setReason] = useState('');
  if (steps.length === 0) return null;
  const needsAmount = steps.some((s) => AMOUNT_OF[s]);
  const needsReason = steps.includes('deny') || steps.includes('reopen');
  const take = (step: Step) => {
    const field = AMOUNT_OF[step];
    let body: Record<string, unknown> = {};
    if (field && (step !== 'investigate' || amount.trim() !== '')) {
      const money = readYuan({ [field]: amount }, t);
      if (!money.ok) return submit.setProblem(money.problem);
      body = { [field]: money.fen[field] };
    }
    if (step === 'deny' || step === 'reopen') body = { reason };
    const opts = { params: { path: { id: c.id }, header: { 'if-match': `"${c.version}"` } }, body } as never;
    void submit.run(
      () => api.POST(`/claims/{id}/${step}` as '/claims/{id}/deny', opts),
      onDone,
      t('app.done'),
    );
  };
  const labels = {
    reserveFen: t('claim.reserve'),
    approvedFen: t('claim.approved'),
    amountFen: t('claim.amount'),
    paidFen: t('claim.paid'),
    reason: steps.includes('reopen') ? t('claim.reopenReason') : t('claim.denyReason'),
  };
  return (
    <form class="grid" noValidate onSubmit={(e) => e.preventDefault()} aria-label={t('claim.queue')}>
      <ProblemBox problem={submit.problem} labels={labels} />
      {needsAmount && (
        <MoneyField
          name="amount"
          label={t('claim.amount')}
          value={amount}
          onInput={setAmount}
          error={['reserveFen', 'approvedFen', 'amountFen', 'paidFen']
            .map((f) => fieldError(submit.problem, f))
            .find(Boolean)}
        />
      )}
      {needsReason && (
        <TextField
          name="reason"
          label={labels.reason}
          multiline
          value={reason}
          onInput={setReason}
          error={fieldError(submit.problem, 'reason')}
        />
      )}
      <div class="buttons">
        {steps.map((step) => (
          <button
            key={step}
            type="button"
            class={step === 'deny' ? 'danger' : undefined}
            disabled={submit.busy}
            onClick={() => take(step)}
          >
            {t(`claim.${step}` as TextKey)}
          </button>
        ))}
      </div>
    </form>
  );
}
