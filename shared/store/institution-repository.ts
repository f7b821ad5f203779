import type { Institution, InstitutionKind } from '../domain/institution.js';
import { institutionKey, partitions } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { atVersion, type Store } from './toolkit.js';

// routes/policies.ts still imports the institution key from here.
export { institutionKey } from './keys.js';

/**
 * Banks and insurers: pk `INST#<id>` / sk `INST`; listed by kind on gsi2 `INSTITUTIONS#<kind>` and all together on
 * gsi3 `INSTITUTIONS`, ordered by id.
 */
export class InstitutionRepository {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<Institution | undefined> {
    const item = await this.store.get(institutionKey(id));
    return item ? toResource<Institution>(item) : undefined;
  }

  /** Writes the institution if it is still at `previousVersion` (0: it must not exist yet); else `ConditionsFailed`. */
  save(institution: Institution, previousVersion: number): Promise<void> {
    const item = {
      ...institutionKey(institution.id),
      entity: 'institution',
      gsi2pk: partitions.institutionsOfKind(institution.kind),
      gsi2sk: institution.id,
      gsi3pk: partitions.institutions,
      gsi3sk: institution.id,
      ...institution,
    };
    return this.store.write({ tag: 'institution', write: this.store.put(item, atVersion(previousVersion)) });
  }

  list(kind: InstitutionKind | undefined, page: PageRequest): Promise<Page<Institution>> {
    const { db, tableName } = this.store;
    const partition = kind ? partitions.institutionsOfKind(kind) : partitions.institutions;
    return queryPage<Institution>({ db, tableName, index: kind ? 'gsi2' : 'gsi3', partition, page });
  }
}
