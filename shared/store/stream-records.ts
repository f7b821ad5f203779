import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DomainEvent } from '../domain/domain-event.js';
import { EVENT_ENTITY } from './keys.js';
import { toResource } from './records.js';

/** A stream record's image in DynamoDB JSON, as both the Streams API and Lambda's stream events carry it. */
export type StreamImage = Record<string, unknown>;

/**
 * The domain event a stream record inserted, or undefined for any other change to the table. Event items are only
 * ever inserted (conditionally, once), so an INSERT of an event item is the one record to deliver.
 */
export function eventOfRecord(record: { eventName?: string; dynamodb?: { NewImage?: StreamImage } }) {
  const image = record.dynamodb?.NewImage as { entity?: { S?: string } } | undefined;
  if (record.eventName !== 'INSERT' || image?.entity?.S !== EVENT_ENTITY) return undefined;
  return toResource<DomainEvent>(unmarshall(image as Parameters<typeof unmarshall>[0]));
}
