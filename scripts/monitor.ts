/** `npm run --silent monitor`: the daily collateral monitor, once, on the local data (see local-job.ts). */
import { useCaseContext } from '../shared/usecases/context.js';
import { runCollateralMonitor } from '../shared/usecases/monitor.js';
import { runLocalJob } from './local-job.js';

await runLocalJob('monitor', async (runtime) => {
  const uc = useCaseContext(runtime.deps);
  const { watched, raised, changed } = await runCollateralMonitor(uc);
  return `Collateral monitor as of ${uc.clock.today()}: ${watched} right(s) watched, ${raised} alert(s) raised, ${changed} watch(es) changed.`;
});
