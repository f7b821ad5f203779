/**
 * `npm start`: the portal on http://localhost:${PORT:-3000}, backed by DynamoDB Local persisting under
 * ${DATA_DIR:-.data}, with the stream poller delivering domain events to their consumers. Ctrl-C (SIGINT) or SIGTERM
 * stops the HTTP server, the poller and the DynamoDB Local JVM.
 */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { SYSTEM_ACTOR } from '../shared/domain/actor.js';
import { createApp } from '../shared/http/app.js';
import { dotSegmentResponse, hasDotSegment } from '../shared/http/raw-path.js';
import { JAVA_MISSING, javaAvailable } from '../shared/local/dynamodb-local.js';
import {
  AccountStore,
  createLocalProvider,
  ensureDemoUsers,
  PROVIDER_PATH,
  providerCookieKeys,
} from '../shared/local/identity-provider.js';
import { dataDirFromEnv, openLocalRuntime, startLocalEventDelivery } from '../shared/runtime/local-deps.js';
import { localUserToken } from '../shared/runtime/local-users.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { enrolUser } from '../shared/usecases/users.js';
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
// Where browsers reach this server: the provider's issuer and the portal's redirect URI are built from it.
const listensEverywhere = host === '0.0.0.0' || host === '::';
const origin = (
  process.env.PUBLIC_URL?.trim() ||
  `http://${listensEverywhere ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`
).replace(/\/+$/, '');
const runtime = await openLocalRuntime({
  dataDir,
  providerIssuer: `${origin}${PROVIDER_PATH}`,
  files: { webOrigins: [origin] },
  logLine: quiet ? undefined : (line) => console.log(line),
});
const uc = useCaseContext(runtime.deps);
const accounts = await AccountStore.open(dataDir);
await ensureDemoUsers(accounts, async (user) => {
  await enrolUser(uc, SYSTEM_ACTOR, user);
});
const provider = createLocalProvider({
  origin,
  issuer: runtime.issuer,
  accounts,
  cookieKeys: await providerCookieKeys(dataDir),
  enrolDeveloper: async (role, org) => {
    await localUserToken(runtime.deps, runtime.issuer, role, org, 60);
  },
  ...(process.env.OIDC_TOKEN_TTL_SECONDS
    ? { tokenTtlSeconds: Number(process.env.OIDC_TOKEN_TTL_SECONDS) }
    : {}),
});
// The web portal and the local identity provider wrap the API app here only; the Lambda app never serves them.
const app = withLocalWeb(await createApp(runtime.deps), provider.issuer);
const delivery = startLocalEventDelivery(runtime, (line) => console.error(line));

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    server.close();
    server.closeAllConnections(); // keep-alive sockets would hold close() open
    await delivery.stop();
    await runtime.close();
  }
  process.exit(code);
}

// The path as it arrived, before URL parsing resolves dot segments (see shared/http/raw-path.ts).
const fetchChecked = (request: Request, env: { incoming?: { url?: string } }) =>
  hasDotSegment(env.incoming?.url ?? '') ? dotSegmentResponse() : app.fetch(request, env);
const api = getRequestListener(fetchChecked as typeof app.fetch);
const server = createServer((req, res) =>
  provider.handles(req.url ?? '') ? provider.handle(req, res) : api(req, res),
);
server.listen(port, host, () => {
  console.log(
    `IP finance portal on ${origin} (API reference ${origin}/docs, sign-in at ${provider.issuer}, data in ${dataDir}). ` +
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
