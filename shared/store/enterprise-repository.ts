import type { Enterprise } from '../domain/enterprise.js';
import { enterpriseKey, partitions } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import type { Store } from './toolkit.js';
import { VersionedRecords } from './versioned-records.js';

/** Enterprises: pk `ENT#<uscc>` / sk `ENT`; the IP office's list on gsi3 `ENTERPRISES`, ordered by USCC. */
export class EnterpriseRepository extends VersionedRecords<Enterprise> {
  constructor(store: Store) {
    super(store, {
      entity: 'enterprise',
      key: (e) => enterpriseKey(e.uscc),
      indexKeys: (e) => ({ gsi3pk: partitions.enterprises, gsi3sk: e.uscc }),
    });
  }

  get = (uscc: string) => this.read(enterpriseKey(uscc));

  list(page: PageRequest): Promise<Page<Enterprise>> {
    const { db, tableName } = this.store;
    return queryPage<Enterprise>({ db, tableName, index: 'gsi3', partition: partitions.enterprises, page });
  }
}
