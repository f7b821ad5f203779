/**
 * The city's programmes, set by the IP office: the risk-compensation pool's shares of a disposed loan's loss, and
 * the yearly interest subsidy with its list of what each enterprise receives.
 */
import type { Actor } from '../domain/actor.js';
import { type RiskPoolShares, riskPoolRefusals } from '../domain/disposal.js';
import { checkExpectedVersion, conflict, notFound, unprocessable } from '../domain/errors.js';
import {
  type InterestPaidFact,
  type InterestSubsidyTerms,
  type SubsidyLine,
  subsidyList,
  subsidyTermsRefusals,
} from '../domain/interest-subsidy.js';
import {
  type InterestSubsidyProgramme,
  type PremiumSubsidyProgramme,
  type Programme,
  premiumSubsidyId,
  type RiskPoolProgramme,
} from '../domain/programme.js';
import { interestFactsPartition } from '../store/keys.js';
import { ProgrammeRepository } from '../store/programme-repository.js';
import { toResource } from '../store/records.js';
import { ConditionsFailed } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';

/** The pool's shares in force; 404 until the office first sets them. */
export async function getRiskPool(uc: UseCaseContext, _actor: Actor): Promise<RiskPoolProgramme> {
  const found = await new ProgrammeRepository<RiskPoolProgramme>(uc.store).get('risk-pool');
  if (!found) throw notFound('The risk pool programme has not been set');
  return found;
}

/** Sets the shares (they sum to 10000 bps); a later change never rewrites a disposal already shared. */
export async function setRiskPool(
  uc: UseCaseContext,
  req: RiskPoolShares & { expectedVersion?: number | undefined },
): Promise<{ programme: RiskPoolProgramme; created: boolean }> {
  const shares: RiskPoolShares = {
    poolBps: req.poolBps,
    lenderBps: req.lenderBps,
    insurerBps: req.insurerBps,
    appraiserBps: req.appraiserBps,
  };
  const issues = riskPoolRefusals(shares);
  if (issues.length > 0)
    throw unprocessable('The risk pool shares must add up to 10000 bps.', { errors: issues });
  return saveProgramme<RiskPoolProgramme>(uc, 'risk-pool', shares, req.expectedVersion);
}

/** Creates or replaces a programme's settings at the version read (a concurrent change → 409). */
async function saveProgramme<T extends Programme>(
  uc: UseCaseContext,
  id: T['id'],
  settings: Omit<T, keyof Programme>,
  expectedVersion: number | undefined,
): Promise<{ programme: T; created: boolean }> {
  const repo = new ProgrammeRepository<T>(uc.store);
  const existing = await repo.get(id);
  if (existing) checkExpectedVersion(expectedVersion, existing.version);
  const now = uc.clock.now().toISOString();
  const programme = {
    id,
    ...settings,
    version: (existing?.version ?? 0) + 1,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  } as T;
  try {
    await repo.save(programme, existing?.version ?? 0);
  } catch (error) {
    if (error instanceof ConditionsFailed)
      throw conflict('The programme was changed concurrently; reload and retry.');
    throw error;
  }
  return { programme, created: !existing };
}

const subsidyId = (year: number) => `interest-subsidy#${year}` as const;

/** The interest subsidy of `year`; 404 until the office sets it. */
export async function getInterestSubsidy(
  uc: UseCaseContext,
  year: number,
): Promise<InterestSubsidyProgramme> {
  const found = await new ProgrammeRepository<InterestSubsidyProgramme>(uc.store).get(subsidyId(year));
  if (!found) throw notFound(`The interest subsidy for ${year} has not been set`);
  return found;
}

/** Sets the subsidy of a year (share ≤ 100 %, a cap per enterprise, optionally the largest loan that qualifies). */
export async function setInterestSubsidy(
  uc: UseCaseContext,
  req: InterestSubsidyTerms & { expectedVersion?: number | undefined },
): Promise<{ programme: InterestSubsidyProgramme; created: boolean }> {
  const terms: InterestSubsidyTerms = {
    year: req.year,
    shareBps: req.shareBps,
    capPerEnterpriseFen: req.capPerEnterpriseFen,
    ...(req.maxLoanFen === undefined ? {} : { maxLoanFen: req.maxLoanFen }),
  };
  const issues = subsidyTermsRefusals(terms);
  if (issues.length > 0) throw unprocessable('The interest subsidy was refused.', { errors: issues });
  return saveProgramme<InterestSubsidyProgramme>(uc, subsidyId(req.year), terms, req.expectedVersion);
}

/**
 * The subsidy list of a year: one Query of that year's interest facts (written with each repayment), never a Scan,
 * so it reads that year's repayments and nothing else. Loans of enterprises outside the city do not qualify.
 */
export async function listSubsidies(
  uc: UseCaseContext,
  year: number,
): Promise<{ year: number; items: SubsidyLine[]; totalFen: number }> {
  const terms = await getInterestSubsidy(uc, year);
  const facts = (await uc.store.queryPartition(interestFactsPartition(year))).map((i) =>
    toResource<InterestPaidFact>(i),
  );
  const items = subsidyList(terms, facts);
  return { year, items, totalFen: items.reduce((sum, i) => sum + i.subsidyFen, 0) };
}

/** What the year's interest subsidy pays in all (0 while its terms are not set): one read of its facts. */
export async function interestSubsidyTotal(uc: UseCaseContext, year: number): Promise<number> {
  return (await subsidyLines(uc, year)).reduce((sum, line) => sum + line.subsidyFen, 0);
}

/** The year's subsidy list as the statistics count it: empty while its terms are not set. */
export async function subsidyLines(uc: UseCaseContext, year: number): Promise<SubsidyLine[]> {
  const terms = await new ProgrammeRepository<InterestSubsidyProgramme>(uc.store).get(subsidyId(year));
  if (!terms) return [];
  const facts = (await uc.store.queryPartition(interestFactsPartition(year))).map((i) =>
    toResource<InterestPaidFact>(i),
  );
  return subsidyList(terms, facts);
}

/** The premium subsidy of `year`; 404 until the office sets it. */
export async function getPremiumSubsidy(uc: UseCaseContext, year: number): Promise<PremiumSubsidyProgramme> {
  const found = await new ProgrammeRepository<PremiumSubsidyProgramme>(uc.store).get(premiumSubsidyId(year));
  if (!found) throw notFound(`The premium subsidy for ${year} has not been set`);
  return found;
}

/** Sets the city's share of the premiums of policies issued in `year` (a policy keeps the share it was issued with). */
export function setPremiumSubsidy(
  uc: UseCaseContext,
  req: { year: number; shareBps: number; expectedVersion?: number | undefined },
): Promise<{ programme: PremiumSubsidyProgramme; created: boolean }> {
  return saveProgramme<PremiumSubsidyProgramme>(
    uc,
    premiumSubsidyId(req.year),
    { year: req.year, shareBps: req.shareBps },
    req.expectedVersion,
  );
}
