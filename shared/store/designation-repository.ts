/**
 * Demonstration/advantage designations in the single table.
 *
 * Items
 * - Designation  pk `DESIG#<id>`  sk `DESIG`  entity 'designation' (reviews and history inside: a few per year)
 *     gsi1 `DESIGNATIONS#Y<year>`      / `<status>#<level>#<uscc>#<id>`          ?year, ?year&status(&level)
 *     gsi2 `DESIGNATIONS#L#<level>`    / `<year>#<status>#<uscc>#<id>`           ?level, ?level&year
 *     gsi3 `DESIGNATIONS`              / `<status>#<level>#<year>#<uscc>#<id>`   everything, ?status(&level(&year))
 *   so every combination of the three filters is one key prefix on one index — never a filter, never a Scan.
 *   The sort keys start with the status and change with it, in the same conditional write.
 * - Active lock  pk `DESIG_ACTIVE#<uscc>#<level>`  sk `DESIG_ACTIVE`  entity 'designation-lock'
 *     { designationId, the designation's summary }; gsi1 `ENT#<uscc>#DESIGNATIONS` / `<level>`.
 *   Put under attribute_not_exists in the designating transaction and deleted (condition: it is this
 *   designation's) in the revoking one: at most one active designation per enterprise and level, even under
 *   concurrent requests. Its gsi1 entry lists an enterprise's current designations with one Query.
 * - Counter `COUNT#DESIGNATIONS` / `<level>` (stats-facts.ts), moved in the same transactions as the lock.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IsoDate } from '../domain/dates.js';
import type {
  Designation,
  DesignationLevel,
  DesignationStatus,
  DesignationSummary,
} from '../domain/designation.js';
import { lockEffect, summaryOf } from '../domain/designation.js';
import type { Enterprise } from '../domain/enterprise.js';
import { conflict, invalidState, unavailable, unprocessable, validationError } from '../domain/errors.js';
import { IN_FORCE_TYPES, type InForceType } from '../domain/statistics.js';
import { enterpriseKey } from './enterprise-repository.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import {
  designationCountDelta,
  ENTERPRISE_IN_FORCE_PREFIX,
  enterpriseSummaryKey,
  type WriteItem,
} from './stats-facts.js';
import { CONDITION_FAILED, conditionCancellationReasons } from './store-errors.js';

export const designationKey = (id: string) => ({ pk: `DESIG#${id}`, sk: 'DESIG' });
export const designationLockKey = (uscc: string, level: DesignationLevel) => ({
  pk: `DESIG_ACTIVE#${uscc}#${level}`,
  sk: 'DESIG_ACTIVE',
});
export const enterpriseDesignationsPartition = (uscc: string) => `ENT#${uscc}#DESIGNATIONS`;
const ALL_DESIGNATIONS = 'DESIGNATIONS';
const byYearPartition = (year: number) => `DESIGNATIONS#Y${year}`;
const byLevelPartition = (level: DesignationLevel) => `DESIGNATIONS#L#${level}`;

const MAX_BATCH_ATTEMPTS = 5;

const indexKeys = (d: Designation) => ({
  gsi1pk: byYearPartition(d.year),
  gsi1sk: `${d.status}#${d.level}#${d.uscc}#${d.id}`,
  gsi2pk: byLevelPartition(d.level),
  gsi2sk: `${d.year}#${d.status}#${d.uscc}#${d.id}`,
  gsi3pk: ALL_DESIGNATIONS,
  gsi3sk: `${d.status}#${d.level}#${d.year}#${d.uscc}#${d.id}`,
});

export interface DesignationFilters {
  level?: DesignationLevel | undefined;
  year?: number | undefined;
  status?: DesignationStatus | undefined;
}

/** Which index, partition and sort-key prefix serve a combination of filters (all eight are key prefixes). */
export function listPlan(f: DesignationFilters): {
  index: 'gsi1' | 'gsi2' | 'gsi3';
  partition: string;
  sortPrefix?: string;
} {
  if (f.status) {
    if (f.level)
      return {
        index: 'gsi3',
        partition: ALL_DESIGNATIONS,
        sortPrefix: `${f.status}#${f.level}#${f.year === undefined ? '' : `${f.year}#`}`,
      };
    if (f.year !== undefined)
      return { index: 'gsi1', partition: byYearPartition(f.year), sortPrefix: `${f.status}#` };
    return { index: 'gsi3', partition: ALL_DESIGNATIONS, sortPrefix: `${f.status}#` };
  }
  if (f.level)
    return {
      index: 'gsi2',
      partition: byLevelPartition(f.level),
      ...(f.year === undefined ? {} : { sortPrefix: `${f.year}#` }),
    };
  if (f.year !== undefined) return { index: 'gsi1', partition: byYearPartition(f.year) };
  return { index: 'gsi3', partition: ALL_DESIGNATIONS };
}

/** What `GET /designations` shows of the designated enterprise. */
export interface EnterprisePortfolioSummary {
  patentsInForce: Record<Exclude<InForceType, 'trademark'>, number>;
  trademarksInForce: number;
  /** Σ approved amount of the enterprise's registered pledges (all years). */
  pledgeFinancingRegisteredFen: number;
  /** Σ sum insured of the enterprise's issued policies (all years). */
  sumInsuredFen: number;
}

export interface EnterpriseBrief {
  name: string | null;
  divisionCode: string | null;
  portfolio: EnterprisePortfolioSummary;
}

export class DesignationRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Designation | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: designationKey(id), ConsistentRead: true }),
    );
    return out.Item ? toResource<Designation>(out.Item) : undefined;
  }

  /**
   * One transaction: the designation, its lock (at most one active per enterprise and level), a check that the
   * enterprise exists, and the active counter. Concurrent duplicates race on the lock; exactly one wins.
   */
  async create(d: Designation): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...designationKey(d.id), entity: 'designation', ...indexKeys(d), ...d },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: lockItem(d),
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: enterpriseKey(d.uscc),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            designationCountDelta(d.level, 1, this.tableName),
          ],
        }),
      );
    } catch (error) {
      const [designation, lock, enterprise] = conditionCancellationReasons(error);
      if (enterprise === CONDITION_FAILED)
        throw unprocessable(`Enterprise ${d.uscc} is not registered in the portal.`, {
          errors: [{ path: 'uscc', message: `${d.uscc} is not a registered enterprise` }],
        });
      if (lock === CONDITION_FAILED) {
        const activeId = lockHolder(error);
        throw conflict(
          `Enterprise ${d.uscc} already holds an active ${d.level} designation${activeId ? ` (${activeId})` : ''}; revoke it first.`,
          activeId ? { activeDesignationId: activeId } : {},
        );
      }
      if (designation === CONDITION_FAILED)
        throw conflict('A designation with this id already exists; retry.');
      throw error;
    }
  }

  /**
   * Stores `after` if the designation is still `before` (status and version), with the lock and counter moves the
   * transition implies — all in one transaction.
   */
  async transition(before: Designation, after: Designation): Promise<void> {
    const effect = lockEffect(before.status, after.status);
    const items: WriteItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...designationKey(after.id), entity: 'designation', ...indexKeys(after), ...after },
          ConditionExpression: '#status = :from AND version = :v',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':from': before.status, ':v': before.version },
        },
      },
    ];
    if (effect === 'free')
      items.push(
        {
          Delete: {
            TableName: this.tableName,
            Key: designationLockKey(before.uscc, before.level),
            ConditionExpression: 'designationId = :id',
            ExpressionAttributeValues: { ':id': before.id },
          },
        },
        designationCountDelta(before.level, -1, this.tableName),
      );
    // 'take' never happens: a revoked designation stays revoked (a new title is a new designation).
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = conditionCancellationReasons(error);
      if (reasons[0] === CONDITION_FAILED) {
        const current = await this.get(before.id);
        const state = current?.status ?? before.status;
        if (state !== before.status)
          throw invalidState(`The designation was changed concurrently; it is now ${state}.`, state);
        throw conflict('The designation was changed concurrently; reload and retry.');
      }
      if (reasons[1] === CONDITION_FAILED)
        throw conflict(
          'The active-designation lock does not belong to this designation; the IP office must reconcile it.',
        );
      throw error;
    }
  }

  async list(filters: DesignationFilters, page: PageRequest): Promise<Page<Designation>> {
    const plan = listPlan(filters);
    if (page.cursor !== undefined && plan.sortPrefix)
      assertCursorInRange(page.cursor, plan.index, plan.sortPrefix);
    return queryPage<Designation>({ db: this.db, tableName: this.tableName, ...plan, page });
  }

  /** The enterprise's current (active) designations: one Query on the lock items' index. */
  async activeOf(uscc: string): Promise<DesignationSummary[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': enterpriseDesignationsPartition(uscc) },
      }),
    );
    return (out.Items ?? []).map((i) => (i as { summary: DesignationSummary }).summary);
  }

  /**
   * Name and portfolio summary of each enterprise, without scanning: one BatchGet of the enterprise and
   * `SUMMARY` items, and per enterprise one Query of its in-force day counters from today on (bounded by that
   * enterprise's own portfolio, not by the table).
   */
  async enterpriseBriefs(usccs: readonly string[], today: IsoDate): Promise<Map<string, EnterpriseBrief>> {
    const unique = [...new Set(usccs)];
    const keys = unique.flatMap((u) => [enterpriseKey(u), enterpriseSummaryKey(u)]);
    const [items, inForce] = await Promise.all([
      this.batchGet(keys),
      Promise.all(unique.map((u) => this.inForceOf(u, today))),
    ]);
    const id = (key: Record<string, unknown>) => `${key.pk}|${key.sk}`;
    const byKey = new Map(items.map((i) => [id(i), i]));
    const briefs = new Map<string, EnterpriseBrief>();
    unique.forEach((uscc, n) => {
      const enterprise = byKey.get(id(enterpriseKey(uscc))) as Enterprise | undefined;
      const summary = byKey.get(id(enterpriseSummaryKey(uscc)));
      const counts = inForce[n]!;
      briefs.set(uscc, {
        name: enterprise?.name ?? null,
        divisionCode: enterprise?.divisionCode ?? null,
        portfolio: {
          patentsInForce: {
            invention: counts.invention,
            utility_model: counts.utility_model,
            design: counts.design,
          },
          trademarksInForce: counts.trademark,
          pledgeFinancingRegisteredFen: Number(summary?.pledgeRegisteredFen ?? 0),
          sumInsuredFen: Number(summary?.sumInsuredFen ?? 0),
        },
      });
    });
    return briefs;
  }

  /** Σ of the enterprise's day counters with expiry ≥ today, per type. */
  private async inForceOf(uscc: string, today: IsoDate): Promise<Record<InForceType, number>> {
    const counts = Object.fromEntries(IN_FORCE_TYPES.map((t) => [t, 0])) as Record<InForceType, number>;
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': enterpriseKey(uscc).pk,
            ':from': `${ENTERPRISE_IN_FORCE_PREFIX}${today}`,
            // '~' sorts after every digit, so this is "every day from today on".
            ':to': `${ENTERPRISE_IN_FORCE_PREFIX}~`,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const type = String(item.sk).split('#')[2] as InForceType;
        if (type in counts) counts[type] += Number(item.n ?? 0);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }

  /** BatchGet in chunks of 100, retrying unprocessed keys a bounded number of times (then 503). */
  private async batchGet(keys: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === MAX_BATCH_ATTEMPTS) throw unavailable();
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
        );
        found.push(...(out.Responses?.[this.tableName] ?? []));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }
}

/**
 * `queryPage` binds a cursor to its partition; several filters share one partition here, so a cursor must also lie
 * inside this filter's sort-key range (DynamoDB would reject a start key outside it with a server error).
 */
function assertCursorInRange(cursor: string, index: 'gsi1' | 'gsi2' | 'gsi3', prefix: string): void {
  let sortKey: unknown;
  try {
    sortKey = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>)[
      `${index}sk`
    ];
  } catch {
    sortKey = undefined;
  }
  if (typeof sortKey !== 'string' || !sortKey.startsWith(prefix))
    throw validationError([{ path: 'query.cursor', message: 'is not a cursor this list issued to you' }]);
}

function lockItem(d: Designation) {
  return {
    ...designationLockKey(d.uscc, d.level),
    entity: 'designation-lock',
    designationId: d.id,
    summary: summaryOf(d),
    gsi1pk: enterpriseDesignationsPartition(d.uscc),
    gsi1sk: d.level,
  };
}

/** The id of the designation holding the lock, from the item a cancelled transaction returned (ALL_OLD). */
function lockHolder(error: unknown): string | undefined {
  const reasons = (error as { CancellationReasons?: { Item?: Record<string, { S?: string }> }[] })
    .CancellationReasons;
  return reasons?.[1]?.Item?.designationId?.S;
}

/** `GET /enterprises/{uscc}`'s current designations (one Query); for the enterprises route to call. */
export const activeDesignationsOf = (
  deps: { db: DynamoDBDocumentClient; tableName: string },
  uscc: string,
): Promise<DesignationSummary[]> => new DesignationRepository(deps.db, deps.tableName).activeOf(uscc);
