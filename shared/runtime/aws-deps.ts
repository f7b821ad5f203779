import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { createIdentityVerifier } from '../auth/verify-token.js';
import { type Clock, systemClock } from '../domain/clock.js';
import type { PortalDeps } from '../http/context.js';
import { createDocumentClient } from '../store/dynamo-client.js';
import { cognitoIdentityAdmin } from './cognito-admin.js';
import { s3Storage } from './s3-storage.js';
import { stepFunctionsImportRunner } from './step-functions-runner.js';

/** The settings a portal Lambda reads from its environment; the CDK stack sets every one. */
export interface AwsSettings {
  tableName: string;
  /** The OpenID Connect provider's issuer URL (the stack's Cognito user pool, or the city's own provider). */
  issuer: string;
  /** The portal's client id there: the `aud` of the ID tokens the portal accepts. */
  audience: string;
  /** The stack's Cognito user pool, when it has one: invitations create its users. */
  userPoolId?: string;
  /** The bucket of uploaded files (documents, imports). */
  bucket?: string;
  /** The import state machine (infra/import-pipeline.ts): a started import runs as its execution. */
  importStateMachineArn?: string;
  /** Whether GuardDuty Malware Protection for S3 scans that bucket (not in every region, e.g. China's). */
  malwareScan: boolean;
}

const REQUIRED = {
  tableName: 'TABLE_NAME',
  issuer: 'OIDC_ISSUER',
  audience: 'OIDC_CLIENT_ID',
} as const satisfies Record<
  Exclude<keyof AwsSettings, 'userPoolId' | 'bucket' | 'malwareScan' | 'importStateMachineArn'>,
  string
>;

/** The only place that reads the environment; names every missing variable at once. */
export function readAwsSettings(env: NodeJS.ProcessEnv = process.env): AwsSettings {
  const missing = Object.values(REQUIRED).filter((name) => !env[name]?.trim());
  if (missing.length > 0)
    throw new Error(`Missing environment variable(s): ${missing.join(', ')} (set by the CDK stack).`);
  const issuer = env[REQUIRED.issuer]!.trim().replace(/\/+$/, '');
  if (!/^https:\/\/\S+$/.test(issuer))
    throw new Error(`${REQUIRED.issuer} must be an https URL, got "${issuer}".`);
  return {
    tableName: env[REQUIRED.tableName]!.trim(),
    issuer,
    audience: env[REQUIRED.audience]!.trim(),
    ...(env.USER_POOL_ID?.trim() ? { userPoolId: env.USER_POOL_ID.trim() } : {}),
    ...(env.FILES_BUCKET?.trim() ? { bucket: env.FILES_BUCKET.trim() } : {}),
    ...(env.IMPORT_STATE_MACHINE_ARN?.trim()
      ? { importStateMachineArn: env.IMPORT_STATE_MACHINE_ARN.trim() }
      : {}),
    malwareScan: env.MALWARE_SCAN === 'on',
  };
}

export interface AwsDepsOptions {
  settings?: AwsSettings;
  /** Powertools logger; it reads POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL itself. */
  logger?: Logger;
  /** Deployed functions run on the system clock: PORTAL_TODAY is never read here. */
  clock?: Clock;
}

/**
 * The composition root for Lambda: DynamoDB, Cognito's JWKS, the clock, ids and structured logs.
 * Built once per container (module scope), reused by every invocation.
 */
export function awsDeps(options: AwsDepsOptions = {}): PortalDeps {
  const settings = options.settings ?? readAwsSettings();
  const logger = options.logger ?? new Logger();
  return {
    db: createDocumentClient(),
    tableName: settings.tableName,
    verifyIdentity: createIdentityVerifier({
      keys: discoveredKeySet(settings.issuer),
      issuer: settings.issuer,
      audience: settings.audience,
    }),
    ...(settings.userPoolId ? { identityAdmin: cognitoIdentityAdmin(settings.userPoolId) } : {}),
    ...(settings.bucket
      ? { storage: s3Storage({ bucket: settings.bucket, scanned: settings.malwareScan }) }
      : {}),
    ...(settings.importStateMachineArn
      ? { importRunner: stepFunctionsImportRunner(settings.importStateMachineArn) }
      : {}),
    clock: options.clock ?? systemClock(),
    newId: () => randomUUID(),
    ...requestLogging(logger),
  };
}

/**
 * The provider's key set, found through its discovery document on the first token to verify (any OpenID Connect
 * provider publishes `jwks_uri` there; Cognito's is not where other providers keep theirs). jose caches the keys
 * and refetches only for an unknown `kid` (key rotation). Nothing is fetched at import; a failed discovery is
 * retried by the next request.
 */
export function discoveredKeySet(issuer: string, fetcher: typeof fetch = fetch): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async () => {
    const res = await fetcher(`${issuer}/.well-known/openid-configuration`);
    const jwksUri = res.ok ? ((await res.json()) as { jwks_uri?: unknown }).jwks_uri : undefined;
    if (typeof jwksUri !== 'string' || !jwksUri.startsWith('https://'))
      throw new Error(
        `The OpenID Connect provider ${issuer} publishes no https jwks_uri (HTTP ${res.status}).`,
      );
    return createRemoteJWKSet(new URL(jwksUri));
  };
  return async (header, token) => {
    keys ??= discover().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return (await keys)(header, token);
  };
}

/** Log sinks for the app: metadata only — never request bodies, headers or tokens. */
export function requestLogging(logger: Logger): Pick<PortalDeps, 'logFault' | 'logRequest'> {
  return {
    logFault: (error, { method, path }) => logger.error('Unhandled fault', { method, path, error }),
    // Powertools drops null keys, so an unauthenticated request is named explicitly (and the office has no org).
    logRequest: ({ method, route, path, status, role, sub, org, durationMs }) =>
      logger.info('Request handled', {
        method,
        route,
        path,
        status,
        role: role ?? 'anonymous',
        ...(sub === null ? {} : { sub }),
        ...(org === null ? {} : { org }),
        durationMs,
      }),
  };
}

interface ApiEventLike {
  requestContext?: { requestId?: string };
}

interface LambdaContextLike {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string | number;
}

type LambdaHandler = (event: never, context?: never) => Promise<unknown>;

/**
 * Wraps a Lambda handler so each invocation's log lines carry the Lambda request id (via Powertools'
 * context) and the API Gateway request id (`apiRequestId`, the `requestId` of the access log).
 */
export function withRequestContext<H extends LambdaHandler>(logger: Logger, handler: H): H {
  const wrapped = (event: ApiEventLike | undefined, context?: LambdaContextLike) => {
    logger.resetKeys();
    if (context) logger.addContext(context as unknown as Parameters<Logger['addContext']>[0]);
    const apiRequestId = event?.requestContext?.requestId;
    if (apiRequestId) logger.appendKeys({ apiRequestId });
    return handler(event as never, context as never);
  };
  return wrapped as unknown as H;
}
