/** `npm run --silent renewals`: the scheduled renewal offers, once, on the local data (see local-job.ts). */
import { offerRenewals } from '../shared/jobs/renewals.js';
import { runLocalJob } from './local-job.js';

await runLocalJob('renewal offers', async (runtime) => {
  const { examined, offered } = await offerRenewals(runtime.deps, runtime.deps.clock);
  return `Renewal offers: ${examined} active policy(ies) ending within 30 days, ${offered} offered now.`;
});
