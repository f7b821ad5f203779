/** Company: its profile and its IP portfolio (register patents and trademarks, see expiry and encumbrance). */

import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { columns, DataTable, ListSection, SubmitButtons } from '../components';
import { DocumentsSection } from '../documents';
import { type TextKey, useI18n } from '../i18n';
import {
  DateText,
  fieldError,
  Link,
  localProblem,
  ProblemBox,
  SelectField,
  Status,
  TextField,
  useLoad,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';
import { LegalStatusText } from './legal';

export function CompanyPage() {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  return (
    <>
      <h1>{t('nav.profile')}</h1>
      <Profile onSaved={() => setVersion((v) => v + 1)} />
      <Portfolio key={version} />
      <CompanyDocuments />
    </>
  );
}

/** The company's own papers: its business licence, identity proofs. */
function CompanyDocuments() {
  const { session } = usePortal();
  return <DocumentsSection subject={{ kind: 'enterprise', id: session.org! }} mayUpload />;
}

function Profile({ onSaved }: { onSaved: () => void }) {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const uscc = session.org!;
  const profile = useLoad(() => api.GET('/enterprises/{uscc}', { params: { path: { uscc } } }), [uscc]);
  const [name, setName] = useState('');
  const [industry, setIndustry] = useState('');
  const submit = useSubmit();
  useEffect(() => {
    if (profile.data) {
      setName(profile.data.name);
      setIndustry(profile.data.industry ?? '');
    }
  }, [profile.data]);

  const save = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () =>
        api.PUT('/enterprises/{uscc}', {
          params: { path: { uscc } },
          body: { name: name.trim(), ...(industry.trim() ? { industry: industry.trim() } : {}) },
        }),
      () => {
        profile.reload();
        onSaved();
      },
      t('app.saved'),
    );
  };

  const missing = profile.problem?.status === 404;
  return (
    <section class="card" aria-labelledby="profile-h">
      <h2 id="profile-h">{t('profile.title')}</h2>
      {profile.loading && !profile.data ? null : profile.problem && !missing ? (
        <ProblemBox problem={profile.problem} />
      ) : null}
      {missing && <p class="notice">{t('profile.notRegistered')}</p>}
      <dl class="facts">
        <dt>{t('profile.uscc')}</dt>
        <dd>{uscc}</dd>
        {profile.data && (
          <>
            <dt>{t('profile.division')}</dt>
            <dd>{profile.data.divisionCode}</dd>
            <dt>{t('profile.designations')}</dt>
            <dd>
              {profile.data.designations.length
                ? profile.data.designations
                    .map((d) => `${tx('designationLevel', d.level)} (${d.year})`)
                    .join('、')
                : '—'}
            </dd>
          </>
        )}
      </dl>
      <form onSubmit={save} noValidate class="grid">
        <ProblemBox
          problem={submit.problem}
          labels={{ name: t('profile.name'), industry: t('profile.industry') }}
        />
        <TextField
          name="name"
          label={t('profile.name')}
          required
          value={name}
          onInput={setName}
          error={fieldError(submit.problem, 'name')}
        />
        <TextField
          name="industry"
          label={t('profile.industry')}
          value={industry}
          onInput={setIndustry}
          error={fieldError(submit.problem, 'industry')}
        />
        <SubmitButtons busy={submit.busy} label={t('app.save')} done={submit.done} />
      </form>
    </section>
  );
}

type Asset = Schemas['Asset'];

export const assetTitle = (a: Asset): string => (a.kind === 'patent' ? a.title : a.mark);

function Portfolio() {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const uscc = session.org!;
  const list = usePaged(
    (cursor) =>
      api.GET('/enterprises/{uscc}/assets', {
        params: { path: { uscc }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    [uscc],
  );
  const remove = useSubmit();
  return (
    <ListSection
      id="portfolio-h"
      title={t('portfolio.title')}
      intro={
        <>
          <Reminders items={list.items} />
          <AddAsset uscc={uscc} onAdded={list.reload} />
          <ProblemBox problem={remove.problem} />
        </>
      }
      list={list}
      problem={list.problem?.status === 404 ? null : list.problem}
    >
      {(items) => (
        <DataTable
          items={items}
          rowKey={(a) => a.id}
          rowProps={(a) => ({ 'data-asset': a.number })}
          cols={columns<Asset>(
            { head: t('portfolio.number'), cell: (a) => <Link to={`legal/${a.id}`}>{a.number}</Link> },
            {
              head: t('portfolio.kind'),
              cell: (a) =>
                a.kind === 'patent'
                  ? tx('patentType', a.patentType)
                  : `${t('portfolio.trademark')} · ${a.niceClasses.join(',')}`,
            },
            { head: t('portfolio.title_'), cell: assetTitle },
            {
              head: t('app.status'),
              cell: (a) => (
                <>
                  <Status kind="assetStatus" value={a.status} /> <LegalStatusText status={a.legalStatus} />
                </>
              ),
            },
            { head: t('portfolio.expiresOn'), cell: (a) => <DateText value={a.expiresOn} /> },
            {
              head: t('portfolio.encumbrance'),
              cell: (a) => (
                <>
                  {a.encumbrance ? (
                    <Link to={`pledges/${a.encumbrance.pledgeId}`}>{t('portfolio.pledged')}</Link>
                  ) : (
                    t('portfolio.free')
                  )}
                  {a.insuredBy.length > 0 && ` · ${t('portfolio.insured')}`}
                </>
              ),
            },
            {
              head: t('app.actions'),
              cell: (a) =>
                !a.encumbrance &&
                a.insuredBy.length === 0 && (
                  <button
                    type="button"
                    class="secondary small"
                    disabled={remove.busy}
                    aria-label={`${t('portfolio.delete')} ${a.number}`}
                    onClick={() =>
                      void remove.run(
                        () => api.DELETE('/assets/{id}', { params: { path: { id: a.id } } }),
                        list.reload,
                      )
                    }
                  >
                    {t('portfolio.delete')}
                  </button>
                ),
            },
          )}
        />
      )}
    </ListSection>
  );
}

/** The owner's to-dos from its rights' legal status: annuities falling due or overdue, renewals open. */
function Reminders({ items }: { items: Asset[] }) {
  const { t } = useI18n();
  const due = items.flatMap((a) => a.reminders.map((r) => ({ a, r })));
  if (due.length === 0) return null;
  return (
    <section class="notice" aria-labelledby="reminders-h" data-testid="reminders">
      <h3 id="reminders-h">{t('reminder.title')}</h3>
      <ul>
        {due.map(({ a, r }) => (
          <li key={`${a.id}:${r.type}`}>
            <Link to={`legal/${a.id}`}>{a.number}</Link> {assetTitle(a)} —{' '}
            {t(`reminder.${r.type}` as TextKey)} <DateText value={r.dueOn} />
          </li>
        ))}
      </ul>
    </section>
  );
}

const splitList = (text: string) =>
  text
    .split(/[,，、\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function AddAsset({ uscc, onAdded }: { uscc: string; onAdded: () => void }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const [kind, setKind] = useState<'patent' | 'trademark'>('patent');
  const [f, setF] = useState<Record<string, string>>({ markType: 'ordinary' });
  const set = (name: string) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const submit = useSubmit();
  const v = (name: string) => f[name] ?? '';

  const labels: Record<string, string> = {
    number: t('portfolio.number'),
    title: t('portfolio.title_'),
    filingDate: t('portfolio.filingDate'),
    grantDate: t('portfolio.grantDate'),
    coOwners: t('portfolio.coOwners'),
    mark: t('portfolio.mark'),
    niceClasses: t('portfolio.niceClasses'),
    registrationDate: t('portfolio.registrationDate'),
    markType: t('portfolio.markType'),
  };

  const save = (e: Event) => {
    e.preventDefault();
    if (kind === 'patent') {
      const coOwners = splitList(v('coOwners'));
      void submit.run(
        () =>
          api.POST('/enterprises/{uscc}/assets', {
            params: { path: { uscc } },
            body: {
              kind: 'patent',
              number: v('number'),
              title: v('title'),
              filingDate: v('filingDate'),
              ...(v('grantDate') ? { grantDate: v('grantDate') } : {}),
              ...(coOwners.length ? { coOwners } : {}),
            },
          }),
        () => {
          setF({ markType: 'ordinary' });
          onAdded();
        },
        t('portfolio.added'),
      );
      return;
    }
    const classes = splitList(v('niceClasses'));
    const niceClasses = classes.map(Number);
    if (!classes.every((c) => /^\d{1,2}$/.test(c))) {
      submit.setProblem(localProblem([{ path: 'niceClasses', message: t('portfolio.niceInvalid') }]));
      return;
    }
    void submit.run(
      () =>
        api.POST('/enterprises/{uscc}/assets', {
          params: { path: { uscc } },
          body: {
            kind: 'trademark',
            number: v('number'),
            mark: v('mark'),
            niceClasses,
            registrationDate: v('registrationDate'),
            markType: v('markType') as 'ordinary' | 'collective' | 'certification',
          },
        }),
      () => {
        setF({ markType: 'ordinary' });
        onAdded();
      },
      t('portfolio.added'),
    );
  };

  const err = (path: string) => fieldError(submit.problem, path);
  return (
    <details class="form-panel" open>
      <summary>{t('portfolio.add')}</summary>
      <form onSubmit={save} noValidate class="grid" aria-label={t('portfolio.add')}>
        <ProblemBox problem={submit.problem} labels={labels} />
        <SelectField
          name="kind"
          label={t('portfolio.kind')}
          required
          value={kind}
          onChange={(k) => {
            setKind(k as 'patent' | 'trademark');
            submit.setProblem(null);
          }}
          options={[
            { value: 'patent', label: t('portfolio.patent') },
            { value: 'trademark', label: t('portfolio.trademark') },
          ]}
        />
        <TextField
          name="number"
          label={labels.number!}
          required
          value={v('number')}
          onInput={set('number')}
          error={err('number')}
          hint={kind === 'patent' ? t('portfolio.patentNumberHint') : undefined}
        />
        {kind === 'patent' ? (
          <>
            <TextField
              name="title"
              label={labels.title!}
              required
              value={v('title')}
              onInput={set('title')}
              error={err('title')}
            />
            <TextField
              name="filingDate"
              type="date"
              label={labels.filingDate!}
              required
              value={v('filingDate')}
              onInput={set('filingDate')}
              error={err('filingDate')}
            />
            <TextField
              name="grantDate"
              type="date"
              label={labels.grantDate!}
              value={v('grantDate')}
              onInput={set('grantDate')}
              error={err('grantDate')}
            />
            <TextField
              name="coOwners"
              label={labels.coOwners!}
              value={v('coOwners')}
              onInput={set('coOwners')}
              error={err('coOwners')}
            />
          </>
        ) : (
          <>
            <TextField
              name="mark"
              label={labels.mark!}
              required
              value={v('mark')}
              onInput={set('mark')}
              error={err('mark')}
            />
            <TextField
              name="niceClasses"
              label={labels.niceClasses!}
              required
              value={v('niceClasses')}
              onInput={set('niceClasses')}
              error={err('niceClasses')}
              inputMode="numeric"
            />
            <TextField
              name="registrationDate"
              type="date"
              label={labels.registrationDate!}
              required
              value={v('registrationDate')}
              onInput={set('registrationDate')}
              error={err('registrationDate')}
            />
            <SelectField
              name="markType"
              label={labels.markType!}
              value={v('markType')}
              onChange={set('markType')}
              error={err('markType')}
              options={(['ordinary', 'collective', 'certification'] as const).map((m) => ({
                value: m,
                label: t(`markType.${m}`),
              }))}
            />
          </>
        )}
        <SubmitButtons busy={submit.busy} label={t('portfolio.add')} done={submit.done} />
      </form>
    </details>
  );
}
