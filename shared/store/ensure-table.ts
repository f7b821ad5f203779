import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { GLOBAL_INDEXES, STREAM_VIEW, TABLE_KEYS, TTL_ATTRIBUTE } from './table-schema.js';

/**
 * Creates the table from the shared key schema, or adds any index (and the stream) the schema has gained since.
 * Used by the local portal and the integration tests; the deployed table comes from the CDK stack. `stream: false`
 * is for a table nothing polls (most test files): DynamoDB Local slows every write to a streamed table by the stream
 * records of ALL its tables (200 transactions took 13.5 s instead of 2.0 s beside 20,000 streamed items elsewhere).
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  { stream = true }: { stream?: boolean } = {},
): Promise<'created' | 'updated' | 'current'> {
  const attributes = new Set<string>([
    TABLE_KEYS.partition,
    TABLE_KEYS.sort,
    ...GLOBAL_INDEXES.flatMap((i) => [i.partition, i.sort]),
  ]);
  const AttributeDefinitions = [...attributes].map((AttributeName) => ({
    AttributeName,
    AttributeType: 'S' as const,
  }));
  const indexSpec = (i: (typeof GLOBAL_INDEXES)[number]) => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partition, KeyType: 'HASH' as const },
      { AttributeName: i.sort, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  const StreamSpecification = { StreamEnabled: true, StreamViewType: STREAM_VIEW };
  let existing: Set<string>;
  let streaming: boolean;
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? ''));
    streaming = described.Table?.StreamSpecification?.StreamEnabled === true;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions,
        KeySchema: [
          { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: GLOBAL_INDEXES.map(indexSpec),
        ...(stream ? { StreamSpecification } : {}),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return 'created';
  }
  const missing = GLOBAL_INDEXES.filter((i) => !existing.has(i.name));
  for (const index of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
      }),
    );
  }
  // A table made before events were delivered has no stream: the poller needs one.
  const addStream = stream && !streaming;
  if (addStream) await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification }));
  return missing.length > 0 || addStream ? 'updated' : 'current';
}
