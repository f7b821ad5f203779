import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { builtRouteManifest, createApp } from '../shared/http/app.js';
import { DOT_SEGMENT_PROBLEM, hasDotSegment, pathWithinStage } from '../shared/http/raw-path.js';
import { awsDeps, withRequestContext } from '../shared/runtime/aws-deps.js';

/** Lambda entry for the whole HTTP API: API Gateway v2 events → the portal's Hono app. */
const logger = new Logger();
// The bundle routes by the manifest written at build time: each route module loads on its first request.
const app = await createApp(awsDeps({ logger }), await builtRouteManifest());
const handleApp = handle(app);
interface StageEvent {
  rawPath?: string;
  requestContext?: { stage?: string };
}
/**
 * The path as API Gateway received it, before URL parsing resolves dot segments (see shared/http/raw-path.ts),
 * and without the stage's prefix.
 */
export const handler = withRequestContext(logger, (async (event: StageEvent, context: unknown) => {
  const rawPath = pathWithinStage(event.rawPath ?? '', event.requestContext?.stage);
  return hasDotSegment(rawPath)
    ? {
        statusCode: 400,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify(DOT_SEGMENT_PROBLEM),
        isBase64Encoded: false,
      }
    : handleApp({ ...event, rawPath } as never, context as never);
}) as unknown as typeof handleApp);
