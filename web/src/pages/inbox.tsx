/** Every role's inbox: the header badge (unread count) and the page listing the notifications, newest first. */
import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { ListSection, SubmitButtons } from '../components';
import { type TextKey, useI18n } from '../i18n';
import {
  DateTimeText,
  fieldError,
  Link,
  Notice,
  navigate,
  ProblemBox,
  TextField,
  useLoad,
  usePaged,
  usePortal,
  useSubmit,
} from '../ui';

type Notification = Schemas['Notification'];

/** Where a notification's subject is shown, when it has a page of its own. */
const pageOf = (subject: Notification['subject']): string | undefined =>
  subject.kind === 'pledge'
    ? `pledges/${subject.id}`
    : subject.kind === 'policy'
      ? `policies/${subject.id}`
      : subject.kind === 'asset'
        ? `legal/${subject.id}`
        : undefined;

/** A notification's words: its type's, or for a monitor alert, "collateral alert: <the alert>". */
function useLabel() {
  const { t } = useI18n();
  return (type: string): string => {
    const [prefix, alert] = type.split('.');
    if (prefix === 'collateral' || prefix === 'insured_asset')
      return `${t(`notification.${prefix}` as TextKey)}: ${t(`alert.${alert}` as TextKey)}`;
    return t(`notification.${type}` as TextKey);
  };
}

/** The header's link to the inbox with the unread count; refreshed on every navigation and every half minute. */
export function InboxBadge({ visit }: { visit: number }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let live = true;
    const read = () =>
      api.GET('/notifications', { params: { query: { unread: 'true', limit: 1 } } }).then(
        (r) => live && r.data && setUnread(r.data.unread),
        () => {},
      );
    void read();
    const timer = setInterval(read, 30_000);
    window.addEventListener('hashchange', read);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener('hashchange', read);
    };
  }, [api, visit]);
  return (
    <Link to="inbox" class="inbox-link" data-testid="inbox-link">
      {t('inbox.title')}
      {unread > 0 && (
        <>
          <span class="badge" aria-hidden="true">
            {unread}
          </span>
          <span class="sr-only">{t('inbox.unreadCount').replace('{n}', String(unread))}</span>
        </>
      )}
    </Link>
  );
}

export function InboxPage() {
  const { t } = useI18n();
  const label = useLabel();
  const { api } = usePortal();
  const [only, setOnly] = useState('');
  const list = usePaged(
    (cursor) =>
      api.GET('/notifications', {
        params: {
          query: { limit: 25, ...(only ? { unread: 'true' as const } : {}), ...(cursor ? { cursor } : {}) },
        },
      }),
    [only],
  );
  const markRead = async (n: Notification) => {
    if (!n.read) await api.POST('/notifications/{id}/read', { params: { path: { id: n.id } } });
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  const open = async (n: Notification) => {
    await markRead(n);
    const to = pageOf(n.subject);
    if (to) navigate(to);
    else list.reload();
  };
  return (
    <>
      <h1>{t('inbox.title')}</h1>
      <EmailOptIn />
      <ListSection
        id="inbox-h"
        title={t('inbox.list')}
        tabs={{ kind: 'inboxFilter', statuses: ['unread'], value: only, onChange: setOnly }}
        list={list}
      >
        {(items) => (
          <ul class="inbox">
            {items.map((n) => (
              <li key={n.id} class={n.read ? 'read' : 'unread'} data-notification={n.type}>
                <button type="button" class="link" onClick={() => void open(n)}>
                  {n.read ? '' : <span class="sr-only">{t('inbox.unread')} · </span>}
                  {label(n.type)}
                </button>{' '}
                <span class="muted">
                  <DateTimeText value={n.at} />
                </span>
                {!n.read && (
                  <button
                    type="button"
                    class="secondary small"
                    onClick={() => void markRead(n).then(list.reload)}
                  >
                    {t('inbox.markRead')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </ListSection>
    </>
  );
}

/** Opting in to e-mail: this user's address, where the organisation's notifications are also sent. */
function EmailOptIn() {
  const { t } = useI18n();
  const { api } = usePortal();
  const current = useLoad(() => api.GET('/notifications/email'), []);
  const submit = useSubmit();
  const [email, setEmail] = useState('');
  const save = (e: Event) => {
    e.preventDefault();
    void submit.run(
      () => api.PUT('/notifications/email', { body: { email } }),
      current.reload,
      t('inbox.emailSaved'),
    );
  };
  return (
    <section class="card" aria-labelledby="email-h">
      <h2 id="email-h">{t('inbox.email')}</h2>
      {current.data ? (
        <p>
          {t('inbox.emailTo')} <strong data-testid="email-to">{current.data.email}</strong>{' '}
          <button
            type="button"
            class="secondary small"
            onClick={() =>
              void submit.run(
                () => api.DELETE('/notifications/email'),
                current.reload,
                t('inbox.emailStopped'),
              )
            }
          >
            {t('inbox.emailStop')}
          </button>
        </p>
      ) : (
        <form onSubmit={save} noValidate>
          <TextField
            name="email"
            label={t('inbox.emailAddress')}
            value={email}
            onInput={setEmail}
            error={fieldError(submit.problem, 'email')}
            autoComplete="email"
          />
          <SubmitButtons busy={submit.busy} label={t('inbox.emailStart')} done={null} />
        </form>
      )}
      <ProblemBox problem={submit.problem} />
      <Notice text={submit.done} />
    </section>
  );
}
