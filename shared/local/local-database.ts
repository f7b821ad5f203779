import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDocumentClient } from '../store/dynamo-client.js';
import { startDynamoDbLocal } from './dynamodb-local.js';

/**
 * The local portal's database: DynamoDB Local persisting under `${dataDir}/dynamodb`. Only one
 * DynamoDB Local may own those files, so a running instance is recorded in `${dataDir}/dynamodb.json`
 * and a second process (e.g. `npm run stats` while `npm start` runs) connects to it instead of
 * starting another JVM on the same files.
 */
export interface LocalDatabase {
  endpoint: string;
  /** True when this process started the JVM (and `close()` stops it). */
  owned: boolean;
  close(): Promise<void>;
}

interface InstanceRecord {
  pid: number;
  endpoint: string;
}

const recordFile = (dataDir: string) => join(dataDir, 'dynamodb.json');

export async function openLocalDatabase(dataDir: string, tableName: string): Promise<LocalDatabase> {
  const running = await runningInstance(dataDir, tableName);
  if (running) return { endpoint: running.endpoint, owned: false, close: async () => {} };
  const dynamo = await startDynamoDbLocal({ dbPath: join(dataDir, 'dynamodb') });
  const record: InstanceRecord = { pid: dynamo.pid, endpoint: dynamo.endpoint };
  await writeFile(recordFile(dataDir), JSON.stringify(record));
  return {
    endpoint: dynamo.endpoint,
    owned: true,
    async close() {
      await dynamo.stop();
      await rm(recordFile(dataDir), { force: true });
    },
  };
}

/** A recorded instance counts only if its JVM is alive and it serves this data dir's table. */
async function runningInstance(dataDir: string, tableName: string): Promise<InstanceRecord | undefined> {
  let record: InstanceRecord;
  try {
    record = JSON.parse(await readFile(recordFile(dataDir), 'utf8')) as InstanceRecord;
    process.kill(record.pid, 0);
  } catch {
    return undefined;
  }
  const client = localDocumentClient(record.endpoint);
  try {
    const tables = await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
    return tables.TableNames?.includes(tableName) ? record : undefined;
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
