/** `npm run --silent designation-cycle`: the scheduled designation cycle, once, on the local data (see local-job.ts). */
import { runDesignationCycle } from '../shared/jobs/designation-cycle.js';
import { runLocalJob } from './local-job.js';

await runLocalJob('designation cycle', async (runtime) => {
  const { examined, lapsed } = await runDesignationCycle(runtime.deps, runtime.deps.clock);
  return `Designation cycle: ${examined} active title(s), ${lapsed} lapsed now (validUntil passed).`;
});
