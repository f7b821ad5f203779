import { systemClock } from '../shared/domain/clock.js';
import { reconcileStats } from '../shared/jobs/reconcile-stats.js';
import { jobDeps } from '../shared/runtime/job-deps.js';

/**
 * Weekly statistics audit. Differences are logged as an error (an alarm watches for it) and returned; the run
 * itself succeeds, so a disagreement is reported once, not retried.
 */
const { logger, ...deps } = jobDeps();
const audit = {
  ...deps,
  log: (message: string, details: Record<string, unknown>) => logger.error(message, details),
};

export const handler = async () => {
  const result = await reconcileStats(audit, systemClock());
  logger.info('Statistics reconciled', {
    date: result.date,
    scannedItems: result.scannedItems,
    differences: result.differences.length,
    enterpriseDifferences: result.enterpriseDifferences.length,
  });
  return {
    date: result.date,
    differences: result.differences,
    enterpriseDifferences: result.enterpriseDifferences.length,
  };
};
