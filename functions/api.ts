import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handle } from 'hono/aws-lambda';
import { builtRouteManifest, createApp } from '../shared/http/app.js';
import { DOT_SEGMENT_PROBLEM, hasDotSegment, pathWithinStage } from '../shared/http/raw-path.js';
import { awsDeps, withRequestContext } from '../shared/runtime/aws-deps.js';
import {
  ORIGIN_VERIFY_PROBLEM,
  ORIGIN_VERIFY_SECRET_ENV,
  originVerifier,
} from '../shared/runtime/origin-verify.js';

/** Lambda entry for the whole HTTP API: API Gateway v2 events → the portal's Hono app. */
const logger = new Logger();
// X-Ray (active tracing on the function): each request's DynamoDB and Secrets Manager calls as subsegments.
const tracer = new Tracer();
const deps = awsDeps({ logger });
tracer.captureAWSv3Client(deps.db);
// The bundle routes by the manifest written at build time: each route module loads on its first request.
const app = await createApp(deps, await builtRouteManifest());
const handleApp = handle(app);
interface StageEvent {
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  requestContext?: { stage?: string };
}
// Only requests CloudFront forwarded carry the secret header (shared/runtime/origin-verify.ts).
const secretArn = process.env[ORIGIN_VERIFY_SECRET_ENV];
const secrets = secretArn ? tracer.captureAWSv3Client(new SecretsManagerClient({})) : undefined;
const viaCloudFront = secretArn
  ? originVerifier(async () => {
      const { SecretString } = await secrets!.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (!SecretString) throw new Error('The origin-verify secret has no value.');
      return SecretString;
    })
  : async () => true;
const problem = (body: object, statusCode: number) => ({
  statusCode,
  headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
});
/**
 * The path as API Gateway received it, before URL parsing resolves dot segments (see shared/http/raw-path.ts),
 * and without the stage's prefix.
 */
export const handler = withRequestContext(logger, (async (event: StageEvent, context: unknown) => {
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment('## handler');
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await route(event, context);
  } finally {
    subsegment?.close();
    if (segment) tracer.setSegment(segment);
  }
}) as unknown as typeof handleApp);

async function route(event: StageEvent, context: unknown) {
  if (!(await viaCloudFront(event.headers))) {
    logger.warn('Refused a request that did not come through CloudFront', { path: event.rawPath });
    return problem(ORIGIN_VERIFY_PROBLEM, 403);
  }
  const rawPath = pathWithinStage(event.rawPath ?? '', event.requestContext?.stage);
  return hasDotSegment(rawPath)
    ? problem(DOT_SEGMENT_PROBLEM, 400)
    : handleApp({ ...event, rawPath } as never, context as never);
}
