/**
 * Idempotency records. An operation that is one transaction writes its record IN that transaction (tag
 * `idempotency`, condition: no record yet), holding the response it answered: a retry either finds the record
 * and replays it, or performs the write — never both, and nothing is left "in progress" by a function that died.
 * Records expire through the table's TTL after a day.
 */
import { idempotencyKey, type Key } from './keys.js';
import { TTL_ATTRIBUTE } from './table-schema.js';
import { ABSENT, type Item, type Store, type TxItem } from './toolkit.js';

const RETENTION_SECONDS = 24 * 60 * 60;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a caller's `Idempotency-Key` asks of one operation. */
export interface IdempotencyRequest {
  /** The caller's tenant: keys are scoped to it. */
  tenant: string;
  key: string;
  /** Hash of method, path and body: the same key with another request → 422. */
  requestHash: string;
  /** The response the operation answers with its result, stored for replays. */
  render: (result: unknown) => StoredResponse;
}

export const recordKey = (r: Pick<IdempotencyRequest, 'tenant' | 'key'>): Key =>
  idempotencyKey(r.tenant, r.key);

export function recordWrite(store: Store, r: IdempotencyRequest, result: unknown, now: Date): TxItem {
  return {
    tag: 'idempotency',
    write: store.put(
      {
        ...recordKey(r),
        entity: 'idempotency',
        requestHash: r.requestHash,
        response: r.render(result),
        [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
      },
      ABSENT,
    ),
  };
}

export interface StoredRecord {
  requestHash: string;
  response: StoredResponse;
}

export const storedRecord = (item: Item | undefined): StoredRecord | undefined =>
  item ? { requestHash: item.requestHash as string, response: item.response as StoredResponse } : undefined;
