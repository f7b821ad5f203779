/**
 * Statistics use cases: build the day's snapshot from the facts and counters (the daily job stores it), and read
 * a stored one. The figures come from the pure functions of `domain/statistics.ts`.
 */
import { compareDates, daysBetween, type IsoDate, yearOf } from '../domain/dates.js';
import { DESIGNATION_LEVELS } from '../domain/designation.js';
import { DomainError, notFound, validationError } from '../domain/errors.js';
import {
  buildSnapshot,
  type ClaimPaidFact,
  countedFenOf,
  type DrillableFigure,
  divisionKey,
  divisionOfUscc,
  FIGURE_RECORDS,
  type HistoryPoint,
  historyPoint,
  type InForceType,
  isLoanRecordOf,
  isRecordOf,
  loanFigureValue,
  type PolicyIssuedFact,
  type RecordFilter,
  type RecordKind,
  type StatsInputs,
  type StatsSnapshot,
} from '../domain/statistics.js';
import { AssetRepository } from '../store/asset-repository.js';
import { DesignationRepository } from '../store/designation-repository.js';
import { grantedMembersPartition, inForceMembersPartition } from '../store/keys.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { StatsRepository } from '../store/stats-repository.js';
import type { UseCaseContext } from './context.js';
import { loanBookOn, loanBookPage } from './loans.js';
import { interestSubsidyTotal, subsidyLines } from './programmes.js';

/**
 * The inputs of the snapshot as of the business date: 11 Queries on small partitions (3 fact partitions of this year,
 * 4 in-force types from today on, 2 granted counters, outstanding, designations) and the loan book (the active and
 * defaulted loans by the office index, and their lenders), never a Scan.
 */
export async function gatherStatsInputs(uc: UseCaseContext): Promise<StatsInputs> {
  const repo = new StatsRepository(uc.store);
  const now = uc.clock.now();
  const date = uc.clock.today();
  const year = yearOf(date);
  const [
    pledges,
    policies,
    claims,
    invention,
    utilityModel,
    design,
    trademark,
    patentsGranted,
    trademarksRegistered,
    outstandingFen,
    activeDesignations,
    loanBook,
    interestSubsidyFen,
  ] = await Promise.all([
    repo.pledgeFacts(year),
    repo.policyFacts(year),
    repo.claimFacts(year),
    repo.inForce('invention', date),
    repo.inForce('utility_model', date),
    repo.inForce('design', date),
    repo.inForce('trademark', date),
    repo.granted(year, 'patent'),
    repo.granted(year, 'trademark'),
    repo.outstandingFen(),
    repo.activeDesignations(),
    loanBookOn(uc),
    interestSubsidyTotal(uc, year),
  ]);
  return {
    asOf: now.toISOString(),
    date,
    year,
    pledges,
    policies,
    claims,
    outstandingFen,
    loanBook,
    inForce: { invention, utility_model: utilityModel, design, trademark },
    patentsGrantedThisYear: patentsGranted,
    trademarksRegisteredThisYear: trademarksRegistered,
    activeDesignations,
    interestSubsidyFen,
  };
}

/** The snapshot as of the business date, without storing it (the reconciliation compares against this). */
export async function buildStatsSnapshot(uc: UseCaseContext): Promise<StatsSnapshot> {
  return buildSnapshot(await gatherStatsInputs(uc));
}

/** Builds and stores the day's snapshot (a second run the same day overwrites it); returns it. */
export async function recordStatsSnapshot(uc: UseCaseContext): Promise<StatsSnapshot> {
  const snapshot = await buildStatsSnapshot(uc);
  await new StatsRepository(uc.store).putSnapshot(snapshot);
  return snapshot;
}

export async function latestSnapshot(uc: UseCaseContext): Promise<StatsSnapshot> {
  const snapshot = await new StatsRepository(uc.store).latestSnapshot();
  if (!snapshot)
    throw new DomainError(
      'not_found',
      'There is no statistics snapshot yet: the scheduled statistics job has not run.',
    );
  return snapshot;
}

/** The longest history one request reads (a year and a day). */
export const MAX_HISTORY_DAYS = 366;

/**
 * The trend of the headline figures from the stored daily snapshots of [from, to] (one Query range; days without a
 * snapshot are absent). A range longer than `MAX_HISTORY_DAYS` or upside down → 400 naming the field.
 */
export async function statsHistory(uc: UseCaseContext, from: IsoDate, to: IsoDate): Promise<HistoryPoint[]> {
  if (compareDates(from, to) > 0)
    throw validationError([
      { path: 'query.to', code: 'before_from', message: `must not be before from (${from})` },
    ]);
  if (daysBetween(from, to) >= MAX_HISTORY_DAYS)
    throw validationError([
      {
        path: 'query.to',
        code: 'range_too_long',
        params: { maximum: MAX_HISTORY_DAYS },
        message: `the range may span at most ${MAX_HISTORY_DAYS} days`,
      },
    ]);
  return (await new StatsRepository(uc.store).snapshotsBetween(from, to)).map(historyPoint);
}

/** A record as `GET /stats/records` shows it: its kind, its fields, and what it adds to the figure. */
export type StatsRecord = { kind: RecordKind; countedFen?: number } & Record<string, unknown>;

/** One source of records: one partition (or index range) read a page at a time. */
type Source = (page: PageRequest) => Promise<Page<StatsRecord>>;

/**
 * A page of the records a figure counts, narrowed by division, lender, insurer, month, line, patent type or level.
 * The records are read from their partitions in order, a page at a time, and narrowed after the read: a page may
 * hold fewer records than its limit, and the cursor goes on where the read stopped (a figure whose records lie in
 * several partitions reads them one after the other). Each page costs one Query (and, for loans and assets, one
 * BatchGet), never a Scan.
 *
 * - pledges, policies, claim payments: the year's facts (`FACT#…#<year>`);
 * - the loan book: the active and the defaulted loans by the office index, as of the business date (the snapshot of
 *   that date counts the same loans);
 * - a loss ratio: the year's policies (their premium) then its claim payments;
 * - the interest subsidy: the year's subsidy list, one line per enterprise;
 * - assets in force today / granted in the year: the counters' member items;
 * - designations: the active titles of a level (all levels without `level`).
 */
export async function statsRecords(
  uc: UseCaseContext,
  req: { figure: DrillableFigure; year: number; filter: RecordFilter },
  page: PageRequest,
): Promise<Page<StatsRecord>> {
  return readSources(sourcesOf(uc, req), page);
}

function sourcesOf(
  uc: UseCaseContext,
  { figure, year, filter }: { figure: DrillableFigure; year: number; filter: RecordFilter },
): Source[] {
  const repo = new StatsRepository(uc.store);
  const facts =
    (kind: 'pledge' | 'policy' | 'claim'): Source =>
    async (page) => {
      const read = await repo.factsPage(kind, year, page);
      return {
        nextCursor: read.nextCursor,
        items: read.items
          .filter((f) => isRecordOf(figure, f, filter))
          .map((f) => {
            const countedFen = countedFenOf(figure, f as PolicyIssuedFact | ClaimPaidFact, filter);
            return { kind, ...f, ...(countedFen === undefined ? {} : { countedFen }) };
          }),
      };
    };
  const loans =
    (status: 'active' | 'defaulted'): Source =>
    async (page) => {
      const read = await loanBookPage(uc, status, page);
      return {
        nextCursor: read.nextCursor,
        items: read.items
          .filter((loan) => isLoanRecordOf(figure, loan, filter))
          .map((loan) => ({ kind: 'loan', ...loan, countedFen: loanFigureValue(figure, loan) })),
      };
    };
  const assets =
    (partition: string, from?: IsoDate): Source =>
    async (page) => {
      const read = await repo.membersPage(partition, from, page);
      const found = await new AssetRepository(uc.store).getMany(read.items.map((m) => m.assetId));
      return {
        nextCursor: read.nextCursor,
        items: read.items.map((m) => {
          const asset = found.get(m.assetId);
          return {
            kind: 'asset',
            ...m,
            ...(asset
              ? {
                  owner: asset.owner,
                  number: asset.number,
                  title: asset.kind === 'patent' ? asset.title : asset.mark,
                }
              : {}),
          };
        }),
      };
    };
  const today = uc.clock.today();
  switch (FIGURE_RECORDS[figure]) {
    case 'pledge':
    case 'policy':
    case 'claim':
      return [facts(FIGURE_RECORDS[figure] as 'pledge' | 'policy' | 'claim')];
    case 'loss_ratio':
      return [facts('policy'), facts('claim')];
    case 'loan':
      return figure === 'financing.outstandingAmountFen' ||
        figure.startsWith('financing.outstandingPrincipal') ||
        figure.startsWith('financing.overdue')
        ? [loans('active')]
        : [loans('active'), loans('defaulted')];
    case 'subsidy':
      return [
        async (page) => {
          const lines = await subsidyLines(uc, year);
          const offset = offsetOf(page.cursor);
          const items = lines.slice(offset, offset + page.limit);
          const next = offset + page.limit;
          return {
            items: items
              .filter(
                (l) =>
                  filter.division === undefined || divisionKey(divisionOfUscc(l.uscc)) === filter.division,
              )
              .map((l) => ({ kind: 'subsidy', ...l, countedFen: l.subsidyFen })),
            nextCursor: next < lines.length ? String(next) : null,
          };
        },
      ];
    case 'asset_in_force': {
      const types: InForceType[] =
        figure === 'portfolio.trademarksInForce'
          ? ['trademark']
          : filter.type
            ? [filter.type]
            : ['invention', 'utility_model', 'design'];
      return types.map((type) => assets(inForceMembersPartition(type), today));
    }
    case 'asset_granted': {
      const kind = figure === 'portfolio.trademarksRegisteredThisYear' ? 'trademark' : 'patent';
      return [assets(grantedMembersPartition(year, kind))];
    }
    case 'designation': {
      const levels = filter.level ? [filter.level] : [...DESIGNATION_LEVELS];
      const designations = new DesignationRepository(uc.store);
      return levels.map((level) => async (page) => {
        const read = await designations.list({ status: 'active', level }, page);
        return {
          nextCursor: read.nextCursor,
          items: read.items.map((d) => ({
            kind: 'designation',
            id: d.id,
            uscc: d.uscc,
            level: d.level,
            year: d.year,
            ...(d.validUntil ? { validUntil: d.validUntil } : {}),
            status: d.status,
          })),
        };
      });
    }
  }
}

const invalidCursor = () =>
  validationError([{ path: 'query.cursor', message: 'is not a cursor this list issued to you' }]);

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw invalidCursor();
  return Number(cursor);
}

/**
 * Reads the sources one after the other: the cursor is base64url JSON `{ s, c? }`, the source it stopped in and
 * that source's own cursor (each source checks its own against its partition).
 */
async function readSources(sources: readonly Source[], page: PageRequest): Promise<Page<StatsRecord>> {
  let at = 0;
  let inner: string | undefined;
  if (page.cursor !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8'));
      // Stryker disable next-line BlockStatement: an empty catch leaves `parsed` undefined, which the check of `s` below refuses with the same 400
    } catch {
      throw invalidCursor();
    }
    const { s, c } = (parsed ?? {}) as { s?: unknown; c?: unknown };
    if (!Number.isInteger(s) || (s as number) < 0 || (s as number) >= sources.length) throw invalidCursor();
    if (c !== undefined && typeof c !== 'string') throw invalidCursor();
    at = s as number;
    inner = c as string | undefined;
  }
  // A source read to its end leaves the rest of the page to the next one (one more Query each, at most one per
  // source): a loss ratio's one policy and its payments come in one page.
  const items: StatsRecord[] = [];
  let read = 0;
  for (;;) {
    const got = await sources[at]!({ limit: page.limit - read, cursor: inner });
    items.push(...got.items);
    read += got.items.length;
    const next: { s: number; c?: string } | null =
      got.nextCursor !== null ? { s: at, c: got.nextCursor } : at + 1 < sources.length ? { s: at + 1 } : null;
    if (next === null || next.c !== undefined || read >= page.limit)
      return { items, nextCursor: next && Buffer.from(JSON.stringify(next)).toString('base64url') };
    at = next.s;
    inner = undefined;
  }
}

export async function snapshotOn(uc: UseCaseContext, date: string): Promise<StatsSnapshot> {
  const snapshot = await new StatsRepository(uc.store).snapshotOn(date);
  if (!snapshot) throw notFound(`The statistics snapshot of ${date}`);
  return snapshot;
}
