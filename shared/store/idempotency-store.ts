import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './store-errors.js';
import { TTL_ATTRIBUTE } from './table-schema.js';

/**
 * Idempotency records: a caller claims a key with a conditional put before doing the work, so two
 * concurrent requests with one key never both run; the finished response is stored for replay.
 * Records expire through the table's TTL after a day.
 */
const RETENTION_SECONDS = 24 * 60 * 60;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'in_progress'; requestHash: string }
  | { outcome: 'completed'; requestHash: string; response: StoredResponse };

const keyOf = (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: 'IDEM' });

export class IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(scope: string, key: string, requestHash: string, now: Date): Promise<ClaimResult> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(scope, key),
            requestHash,
            state: 'in_progress',
            [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { outcome: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(scope, key), ConsistentRead: true }),
    );
    const item = existing.Item;
    // The claim vanished between the two calls (released after a fault): treat as in progress; the client retries.
    if (!item) return { outcome: 'in_progress', requestHash };
    if (item.state === 'completed')
      return {
        outcome: 'completed',
        requestHash: item.requestHash,
        response: item.response as StoredResponse,
      };
    return { outcome: 'in_progress', requestHash: item.requestHash };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(scope, key),
        UpdateExpression: 'SET #state = :completed, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': response },
      }),
    );
  }

  /** Frees a claim whose request failed on our side, so the client's retry can run. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(scope, key) }));
  }
}
