import { randomUUID } from 'node:crypto';
import { systemClock } from '../shared/domain/clock.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { runCollateralMonitor } from '../shared/usecases/monitor.js';

/**
 * Daily collateral monitor (EventBridge schedule, 00:45 Asia/Shanghai): legal-status alerts on every pledged and
 * insured right as of today. Idempotent for its business date, so retries are safe.
 */
const { logger, ...deps } = jobDeps();
const uc = useCaseContext({ ...deps, clock: systemClock(), newId: randomUUID });

export const handler = async () => {
  const result = await runCollateralMonitor(uc);
  logger.info('Collateral monitor run finished', { date: uc.clock.today(), ...result });
  return result;
};
