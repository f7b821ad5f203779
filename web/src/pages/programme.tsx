/**
 * The designation programme: a company applies and follows its candidacies; anyone signed in reads the public
 * notice (公示) and may object; the IP office moves candidates through nomination, notice and confirmation, resolves
 * objections and sets the year's quotas (the office's cards live on the designations page).
 */

import { useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { SubmitButtons } from '../components';
import { DocumentsSection } from '../documents';
import { useI18n } from '../i18n';
import {
  DateText,
  fieldError,
  ListState,
  MoreButton,
  Notice,
  ProblemBox,
  SelectField,
  Status,
  TextField,
  useLoad,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';
import { LEVELS } from './designations';

type Designation = Schemas['Designation'] | Schemas['DesignationListItem'];

/** What a candidacy's reader needs: its score, its notice, its objections and why it was rejected. */
export function CandidacyFacts({ d }: { d: Omit<Designation, 'history'> }) {
  const { t, tx } = useI18n();
  return (
    <>
      {d.eligibility && (
        <p>
          {t('programme.score')}: <strong>{d.eligibility.score}</strong> ({t('programme.minimum')}{' '}
          {d.eligibility.minimum})
        </p>
      )}
      {d.noticeStartsOn && d.noticeEndsOn && (
        <p>
          {t('programme.notice')}: <DateText value={d.noticeStartsOn} /> – <DateText value={d.noticeEndsOn} />
        </p>
      )}
      {d.objections && d.objections.length > 0 && (
        <>
          <h4>{t('programme.objections')}</h4>
          <ol class="objections">
            {d.objections.map((o) => (
              <li key={o.n}>
                {o.reason} · <Status kind="objectionStatus" value={o.status} />
                {o.resolution ? ` · ${o.resolution}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      {d.rejectionReason && (
        <p class="problem">
          {t('programme.rejectReason')}: {d.rejectionReason}
        </p>
      )}
      {d.status === 'superseded' && <p class="muted">{tx('designationStatus', 'superseded')}</p>}
    </>
  );
}

/** The company: apply for a title, and follow its candidacies and titles. */
export function CandidacyPage() {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const uscc = session.org ?? '';
  const mine = useLoad(
    () => api.GET('/enterprises/{uscc}/designations', { params: { path: { uscc } } }),
    [uscc],
  );
  const submit = useSubmit();
  const [f, setF] = useState({ level: 'provincial_advantage', year: String(new Date().getFullYear()) });
  const apply = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () =>
        api.POST('/designation-applications', {
          body: { level: f.level as (typeof LEVELS)[number], year: Number(f.year) },
        }),
      mine.reload,
      t('programme.applied'),
    );
  };
  const withdraw = (id: string, version: number) =>
    void submit.run(
      () =>
        api.POST('/designations/{id}/withdraw', {
          params: { path: { id }, header: { 'if-match': `"${version}"` } },
        }),
      mine.reload,
      t('app.done'),
    );
  const labels = { level: t('designation.level'), year: t('designation.year') };
  return (
    <>
      <h1>{t('nav.programme')}</h1>
      <section class="card" aria-labelledby="apply-h">
        <h2 id="apply-h">{t('programme.applyTitle')}</h2>
        <form class="grid" noValidate onSubmit={apply}>
          <ProblemBox problem={submit.problem} labels={labels} />
          <SelectField
            name="level"
            label={labels.level}
            required
            value={f.level}
            onChange={(level) => setF((p) => ({ ...p, level }))}
            error={fieldError(submit.problem, 'level')}
            options={LEVELS.map((l) => ({ value: l, label: tx('designationLevel', l) }))}
          />
          <TextField
            name="year"
            type="number"
            label={labels.year}
            required
            value={f.year}
            onInput={(year) => setF((p) => ({ ...p, year }))}
            error={fieldError(submit.problem, 'year')}
          />
          <SubmitButtons busy={submit.busy} label={t('programme.apply')} done={submit.done} />
        </form>
      </section>
      <section class="card" aria-labelledby="mine-h">
        <h2 id="mine-h">{t('programme.mine')}</h2>
        <ListState
          loading={mine.loading}
          problem={mine.problem}
          empty={(mine.data?.items.length ?? 0) === 0}
        />
        {mine.data?.items.map((d) => (
          <article class="designation" key={d.id} data-designation={d.id}>
            <h3>
              {tx('designationLevel', d.level)} ({d.year}){' '}
              <Status kind="designationStatus" value={d.status} />
            </h3>
            <CandidacyFacts d={d} />
            <DocumentsSection subject={{ kind: 'designation', id: d.id }} mayUpload />
            {(d.status === 'applied' || d.status === 'nominated') && (
              <div class="buttons">
                <button type="button" class="secondary" onClick={() => withdraw(d.id, d.version)}>
                  {t('programme.withdraw')}
                </button>
              </div>
            )}
          </article>
        ))}
      </section>
    </>
  );
}

/** Everyone: the candidates in public notice, each open to an objection. */
export function NoticesPage() {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const list = usePaged(
    (cursor) =>
      api.GET('/designation-notices', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
    [],
  );
  return (
    <>
      <h1>{t('nav.notices')}</h1>
      <section class="card" aria-labelledby="notices-h">
        <h2 id="notices-h">{t('nav.notices')}</h2>
        <ListState loading={list.loading} problem={list.problem} empty={list.items.length === 0} />
        {list.items.map((d) => (
          <article class="designation" key={d.id} data-designation={d.id}>
            <h3>
              {d.enterpriseName ?? d.uscc} · {tx('designationLevel', d.level)} ({d.year})
            </h3>
            <p class="muted">{d.uscc}</p>
            <CandidacyFacts d={d} />
            {!(session.role === 'enterprise' && session.org === d.uscc) && (
              <ObjectionForm id={d.id} version={d.version} onDone={list.reload} />
            )}
          </article>
        ))}
        <MoreButton more={list.more} />
      </section>
    </>
  );
}

function ObjectionForm({ id, version, onDone }: { id: string; version: number; onDone: () => void }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [reason, setReason] = useState('');
  const object = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () =>
        api.POST('/designations/{id}/objections', {
          params: { path: { id }, header: { 'if-match': `"${version}"` } },
          body: { reason },
        }),
      onDone,
      t('programme.objected'),
    );
  };
  return (
    <form class="grid" noValidate onSubmit={object} aria-label={t('programme.object')}>
      <ProblemBox problem={submit.problem} labels={{ reason: t('programme.objectionReason') }} />
      <Notice text={submit.done} />
      <TextField
        name="reason"
        label={t('programme.objectionReason')}
        required
        multiline
        value={reason}
        onInput={setReason}
        error={fieldError(submit.problem, 'reason')}
      />
      <div class="buttons">
        <button type="submit" class="secondary" disabled={submit.busy}>
          {t('programme.object')}
        </button>
      </div>
    </form>
  );
}

/** The office: a candidate's next steps — nominate, publish, confirm or reject — and its objections to resolve. */
export function CandidateActions({ d, onChanged }: { d: Designation; onChanged: () => void }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [text, setText] = useState('');
  const header = { 'if-match': `"${d.version}"` };
  const path = { id: d.id };
  const step = (action: 'nominate' | 'publish' | 'confirm') =>
    void submit.run(
      () => api.POST(`/designations/{id}/${action}`, { params: { path, header } }),
      onChanged,
      t('app.done'),
    );
  const reject = () =>
    void submit.run(
      () => api.POST('/designations/{id}/reject', { params: { path, header }, body: { reason: text } }),
      onChanged,
      t('app.done'),
    );
  const resolve = (n: number, outcome: 'dismissed' | 'upheld') =>
    void submit.run(
      () =>
        api.POST('/designations/{id}/objections/{n}/resolve', {
          params: { path: { id: d.id, n }, header },
          body: { outcome, resolution: text },
        }),
      onChanged,
      t('app.done'),
    );
  const open = (d.objections ?? []).filter((o) => o.status === 'open');
  return (
    <div class="candidate-actions">
      <ProblemBox
        problem={submit.problem}
        labels={{ reason: t('programme.rejectReason'), resolution: t('programme.resolution') }}
      />
      <Notice text={submit.done} />
      <TextField
        name="text"
        label={`${t('programme.rejectReason')} / ${t('programme.resolution')}`}
        multiline
        value={text}
        onInput={setText}
      />
      <div class="buttons">
        {d.status === 'applied' && (
          <button type="button" onClick={() => step('nominate')} disabled={submit.busy}>
            {t('programme.nominate')}
          </button>
        )}
        {d.status === 'nominated' && (
          <button type="button" onClick={() => step('publish')} disabled={submit.busy}>
            {t('programme.publish')}
          </button>
        )}
        {d.status === 'in_notice' && (
          <button type="button" onClick={() => step('confirm')} disabled={submit.busy}>
            {t('programme.confirm')}
          </button>
        )}
        {open.map((o) => (
          <span key={o.n}>
            <button
              type="button"
              class="secondary"
              onClick={() => resolve(o.n, 'dismissed')}
              disabled={submit.busy}
            >
              {t('programme.dismiss')} {o.n}
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => resolve(o.n, 'upheld')}
              disabled={submit.busy}
            >
              {t('programme.uphold')} {o.n}
            </button>
          </span>
        ))}
        <button type="button" class="danger" onClick={reject} disabled={submit.busy}>
          {t('programme.reject')}
        </button>
      </div>
    </div>
  );
}

/** The office: the year's quota per level, and how many titles were confirmed against it. */
export function QuotasCard() {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const quotas = useLoad(
    () => api.GET('/designation-quotas/{year}', { params: { path: { year: Number(year) } } }),
    [year],
  );
  const submit = useSubmit();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const save = (e: Event) => {
    e.preventDefault();
    const body = Object.fromEntries(
      Object.entries(draft)
        .filter(([, v]) => v.trim() !== '')
        .map(([level, v]) => [level, Number(v)]),
    );
    void submit.run(
      () => api.PUT('/designation-quotas/{year}', { params: { path: { year: Number(year) } }, body }),
      () => {
        setDraft({});
        quotas.reload();
      },
      t('app.saved'),
    );
  };
  return (
    <section class="card" aria-labelledby="quotas-h">
      <h2 id="quotas-h">{t('programme.quotas')}</h2>
      <form class="grid" noValidate onSubmit={save}>
        <ProblemBox problem={submit.problem} labels={{}} />
        <TextField
          name="quotaYear"
          type="number"
          label={t('designation.year')}
          value={year}
          onInput={setYear}
        />
        {LEVELS.map((level) => {
          const q = quotas.data?.[level];
          const current = q?.quota === undefined ? t('programme.noQuota') : String(q.quota);
          return (
            <TextField
              key={level}
              name={`quota-${level}`}
              type="number"
              label={`${tx('designationLevel', level)} (${current}; ${t('programme.granted')} ${q?.granted ?? 0})`}
              value={draft[level] ?? ''}
              onInput={(v) => setDraft((p) => ({ ...p, [level]: v }))}
              error={fieldError(submit.problem, `quotas.${level}`)}
            />
          );
        })}
        <SubmitButtons busy={submit.busy} label={t('app.save')} done={submit.done} />
      </form>
    </section>
  );
}
