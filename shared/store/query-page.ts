import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toResource } from './records.js';
import { GLOBAL_INDEXES, type IndexName, TABLE_KEYS } from './table-schema.js';
import { Store } from './toolkit.js';

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Omit for the base table. */
  index?: IndexName;
  partition: string;
  /** Restrict to sort keys starting with this prefix (e.g. a status). */
  sortPrefix?: string;
  /** Restrict to sort keys at or after this one (e.g. an expiry date). Not with `sortPrefix`. */
  sortFrom?: string;
  newestFirst?: boolean;
  page: PageRequest;
}

/** Every item of one base-table partition (the toolkit's; for callers not yet on `Store`). */
export const queryPartition = (db: DynamoDBDocumentClient, tableName: string, pk: string) =>
  new Store(db, tableName).queryPartition(pk);

/** One Query for one page of a list, as resources (key attributes stripped); never a Scan. */
export async function queryPage<T>(q: PageQuery): Promise<Page<T>> {
  const index = q.index ? GLOBAL_INDEXES.find((i) => i.name === q.index) : undefined;
  const pkName = index?.partition ?? TABLE_KEYS.partition;
  const skName = index?.sort ?? TABLE_KEYS.sort;
  const keyAttributes = index
    ? [TABLE_KEYS.partition, TABLE_KEYS.sort, index.partition, index.sort]
    : [TABLE_KEYS.partition, TABLE_KEYS.sort];
  const startKey = decodeCursor(q.page.cursor, { attribute: pkName, value: q.partition }, keyAttributes);
  const out = await q.db.send(
    new QueryCommand({
      TableName: q.tableName,
      IndexName: q.index,
      KeyConditionExpression: q.sortPrefix
        ? '#pk = :pk AND begins_with(#sk, :prefix)'
        : q.sortFrom !== undefined
          ? '#pk = :pk AND #sk >= :from'
          : '#pk = :pk',
      ExpressionAttributeNames:
        q.sortPrefix || q.sortFrom !== undefined ? { '#pk': pkName, '#sk': skName } : { '#pk': pkName },
      ExpressionAttributeValues: q.sortPrefix
        ? { ':pk': q.partition, ':prefix': q.sortPrefix }
        : q.sortFrom !== undefined
          ? { ':pk': q.partition, ':from': q.sortFrom }
          : { ':pk': q.partition },
      ScanIndexForward: !q.newestFirst,
      Limit: q.page.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  const items = (out.Items ?? []).map((item) => toResource<T>(item));
  // Only hand out a cursor when a next page can exist: DynamoDB returns a key whenever Limit was reached.
  return { items, nextCursor: encodeCursor(out.LastEvaluatedKey as Record<string, string> | undefined) };
}

/** Every page of a paged read, in order, each handed to `work` before the next is read (a job's batches). */
export async function eachPage<T>(
  read: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
  work: (items: T[]) => Promise<void> | void,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await read({ limit, cursor });
    cursor = page.nextCursor ?? undefined;
    await work(page.items);
  } while (cursor);
}
