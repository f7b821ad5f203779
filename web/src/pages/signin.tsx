import { useEffect, useState } from 'preact/hooks';
import {
  localOrganisations,
  localSignIn,
  type PortalConfig,
  type Problem,
  type Role,
  type Session,
} from '../api';
import { useI18n } from '../i18n';
import { fieldError, ProblemBox, SelectField, TextField } from '../ui';

declare const __LOCAL_SIGN_IN__: boolean;

const ROLES: Role[] = ['enterprise', 'lender', 'insurer', 'ipoffice'];

export function SignInPage({
  config,
  local,
  onSignedIn,
}: {
  config: PortalConfig;
  local: boolean;
  onSignedIn: (session: Session) => void;
}) {
  // A build-time constant: the AWS build drops the local sign-in (and its endpoint calls) entirely.
  if (__LOCAL_SIGN_IN__ && local) return <LocalSignIn onSignedIn={onSignedIn} />;
  return <CognitoPlaceholder config={config} />;
}

/**
 * Deployed portals: users are provisioned in the Cognito user pool (group = role, custom:org = organisation)
 * and sign in there; the ID token is what the API's JWT authorizer accepts.
 */
function CognitoPlaceholder({ config }: { config: PortalConfig }) {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t('signin.cognitoTitle')}</h1>
      <p>{t('signin.cognitoBody')}</p>
      {config.cognito && (
        <dl class="facts">
          <dt>User pool</dt>
          <dd>{config.cognito.userPoolId}</dd>
          <dt>Client</dt>
          <dd>{config.cognito.clientId}</dd>
        </dl>
      )}
    </section>
  );
}

function LocalSignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>('enterprise');
  const [org, setOrg] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [orgs, setOrgs] = useState<Awaited<ReturnType<typeof localOrganisations>>>({
    institutions: [],
    enterprises: [],
  });
  useEffect(() => {
    void localOrganisations().then(setOrgs, () => {});
  }, []);

  const suggestions =
    role === 'enterprise'
      ? orgs.enterprises.map((e) => ({ value: e.uscc, label: e.name }))
      : orgs.institutions.filter((i) => i.kind === role).map((i) => ({ value: i.id, label: i.name }));

  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    const result = await localSignIn(role, org);
    if (result.ok) onSignedIn(result.session);
    else setProblem(result.problem);
  };

  return (
    <section class="card narrow">
      <h1>{t('signin.title')}</h1>
      <p class="muted">{t('signin.localNote')}</p>
      <form onSubmit={submit} noValidate>
        <ProblemBox problem={problem} labels={{ org: t('signin.org') }} />
        <SelectField
          name="role"
          label={t('signin.role')}
          required
          value={role}
          onChange={(v) => {
            setRole(v as Role);
            setOrg('');
          }}
          options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        />
        {role !== 'ipoffice' && (
          <>
            <TextField
              name="org"
              label={role === 'enterprise' ? t('signin.orgEnterprise') : t('signin.orgInstitution')}
              required
              value={org}
              onInput={setOrg}
              list="org-suggestions"
              hint={t('signin.orgHint')}
              error={fieldError(problem, 'org')}
            />
            <datalist id="org-suggestions">
              {suggestions.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </datalist>
          </>
        )}
        <button type="submit">{t('signin.submit')}</button>
      </form>
    </section>
  );
}
