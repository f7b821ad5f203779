/**
 * The collateral monitor's memory: one item per watched right and the pledge or policy that watches it, in the
 * watcher's partition — `WATCH#lender:<id>` or `WATCH#insurer:<id>`, sort key `<kind>#<subject id>#<asset id>` —
 * with the alerts open after the last run and every alert ever raised. While a pledge's right has open alerts the
 * item is in the lender's (gsi2) and the office's (gsi3) collateral-watch lists; otherwise in neither.
 */
import type { OpenAlert } from '../domain/collateral-monitor.js';
import type { LegalStatus } from '../domain/legal-status.js';
import type { Key } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import type { Store, TxItem } from './toolkit.js';

export interface Watch {
  /** `lender:<id>` or `insurer:<id>`. */
  scope: string;
  subject: { kind: 'pledge' | 'policy'; id: string };
  asset: { id: string; kind: string; number: string; legalStatus: LegalStatus };
  owner: string;
  open: OpenAlert[];
  raised: string[];
  version: number;
}

const OFFICE_WATCH = 'COLLATERAL_WATCH';
export const watchKey = (w: Pick<Watch, 'scope' | 'subject'> & { assetId: string }): Key => ({
  pk: `WATCH#${w.scope}`,
  sk: `${w.subject.kind}#${w.subject.id}#${w.assetId}`,
});

export class WatchRepository {
  constructor(private readonly store: Store) {}

  /** The watch after a run, over the version read (0: new); listed only while it has open alerts. */
  save(watch: Watch, readVersion: number): TxItem {
    const key = watchKey({ ...watch, assetId: watch.asset.id });
    const listed =
      watch.open.length > 0 && watch.subject.kind === 'pledge'
        ? {
            gsi2pk: key.pk,
            gsi2sk: `${watch.asset.id}#${watch.subject.id}`,
            gsi3pk: OFFICE_WATCH,
            gsi3sk: `${watch.asset.id}#${watch.subject.id}`,
          }
        : {};
    return {
      tag: 'watch',
      write: this.store.put(
        { ...key, entity: 'collateral-watch', ...watch, ...listed },
        readVersion === 0
          ? { expression: 'attribute_not_exists(pk)' }
          : { expression: '#version = :v', names: { '#version': 'version' }, values: { ':v': readVersion } },
      ),
    };
  }

  /** The rights with open alerts a lender watches (or, `undefined`, every lender: the office). */
  list(lenderId: string | undefined, page: PageRequest): Promise<Page<Watch>> {
    return queryPage<Watch>({
      db: this.store.db,
      tableName: this.store.tableName,
      ...(lenderId === undefined
        ? { index: 'gsi3' as const, partition: OFFICE_WATCH }
        : { index: 'gsi2' as const, partition: `WATCH#lender:${lenderId}` }),
      page,
    });
  }
}
