import type { Enterprise } from '../domain/enterprise.js';
import { enterpriseKey, partitions } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { atVersion, type Store } from './toolkit.js';

/** Enterprises: pk `ENT#<uscc>` / sk `ENT`; the IP office's list on gsi3 `ENTERPRISES`, ordered by USCC. */
export class EnterpriseRepository {
  constructor(private readonly store: Store) {}

  async get(uscc: string): Promise<Enterprise | undefined> {
    const item = await this.store.get(enterpriseKey(uscc));
    return item ? toResource<Enterprise>(item) : undefined;
  }

  /** Writes the enterprise if it is still at `previousVersion` (0: it must not exist yet); else `ConditionsFailed`. */
  save(enterprise: Enterprise, previousVersion: number): Promise<void> {
    const item = {
      ...enterpriseKey(enterprise.uscc),
      entity: 'enterprise',
      gsi3pk: partitions.enterprises,
      gsi3sk: enterprise.uscc,
      ...enterprise,
    };
    return this.store.write({ tag: 'enterprise', write: this.store.put(item, atVersion(previousVersion)) });
  }

  list(page: PageRequest): Promise<Page<Enterprise>> {
    const { db, tableName } = this.store;
    return queryPage<Enterprise>({ db, tableName, index: 'gsi3', partition: partitions.enterprises, page });
  }
}
