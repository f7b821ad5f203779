import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { createApp } from '../shared/http/app.js';
import { awsDeps, withRequestContext } from '../shared/runtime/aws-deps.js';

/** Lambda entry for the whole HTTP API: API Gateway v2 events → the portal's Hono app. */
const logger = new Logger();
export const handler = withRequestContext(logger, handle(createApp(awsDeps({ logger }))));
