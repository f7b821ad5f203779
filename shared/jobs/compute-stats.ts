/**
 * The scheduled statistics run (daily, 01:00 Asia/Shanghai): build the snapshot from the year's facts and today's
 * counters and store it under the day's date (`usecases/stats.ts`).
 *
 * Cost: 11 Queries on small partitions — never a Scan, and independent of how many enterprises, assets and past
 * years the table holds (see `store/stats-facts.ts` for why the figures are exact).
 * Idempotent: the snapshot is a Put on `STATS`/`<date>`, so a retry or a second run the same day overwrites the
 * same item with the figures as of that run.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.js';
import type { StatsSnapshot } from '../domain/statistics.js';
import { jobContext } from '../usecases/context.js';
import { recordStatsSnapshot } from '../usecases/stats.js';

export interface StatsDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
}

/** Builds and stores the snapshot as of the clock's business date; returns it. */
export const computeStats = (deps: StatsDeps, clock: Clock): Promise<StatsSnapshot> =>
  recordStatsSnapshot(jobContext(deps, clock));
