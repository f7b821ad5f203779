/** `npm run --silent expire-policies`: the scheduled policy expiry, once, on the local data (see local-job.ts). */
import { expirePolicies } from '../shared/jobs/expire-policies.js';
import { runLocalJob } from './local-job.js';

await runLocalJob('policy expiry', async (runtime) => {
  const { examined, expired } = await expirePolicies(
    { ...runtime.deps, log: (message, details) => console.warn(message, details) },
    runtime.deps.clock,
  );
  return `Policy expiry: ${examined} candidate(s) whose period has ended, ${expired} moved to expired.`;
});
