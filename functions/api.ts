import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { builtRouteManifest, createApp } from '../shared/http/app.js';
import { awsDeps, withRequestContext } from '../shared/runtime/aws-deps.js';

/** Lambda entry for the whole HTTP API: API Gateway v2 events → the portal's Hono app. */
const logger = new Logger();
// The bundle routes by the manifest written at build time: each route module loads on its first request.
const app = await createApp(awsDeps({ logger }), await builtRouteManifest());
export const handler = withRequestContext(logger, handle(app));
