/** `npm run --silent servicing`: the daily loan servicing, once, on the local data (see local-job.ts). */
import { useCaseContext } from '../shared/usecases/context.js';
import { serviceLoans } from '../shared/usecases/loans.js';
import { runLocalJob } from './local-job.js';

await runLocalJob('servicing', async (runtime) => {
  const uc = useCaseContext(runtime.deps);
  const { examined, updated } = await serviceLoans(uc);
  return `Loan servicing as of ${uc.clock.today()}: ${examined} active loan(s), ${updated} updated.`;
});
