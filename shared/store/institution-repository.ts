import type { Institution, InstitutionKind } from '../domain/institution.js';
import { institutionKey, partitions } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import type { Store } from './toolkit.js';
import { VersionedRecords } from './versioned-records.js';

// routes/policies.ts still imports the institution key from here.

/**
 * Banks and insurers: pk `INST#<id>` / sk `INST`; listed by kind on gsi2 `INSTITUTIONS#<kind>` and all together
 * on gsi3 `INSTITUTIONS`, ordered by id.
 */
export class InstitutionRepository extends VersionedRecords<Institution> {
  constructor(store: Store) {
    super(store, {
      entity: 'institution',
      key: (i) => institutionKey(i.id),
      indexKeys: (i) => ({
        gsi2pk: partitions.institutionsOfKind(i.kind),
        gsi2sk: i.id,
        gsi3pk: partitions.institutions,
        gsi3sk: i.id,
      }),
    });
  }

  get = (id: string) => this.read(institutionKey(id));

  list(kind: InstitutionKind | undefined, page: PageRequest): Promise<Page<Institution>> {
    const { db, tableName } = this.store;
    const partition = kind ? partitions.institutionsOfKind(kind) : partitions.institutions;
    return queryPage<Institution>({ db, tableName, index: kind ? 'gsi2' : 'gsi3', partition, page });
  }
}
