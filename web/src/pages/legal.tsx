/**
 * A right's legal status (权利法律状态): its state, flags and annuity or renewal dates, the timeline of its legal
 * events, and the form to record one — the IP office any type, the owner its annuity payments and renewals with
 * the office's receipt. And the collateral-watch list (押品监控) of a bank or the office: rights with open alerts.
 */
import { useState } from 'preact/hooks';
import { EVENT_FIELDS, eventTypesFor, OWNER_EVENT_TYPES } from '../../../shared/domain/legal-status';
import type { Schemas } from '../api';
import { columns, DataTable, DetailHeader, Fact, ListSection, SubmitButtons } from '../components';
import { type TextKey, useI18n } from '../i18n';
import {
  DateText,
  fieldError,
  Link,
  Loading,
  ProblemBox,
  SelectField,
  TextField,
  today,
  useLoad,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';

type LegalEvent = Schemas['LegalEvent'];
type LegalStatus = Schemas['LegalStatus'];
type EventType = Schemas['LegalEventInput']['type'];

/** How the form asks for each field of an event: its label, its input and whether it must be given. */
const FIELD_FORMS: Record<
  string,
  { label: TextKey; type?: 'date'; required?: boolean; options?: [string, TextKey][] }
> = {
  date: { label: 'legal.date', type: 'date', required: true },
  paidThrough: { label: 'legal.annuityPaidThrough', type: 'date', required: true },
  outcome: {
    label: 'legal.outcome',
    required: true,
    options: [
      ['upheld', 'legalOutcome.upheld'],
      ['partially_invalidated', 'legalOutcome.partially_invalidated'],
      ['invalidated', 'legalOutcome.invalidated'],
    ],
  },
  court: { label: 'legal.court' },
  toUscc: { label: 'legal.toUscc', required: true },
  licensee: { label: 'legal.licensee', required: true },
  exclusive: {
    label: 'legal.exclusive',
    required: true,
    options: [
      ['true', 'legal.exclusiveYes'],
      ['false', 'legal.exclusiveNo'],
    ],
  },
  until: { label: 'legal.until', type: 'date', required: true },
  reference: { label: 'legal.reference' },
  note: { label: 'legal.note' },
};

/** The state and flags as a person reads them. */
export function LegalStatusText({ status }: { status: LegalStatus }) {
  const { t } = useI18n();
  return (
    <span data-legal-state={status.state}>
      {status.state === 'in_force' ? (
        t('legalState.in_force')
      ) : (
        <strong>{t(`legalState.${status.state}` as TextKey)}</strong>
      )}
      {status.flags.map((f) => (
        <strong key={f}> · {t(`legalFlag.${f}` as TextKey)}</strong>
      ))}
    </span>
  );
}

export function RightPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { api, session } = usePortal();
  const path = { params: { path: { id } } };
  const asset = useLoad(() => api.GET('/assets/{id}', path), [id]);
  const events = useLoad(
    () => api.GET('/assets/{id}/legal-events', { params: { path: { id }, query: { limit: 100 } } }),
    [id],
  );
  const a = asset.data;
  if (!a) return asset.loading ? <Loading /> : <ProblemBox problem={asset.problem} />;
  const s = a.legalStatus;
  const owner = session.role === 'enterprise' && session.org?.toUpperCase() === a.owner;
  const reload = () => {
    asset.reload();
    events.reload();
  };
  return (
    <>
      <DetailHeader title={`${t('legal.title')} · ${a.number}`} kind="legalState" status={s.state} />
      <section class="card" aria-labelledby="legal-h">
        <h2 id="legal-h">{a.kind === 'patent' ? a.title : a.mark}</h2>
        <dl class="facts">
          <Fact label={t('legal.state')}>
            <LegalStatusText status={s} />
          </Fact>
          <Fact label={t('portfolio.expiresOn')}>
            <DateText value={a.expiresOn} />
          </Fact>
          {s.annuityPaidThrough && (
            <Fact label={t('legal.annuityPaidThrough')}>
              <DateText value={s.annuityPaidThrough} />
            </Fact>
          )}
          {s.graceEndsOn && (
            <Fact label={t('legal.graceEndsOn')}>
              <DateText value={s.graceEndsOn} />
            </Fact>
          )}
          {s.renewalWindow && (
            <Fact label={t('legal.renewalWindow')}>
              <DateText value={s.renewalWindow.opens} /> – <DateText value={s.renewalWindow.graceEnds} />
            </Fact>
          )}
        </dl>
        <h3>{t('legal.events')}</h3>
        {events.data && events.data.items.length > 0 ? (
          <ol class="history" data-testid="legal-events">
            {events.data.items.map((e) => (
              <li key={e.seq}>
                <DateText value={e.date} /> — <strong>{t(`legalEvent.${e.type}` as TextKey)}</strong>
                {eventDetail(e)}
                {e.reference ? ` · ${e.reference}` : ''}
              </li>
            ))}
          </ol>
        ) : (
          <p>{t('legal.noEvents')}</p>
        )}
      </section>
      {(owner || session.role === 'ipoffice') && (
        <RecordEvent
          assetId={a.id}
          types={eventTypesFor(a.kind).filter((x) => !owner || OWNER_EVENT_TYPES.has(x))}
          owner={owner}
          onDone={reload}
        />
      )}
    </>
  );
}

const eventDetail = (e: LegalEvent): string =>
  [e.paidThrough && `→ ${e.paidThrough}`, e.outcome, e.court, e.toUscc && `→ ${e.toUscc}`, e.licensee]
    .filter(Boolean)
    .map((x) => ` ${x}`)
    .join('');

function RecordEvent({
  assetId,
  types,
  owner,
  onDone,
}: {
  assetId: string;
  types: EventType[];
  owner: boolean;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [type, setType] = useState<EventType>(types[0]!);
  const [f, setF] = useState<Record<string, string>>({ date: today() });
  const input = (name: string) => (v: string) => setF((prev) => ({ ...prev, [name]: v }));
  const fields = ['date', ...(EVENT_FIELDS[type] ?? []), 'reference', 'note'];
  const send = (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { type };
    for (const name of fields) if (f[name]) body[name] = name === 'exclusive' ? f[name] === 'true' : f[name];
    void submit.run(
      () =>
        api.POST('/assets/{id}/legal-events', {
          params: { path: { id: assetId } },
          body: body as Schemas['LegalEventInput'],
        }),
      () => {
        setF({ date: today() });
        onDone();
      },
      t('legal.recorded'),
    );
  };
  const err = (name: string) => fieldError(submit.problem, name);
  return (
    <section class="card" aria-labelledby="record-h">
      <h2 id="record-h">{t('legal.record')}</h2>
      <form onSubmit={send} noValidate>
        <SelectField
          name="type"
          label={t('legal.type')}
          required
          value={type}
          onChange={(v) => setType(v as EventType)}
          options={types.map((x) => ({ value: x, label: t(`legalEvent.${x}` as TextKey) }))}
          error={err('type')}
        />
        {fields.map((name) => {
          const form = FIELD_FORMS[name]!;
          const common = {
            name,
            label: t(form.label),
            // The owner's own record carries the office's receipt.
            required: form.required || (name === 'reference' && owner),
            error: err(name),
          };
          return form.options ? (
            <SelectField
              key={name}
              {...common}
              value={f[name] ?? ''}
              onChange={input(name)}
              options={[
                { value: '', label: '—' },
                ...form.options.map(([value, label]) => ({ value, label: t(label) })),
              ]}
            />
          ) : (
            <TextField key={name} {...common} type={form.type} value={f[name] ?? ''} onInput={input(name)} />
          );
        })}
        <ProblemBox problem={submit.problem} />
        <SubmitButtons busy={submit.busy} label={t('legal.record')} done={submit.done} />
      </form>
    </section>
  );
}

type Watched = Schemas['WatchedRight'];

/** The rights of a bank's pledges (the office: all pledges') with open alerts, as of the monitor's last run. */
export function CollateralWatchPage() {
  const { t } = useI18n();
  const { api } = usePortal();
  const list = usePaged(
    (cursor) =>
      api.GET('/collateral-watch', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
    [],
  );
  return (
    <>
      <h1>{t('nav.watch')}</h1>
      <ListSection
        id="watch-h"
        title={t('watch.list')}
        intro={<p class="muted">{t('watch.intro')}</p>}
        list={list}
      >
        {(items) => (
          <DataTable
            items={items}
            rowKey={(w) => `${w.pledgeId}:${w.asset.id}`}
            rowProps={(w) => ({ 'data-watch': w.asset.number })}
            cols={columns<Watched>(
              {
                head: t('portfolio.number'),
                cell: (w) => <Link to={`legal/${w.asset.id}`}>{w.asset.number}</Link>,
              },
              { head: t('legal.state'), cell: (w) => <LegalStatusText status={w.asset.legalStatus} /> },
              {
                head: t('watch.alerts'),
                cell: (w) =>
                  w.alerts.map((a) => (
                    <div key={`${a.type}${a.dueOn ?? ''}`}>
                      {t(`alert.${a.type}` as TextKey)}
                      {a.dueOn && (
                        <>
                          {' '}
                          (<DateText value={a.dueOn} />)
                        </>
                      )}
                    </div>
                  )),
              },
              {
                head: t('watch.pledge'),
                cell: (w) => <Link to={`pledges/${w.pledgeId}`}>{t('app.details')}</Link>,
              },
            )}
          />
        )}
      </ListSection>
    </>
  );
}
