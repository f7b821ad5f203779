import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_BUS_ENV } from '../shared/runtime/event-bus.js';
import { streamPublisher } from '../shared/runtime/event-handlers.js';

/** The table stream's event-source mapping (event items only) → PutEvents on the portal's bus. */
const busName = process.env[EVENT_BUS_ENV]?.trim();
if (!busName) throw new Error(`Missing environment variable ${EVENT_BUS_ENV} (set by the CDK stack).`);

export const handler = streamPublisher(new EventBridgeClient({ maxAttempts: 3 }), busName);
