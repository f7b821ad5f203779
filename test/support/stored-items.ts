import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { assetKey } from '../../shared/store/keys.js';
import { toResource } from '../../shared/store/records.js';
import { Store } from '../../shared/store/toolkit.js';
import type { TestPortal } from './portal.js';

/**
 * Reads and edits of stored items behind the API's back: to see what a use case wrote, or to make the state a
 * concurrent request (or older data) would have left.
 */
export const storedItem = async (portal: TestPortal, pk: string, sk: string) =>
  (
    await portal.deps.db.send(
      new GetCommand({ TableName: portal.tableName, Key: { pk, sk }, ConsistentRead: true }),
    )
  ).Item;

/** Every item of partition `pk` (whose sort key starts with `prefix`), keys included, strongly consistent. */
export const storedPartition = (portal: TestPortal, pk: string, prefix?: string) =>
  new Store(portal.deps.db, portal.tableName).queryPartition(pk, prefix);

export const storedEvents = async (portal: TestPortal, pk: string): Promise<DomainEvent[]> =>
  (await storedPartition(portal, pk, 'EVENT#')).map((i) => toResource<DomainEvent>(i));

export const setOnAsset = (portal: TestPortal, id: string, update: string, values: Record<string, unknown>) =>
  portal.deps.db.send(
    new UpdateCommand({
      TableName: portal.tableName,
      Key: assetKey(id),
      UpdateExpression: update,
      ExpressionAttributeValues: values,
    }),
  );

/** Another write of the asset (its version moves on, nothing else changes). */
export const bumpAssetVersion = (portal: TestPortal, id: string) =>
  setOnAsset(portal, id, 'SET version = version + :one', { ':one': 1 });
