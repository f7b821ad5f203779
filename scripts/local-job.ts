/**
 * The one way a scheduled job runs by hand (`npm run --silent <job>`): against the local portal's data
 * (${DATA_DIR:-.data}), as of the business date (`PORTAL_TODAY`, default today in Asia/Shanghai), exactly as the
 * deployed schedule would. It connects to the DynamoDB Local of a running `npm start` (recorded in
 * `${DATA_DIR}/dynamodb.json`), or starts one on the same files for the run and stops it afterwards.
 */
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import { dataDirFromEnv, type LocalRuntime, openLocalRuntime } from '../shared/runtime/local-deps.js';

/** Runs `job` and prints the line it returns; a failure is printed and sets a non-zero exit code. */
export async function runLocalJob(
  name: string,
  job: (runtime: LocalRuntime) => Promise<string>,
): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!javaAvailable()) {
    console.error(JAVA_MISSING);
    process.exit(1);
  }
  const dataDir = dataDirFromEnv();
  let runtime: LocalRuntime;
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
    console.log(await job(runtime));
  } catch (error) {
    console.error(`The ${name} run failed:`, error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}
