import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DomainEvent } from '../domain/domain-event.js';
import type { SearchRef } from '../domain/search.js';
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

/** The sort keys of the items the search index follows, and the kind each is indexed as. */
export const SEARCHED_ITEMS = { ENT: 'enterprise', ASSET: 'asset', PLEDGE: 'pledge' } as const;

/**
 * The record a stream record changed, when search indexes it (an enterprise, a right or a pledge, inserted, modified
 * or removed): its keys say which, `ENT#<uscc>`/`ENT`, `ASSET#<id>`/`ASSET`, `PLEDGE#<id>`/`PLEDGE`.
 */
export function searchRefOfRecord(record: {
  dynamodb?: { Keys?: Record<string, unknown> };
}): SearchRef | undefined {
  const keys = record.dynamodb?.Keys as { pk?: { S?: string }; sk?: { S?: string } } | undefined;
  const pk = keys?.pk?.S;
  const sk = keys?.sk?.S;
  if (!pk || !sk || !(sk in SEARCHED_ITEMS) || !pk.startsWith(`${sk}#`)) return undefined;
  return { kind: SEARCHED_ITEMS[sk as keyof typeof SEARCHED_ITEMS], id: pk.slice(sk.length + 1) };
}
