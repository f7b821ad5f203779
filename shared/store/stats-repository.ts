/**
 * Reads the statistics facts and counters (`stats-facts.ts` writes them) and stores the daily snapshots.
 *
 * Every read is a Query on one small partition, strongly consistent (base table), paged until done: the facts of
 * ONE year, the in-force day counters from today on, ten shards, four levels. None of them grows with the number
 * of enterprises, assets or past years in the table.
 *
 * Snapshots: pk `STATS`, sk `<YYYY-MM-DD>` (Asia/Shanghai day), `snapshot` = the figures as JSON text (a DynamoDB
 * map would not keep the field order, and the CSV and the JSON answer should list figures in the contract's order).
 * A second run on the same day overwrites the same item (idempotent).
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IsoDate } from '../domain/dates.js';
import { DESIGNATION_LEVELS, type DesignationLevel } from '../domain/designation.js';
import {
  type ClaimPaidFact,
  type InForceType,
  inForceOn,
  type PledgeRegisteredFact,
  type PolicyIssuedFact,
  type StatsSnapshot,
  sumExact,
} from '../domain/statistics.js';
import {
  claimFactsPartition,
  DESIGNATIONS_COUNT_PARTITION,
  grantedPartition,
  inForcePartition,
  OUTSTANDING_PARTITION,
  pledgeFactsPartition,
  policyFactsPartition,
} from './stats-facts.js';

export const STATS_PARTITION = 'STATS';
const snapshotKey = (date: IsoDate) => ({ pk: STATS_PARTITION, sk: date });

type Item = Record<string, unknown>;

export class StatsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** All items of one partition (optionally sk ≥ `from`), page after page; consistent reads. */
  private async queryAll(
    pk: string,
    options: { from?: string; projection?: string[] } = {},
  ): Promise<Item[]> {
    const items: Item[] = [];
    const names: Record<string, string> = { '#pk': 'pk' };
    const values: Record<string, unknown> = { ':pk': pk };
    if (options.from !== undefined) {
      names['#sk'] = 'sk';
      values[':from'] = options.from;
    }
    options.projection?.forEach((field, i) => {
      names[`#p${i}`] = field;
    });
    let startKey: Item | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: options.from === undefined ? '#pk = :pk' : '#pk = :pk AND #sk >= :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(options.projection
            ? { ProjectionExpression: options.projection.map((_, i) => `#p${i}`).join(', ') }
            : {}),
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async pledgeFacts(year: number): Promise<PledgeRegisteredFact[]> {
    const items = await this.queryAll(pledgeFactsPartition(year), {
      projection: ['pledgeId', 'registeredAt', 'applicant', 'divisionCode', 'lenderId', 'amountFen'],
    });
    return items as unknown as PledgeRegisteredFact[];
  }

  async policyFacts(year: number): Promise<PolicyIssuedFact[]> {
    const items = await this.queryAll(policyFactsPartition(year), {
      projection: ['policyId', 'issuedAt', 'holder', 'coverages', 'premiumFen'],
    });
    return items as unknown as PolicyIssuedFact[];
  }

  async claimFacts(year: number): Promise<ClaimPaidFact[]> {
    const items = await this.queryAll(claimFactsPartition(year), {
      projection: ['claimId', 'paidAt', 'policyId', 'line', 'paidFen'],
    });
    return items as unknown as ClaimPaidFact[];
  }

  /** Assets of one type in force on `today`: the day counters with sk ≥ today. */
  async inForce(type: InForceType, today: IsoDate): Promise<number> {
    const items = await this.queryAll(inForcePartition(type), { from: today, projection: ['sk', 'n'] });
    return inForceOn(
      items.map((i) => ({ expiresOn: String(i.sk), n: Number(i.n) })),
      today,
      `portfolio.inForce.${type}`,
    );
  }

  private async shardSum(pk: string, figure: string): Promise<number> {
    const items = await this.queryAll(pk, { projection: ['n'] });
    return sumExact(
      items.map((i) => Number(i.n)),
      figure,
    );
  }

  granted(year: number, kind: 'patent' | 'trademark'): Promise<number> {
    return this.shardSum(grantedPartition(year, kind), `portfolio.granted.${kind}`);
  }

  outstandingFen(): Promise<number> {
    return this.shardSum(OUTSTANDING_PARTITION, 'financing.outstandingAmountFen');
  }

  async activeDesignations(): Promise<Partial<Record<DesignationLevel, number>>> {
    const items = await this.queryAll(DESIGNATIONS_COUNT_PARTITION, { projection: ['sk', 'n'] });
    const counts: Partial<Record<DesignationLevel, number>> = {};
    for (const item of items)
      if ((DESIGNATION_LEVELS as readonly string[]).includes(String(item.sk)))
        counts[item.sk as DesignationLevel] = Number(item.n);
    return counts;
  }

  /** Overwrites the day's snapshot: running the job twice on one day leaves one snapshot, the latest. */
  async putSnapshot(snapshot: StatsSnapshot): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...snapshotKey(snapshot.date),
          entity: 'stats-snapshot',
          year: snapshot.year,
          asOf: snapshot.asOf,
          snapshot: JSON.stringify(snapshot),
        },
      }),
    );
  }

  async snapshotOn(date: IsoDate): Promise<StatsSnapshot | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: snapshotKey(date) }));
    return parseSnapshot(out.Item);
  }

  /** The newest snapshot: one Query, newest sort key first, Limit 1. */
  async latestSnapshot(): Promise<StatsSnapshot | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': STATS_PARTITION },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return parseSnapshot(out.Items?.[0]);
  }
}

const parseSnapshot = (item: Item | undefined): StatsSnapshot | undefined =>
  typeof item?.snapshot === 'string' ? (JSON.parse(item.snapshot) as StatsSnapshot) : undefined;
