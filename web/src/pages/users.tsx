/**
 * Users (用户管理): the IP office invites anyone and decides organisation claims; a bank's or insurer's manager
 * invites and manages its own staff. Disabling takes effect at the user's next request.
 */

import { useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { columns, DataTable, ListSection, pageQuery, SubmitButtons } from '../components';
import { DocumentLinks } from '../documents';
import { useI18n } from '../i18n';
import {
  DateTimeText,
  fieldError,
  Notice,
  ProblemBox,
  SelectField,
  Status,
  TextField,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';

const ROLES = ['enterprise', 'lender', 'insurer', 'ipoffice'] as const;
type UserRole = (typeof ROLES)[number];

export function UsersPage() {
  const { t } = useI18n();
  const { api, session } = usePortal();
  const office = session.role === 'ipoffice';
  const [status, setStatus] = useState('');
  const list = usePaged(
    (cursor) =>
      api.GET('/users', {
        params: { query: pageQuery<Schemas['User']['status']>(status, cursor, 50) },
      }),
    [status],
  );
  const submit = useSubmit();
  const action = useSubmit();
  const [f, setF] = useState({ email: '', role: office ? 'lender' : session.role, org: '', name: '' });
  const set = (name: keyof typeof f) => (value: string) => setF((prev) => ({ ...prev, [name]: value }));
  const labels = {
    email: t('users.email'),
    role: t('users.role'),
    org: t('users.org'),
    name: t('users.name'),
    manager: t('users.manager'),
  };
  const invite = (e: Event) => {
    e.preventDefault();
    const role = f.role as UserRole;
    void submit.run(
      () =>
        api.POST('/users', {
          body: {
            email: f.email.trim(),
            role,
            ...(office && role !== 'ipoffice' ? { org: f.org.trim() } : {}),
            ...(f.name.trim() ? { name: f.name.trim() } : {}),
          },
        }),
      () => {
        setF((prev) => ({ ...prev, email: '', name: '' }));
        list.reload();
      },
      t('users.invited'),
    );
  };
  const setEnabled = (u: Schemas['User'], enabled: boolean) =>
    void action.run(
      () =>
        enabled
          ? api.POST('/users/{id}/enable', { params: { path: { id: u.id } } })
          : api.POST('/users/{id}/disable', { params: { path: { id: u.id } } }),
      () => list.reload(),
      enabled ? t('users.enabled') : t('users.disabled'),
    );
  return (
    <>
      <h1>{t('users.title')}</h1>
      {office && <OrgClaimsSection />}
      <section class="card" aria-labelledby="invite">
        <h2 id="invite">{t('users.invite')}</h2>
        <p class="muted">{t(office ? 'users.inviteOffice' : 'users.inviteManager')}</p>
        <form class="grid" noValidate onSubmit={invite} aria-label={t('users.invite')}>
          <ProblemBox problem={submit.problem} labels={labels} />
          <TextField
            name="email"
            type="email"
            label={labels.email}
            required
            value={f.email}
            onInput={set('email')}
            error={fieldError(submit.problem, 'email')}
          />
          <TextField name="name" label={labels.name} value={f.name} onInput={set('name')} />
          {office && (
            <>
              <SelectField
                name="role"
                label={labels.role}
                required
                value={f.role}
                onChange={set('role')}
                options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
              />
              {f.role !== 'ipoffice' && (
                <TextField
                  name="org"
                  label={labels.org}
                  required
                  value={f.org}
                  onInput={set('org')}
                  hint={t('users.orgHint')}
                  error={fieldError(submit.problem, 'org')}
                />
              )}
            </>
          )}
          <SubmitButtons busy={submit.busy} label={t('users.inviteSubmit')} done={submit.done} />
        </form>
      </section>
      <ListSection
        id="user-list"
        title={t('users.list')}
        tabs={{
          kind: 'userStatus',
          statuses: ['invited', 'active', 'disabled'],
          value: status,
          onChange: setStatus,
        }}
        list={list}
        intro={
          <>
            <ProblemBox problem={action.problem} />
            <Notice text={action.done} />
          </>
        }
      >
        {(items) => (
          <DataTable
            items={items}
            rowKey={(u) => u.id}
            cols={columns<Schemas['User']>(
              { head: labels.email, cell: (u) => u.email ?? u.sub ?? u.id },
              { head: labels.name, cell: (u) => u.name ?? '' },
              {
                head: labels.role,
                cell: (u) => `${t(`role.${u.role}`)}${u.manager ? ` · ${labels.manager}` : ''}`,
              },
              { head: labels.org, cell: (u) => u.org ?? '' },
              { head: t('app.status'), cell: (u) => <Status kind="userStatus" value={u.status} /> },
              {
                head: t('app.actions'),
                cell: (u) =>
                  u.sub === session.sub ? null : u.status === 'disabled' ? (
                    <button type="button" class="secondary" onClick={() => setEnabled(u, true)}>
                      {t('users.enable')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`${t('users.disable')} ${u.email ?? u.id}`}
                      onClick={() => setEnabled(u, false)}
                    >
                      {t('users.disable')}
                    </button>
                  ),
              },
            )}
          />
        )}
      </ListSection>
    </>
  );
}

/** The office's queue of organisation claims: approve, or reject with the reason the claimant reads. */
function OrgClaimsSection() {
  const { t } = useI18n();
  const { api } = usePortal();
  const [status, setStatus] = useState('pending');
  const list = usePaged(
    (cursor) =>
      api.GET('/org-claims', {
        params: { query: pageQuery<Schemas['OrgClaim']['status']>(status, cursor, 50) },
      }),
    [status],
  );
  const action = useSubmit();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const decide = (c: Schemas['OrgClaim'], approve: boolean) =>
    void action.run(
      () =>
        approve
          ? api.POST('/org-claims/{id}/approve', { params: { path: { id: c.id } } })
          : api.POST('/org-claims/{id}/reject', {
              params: { path: { id: c.id } },
              body: { reason: (reasons[c.id] ?? '').trim() },
            }),
      () => list.reload(),
      approve ? t('orgClaims.approved') : t('orgClaims.rejected'),
    );
  return (
    <ListSection
      id="org-claims"
      title={t('orgClaims.title')}
      tabs={{
        kind: 'orgClaim',
        statuses: ['pending', 'approved', 'rejected', 'withdrawn'],
        value: status,
        onChange: setStatus,
      }}
      list={list}
      intro={
        <>
          <ProblemBox problem={action.problem} labels={{ reason: t('orgClaims.reason') }} />
          <Notice text={action.done} />
        </>
      }
    >
      {(items) => (
        <DataTable
          items={items}
          rowKey={(c) => c.id}
          cols={columns<Schemas['OrgClaim']>(
            { head: t('onboarding.uscc'), cell: (c) => c.uscc },
            { head: t('users.email'), cell: (c) => c.email ?? c.sub },
            { head: t('users.name'), cell: (c) => c.name ?? '' },
            { head: t('orgClaims.filedAt'), cell: (c) => <DateTimeText value={c.createdAt} /> },
            {
              head: t('doc.title'),
              cell: (c) => <DocumentLinks subject={{ kind: 'org_claim', id: c.id }} />,
            },
            { head: t('app.status'), cell: (c) => <Status kind="orgClaim" value={c.status} /> },
            {
              head: t('app.actions'),
              cell: (c) =>
                c.status === 'pending' ? (
                  <div class="inline-actions">
                    <button type="button" onClick={() => decide(c, true)}>
                      {t('orgClaims.approve')}
                    </button>
                    <label>
                      <span class="sr-only">{t('orgClaims.reason')}</span>
                      <input
                        value={reasons[c.id] ?? ''}
                        placeholder={t('orgClaims.reason')}
                        onInput={(e) =>
                          setReasons((prev) => ({ ...prev, [c.id]: (e.target as HTMLInputElement).value }))
                        }
                      />
                    </label>
                    <button type="button" class="secondary" onClick={() => decide(c, false)}>
                      {t('orgClaims.reject')}
                    </button>
                  </div>
                ) : (
                  (c.reason ?? '')
                ),
            },
          )}
        />
      )}
    </ListSection>
  );
}
