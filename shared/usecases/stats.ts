/**
 * Statistics use cases: build the day's snapshot from the facts and counters (the daily job stores it), and read
 * a stored one. The figures come from the pure functions of `domain/statistics.ts`.
 */
import { compareDates, daysBetween, type IsoDate, yearOf } from '../domain/dates.js';
import { DomainError, notFound, validationError } from '../domain/errors.js';
import {
  buildSnapshot,
  type DrillableFigure,
  FIGURE_RECORDS,
  type HistoryPoint,
  historyPoint,
  isRecordOf,
  type RecordFilter,
  type StatsInputs,
  type StatsSnapshot,
} from '../domain/statistics.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { StatsRepository } from '../store/stats-repository.js';
import type { UseCaseContext } from './context.js';
import { loanBookOn } from './loans.js';
import { interestSubsidyTotal } from './programmes.js';

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

/**
 * A page of the records a figure counts (registrations, issued policies or claim payments of `year`), narrowed by
 * division, lender, insurer, month or line. The facts are read in their order, a page at a time, and narrowed after
 * the read: a page may hold fewer records than its limit, and the cursor goes on where the read stopped.
 */
export async function statsRecords(
  uc: UseCaseContext,
  req: { figure: DrillableFigure; year: number; filter: RecordFilter },
  page: PageRequest,
): Promise<Page<{ kind: 'pledge' | 'policy' | 'claim' } & Record<string, unknown>>> {
  const kind = FIGURE_RECORDS[req.figure];
  const facts = await new StatsRepository(uc.store).factsPage(kind, req.year, page);
  return {
    ...facts,
    items: facts.items.filter((f) => isRecordOf(req.figure, f, req.filter)).map((f) => ({ kind, ...f })),
  };
}

export async function snapshotOn(uc: UseCaseContext, date: string): Promise<StatsSnapshot> {
  const snapshot = await new StatsRepository(uc.store).snapshotOn(date);
  if (!snapshot) throw notFound(`The statistics snapshot of ${date}`);
  return snapshot;
}
