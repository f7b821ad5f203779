/**
 * Demonstration/advantage designations in the single table.
 *
 * Items
 * - Designation  pk `DESIG#<id>`  sk `DESIG`  entity 'designation' (its reviews inside: a few per year)
 *     gsi1 `DESIGNATIONS#Y<year>`      / `<status>#<level>#<uscc>#<id>`          ?year, ?year&status(&level)
 *     gsi2 `DESIGNATIONS#L#<level>`    / `<year>#<status>#<uscc>#<id>`           ?level, ?level&year
 *     gsi3 `DESIGNATIONS`              / `<status>#<level>#<year>#<uscc>#<id>`   everything, ?status(&level(&year))
 *   so every combination of the three filters is one key prefix on one index — never a filter, never a Scan.
 *   The sort keys start with the status and change with it, in the same guarded update (the engine's).
 * - History  pk `DESIG#<id>`  sk `EVENT#<version>`: one domain event per transition (keys.ts), written by the engine.
 * - Active lock  pk `DESIG_ACTIVE#<uscc>#<level>`  sk `DESIG_ACTIVE`  entity 'designation-lock'
 *     { designationId, the designation's summary }; gsi1 `ENT#<uscc>#DESIGNATIONS` / `<level>`.
 *   Put under attribute_not_exists in the designating transaction and deleted (condition: it is this
 *   designation's) in the revoking one: at most one active designation per enterprise and level, even under
 *   concurrent requests. Its gsi1 entry lists an enterprise's current designations with one Query.
 * - Counter `COUNT#DESIGNATIONS` / `<level>` (stats-facts.ts), moved in the same transactions as the lock.
 */
import type { IsoDate } from '../domain/dates.js';
import {
  DESIGNATION_LEVELS,
  type Designation,
  type DesignationLevel,
  type DesignationStatus,
  type DesignationSummary,
  summaryOf,
} from '../domain/designation.js';
import type { DomainEvent } from '../domain/domain-event.js';
import type { Enterprise } from '../domain/enterprise.js';
import { validationError } from '../domain/errors.js';
import { IN_FORCE_TYPES, type InForceType } from '../domain/statistics.js';
import {
  aggregateKey,
  designationCandidacyKey,
  designationLockKey,
  designationQuotaKey,
  designationQuotaPartition,
  ENTERPRISE_DESIGNATION_PREFIX,
  ENTERPRISE_IN_FORCE_PREFIX,
  enterpriseDesignationLinkKey,
  enterpriseKey,
  enterpriseSummaryKey,
  eventKey,
  partitions,
} from './keys.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { ABSENT, type Store, type TxItem } from './toolkit.js';

export const designationIndexKeys = (d: Designation) => ({
  gsi1pk: partitions.designationsOfYear(d.year),
  gsi1sk: `${d.status}#${d.level}#${d.uscc}#${d.id}`,
  gsi2pk: partitions.designationsOfLevel(d.level),
  gsi2sk: `${d.year}#${d.status}#${d.uscc}#${d.id}`,
  gsi3pk: partitions.designations,
  gsi3sk: `${d.status}#${d.level}#${d.year}#${d.uscc}#${d.id}`,
});

/** Takes the enterprise-and-level lock (tag `lock`; its old image names the holder). */
export const takeLock = (store: Store, d: Designation): TxItem[] => [
  {
    tag: 'lock',
    write: store.put(
      {
        ...designationLockKey(d.uscc, d.level),
        entity: 'designation-lock',
        designationId: d.id,
        summary: summaryOf(d),
        gsi1pk: partitions.enterpriseDesignations(d.uscc),
        gsi1sk: d.level,
      },
      ABSENT,
      { returnOld: true },
    ),
  },
];

/** Frees the lock this designation holds (tag `lock`: it holds none) and counts one active fewer. */
export const freeLock = (store: Store, d: Designation): TxItem[] => [
  {
    tag: 'lock',
    write: store.remove(designationLockKey(d.uscc, d.level), {
      expression: 'designationId = :id',
      values: { ':id': d.id },
    }),
  },
];

/** Takes the enterprise-and-level candidacy lock (tag `candidacy`; its old image names the open candidacy). */
export const takeCandidacy = (store: Store, d: Designation): TxItem[] => [
  {
    tag: 'candidacy',
    write: store.put(
      { ...designationCandidacyKey(d.uscc, d.level), entity: 'designation-candidacy', designationId: d.id },
      ABSENT,
      { returnOld: true },
    ),
  },
];

/** Frees the candidacy lock this designation holds. */
export const freeCandidacy = (store: Store, d: Designation): TxItem[] => [
  {
    tag: 'candidacy',
    write: store.remove(designationCandidacyKey(d.uscc, d.level), {
      expression: 'designationId = :id',
      values: { ':id': d.id },
    }),
  },
];

/** The link that lists a new designation in its enterprise's partition (written once, with the designation). */
export const enterpriseLink = (store: Store, d: Designation): TxItem => ({
  tag: 'link',
  write: store.put(
    { ...enterpriseDesignationLinkKey(d.uscc, d.id), entity: 'designation-link', designationId: d.id },
    ABSENT,
  ),
});

/**
 * Counts one title the programme grants against the year's quota for its level (tag `quota`): refused when the
 * quota is set and used up; no quota set, no limit.
 */
export const takeQuota = (store: Store, year: number, level: DesignationLevel): TxItem => ({
  tag: 'quota',
  write: store.update(
    designationQuotaKey(year, level),
    { add: { granted: 1 } },
    {
      expression: 'attribute_not_exists(#q) OR (attribute_not_exists(#g) AND #q > :zero) OR #g < #q',
      names: { '#q': 'quota', '#g': 'granted' },
      values: { ':zero': 0 },
    },
  ),
});

/** The id of the designation holding the lock, from the old image of a failed `takeLock`. */
export const lockHolder = (old: Record<string, unknown> | undefined): string | undefined =>
  typeof old?.designationId === 'string' ? old.designationId : undefined;

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
        partition: partitions.designations,
        sortPrefix: `${f.status}#${f.level}#${f.year === undefined ? '' : `${f.year}#`}`,
      };
    if (f.year !== undefined)
      return { index: 'gsi1', partition: partitions.designationsOfYear(f.year), sortPrefix: `${f.status}#` };
    return { index: 'gsi3', partition: partitions.designations, sortPrefix: `${f.status}#` };
  }
  if (f.level)
    return {
      index: 'gsi2',
      partition: partitions.designationsOfLevel(f.level),
      ...(f.year === undefined ? {} : { sortPrefix: `${f.year}#` }),
    };
  if (f.year !== undefined) return { index: 'gsi1', partition: partitions.designationsOfYear(f.year) };
  return { index: 'gsi3', partition: partitions.designations };
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

/** What a page of designations is shown with: each one's history and each enterprise's brief. */
export interface ListContext {
  /** Each designation's events, oldest first. */
  histories: Map<string, DomainEvent[]>;
  briefs: Map<string, EnterpriseBrief>;
}

export class DesignationRepository {
  constructor(private readonly store: Store) {}

  async list(filters: DesignationFilters, page: PageRequest): Promise<Page<Designation>> {
    const plan = listPlan(filters);
    if (page.cursor !== undefined && plan.sortPrefix)
      assertCursorInRange(page.cursor, plan.index, plan.sortPrefix);
    return queryPage<Designation>({ db: this.store.db, tableName: this.store.tableName, ...plan, page });
  }

  /** The enterprise's current (active) designations: one Query on the lock items' index (one per level at most). */
  async activeOf(uscc: string): Promise<DesignationSummary[]> {
    const page = await queryPage<{ summary: DesignationSummary }>({
      db: this.store.db,
      tableName: this.store.tableName,
      index: 'gsi1',
      partition: partitions.enterpriseDesignations(uscc),
      page: { limit: DESIGNATION_LEVELS.length },
    });
    return page.items.map((i) => i.summary);
  }

  /**
   * The histories of a page of designations and the name and portfolio summary of their enterprises, without
   * scanning: ONE BatchGet of every event (versions 1…version are known), enterprise and `SUMMARY` item, and per
   * enterprise one Query of its in-force day counters from today on (bounded by its own portfolio).
   */
  async listContext(
    designations: readonly Designation[],
    today: IsoDate,
    alsoEnterprises: readonly string[] = [],
  ): Promise<ListContext> {
    const usccs = [...new Set([...designations.map((d) => d.uscc), ...alsoEnterprises])];
    const eventKeys = (d: Designation) =>
      Array.from({ length: d.version }, (_, i) => eventKey({ kind: 'designation', id: d.id }, i + 1));
    const [items, inForce] = await Promise.all([
      this.store.batchGet([
        ...designations.flatMap(eventKeys),
        ...usccs.flatMap((u) => [enterpriseKey(u), enterpriseSummaryKey(u)]),
      ]),
      Promise.all(usccs.map((u) => this.inForceOf(u, today))),
    ]);
    const histories = new Map(
      designations.map((d) => [
        d.id,
        eventKeys(d).flatMap((key) => {
          const item = items.get(key);
          return item ? [toResource<DomainEvent>(item)] : [];
        }),
      ]),
    );
    const briefs = new Map<string, EnterpriseBrief>();
    usccs.forEach((uscc, n) => {
      const enterprise = items.get(enterpriseKey(uscc)) as Enterprise | undefined;
      const summary = items.get(enterpriseSummaryKey(uscc));
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
    return { histories, briefs };
  }

  /** One enterprise's name and portfolio summary (as the list shows them). */
  async briefOf(uscc: string, today: IsoDate): Promise<EnterpriseBrief> {
    return (await this.listContext([], today, [uscc])).briefs.get(uscc)!;
  }

  /** Every designation of one enterprise, any state: its links (one Query of its partition), then one BatchGet. */
  async ofEnterprise(uscc: string): Promise<Designation[]> {
    const links = await this.store.queryPartition(enterpriseKey(uscc).pk, ENTERPRISE_DESIGNATION_PREFIX, {
      attributes: ['designationId'],
    });
    const keys = links.map((l) => aggregateKey('designation', String(l.designationId)));
    const items = await this.store.batchGet(keys);
    return keys
      .flatMap((key) => {
        const item = items.get(key);
        return item ? [toResource<Designation>(item)] : [];
      })
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** The year's quota and grants per level (one Query of the year's quota partition). */
  async quotasOf(
    year: number,
  ): Promise<Partial<Record<DesignationLevel, { quota?: number; granted: number }>>> {
    const items = await this.store.queryPartition(designationQuotaPartition(year));
    return Object.fromEntries(
      items.map((i) => [
        i.sk as DesignationLevel,
        { ...(i.quota === undefined ? {} : { quota: Number(i.quota) }), granted: Number(i.granted ?? 0) },
      ]),
    );
  }

  /** Sets the year's quota of `level`; refused (tag `quota`) below what was already granted against it. */
  setQuota(year: number, level: DesignationLevel, quota: number): TxItem {
    return {
      tag: `quota:${level}`,
      write: this.store.update(
        designationQuotaKey(year, level),
        { set: { quota } },
        {
          expression: 'attribute_not_exists(#g) OR #g <= :quota',
          names: { '#g': 'granted' },
          values: { ':quota': quota },
        },
        { returnOld: true },
      ),
    };
  }

  /** Σ of the enterprise's day counters with expiry ≥ today, per type. */
  private async inForceOf(uscc: string, today: IsoDate): Promise<Record<InForceType, number>> {
    const counts = Object.fromEntries(IN_FORCE_TYPES.map((t) => [t, 0])) as Record<InForceType, number>;
    // '~' sorts after every digit, so this is "every day from today on".
    const items = await this.store.queryPartition(
      enterpriseKey(uscc).pk,
      { from: `${ENTERPRISE_IN_FORCE_PREFIX}${today}`, to: `${ENTERPRISE_IN_FORCE_PREFIX}~` },
      { attributes: ['sk', 'n'] },
    );
    for (const item of items) {
      const type = String(item.sk).split('#')[2] as InForceType;
      if (type in counts) counts[type] += Number(item.n ?? 0);
    }
    return counts;
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
