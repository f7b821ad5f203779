/**
 * Policies and claims in the single table.
 *
 * Items
 * - Policy       pk `POLICY#<id>`  sk `POLICY`                  entity 'policy'
 * - Policy event pk `POLICY#<id>`  sk `EVENT#<version, 12 digits>` entity 'policy-event' (history; put once)
 * - Claim link   pk `POLICY#<id>`  sk `CLAIM#<claimId>`          entity 'policy-claim' (so ONE Query of the policy's
 *                partition returns the policy, its history and its claims' ids)
 * - Claim        pk `CLAIM#<id>`   sk `CLAIM`                   entity 'claim'
 * - Claim event  pk `CLAIM#<id>`   sk `EVENT#<version>`         entity 'claim-event'
 * - Asset link   pk `ASSET#<assetId>` sk `POLICY#<insurerId>#<policyId>` entity 'asset-policy' (written at
 *                application; lets an insurer read the assets of policies addressed to it with one Query)
 * - Policy no.   pk `POLICYNO#<insurerId>#<number>` sk `POLICYNO` (one policy number per insurer)
 *
 * Indexes (sort keys start with the status, so `?status=` is a key prefix and never a filter; without a status a
 * list is grouped by status, newest first inside each group):
 * - gsi1: holder's policies `ENT#<uscc>#POLICIES` / holder's claims `ENT#<uscc>#CLAIMS`, sk `<status>#<createdAt>#<id>`
 * - gsi2: insurer's queue `INSURER#<id>#POLICIES` / `INSURER#<id>#CLAIMS`, same sort key
 * - gsi3: the IP office's views `POLICIES` / `CLAIMS`, same sort key — except an ACTIVE policy, whose gsi3 sort key
 *   is `active#<periodEnd>#<id>`: the scheduled expiry queries `active#` … `active#<today>` (periodEnd < today)
 *   on the same partition, without a Scan. The key changes in the transition that leaves `active`.
 *
 * Guards (every one a condition in the same TransactWrite as the change it guards):
 * - a transition: policy `#status = :from AND version = :v`; its history event `attribute_not_exists(pk)`;
 * - issue adds the policy id to each asset's `insuredBy` (asset must exist and still be the holder's);
 *   leaving `active` deletes it again;
 * - a settlement: policy `paid.#line <= :maxBefore` (= limit − payment), claim `#status = :filed AND version = :v`.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { coverageOf, maxPaidBefore, remainingCover } from '../domain/coverage.js';
import { conflict, type DomainError, invalidState, unavailable, unprocessable } from '../domain/errors.js';
import type {
  Actor,
  Claim,
  ClaimStatus,
  Coverage,
  HistoryEvent,
  Policy,
  PolicyStatus,
} from '../domain/policy.js';
import { insuredByEffect, type PolicyAction } from '../domain/policy-state-machine.js';
import { assetKey } from './asset-repository.js';
import { type Page, type PageRequest, queryPage, queryPartition } from './query-page.js';
import { toResource } from './records.js';
import { claimPaidFact, type WriteItem } from './stats-facts.js';
import { CONDITION_FAILED, conditionCancellationReasons } from './store-errors.js';

type Item = Record<string, unknown>;

const pad = (n: number) => String(n).padStart(12, '0');

export const policyKey = (id: string) => ({ pk: `POLICY#${id}`, sk: 'POLICY' });
export const policyEventKey = (id: string, version: number) => ({
  pk: `POLICY#${id}`,
  sk: `EVENT#${pad(version)}`,
});
export const policyClaimLinkKey = (policyId: string, claimId: string) => ({
  pk: `POLICY#${policyId}`,
  sk: `CLAIM#${claimId}`,
});
export const claimKey = (id: string) => ({ pk: `CLAIM#${id}`, sk: 'CLAIM' });
export const claimEventKey = (id: string, version: number) => ({
  pk: `CLAIM#${id}`,
  sk: `EVENT#${pad(version)}`,
});
export const assetPolicyLinkKey = (assetId: string, insurerId: string, policyId: string) => ({
  pk: `ASSET#${assetId}`,
  sk: `POLICY#${insurerId}#${policyId}`,
});
export const policyNumberKey = (insurerId: string, number: string) => ({
  pk: `POLICYNO#${insurerId}#${number}`,
  sk: 'POLICYNO',
});

export const holderPoliciesPartition = (uscc: string) => `ENT#${uscc}#POLICIES`;
export const insurerPoliciesPartition = (insurerId: string) => `INSURER#${insurerId}#POLICIES`;
export const ALL_POLICIES_PARTITION = 'POLICIES';
export const holderClaimsPartition = (uscc: string) => `ENT#${uscc}#CLAIMS`;
export const insurerClaimsPartition = (insurerId: string) => `INSURER#${insurerId}#CLAIMS`;
export const ALL_CLAIMS_PARTITION = 'CLAIMS';

/** gsi3 sort key of an active policy: by end date, for the scheduled expiry. */
export const activeByEndSortKey = (periodEnd: string, id: string) => `active#${periodEnd}#${id}`;

export function policyIndexKeys(
  p: Pick<Policy, 'id' | 'holder' | 'insurerId' | 'status' | 'createdAt' | 'periodEnd'>,
) {
  const byStatus = `${p.status}#${p.createdAt}#${p.id}`;
  return {
    gsi1pk: holderPoliciesPartition(p.holder),
    gsi1sk: byStatus,
    gsi2pk: insurerPoliciesPartition(p.insurerId),
    gsi2sk: byStatus,
    gsi3pk: ALL_POLICIES_PARTITION,
    gsi3sk: p.status === 'active' ? activeByEndSortKey(p.periodEnd, p.id) : byStatus,
  };
}

export function claimIndexKeys(c: Pick<Claim, 'id' | 'holder' | 'insurerId' | 'status' | 'createdAt'>) {
  const byStatus = `${c.status}#${c.createdAt}#${c.id}`;
  return {
    gsi1pk: holderClaimsPartition(c.holder),
    gsi1sk: byStatus,
    gsi2pk: insurerClaimsPartition(c.insurerId),
    gsi2sk: byStatus,
    gsi3pk: ALL_CLAIMS_PARTITION,
    gsi3sk: byStatus,
  };
}

export interface PolicyView {
  policy: Policy;
  history: HistoryEvent[];
  claims: Claim[];
}

export interface ClaimView {
  claim: Claim;
  history: HistoryEvent[];
}

export type PolicyListScope =
  | { kind: 'holder'; uscc: string }
  | { kind: 'insurer'; insurerId: string }
  | { kind: 'office' };

export interface TransitionRequest {
  policy: Policy;
  action: PolicyAction;
  to: PolicyStatus;
  actor: Actor;
  at: string;
  /** Extra attributes set on the policy (premium, policy number, reasons…). */
  set?: Record<string, unknown>;
  /** Extra fields on the history event. */
  event?: Partial<HistoryEvent>;
  /** Extra items written in the same transaction, each with the error its condition failing means. */
  extra?: { item: WriteItem; onConditionFailed: () => DomainError }[];
}

/** Result of a transition whose policy condition failed although the status was still the expected one. */
export class VersionMoved extends Error {
  constructor(readonly current: Policy) {
    super('The policy changed concurrently.');
    this.name = 'VersionMoved';
  }
}

const MAX_BATCH_GET_ATTEMPTS = 3;
const BATCH_GET_LIMIT = 100;

export class PolicyRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Reads up to 100 keys with ONE BatchGet (a few bounded retries only for keys DynamoDB left unprocessed).
   * Returns the items keyed by `pk`.
   */
  async batchGet(keys: { pk: string; sk: string }[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let pending: { pk: string; sk: string }[] = unique.slice(i, i + BATCH_GET_LIMIT);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_GET_ATTEMPTS) throw unavailable();
        const out = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) found.set(item.pk as string, item);
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { pk: string; sk: string }[];
      }
    }
    return found;
  }

  async getPolicy(id: string): Promise<Policy | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: policyKey(id), ConsistentRead: true }),
    );
    return out.Item ? toResource<Policy>(out.Item) : undefined;
  }

  async getClaim(id: string): Promise<Claim | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(id), ConsistentRead: true }),
    );
    return out.Item ? toResource<Claim>(out.Item) : undefined;
  }

  /** The policy, its history and its claims: one Query of its partition (+ one BatchGet per 100 claims). */
  async getPolicyView(id: string): Promise<PolicyView | undefined> {
    const items = await queryPartition(this.db, this.tableName, policyKey(id).pk);
    const policyItem = items.find((i) => i.sk === 'POLICY');
    if (!policyItem) return undefined;
    const history = items.filter((i) => String(i.sk).startsWith('EVENT#')).map(eventOf);
    const claimIds = items.filter((i) => String(i.sk).startsWith('CLAIM#')).map((i) => i.claimId as string);
    // In filing order: the order of the policy's `file_claim` events.
    const filedAt = new Map(history.filter((e) => e.claimId).map((e) => [e.claimId!, e.version]));
    const claims = [...(await this.batchGet(claimIds.map(claimKey))).values()]
      .map((i) => toResource<Claim>(i))
      .sort((a, b) => (filedAt.get(a.id) ?? 0) - (filedAt.get(b.id) ?? 0));
    return { policy: toResource<Policy>(policyItem), history, claims };
  }

  async getClaimView(id: string): Promise<ClaimView | undefined> {
    const items = await queryPartition(this.db, this.tableName, claimKey(id).pk);
    const claimItem = items.find((i) => i.sk === 'CLAIM');
    if (!claimItem) return undefined;
    const history = items.filter((i) => String(i.sk).startsWith('EVENT#')).map(eventOf);
    return { claim: toResource<Claim>(claimItem), history };
  }

  /** The application: the policy, its first history event and one asset link per covered asset. */
  async create(policy: Policy, actor: Actor): Promise<void> {
    const event: HistoryEvent = {
      at: policy.createdAt,
      action: 'apply',
      from: null,
      to: policy.status,
      actor,
      version: policy.version,
    };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...policyKey(policy.id), entity: 'policy', ...policyIndexKeys(policy), ...policy },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          this.putEvent(policyEventKey(policy.id, policy.version), 'policy-event', event),
          ...policy.assetIds.map(
            (assetId): WriteItem => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  ...assetPolicyLinkKey(assetId, policy.insurerId, policy.id),
                  entity: 'asset-policy',
                  assetId,
                  policyId: policy.id,
                  insurerId: policy.insurerId,
                  holder: policy.holder,
                },
              },
            }),
          ),
        ],
      }),
    );
  }

  /**
   * Moves a policy from its current status to `to` in ONE TransactWrite: the conditional update, the history
   * event, the assets' `insuredBy` (when the transition starts or ends cover) and any extra items. Throws 409 with
   * the current state when another writer moved the status, and `VersionMoved` when only the version moved.
   */
  async transition(req: TransitionRequest): Promise<Policy> {
    const { policy, to, at } = req;
    const next: Policy = {
      ...policy,
      ...(req.set as Partial<Policy>),
      status: to,
      version: policy.version + 1,
      updatedAt: at,
    };
    const set: Record<string, unknown> = {
      ...req.set,
      status: to,
      version: next.version,
      updatedAt: at,
      ...policyIndexKeys(next),
    };
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':from': policy.status, ':v': policy.version };
    const update = setExpression(set, names, values);
    const effect = insuredByEffect(policy.status, to);
    const assetItems: WriteItem[] =
      effect === 'keep'
        ? []
        : policy.assetIds.map((assetId) => ({
            Update: {
              TableName: this.tableName,
              Key: assetKey(assetId),
              UpdateExpression: effect === 'add' ? 'ADD insuredBy :ids' : 'DELETE insuredBy :ids',
              // The asset must still exist (no ghost item) and, to gain cover, still be the holder's.
              ConditionExpression:
                effect === 'add' ? 'attribute_exists(pk) AND #owner = :holder' : 'attribute_exists(pk)',
              ExpressionAttributeNames: effect === 'add' ? { '#owner': 'owner' } : undefined,
              ExpressionAttributeValues:
                effect === 'add'
                  ? { ':ids': new Set([policy.id]), ':holder': policy.holder }
                  : { ':ids': new Set([policy.id]) },
            },
          }));
    const event: HistoryEvent = {
      at,
      action: req.action,
      from: policy.status,
      to,
      actor: req.actor,
      version: next.version,
      ...req.event,
    };
    const extra = req.extra ?? [];
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: policyKey(policy.id),
                UpdateExpression: update,
                ConditionExpression: '#status = :from AND version = :v',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            this.putEvent(policyEventKey(policy.id, next.version), 'policy-event', event),
            ...extra.map((e) => e.item),
            ...assetItems,
          ],
        }),
      );
    } catch (error) {
      const reasons = conditionCancellationReasons(error);
      if (reasons[0] === CONDITION_FAILED || reasons[1] === CONDITION_FAILED) {
        const current = await this.getPolicy(policy.id);
        if (!current || current.status !== policy.status)
          throw invalidState(
            `The policy is ${current?.status ?? 'gone'}; it was changed concurrently.`,
            current?.status ?? 'unknown',
          );
        throw new VersionMoved(current);
      }
      const failedExtra = extra.findIndex((_, i) => reasons[2 + i] === CONDITION_FAILED);
      if (failedExtra >= 0) throw extra[failedExtra]!.onConditionFailed();
      const failedAsset = assetItems.findIndex((_, i) => reasons[2 + extra.length + i] === CONDITION_FAILED);
      if (failedAsset >= 0)
        throw unprocessable('A covered asset no longer exists or no longer belongs to the policyholder.', {
          errors: [
            {
              path: `assetIds.${failedAsset}`,
              message: `asset ${policy.assetIds[failedAsset]} no longer exists or is no longer the holder's`,
            },
          ],
        });
      throw error;
    }
    return next;
  }

  /**
   * Files a claim: a `file_claim` event on the policy (guarded by status = active and its version, which orders
   * the filing against expiry and cancellation) plus the claim, its history and the policy's link to it.
   */
  async fileClaim(policy: Policy, claim: Claim, actor: Actor): Promise<Policy> {
    const claimEvent: HistoryEvent = {
      at: claim.createdAt,
      action: 'file',
      from: null,
      to: claim.status,
      actor,
      version: claim.version,
    };
    return this.transition({
      policy,
      action: 'file_claim',
      to: 'active',
      actor,
      at: claim.createdAt,
      set: { claimCount: (policy.claimCount ?? 0) + 1 },
      event: { claimId: claim.id },
      extra: [
        {
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...claimKey(claim.id), entity: 'claim', ...claimIndexKeys(claim), ...claim },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => conflict('A claim with this id already exists; retry.'),
        },
        {
          item: this.putEvent(claimEventKey(claim.id, claim.version), 'claim-event', claimEvent),
          onConditionFailed: () => conflict('A claim with this id already exists; retry.'),
        },
        {
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...policyClaimLinkKey(policy.id, claim.id), entity: 'policy-claim', claimId: claim.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => conflict('A claim with this id already exists; retry.'),
        },
      ],
    });
  }

  /**
   * Pays a claim. The line's cap is enforced by DynamoDB, not by what this process read: the policy update is
   * conditioned on `paid.<line> <= limit − paidFen`, so concurrent settlements can never together exceed the cover.
   * The policy's version is bumped (its `paid` changed) without a version condition, so settlements of different
   * claims do not conflict with each other.
   */
  async settle(claim: Claim, coverage: Coverage, paidFen: number, actor: Actor, at: string): Promise<Claim> {
    const next: Claim = {
      ...claim,
      status: 'paid',
      paidFen,
      settledAt: at,
      version: claim.version + 1,
      updatedAt: at,
    };
    const maxBefore = maxPaidBefore(coverage, paidFen);
    if (maxBefore < 0) throw await this.overCover(claim.policyId, coverage);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: policyKey(claim.policyId),
                UpdateExpression: 'SET paid.#line = paid.#line + :x, updatedAt = :at ADD version :one',
                ConditionExpression: 'attribute_exists(pk) AND paid.#line <= :maxBefore',
                ExpressionAttributeNames: { '#line': coverage.line },
                ExpressionAttributeValues: { ':x': paidFen, ':at': at, ':one': 1, ':maxBefore': maxBefore },
              },
            },
            this.claimUpdate(claim, next, { paidFen, settledAt: at }),
            this.putEvent(claimEventKey(claim.id, next.version), 'claim-event', {
              at,
              action: 'settle',
              from: claim.status,
              to: next.status,
              actor,
              version: next.version,
              paidFen,
            }),
            // The statistics fact, written once with the settlement (see stats-facts.ts).
            claimPaidFact(
              { claimId: claim.id, paidAt: at, policyId: claim.policyId, line: claim.line, paidFen },
              this.tableName,
            ),
          ],
        }),
      );
    } catch (error) {
      const [policyReason, claimReason] = conditionCancellationReasons(error);
      if (claimReason === CONDITION_FAILED) throw await this.claimMoved(claim);
      if (policyReason === CONDITION_FAILED) throw await this.overCover(claim.policyId, coverage);
      throw error;
    }
    return next;
  }

  async deny(claim: Claim, reason: string, actor: Actor, at: string): Promise<Claim> {
    const next: Claim = {
      ...claim,
      status: 'denied',
      denyReason: reason,
      deniedAt: at,
      version: claim.version + 1,
      updatedAt: at,
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.claimUpdate(claim, next, { denyReason: reason, deniedAt: at }),
            this.putEvent(claimEventKey(claim.id, next.version), 'claim-event', {
              at,
              action: 'deny',
              from: claim.status,
              to: next.status,
              actor,
              version: next.version,
              reason,
            }),
          ],
        }),
      );
    } catch (error) {
      if (conditionCancellationReasons(error)[0] === CONDITION_FAILED) throw await this.claimMoved(claim);
      throw error;
    }
    return next;
  }

  listPolicies(
    scope: PolicyListScope,
    status: PolicyStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Policy>> {
    return this.listByScope<Policy>(
      scope,
      {
        holder: holderPoliciesPartition,
        insurer: insurerPoliciesPartition,
        office: ALL_POLICIES_PARTITION,
      },
      status,
      page,
    );
  }

  listClaims(
    scope: PolicyListScope,
    status: ClaimStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Claim>> {
    return this.listByScope<Claim>(
      scope,
      { holder: holderClaimsPartition, insurer: insurerClaimsPartition, office: ALL_CLAIMS_PARTITION },
      status,
      page,
    );
  }

  /** One page of the caller's list: holder on gsi1, insurer on gsi2, office on gsi3; status is a key prefix. */
  private listByScope<T>(
    scope: PolicyListScope,
    partitions: { holder: (uscc: string) => string; insurer: (insurerId: string) => string; office: string },
    status: string | undefined,
    page: PageRequest,
  ): Promise<Page<T>> {
    const where =
      scope.kind === 'holder'
        ? { index: 'gsi1' as const, partition: partitions.holder(scope.uscc) }
        : scope.kind === 'insurer'
          ? { index: 'gsi2' as const, partition: partitions.insurer(scope.insurerId) }
          : { index: 'gsi3' as const, partition: partitions.office };
    return queryPage<T>({
      db: this.db,
      tableName: this.tableName,
      ...where,
      sortPrefix: status ? `${status}#` : undefined,
      newestFirst: true,
      page,
    });
  }

  /** One page of active policies whose period ended before `today` (gsi3 sort key range; eventually consistent). */
  async expirablePage(
    today: string,
    startKey: Record<string, unknown> | undefined,
    limit = 100,
  ): Promise<{ items: Policy[]; next: Record<string, unknown> | undefined }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi3',
        // Items are `active#<periodEnd>#<id>`, so `active#<today>` sorts after every end date before today and
        // before every item ending today or later.
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: {
          ':pk': ALL_POLICIES_PARTITION,
          ':lo': 'active#',
          ':hi': `active#${today}`,
        },
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    return { items: (out.Items ?? []).map((i) => toResource<Policy>(i)), next: out.LastEvaluatedKey };
  }

  /** Whether a policy addressed to `insurerId` covers `assetId` (one Query, at most one item read). */
  async insurerHasPolicyOnAsset(insurerId: string, assetId: string): Promise<boolean> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': assetKey(assetId).pk, ':prefix': `POLICY#${insurerId}#` },
        Limit: 1,
      }),
    );
    return (out.Items ?? []).length > 0;
  }

  private putEvent(key: { pk: string; sk: string }, entity: string, event: HistoryEvent): WriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...key, entity, ...event },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private claimUpdate(claim: Claim, next: Claim, fields: Record<string, unknown>): WriteItem {
    const set: Record<string, unknown> = {
      ...fields,
      status: next.status,
      version: next.version,
      updatedAt: next.updatedAt,
      ...claimIndexKeys(next),
    };
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':from': claim.status, ':v': claim.version };
    return {
      Update: {
        TableName: this.tableName,
        Key: claimKey(claim.id),
        UpdateExpression: setExpression(set, names, values),
        ConditionExpression: '#status = :from AND version = :v',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  private async claimMoved(claim: Claim): Promise<DomainError> {
    const current = await this.getClaim(claim.id);
    if (!current || current.status !== claim.status)
      return invalidState(
        `The claim is ${current?.status ?? 'gone'}; it was changed concurrently.`,
        current?.status ?? 'unknown',
      );
    return conflict('The claim was changed concurrently; reload and retry.');
  }

  /** The 422 for a payment over the line's remaining cover, stating the remainder as it is now. */
  private async overCover(policyId: string, coverage: Coverage): Promise<DomainError> {
    const policy = await this.getPolicy(policyId);
    const paidSoFar = policy?.paid?.[coverage.line] ?? 0;
    const current = (policy && coverageOf(policy, coverage.line)) ?? coverage;
    const remaining = remainingCover(current, paidSoFar);
    return unprocessable(
      `The payment exceeds the remaining cover of line ${coverage.line}: ${remaining} fen.`,
      {
        remainingFen: remaining,
        errors: [
          {
            path: 'paidFen',
            message: `exceeds the remaining cover of line ${coverage.line}: ${remaining} fen`,
          },
        ],
      },
    );
  }
}

/** `SET #a0 = :a0, …` for every attribute of `set`; adds the placeholders to `names` and `values`. */
function setExpression(
  set: Record<string, unknown>,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string {
  const assignments = Object.entries(set).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} = :a${i}`;
  });
  return `SET ${assignments.join(', ')}`;
}

function eventOf(item: Item): HistoryEvent {
  const { at, action, from, to, actor, version, claimId, reason, paidFen } = item as unknown as HistoryEvent;
  return {
    at,
    action,
    from: from ?? null,
    to,
    actor,
    version,
    ...(claimId === undefined ? {} : { claimId }),
    ...(reason === undefined ? {} : { reason }),
    ...(paidFen === undefined ? {} : { paidFen }),
  };
}
