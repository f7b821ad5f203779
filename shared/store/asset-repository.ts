import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Asset, AssetKind } from '../domain/asset.js';
import { conflict, DomainError, preconditionFailed } from '../domain/errors.js';
import { enterpriseKey } from './enterprise-repository.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { portfolioDeltaOfAsset } from './stats-facts.js';
import { CONDITION_FAILED, conditionCancellationReasons } from './store-errors.js';

export const assetKey = (id: string) => ({ pk: `ASSET#${id}`, sk: 'ASSET' });

/** One item per (kind, canonical number): its conditional creation is what makes a number unique portal-wide. */
export const assetNumberKey = (kind: AssetKind, number: string) => ({
  pk: `ASSETNO#${kind}#${number}`,
  sk: 'ASSETNO',
});

/** An enterprise's portfolio on gsi1, sorted by creation time. */
export const ownerAssetsPartition = (uscc: string) => `ENT#${uscc}#ASSETS`;

/** The condition under which an asset may be deleted: no pledge holds it and no active policy covers it. */
export const ASSET_DELETABLE =
  'attribute_not_exists(encumbrance) AND (attribute_not_exists(insuredBy) OR size(insuredBy) = :zero)';

export class AssetRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Asset | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: assetKey(id) }));
    return out.Item ? toResource<Asset>(out.Item) : undefined;
  }

  /**
   * Stores a new asset in one transaction with its number claim and a check that the owner is registered.
   * Concurrent registrations of one number race on the number item; exactly one wins, the rest get 409.
   */
  async create(asset: Asset): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...assetKey(asset.id),
                  entity: 'asset',
                  gsi1pk: ownerAssetsPartition(asset.owner),
                  gsi1sk: `${asset.createdAt}#${asset.id}`,
                  ...asset,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...assetNumberKey(asset.kind, asset.number),
                  entity: 'asset-number',
                  assetId: asset.id,
                  owner: asset.owner,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: enterpriseKey(asset.owner),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            // Portfolio statistics move in the same transaction, so they are exact by construction.
            ...portfolioDeltaOfAsset(asset, 1, this.tableName),
          ],
        }),
      );
    } catch (error) {
      const [assetItem, numberItem, enterprise] = conditionCancellationReasons(error);
      if (enterprise === CONDITION_FAILED)
        throw new DomainError(
          'not_found',
          `Enterprise ${asset.owner} is not registered; register it with PUT /enterprises/${asset.owner} first.`,
        );
      if (numberItem === CONDITION_FAILED)
        throw conflict(
          `The ${asset.kind} number ${asset.number} is already registered in the portal; a number can be held by one enterprise only.`,
        );
      if (assetItem === CONDITION_FAILED) throw conflict('An asset with this id already exists; retry.');
      throw error;
    }
  }

  /** Newest first. */
  async listByOwner(owner: string, page: PageRequest): Promise<Page<Asset>> {
    return queryPage<Asset>({
      db: this.db,
      tableName: this.tableName,
      index: 'gsi1',
      partition: ownerAssetsPartition(owner),
      newestFirst: true,
      page,
    });
  }

  /**
   * Deletes the asset (as read at `asset.version`) and frees its number, in one transaction guarded by
   * `ASSET_DELETABLE`. When the guard fails, the item DynamoDB returns says why: a pledge, a policy, or a
   * concurrent change. `ifMatch` is the caller's If-Match version, if any: a concurrent change is then 412.
   */
  async delete(asset: Asset, ifMatch: number | undefined): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: assetKey(asset.id),
                ConditionExpression: `attribute_exists(pk) AND version = :v AND ${ASSET_DELETABLE}`,
                ExpressionAttributeValues: { ':v': asset.version, ':zero': 0 },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Delete: {
                TableName: this.tableName,
                Key: assetNumberKey(asset.kind, asset.number),
                ConditionExpression: 'assetId = :id',
                ExpressionAttributeValues: { ':id': asset.id },
              },
            },
            ...portfolioDeltaOfAsset(asset, -1, this.tableName),
          ],
        }),
      );
    } catch (error) {
      const [assetReason] = conditionCancellationReasons(error);
      if (assetReason !== CONDITION_FAILED) throw error;
      throw whyNotDeletable(asset, cancelledItem(error, 0), ifMatch);
    }
  }
}

/** The raw (marshalled) item a cancelled transaction returned for `ALL_OLD`, if any. */
function cancelledItem(error: unknown, index: number): Record<string, RawValue> | undefined {
  const reasons = (error as { CancellationReasons?: { Item?: Record<string, RawValue> }[] })
    .CancellationReasons;
  return reasons?.[index]?.Item;
}

interface RawValue {
  S?: string;
  N?: string;
  SS?: string[];
  L?: unknown[];
  M?: Record<string, RawValue>;
}

function whyNotDeletable(
  asset: Asset,
  item: Record<string, RawValue> | undefined,
  ifMatch: number | undefined,
) {
  if (!item) return new DomainError('not_found', `Asset ${asset.id} was not found.`);
  const pledgeId = item.encumbrance?.M?.pledgeId?.S;
  if (item.encumbrance)
    return conflict(
      `The asset is held by pledge ${pledgeId ?? '(unknown)'}; it can be deleted once the pledge is withdrawn, rejected, refused or released.`,
      { pledgeId },
    );
  const policies = item.insuredBy?.SS ?? item.insuredBy?.L ?? [];
  if (policies.length > 0)
    return conflict('The asset is covered by an active policy; it can be deleted once the policy has ended.');
  const currentVersion = Number(item.version?.N);
  if (ifMatch !== undefined) return preconditionFailed(currentVersion);
  return conflict('The asset was changed concurrently; reload and retry.');
}
