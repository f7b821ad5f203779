import { Logger } from '@aws-lambda-powertools/logger';
import { computeStats } from '../shared/jobs/compute-stats.js';
import { createDocumentClient } from '../shared/store/dynamo-client.js';

/** Lambda entry for the daily statistics run (EventBridge schedule, 01:00 Asia/Shanghai). */
const logger = new Logger();
const tableName = process.env.TABLE_NAME?.trim();
if (!tableName) throw new Error('Missing environment variable TABLE_NAME (set by the CDK stack).');
const deps = { db: createDocumentClient(), tableName };

export const handler = async () => {
  const snapshot = await computeStats(deps, new Date());
  logger.info('Statistics snapshot stored', { date: snapshot.date, year: snapshot.year });
  return { date: snapshot.date };
};
