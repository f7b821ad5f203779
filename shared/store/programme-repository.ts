import type { Programme } from '../domain/programme.js';
import { programmeKey } from './keys.js';
import type { Store } from './toolkit.js';
import { VersionedRecords } from './versioned-records.js';

/** The city programmes' settings, each one item overwritten only at the version that was read. */
export class ProgrammeRepository<T extends Programme> extends VersionedRecords<T> {
  constructor(store: Store) {
    super(store, { entity: 'programme', key: (p) => programmeKey(p.id), indexKeys: () => ({}) });
  }

  get = (id: T['id']) => this.read(programmeKey(id));
}
