import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ephemeralIssuer,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  localSubject,
} from '../../shared/auth/local-issuer.js';
import type { Role } from '../../shared/auth/principal.js';
import { createIdentityVerifier } from '../../shared/auth/verify-token.js';
import { fixedClock } from '../../shared/domain/clock.js';
import { createApp } from '../../shared/http/app.js';
import type { PortalDeps } from '../../shared/http/context.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { rememberCaller } from '../../shared/usecases/users.js';

/**
 * The real app over a mocked DynamoDB document client, for unit tests that assert the exact commands
 * sent and inject faults DynamoDB Local cannot produce (throttling, transaction conflicts).
 */
export async function createMockPortal(now = new Date('2026-11-27T04:00:00Z')) {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const ddb = mockClient(db);
  const issuer = await ephemeralIssuer();
  let seq = 0;
  const deps: PortalDeps = {
    db,
    tableName: 'portal-test',
    verifyIdentity: createIdentityVerifier({
      keys: issuer.keys,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
    }),
    clock: fixedClock(now),
    newId: () => `id-${++seq}`,
  };
  const app = await createApp(deps);
  // A warm instance: the caller's directory entry is remembered, so the commands counted are the request's own.
  const signIn = (role: Role, org: string | null) => {
    const sub = localSubject(role, org);
    rememberCaller(useCaseContext(deps), sub, {
      id: sub,
      status: 'active',
      email: null,
      role,
      org,
      manager: false,
      sub,
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    return issuer.sign({ sub });
  };
  const call = async (
    method: string,
    path: string,
    as: { role: Role; org?: string | null } | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const h: Record<string, string> = { ...headers };
    if (as) h.Authorization = `Bearer ${await signIn(as.role, as.org ?? null)}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await app.request(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return { app, ddb, issuer, call };
}
