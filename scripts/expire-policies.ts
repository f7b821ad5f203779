/**
 * `npm run --silent expire-policies`: runs the scheduled policy expiry once, now, against the local portal's data
 * (${DATA_DIR:-.data}), exactly as the deployed schedule would. It talks to the portal's DynamoDB Local: when
 * `npm start` is running it connects to that instance (recorded in `${DATA_DIR}/dynamodb.json`), otherwise it
 * starts DynamoDB Local on the same files (`${DATA_DIR}/dynamodb`) for the run and stops it afterwards.
 */
import { expirePolicies } from '../shared/jobs/expire-policies.js';
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import { dataDirFromEnv, openLocalRuntime } from '../shared/runtime/local-deps.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (!javaAvailable()) {
  console.error(JAVA_MISSING);
  process.exit(1);
}

const dataDir = dataDirFromEnv();
let runtime: Awaited<ReturnType<typeof openLocalRuntime>>;
try {
  runtime = await openLocalRuntime({ dataDir });
} catch (error) {
  console.error(
    `Could not open the local database under ${dataDir}: ${error instanceof Error ? error.message : error}\n` +
      'If another process holds those DynamoDB Local files, start the portal with `npm start` (this job then ' +
      'connects to it) or stop the other process.',
  );
  process.exit(1);
}
try {
  const { examined, expired } = await expirePolicies(
    { ...runtime.deps, log: (message, details) => console.warn(message, details) },
    runtime.deps.clock,
  );
  console.log(`Policy expiry: ${examined} candidate(s) whose period has ended, ${expired} moved to expired.`);
} catch (error) {
  console.error('The policy expiry run failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await runtime.close();
}
