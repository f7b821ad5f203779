import { systemClock } from '../shared/domain/clock.js';
import { expirePolicies } from '../shared/jobs/expire-policies.js';
import { jobDeps } from '../shared/runtime/job-deps.js';

/** Daily policy expiry (EventBridge schedule, 00:05 Asia/Shanghai). Idempotent: expired policies are skipped. */
const { logger, ...deps } = jobDeps();
const job = {
  ...deps,
  log: (message: string, details: Record<string, unknown>) => logger.warn(message, details),
};

export const handler = async () => {
  const result = await expirePolicies(job, systemClock());
  logger.info('Policy expiry run finished', { ...result });
  return result;
};
