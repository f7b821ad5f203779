/**
 * Search (`GET /search`) and the indexer that keeps its index.
 *
 * A query reads, whatever the table's size: one BatchGet of its bigrams' counts (text queries), one Query of at most
 * `POSTINGS_PER_PAGE` postings of the rarest bigram or of the number prefix, and one BatchGet of their documents —
 * each candidate verified against its document (scope, kind, the whole substring or prefix). A page may hold fewer
 * hits than `limit` while `nextCursor` is set (the postings read held false candidates); the cursor names the
 * posting partition and position, and is refused for another query or caller.
 *
 * The indexer is fed the references of changed enterprises, rights and pledges (from the table's stream: locally the
 * stream poller, deployed an event-source mapping filtered to those items). It re-derives the document from the
 * record as stored NOW, so any delivery — late, repeated, out of order — converges to the current state: it is
 * idempotent by construction. Renames, transfers (a new owner's scope) and deletions are changes like any other;
 * an enterprise's change also re-indexes its pledges (found by its current name).
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Asset } from '../domain/asset.js';
import type { Enterprise } from '../domain/enterprise.js';
import { forbidden, validationError } from '../domain/errors.js';
import type { Pledge } from '../domain/pledge.js';
import {
  assetDoc,
  docMatches,
  enterpriseDoc,
  numberShard,
  parseSearchQuery,
  pledgeDoc,
  postingId,
  postingsOf,
  type SearchDoc,
  type SearchHit,
  type SearchKind,
  type SearchRef,
  sameDoc,
  scopeOf,
} from '../domain/search.js';
import type { Key } from '../store/keys.js';
import { searchGramPartition, searchNumberPartition } from '../store/keys.js';
import { POSTINGS_PER_PAGE, SearchIndex } from '../store/search-index.js';
import { searchRefOfRecord } from '../store/stream-records.js';
import type { Store } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';

export interface SearchRequest {
  q: string;
  kind?: SearchKind | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function search(
  uc: UseCaseContext,
  actor: Actor,
  req: SearchRequest,
): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
  const scope = scopeOf(actor);
  if (!scope) throw forbidden('Search is for the IP office, banks and companies.');
  const query = parseSearchQuery(req.q);
  const index = new SearchIndex(uc.store);
  // A bank has pledges only (see domain/search.ts): another kind is an empty answer, not an error.
  if (actor.role === 'lender' && req.kind && req.kind !== 'pledge') return { items: [], nextCursor: null };

  let partition: string;
  let prefix: string | undefined;
  let allowed: string[];
  if (query.mode === 'number') {
    partition = searchNumberPartition(scope, numberShard(query.term));
    prefix = query.term;
    allowed = [partition];
  } else {
    allowed = query.grams.map((g) => searchGramPartition(scope, g));
    const fromCursor = req.cursor === undefined ? undefined : decode(req.cursor, allowed).pk;
    if (fromCursor) partition = fromCursor;
    else {
      const counts = await index.gramCounts(scope, query.grams);
      // A bigram no document holds: nothing can match.
      if (query.grams.some((g) => !counts.get(g))) return { items: [], nextCursor: null };
      const rarest = [...query.grams].sort(
        (a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0),
      )[0] as string;
      partition = searchGramPartition(scope, rarest);
    }
    prefix = req.kind ? `${req.kind}#` : undefined;
  }
  // A cursor's partition is one of `allowed`: a number query's only one, a text query's the one it names (above).
  const startKey = req.cursor === undefined ? undefined : decode(req.cursor, allowed);

  const page = await index.postings({ partition, prefix, startKey, limit: POSTINGS_PER_PAGE });
  const docs = await index.docs(page.refs);
  const items: SearchHit[] = [];
  for (const [i, ref] of page.refs.entries()) {
    const doc = docs.get(`${ref.kind}#${ref.id}`);
    if (!doc || !docMatches(doc, scope, query, req.kind)) continue;
    if (items.some((h) => h.kind === doc.kind && h.id === doc.id)) continue; // two numbers of one pledge
    items.push({ kind: doc.kind, id: doc.id, title: doc.title, subtitle: doc.subtitle });
    if (items.length === req.limit) {
      const more = i < page.refs.length - 1 || page.lastKey !== undefined;
      return { items, nextCursor: more ? encode(ref.key) : null };
    }
  }
  return { items, nextCursor: page.lastKey ? encode(page.lastKey) : null };
}

const badCursor = () =>
  validationError([{ path: 'query.cursor', message: 'is not a cursor this search issued to you' }]);

const encode = (key: Key): string => Buffer.from(JSON.stringify([key.pk, key.sk])).toString('base64url');

/** A cursor of this query in this caller's scope (its partition is one the query may read), or a 400. */
function decode(cursor: string, allowed: readonly string[]): Key {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      parsed.every((p) => typeof p === 'string' && p.length <= 512) &&
      allowed.includes(parsed[0])
    )
      return { pk: parsed[0], sk: parsed[1] };
  } catch {
    // falls through to the 400
  }
  throw badCursor();
}

// ——— the indexer ———

const MAX_ATTEMPTS = 5;

export type IndexOutcome = 'written' | 'removed' | 'unchanged';

/** Brings one record's document and postings to the record as stored now (and, for an enterprise, its pledges'). */
export async function reindex(store: Store, ref: SearchRef): Promise<IndexOutcome> {
  const outcome = await reindexOne(store, ref);
  if (ref.kind === 'enterprise') {
    const index = new SearchIndex(store);
    for (const id of await index.pledgeIdsOf(ref.id)) await reindexOne(store, { kind: 'pledge', id });
  }
  return outcome;
}

async function reindexOne(store: Store, ref: SearchRef): Promise<IndexOutcome> {
  const index = new SearchIndex(store);
  const added = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const stored = await index.getDoc(ref);
    const doc = await derive(index, ref);
    if (stored && doc && sameDoc(stored.doc, doc) && added.size === 0) return 'unchanged';
    if (!stored && !doc) return 'unchanged';
    const next = doc ? [...new Set(postingsOf(doc).map(postingId))] : [];
    const toAdd = next.filter((p) => !stored?.postings.includes(p));
    // Postings first: until the document is written, a new posting is a candidate its old document refuses.
    await index.addPostings(ref, toAdd);
    for (const p of toAdd) added.add(p);
    const written = await index.writeDoc(
      ref,
      doc ? { doc, postings: next, token: randomUUID() } : undefined,
      stored?.token,
    );
    if (!written) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`search index: ${ref.kind} ${ref.id} kept changing`);
      continue;
    }
    // Then what the document no longer holds, and what an attempt that lost the race added in vain.
    const keep = new Set(next);
    const stale = new Set([...(stored?.postings ?? []), ...added].filter((p) => !keep.has(p)));
    await index.removePostings(ref, [...stale]);
    return doc ? 'written' : 'removed';
  }
}

async function derive(index: SearchIndex, ref: SearchRef): Promise<SearchDoc | undefined> {
  const item = await index.source(ref);
  if (!item) return undefined;
  if (ref.kind === 'enterprise') return enterpriseDoc(item as unknown as Enterprise);
  if (ref.kind === 'asset') return assetDoc(item as unknown as Asset);
  const pledge = item as unknown as Pledge;
  const applicant = await index.enterprise(pledge.applicant);
  return pledgeDoc(pledge, applicant?.name);
}

/** Indexes each distinct reference of a batch of changes, one after another (a failure stops the batch). */
export async function reindexAll(store: Store, refs: readonly SearchRef[]): Promise<void> {
  const unique = [...new Map(refs.map((r) => [`${r.kind}#${r.id}`, r])).values()];
  for (const ref of unique) await reindex(store, ref);
}

/** The indexer's entry for stream records (local poller and deployed mapping alike): the records it follows. */
export const indexChanges = (store: Store, records: readonly Parameters<typeof searchRefOfRecord>[0][]) =>
  reindexAll(
    store,
    records.flatMap((r) => searchRefOfRecord(r) ?? []),
  );
