/**
 * Assets in the single table.
 *
 * Items
 * - Asset         pk `ASSET#<id>`                sk `ASSET`    entity 'asset'; gsi1 `ENT#<uscc>#ASSETS` / `<createdAt>#<id>`
 * - Number claim  pk `ASSETNO#<kind>#<number>`   sk `ASSETNO`  entity 'asset-number' { assetId, owner }: its
 *   conditional creation is what makes a number unique portal-wide.
 * Both, the owner check and the portfolio counters (stats-facts.ts) are written in ONE transaction; each write
 * below carries the tag that names what its condition failing means.
 */
import type { Asset } from '../domain/asset.js';
import { assetKey, assetNumberKey, enterpriseKey, partitions } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { portfolioDeltaOfAsset } from './stats-facts.js';
import { ABSENT, PRESENT, type Store, type TxItem } from './toolkit.js';

// policy-repository still imports the asset key from here.

/**
 * Creation: `asset` (the id is taken), `number` (another asset holds the number), `owner` (the enterprise is not
 * registered); the counters cannot fail.
 */
export function creationWrites(store: Store, asset: Asset): TxItem[] {
  return [
    {
      tag: 'asset',
      write: store.put(
        {
          ...assetKey(asset.id),
          entity: 'asset',
          gsi1pk: partitions.ownerAssets(asset.owner),
          gsi1sk: `${asset.createdAt}#${asset.id}`,
          ...asset,
        },
        ABSENT,
      ),
    },
    {
      tag: 'number',
      write: store.put(
        {
          ...assetNumberKey(asset.kind, asset.number),
          entity: 'asset-number',
          assetId: asset.id,
          owner: asset.owner,
        },
        ABSENT,
      ),
    },
    { tag: 'owner', write: store.check(enterpriseKey(asset.owner), PRESENT) },
    ...portfolioDeltaOfAsset(asset, 1, store.tableName).map((write) => ({ tag: 'counter', write })),
  ];
}

/**
 * Deletion of the asset as read at `asset.version`, only while no pledge holds it and no active policy covers it
 * (`asset`, with the item as it is: it says which), freeing its number (`number`: the claim is another asset's).
 */
export function deletionWrites(store: Store, asset: Asset): TxItem[] {
  return [
    {
      tag: 'asset',
      write: store.remove(
        assetKey(asset.id),
        {
          expression:
            'attribute_exists(pk) AND #version = :v AND attribute_not_exists(encumbrance) AND ' +
            '(attribute_not_exists(insuredBy) OR size(insuredBy) = :zero)',
          names: { '#version': 'version' },
          values: { ':v': asset.version, ':zero': 0 },
        },
        { returnOld: true },
      ),
    },
    {
      tag: 'number',
      write: store.remove(assetNumberKey(asset.kind, asset.number), {
        expression: 'assetId = :id',
        values: { ':id': asset.id },
      }),
    },
    ...portfolioDeltaOfAsset(asset, -1, store.tableName).map((write) => ({ tag: 'counter', write })),
  ];
}

export class AssetRepository {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<Asset | undefined> {
    const item = await this.store.get(assetKey(id));
    return item ? toResource<Asset>(item) : undefined;
  }

  /** An enterprise's portfolio, newest first. */
  listByOwner(owner: string, page: PageRequest): Promise<Page<Asset>> {
    return queryPage<Asset>({
      db: this.store.db,
      tableName: this.store.tableName,
      index: 'gsi1',
      partition: partitions.ownerAssets(owner),
      newestFirst: true,
      page,
    });
  }
}
