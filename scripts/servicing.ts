/**
 * `npm run --silent servicing`: runs the daily loan servicing once against the local portal's data
 * (${DATA_DIR:-.data}), as of the business date (`PORTAL_TODAY`, default today in Asia/Shanghai), exactly as the
 * deployed schedule would. Connects to the DynamoDB Local of a running `npm start`, or starts one on the same files.
 */
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import { dataDirFromEnv, openLocalRuntime } from '../shared/runtime/local-deps.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { serviceLoans } from '../shared/usecases/loans.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (!javaAvailable()) {
  console.error(JAVA_MISSING);
  process.exit(1);
}

let runtime: Awaited<ReturnType<typeof openLocalRuntime>>;
try {
  runtime = await openLocalRuntime({ dataDir: dataDirFromEnv() });
} catch (error) {
  console.error('Could not open the local database:', error instanceof Error ? error.message : error);
  process.exit(1);
}
try {
  const uc = useCaseContext(runtime.deps);
  const { examined, updated } = await serviceLoans(uc);
  console.log(`Loan servicing as of ${uc.clock.today()}: ${examined} active loan(s), ${updated} updated.`);
} catch (error) {
  console.error('The servicing run failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await runtime.close();
}
