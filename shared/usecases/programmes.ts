/**
 * The city's programmes, set by the IP office: the risk-compensation pool's shares of a disposed loan's loss.
 */
import type { Actor } from '../domain/actor.js';
import { type RiskPoolShares, riskPoolRefusals } from '../domain/disposal.js';
import { checkExpectedVersion, conflict, notFound, unprocessable } from '../domain/errors.js';
import type { RiskPoolProgramme } from '../domain/programme.js';
import { ProgrammeRepository } from '../store/programme-repository.js';
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
  const repo = new ProgrammeRepository<RiskPoolProgramme>(uc.store);
  const existing = await repo.get('risk-pool');
  if (existing) checkExpectedVersion(req.expectedVersion, existing.version);
  const now = uc.clock.now().toISOString();
  const programme: RiskPoolProgramme = {
    id: 'risk-pool',
    ...shares,
    version: (existing?.version ?? 0) + 1,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  try {
    await repo.save(programme, existing?.version ?? 0);
  } catch (error) {
    if (error instanceof ConditionsFailed)
      throw conflict('The risk pool was changed concurrently; reload and retry.');
    throw error;
  }
  return { programme, created: !existing };
}
