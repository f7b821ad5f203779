/**
 * Ownership cases: a second enterprise claimed a number another holds, and the IP office decides whose it is.
 *   case        pk `CASE#<id>`                                   sk `CASE`   gsi3 `OWNERSHIP_CASES` / `<status>#<openedAt>#<id>`,
 *                                                                            gsi1 `ENT#<claimant>#CASES` / `<openedAt>#<id>`
 *   one claim   pk `CASECLAIM#<kind>#<number>#<claimant>`        sk `CASECLAIM`  { caseId }: a repeated claim finds its case
 */
import type { OwnershipCase } from '../domain/ownership-case.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { ABSENT, ConditionsFailed, type Store, type TxItem } from './toolkit.js';

const caseKey = (id: string) => ({ pk: `CASE#${id}`, sk: 'CASE' });
const claimKey = (c: Pick<OwnershipCase, 'kind' | 'number' | 'claimant'>) => ({
  pk: `CASECLAIM#${c.kind}#${c.number}#${c.claimant}`,
  sk: 'CASECLAIM',
});
const indexKeys = (c: OwnershipCase) => ({
  gsi3pk: 'OWNERSHIP_CASES',
  gsi3sk: `${c.status}#${c.openedAt}#${c.id}`,
  gsi1pk: `ENT#${c.claimant}#CASES`,
  gsi1sk: `${c.openedAt}#${c.id}`,
});

export class OwnershipCaseRepository {
  constructor(private readonly store: Store) {}

  /** Opens the case, or answers the one this claimant already opened for this number. */
  async open(c: OwnershipCase): Promise<OwnershipCase> {
    try {
      await this.store.transact([
        {
          tag: 'claim',
          write: this.store.put({ ...claimKey(c), entity: 'case-claim', caseId: c.id }, ABSENT),
        },
        {
          tag: 'case',
          write: this.store.put(
            { ...caseKey(c.id), entity: 'ownership-case', ...c, ...indexKeys(c) },
            ABSENT,
          ),
        },
      ]);
      return c;
    } catch (error) {
      if (!(error instanceof ConditionsFailed && error.has('claim'))) throw error;
      const claim = await this.store.get(claimKey(c));
      return (await this.get(String(claim?.caseId)))!;
    }
  }

  async get(id: string): Promise<OwnershipCase | undefined> {
    const item = await this.store.get(caseKey(id));
    return item ? toResource<OwnershipCase>(item) : undefined;
  }

  /** The decision, over the case still open (`case`: it was decided meanwhile). */
  decide(before: OwnershipCase, after: OwnershipCase): TxItem {
    return {
      tag: 'case',
      write: this.store.put(
        { ...caseKey(after.id), entity: 'ownership-case', ...after, ...indexKeys(after) },
        { expression: '#status = :open', names: { '#status': 'status' }, values: { ':open': before.status } },
      ),
    };
  }

  list(
    scope: { claimant: string } | 'office',
    status: string | undefined,
    page: PageRequest,
  ): Promise<Page<OwnershipCase>> {
    return queryPage<OwnershipCase>({
      db: this.store.db,
      tableName: this.store.tableName,
      ...(scope === 'office'
        ? {
            index: 'gsi3' as const,
            partition: 'OWNERSHIP_CASES',
            ...(status ? { sortPrefix: `${status}#` } : {}),
          }
        : { index: 'gsi1' as const, partition: `ENT#${scope.claimant}#CASES` }),
      newestFirst: true,
      page,
    });
  }
}
