import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { BUSINESS_METRICS_NAMESPACE, countTransitions } from '../shared/runtime/business-metrics.js';
import { EVENT_BUS_ENV } from '../shared/runtime/event-bus.js';
import { streamPublisher } from '../shared/runtime/event-handlers.js';

/** The table stream's event-source mapping (event items only) → PutEvents on the portal's bus. */
const busName = process.env[EVENT_BUS_ENV]?.trim();
if (!busName) throw new Error(`Missing environment variable ${EVENT_BUS_ENV} (set by the CDK stack).`);

// One business metric per transition kind (shared/runtime/business-metrics.ts).
const metrics = new Metrics({ namespace: BUSINESS_METRICS_NAMESPACE });
const publish = streamPublisher(new EventBridgeClient({ maxAttempts: 3 }), busName, (events) =>
  countTransitions(metrics, events),
);

export const handler = async (batch: DynamoDBStreamEvent) => {
  try {
    return await publish(batch);
  } finally {
    metrics.publishStoredMetrics();
  }
};
