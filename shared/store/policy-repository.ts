/**
 * Policies and claims in the single table: their index keys, the statistics their transitions count, and the
 * list queries. Every write goes through the transition engine (see usecases/policies.ts and claims.ts).
 *
 * Items (keys in keys.ts)
 * - Policy       `POLICY#<id>` / `POLICY`                  entity 'policy'
 * - Claim link   `POLICY#<id>` / `CLAIM#<claimId>`         entity 'policy-claim' (so ONE Query of the policy's
 *                partition returns the policy, its history events and its claims' ids)
 * - Claim        `CLAIM#<id>` / `CLAIM`                    entity 'claim'
 * - Events       `<aggregate pk>` / `EVENT#<version>`      entity 'domain-event' (history; written once)
 * - Asset link   `ASSET#<assetId>` / `POLICY#<insurerId>#<policyId>` entity 'asset-policy' (written at
 *                application; lets an insurer read the assets of policies addressed to it with one Query)
 * - Policy no.   `POLICYNO#<insurerId>#<number>` / `POLICYNO` (one policy number per insurer)
 *
 * Indexes (sort keys start with the status, so `?status=` is a key prefix and never a filter; without a status a
 * list is grouped by status, newest first inside each group):
 * - gsi1: holder's policies / claims; gsi2: the insurer's queues; gsi3: the IP office's views — except an ACTIVE
 *   policy, whose gsi3 sort key is `active#<periodEnd>#<id>`: the scheduled expiry queries `active#` …
 *   `active#<today>` on the same partition, without a Scan. The key changes in the transition that leaves `active`.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../domain/actor.js';
import type { Claim, ClaimStatus, Policy, PolicyStatus } from '../domain/policy.js';
import {
  ACTIVE_POLICY_PREFIX,
  activePolicySortKey,
  assetKey,
  assetPolicyLinkPrefix,
  byStatusSortKey,
  claimKey,
  lenderClaimLinkKey,
  partitions,
} from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import type { Store } from './toolkit.js';

export const policyIndexKeys = (p: Policy) => ({
  gsi1pk: partitions.holderPolicies(p.holder),
  gsi1sk: byStatusSortKey(p),
  gsi2pk: partitions.insurerPolicies(p.insurerId),
  gsi2sk: byStatusSortKey(p),
  gsi3pk: partitions.officePolicies,
  gsi3sk: p.status === 'active' ? activePolicySortKey(p.periodEnd, p.id) : byStatusSortKey(p),
});

export const claimIndexKeys = (c: Claim) => ({
  gsi1pk: partitions.holderClaims(c.holder),
  gsi1sk: byStatusSortKey(c),
  gsi2pk: partitions.insurerClaims(c.insurerId),
  gsi2sk: byStatusSortKey(c),
  gsi3pk: partitions.officeClaims,
  gsi3sk: byStatusSortKey(c),
});

export type PolicyListScope =
  | { kind: 'holder'; uscc: string }
  | { kind: 'insurer'; insurerId: string }
  | { kind: 'office' };

/** The list a caller reads: a holder its own, an insurer those addressed to it, the IP office all. */
export function listScopeOf(actor: Pick<Actor, 'role' | 'org'>): PolicyListScope {
  if (actor.role === 'enterprise') return { kind: 'holder', uscc: (actor.org ?? '').toUpperCase() };
  if (actor.role === 'insurer') return { kind: 'insurer', insurerId: actor.org ?? '' };
  if (actor.role === 'ipoffice') return { kind: 'office' };
  throw new Error(`no policy list for the ${actor.role} role`);
}

const POLICY_LISTS = {
  holder: partitions.holderPolicies,
  insurer: partitions.insurerPolicies,
  office: partitions.officePolicies,
};
const CLAIM_LISTS = {
  holder: partitions.holderClaims,
  insurer: partitions.insurerClaims,
  office: partitions.officeClaims,
};

export class PolicyRepository {
  constructor(private readonly store: Store) {}

  listPolicies(
    scope: PolicyListScope,
    status: PolicyStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Policy>> {
    return this.listByScope<Policy>(scope, POLICY_LISTS, status, page);
  }

  listClaims(
    scope: PolicyListScope,
    status: ClaimStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Claim>> {
    return this.listByScope<Claim>(scope, CLAIM_LISTS, status, page);
  }

  /**
   * One page of the guarantee claims a lender benefits from, newest first: its link partition, then ONE BatchGet
   * of the claims. A status narrows the page after the read (a page may then hold fewer items than its limit).
   */
  async listLenderClaims(
    lenderId: string,
    status: ClaimStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Claim>> {
    const links = await queryPage<{ claimId: string }>({
      db: this.store.db,
      tableName: this.store.tableName,
      partition: lenderClaimLinkKey(lenderId, '', '').pk,
      newestFirst: true,
      page,
    });
    const items = await this.store.batchGet(links.items.map((l) => claimKey(l.claimId)));
    const claims = links.items.flatMap((l) => {
      const item = items.get(claimKey(l.claimId));
      return item ? [toResource<Claim>(item)] : [];
    });
    return { ...links, items: status ? claims.filter((c) => c.status === status) : claims };
  }

  /** One page of the caller's list: holder on gsi1, insurer on gsi2, office on gsi3; status is a key prefix. */
  private listByScope<T>(
    scope: PolicyListScope,
    lists: { holder: (uscc: string) => string; insurer: (insurerId: string) => string; office: string },
    status: string | undefined,
    page: PageRequest,
  ): Promise<Page<T>> {
    const where =
      scope.kind === 'holder'
        ? { index: 'gsi1' as const, partition: lists.holder(scope.uscc) }
        : scope.kind === 'insurer'
          ? { index: 'gsi2' as const, partition: lists.insurer(scope.insurerId) }
          : { index: 'gsi3' as const, partition: lists.office };
    return queryPage<T>({
      db: this.store.db,
      tableName: this.store.tableName,
      ...where,
      ...(status ? { sortPrefix: `${status}#` } : {}),
      newestFirst: true,
      page,
    });
  }

  /** One page of active policies whose period ended before `today` (eventually consistent). */
  expirablePage(today: string, startKey: Record<string, unknown> | undefined, limit = 100) {
    // `active#<today>` sorts after every `active#<periodEnd>#<id>` ending before today and before every one
    // ending today or later.
    return this.activeRange(ACTIVE_POLICY_PREFIX, `${ACTIVE_POLICY_PREFIX}${today}`, startKey, limit);
  }

  /** One page of active policies whose period ends in [from, to] (the renewal offers' window). */
  endingPage(from: string, to: string, startKey: Record<string, unknown> | undefined, limit = 100) {
    // '~' sorts after every id character, so the range holds every policy ending on `to`.
    return this.activeRange(
      `${ACTIVE_POLICY_PREFIX}${from}`,
      `${ACTIVE_POLICY_PREFIX}${to}#~`,
      startKey,
      limit,
    );
  }

  /** One page of the office index's active policies with a sort key in [lo, hi]: one Query, never a Scan. */
  private async activeRange(
    lo: string,
    hi: string,
    startKey: Record<string, unknown> | undefined,
    limit: number,
  ): Promise<{ items: Policy[]; next: Record<string, unknown> | undefined }> {
    const out = await this.store.db.send(
      new QueryCommand({
        TableName: this.store.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': partitions.officePolicies, ':lo': lo, ':hi': hi },
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    return { items: (out.Items ?? []).map((i) => toResource<Policy>(i)), next: out.LastEvaluatedKey };
  }

  /** One page of every active policy (the `active#` range of the office index). */
  activePage(page: PageRequest): Promise<Page<Policy>> {
    return queryPage<Policy>({
      db: this.store.db,
      tableName: this.store.tableName,
      index: 'gsi3',
      partition: partitions.officePolicies,
      sortPrefix: ACTIVE_POLICY_PREFIX,
      page,
    });
  }

  /** Whether a policy addressed to `insurerId` covers `assetId` (one Query, at most one item read). */
  async insurerHasPolicyOnAsset(insurerId: string, assetId: string): Promise<boolean> {
    const out = await this.store.db.send(
      new QueryCommand({
        TableName: this.store.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': assetKey(assetId).pk,
          ':prefix': assetPolicyLinkPrefix(insurerId),
        },
        Limit: 1,
      }),
    );
    return (out.Items ?? []).length > 0;
  }
}
