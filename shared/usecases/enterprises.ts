/** Enterprise use cases: register or update one, read it with its current designations, list them all. */
import type { Actor } from '../domain/actor.js';
import type { DesignationSummary } from '../domain/designation.js';
import { type Enterprise, isEnterprise } from '../domain/enterprise.js';
import { checkExpectedVersion, conflict, forbidden, notFound } from '../domain/errors.js';
import { EnterpriseRepository } from '../store/enterprise-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { ConditionsFailed } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import { activeDesignationsOf } from './designations.js';

export interface EnterpriseInput {
  name: string;
  industry?: string | undefined;
}

/**
 * Registers or updates an enterprise. Registering a USCC is a claim to be that company, so an enterprise can only
 * make it for itself (403 for another). The write is conditional on the version read: a concurrent writer → 409.
 */
export async function saveEnterprise(
  uc: UseCaseContext,
  actor: Actor,
  req: { uscc: string; divisionCode: string; input: EnterpriseInput; expectedVersion?: number | undefined },
): Promise<{ enterprise: Enterprise; created: boolean }> {
  if (actor.role === 'enterprise' && !isEnterprise(actor, req.uscc))
    throw forbidden('An enterprise may only register or update its own USCC.');
  const repo = new EnterpriseRepository(uc.store);
  const existing = await repo.get(req.uscc);
  if (existing) checkExpectedVersion(req.expectedVersion, existing.version);
  const now = uc.clock.now().toISOString();
  const enterprise: Enterprise = {
    uscc: req.uscc,
    name: req.input.name,
    ...(req.input.industry === undefined ? {} : { industry: req.input.industry }),
    divisionCode: req.divisionCode,
    version: (existing?.version ?? 0) + 1,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  try {
    await repo.save(enterprise, existing?.version ?? 0);
  } catch (error) {
    if (error instanceof ConditionsFailed)
      throw conflict('The enterprise was changed concurrently; reload and retry.');
    throw error;
  }
  return { enterprise, created: !existing };
}

/** The enterprise with its current designations: for itself and the IP office (others: 404). */
export async function getEnterprise(
  uc: UseCaseContext,
  actor: Actor,
  uscc: string,
): Promise<Enterprise & { designations: DesignationSummary[] }> {
  if (actor.role === 'enterprise' && !isEnterprise(actor, uscc)) throw notFound(`Enterprise ${uscc}`);
  const [enterprise, designations] = await Promise.all([
    new EnterpriseRepository(uc.store).get(uscc),
    activeDesignationsOf(uc, uscc),
  ]);
  if (!enterprise) throw notFound(`Enterprise ${uscc}`);
  return { ...enterprise, designations };
}

export const listEnterprises = (uc: UseCaseContext, page: PageRequest): Promise<Page<Enterprise>> =>
  new EnterpriseRepository(uc.store).list(page);
