/**
 * `npm run --silent stats`: runs the scheduled statistics job once, now, against the local portal's data
 * (${DATA_DIR:-.data}) — connecting to the DynamoDB Local of a running `npm start`, or starting one on the same
 * files when the portal is not running — and prints the snapshot's date and headline figures.
 */

import { formatYuan } from '../shared/domain/money.js';
import { computeStats } from '../shared/jobs/compute-stats.js';
import { runLocalJob } from './local-job.js';

await runLocalJob('statistics', async (runtime) => {
  const s = await computeStats(runtime.deps, runtime.deps.clock);
  const f = s.financing;
  const i = s.insurance;
  const p = s.portfolio;
  return [
    `Statistics snapshot ${s.date} (year ${s.year}, as of ${s.asOf})`,
    `  pledge financing: ${f.registeredCount} registered, ${formatYuan(f.registeredAmountFen)} yuan, ${f.enterprisesFinanced} enterprises; outstanding ${formatYuan(f.outstandingAmountFen)} yuan`,
    `  loan book: principal ${formatYuan(f.outstandingPrincipalFen)} yuan, overdue ${formatYuan(f.overdueAmountFen)} yuan, non-performing ${formatYuan(f.nonPerformingAmountFen)} yuan`,
    `  insurance: ${i.policiesIssued} policies, ${i.insuredEnterprises} insured enterprises, sum insured ${formatYuan(i.sumInsuredFen)} yuan, premium ${formatYuan(i.premiumFen)} yuan, claims paid ${formatYuan(i.claimsPaidFen)} yuan`,
    `  portfolio: patents in force ${p.patentsInForce.invention} invention / ${p.patentsInForce.utility_model} utility model / ${p.patentsInForce.design} design, ${p.trademarksInForce} trademarks; granted this year ${p.patentsGrantedThisYear} patents, ${p.trademarksRegisteredThisYear} trademarks`,
    `  designations: ${Object.entries(s.designations)
      .map(([level, n]) => `${level} ${n}`)
      .join(', ')}`,
  ].join('\n');
});
