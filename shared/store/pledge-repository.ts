/**
 * Pledges in the single table.
 *
 * Items (partition `PLEDGE#<id>`):
 *   sk `PLEDGE`                 the pledge (entity 'pledge'), updated only by conditional transitions
 *   sk `EVENT#<version>`        one domain event per transition (entity 'domain-event', see keys.ts), written by
 *                               the transition engine; one Query on the partition reads the pledge with its history.
 *
 * Index keys of the pledge item (each GSI used once per item; events carry no index keys):
 *   gsi1  `ENT#<uscc>#PLEDGES`      / `<createdAt>#<id>`           an enterprise's pledges, newest first; a status
 *                                                                  filter is a FilterExpression (an enterprise has
 *                                                                  few pledges; a page may come back short, with a
 *                                                                  cursor to continue)
 *   gsi2  `LENDER#<id>#PLEDGES`     / `<status>#<createdAt>#<id>`  a lender's queue: begins_with(`<status>#`) gives
 *                                                                  one status newest first; without a status the
 *                                                                  list is grouped by status
 *   gsi3  `PLEDGES`                 / `<status>#<createdAt>#<id>`  the IP office's view, same shape; the registration
 *                                                                  queue is status `approved`
 * gsi2sk and gsi3sk change with the status, in the same conditional update as the status itself.
 *
 * The invariant "an asset is in at most one open application or unreleased pledge" lives on the ASSET item:
 * `encumbrance = { pledgeId }` is set by the submission transaction under `attribute_not_exists(encumbrance)` and
 * removed by the freeing transition under `encumbrance.pledgeId = :id`, both in the same TransactWriteItems as
 * the pledge change, so the pledge state and the asset holds can never disagree.
 */

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Pledge } from '../domain/pledge.js';
import type { PledgeStatus } from '../domain/pledge-state-machine.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { byStatusSortKey, partitions, pledgeKey } from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import type { Store } from './toolkit.js';

/** Index attributes of the pledge item; the status sort keys change with the status, in the same guarded write. */
export const pledgeIndexKeys = (p: Pledge) => ({
  gsi1pk: partitions.enterprisePledges(p.applicant),
  gsi1sk: `${p.createdAt}#${p.id}`,
  gsi2pk: partitions.lenderPledges(p.lenderId),
  gsi2sk: byStatusSortKey(p),
  gsi3pk: partitions.officePledges,
  gsi3sk: byStatusSortKey(p),
});

export type PledgeListScope =
  | { role: 'enterprise'; uscc: string }
  | { role: 'lender'; lenderId: string }
  | { role: 'ipoffice' };

export class PledgeRepository {
  constructor(private readonly store: Store) {}

  /** The addressed lender of a pledge: one small GetItem (used to let a lender read the pledged assets). */
  async lenderOf(id: string): Promise<string | undefined> {
    const item = await this.store.get(pledgeKey(id), { consistent: false, attributes: ['lenderId'] });
    return item?.lenderId as string | undefined;
  }

  /** The rights a pledge holds: one small GetItem (the registration reads them with the pledge). */
  async assetIdsOf(id: string): Promise<string[]> {
    const item = await this.store.get(pledgeKey(id), { attributes: ['assetIds'] });
    return (item?.assetIds as string[] | undefined) ?? [];
  }

  /**
   * One page of the pledges in one state (`active`, `defaulted`, …): the office index's `<status>#` range, so a job
   * reads those pledges and nothing else, however large the table grows.
   */
  inState(status: PledgeStatus, page: PageRequest): Promise<Page<Pledge>> {
    return queryPage<Pledge>({
      db: this.store.db,
      tableName: this.store.tableName,
      index: 'gsi3',
      partition: partitions.officePledges,
      sortPrefix: `${status}#`,
      page,
    });
  }

  /** One Query per page through the caller's index, newest first; never a Scan. */
  async list(
    scope: PledgeListScope,
    status: PledgeStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Pledge>> {
    if (scope.role === 'enterprise') return this.listForEnterprise(scope.uscc, status, page);
    return queryPage<Pledge>({
      db: this.store.db,
      tableName: this.store.tableName,
      ...(scope.role === 'lender'
        ? { index: 'gsi2' as const, partition: partitions.lenderPledges(scope.lenderId) }
        : { index: 'gsi3' as const, partition: partitions.officePledges }),
      ...(status ? { sortPrefix: `${status}#` } : {}),
      newestFirst: true,
      page,
    });
  }

  private async listForEnterprise(
    uscc: string,
    status: PledgeStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Pledge>> {
    const partition = partitions.enterprisePledges(uscc);
    const startKey = decodeCursor(page.cursor, { attribute: 'gsi1pk', value: partition }, [
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
    ]);
    const out = await this.store.db.send(
      new QueryCommand({
        TableName: this.store.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ...(status
          ? {
              FilterExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':pk': partition, ':status': status },
            }
          : { ExpressionAttributeValues: { ':pk': partition } }),
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: (out.Items ?? []).map((i) => toResource<Pledge>(i)),
      nextCursor: encodeCursor(out.LastEvaluatedKey as Record<string, string> | undefined),
    };
  }
}
