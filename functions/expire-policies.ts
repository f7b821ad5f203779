import { Logger } from '@aws-lambda-powertools/logger';
import { expirePolicies } from '../shared/jobs/expire-policies.js';
import { createDocumentClient } from '../shared/store/dynamo-client.js';

/** Lambda entry for the daily policy expiry (EventBridge schedule, shortly after 00:00 Asia/Shanghai). */
const logger = new Logger();
const tableName = process.env.TABLE_NAME?.trim();
if (!tableName) throw new Error('Missing environment variable TABLE_NAME (set by the CDK stack).');
const deps = {
  db: createDocumentClient(),
  tableName,
  log: (message: string, details: Record<string, unknown>) => logger.warn(message, details),
};

export const handler = async () => {
  const result = await expirePolicies(deps, new Date());
  logger.info('Policy expiry run finished', { ...result });
  return result;
};
