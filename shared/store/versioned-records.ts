import type { Key } from './keys.js';
import { toResource } from './records.js';
import { atVersion, type Item, type Store } from './toolkit.js';

/**
 * Records stored whole and overwritten only at the version that was read (enterprises, institutions): `save`
 * with `previousVersion` 0 creates, and a concurrent writer that got there first makes it `ConditionsFailed`
 * (tag = the entity) instead of a lost update.
 */
export class VersionedRecords<T extends { version: number }> {
  constructor(
    protected readonly store: Store,
    private readonly layout: {
      entity: string;
      key: (r: T) => Key;
      indexKeys: (r: T) => Record<string, string>;
    },
  ) {}

  protected async read(key: Key): Promise<T | undefined> {
    const item = await this.store.get(key);
    return item ? toResource<T>(item) : undefined;
  }

  save(record: T, previousVersion: number): Promise<void> {
    const { entity, key, indexKeys } = this.layout;
    const item: Item = { ...key(record), entity, ...indexKeys(record), ...record };
    return this.store.write({ tag: entity, write: this.store.put(item, atVersion(previousVersion)) });
  }
}
