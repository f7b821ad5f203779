import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../store/dynamo-client.js';

/** What a scheduled job needs in Lambda: the table, and a structured logger for its findings. */
export interface JobDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  logger: Logger;
}

/** The composition root for scheduled-job Lambdas; `TABLE_NAME` is set by the CDK stack. */
export function jobDeps(env: NodeJS.ProcessEnv = process.env): JobDeps {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) throw new Error('Missing environment variable TABLE_NAME (set by the CDK stack).');
  return { db: createDocumentClient(), tableName, logger: new Logger() };
}
