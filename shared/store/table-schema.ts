/**
 * The single DynamoDB table's key schema, declared once. The CDK stack, the local server and the
 * integration tests all build the table from this definition, so they cannot drift apart.
 *
 * Keys are generic strings; each entity's key layout lives in `store/keys.ts`.
 */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

/**
 * The table's stream, which delivers every domain event to the consumers (Lambda event-source mapping deployed, the
 * stream poller locally). New and old images: consumers read only the new image of an event item, but the view type
 * of a deployed stream cannot change without replacing the stream (and every reader's position in it).
 */
export const STREAM_VIEW = 'NEW_AND_OLD_IMAGES' as const;

/** Attribute DynamoDB's TTL deletes on (epoch seconds); used by idempotency records and consumed markers. */
export const TTL_ATTRIBUTE = 'ttl';

export interface IndexDefinition {
  name: string;
  partition: string;
  sort: string;
}

/** Global secondary indexes, all projecting every attribute. */
export const GLOBAL_INDEXES: readonly IndexDefinition[] = [
  // Owner listings: an enterprise's assets, pledges, policies (newest first by sort key).
  { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk' },
  // Counterparty queues: a lender's or insurer's work by status; institutions by kind.
  { name: 'gsi2', partition: 'gsi2pk', sort: 'gsi2sk' },
  // Office-wide views: everything of one kind for the IP office, optionally by status.
  { name: 'gsi3', partition: 'gsi3pk', sort: 'gsi3sk' },
];

export type IndexName = 'gsi1' | 'gsi2' | 'gsi3';
