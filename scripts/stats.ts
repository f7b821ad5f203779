/**
 * `npm run --silent stats`: runs the scheduled statistics job once, now, against the local portal's data
 * (${DATA_DIR:-.data}) — connecting to the DynamoDB Local of a running `npm start`, or starting one on the same
 * files when the portal is not running — and prints the snapshot's date and headline figures.
 */

import { formatYuan } from '../shared/domain/money.js';
import { computeStats } from '../shared/jobs/compute-stats.js';
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import { dataDirFromEnv, openLocalRuntime } from '../shared/runtime/local-deps.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (!javaAvailable()) {
  console.error(JAVA_MISSING);
  process.exit(1);
}

const runtime = await openLocalRuntime({ dataDir: dataDirFromEnv() });
try {
  const s = await computeStats(runtime.deps, runtime.deps.clock);
  const f = s.financing;
  const i = s.insurance;
  const p = s.portfolio;
  const lines = [
    `Statistics snapshot ${s.date} (year ${s.year}, as of ${s.asOf})`,
    `  pledge financing: ${f.registeredCount} registered, ${formatYuan(f.registeredAmountFen)} yuan, ${f.enterprisesFinanced} enterprises; outstanding ${formatYuan(f.outstandingAmountFen)} yuan`,
    `  insurance: ${i.policiesIssued} policies, ${i.insuredEnterprises} insured enterprises, sum insured ${formatYuan(i.sumInsuredFen)} yuan, premium ${formatYuan(i.premiumFen)} yuan, claims paid ${formatYuan(i.claimsPaidFen)} yuan`,
    `  portfolio: patents in force ${p.patentsInForce.invention} invention / ${p.patentsInForce.utility_model} utility model / ${p.patentsInForce.design} design, ${p.trademarksInForce} trademarks; granted this year ${p.patentsGrantedThisYear} patents, ${p.trademarksRegisteredThisYear} trademarks`,
    `  designations: ${Object.entries(s.designations)
      .map(([level, n]) => `${level} ${n}`)
      .join(', ')}`,
  ];
  console.log(lines.join('\n'));
} catch (error) {
  console.error('The statistics run failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await runtime.close();
}
