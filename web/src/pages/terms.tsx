/**
 * Bank: its own credit terms — the loan-to-value cap of each kind of pledged right, the penalty factor and the
 * five-tier classification thresholds (`PUT /institutions/{id}/lending-policy` with its own id).
 */
import { useState } from 'preact/hooks';
import { ifMatch } from '../api';
import { SubmitButtons } from '../components';
import { type TextKey, useI18n } from '../i18n';
import { parsePercentToBps } from '../money';
import {
  fieldError,
  ListState,
  localProblem,
  ProblemBox,
  TextField,
  useLoad,
  usePortal,
  useSubmit,
} from '../ui';

const KINDS = ['invention', 'utility_model', 'design', 'trademark'] as const;
const TIERS = ['specialMention', 'substandard', 'doubtful', 'loss'] as const;
const TIER_LABEL: Record<(typeof TIERS)[number], TextKey> = {
  specialMention: 'classification.special_mention',
  substandard: 'classification.substandard',
  doubtful: 'classification.doubtful',
  loss: 'classification.loss',
};
const percent = (bps: number) => String(bps / 100);

export function LendingTermsPage() {
  const { t, tx } = useI18n();
  const { api, session } = usePortal();
  const id = session.org ?? '';
  const bank = useLoad(() => api.GET('/institutions/{id}', { params: { path: { id } } }), [id]);
  const submit = useSubmit();
  const [f, setF] = useState<Record<string, string>>({});
  const policy = bank.data?.lendingPolicy;
  const stored: Record<string, string> = {
    ...Object.fromEntries(KINDS.map((k) => [`maxLtvBps.${k}`, policy ? percent(policy.maxLtvBps[k]) : ''])),
    penaltyFactorBps: policy?.penaltyFactorBps === undefined ? '' : percent(policy.penaltyFactorBps),
    ...Object.fromEntries(
      TIERS.map((d) => [`classificationDays.${d}`, String(policy?.classificationDays?.[d] ?? '')]),
    ),
  };
  const value = (name: string) => f[name] ?? stored[name] ?? '';
  const input = (name: string) => (v: string) => setF((prev) => ({ ...prev, [name]: v }));
  const labels: Record<string, string> = {
    ...Object.fromEntries(
      KINDS.map((k) => [
        `maxLtvBps.${k}`,
        `${t('terms.ltv')} · ${k === 'trademark' ? t('ltvKind.trademark') : tx('patentType', k)}`,
      ]),
    ),
    penaltyFactorBps: t('terms.penalty'),
    ...Object.fromEntries(TIERS.map((d) => [`classificationDays.${d}`, t(TIER_LABEL[d])])),
  };

  const save = (e: Event) => {
    e.preventDefault();
    const errors: { path: string; message: string }[] = [];
    const bps = (name: string) => {
      const parsed = parsePercentToBps(value(name));
      if (parsed === null) errors.push({ path: name, message: t('terms.percentInvalid') });
      return parsed ?? 0;
    };
    const maxLtvBps = Object.fromEntries(KINDS.map((k) => [k, bps(`maxLtvBps.${k}`)])) as Record<
      (typeof KINDS)[number],
      number
    >;
    const penaltyFactorBps = value('penaltyFactorBps').trim() === '' ? undefined : bps('penaltyFactorBps');
    const days = TIERS.map((d) => value(`classificationDays.${d}`).trim());
    let classificationDays: Record<(typeof TIERS)[number], number> | undefined;
    if (days.some((d) => d !== '')) {
      TIERS.forEach((d, i) => {
        if (!/^\d{1,4}$/.test(days[i]!))
          errors.push({ path: `classificationDays.${d}`, message: t('terms.daysInvalid') });
      });
      classificationDays = Object.fromEntries(TIERS.map((d, i) => [d, Number(days[i])])) as Record<
        (typeof TIERS)[number],
        number
      >;
    }
    if (errors.length > 0) return submit.setProblem(localProblem(errors));
    void submit.run(
      () =>
        api.PUT('/institutions/{id}/lending-policy', {
          params: { path: { id }, header: bank.data ? ifMatch(bank.data.version) : {} },
          body: {
            maxLtvBps,
            ...(penaltyFactorBps === undefined ? {} : { penaltyFactorBps }),
            ...(classificationDays ? { classificationDays } : {}),
          },
        }),
      () => {
        setF({});
        bank.reload();
      },
      t('app.saved'),
    );
  };

  return (
    <>
      <h1>{t('terms.title')}</h1>
      <section class="card">
        <ListState loading={bank.loading} problem={bank.problem} empty={false} />
        <form class="grid" noValidate onSubmit={save} aria-label={t('terms.title')}>
          <ProblemBox problem={submit.problem} labels={labels} />
          <fieldset>
            <legend>{t('terms.ltv')}</legend>
            <div class="grid">
              {KINDS.map((k) => (
                <TextField
                  key={k}
                  name={`maxLtvBps.${k}`}
                  label={k === 'trademark' ? t('ltvKind.trademark') : tx('patentType', k)}
                  required
                  value={value(`maxLtvBps.${k}`)}
                  onInput={input(`maxLtvBps.${k}`)}
                  error={fieldError(submit.problem, `maxLtvBps.${k}`)}
                  inputMode="decimal"
                />
              ))}
            </div>
          </fieldset>
          <TextField
            name="penaltyFactorBps"
            label={t('terms.penalty')}
            value={value('penaltyFactorBps')}
            onInput={input('penaltyFactorBps')}
            error={fieldError(submit.problem, 'penaltyFactorBps')}
            hint={t('terms.penaltyHint')}
            inputMode="decimal"
          />
          <fieldset>
            <legend>{t('terms.classification')}</legend>
            <div class="grid">
              {TIERS.map((d) => (
                <TextField
                  key={d}
                  name={`classificationDays.${d}`}
                  label={t(TIER_LABEL[d])}
                  value={value(`classificationDays.${d}`)}
                  onInput={input(`classificationDays.${d}`)}
                  error={fieldError(submit.problem, `classificationDays.${d}`)}
                  inputMode="numeric"
                />
              ))}
            </div>
          </fieldset>
          <SubmitButtons busy={submit.busy} label={t('app.save')} done={submit.done} />
        </form>
      </section>
    </>
  );
}
