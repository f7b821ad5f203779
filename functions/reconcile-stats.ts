import { Logger } from '@aws-lambda-powertools/logger';
import { reconcileStats } from '../shared/jobs/reconcile-stats.js';
import { createDocumentClient } from '../shared/store/dynamo-client.js';

/**
 * Lambda entry for the weekly statistics audit. Differences are logged as an error (alarm on it) and returned;
 * the run itself succeeds, so a disagreement is reported once, not retried.
 */
const logger = new Logger();
const tableName = process.env.TABLE_NAME?.trim();
if (!tableName) throw new Error('Missing environment variable TABLE_NAME (set by the CDK stack).');
const deps = {
  db: createDocumentClient(),
  tableName,
  log: (message: string, details: Record<string, unknown>) => logger.error(message, details),
};

export const handler = async () => {
  const result = await reconcileStats(deps, new Date());
  logger.info('Statistics reconciled', {
    date: result.date,
    scannedItems: result.scannedItems,
    differences: result.differences.length,
  });
  return { date: result.date, differences: result.differences };
};
