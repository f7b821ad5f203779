import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';

/**
 * A document client on the run's DynamoDB Local that logs the name of every command it sends (one entry per
 * round trip, e.g. `BatchGetItemCommand`), for tests that count what an operation costs without mocking it.
 */
export function loggingClient(endpoint: string = inject('dynamoEndpoint')): {
  db: DynamoDBDocumentClient;
  /** The commands sent since the last call, and a fresh log from here on. */
  take(): string[];
} {
  const db = localDocumentClient(endpoint);
  let sent: string[] = [];
  (db as unknown as DynamoDBClient).middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'testCommandLog' },
  );
  return {
    db,
    take() {
      const out = sent;
      sent = [];
      return out;
    },
  };
}
