/**
 * The scheduled statistics run (daily, 01:00 Asia/Shanghai): read the year's facts and today's counters, build
 * the snapshot with the pure functions of `domain/statistics.ts`, and store it under the day's date.
 *
 * Cost: 11 Queries on small partitions (3 fact partitions of this year, 4 in-force types from today on, 2 granted
 * counters, outstanding, designations) — never a Scan, and independent of how many enterprises, assets and past
 * years the table holds (see `store/stats-facts.ts` for why the figures are exact).
 * Idempotent: the snapshot is a Put on `STATS`/`<date>`, so a retry or a second run the same day overwrites the
 * same item with the figures as of that run.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.js';
import { yearOf } from '../domain/dates.js';
import { buildSnapshot, type StatsInputs, type StatsSnapshot } from '../domain/statistics.js';
import { StatsRepository } from '../store/stats-repository.js';

export interface StatsDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
}

/** The inputs of the snapshot as of the clock's business date, read from facts and counters. */
export async function gatherStatsInputs(deps: StatsDeps, clock: Clock): Promise<StatsInputs> {
  const repo = new StatsRepository(deps.db, deps.tableName);
  const date = clock.today();
  const year = yearOf(date);
  const [
    pledges,
    policies,
    claims,
    invention,
    utilityModel,
    design,
    trademark,
    patentsGranted,
    trademarksRegistered,
    outstandingFen,
    activeDesignations,
  ] = await Promise.all([
    repo.pledgeFacts(year),
    repo.policyFacts(year),
    repo.claimFacts(year),
    repo.inForce('invention', date),
    repo.inForce('utility_model', date),
    repo.inForce('design', date),
    repo.inForce('trademark', date),
    repo.granted(year, 'patent'),
    repo.granted(year, 'trademark'),
    repo.outstandingFen(),
    repo.activeDesignations(),
  ]);
  return {
    asOf: clock.now().toISOString(),
    date,
    year,
    pledges,
    policies,
    claims,
    outstandingFen,
    inForce: { invention, utility_model: utilityModel, design, trademark },
    patentsGrantedThisYear: patentsGranted,
    trademarksRegisteredThisYear: trademarksRegistered,
    activeDesignations,
  };
}

/** The snapshot as of the business date, without storing it (the reconciliation compares against this). */
export async function buildStatsSnapshot(deps: StatsDeps, clock: Clock): Promise<StatsSnapshot> {
  return buildSnapshot(await gatherStatsInputs(deps, clock));
}

/** Builds and stores the day's snapshot; returns it. */
export async function computeStats(deps: StatsDeps, clock: Clock): Promise<StatsSnapshot> {
  const snapshot = await buildStatsSnapshot(deps, clock);
  await new StatsRepository(deps.db, deps.tableName).putSnapshot(snapshot);
  return snapshot;
}
