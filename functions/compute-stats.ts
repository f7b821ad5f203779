import { systemClock } from '../shared/domain/clock.js';
import { computeStats } from '../shared/jobs/compute-stats.js';
import { jobDeps } from '../shared/runtime/job-deps.js';

/** Daily statistics run (EventBridge schedule, 01:00 Asia/Shanghai). Idempotent: a retry rewrites the same day. */
const deps = jobDeps();

export const handler = async () => {
  const snapshot = await computeStats(deps, systemClock());
  deps.logger.info('Statistics snapshot stored', { date: snapshot.date, year: snapshot.year });
  return { date: snapshot.date };
};
