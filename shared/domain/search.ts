/**
 * Search: what a record is found by, who may find it, and how a query is read. Pure: no AWS, no HTTP.
 *
 * A record (enterprise, right, pledge) becomes one search document: its display (`title`, `subtitle`), its
 * normalised texts (names and titles, found by any substring of two or more characters), its normalised numbers
 * (USCC, patent and trademark numbers, pledge registration numbers and ids, found by prefix) and the scopes that may
 * see it. The index (store/search-index.ts) keeps, per scope, one posting per distinct character bigram of the texts
 * and one per number; a query reads the postings of ONE key (its rarest bigram, or its number prefix) and verifies
 * every candidate against its document, so a posting is only ever a hint: a stale one costs a read, never a wrong or
 * foreign result.
 *
 * Scopes (who finds what), the same as who may open the record:
 * - the IP office (`office`): everything;
 * - a company (`enterprise:<USCC>`): its own enterprise, the rights it owns, the pledges it applied for;
 * - a bank (`lender:<id>`): the pledges addressed to it — and through them the companies it lends to, since a
 *   pledge is found by its applicant's current name and USCC. A bank is given no enterprise or right documents of
 *   their own: it cannot open `GET /enterprises/{uscc}` or a right outside a pledge, so search would only lead it to
 *   a 404 (or tell it of companies it has no business with).
 * Insurers have no search (their queues are by policy and claim).
 */
import { type Actor, tenantOf } from './actor.js';
import type { Asset } from './asset.js';
import type { Enterprise } from './enterprise.js';
import { type FieldIssue, validationError } from './errors.js';
import type { Pledge } from './pledge.js';

export const SEARCH_KINDS = ['enterprise', 'asset', 'pledge'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** Characters of a query after normalisation. */
export const QUERY_MIN_CHARS = 2;
/** A number is found by prefix: at least this many characters (the index's partitions are keyed by them). */
export const NUMBER_PREFIX_CHARS = 4;
export const QUERY_MAX_CHARS = 50;

export const OFFICE_SCOPE = 'office';

export interface SearchRef {
  kind: SearchKind;
  id: string;
}

export interface SearchDoc extends SearchRef {
  title: string;
  subtitle: string;
  /** Normalised names and titles: found by any substring. */
  texts: string[];
  /** Normalised numbers and codes: found by prefix. */
  numbers: string[];
  scopes: string[];
}

export interface SearchHit extends SearchRef {
  title: string;
  subtitle: string;
}

/**
 * One spelling for comparison: full-width forms folded (NFKC), lower case, and only letters and digits kept — so
 * `ZL 2017 1060 1862.3`, `201710601862.3` and `２０１７…` compare equal, as do `（金华）` and `(金华)`.
 */
export const normalizeText = (raw: string): string =>
  raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** `CN`/`ZL` citation prefixes of a patent number carry no information (as in patent-number.ts). */
const CITATION_PREFIX = /^(?:cn)?(?:zl)?(?=\d)/;

/** A number as indexed: normalised, its citation prefixes removed. */
export const normalizeNumber = (raw: string): string => normalizeText(raw).replace(CITATION_PREFIX, '');

export type SearchQuery = { mode: 'text'; term: string; grams: string[] } | { mode: 'number'; term: string };

/**
 * Reads `q`: a query holding a digit is a number or code (USCC, patent or trademark number, registration number),
 * matched by prefix in any spelling; any other is a piece of a name or title, matched as a substring. Throws one 400
 * naming `query.q` when it is too short or too long once normalised.
 */
export function parseSearchQuery(raw: string): SearchQuery {
  const normalized = normalizeText(raw);
  const issues: FieldIssue[] = [];
  if (raw.length > QUERY_MAX_CHARS * 2 || normalized.length > QUERY_MAX_CHARS)
    issues.push({
      path: 'query.q',
      code: 'too_big',
      params: { maximum: QUERY_MAX_CHARS },
      message: `must be at most ${QUERY_MAX_CHARS} letters and digits`,
    });
  const number = /\p{N}/u.test(normalized);
  const min = number ? NUMBER_PREFIX_CHARS : QUERY_MIN_CHARS;
  const term = number ? normalizeNumber(raw) : normalized;
  if (issues.length === 0 && [...term].length < min)
    issues.push({
      path: 'query.q',
      code: 'too_small',
      params: { minimum: min },
      message: number
        ? `a number must be given with at least ${min} letters and digits`
        : `must have at least ${min} letters or digits`,
    });
  if (issues.length > 0) throw validationError(issues, 'The search query is not valid.');
  return number ? { mode: 'number', term } : { mode: 'text', term, grams: bigrams(term) };
}

/** The distinct character bigrams of a normalised text (by code point, so a CJK character is one character). */
export function bigrams(text: string): string[] {
  const chars = [...text];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(`${chars[i]}${chars[i + 1]}`);
  return [...out];
}

/** The partition prefix of a number: its first characters. */
export const numberShard = (term: string): string => [...term].slice(0, NUMBER_PREFIX_CHARS).join('');

/** The scope a caller searches in, or undefined for a role without search. */
export function scopeOf(actor: Pick<Actor, 'role' | 'org'>): string | undefined {
  if (actor.role === 'ipoffice') return OFFICE_SCOPE;
  if (actor.role === 'enterprise' || actor.role === 'lender') return tenantOf(actor);
  return undefined;
}

const enterpriseScope = (uscc: string) => tenantOf({ role: 'enterprise', org: uscc });
const lenderScope = (id: string) => tenantOf({ role: 'lender', org: id });

const cleanList = (values: readonly (string | undefined)[], normalize: (s: string) => string) => [
  ...new Set(
    values
      .filter((v): v is string => typeof v === 'string')
      .map(normalize)
      .filter(Boolean),
  ),
];

export function enterpriseDoc(e: Enterprise): SearchDoc {
  return {
    kind: 'enterprise',
    id: e.uscc,
    title: e.name,
    subtitle: e.uscc,
    texts: cleanList([e.name], normalizeText),
    numbers: cleanList([e.uscc], normalizeNumber),
    scopes: [OFFICE_SCOPE, enterpriseScope(e.uscc)],
  };
}

export function assetDoc(a: Asset): SearchDoc {
  const name = a.kind === 'patent' ? a.title : a.mark;
  return {
    kind: 'asset',
    id: a.id,
    title: name,
    subtitle: `${a.kind === 'patent' ? `ZL${a.number}` : a.number} · ${a.owner}`,
    texts: cleanList([name], normalizeText),
    numbers: cleanList([a.number], normalizeNumber),
    scopes: [OFFICE_SCOPE, enterpriseScope(a.owner)],
  };
}

/** A pledge is found by its applicant's current name (`applicantName`, else the name at application). */
export function pledgeDoc(p: Pledge, applicantName?: string): SearchDoc {
  const name = applicantName ?? p.applicantName ?? p.applicant;
  return {
    kind: 'pledge',
    id: p.id,
    title: name,
    subtitle: [p.registrationNumber, p.lenderName ?? p.lenderId, p.status].filter(Boolean).join(' · '),
    texts: cleanList([name, p.lenderName], normalizeText),
    numbers: cleanList(
      [p.applicant, p.registrationNumber, p.id, ...p.assets.map((a) => a.number)],
      normalizeNumber,
    ),
    scopes: [OFFICE_SCOPE, enterpriseScope(p.applicant), lenderScope(p.lenderId)],
  };
}

/** A posting: one bigram or number of the document in one of its scopes. */
export interface Posting {
  scope: string;
  mode: 'text' | 'number';
  /** The bigram, or the whole normalised number. */
  term: string;
}

export const postingId = (p: Posting) => `${p.scope}\u0001${p.mode}\u0001${p.term}`;

export function postingsOf(doc: SearchDoc): Posting[] {
  const grams = [...new Set(doc.texts.flatMap(bigrams))];
  return doc.scopes.flatMap((scope) => [
    ...grams.map((term) => ({ scope, mode: 'text' as const, term })),
    ...doc.numbers
      .filter((n) => [...n].length >= NUMBER_PREFIX_CHARS)
      .map((term) => ({ scope, mode: 'number' as const, term })),
  ]);
}

/** The verification of a candidate: visible in the scope, of the kind asked, and really matching the query. */
export function docMatches(doc: SearchDoc, scope: string, query: SearchQuery, kind?: SearchKind): boolean {
  if (!doc.scopes.includes(scope) || (kind && doc.kind !== kind)) return false;
  return query.mode === 'text'
    ? doc.texts.some((t) => t.includes(query.term))
    : doc.numbers.some((n) => n.startsWith(query.term));
}

/** Two documents that would answer every query alike need no re-indexing. */
export const sameDoc = (a: SearchDoc, b: SearchDoc): boolean =>
  a.title === b.title &&
  a.subtitle === b.subtitle &&
  JSON.stringify([a.texts, a.numbers, a.scopes]) === JSON.stringify([b.texts, b.numbers, b.scopes]);
