/**
 * Search: the header's box (office, banks, companies) and the results page `#search/<q>`, each hit linking to the
 * page of its record — a right's legal status, a pledge, a company's own profile or, for the office, the
 * enterprise's page. The office's enterprise page (`#enterprises/<uscc>`) lists the company and its rights.
 */

import { useEffect, useState } from 'preact/hooks';
import type { Role, Schemas } from '../api';
import { ListSection } from '../components';
import { DocumentsSection } from '../documents';
import { type TextKey, useI18n } from '../i18n';
import {
  BackButton,
  DateText,
  Link,
  ListState,
  MoreButton,
  navigate,
  ProblemBox,
  useLoad,
  usePaged,
  usePortal,
} from '../ui';

type Hit = Schemas['SearchHit'];
const KINDS = ['enterprise', 'asset', 'pledge'] as const;
type Kind = (typeof KINDS)[number];

/** The roles with search, and the kinds each can find (a bank: pledges, through which it finds its borrowers). */
export const SEARCH_KINDS: Partial<Record<Role, readonly Kind[]>> = {
  enterprise: KINDS,
  lender: ['pledge'],
  ipoffice: KINDS,
};

/** Where a hit is shown. */
export const pageOfHit = (hit: Pick<Hit, 'kind' | 'id'>, role: Role): string =>
  hit.kind === 'asset'
    ? `legal/${hit.id}`
    : hit.kind === 'pledge'
      ? `pledges/${hit.id}`
      : role === 'enterprise'
        ? 'company'
        : `enterprises/${hit.id}`;

const SEARCH_AGAIN = 'portal-search-again';

export function SearchBox() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  return (
    <search>
      <form
        class="search-box"
        onSubmit={(e) => {
          e.preventDefault();
          const text = q.trim();
          if (text) navigate(`search/${encodeURIComponent(text)}`);
        }}
      >
        <label class="sr-only" for="portal-search">
          {t('search.label')}
        </label>
        <input
          id="portal-search"
          type="search"
          value={q}
          maxLength={100}
          placeholder={t('search.placeholder')}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          data-testid="search-input"
        />
        <button type="submit" class="link">
          {t('search.submit')}
        </button>
      </form>
    </search>
  );
}

export function SearchPage({ q }: { q: string }) {
  const { t } = useI18n();
  const { api, session } = usePortal();
  const kinds = SEARCH_KINDS[session.role] ?? [];
  const [kind, setKind] = useState<Kind | ''>('');
  const page = usePaged<Hit>(
    (cursor) =>
      api.GET('/search', {
        params: { query: { q, limit: 20, ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) } },
      }),
    [q, kind],
  );
  const { reload } = page;
  useEffect(() => {
    window.addEventListener(SEARCH_AGAIN, reload);
    return () => window.removeEventListener(SEARCH_AGAIN, reload);
  }, [reload]);
  return (
    <section>
      <h1>
        {t('search.title')}: “{q}”
      </h1>
      {kinds.length > 1 && (
        <fieldset class="tabs">
          <legend class="sr-only">{t('search.kindLabel')}</legend>
          {(['', ...kinds] as const).map((k) => (
            <button key={k || 'all'} type="button" aria-pressed={kind === k} onClick={() => setKind(k)}>
              {t(k ? (`search.kind.${k}` as TextKey) : 'search.kind.all')}
            </button>
          ))}
        </fieldset>
      )}
      <ListState
        loading={page.loading}
        problem={page.problem}
        empty={page.items.length === 0 && !page.more}
      />
      {page.items.length > 0 && (
        <ul class="search-results" data-testid="search-results">
          {page.items.map((hit) => (
            <li key={`${hit.kind}:${hit.id}`}>
              <span class="kind-tag">{t(`search.kind.${hit.kind}` as TextKey)}</span>{' '}
              <Link to={pageOfHit(hit, session.role)}>{hit.title}</Link>
              <div class="muted">{hit.subtitle}</div>
            </li>
          ))}
        </ul>
      )}
      {/* A page read a bounded number of index items: it may hold fewer hits than asked while more follow. */}
      <MoreButton more={page.more} />
    </section>
  );
}

type Asset = Schemas['Asset'];

/** The office's page of one enterprise: its record and its rights (each opening its legal status). */
export function EnterprisePage({ uscc }: { uscc: string }) {
  const { t } = useI18n();
  const { api } = usePortal();
  const enterprise = useLoad(() => api.GET('/enterprises/{uscc}', { params: { path: { uscc } } }), [uscc]);
  const rights = usePaged<Asset>(
    (cursor) =>
      api.GET('/enterprises/{uscc}/assets', {
        params: { path: { uscc }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    [uscc],
  );
  if (enterprise.problem) return <ProblemBox problem={enterprise.problem} />;
  const e = enterprise.data;
  return (
    <section>
      <BackButton />
      <h1>{e?.name ?? uscc}</h1>
      <p class="muted">
        {uscc}
        {e?.industry ? ` · ${e.industry}` : ''}
      </p>
      <ListSection id="enterprise-rights" title={t('search.rights')} list={rights}>
        {(items) => (
          <ul class="search-results">
            {items.map((a) => (
              <li key={a.id}>
                <Link to={`legal/${a.id}`}>{a.kind === 'patent' ? a.title : a.mark}</Link>
                <div class="muted">
                  {a.number} · {t('search.expiresOn')} <DateText value={a.expiresOn} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </ListSection>
      <DocumentsSection subject={{ kind: 'enterprise', id: uscc }} mayUpload />
    </section>
  );
}
