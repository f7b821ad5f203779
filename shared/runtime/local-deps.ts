import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuer, loadLocalIssuer } from '../auth/local-issuer.js';
import { createIdentityVerifier } from '../auth/verify-token.js';
import { businessDateClock, type Clock, systemClock } from '../domain/clock.js';
import { isValidDate } from '../domain/dates.js';
import type { PortalDeps } from '../http/context.js';
import { openLocalDatabase } from '../local/local-database.js';
import { outboxSender } from '../local/outbox.js';
import { type LocalS3, startLocalS3 } from '../local/s3-server.js';
import { StreamPoller } from '../local/stream-poller.js';
import { localDocumentClient } from '../store/dynamo-client.js';
import { ensureTable } from '../store/ensure-table.js';
import { Store } from '../store/toolkit.js';
import { deliver } from '../usecases/consumers/consumer.js';
import { CONSUMERS } from '../usecases/consumers/index.js';
import { useCaseContext } from '../usecases/context.js';
import { mailNotifications } from '../usecases/email.js';
import { indexChanges } from '../usecases/search.js';
import { localWebhookDispatcher } from '../webhooks/local-dispatcher.js';
import { s3Storage } from './s3-storage.js';

/**
 * Composition root for the local portal (`npm start`) and local jobs (`npm run stats`): DynamoDB Local
 * persisting under DATA_DIR, the table built from the shared schema, and the local token issuer.
 */
export const LOCAL_TABLE_NAME = 'ip-finance-portal';
export const LOCAL_BUCKET = 'ip-finance-portal-files';
export const DEFAULT_DATA_DIR = '.data';

export const dataDirFromEnv = (env: NodeJS.ProcessEnv = process.env): string =>
  env.DATA_DIR?.trim() || DEFAULT_DATA_DIR;

/**
 * The local clock: `PORTAL_TODAY=YYYY-MM-DD` pins the business date (catch-up runs, demos, tests of a future
 * date); instants stay real. Only local entry points read it — the deployed functions use the system clock.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const pinned = env.PORTAL_TODAY?.trim();
  if (!pinned) return systemClock();
  if (!isValidDate(pinned))
    throw new Error(`PORTAL_TODAY must be a calendar date YYYY-MM-DD, got "${pinned}".`);
  return businessDateClock(pinned);
}

export interface LocalRuntime {
  deps: PortalDeps;
  issuer: LocalIssuer;
  endpoint: string;
  /** Where the data, the keys and the mail outbox live. */
  dataDir: string;
  /** Stops DynamoDB Local if this process started it, and the local S3 server if it started one. */
  close(): Promise<void>;
}

export interface LocalRuntimeOptions {
  dataDir: string;
  /** Default: from PORTAL_TODAY. */
  clock?: Clock;
  /** One line per request; default: none. */
  logLine?: (line: string) => void;
  /** The local OpenID Connect provider's issuer URL (`npm start`), trusted beside the token script's issuer. */
  providerIssuer?: string;
  /**
   * Uploaded files (documents, imports) in a local S3-compatible server under `${dataDir}/s3`, for the portal and the
   * in-process seed; `webOrigins` are the pages allowed to upload and download (CORS). Default: none — the token
   * script and the jobs never touch files.
   */
  files?: { webOrigins?: readonly string[] };
}

export async function openLocalRuntime({
  dataDir,
  logLine,
  providerIssuer,
  files,
  clock = clockFromEnv(),
}: LocalRuntimeOptions): Promise<LocalRuntime> {
  const database = await openLocalDatabase(dataDir, LOCAL_TABLE_NAME);
  let s3: LocalS3 | undefined;
  try {
    if (files)
      s3 = await startLocalS3({
        directory: join(dataDir, 's3'),
        buckets: [LOCAL_BUCKET],
        ...(files.webOrigins ? { origins: files.webOrigins } : {}),
      });
    const admin = new DynamoDBClient({
      endpoint: database.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(admin, LOCAL_TABLE_NAME);
    admin.destroy();
    const issuer = await loadLocalIssuer(dataDir);
    const db = localDocumentClient(database.endpoint);
    const deps = {
      ...createLocalDeps({ db, issuer, logLine, clock, providerIssuer }),
      ...(s3 ? { storage: s3Storage({ bucket: LOCAL_BUCKET, endpoint: s3.endpoint, scanned: false }) } : {}),
    };
    return {
      deps,
      issuer,
      endpoint: database.endpoint,
      dataDir,
      async close() {
        db.destroy();
        await Promise.all([database.close(), s3?.close()]);
      },
    };
  } catch (error) {
    await Promise.all([database.close(), s3?.close()]);
    throw error;
  }
}

export function createLocalDeps(options: {
  db: PortalDeps['db'];
  issuer: LocalIssuer;
  logLine?: ((line: string) => void) | undefined;
  clock?: Clock;
  providerIssuer?: string | undefined;
}): PortalDeps {
  const { db, issuer, logLine, providerIssuer, clock = clockFromEnv() } = options;
  return {
    db,
    tableName: LOCAL_TABLE_NAME,
    verifyIdentity: createIdentityVerifier({
      keys: issuer.keys,
      issuer: providerIssuer ? [providerIssuer, LOCAL_ISSUER] : LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
    }),
    clock,
    newId: () => randomUUID(),
    // A local developer's console: the stack helps here; it never reaches a response body.
    logFault: (error, { method, path }) => console.error(`fault in ${method} ${path}:`, error),
    logRequest: logLine
      ? (r) =>
          logLine(
            `${r.method} ${r.path} ${r.status} ${r.durationMs}ms ${r.role ?? 'anonymous'}${r.org ? ` ${r.org}` : ''}`,
          )
      : undefined,
    // A developer's receiver runs on this machine (localhost); deployed, only public addresses are reached.
    webhookTargets: 'any',
  };
}

/**
 * `npm start`'s event delivery: the stream poller handing every event to every consumer, to the webhooks and to the
 * mail outbox (`${DATA_DIR}/outbox.jsonl`, SES's stand-in), as the bus does when deployed.
 * From the oldest retained record: events written while the portal was stopped (the seed, say) are delivered too, and
 * those already consumed are skipped by their markers.
 */
export function startLocalEventDelivery(runtime: LocalRuntime, log?: (line: string) => void): StreamPoller {
  const store = new Store(runtime.deps.db, runtime.deps.tableName);
  const uc = useCaseContext(runtime.deps);
  const webhooks = localWebhookDispatcher(uc, runtime.deps.webhookTargets ?? 'public-only');
  const mail = outboxSender(runtime.dataDir);
  return new StreamPoller({
    endpoint: runtime.endpoint,
    tableName: runtime.deps.tableName,
    from: 'TRIM_HORIZON',
    onEvent: async (event) => {
      await deliver(store, CONSUMERS, event);
      await webhooks.dispatch(event);
      await mailNotifications(uc, event, mail);
    },
    // The search index follows the changes of enterprises, rights and pledges (deployed: its own stream mapping).
    onChange: (record) => indexChanges(store, [record]),
    log,
  }).start();
}
