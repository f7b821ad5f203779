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
import type { Actor } from '../domain/actor.js';
import type { Asset } from '../domain/asset.js';
import type { LegalEventInput } from '../domain/legal-status.js';
import {
  assetKey,
  assetNumberKey,
  enterpriseKey,
  LEGAL_EVENT_PREFIX,
  legalEventKey,
  partitions,
} from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { portfolioDeltaOfAsset, writeKey } from './stats-facts.js';
import { ABSENT, PRESENT, type Store, type TxItem } from './toolkit.js';

// policy-repository still imports the asset key from here.

/**
 * Creation: `asset` (the id is taken), `number` (another asset holds the number), `owner` (the enterprise is not
 * registered); the counters cannot fail.
 */
export function creationWrites(store: Store, asset: Asset): TxItem[] {
  return [
    { tag: 'asset', write: store.put(assetItem(asset), ABSENT) },
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

/** A legal event as recorded against its right. */
export interface RecordedLegalEvent extends LegalEventInput {
  assetId: string;
  seq: number;
  recordedAt: string;
  recordedBy: Actor;
}

/**
 * Recording a legal event: the event item (`event`: its sequence number was taken), the asset as the event leaves it,
 * written over the version read (`asset`: it changed meanwhile — a pledge filed, another event), and where the event
 * moves the owner or the term, the number claim (`number`), the new owner's existence (`owner`) and the portfolio
 * counters, moved from the old term and owner to the new.
 */
export function legalEventWrites(
  store: Store,
  before: Asset,
  after: Asset,
  event: RecordedLegalEvent,
): TxItem[] {
  const moved = before.owner !== after.owner || before.expiresOn !== after.expiresOn;
  return [
    {
      tag: 'event',
      write: store.put({ ...legalEventKey(before.id, event.seq), entity: 'legal-event', ...event }, ABSENT),
    },
    {
      tag: 'asset',
      write: store.put(
        {
          ...assetKey(after.id),
          entity: 'asset',
          gsi1pk: partitions.ownerAssets(after.owner),
          gsi1sk: `${after.createdAt}#${after.id}`,
          ...after,
        },
        { expression: '#version = :v', names: { '#version': 'version' }, values: { ':v': before.version } },
      ),
    },
    ...(before.owner === after.owner
      ? []
      : [
          {
            tag: 'number',
            write: store.update(assetNumberKey(after.kind, after.number), { set: { owner: after.owner } }),
          },
          { tag: 'owner', write: store.check(enterpriseKey(after.owner), PRESENT) },
        ]),
    ...(moved ? counterMoves(before, after, store.tableName) : []),
  ];
}

/** The asset as `after`, written over the version `before` was read at (`asset`: it changed meanwhile). */
export function assetUpdate(store: Store, before: Asset, after: Asset): TxItem {
  return {
    tag: 'asset',
    write: store.put(assetItem(after), {
      expression: '#version = :v',
      names: { '#version': 'version' },
      values: { ':v': before.version },
    }),
  };
}

/**
 * A revision of the asset's details (title, dates, classes) over the version read (`asset`: it changed meanwhile),
 * the portfolio counters moved when its status or term changed.
 */
export function revisionWrites(store: Store, before: Asset, after: Asset): TxItem[] {
  const moved = before.status !== after.status || before.expiresOn !== after.expiresOn;
  return [assetUpdate(store, before, after), ...(moved ? counterMoves(before, after, store.tableName) : [])];
}

/** The stored item of an asset: its key and its owner's portfolio index entry. */
const assetItem = (asset: Asset) => ({
  ...assetKey(asset.id),
  entity: 'asset',
  gsi1pk: partitions.ownerAssets(asset.owner),
  gsi1sk: `${asset.createdAt}#${asset.id}`,
  ...asset,
});

/** The counters `before` leaves (−1) and `after` joins (+1); a counter both would touch stays as it is. */
function counterMoves(before: Asset, after: Asset, tableName: string): TxItem[] {
  const writes = [
    ...portfolioDeltaOfAsset(before, -1, tableName),
    ...portfolioDeltaOfAsset(after, 1, tableName),
  ];
  const keyOf = writeKey;
  const touches = new Map<string, number>();
  for (const w of writes) touches.set(keyOf(w), (touches.get(keyOf(w)) ?? 0) + 1);
  return writes.filter((w) => touches.get(keyOf(w)) === 1).map((write) => ({ tag: 'counter', write }));
}

export class AssetRepository {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<Asset | undefined> {
    const item = await this.store.get(assetKey(id));
    return item ? toResource<Asset>(item) : undefined;
  }

  /** Several assets by id (one BatchGet, eventually consistent): those found, by id. */
  async getMany(ids: readonly string[]): Promise<Map<string, Asset>> {
    const found = new Map<string, Asset>();
    if (ids.length === 0) return found;
    const items = await this.store.batchGet(ids.map(assetKey), { consistent: false });
    for (const id of ids) {
      const item = items.get(assetKey(id));
      if (item) found.set(id, toResource<Asset>(item));
    }
    return found;
  }

  /** A right's legal events, newest first. */
  legalEvents(assetId: string, page: PageRequest): Promise<Page<RecordedLegalEvent>> {
    return queryPage<RecordedLegalEvent>({
      db: this.store.db,
      tableName: this.store.tableName,
      partition: assetKey(assetId).pk,
      sortPrefix: LEGAL_EVENT_PREFIX,
      newestFirst: true,
      page,
    });
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
