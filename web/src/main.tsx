import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  asProblem,
  createApi,
  loadConfig,
  type PortalConfig,
  type Problem,
  type Role,
  type Schemas,
  type Session,
} from './api';
import { createUserManager, currentUser, signOut } from './auth';
import { I18nContext, makeI18n, storedLang, storeLang, type TextKey, useI18n } from './i18n';
import type { Lang } from './money';
import { CompanyPage } from './pages/company';
import { DesignationsPage } from './pages/designations';
import { ImportPage } from './pages/imports';
import { InboxBadge, InboxPage } from './pages/inbox';
import { InstitutionsPage } from './pages/institutions';
import { ClaimsQueue, InsurancePage, PolicyDetailPage, UnderwritingQueue } from './pages/insurance';
import { CollateralWatchPage, RightPage } from './pages/legal';
import { BankQueue, CompanyPledgesPage, PledgeDetailPage, RegistrationQueue } from './pages/pledges';
import { CandidacyPage, NoticesPage } from './pages/programme';
import { ProgrammesPage } from './pages/programmes';
import { EnterprisePage, SEARCH_KINDS, SearchBox, SearchPage } from './pages/search';
import { OnboardingPage, SignInPage } from './pages/signin';
import { StatsPage, StatsRecordsPage } from './pages/stats';
import { LendingTermsPage } from './pages/terms';
import { UsersPage } from './pages/users';
import { Link, localized, PortalContext, useRoute } from './ui';
import './styles.css';

const NAV: Record<Role, { to: string; label: TextKey }[]> = {
  enterprise: [
    { to: 'company', label: 'nav.profile' },
    { to: 'pledges', label: 'nav.pledges' },
    { to: 'insurance', label: 'nav.insurance' },
    { to: 'programme', label: 'nav.programme' },
    { to: 'imports', label: 'nav.imports' },
    { to: 'notices', label: 'nav.notices' },
  ],
  lender: [
    { to: 'pledges', label: 'nav.bankQueue' },
    { to: 'watch', label: 'nav.watch' },
    { to: 'claims', label: 'nav.guaranteeClaims' },
    { to: 'terms', label: 'nav.terms' },
    { to: 'notices', label: 'nav.notices' },
    { to: 'users', label: 'nav.users' },
  ],
  insurer: [
    { to: 'policies', label: 'nav.underwriting' },
    { to: 'claims', label: 'nav.claims' },
    { to: 'notices', label: 'nav.notices' },
    { to: 'users', label: 'nav.users' },
  ],
  ipoffice: [
    { to: 'registration', label: 'nav.registration' },
    { to: 'watch', label: 'nav.watch' },
    { to: 'designations', label: 'nav.designations' },
    { to: 'stats', label: 'nav.stats' },
    { to: 'institutions', label: 'nav.institutions' },
    { to: 'programmes', label: 'nav.programmes' },
    { to: 'imports', label: 'nav.imports' },
    { to: 'users', label: 'nav.users' },
  ],
};

/** The menu of a session: a bank's or insurer's staff (not a manager) has no users page. */
const navOf = (session: Session) =>
  NAV[session.role].filter((n) => n.to !== 'users' || session.role === 'ipoffice' || session.manager);

function Page({ role }: { role: Role }) {
  const { t } = useI18n();
  const [section, id] = useRoute();
  const home = NAV[role][0]!.to;
  const key = `${section ?? home}${id ? '/:id' : ''}`;
  if (key === 'inbox') return <InboxPage />;
  if (key === 'legal/:id') return <RightPage id={id!} />;
  if (key === 'notices') return <NoticesPage />;
  if (key === 'search/:id' && SEARCH_KINDS[role]) return <SearchPage q={id!} />;
  switch (`${role}:${key}`) {
    case 'enterprise:company':
      return <CompanyPage />;
    case 'enterprise:pledges':
      return <CompanyPledgesPage />;
    case 'lender:pledges':
      return <BankQueue />;
    case 'lender:watch':
    case 'ipoffice:watch':
      return <CollateralWatchPage />;
    case 'lender:terms':
      return <LendingTermsPage />;
    case 'ipoffice:registration':
      return <RegistrationQueue />;
    case 'enterprise:pledges/:id':
    case 'lender:pledges/:id':
    // An insurer reads the loan it is asked to guarantee.
    case 'insurer:pledges/:id':
    case 'ipoffice:pledges/:id':
      return <PledgeDetailPage id={id!} />;
    case 'enterprise:insurance':
      return <InsurancePage />;
    case 'enterprise:programme':
      return <CandidacyPage />;
    case 'insurer:policies':
      return <UnderwritingQueue />;
    case 'insurer:claims':
    case 'lender:claims':
      return <ClaimsQueue />;
    case 'enterprise:policies/:id':
    // A bank reads the guarantee it benefits from.
    case 'lender:policies/:id':
    case 'insurer:policies/:id':
    case 'ipoffice:policies/:id':
      return <PolicyDetailPage id={id!} />;
    case 'ipoffice:designations':
      return <DesignationsPage />;
    case 'ipoffice:stats':
      return <StatsPage />;
    case 'ipoffice:stats/:id':
      return <StatsRecordsPage figure={id!} />;
    case 'ipoffice:institutions':
      return <InstitutionsPage />;
    case 'ipoffice:programmes':
      return <ProgrammesPage />;
    case 'ipoffice:enterprises/:id':
      return <EnterprisePage uscc={id!} />;
    case 'enterprise:imports':
    case 'ipoffice:imports':
      return <ImportPage />;
    case 'ipoffice:users':
    case 'lender:users':
    case 'insurer:users':
      return <UsersPage />;
    default:
      return <h1>{t('app.notFound')}</h1>;
  }
}

function Shell({
  session,
  signedIn,
  inbox,
  onSignOut,
  onNavigate,
  children,
}: {
  session: Session | null;
  /** Signed in at the provider (with or without a directory entry): sign-out is offered. */
  signedIn: boolean;
  /** The inbox link with its unread count, once signed in. */
  inbox: preact.ComponentChildren;
  onSignOut: () => void;
  onNavigate: () => void;
  children: preact.ComponentChildren;
}) {
  const { t, lang, setLang } = useI18n();
  const [section] = useRoute();
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        {t('app.skip')}
      </button>
      <header class="top">
        <span class="brand">{t('app.title')}</span>
        {session && (
          <nav aria-label={t('app.title')}>
            {navOf(session).map((n) => (
              <Link
                key={n.to}
                to={n.to}
                onClick={onNavigate}
                aria-current={(section ?? NAV[session.role][0]!.to) === n.to ? 'page' : undefined}
              >
                {t(n.label)}
              </Link>
            ))}
          </nav>
        )}
        {session && SEARCH_KINDS[session.role] && <SearchBox />}
        <div class="who">
          {session && (
            <span class="muted" data-testid="who">
              {t('app.signedInAs')}: {t(`role.${session.role}`)}
              {session.org ? ` · ${session.org}` : ''}
            </span>
          )}
          {inbox}
          <button
            type="button"
            class="link"
            lang={lang === 'zh' ? 'en' : 'zh'}
            aria-label={`${t('app.language')} · ${t('app.languageLabel')}`}
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          >
            {t('app.language')}
          </button>
          {signedIn && (
            <button type="button" class="link" onClick={onSignOut}>
              {t('app.signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** Where the page stands with sign-in: the provider's user, then the portal's directory entry (`GET /me`). */
type AuthState =
  | { kind: 'loading' }
  | { kind: 'signedOut'; problem: Problem | null }
  | { kind: 'onboarding'; me: Schemas['Me'] }
  | { kind: 'signedIn'; session: Session };

function App({ config }: { config: PortalConfig }) {
  const [lang, setLangState] = useState<Lang>(storedLang());
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });
  // The API client reads the current token on every request: a renewal swaps it without a re-render.
  const token = useRef('');
  // Clicking a menu entry shows fresh data even when it is the page already open.
  const [visit, setVisit] = useState(0);
  const i18n = useMemo(
    () =>
      makeI18n(lang, (next) => {
        storeLang(next);
        setLangState(next);
      }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = i18n.t('app.title');
  }, [lang, i18n]);

  // The API client outlives a language switch; it reads the current language's sentences through this.
  const tx = useRef(i18n.tx);
  tx.current = i18n.tx;
  const users = useMemo(() => createUserManager(config), [config]);
  const signedOut = (problem: Problem | null = null) => {
    token.current = '';
    void users.removeUser();
    setAuth({ kind: 'signedOut', problem });
  };
  const api = useMemo(
    () =>
      createApi(
        config,
        () => token.current,
        (problem) => signedOut(problem && localized(problem, tx.current)),
      ),
    [config],
  );

  /** Asks the directory who the signed-in user is: a role to work in, or onboarding. */
  const enter = async () => {
    const r = await api.GET('/me');
    if (!r.response.ok || !r.data)
      return signedOut(localized(asProblem(r.error, r.response.status), tx.current));
    const me = r.data;
    if (!me.user) return setAuth({ kind: 'onboarding', me });
    setAuth({
      kind: 'signedIn',
      session: {
        token: () => token.current,
        sub: me.identity.sub,
        role: me.user.role,
        org: me.user.org,
        manager: me.user.manager,
      },
    });
  };

  useEffect(() => {
    const renewed = (user: { id_token?: string }) => {
      if (user.id_token) token.current = user.id_token;
    };
    users.events.addUserLoaded(renewed);
    users.events.addSilentRenewError(() => signedOut());
    currentUser(users).then(
      (user) => {
        if (!user?.id_token) return setAuth({ kind: 'signedOut', problem: null });
        token.current = user.id_token;
        return enter();
      },
      (error) => setAuth({ kind: 'signedOut', problem: asProblem(error) }),
    );
    return () => users.events.removeUserLoaded(renewed);
  }, [users]);

  const session = auth.kind === 'signedIn' ? auth.session : null;
  const portal = useMemo(() => (session ? { api, session, config } : null), [session, api, config]);
  const leave = () => {
    token.current = '';
    location.hash = '';
    void signOut(users, config);
  };

  return (
    <I18nContext.Provider value={i18n}>
      <Shell
        session={session}
        signedIn={auth.kind === 'signedIn' || auth.kind === 'onboarding'}
        inbox={
          portal && (
            <PortalContext.Provider value={portal}>
              <InboxBadge visit={visit} />
            </PortalContext.Provider>
          )
        }
        onSignOut={leave}
        onNavigate={() => setVisit((v) => v + 1)}
      >
        {portal ? (
          <PortalContext.Provider value={portal}>
            <Page key={visit} role={portal.session.role} />
          </PortalContext.Provider>
        ) : auth.kind === 'onboarding' ? (
          <OnboardingPage api={api} me={auth.me} onChanged={() => void enter()} />
        ) : auth.kind === 'signedOut' ? (
          <SignInPage problem={auth.problem} onSignIn={() => void users.signinRedirect()} />
        ) : (
          <p class="muted">{i18n.t('app.loading')}</p>
        )}
      </Shell>
    </I18nContext.Provider>
  );
}

const root = document.getElementById('app')!;
loadConfig().then(
  (config) => render(<App config={config} />, root),
  (error) => {
    root.textContent = `The portal could not load its configuration (${String(error)}).`;
  },
);
