/**
 * Pledges in the single table.
 *
 * Items (partition `PLEDGE#<id>`):
 *   sk `PLEDGE`                 the pledge (entity 'pledge'), updated only by conditional transitions
 *   sk `EVENT#<000000version>`  one immutable history event per transition (entity 'pledge-event'); put with
 *                               attribute_not_exists, never updated or deleted. One Query on the partition reads
 *                               the pledge with its whole history.
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
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Asset } from '../domain/asset.js';
import {
  conflict,
  type DomainError,
  type FieldIssue,
  invalidState,
  unavailable,
  unprocessable,
} from '../domain/errors.js';
import type { Institution } from '../domain/institution.js';
import { NOT_YOURS, type Pledge, type PledgeEvent } from '../domain/pledge.js';
import type { PledgeStatus } from '../domain/pledge-state-machine.js';
import { assetKey } from './asset-repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { institutionKey } from './institution-repository.js';
import { type Page, type PageRequest, queryPage, queryPartition } from './query-page.js';
import { toResource } from './records.js';
import {
  enterpriseSummaryDelta,
  outstandingDelta,
  pledgeRegisteredFact,
  type WriteItem,
} from './stats-facts.js';
import { CONDITION_FAILED, conditionCancellationReasons } from './store-errors.js';

export const pledgeKey = (id: string) => ({ pk: `PLEDGE#${id}`, sk: 'PLEDGE' });
export const pledgeEventKey = (id: string, version: number) => ({
  pk: `PLEDGE#${id}`,
  sk: `EVENT#${String(version).padStart(6, '0')}`,
});

export const enterprisePledgesPartition = (uscc: string) => `ENT#${uscc}#PLEDGES`;
export const lenderPledgesPartition = (lenderId: string) => `LENDER#${lenderId}#PLEDGES`;
export const OFFICE_PLEDGES_PARTITION = 'PLEDGES';

const statusSortKey = (p: Pick<Pledge, 'status' | 'createdAt' | 'id'>) =>
  `${p.status}#${p.createdAt}#${p.id}`;

const indexKeys = (p: Pledge) => ({
  gsi1pk: enterprisePledgesPartition(p.applicant),
  gsi1sk: `${p.createdAt}#${p.id}`,
  gsi2pk: lenderPledgesPartition(p.lenderId),
  gsi2sk: statusSortKey(p),
  gsi3pk: OFFICE_PLEDGES_PARTITION,
  gsi3sk: statusSortKey(p),
});

const eventItem = (pledgeId: string, event: PledgeEvent) => ({
  ...pledgeEventKey(pledgeId, event.version),
  entity: 'pledge-event',
  pledgeId,
  ...event,
});

/** BatchGetItem may leave keys unprocessed under load; retry those a bounded number of times, then 503. */
const BATCH_GET_ATTEMPTS = 3;

export interface SubmissionReads {
  lender: Institution | undefined;
  assets: Map<string, Asset>;
}

export interface PledgeWithHistory {
  pledge: Pledge;
  history: PledgeEvent[];
}

export type PledgeListScope =
  | { role: 'enterprise'; uscc: string }
  | { role: 'lender'; lenderId: string }
  | { role: 'ipoffice' };

export class PledgeRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The addressed institution and every asset of a submission in ONE BatchGetItem (strongly consistent). */
  async readForSubmission(lenderId: string, assetIds: readonly string[]): Promise<SubmissionReads> {
    let keys: Record<string, unknown>[] = [institutionKey(lenderId), ...assetIds.map((id) => assetKey(id))];
    const items: Record<string, unknown>[] = [];
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS) throw unavailable();
      const out = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      items.push(...(out.Responses?.[this.tableName] ?? []));
      keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    const lenderItem = items.find((i) => i.pk === institutionKey(lenderId).pk);
    const assets = new Map<string, Asset>();
    for (const item of items)
      if (item.entity === 'asset') {
        const asset = toResource<Asset>(item);
        assets.set(asset.id, asset);
      }
    return { lender: lenderItem ? toResource<Institution>(lenderItem) : undefined, assets };
  }

  /**
   * ONE TransactWriteItems: the pledge, its first event, and a hold on every asset. Each hold is conditional on
   * the asset still being the applicant's, unencumbered and unchanged since it was read (so the refusal rules
   * checked on that read still hold). A lost race names the asset(s) in a 409.
   */
  async create(pledge: Pledge, event: PledgeEvent, assets: readonly Asset[]): Promise<void> {
    const now = pledge.createdAt;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...pledgeKey(pledge.id), entity: 'pledge', ...indexKeys(pledge), ...pledge },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: eventItem(pledge.id, event),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...assets.map((asset) => ({
              Update: {
                TableName: this.tableName,
                Key: assetKey(asset.id),
                UpdateExpression: 'SET encumbrance = :hold, version = :next, updatedAt = :now',
                ConditionExpression:
                  'attribute_exists(pk) AND #owner = :me AND attribute_not_exists(encumbrance) AND version = :v',
                ExpressionAttributeNames: { '#owner': 'owner' },
                ExpressionAttributeValues: {
                  ':hold': { pledgeId: pledge.id },
                  ':me': pledge.applicant,
                  ':v': asset.version,
                  ':next': asset.version + 1,
                  ':now': now,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
              },
            })),
          ],
        }),
      );
    } catch (error) {
      conditionCancellationReasons(error);
      throw lostSubmissionRace(error, pledge, assets);
    }
  }

  async get(id: string): Promise<Pledge | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: pledgeKey(id), ConsistentRead: true }),
    );
    return out.Item ? toResource<Pledge>(out.Item) : undefined;
  }

  /** The addressed lender of a pledge: one small GetItem (used to let a lender read the pledged assets). */
  async lenderOf(id: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: pledgeKey(id),
        ProjectionExpression: 'lenderId',
      }),
    );
    return out.Item?.lenderId as string | undefined;
  }

  /** The pledge and its history in ONE Query on its partition (events sort before `PLEDGE`). */
  async getWithHistory(id: string): Promise<PledgeWithHistory | undefined> {
    // A pledge has at most a dozen small events: one page in practice.
    const items = await queryPartition(this.db, this.tableName, pledgeKey(id).pk);
    const pledgeItem = items.find((i) => i.sk === 'PLEDGE');
    if (!pledgeItem) return undefined;
    const history = items
      .filter((i) => i.entity === 'pledge-event')
      .map((i) => {
        const { pledgeId: _pledgeId, ...event } = toResource<PledgeEvent & { pledgeId: string }>(i);
        return event as PledgeEvent;
      })
      .sort((a, b) => a.version - b.version);
    return { pledge: toResource<Pledge>(pledgeItem), history };
  }

  /**
   * ONE TransactWriteItems for a transition: the pledge update guarded by `status = :from AND version = :v`,
   * the event put, for a freeing action a `REMOVE encumbrance` on every asset still held by this pledge, and
   * LAST the statistics items the transition counts (`pledgeStatsItems`). Cancellation reasons are read by
   * position: [0] pledge, [1] event, [2 … 2+k) assets, then the statistics items.
   * A concurrent transition that got there first makes this a 409 naming the state it left the pledge in.
   */
  async transition(
    before: Pledge,
    after: Pledge,
    event: PledgeEvent,
    options: { freeAssets: boolean },
  ): Promise<void> {
    const changed = Object.entries(after).filter(
      ([k, v]) => !['status', 'version', 'updatedAt'].includes(k) && before[k as keyof Pledge] !== v,
    );
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':from': before.status,
      ':to': after.status,
      ':v': before.version,
      ':next': after.version,
      ':now': after.updatedAt,
      ':statusKey': statusSortKey(after),
    };
    const sets = [
      '#status = :to',
      'version = :next',
      'updatedAt = :now',
      'gsi2sk = :statusKey',
      'gsi3sk = :statusKey',
    ];
    changed.forEach(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: pledgeKey(before.id),
                UpdateExpression: `SET ${sets.join(', ')}`,
                ConditionExpression: '#status = :from AND version = :v',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: eventItem(before.id, event),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...(options.freeAssets
              ? before.assetIds.map((assetId) => ({
                  Update: {
                    TableName: this.tableName,
                    Key: assetKey(assetId),
                    UpdateExpression: 'REMOVE encumbrance SET version = version + :one, updatedAt = :now',
                    ConditionExpression: 'encumbrance.pledgeId = :id',
                    ExpressionAttributeValues: { ':id': before.id, ':one': 1, ':now': after.updatedAt },
                  },
                }))
              : []),
            ...pledgeStatsItems(before, after, this.tableName),
          ],
        }),
      );
    } catch (error) {
      const reasons = conditionCancellationReasons(error);
      const heldCount = options.freeAssets ? before.assetIds.length : 0;
      if (reasons[0] === CONDITION_FAILED || reasons[1] === CONDITION_FAILED) {
        const current = await this.get(before.id);
        const state = current?.status ?? before.status;
        throw invalidState(
          `The pledge was changed concurrently; it is now ${state}. Reload and retry if the action still applies.`,
          state,
        );
      }
      if (reasons.slice(2, 2 + heldCount).includes(CONDITION_FAILED))
        throw conflict('An asset of this pledge is no longer held by it; the IP office must reconcile it.');
      if (reasons.slice(2 + heldCount).includes(CONDITION_FAILED))
        throw conflict('The pledge was registered concurrently; reload.');
      throw error;
    }
  }

  /** One Query per page through the caller's index, newest first; never a Scan. */
  async list(
    scope: PledgeListScope,
    status: PledgeStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Pledge>> {
    if (scope.role === 'enterprise') return this.listForEnterprise(scope.uscc, status, page);
    return queryPage<Pledge>({
      db: this.db,
      tableName: this.tableName,
      ...(scope.role === 'lender'
        ? { index: 'gsi2' as const, partition: lenderPledgesPartition(scope.lenderId) }
        : { index: 'gsi3' as const, partition: OFFICE_PLEDGES_PARTITION }),
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
    const partition = enterprisePledgesPartition(uscc);
    const startKey = decodeCursor(page.cursor, { attribute: 'gsi1pk', value: partition }, [
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
    ]);
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
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

/**
 * The statistics a transition counts, written in its own transaction so they happen exactly once with it
 * (see stats-facts.ts): registration (approved → registered) records the year's financing fact and the
 * applicant's running total; disbursal (→ active) adds the approved amount to the outstanding counter; repayment
 * or default (active → repaid | defaulted) takes it off again. Every other transition counts nothing.
 */
export function pledgeStatsItems(before: Pledge, after: Pledge, tableName: string): WriteItem[] {
  const amountFen = after.approvedAmountFen;
  if (amountFen === undefined) return [];
  if (before.status === 'approved' && after.status === 'registered')
    return [
      pledgeRegisteredFact(
        {
          pledgeId: after.id,
          registeredAt: after.registeredAt ?? after.updatedAt,
          applicant: after.applicant,
          divisionCode: after.applicant.slice(2, 8),
          lenderId: after.lenderId,
          amountFen,
        },
        tableName,
      ),
      enterpriseSummaryDelta(after.applicant, { pledgeRegisteredFen: amountFen }, tableName),
    ];
  if (before.status === 'registered' && after.status === 'active')
    return [outstandingDelta(amountFen, after.id, tableName)];
  if (before.status === 'active' && (after.status === 'repaid' || after.status === 'defaulted'))
    return [outstandingDelta(-amountFen, after.id, tableName)];
  return [];
}

interface RawItem {
  owner?: { S?: string } | string;
  encumbrance?: unknown;
}

/**
 * Turns a cancelled submission into the reason per asset: DynamoDB returns, for each failed hold, the asset as
 * it was (`ALL_OLD`). Held by another pledge → 409; gone or not the applicant's → 422 with the same words as a
 * refusal; merely changed since it was read → 409 to retry.
 */
function lostSubmissionRace(error: unknown, pledge: Pledge, assets: readonly Asset[]): DomainError {
  const reasons =
    (error as { CancellationReasons?: { Code?: string; Item?: RawItem }[] }).CancellationReasons ?? [];
  const held: FieldIssue[] = [];
  const gone: FieldIssue[] = [];
  const changed: FieldIssue[] = [];
  assets.forEach((asset, i) => {
    const reason = reasons[i + 2];
    if (reason?.Code !== CONDITION_FAILED) return;
    const path = `assetIds.${pledge.assetIds.indexOf(asset.id)}`;
    const item = reason.Item;
    const owner = typeof item?.owner === 'string' ? item.owner : item?.owner?.S;
    if (!item || owner !== pledge.applicant) gone.push({ path, message: NOT_YOURS });
    else if (item.encumbrance !== undefined)
      held.push({
        path,
        message: `${asset.number} is already held by another open application or unreleased pledge`,
      });
    else
      changed.push({
        path,
        message: `${asset.number} was changed while the application was being filed; retry`,
      });
  });
  if (held.length > 0)
    return conflict('An asset is already held by another open application.', {
      errors: [...held, ...gone, ...changed],
    });
  if (gone.length > 0)
    return unprocessable('The application was refused.', { errors: [...gone, ...changed] });
  if (changed.length > 0)
    return conflict('An asset changed while the application was being filed; retry.', { errors: changed });
  return conflict('The application could not be stored; retry.');
}
