import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';

/** What one request (or one job run) cost in DynamoDB, as reported by DynamoDB itself. */
export interface DynamoCost {
  commands: Record<string, number>;
  itemsRead: number;
  itemsWritten: number;
  rcu: number;
  wcu: number;
  scans: number;
}

export const emptyCost = (): DynamoCost => ({
  commands: {},
  itemsRead: 0,
  itemsWritten: 0,
  rcu: 0,
  wcu: 0,
  scans: 0,
});

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/**
 * A document client on DynamoDB Local whose middleware asks every command for its consumed capacity
 * (`ReturnConsumedCapacity: 'TOTAL'`) and adds it, with items read and written, to `cost`.
 */
export function countingDocumentClient(endpoint: string): {
  db: DynamoDBDocumentClient;
  cost: DynamoCost;
  reset(): DynamoCost;
} {
  const db = localDocumentClient(endpoint);
  let cost = emptyCost();
  const client = db as unknown as DynamoDBClient;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const name = String(context.commandName);
      if (name !== 'DescribeTableCommand') input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as unknown as Record<string, unknown>;
      cost.commands[name] = (cost.commands[name] ?? 0) + 1;
      if (name === 'ScanCommand') cost.scans++;
      // Items touched, from the command's own input and output.
      if (name === 'GetItemCommand') cost.itemsRead += output.Item ? 1 : 0;
      if (name === 'QueryCommand' || name === 'ScanCommand')
        cost.itemsRead += Number(output.ScannedCount ?? output.Count ?? 0);
      if (name === 'BatchGetItemCommand')
        cost.itemsRead += Object.values((output.Responses ?? {}) as Record<string, unknown[]>).reduce(
          (n, l) => n + l.length,
          0,
        );
      if (name === 'TransactGetItemsCommand')
        cost.itemsRead += ((output.Responses ?? []) as unknown[]).length;
      if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(name)) cost.itemsWritten++;
      if (name === 'TransactWriteItemsCommand') {
        const items = (input.TransactItems ?? []) as Record<string, unknown>[];
        cost.itemsWritten += items.filter((i) => !i.ConditionCheck).length;
        cost.itemsRead += items.filter((i) => i.ConditionCheck).length;
      }
      if (name === 'BatchWriteItemCommand')
        cost.itemsWritten += Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).reduce(
          (n, l) => n + l.length,
          0,
        );
      const consumed = output.ConsumedCapacity as Capacity | Capacity[] | undefined;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const units = c.CapacityUnits ?? 0;
        if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
          cost.rcu += c.ReadCapacityUnits ?? 0;
          cost.wcu += c.WriteCapacityUnits ?? 0;
        } else if (READS.has(name)) cost.rcu += units;
        else cost.wcu += units;
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityCounter' },
  );
  return {
    db,
    get cost() {
      return cost;
    },
    reset() {
      const previous = cost;
      cost = emptyCost();
      return previous;
    },
  };
}
