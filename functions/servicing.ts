import { randomUUID } from 'node:crypto';
import { systemClock } from '../shared/domain/clock.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { serviceLoans } from '../shared/usecases/loans.js';

/**
 * Daily loan servicing (EventBridge schedule, 00:30 Asia/Shanghai): arrears, penalty interest, classification and
 * due reminders of every active loan as of today. Idempotent for its business date, so retries are safe.
 */
const { logger, ...deps } = jobDeps();
const uc = useCaseContext({ ...deps, clock: systemClock(), newId: randomUUID });

export const handler = async () => {
  const result = await serviceLoans(uc);
  logger.info('Loan servicing run finished', { date: uc.clock.today(), ...result });
  return result;
};
