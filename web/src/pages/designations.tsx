/**
 * IP office: demonstration and advantage enterprises — record a title or nominate a candidate, move candidates
 * through the programme (pages/programme.tsx), set the year's quotas, review annually, revoke.
 */
import { useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { SubmitButtons } from '../components';
import { useI18n } from '../i18n';
import {
  DateText,
  fieldError,
  ListState,
  localProblem,
  Money,
  MoreButton,
  Notice,
  ProblemBox,
  SelectField,
  Status,
  StatusTabs,
  TextField,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';
import { CandidacyFacts, CandidateActions, QuotasCard } from './programme';

type Designation = Schemas['DesignationListItem'];
type Level = Designation['level'];
export const LEVELS: Level[] = [
  'national_demonstration',
  'national_advantage',
  'provincial_demonstration',
  'provincial_advantage',
];

const STATUSES = [
  'active',
  'applied',
  'nominated',
  'in_notice',
  'rejected',
  'withdrawn',
  'revoked',
  'lapsed',
  'superseded',
] as const satisfies readonly Designation['status'][];
const CANDIDACY: readonly Designation['status'][] = ['applied', 'nominated', 'in_notice'];

export function DesignationsPage() {
  const { t } = useI18n();
  const { api } = usePortal();
  const [status, setStatus] = useState('active');
  const list = usePaged(
    (cursor) =>
      api.GET('/designations', {
        params: {
          query: {
            limit: 50,
            ...(status ? { status: status as (typeof STATUSES)[number] } : {}),
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    [status],
  );
  return (
    <>
      <h1>{t('nav.designations')}</h1>
      <CreateDesignation onCreated={list.reload} />
      <QuotasCard />
      <section class="card" aria-labelledby="designations-h">
        <h2 id="designations-h">{t('nav.designations')}</h2>
        <StatusTabs kind="designationStatus" statuses={[...STATUSES]} value={status} onChange={setStatus} />
        <ListState loading={list.loading} problem={list.problem} empty={list.items.length === 0} />
        {list.items.map((d) => (
          <DesignationCard key={d.id} designation={d} onChanged={list.reload} />
        ))}
        <MoreButton more={list.more} />
      </section>
    </>
  );
}

function CreateDesignation({ onCreated }: { onCreated: () => void }) {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [f, setF] = useState({
    uscc: '',
    level: LEVELS[0] as string,
    year: String(new Date().getFullYear()),
    validUntil: '',
  });
  const set = (name: keyof typeof f) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const labels = {
    uscc: t('designation.uscc'),
    level: t('designation.level'),
    year: t('designation.year'),
    validUntil: t('designation.validUntil'),
  };
  const create = (e: Event) => {
    e.preventDefault();
    if (!/^\d{4}$/.test(f.year)) return submit.setProblem(localProblem([{ path: 'year', message: 'YYYY' }]));
    void submit.run(
      () =>
        api.POST('/designations', {
          body: {
            uscc: f.uscc.trim(),
            level: f.level as Level,
            year: Number(f.year),
            ...(f.validUntil ? { validUntil: f.validUntil } : {}),
          },
        }),
      () => {
        setF((prev) => ({ ...prev, uscc: '' }));
        onCreated();
      },
      t('designation.created'),
    );
  };
  // The same enterprise, level and year as a candidate of the programme instead of a title granted elsewhere.
  const nominate = () => {
    if (!/^\d{4}$/.test(f.year)) return submit.setProblem(localProblem([{ path: 'year', message: 'YYYY' }]));
    void submit.run(
      () =>
        api.POST('/designation-nominations', {
          body: { uscc: f.uscc.trim(), level: f.level as Level, year: Number(f.year) },
        }),
      () => {
        setF((prev) => ({ ...prev, uscc: '' }));
        onCreated();
      },
      t('app.done'),
    );
  };
  const err = (path: string) => fieldError(submit.problem, path);
  return (
    <section class="card" aria-labelledby="create-designation-h">
      <h2 id="create-designation-h">{t('designation.create')}</h2>
      <form class="grid" noValidate onSubmit={create}>
        <ProblemBox problem={submit.problem} labels={labels} />
        <TextField
          name="uscc"
          label={labels.uscc}
          required
          value={f.uscc}
          onInput={set('uscc')}
          error={err('uscc')}
        />
        <SelectField
          name="level"
          label={labels.level}
          required
          value={f.level}
          onChange={set('level')}
          error={err('level')}
          options={LEVELS.map((l) => ({ value: l, label: tx('designationLevel', l) }))}
        />
        <TextField
          name="year"
          type="number"
          label={labels.year}
          required
          value={f.year}
          onInput={set('year')}
          error={err('year')}
          inputMode="numeric"
        />
        <TextField
          name="validUntil"
          type="date"
          label={labels.validUntil}
          value={f.validUntil}
          onInput={set('validUntil')}
          error={err('validUntil')}
        />
        <SubmitButtons busy={submit.busy} label={t('designation.create')} done={submit.done} />
        <div class="buttons">
          <button type="button" class="secondary" onClick={nominate} disabled={submit.busy}>
            {t('programme.nominate')}
          </button>
        </div>
      </form>
    </section>
  );
}

function DesignationCard({ designation: d, onChanged }: { designation: Designation; onChanged: () => void }) {
  const { t, tx } = useI18n();
  const { api } = usePortal();
  const submit = useSubmit();
  const [open, setOpen] = useState<'review' | 'revoke' | null>(null);
  const [f, setF] = useState({
    year: String(new Date().getFullYear()),
    outcome: 'pass',
    notes: '',
    reason: '',
  });
  const set = (name: keyof typeof f) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const after = () => {
    setOpen(null);
    onChanged();
  };
  const header = { 'if-match': `"${d.version}"` };
  const review = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () =>
        api.POST('/designations/{id}/reviews', {
          params: { path: { id: d.id }, header },
          body: {
            year: Number(f.year),
            outcome: f.outcome as 'pass' | 'fail',
            ...(f.notes.trim() ? { notes: f.notes.trim() } : {}),
          },
        }),
      after,
      t('app.done'),
    );
  };
  const revoke = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () =>
        api.POST('/designations/{id}/revoke', {
          params: { path: { id: d.id }, header },
          body: { reason: f.reason },
        }),
      after,
      t('app.done'),
    );
  };
  const err = (path: string) => fieldError(submit.problem, path);
  const pf = d.portfolio;
  return (
    <article class="designation" data-designation={d.id}>
      <h3>
        {d.enterpriseName ?? d.uscc} · {tx('designationLevel', d.level)} ({d.year}){' '}
        <Status kind="designationStatus" value={d.status} />
      </h3>
      <p class="muted">
        {d.uscc}
        {d.validUntil && (
          <>
            {' '}
            · {t('designation.validUntil')} <DateText value={d.validUntil} />
          </>
        )}
      </p>
      <p>
        {t('designation.portfolio')}: {tx('patentType', 'invention')} {pf.patentsInForce.invention} ·{' '}
        {tx('patentType', 'utility_model')} {pf.patentsInForce.utility_model} · {tx('patentType', 'design')}{' '}
        {pf.patentsInForce.design} · {t('portfolio.trademark')} {pf.trademarksInForce} · {t('nav.pledges')}{' '}
        <Money fen={pf.pledgeFinancingRegisteredFen} /> · {t('policy.sumInsured')}{' '}
        <Money fen={pf.sumInsuredFen} />
      </p>
      {d.reviews.length > 0 && (
        <p>
          {t('designation.reviews')}:{' '}
          {d.reviews
            .map((r) => `${r.year} ${t(r.outcome === 'pass' ? 'designation.pass' : 'designation.fail')}`)
            .join('、')}
        </p>
      )}
      {d.revocationReason && (
        <p class="problem">
          {t('designation.reason')}: {d.revocationReason}
        </p>
      )}
      {d.lapseReason && <p class="problem">{t(`designation.lapseReason.${d.lapseReason}`)}</p>}
      <CandidacyFacts d={d} />
      {CANDIDACY.includes(d.status) && <CandidateActions d={d} onChanged={onChanged} />}
      {d.supersededBy && <p class="muted">{t('designation.supersededBy')}</p>}
      <ProblemBox
        problem={submit.problem}
        labels={{
          year: t('designation.year'),
          outcome: t('designation.outcome'),
          notes: t('designation.notes'),
          reason: t('designation.reason'),
        }}
      />
      <Notice text={submit.done} />
      {d.status === 'active' && (
        <div class="buttons">
          <button
            type="button"
            class="secondary"
            aria-expanded={open === 'review'}
            onClick={() => setOpen(open === 'review' ? null : 'review')}
          >
            {t('designation.review')}
          </button>
          <button
            type="button"
            class="danger"
            aria-expanded={open === 'revoke'}
            onClick={() => setOpen(open === 'revoke' ? null : 'revoke')}
          >
            {t('designation.revoke')}
          </button>
        </div>
      )}
      {open === 'review' && (
        <form class="grid" noValidate onSubmit={review} aria-label={t('designation.review')}>
          <TextField
            name="year"
            type="number"
            label={t('designation.year')}
            required
            value={f.year}
            onInput={set('year')}
            error={err('year')}
          />
          <SelectField
            name="outcome"
            label={t('designation.outcome')}
            required
            value={f.outcome}
            onChange={set('outcome')}
            options={[
              { value: 'pass', label: t('designation.pass') },
              { value: 'fail', label: t('designation.fail') },
            ]}
          />
          <TextField
            name="notes"
            label={t('designation.notes')}
            value={f.notes}
            onInput={set('notes')}
            error={err('notes')}
          />
          <div class="buttons">
            <button type="submit" disabled={submit.busy}>
              {t('app.submit')}
            </button>
          </div>
        </form>
      )}
      {open === 'revoke' && (
        <form class="grid" noValidate onSubmit={revoke} aria-label={t('designation.revoke')}>
          <TextField
            name="reason"
            label={t('designation.reason')}
            required
            multiline
            value={f.reason}
            onInput={set('reason')}
            error={err('reason')}
          />
          <div class="buttons">
            <button type="submit" class="danger" disabled={submit.busy}>
              {t('designation.revoke')} ✓
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
