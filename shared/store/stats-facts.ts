/**
 * Statistics kept exact by construction: every counted transition writes its fact item or counter delta IN THE
 * SAME TransactWriteItems as the transition itself. The transition's own guard (pledge `status = :from AND
 * version = :v`, asset `attribute_not_exists(pk)`, …) makes it happen once, so its fact is written once too: no
 * stream consumer, no lag, no double count on retry. The scheduled job then reads a handful of small partitions
 * whose size does not depend on how many enterprises, assets or past years the table holds.
 *
 * Items (all in the single table; `entity` 'stats-fact' / 'stats-counter'):
 *   Facts (one per transition, never updated; the year is the Asia/Shanghai year of the instant):
 *     pk `FACT#PLEDGE_REGISTERED#<year>`  sk `<registeredAt>#<pledgeId>`   registeredOn, applicant, divisionCode, lenderId, amountFen
 *     pk `FACT#POLICY_ISSUED#<year>`      sk `<issuedAt>#<policyId>`       holder, coverages[{line,sumInsuredFen}], premiumFen
 *     pk `FACT#CLAIM_PAID#<year>`         sk `<paidAt>#<claimId>#<seq>`    policyId, insurerId, line, paidFen (one per payment)
 *   Counters (`n`, changed only with ADD):
 *     pk `COUNT#IN_FORCE#<invention|utility_model|design|trademark>`  sk `<expiresOn>`   granted/registered assets by
 *        last day in force; "in force today" = Σ n over sk ≥ today (≤ ~7,300 days per type, whatever the asset count)
 *     pk `COUNT#GRANTED#<year>#<patent|trademark>`  sk `SHARD#<0-9>`   granted (registered) in that year
 *     pk `COUNT#OUTSTANDING`                        sk `SHARD#<0-9>`   approved fen of pledges now `active`
 *     pk `COUNT#DESIGNATIONS`                       sk `<level>`       active designations
 *   Per enterprise (read by `GET /designations`, bounded by that enterprise's portfolio):
 *     pk `ENT#<uscc>`  sk `INFORCE#<expiresOn>#<type>`  n                 its assets in force by last day
 *     pk `ENT#<uscc>`  sk `SUMMARY`  pledgeRegisteredFen, pledgesRegistered, sumInsuredFen, policiesIssued
 *
 * Single hot counters are split into 10 shards chosen by a hash of a stable key (the right, the pledge), so
 * concurrent transactions rarely touch the same item (a TransactionConflict would cost the caller a 503 and a
 * retry); the reader sums the shards with one Query.
 */
import type { Asset } from '../domain/asset.js';
import type { StatsChange } from '../domain/contributions.js';
import type { IsoDate } from '../domain/dates.js';
import type { DesignationLevel } from '../domain/designation.js';
import type { PatentType } from '../domain/patent-number.js';
import { type ClaimPaidFact, type InForceType, shanghaiYear } from '../domain/statistics.js';
import {
  claimFactsPartition,
  DESIGNATIONS_COUNT_PARTITION,
  enterpriseInForceKey,
  enterpriseSummaryKey,
  grantedMembersPartition,
  grantedPartition,
  inForceMembersPartition,
  inForcePartition,
  OUTSTANDING_PARTITION,
  pledgeFactsPartition,
  policyFactsPartition,
} from './keys.js';
import type { TxItem, WriteItem } from './toolkit.js';

export const COUNTER_SHARDS = 10;
const FACT_ENTITY = 'stats-fact';
const COUNTER_ENTITY = 'stats-counter';

/** FNV-1a over the key, so the same pledge always lands on the same shard (its repayment undoes its disbursal). */
export function shardOf(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `SHARD#${hash % COUNTER_SHARDS}`;
}

/** A fact counts in the year of its business date; facts without one, in the Shanghai year of their instant. */
export const factYear = (on: string | undefined, at: string): number =>
  on ? Number(on.slice(0, 4)) : shanghaiYear(at);

function checkDelta(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
}

function factPut(pk: string, sk: string, fields: Record<string, unknown>, tableName: string): WriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: { pk, sk, entity: FACT_ENTITY, ...fields },
      // A fact is written once: a replayed transaction cannot count it twice.
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function counterAdd(key: { pk: string; sk: string }, delta: number, tableName: string): WriteItem {
  checkDelta(delta, `counter ${key.pk}`);
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #entity = :entity ADD #n :delta',
      ExpressionAttributeNames: { '#entity': 'entity', '#n': 'n' },
      ExpressionAttributeValues: { ':entity': COUNTER_ENTITY, ':delta': delta },
    },
  };
}

// ---- Facts ----------------------------------------------------------------------------------------------------

export interface PledgeRegisteredInput {
  pledgeId: string;
  /** Defaults to the Asia/Shanghai year of `registeredAt`. */
  year?: number;
  registeredAt: string;
  /** The business date of the registration (what its month counts by). */
  registeredOn?: string;
  applicant: string;
  /** Characters 3–8 of the applicant's USCC. */
  divisionCode: string;
  lenderId: string;
  /** The approved amount. */
  amountFen: number;
  firstTime?: boolean;
}

/** Add to the `register` transition's transaction (approved → registered). */
export function pledgeRegisteredFact(input: PledgeRegisteredInput, tableName: string): WriteItem {
  checkDelta(input.amountFen, 'amountFen');
  const year = input.year ?? shanghaiYear(input.registeredAt);
  return factPut(
    pledgeFactsPartition(year),
    `${input.registeredAt}#${input.pledgeId}`,
    {
      pledgeId: input.pledgeId,
      registeredAt: input.registeredAt,
      ...(input.registeredOn ? { registeredOn: input.registeredOn } : {}),
      applicant: input.applicant,
      divisionCode: input.divisionCode,
      lenderId: input.lenderId,
      amountFen: input.amountFen,
      ...(input.firstTime ? { firstTime: true } : {}),
    },
    tableName,
  );
}

export interface PolicyIssuedInput {
  policyId: string;
  year?: number;
  issuedAt: string;
  /** The business date of the issue: the fact's year (else the Shanghai year of `issuedAt`). */
  issuedOn?: string;
  holder: string;
  insurerId?: string;
  coverages: readonly { line: string; sumInsuredFen: number }[];
  premiumFen: number;
  premiumSubsidyFen?: number;
}

/** Add to the `issue` transition's transaction (applied → active). */
export function policyIssuedFact(input: PolicyIssuedInput, tableName: string): WriteItem {
  checkDelta(input.premiumFen, 'premiumFen');
  const year = input.year ?? factYear(input.issuedOn, input.issuedAt);
  return factPut(
    policyFactsPartition(year),
    `${input.issuedAt}#${input.policyId}`,
    {
      policyId: input.policyId,
      issuedAt: input.issuedAt,
      ...(input.issuedOn ? { issuedOn: input.issuedOn } : {}),
      holder: input.holder,
      ...(input.insurerId ? { insurerId: input.insurerId } : {}),
      coverages: input.coverages.map((c) => ({ line: c.line, sumInsuredFen: c.sumInsuredFen })),
      premiumFen: input.premiumFen,
      ...(input.premiumSubsidyFen ? { premiumSubsidyFen: input.premiumSubsidyFen } : {}),
    },
    tableName,
  );
}

export interface ClaimPaidInput extends ClaimPaidFact {
  year?: number;
}

/** Add to each payment's transaction (a settlement, or a payment on an assessed claim). */
export function claimPaidFact(input: ClaimPaidInput, tableName: string): WriteItem {
  checkDelta(input.paidFen, 'paidFen');
  const { year: given, ...fact } = input;
  const year = given ?? factYear(input.paidOn, input.paidAt);
  return factPut(
    claimFactsPartition(year),
    `${input.paidAt}#${input.claimId}#${input.seq ?? 1}`,
    fact,
    tableName,
  );
}

// ---- Counters -------------------------------------------------------------------------------------------------

export interface PortfolioDeltaInput {
  kind: 'patent' | 'trademark';
  patentType?: PatentType;
  status: string;
  expiresOn: IsoDate;
  /** Year of grantDate (patent) / registrationDate (trademark); required when granted/registered. */
  grantYear?: number;
  /** USCC of the owner: the per-enterprise in-force counter and the shard of the granted counter. */
  owner: string;
  delta: 1 | -1;
  /** With it, the asset's member items (the records behind the counters) are written or removed as well. */
  assetId?: string;
  /** Shown with the records. */
  number?: string;
}

const COUNTED_STATUSES = new Set(['granted', 'registered']);

/**
 * The counter updates for an asset entering (+1, on creation) or leaving (−1, on deletion) the portfolio. Empty
 * for a pending application: only granted patents and registered trademarks are counted.
 */
export function portfolioDelta(input: PortfolioDeltaInput, tableName: string): WriteItem[] {
  if (!COUNTED_STATUSES.has(input.status)) return [];
  const type: InForceType = input.kind === 'trademark' ? 'trademark' : requirePatentType(input.patentType);
  if (input.grantYear === undefined)
    throw new Error('portfolioDelta: grantYear is required for a granted asset');
  const counters = [
    counterAdd({ pk: inForcePartition(type), sk: input.expiresOn }, input.delta, tableName),
    counterAdd(enterpriseInForceKey(input.owner, input.expiresOn, type), input.delta, tableName),
    counterAdd(
      // By the right, not its owner: one enterprise's bulk import spreads over every shard.
      { pk: grantedPartition(input.grantYear, input.kind), sk: shardOf(input.assetId ?? input.owner) },
      input.delta,
      tableName,
    ),
  ];
  if (input.assetId === undefined) return counters;
  const member = { assetId: input.assetId, type, expiresOn: input.expiresOn, grantYear: input.grantYear };
  const members = [
    { pk: inForceMembersPartition(type), sk: `${input.expiresOn}#${input.assetId}` },
    { pk: grantedMembersPartition(input.grantYear, input.kind), sk: input.assetId },
  ];
  return [
    ...counters,
    ...members.map(
      (key): WriteItem =>
        input.delta === 1
          ? {
              Put: {
                TableName: tableName,
                Item: {
                  ...key,
                  entity: MEMBER_ENTITY,
                  ...member,
                  ...(input.number ? { number: input.number } : {}),
                },
              },
            }
          : { Delete: { TableName: tableName, Key: key } },
    ),
  ];
}

const MEMBER_ENTITY = 'stats-member';

/** The key a transaction item writes: two items on one key cannot share a transaction. */
export const writeKey = (w: WriteItem): string => {
  const key = w.Update?.Key ?? w.Delete?.Key ?? w.ConditionCheck?.Key ?? w.Put?.Item;
  return `${String(key?.pk)}\u0000${String(key?.sk)}`;
};

function requirePatentType(patentType: PatentType | undefined): PatentType {
  if (!patentType) throw new Error('portfolioDelta: patentType is required for a patent');
  return patentType;
}

/** `portfolioDelta` for a stored asset: add `(asset, 1)` to its creation, `(asset, -1)` to its deletion. */
export function portfolioDeltaOfAsset(asset: Asset, delta: 1 | -1, tableName: string): WriteItem[] {
  const grantDate = asset.kind === 'patent' ? asset.grantDate : asset.registrationDate;
  return portfolioDelta(
    {
      kind: asset.kind,
      ...(asset.kind === 'patent' ? { patentType: asset.patentType } : {}),
      status: asset.status,
      expiresOn: asset.expiresOn,
      ...(grantDate ? { grantYear: Number(grantDate.slice(0, 4)) } : {}),
      owner: asset.owner,
      delta,
      assetId: asset.id,
      number: asset.number,
    },
    tableName,
  );
}

/**
 * Outstanding financing: `+approvedAmountFen` in the `disburse` transaction (registered → active),
 * `-approvedAmountFen` in `repay` / `default` (active → repaid | defaulted). Pass the pledge id so both land on
 * the same shard.
 */
export function outstandingDelta(amountFen: number, pledgeId: string, tableName: string): WriteItem {
  return counterAdd({ pk: OUTSTANDING_PARTITION, sk: shardOf(pledgeId) }, amountFen, tableName);
}

/** Active designations per level: +1 on designate, −1 when one is revoked (by a failed review or revoke). */
export function designationCountDelta(level: DesignationLevel, delta: 1 | -1, tableName: string): WriteItem {
  return counterAdd({ pk: DESIGNATIONS_COUNT_PARTITION, sk: level }, delta, tableName);
}

export interface EnterpriseSummaryChange {
  /** Approved amount of a pledge just registered. */
  pledgeRegisteredFen?: number;
  /** Σ sumInsuredFen of a policy just issued. */
  sumInsuredFen?: number;
}

/**
 * The enterprise's running totals shown with its designations: add `{ pledgeRegisteredFen }` to the pledge
 * `register` transaction and `{ sumInsuredFen }` to the policy `issue` transaction (at most once per enterprise
 * per transaction: DynamoDB refuses two operations on one item). In-force counts are NOT kept here — they change
 * with the calendar — but by `portfolioDelta`'s per-enterprise day counters.
 */
export function enterpriseSummaryDelta(
  uscc: string,
  change: EnterpriseSummaryChange,
  tableName: string,
): WriteItem {
  const adds: string[] = [];
  const values: Record<string, unknown> = { ':entity': 'enterprise-summary', ':one': 1 };
  if (change.pledgeRegisteredFen !== undefined) {
    checkDelta(change.pledgeRegisteredFen, 'pledgeRegisteredFen');
    adds.push('pledgeRegisteredFen :pledged', 'pledgesRegistered :one');
    values[':pledged'] = change.pledgeRegisteredFen;
  }
  if (change.sumInsuredFen !== undefined) {
    checkDelta(change.sumInsuredFen, 'sumInsuredFen');
    adds.push('sumInsuredFen :insured', 'policiesIssued :one');
    values[':insured'] = change.sumInsuredFen;
  }
  if (adds.length === 0) throw new Error('enterpriseSummaryDelta: nothing to add');
  return {
    Update: {
      TableName: tableName,
      Key: enterpriseSummaryKey(uscc),
      UpdateExpression: `SET #entity = :entity ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: { '#entity': 'entity' },
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * The writes of one transition's statistics change (domain/contributions.ts), each tagged `fact`: its condition
 * (a fact is written once) fails only when the transition was applied concurrently.
 */
export function statsWrites(change: StatsChange, tableName: string): TxItem[] {
  const writes: WriteItem[] = [];
  const { pledgeRegistered, policyIssued, claimPayments } = change.facts;
  if (pledgeRegistered) writes.push(pledgeRegisteredFact(pledgeRegistered, tableName));
  if (policyIssued) writes.push(policyIssuedFact(policyIssued, tableName));
  for (const payment of claimPayments ?? []) writes.push(claimPaidFact(payment, tableName));
  if (change.outstanding)
    writes.push(outstandingDelta(change.outstanding.deltaFen, change.outstanding.pledgeId, tableName));
  if (change.enterprise) {
    const { uscc, ...totals } = change.enterprise;
    writes.push(enterpriseSummaryDelta(uscc, totals, tableName));
  }
  if (change.designations)
    writes.push(designationCountDelta(change.designations.level, change.designations.delta, tableName));
  return writes.map((write) => ({ tag: 'fact', write }));
}
