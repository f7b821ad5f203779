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
  STATS_SNAPSHOTS,
  statsSnapshotKey,
} from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import type { Item, Store } from './toolkit.js';

export class StatsRepository {
  constructor(private readonly store: Store) {}

  async pledgeFacts(year: number): Promise<PledgeRegisteredFact[]> {
    const items = await this.store.queryPartition(pledgeFactsPartition(year), undefined, {
      attributes: [
        'pledgeId',
        'registeredAt',
        'registeredOn',
        'applicant',
        'divisionCode',
        'lenderId',
        'amountFen',
        'firstTime',
      ],
    });
    return items as unknown as PledgeRegisteredFact[];
  }

  async policyFacts(year: number): Promise<PolicyIssuedFact[]> {
    const items = await this.store.queryPartition(policyFactsPartition(year), undefined, {
      attributes: [
        'policyId',
        'issuedAt',
        'issuedOn',
        'holder',
        'insurerId',
        'coverages',
        'premiumFen',
        'premiumSubsidyFen',
      ],
    });
    return items as unknown as PolicyIssuedFact[];
  }

  async claimFacts(year: number): Promise<ClaimPaidFact[]> {
    const items = await this.store.queryPartition(claimFactsPartition(year), undefined, {
      attributes: ['claimId', 'seq', 'paidAt', 'paidOn', 'policyId', 'insurerId', 'line', 'paidFen'],
    });
    return items as unknown as ClaimPaidFact[];
  }

  /** Assets of one type in force on `today`: the day counters with sk ≥ today. */
  async inForce(type: InForceType, today: IsoDate): Promise<number> {
    const items = await this.store.queryPartition(
      inForcePartition(type),
      { from: today },
      { attributes: ['sk', 'n'] },
    );
    return inForceOn(
      items.map((i) => ({ expiresOn: String(i.sk), n: Number(i.n) })),
      today,
      `portfolio.inForce.${type}`,
    );
  }

  private async shardSum(pk: string, figure: string): Promise<number> {
    const items = await this.store.queryPartition(pk, undefined, { attributes: ['n'] });
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
    const items = await this.store.queryPartition(DESIGNATIONS_COUNT_PARTITION, undefined, {
      attributes: ['sk', 'n'],
    });
    const counts: Partial<Record<DesignationLevel, number>> = {};
    for (const item of items)
      if ((DESIGNATION_LEVELS as readonly string[]).includes(String(item.sk)))
        counts[item.sk as DesignationLevel] = Number(item.n);
    return counts;
  }

  /** Overwrites the day's snapshot: running the job twice on one day leaves one snapshot, the latest. */
  putSnapshot(snapshot: StatsSnapshot): Promise<void> {
    const item = {
      ...statsSnapshotKey(snapshot.date),
      entity: 'stats-snapshot',
      year: snapshot.year,
      asOf: snapshot.asOf,
      snapshot: JSON.stringify(snapshot),
    };
    return this.store.write({ tag: 'snapshot', write: this.store.put(item) });
  }

  async snapshotOn(date: IsoDate): Promise<StatsSnapshot | undefined> {
    return parseSnapshot(await this.store.get(statsSnapshotKey(date), { consistent: false }));
  }

  /** The snapshots of the days from `from` through `to`, oldest first: one Query range of the snapshot partition. */
  async snapshotsBetween(from: IsoDate, to: IsoDate): Promise<StatsSnapshot[]> {
    const items = await this.store.queryPartition(
      STATS_SNAPSHOTS,
      { from, to },
      { attributes: ['snapshot'] },
    );
    return items.flatMap((item) => parseSnapshot(item) ?? []);
  }

  /** One page of a year's facts of one kind, oldest first (the drill-down behind a figure). */
  factsPage(
    kind: 'pledge' | 'policy' | 'claim',
    year: number,
    page: PageRequest,
  ): Promise<Page<PledgeRegisteredFact | PolicyIssuedFact | ClaimPaidFact>> {
    const partition = {
      pledge: pledgeFactsPartition,
      policy: policyFactsPartition,
      claim: claimFactsPartition,
    }[kind](year);
    const { db, tableName } = this.store;
    return queryPage({ db, tableName, partition, page });
  }

  /** One page of a counter's member items (the assets it counts), from sort key `from` on when given. */
  membersPage(
    partition: string,
    from: IsoDate | undefined,
    page: PageRequest,
  ): Promise<
    Page<{ assetId: string; type: InForceType; expiresOn: IsoDate; grantYear: number; number?: string }>
  > {
    const { db, tableName } = this.store;
    return queryPage({ db, tableName, partition, ...(from === undefined ? {} : { sortFrom: from }), page });
  }

  /** The newest snapshot: one Query, newest sort key first, Limit 1. */
  async latestSnapshot(): Promise<StatsSnapshot | undefined> {
    const { db, tableName } = this.store;
    const page = await queryPage<Item>({
      db,
      tableName,
      partition: STATS_SNAPSHOTS,
      newestFirst: true,
      page: { limit: 1 },
    });
    return parseSnapshot(page.items[0]);
  }
}

const parseSnapshot = (item: Item | undefined): StatsSnapshot | undefined =>
  typeof item?.snapshot === 'string' ? (JSON.parse(item.snapshot) as StatsSnapshot) : undefined;
