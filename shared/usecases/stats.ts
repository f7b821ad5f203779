/**
 * Statistics use cases: build the day's snapshot from the facts and counters (the daily job stores it), and read
 * a stored one. The figures come from the pure functions of `domain/statistics.ts`.
 */
import { yearOf } from '../domain/dates.js';
import { DomainError, notFound } from '../domain/errors.js';
import { buildSnapshot, type StatsInputs, type StatsSnapshot } from '../domain/statistics.js';
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

export async function snapshotOn(uc: UseCaseContext, date: string): Promise<StatsSnapshot> {
  const snapshot = await new StatsRepository(uc.store).snapshotOn(date);
  if (!snapshot) throw notFound(`The statistics snapshot of ${date}`);
  return snapshot;
}
