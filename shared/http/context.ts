import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Hono } from 'hono';
import type { Identity, Principal } from '../auth/principal.js';
import type { IdentityVerifier } from '../auth/verify-token.js';
import type { Clock } from '../domain/clock.js';
import type { ImportRunner } from '../usecases/imports.js';
import type { ObjectStorage } from '../usecases/object-storage.js';
import type { IdentityAdmin } from '../usecases/users.js';
import type { TargetPolicy } from '../webhooks/delivery.js';

/** Everything a request handler needs from the outside world; built once by the composition root. */
export interface PortalDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Who the bearer is: the configured OpenID Connect provider's ID token, verified. */
  verifyIdentity: IdentityVerifier;
  /** Tells the identity provider of invitations and disabled users (deployed with Cognito; absent otherwise). */
  identityAdmin?: IdentityAdmin;
  /** The bucket of uploaded files (documents, imports): S3 deployed, the local S3-compatible server otherwise. */
  storage?: ObjectStorage;
  /** Runs a started import's batches: a Step Functions execution deployed; absent = in this process. */
  importRunner?: ImportRunner;
  /** The one clock: real instants for audit fields, the business date for every rule. */
  clock: Clock;
  newId: () => string;
  /** Called for unexpected faults (5xx); never receives request bodies or tokens. */
  logFault?: (error: unknown, info: { method: string; path: string }) => void;
  /** Called once per request with its outcome. */
  logRequest?: (info: RequestLogEntry) => void;
  /** Webhook targets: public addresses only (the default, deployed), or any (a developer's machine). */
  webhookTargets?: TargetPolicy;
}

export interface RequestLogEntry {
  method: string;
  route: string;
  /** The path as asked, with the ids of the resources it names. */
  path: string;
  status: number;
  role: string | null;
  /** The verified caller (token subject and organisation); never the token itself. */
  sub: string | null;
  org: string | null;
  durationMs: number;
}

/** A caller's `Idempotency-Key`, validated and scoped; the route's use case stores its answer with its write. */
export interface IdempotencyKey {
  tenant: string;
  key: string;
  requestHash: string;
}

export type AppEnv = {
  Variables: {
    /** Set on every authenticated route; on a `signedIn` route only once the directory knows the identity. */
    principal: Principal;
    identity: Identity;
    deps: PortalDeps;
    idempotencyKey: IdempotencyKey | undefined;
    /** When the route's handler began (set only when requests are logged). */
    started: number | undefined;
  };
};
export type PortalApp = Hono<AppEnv>;
