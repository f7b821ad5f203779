/** Before the portal: sign-in at the identity provider, and onboarding for someone the directory does not know. */

import { useState } from 'preact/hooks';
import { type ApiClient, asProblem, type Problem, type Schemas } from '../api';
import { SubmitButtons } from '../components';
import { DocumentsSection } from '../documents';
import { useI18n } from '../i18n';
import { DateTimeText, fieldError, localized, ProblemBox, Status, TextField } from '../ui';

export function SignInPage({ onSignIn, problem }: { onSignIn: () => void; problem: Problem | null }) {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t('signin.title')}</h1>
      <p>{t('signin.body')}</p>
      <ProblemBox problem={problem} />
      <button type="button" onClick={onSignIn}>
        {t('signin.submit')}
      </button>
    </section>
  );
}

/**
 * Someone signed in whom the directory does not know: they claim their enterprise (USCC) and wait for the office,
 * or were told why not; an invited address is claimed at sign-in and never lands here.
 */
export function OnboardingPage({
  api,
  me,
  onChanged,
}: {
  api: ApiClient;
  me: Schemas['Me'];
  onChanged: () => void;
}) {
  const { t, tx } = useI18n();
  const [uscc, setUscc] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const claim = me.latestClaim;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const r = await api.POST('/org-claims', { body: { uscc: uscc.trim() } });
      if (r.response.ok) onChanged();
      else setProblem(localized(asProblem(r.error, r.response.status), tx));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card narrow" aria-labelledby="onboarding">
      <h1 id="onboarding">{t('onboarding.title')}</h1>
      <p>
        {t('onboarding.signedInAs')}: <strong>{me.identity.email ?? me.identity.sub}</strong>
      </p>
      {claim && (
        <div class="facts" data-testid="claim">
          <p>
            {t('onboarding.claim')} <code>{claim.uscc}</code> <Status kind="orgClaim" value={claim.status} />{' '}
            <DateTimeText value={claim.updatedAt} />
          </p>
          {claim.status === 'pending' && <p>{t('onboarding.pending')}</p>}
          <DocumentsSection
            api={api}
            subject={{ kind: 'org_claim', id: claim.id }}
            mayUpload={claim.status === 'pending'}
          />
          {claim.reason && (
            <p>
              {t('onboarding.reason')}: {claim.reason}
            </p>
          )}
        </div>
      )}
      {claim?.status !== 'pending' && (
        <form noValidate onSubmit={submit} aria-label={t('onboarding.title')}>
          <p>{t('onboarding.body')}</p>
          <ProblemBox problem={problem} labels={{ uscc: t('onboarding.uscc') }} />
          <TextField
            name="uscc"
            label={t('onboarding.uscc')}
            required
            value={uscc}
            onInput={setUscc}
            error={fieldError(problem, 'uscc')}
          />
          <SubmitButtons busy={busy} label={t('onboarding.submit')} done={null} />
        </form>
      )}
    </section>
  );
}
