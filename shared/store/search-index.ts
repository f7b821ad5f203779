/**
 * The search index in the single table (see domain/search.ts for what is indexed and who sees it).
 *
 * Items
 * - Document  pk `SRCHDOC#<kind>#<id>`  sk `SRCHDOC`  { doc, postings: [posting ids], token } — the truth a query
 *   verifies every candidate against; `token` changes on every rewrite (the indexer's optimistic lock).
 * - Bigram posting  pk `SRCH#<scope>#G#<bigram>`  sk `<kind>#<id>` — one per distinct bigram, scope and document.
 * - Number posting  pk `SRCH#<scope>#N#<first 4>`  sk `<number>#<kind>#<id>` — prefix reads with begins_with.
 * - Bigram count  pk `SRCHDF#<scope>#<bigram>`  sk `SRCHDF` { n } — how many documents hold the bigram in the
 *   scope: the query planner's estimate (it picks the rarest bigram). Moved only by postings that really appeared
 *   or disappeared (ReturnValues ALL_OLD), so it is exact but for a crash between a posting and its count.
 *
 * Why in DynamoDB and not OpenSearch: the same table, code path and tests locally and deployed (OpenSearch
 * Serverless cannot run here, and would be a second store to secure and pay for around the clock); a query is one
 * BatchGet of counts, one Query of at most `POSTINGS_PER_PAGE` postings and one BatchGet of their documents, whatever
 * the number of enterprises.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Enterprise } from '../domain/enterprise.js';
import { numberShard, type Posting, postingId, type SearchDoc, type SearchRef } from '../domain/search.js';
import {
  assetKey,
  enterpriseKey,
  type Key,
  partitions,
  pledgeKey,
  searchDocKey,
  searchGramCountKey,
  searchGramKey,
  searchNumberKey,
} from './keys.js';
import { toResource } from './records.js';
import { GLOBAL_INDEXES } from './table-schema.js';
import { ConditionsFailed, type Item, type Store } from './toolkit.js';

/** Postings one query page reads at most. */
export const POSTINGS_PER_PAGE = 100;
/** Index writes in flight at once for one document. */
const WRITE_CONCURRENCY = 8;

export interface StoredDoc {
  doc: SearchDoc;
  postings: string[];
  token: string;
}

export const postingKey = (p: Posting, ref: SearchRef): Key =>
  p.mode === 'text'
    ? searchGramKey(p.scope, p.term, ref.kind, ref.id)
    : searchNumberKey(p.scope, numberShard(p.term), p.term, ref.kind, ref.id);

export const postingOfId = (id: string): Posting => {
  const [scope, mode, term] = id.split('\u0001') as [string, 'text' | 'number', string];
  return { scope, mode, term };
};

export class SearchIndex {
  constructor(private readonly store: Store) {}

  async getDoc(ref: SearchRef): Promise<StoredDoc | undefined> {
    const item = await this.store.get(searchDocKey(ref.kind, ref.id));
    return item ? (toResource<StoredDoc>(item) as StoredDoc) : undefined;
  }

  async enterprise(uscc: string): Promise<Enterprise | undefined> {
    const item = await this.store.get(enterpriseKey(uscc));
    return item ? toResource<Enterprise>(item) : undefined;
  }

  /** The record behind a reference, as stored now (strongly consistent). */
  async source(ref: SearchRef): Promise<Item | undefined> {
    const key =
      ref.kind === 'enterprise'
        ? enterpriseKey(ref.id)
        : ref.kind === 'asset'
          ? assetKey(ref.id)
          : pledgeKey(ref.id);
    const item = await this.store.get(key);
    return item ? toResource<Item>(item) : undefined;
  }

  /** The ids of every pledge an enterprise applied for (its owner list on gsi1, keys only, page by page). */
  async pledgeIdsOf(uscc: string): Promise<string[]> {
    const index = GLOBAL_INDEXES.find((i) => i.name === 'gsi1');
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.store.db.send(
        new QueryCommand({
          TableName: this.store.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index?.partition ?? 'gsi1pk', '#id': 'id' },
          ExpressionAttributeValues: { ':pk': partitions.enterprisePledges(uscc) },
          ProjectionExpression: '#id',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) if (typeof item.id === 'string') ids.push(item.id);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }

  /** Adds postings (idempotent puts); a bigram posting that was not there yet counts once in its bigram's count. */
  addPostings(ref: SearchRef, ids: readonly string[]): Promise<void> {
    return inParallel(ids, async (id) => {
      const posting = postingOfId(id);
      const out = await this.store.db.send(
        new PutCommand({
          TableName: this.store.tableName,
          Item: { ...postingKey(posting, ref), entity: 'search-posting', kind: ref.kind, id: ref.id },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (!out.Attributes && posting.mode === 'text') await this.count(posting, 1);
    });
  }

  removePostings(ref: SearchRef, ids: readonly string[]): Promise<void> {
    return inParallel(ids, async (id) => {
      const posting = postingOfId(id);
      const out = await this.store.db.send(
        new DeleteCommand({
          TableName: this.store.tableName,
          Key: postingKey(posting, ref),
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (out.Attributes && posting.mode === 'text') await this.count(posting, -1);
    });
  }

  private async count(posting: Posting, by: number): Promise<void> {
    await this.store.db.send(
      new UpdateCommand({
        TableName: this.store.tableName,
        Key: searchGramCountKey(posting.scope, posting.term),
        UpdateExpression: 'ADD #n :by',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':by': by },
      }),
    );
  }

  /**
   * Writes (or with `doc` undefined removes) the document over the one read (`previous` token, none: it must not
   * exist). False when another indexer wrote it meanwhile.
   */
  async writeDoc(
    ref: SearchRef,
    next: { doc: SearchDoc; postings: string[]; token: string } | undefined,
    previousToken: string | undefined,
  ): Promise<boolean> {
    const key = searchDocKey(ref.kind, ref.id);
    const condition = previousToken
      ? { expression: '#t = :t', names: { '#t': 'token' }, values: { ':t': previousToken } }
      : { expression: 'attribute_not_exists(pk)' };
    try {
      await this.store.write({
        tag: 'search-doc',
        write: next
          ? this.store.put({ ...key, entity: 'search-doc', ...next, postings: next.postings }, condition)
          : this.store.remove(key, condition),
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionsFailed) return false;
      throw error;
    }
  }

  // ——— reads of a query ———

  /** The document counts of bigrams in a scope (absent: no document holds it): one BatchGet (≤ 50 keys). */
  async gramCounts(scope: string, grams: readonly string[]): Promise<Map<string, number>> {
    const keys = grams.map((g) => searchGramCountKey(scope, g));
    const out = await this.store.db.send(
      new BatchGetCommand({
        RequestItems: { [this.store.tableName]: { Keys: keys, ProjectionExpression: 'pk, n' } },
      }),
    );
    const counts = new Map<string, number>();
    for (const item of out.Responses?.[this.store.tableName] ?? []) {
      const gram = grams.find((g) => searchGramCountKey(scope, g).pk === item.pk);
      if (gram !== undefined) counts.set(gram, Number(item.n ?? 0));
    }
    // Keys left unprocessed (throttling) are taken as common: the plan stays correct, only perhaps not the cheapest.
    for (const k of (out.UnprocessedKeys?.[this.store.tableName]?.Keys ?? []) as Key[]) {
      const gram = grams.find((g) => searchGramCountKey(scope, g).pk === k.pk);
      if (gram !== undefined) counts.set(gram, Number.MAX_SAFE_INTEGER);
    }
    return counts;
  }

  /** One Query of one posting partition: at most `limit` postings from `startKey`, optionally under a sort prefix. */
  async postings(q: {
    partition: string;
    prefix?: string | undefined;
    startKey?: Key | undefined;
    limit: number;
  }): Promise<{ refs: (SearchRef & { key: Key })[]; lastKey: Key | undefined }> {
    const out = await this.store.db.send(
      new QueryCommand({
        TableName: this.store.tableName,
        KeyConditionExpression: q.prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: q.prefix
          ? { ':pk': q.partition, ':prefix': q.prefix }
          : { ':pk': q.partition },
        ExclusiveStartKey: q.startKey,
        Limit: q.limit,
      }),
    );
    return {
      refs: (out.Items ?? []).map((i) => ({
        kind: i.kind as SearchRef['kind'],
        id: String(i.id),
        key: { pk: String(i.pk), sk: String(i.sk) },
      })),
      lastKey: out.LastEvaluatedKey as Key | undefined,
    };
  }

  /** The documents of candidates: one BatchGet (≤ 100 keys), eventually consistent. */
  async docs(refs: readonly SearchRef[]): Promise<Map<string, SearchDoc>> {
    const found = new Map<string, SearchDoc>();
    if (refs.length === 0) return found;
    const items = await this.store.batchGet(
      refs.map((r) => searchDocKey(r.kind, r.id)),
      { consistent: false },
    );
    for (const r of refs) {
      const item = items.get(searchDocKey(r.kind, r.id));
      if (item) found.set(`${r.kind}#${r.id}`, (item as unknown as StoredDoc).doc);
    }
    return found;
  }
}

export { postingId };

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
}
