import { systemClock } from '../shared/domain/clock.js';
import { runDesignationCycle } from '../shared/jobs/designation-cycle.js';
import { jobDeps } from '../shared/runtime/job-deps.js';

/** Daily designation cycle (EventBridge schedule, 00:20 Asia/Shanghai). Idempotent: a lapsed title is not read. */
const { logger, ...deps } = jobDeps();

export const handler = async () => {
  const result = await runDesignationCycle(deps, systemClock());
  logger.info('Designation cycle run finished', { ...result });
  return result;
};
