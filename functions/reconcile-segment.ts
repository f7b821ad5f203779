import { runAuditSegment } from '../shared/jobs/reconcile-stats.js';
import { jobDeps } from '../shared/runtime/job-deps.js';

/** One parallel-Scan segment of the weekly audit (a Map iteration of the audit's state machine). */
const { logger, ...deps } = jobDeps();

export const handler = async (input: {
  run: string;
  startedAt: string;
  segment: number;
  totalSegments: number;
}) => {
  const done = await runAuditSegment(
    deps,
    { run: input.run, startedAt: input.startedAt },
    { segment: input.segment, totalSegments: input.totalSegments },
  );
  logger.info('Audit segment scanned', { run: input.run, ...done, totalSegments: input.totalSegments });
  return done;
};
