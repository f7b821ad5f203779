import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
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
import { createLocalBucket } from '../../shared/local/s3-server.js';
import { s3Storage } from '../../shared/runtime/s3-storage.js';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { enrolUser } from '../../shared/usecases/users.js';

/**
 * A real portal for integration tests: the Hono app on a fresh table in the shared DynamoDB Local,
 * with real RS256 tokens from an in-memory issuer.
 */
export interface TestPortal {
  app: PortalApp;
  deps: PortalDeps;
  issuer: LocalIssuer;
  tableName: string;
  /** A token of the directory user of that role and organisation, enrolled on first use (as `npm run token` does). */
  token(role: Role, org?: string | null): Promise<string>;
  /** A token of someone signed in whom the directory need not know (onboarding, invitations). */
  identityToken(sub: string, email?: string): Promise<string>;
  /** Sends a request as `role`/`org` (or anonymously with `as: null`); JSON bodies are serialised. */
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
}

export interface CallOptions {
  as?: { role: Role; org?: string | null } | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected freely
  body: any;
}

/**
 * `endpoint`: a DynamoDB Local of the test file's own instead of the run's shared one. `now` drives a system clock
 * (business date = its Shanghai day); pass `clock` to pin the business date separately. `stream: true` for a test
 * that polls the table's stream (without, the run's shared DynamoDB Local stays fast: see `ensureTable`).
 */
export async function createTestPortal(
  { now, stream = false, ...overrides }: Partial<PortalDeps> & { now?: () => Date; stream?: boolean } = {},
  endpoint: string = inject('dynamoEndpoint'),
): Promise<TestPortal> {
  const tableName = `test-${randomUUID()}`;
  await ensureTable(
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    tableName,
    { stream },
  );
  const issuer = await ephemeralIssuer();
  const bucket = `test-${randomUUID()}`;
  const s3Endpoint = inject('s3Endpoint');
  await createLocalBucket(s3Endpoint, bucket);
  const deps: PortalDeps = {
    db: localDocumentClient(endpoint),
    tableName,
    verifyIdentity: createIdentityVerifier({
      keys: issuer.keys,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
    }),
    clock: systemClock(now),
    newId: () => randomUUID(),
    storage: s3Storage({ bucket, endpoint: s3Endpoint, scanned: false }),
    ...overrides,
  };
  const app = await createApp(deps);
  const tokens = new Map<string, string>();
  const token = async (role: Role, org: string | null = null) => {
    const cacheKey = `${role}:${org}`;
    let t = tokens.get(cacheKey);
    if (!t) {
      const sub = localSubject(role, org);
      await enrolUser(useCaseContext(deps), SYSTEM_ACTOR, { sub, role, org });
      t = await issuer.sign({ sub });
      tokens.set(cacheKey, t);
    }
    return t;
  };
  return {
    app,
    deps,
    issuer,
    tableName,
    token,
    identityToken: (sub, email) => issuer.sign({ sub, ...(email ? { email } : {}) }),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.as)
        headers.Authorization = `Bearer ${await token(options.as.role, options.as.org ?? null)}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (e.g. the HTML docs page)
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
  };
}
