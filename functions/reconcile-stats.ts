import { finishAudit } from '../shared/jobs/reconcile-stats.js';
import { jobDeps } from '../shared/runtime/job-deps.js';

/**
 * Weekly statistics audit, last step: combines the segments' results of the run (its state machine's execution)
 * and compares them with the counters. Differences are logged as an error (an alarm watches for it) and returned;
 * the run itself succeeds, so a disagreement is reported once, not retried.
 */
const { logger, ...deps } = jobDeps();
const audit = {
  ...deps,
  log: (message: string, details: Record<string, unknown>) => logger.error(message, details),
};

export const handler = async (input: { run: string; startedAt: string; totalSegments: number }) => {
  const result = await finishAudit(
    audit,
    { run: input.run, startedAt: input.startedAt },
    input.totalSegments,
  );
  logger.info('Statistics reconciled', {
    date: result.date,
    scannedItems: result.scannedItems,
    segments: input.totalSegments,
    differences: result.differences.length,
    enterpriseDifferences: result.enterpriseDifferences.length,
  });
  return {
    date: result.date,
    differences: result.differences,
    enterpriseDifferences: result.enterpriseDifferences.length,
  };
};
