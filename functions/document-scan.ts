import { systemClock } from '../shared/domain/clock.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { scanResultHandler } from '../shared/runtime/malware-scan-event.js';
import { jobContext } from '../shared/usecases/context.js';
import { recordScanResult } from '../shared/usecases/documents.js';

/** GuardDuty's malware-scan results for the files bucket (EventBridge rule) → the document's scan status. */
const { db, tableName, logger } = jobDeps();

export const handler = scanResultHandler(
  (scan) => recordScanResult(jobContext({ db, tableName }, systemClock()), scan),
  logger,
);
