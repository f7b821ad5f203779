/**
 * `npm run --silent monitor`: runs the daily collateral monitor once against the local portal's data
 * (${DATA_DIR:-.data}), as of the business date (`PORTAL_TODAY`, default today in Asia/Shanghai), exactly as the
 * deployed schedule would. Connects to the DynamoDB Local of a running `npm start`, or starts one on the same files.
 */
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import { dataDirFromEnv, openLocalRuntime } from '../shared/runtime/local-deps.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { runCollateralMonitor } from '../shared/usecases/monitor.js';

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
  const { watched, raised, changed } = await runCollateralMonitor(uc);
  console.log(
    `Collateral monitor as of ${uc.clock.today()}: ${watched} right(s) watched, ${raised} alert(s) raised, ${changed} watch(es) changed.`,
  );
} catch (error) {
  console.error('The monitor run failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await runtime.close();
}
