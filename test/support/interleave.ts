import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';

/** The commands that write (as the client's middleware names them, under the document client's own). */
export const WRITE_COMMANDS = [
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
];
export const TRANSACTION_COMMANDS = ['TransactWriteItemsCommand'];

/**
 * A document client on the run's DynamoDB Local whose next write (of `on`) first runs the function given to
 * `beforeNext`, once: what another request did between a use case's read and its write, made repeatable instead of
 * left to a race. A function that throws stands for a store fault (a network error, say): the write never happens.
 */
export function interleavingClient(on: readonly string[] = WRITE_COMMANDS) {
  const db = localDocumentClient(inject('dynamoEndpoint'));
  let pending: (() => Promise<unknown>) | undefined;
  (db as unknown as DynamoDBClient).middlewareStack.add(
    (next, context) => async (args) => {
      if (pending && on.includes(context.commandName ?? '')) {
        const run = pending;
        pending = undefined;
        await run();
      }
      return next(args);
    },
    { step: 'initialize', name: 'testInterleave' },
  );
  return {
    db: db as DynamoDBDocumentClient,
    beforeNext(run: () => Promise<unknown>) {
      pending = run;
    },
    /** Whether the function given to `beforeNext` is still waiting for its write. */
    waiting: () => pending !== undefined,
  };
}
