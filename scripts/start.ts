/**
 * `npm start`: the portal on http://localhost:${PORT:-3000}, backed by DynamoDB Local persisting under
 * ${DATA_DIR:-.data}, with the stream poller delivering domain events to their consumers. Ctrl-C (SIGINT) or SIGTERM
 * stops the HTTP server, the poller and the DynamoDB Local JVM.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from '../shared/http/app.js';
import { dotSegmentResponse, hasDotSegment } from '../shared/http/raw-path.js';
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import { dataDirFromEnv, openLocalRuntime, startLocalEventDelivery } from '../shared/runtime/local-deps.js';
import { withLocalWeb } from './local-web.js';

// The SDK's "Node 22 needed after 2027" notice is about future SDK releases (Lambda already runs Node
// 22); on a developer's console it would bury the one line that matters.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST?.trim() || 'localhost';
const dataDir = dataDirFromEnv();

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port number (1–65535), got "${process.env.PORT}".`);
  process.exit(1);
}
if (!javaAvailable()) {
  console.error(JAVA_MISSING);
  process.exit(1);
}

const quiet = process.env.LOG_REQUESTS === '0';
const runtime = await openLocalRuntime({
  dataDir,
  logLine: quiet ? undefined : (line) => console.log(line),
});
// The web portal and local sign-in wrap the API app here only; the Lambda app never serves them.
const app = withLocalWeb(await createApp(runtime.deps), runtime.issuer);
const delivery = startLocalEventDelivery(runtime, (line) => console.error(line));

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    server.close();
    (server as Server).closeAllConnections(); // keep-alive sockets would hold close() open
    await delivery.stop();
    await runtime.close();
  }
  process.exit(code);
}

// The path as it arrived, before URL parsing resolves dot segments (see shared/http/raw-path.ts).
const fetchChecked = (request: Request, env: { incoming?: { url?: string } }) =>
  hasDotSegment(env.incoming?.url ?? '') ? dotSegmentResponse() : app.fetch(request, env);
const server = serve({ fetch: fetchChecked as typeof app.fetch, port, hostname: host }, () => {
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  console.log(
    `IP finance portal on ${url} (API reference ${url}/docs, data in ${dataDir}). ` +
      'Get a token: npm run --silent token -- <enterprise|lender|insurer|ipoffice> [org]. Ctrl-C stops.',
  );
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `Port ${port} is already in use; set PORT to another port.`
      : `The HTTP server failed: ${error.message}`,
  );
  void stop(1);
});

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
