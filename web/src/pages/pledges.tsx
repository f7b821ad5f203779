/**
 * Pledge loans for every role: a company applies and follows its applications; a bank works its queue;
 * the IP office registers, refuses and releases. One detail page serves all three, showing exactly the
 * actions the API says the caller may take (`allowedActions`).
 */

import { useEffect, useState } from 'preact/hooks';
import { PLEDGE_STATUSES } from '../../../shared/domain/pledge-state-machine';
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
import { capAmountFen, fenToYuanText, formatBps, parsePercentToBps } from '../money';
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
  ProblemBox,
  readYuan,
  SelectField,
  Status,
  TextField,
  useLoad,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';
import { assetTitle } from './company';
import { LoanSection } from './loan';

type Pledge = Schemas['Pledge'];
type PledgeDetail = Schemas['PledgeDetail'];
type PledgeStatus = Pledge['status'];
type PledgeAction = PledgeDetail['allowedActions'][number];

/** A list of pledges; on the running loans (`loanBook`), what the last servicing run found on each. */
function PledgeTable({
  items,
  showApplicant,
  loanBook = false,
}: {
  items: Pledge[];
  showApplicant: boolean;
  loanBook?: boolean;
}) {
  const { t } = useI18n();
  return (
    <DataTable
      items={items}
      rowKey={(p) => p.id}
      rowProps={(p) => ({ 'data-pledge': p.id })}
      cols={columns<Pledge>(
        showApplicant && {
          head: t('pledge.applicant'),
          cell: (p) => <Named name={p.applicantName} code={p.applicant} />,
        },
        { head: t('pledge.lender'), cell: (p) => <Named name={p.lenderName} code={p.lenderId} /> },
        { head: t('pledge.requested'), cell: (p) => <Money fen={p.requestedAmountFen} /> },
        { head: t('pledge.term'), cell: (p) => p.termMonths },
        loanBook && {
          head: t('loan.outstanding'),
          cell: (p) => <Money fen={p.servicing?.outstandingPrincipalFen ?? p.disbursedAmountFen} />,
        },
        loanBook && { head: t('loan.dueOn'), cell: (p) => <DateText value={p.servicing?.nextDueOn} /> },
        loanBook && { head: t('loan.overdueDays'), cell: (p) => p.servicing?.overdueDays ?? 0 },
        loanBook && {
          head: t('loan.classification'),
          cell: (p) => t(`classification.${p.servicing?.classification ?? 'normal'}` as TextKey),
        },
        { head: t('app.status'), cell: (p) => <Status kind="pledgeStatus" value={p.status} /> },
        { head: t('app.createdAt'), cell: (p) => <DateTimeText value={p.createdAt} /> },
        { head: <DetailsHead />, cell: (p) => <Link to={`pledges/${p.id}`}>{t('app.details')}</Link> },
      )}
    />
  );
}

function PledgeQueue({
  title,
  initial,
  statuses,
  showApplicant,
}: {
  title: TextKey;
  initial: string;
  statuses: readonly PledgeStatus[];
  showApplicant: boolean;
}) {
  const { t } = useI18n();
  const { api } = usePortal();
  const [status, setStatus] = useState(initial);
  const list = usePaged(
    (cursor) => api.GET('/pledges', { params: { query: pageQuery<PledgeStatus>(status, cursor) } }),
    [status],
  );
  return (
    <ListSection
      id="queue-h"
      title={t(title)}
      tabs={{ kind: 'pledgeStatus', statuses, value: status, onChange: setStatus }}
      list={list}
    >
      {(items) => <PledgeTable items={items} showApplicant={showApplicant} loanBook={status === 'active'} />}
    </ListSection>
  );
}

export const BankQueue = () => {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('nav.bankQueue')}</h1>
      <PledgeQueue title="queue.title" initial="submitted" statuses={PLEDGE_STATUSES} showApplicant />
    </>
  );
};

export const RegistrationQueue = () => {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('nav.registration')}</h1>
      <PledgeQueue title="queue.registration" initial="approved" statuses={PLEDGE_STATUSES} showApplicant />
    </>
  );
};

export function CompanyPledgesPage() {
  const { t } = useI18n();
  const [round, setRound] = useState(0);
  return (
    <>
      <h1>{t('nav.pledges')}</h1>
      <ApplyForPledge onApplied={() => setRound((r) => r + 1)} />
      <PledgeQueue
        key={round}
        title="pledge.list"
        initial=""
        statuses={PLEDGE_STATUSES}
        showApplicant={false}
      />
    </>
  );
}

function ApplyForPledge({ onApplied }: { onApplied: () => void }) {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const uscc = session.org!;
  const lenders = useLoad(
    () => api.GET('/institutions', { params: { query: { kind: 'lender', limit: 100 } } }),
    [],
  );
  const assets = useLoad(
    () => api.GET('/enterprises/{uscc}/assets', { params: { path: { uscc }, query: { limit: 100 } } }),
    [uscc],
  );
  const [lenderId, setLenderId] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [f, setF] = useState({
    appraisedValueFen: '',
    requestedAmountFen: '',
    termMonths: '12',
    purpose: '',
  });
  const set = (name: keyof typeof f) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const submit = useSubmit();
  const [submittedIds, setSubmittedIds] = useState<string[]>([]);

  const lenderOptions = lenders.data?.items ?? [];
  const lender = lenderId || lenderOptions[0]?.id || '';
  const pledgeable = (assets.data?.items ?? []).filter((a) => a.status !== 'pending');

  const labels: Record<string, string> = {
    lenderId: t('pledge.lender'),
    assetIds: t('pledge.assets'),
    appraisedValueFen: t('pledge.appraised'),
    requestedAmountFen: t('pledge.requested'),
    termMonths: t('pledge.term'),
    purpose: t('pledge.purpose'),
  };
  // A refusal names assets by their index in what was submitted; show each next to its asset.
  const assetError = (id: string) => {
    const i = submittedIds.indexOf(id);
    return i >= 0 ? fieldError(submit.problem, `assetIds.${i}`) : undefined;
  };

  const apply = (e: Event) => {
    e.preventDefault();
    const money = readYuan(
      { appraisedValueFen: f.appraisedValueFen, requestedAmountFen: f.requestedAmountFen },
      t,
    );
    const errors = money.ok ? [] : [...(money.problem.errors ?? [])];
    if (chosen.length === 0) errors.push({ path: 'assetIds', message: t('pledge.chooseAssets') });
    if (!lender) errors.push({ path: 'lenderId', message: t('pledge.noLenders') });
    if (errors.length || !money.ok) {
      submit.setProblem(localProblem(errors));
      return;
    }
    setSubmittedIds(chosen);
    void submit.run(
      () =>
        api.POST('/pledges', {
          body: {
            lenderId: lender,
            assetIds: chosen,
            appraisedValueFen: money.fen.appraisedValueFen!,
            requestedAmountFen: money.fen.requestedAmountFen!,
            termMonths: Number(f.termMonths),
            ...(f.purpose.trim() ? { purpose: f.purpose.trim() } : {}),
          },
        }),
      () => {
        setChosen([]);
        onApplied();
        assets.reload();
      },
      t('pledge.submitted'),
    );
  };

  return (
    <section class="card" aria-labelledby="apply-h">
      <h2 id="apply-h">{t('pledge.apply')}</h2>
      <form onSubmit={apply} noValidate class="grid" aria-labelledby="apply-h">
        {submit.problem?.status === 422 ? (
          <div class="problem" role="alert">
            <p>{t('pledge.refused')}</p>
            <ul>
              {submit.problem.errors?.map((e) => (
                <li key={e.path + e.message}>{e.message}</li>
              ))}
            </ul>
          </div>
        ) : (
          <ProblemBox problem={submit.problem} labels={labels} />
        )}
        <SelectField
          name="lenderId"
          label={labels.lenderId!}
          required
          value={lender}
          onChange={setLenderId}
          error={fieldError(submit.problem, 'lenderId')}
          options={lenderOptions.map((l) => ({ value: l.id, label: `${l.name} (${l.id})` }))}
        />
        <fieldset
          class="wide"
          aria-describedby={fieldError(submit.problem, 'assetIds') ? 'assets-error' : undefined}
        >
          <legend>{labels.assetIds} *</legend>
          {assets.loading && <Loading />}
          {pledgeable.map((a) => (
            <div key={a.id} class="check">
              <label>
                <input
                  type="checkbox"
                  name="assetIds"
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
                {a.number} · {assetTitle(a)} ·{' '}
                {a.kind === 'patent' ? tx('patentType', a.patentType) : t('portfolio.trademark')} ·{' '}
                {t('portfolio.expiresOn')} <DateText value={a.expiresOn} />
                {a.encumbrance ? ` · ${t('portfolio.pledged')}` : ''}
              </label>
              {assetError(a.id) && <small class="error">{assetError(a.id)}</small>}
            </div>
          ))}
          {fieldError(submit.problem, 'assetIds') &&
            !submit.problem?.errors?.some((e) => /^assetIds\.\d+$/.test(e.path)) && (
              <small id="assets-error" class="error">
                {fieldError(submit.problem, 'assetIds')}
              </small>
            )}
        </fieldset>
        <MoneyField
          name="appraisedValueFen"
          label={labels.appraisedValueFen!}
          required
          value={f.appraisedValueFen}
          onInput={set('appraisedValueFen')}
          error={fieldError(submit.problem, 'appraisedValueFen')}
        />
        <MoneyField
          name="requestedAmountFen"
          label={labels.requestedAmountFen!}
          required
          value={f.requestedAmountFen}
          onInput={set('requestedAmountFen')}
          error={fieldError(submit.problem, 'requestedAmountFen')}
        />
        <TextField
          name="termMonths"
          type="number"
          label={labels.termMonths!}
          required
          value={f.termMonths}
          onInput={set('termMonths')}
          error={fieldError(submit.problem, 'termMonths')}
          inputMode="numeric"
        />
        <TextField
          name="purpose"
          label={labels.purpose!}
          value={f.purpose}
          onInput={set('purpose')}
          error={fieldError(submit.problem, 'purpose')}
        />
        <SubmitButtons busy={submit.busy} label={t('pledge.apply')} done={submit.done} />
      </form>
    </section>
  );
}

export function PledgeDetailPage({ id }: { id: string }) {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const pledge = useLoad(() => api.GET('/pledges/{id}', { params: { path: { id } } }), [id]);
  const p = pledge.data;
  if (!p) return pledge.loading ? <Loading /> : <ProblemBox problem={pledge.problem} />;
  return (
    <>
      <DetailHeader title={t('pledge.detail')} kind="pledgeStatus" status={p.status} />
      <section class="card" aria-label={t('pledge.detail')}>
        <dl class="facts">
          <Fact label={t('pledge.applicant')}>
            <Named name={p.applicantName} code={p.applicant} />
          </Fact>
          <Fact label={t('pledge.lender')}>
            <Named name={p.lenderName} code={p.lenderId} />
          </Fact>
          <Fact label={t('pledge.appraised')}>
            <Money fen={p.appraisedValueFen} />
          </Fact>
          <Fact label={t('pledge.requested')}>
            <Money fen={p.requestedAmountFen} />
          </Fact>
          <Fact label={t('pledge.term')}>{p.termMonths}</Fact>
          <Fact label={t('pledge.maturesOn')}>
            <DateText value={p.maturesOn} />
          </Fact>
          {p.purpose && <Fact label={t('pledge.purpose')}>{p.purpose}</Fact>}
          {p.approvedAmountFen !== undefined && (
            <Fact label={t('pledge.approved')}>
              <Money fen={p.approvedAmountFen} />
              {p.annualRateBps !== undefined && ` · ${formatBps(p.annualRateBps)}`}
            </Fact>
          )}
          {p.registrationNumber && <Fact label={t('pledge.registrationNumber')}>{p.registrationNumber}</Fact>}
          {p.disbursedOn && (
            <Fact label={t('pledge.disbursedOn')}>
              <DateText value={p.disbursedOn} />
            </Fact>
          )}
          {p.disposal && (
            <>
              <Fact label={t('disposal.method')}>
                {t(`disposal.method.${p.disposal.method}`)}
                {p.disposal.transfereeUscc && ` → ${p.disposal.transfereeUscc}`} ·{' '}
                <DateText value={p.disposal.completedOn} />
              </Fact>
              <Fact label={t('disposal.recovered')}>
                <Money fen={p.disposal.recoveredFen} />
              </Fact>
              <Fact label={t('disposal.owed')}>
                <Money fen={p.disposal.owedFen} />
              </Fact>
              <Fact label={t('disposal.loss')}>
                <Money fen={p.disposal.lossFen} />
              </Fact>
              {p.disposal.lossSharing && (
                <Fact label={t('disposal.sharing')}>
                  <Money fen={p.disposal.lossSharing.poolFen} /> /{' '}
                  <Money fen={p.disposal.lossSharing.lenderFen} /> /{' '}
                  <Money fen={p.disposal.lossSharing.insurerFen} /> /{' '}
                  <Money fen={p.disposal.lossSharing.appraiserFen} />
                </Fact>
              )}
            </>
          )}
          {p.guarantees.length > 0 && (
            <Fact label={t('pledge.guarantees')}>
              {p.guarantees.map((g, i) => (
                <span key={g.policyId}>
                  {i > 0 && ', '}
                  <Link to={`policies/${g.policyId}`}>{g.insurerId}</Link>
                </span>
              ))}
            </Fact>
          )}
        </dl>
        {p.rejectionReason && (
          <p class="problem" data-testid="rejection">
            <strong>{t('pledge.rejectionReason')}:</strong> {p.rejectionReason}
          </p>
        )}
        {p.registrationRefusalReason && (
          <p class="problem" data-testid="refusal">
            <strong>{t('pledge.refusalReason')}:</strong> {p.registrationRefusalReason}
          </p>
        )}
        <h2>{t('pledge.assets')}</h2>
        <DataTable
          items={p.assets}
          rowKey={(a) => a.id}
          cols={columns<PledgeDetail['assets'][number]>(
            { head: t('portfolio.number'), cell: (a) => <Link to={`legal/${a.id}`}>{a.number}</Link> },
            {
              head: t('portfolio.kind'),
              cell: (a) => (a.ltvKind === 'trademark' ? t('ltvKind.trademark') : tx('patentType', a.ltvKind)),
            },
            { head: t('portfolio.expiresOn'), cell: (a) => <DateText value={a.expiresOn} /> },
          )}
        />
      </section>
      {/* An insurer asked to guarantee the loan reads the loan, not the parties' papers. */}
      {session.role !== 'insurer' && <DocumentsSection subject={{ kind: 'pledge', id: p.id }} mayUpload />}
      {p.allowedActions.length > 0 && <PledgeActions pledge={p} onDone={pledge.reload} />}
      {p.disbursedOn && <LoanSection pledge={p} onDone={pledge.reload} />}
      <History
        events={p.history.map((h) => ({
          ...h,
          label: tx('pledgeAction', h.action),
          reason: (h.data.reason as string | undefined) ?? undefined,
        }))}
        statusKind="pledgeStatus"
      />
    </>
  );
}

export function History({
  events,
  statusKind,
}: {
  events: {
    at: string;
    label: string;
    from: string | null;
    to: string;
    actor: { role: string; org: string | null; name?: string | undefined };
    reason?: string | undefined;
  }[];
  statusKind: string;
}) {
  const { t, tx } = useI18n();
  // The name people know, with the code beside it (the code alone when the API knows no name).
  const actorOrg = (code: string, name: string | undefined) =>
    name ? t('app.historyActor').replace('{name}', name).replace('{code}', code) : code;
  return (
    <section class="card" aria-labelledby="history-h">
      <h2 id="history-h">{t('app.history')}</h2>
      <ol class="history">
        {events.map((h) => (
          <li key={`${h.at}-${h.to}`}>
            <DateTimeText value={h.at} /> — <strong>{h.label}</strong> (
            {h.from ? `${tx(statusKind, h.from)} → ` : ''}
            {tx(statusKind, h.to)}) · {tx('role', h.actor.role)}
            {h.actor.org ? ` ${actorOrg(h.actor.org, h.actor.name)}` : ''}
            {h.reason ? (
              <>
                {' '}
                · {t('pledge.reason')}: {h.reason}
              </>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * The lender's loan-to-value cap for this pledge: the lowest cap among the pledged kinds on the appraised value, or
 * asset by asset when each was appraised (the API's rule, shown before the bank approves).
 */
function useLtvCap(p: PledgeDetail) {
  const { api } = usePortal();
  const lender = useLoad(
    () => api.GET('/institutions/{id}', { params: { path: { id: p.lenderId } } }),
    [p.lenderId],
  );
  const caps = lender.data?.lendingPolicy?.maxLtvBps;
  if (!caps) return null;
  const bps = Math.min(...p.assets.map((a) => caps[a.ltvKind]));
  const kindOf = (assetId: string) => p.assets.find((a) => a.id === assetId)?.ltvKind ?? 'invention';
  const capFen = p.appraisals
    ? p.appraisals.reduce((sum, a) => sum + capAmountFen(a.valueFen, caps[kindOf(a.assetId)]), 0)
    : capAmountFen(p.appraisedValueFen, bps);
  return { bps, capFen, maxFen: Math.min(capFen, p.requestedAmountFen) };
}

function PledgeActions({ pledge: p, onDone }: { pledge: PledgeDetail; onDone: () => void }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [open, setOpen] = useState<PledgeAction | null>(null);
  const [f, setF] = useState<Record<string, string>>({});
  const set = (name: string) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const ltv = useLtvCap(p);
  const v = (name: string) => f[name] ?? '';
  // Releasing a defaulted pledge needs the lender's waiver stated; a disposal needs its facts.
  const needsForm: PledgeAction[] = [
    'approve',
    'reject',
    'refuse',
    'register',
    'disburse',
    'dispose',
    ...(p.status === 'defaulted' ? (['release'] as const) : []),
  ];

  const choose = (action: PledgeAction) => {
    submit.setProblem(null);
    if (needsForm.includes(action)) {
      setOpen(action);
      if (action === 'approve' && ltv)
        setF((prev) => ({ ...prev, approvedAmountFen: prev.approvedAmountFen || fenToYuanText(ltv.maxFen) }));
    } else void run(action);
  };

  const run = async (action: PledgeAction) => {
    const opts = { params: { path: { id: p.id }, header: ifMatch(p.version) } };
    const after = () => {
      setOpen(null);
      setF({});
      onDone();
    };
    const ok = t('app.done');
    switch (action) {
      case 'review':
        return submit.run(() => api.POST('/pledges/{id}/review', { ...opts, body: {} }), after, ok);
      case 'withdraw':
        return submit.run(() => api.POST('/pledges/{id}/withdraw', { ...opts, body: {} }), after, ok);
      case 'repay':
        return submit.run(() => api.POST('/pledges/{id}/repay', { ...opts, body: {} }), after, ok);
      case 'default':
        return submit.run(() => api.POST('/pledges/{id}/default', { ...opts, body: {} }), after, ok);
      case 'release':
        return submit.run(
          () =>
            api.POST('/pledges/{id}/release', {
              ...opts,
              body: p.status === 'defaulted' ? { waived: v('waived') === 'yes' } : {},
            }),
          after,
          ok,
        );
      case 'dispose': {
        const money = readYuan({ recoveredFen: v('recoveredFen') }, t);
        if (!money.ok) return submit.setProblem(money.problem);
        const transferee = v('transfereeUscc').trim();
        return submit.run(
          () =>
            api.POST('/pledges/{id}/disposals', {
              ...opts,
              body: {
                method: (v('method') || 'auction') as 'auction' | 'transfer' | 'agreed_value',
                recoveredFen: money.fen.recoveredFen!,
                completedOn: v('completedOn'),
                ...(transferee ? { transfereeUscc: transferee } : {}),
              },
            }),
          after,
          ok,
        );
      }
      case 'reject':
        return submit.run(
          () => api.POST('/pledges/{id}/reject', { ...opts, body: { reason: v('reason') } }),
          after,
          ok,
        );
      case 'refuse':
        return submit.run(
          () => api.POST('/pledges/{id}/refuse', { ...opts, body: { reason: v('reason') } }),
          after,
          ok,
        );
      case 'register':
        return submit.run(
          () =>
            api.POST('/pledges/{id}/register', {
              ...opts,
              body: { registrationNumber: v('registrationNumber').trim() },
            }),
          after,
          ok,
        );
      case 'disburse':
        return submit.run(
          () =>
            api.POST('/pledges/{id}/disburse', {
              ...opts,
              body: v('disbursedOn') ? { disbursedOn: v('disbursedOn') } : {},
            }),
          after,
          ok,
        );
      case 'approve': {
        const money = readYuan({ approvedAmountFen: v('approvedAmountFen') }, t);
        const bps = parsePercentToBps(v('annualRateBps'));
        const errors = money.ok ? [] : [...(money.problem.errors ?? [])];
        if (bps === null) errors.push({ path: 'annualRateBps', message: t('percent.invalid') });
        if (!money.ok || bps === null) return submit.setProblem(localProblem(errors));
        return submit.run(
          () =>
            api.POST('/pledges/{id}/approve', {
              ...opts,
              body: { approvedAmountFen: money.fen.approvedAmountFen!, annualRateBps: bps },
            }),
          after,
          ok,
        );
      }
      case 'submit':
        return;
    }
  };

  const err = (path: string) => fieldError(submit.problem, path);
  const labels = {
    approvedAmountFen: t('pledge.approved'),
    annualRateBps: t('pledge.rate'),
    reason: t('pledge.reason'),
    registrationNumber: t('pledge.registrationNumber'),
    disbursedOn: t('pledge.disbursedOn'),
    method: t('disposal.method'),
    recoveredFen: t('disposal.recovered'),
    completedOn: t('disposal.completedOn'),
    transfereeUscc: t('disposal.transferee'),
    waived: t('disposal.waived'),
  };
  // A stale view (412): show the reloaded pledge so the user acts on what is there now.
  useEffect(() => {
    if (submit.problem?.status === 412) onDone();
  }, [submit.problem, onDone]);
  return (
    <section class="card" aria-labelledby="actions-h">
      <h2 id="actions-h">{t('app.actions')}</h2>
      <ProblemBox problem={submit.problem} labels={labels} />
      <Notice text={submit.done} />
      <div class="buttons">
        {p.allowedActions
          .filter((a) => a !== 'submit')
          .map((a) => (
            <button
              type="button"
              key={a}
              class={['reject', 'refuse', 'default', 'withdraw'].includes(a) ? 'danger' : ''}
              disabled={submit.busy}
              aria-expanded={needsForm.includes(a) ? open === a : undefined}
              onClick={() => choose(a)}
            >
              {t(`pledgeAction.${a}` as TextKey)}
            </button>
          ))}
      </div>
      {open && (
        <form
          class="grid"
          noValidate
          aria-label={t(`pledgeAction.${open}` as TextKey)}
          onSubmit={(e) => {
            e.preventDefault();
            void run(open);
          }}
        >
          {open === 'approve' && (
            <>
              {ltv && (
                <dl class="facts wide" data-testid="ltv">
                  <dt>{t('pledge.ltvCap')}</dt>
                  <dd>{formatBps(ltv.bps)}</dd>
                  <dt>{t('pledge.ltvCapAmount')}</dt>
                  <dd>
                    <Money fen={ltv.capFen} />
                  </dd>
                </dl>
              )}
              <MoneyField
                name="approvedAmountFen"
                label={labels.approvedAmountFen}
                required
                value={v('approvedAmountFen')}
                onInput={set('approvedAmountFen')}
                error={err('approvedAmountFen')}
              />
              <TextField
                name="annualRateBps"
                label={labels.annualRateBps}
                required
                value={v('annualRateBps')}
                onInput={set('annualRateBps')}
                error={err('annualRateBps')}
                inputMode="decimal"
              />
            </>
          )}
          {(open === 'reject' || open === 'refuse') && (
            <TextField
              name="reason"
              label={labels.reason}
              required
              multiline
              value={v('reason')}
              onInput={set('reason')}
              error={err('reason')}
            />
          )}
          {open === 'register' && (
            <TextField
              name="registrationNumber"
              required
              label={labels.registrationNumber}
              value={v('registrationNumber')}
              onInput={set('registrationNumber')}
              error={err('registrationNumber')}
            />
          )}
          {open === 'disburse' && (
            <TextField
              name="disbursedOn"
              type="date"
              label={labels.disbursedOn}
              value={v('disbursedOn')}
              onInput={set('disbursedOn')}
              error={err('disbursedOn')}
            />
          )}
          {open === 'dispose' && (
            <>
              <SelectField
                name="method"
                label={labels.method}
                required
                value={v('method') || 'auction'}
                onChange={set('method')}
                error={err('method')}
                options={(['auction', 'transfer', 'agreed_value'] as const).map((m) => ({
                  value: m,
                  label: t(`disposal.method.${m}`),
                }))}
              />
              <MoneyField
                name="recoveredFen"
                label={labels.recoveredFen}
                required
                value={v('recoveredFen')}
                onInput={set('recoveredFen')}
                error={err('recoveredFen')}
              />
              <TextField
                name="completedOn"
                type="date"
                label={labels.completedOn}
                required
                value={v('completedOn')}
                onInput={set('completedOn')}
                error={err('completedOn')}
              />
              <TextField
                name="transfereeUscc"
                label={labels.transfereeUscc}
                value={v('transfereeUscc')}
                onInput={set('transfereeUscc')}
                error={err('transfereeUscc')}
              />
            </>
          )}
          {open === 'release' && (
            <label class="check">
              <input
                type="checkbox"
                name="waived"
                checked={v('waived') === 'yes'}
                onChange={(e) => set('waived')((e.currentTarget as HTMLInputElement).checked ? 'yes' : '')}
              />{' '}
              {labels.waived}
            </label>
          )}
          <div class="buttons">
            <button type="submit" disabled={submit.busy}>
              {t(`pledgeAction.${open}` as TextKey)} ✓
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
