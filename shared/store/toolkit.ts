/**
 * The one store toolkit every repository uses: Get, Query, BatchGet with one retry policy, write items built from
 * plain change sets (one update-expression builder), and transactions in which every item carries a tag saying
 * what its condition failing means — so a cancelled transaction is read by meaning, never by position.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { unavailable } from '../domain/errors.js';
import type { Key } from './keys.js';
import {
  CONDITION_FAILED,
  cancellationReasons,
  isConditionFailure,
  retryableStoreError,
} from './store-errors.js';

export type Item = Record<string, unknown>;

/** One element of TransactWriteItems in the document client's (unmarshalled) form. */
export type WriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A write with the meaning of its condition failing (`pledge`, `event`, `asset:<id>`, `idempotency`, …). */
export interface TxItem {
  write: WriteItem;
  tag: string;
}

/** The items of a write whose conditions failed, each with the item as it was when DynamoDB returns it. */
export class ConditionsFailed extends Error {
  constructor(readonly failed: readonly { tag: string; old?: Item }[]) {
    super(`condition failed: ${failed.map((f) => f.tag).join(', ')}`);
    this.name = 'ConditionsFailed';
  }

  has(tag: string): boolean {
    return this.failed.some((f) => f.tag === tag);
  }
}

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** `attribute_not_exists(pk)`: the item must not exist yet. */
export const ABSENT: Condition = { expression: 'attribute_not_exists(pk)' };
/** `attribute_exists(pk)`: the item must exist (an Update never creates a ghost item). */
export const PRESENT: Condition = { expression: 'attribute_exists(pk)' };

/** The item is still at `version` (0: it must not exist yet): a versioned overwrite never loses an update. */
export const atVersion = (version: number): Condition =>
  version === 0
    ? ABSENT
    : {
        expression: '#version = :version',
        names: { '#version': 'version' },
        values: { ':version': version },
      };

/** Adds `n` to a number attribute inside SET (works on nested paths, unlike ADD). */
export class Increment {
  constructor(readonly by: number) {}
}
export const increment = (by: number) => new Increment(by);

export interface Changes {
  /** Attribute paths (`a` or `a.b`) → new values; an `Increment` adds to the current value. */
  set?: Record<string, unknown>;
  /** Top-level number or set attributes → amount or elements to add. */
  add?: Record<string, unknown>;
  remove?: readonly string[];
  /** Set attributes → elements to delete. */
  delete?: Record<string, unknown>;
}

const BATCH_GET_LIMIT = 100;
const BATCH_GET_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 320;

const keyId = (k: { pk: unknown; sk: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Items read by key. */
export class ItemSet {
  private readonly byKey = new Map<string, Item>();
  constructor(items: readonly Item[]) {
    for (const item of items) this.byKey.set(keyId(item as { pk: unknown; sk: unknown }), item);
  }
  get(key: Key): Item | undefined {
    return this.byKey.get(keyId(key));
  }
}

export class Store {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(key: Key, options: { consistent?: boolean; attributes?: readonly string[] } = {}) {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: options.consistent ?? true,
        ...(options.attributes ? { ProjectionExpression: options.attributes.join(', ') } : {}),
      }),
    );
    return out.Item;
  }

  /**
   * Reads any number of keys (duplicates once) with BatchGetItem, 100 per request, strongly consistent unless told
   * (a single key is one GetItem).
   * Unprocessed keys are retried with capped exponential backoff; still unprocessed after 5 tries → 503.
   */
  async batchGet(keys: readonly Key[], options: { consistent?: boolean } = {}): Promise<ItemSet> {
    const unique = [...new Map(keys.map((k) => [keyId(k), { pk: k.pk, sk: k.sk }])).values()];
    if (unique.length === 1) {
      const item = await this.get(unique[0]!, options);
      return new ItemSet(item ? [item] : []);
    }
    const found: Item[] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let pending: Key[] = unique.slice(i, i + BATCH_GET_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === BATCH_GET_ATTEMPTS) throw unavailable();
        if (attempt > 0) await sleep(Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
        const out = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: options.consistent ?? true } },
          }),
        );
        found.push(...(out.Responses?.[this.tableName] ?? []));
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
      }
    }
    return new ItemSet(found);
  }

  /**
   * Every item of one base-table partition, strongly consistent, page after page: all of it, the sort keys
   * under a prefix (`'EVENT#'`), or a range (`{ from }`: sk ≥ from; `{ from, to }`: between, inclusive).
   * `attributes` projects the items to those attributes.
   */
  async queryPartition(
    pk: string,
    sk?: string | { from: string; to?: string },
    options: { attributes?: readonly string[] } = {},
  ): Promise<Item[]> {
    const values: Record<string, unknown> = { ':pk': pk };
    let condition = 'pk = :pk';
    if (typeof sk === 'string') {
      values[':prefix'] = sk;
      condition += ' AND begins_with(sk, :prefix)';
    } else if (sk) {
      values[':from'] = sk.from;
      if (sk.to === undefined) condition += ' AND sk >= :from';
      else {
        values[':to'] = sk.to;
        condition += ' AND sk BETWEEN :from AND :to';
      }
    }
    const projection = options.attributes && {
      ExpressionAttributeNames: Object.fromEntries(options.attributes.map((a, i) => [`#a${i}`, a])),
      ProjectionExpression: options.attributes.map((_, i) => `#a${i}`).join(', '),
    };
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...projection,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  put(item: Item, condition?: Condition, options: { returnOld?: boolean } = {}): WriteItem {
    return { Put: { TableName: this.tableName, Item: item, ...conditionParts(condition, options) } };
  }

  update(
    key: Key,
    changes: Changes,
    condition?: Condition,
    options: { returnOld?: boolean } = {},
  ): WriteItem {
    const built = updateExpression(changes);
    const names = { ...built.names, ...condition?.names };
    const values = { ...built.values, ...condition?.values };
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: built.expression,
        ...(condition ? { ConditionExpression: condition.expression } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ...(options.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
      },
    };
  }

  remove(key: Key, condition?: Condition, options: { returnOld?: boolean } = {}): WriteItem {
    return { Delete: { TableName: this.tableName, Key: key, ...conditionParts(condition, options) } };
  }

  check(key: Key, condition: Condition): WriteItem {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: key,
        ConditionExpression: condition.expression,
        ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
        ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
      },
    };
  }

  /**
   * ONE TransactWriteItems. A cancellation caused by conditions → `ConditionsFailed` naming each failed item's tag
   * (with its old image where asked for); throttling or a conflict → 503; anything else is rethrown.
   */
  async transact(items: readonly TxItem[]): Promise<void> {
    if (items.length === 1) return this.write(items[0]!);
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items.map((i) => i.write) }));
    } catch (error) {
      throw translate(error, items);
    }
  }

  /** One conditional write on its own (a single-item transaction costs twice the capacity). */
  async write(item: TxItem): Promise<void> {
    const w = item.write;
    try {
      if (w.Put) await this.db.send(new PutCommand(w.Put));
      else if (w.Update) await this.db.send(new UpdateCommand(w.Update as never));
      else if (w.Delete) await this.db.send(new DeleteCommand(w.Delete));
      else await this.db.send(new TransactWriteCommand({ TransactItems: [w] }));
    } catch (error) {
      if (isConditionFailure(error)) {
        const old = (error as { Item?: Record<string, never> }).Item;
        throw new ConditionsFailed([{ tag: item.tag, ...(old ? { old: unmarshall(old) } : {}) }]);
      }
      throw translate(error, [item]);
    }
  }
}

function translate(error: unknown, items: readonly TxItem[]): unknown {
  const busy = retryableStoreError(error);
  if (busy) return busy;
  const codes = cancellationReasons(error);
  if (!codes.includes(CONDITION_FAILED)) return error;
  const reasons =
    (error as { CancellationReasons?: { Item?: Record<string, never> }[] }).CancellationReasons ?? [];
  return new ConditionsFailed(
    items.flatMap((item, i) => {
      if (codes[i] !== CONDITION_FAILED) return [];
      const old = reasons[i]?.Item;
      return [{ tag: item.tag, ...(old ? { old: unmarshall(old) } : {}) }];
    }),
  );
}

/** A write's condition; `returnOld`: a failure carries the item as it was. */
function conditionParts(condition: Condition | undefined, options: { returnOld?: boolean } = {}) {
  if (!condition) return {};
  return {
    ConditionExpression: condition.expression,
    ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
    ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
    ...(options.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  };
}

/** The one update-expression builder: placeholders `#u<n>` / `:u<n>`, so conditions may use any other names. */
export function updateExpression(changes: Changes): {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const nameIds = new Map<string, string>();
  const path = (p: string) =>
    p
      .split('.')
      .map((part) => {
        let id = nameIds.get(part);
        if (!id) {
          id = `#u${nameIds.size}`;
          nameIds.set(part, id);
          names[id] = part;
        }
        return id;
      })
      .join('.');
  let n = 0;
  const value = (v: unknown) => {
    const id = `:u${n++}`;
    values[id] = v;
    return id;
  };
  const clauses: string[] = [];
  const set = Object.entries(changes.set ?? {}).map(([p, v]) =>
    v instanceof Increment ? `${path(p)} = ${path(p)} + ${value(v.by)}` : `${path(p)} = ${value(v)}`,
  );
  if (set.length > 0) clauses.push(`SET ${set.join(', ')}`);
  const add = Object.entries(changes.add ?? {}).map(([p, v]) => `${path(p)} ${value(v)}`);
  if (add.length > 0) clauses.push(`ADD ${add.join(', ')}`);
  if (changes.remove && changes.remove.length > 0)
    clauses.push(`REMOVE ${changes.remove.map(path).join(', ')}`);
  const del = Object.entries(changes.delete ?? {}).map(([p, v]) => `${path(p)} ${value(v)}`);
  if (del.length > 0) clauses.push(`DELETE ${del.join(', ')}`);
  return { expression: clauses.join(' '), names, values };
}
