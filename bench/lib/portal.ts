import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ephemeralIssuer,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type LocalIssuer,
  localSubject,
} from '../../shared/auth/local-issuer.js';
import type { Role } from '../../shared/auth/principal.js';
import { createIdentityVerifier } from '../../shared/auth/verify-token.js';
import { SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import { systemClock } from '../../shared/domain/clock.js';
import { createApp } from '../../shared/http/app.js';
import type { PortalApp, PortalDeps } from '../../shared/http/context.js';
import { createLocalBucket, type LocalS3, startLocalS3 } from '../../shared/local/s3-server.js';
import { s3Storage } from '../../shared/runtime/s3-storage.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { enrolUser } from '../../shared/usecases/users.js';
import { countingDocumentClient, type DynamoCost } from './counting-client.js';

export type Caller = { role: Role; org?: string | null } | null;

export interface Exchange {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: benchmark scenarios read responses freely
  body: any;
  cost: DynamoCost;
}

/** The real app on a fresh table in DynamoDB Local, with a capacity-counting client and real tokens. */
export interface BenchPortal {
  app: PortalApp;
  deps: PortalDeps;
  issuer: LocalIssuer;
  tableName: string;
  call(
    method: string,
    path: string,
    as: Caller,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Exchange>;
  counter: ReturnType<typeof countingDocumentClient>;
}

/** One local S3 server for the bench process (started on first use); each portal gets a bucket of its own. */
let s3: Promise<LocalS3> | undefined;
const benchS3 = () => {
  s3 ??= mkdtemp(join(tmpdir(), 'bench-s3-')).then((directory) => startLocalS3({ directory }));
  return s3;
};
export async function closeBenchS3(): Promise<void> {
  if (s3) await (await s3).close();
}

export async function benchPortal(
  endpoint: string,
  tableName = `bench-${randomUUID()}`,
): Promise<BenchPortal> {
  const admin = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(admin, tableName);
  admin.destroy();
  const issuer = await ephemeralIssuer();
  const counter = countingDocumentClient(endpoint);
  const { endpoint: s3Endpoint } = await benchS3();
  await createLocalBucket(s3Endpoint, tableName);
  const deps: PortalDeps = {
    db: counter.db,
    tableName,
    verifyIdentity: createIdentityVerifier({
      keys: issuer.keys,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
    }),
    clock: systemClock(),
    newId: () => randomUUID(),
    storage: s3Storage({ bucket: tableName, endpoint: s3Endpoint, scanned: false }),
    logFault: (error, { method, path }) =>
      process.stderr.write(`fault in ${method} ${path}: ${String(error)}\n`),
  };
  const app = await createApp(deps);
  const tokens = new Map<string, string>();
  return {
    app,
    deps,
    issuer,
    tableName,
    counter,
    async call(method, path, as, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (as) {
        const key = `${as.role}:${as.org ?? ''}`;
        if (!tokens.has(key)) {
          const sub = localSubject(as.role, as.org ?? null);
          await enrolUser(useCaseContext(deps), SYSTEM_ACTOR, { sub, role: as.role, org: as.org ?? null });
          tokens.set(key, await issuer.sign({ sub }));
        }
        h.Authorization = `Bearer ${tokens.get(key)}`;
      }
      if (body !== undefined) h['Content-Type'] = 'application/json';
      counter.reset();
      const res = await app.request(path, {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const cost = counter.reset();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // CSV, HTML
      }
      return { status: res.status, body: parsed, cost };
    },
  };
}
