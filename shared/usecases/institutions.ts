/**
 * Institution use cases: create or update a bank or insurer, set a lender's loan-to-value caps, read and list.
 * What they answer shows a lender's caps in force, defaults included.
 */
import type { Actor } from '../domain/actor.js';
import { checkExpectedVersion, conflict, notFound, unprocessable } from '../domain/errors.js';
import type { Institution, InstitutionKind } from '../domain/institution.js';
import { effectivePolicy, type LendingPolicy, lendingPolicyRefusals } from '../domain/lending-policy.js';
import { type LineRate, rateTableIssues } from '../domain/premium.js';
import { InstitutionRepository } from '../store/institution-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { ConditionsFailed } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';

const view = (i: Institution): Institution =>
  i.kind === 'lender' ? { ...i, lendingPolicy: effectivePolicy(i.lendingPolicy) } : i;

/** Creates or renames an institution; its kind never changes, and renaming a lender keeps its lending policy. */
export async function saveInstitution(
  uc: UseCaseContext,
  req: { id: string; kind: InstitutionKind; name: string; expectedVersion?: number | undefined },
): Promise<{ institution: Institution; created: boolean }> {
  const repo = new InstitutionRepository(uc.store);
  const existing = await repo.get(req.id);
  if (existing) checkExpectedVersion(req.expectedVersion, existing.version);
  if (existing && existing.kind !== req.kind)
    throw conflict(`Institution ${req.id} is a ${existing.kind}; its kind cannot change.`);
  const now = uc.clock.now().toISOString();
  const institution: Institution = {
    id: req.id,
    kind: req.kind,
    name: req.name,
    ...(existing?.lendingPolicy ? { lendingPolicy: existing.lendingPolicy } : {}),
    ...(existing?.rates ? { rates: existing.rates } : {}),
    version: (existing?.version ?? 0) + 1,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await save(repo, institution, existing?.version ?? 0);
  return { institution: view(institution), created: !existing };
}

/**
 * A lender sets its own credit terms (caps, penalty factor, classification); the IP office may set anyone's.
 * Pledges approved from now on are checked against them.
 */
export async function setLendingPolicy(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; policy: LendingPolicy; expectedVersion?: number | undefined },
): Promise<Institution> {
  // Another lender's terms do not exist for a lender: the same 404 as an unknown id.
  if (actor.role === 'lender' && actor.org !== req.id) throw notFound(`Institution ${req.id}`);
  const repo = new InstitutionRepository(uc.store);
  const existing = await repo.get(req.id);
  if (!existing) throw notFound(`Institution ${req.id}`);
  checkExpectedVersion(req.expectedVersion, existing.version);
  if (existing.kind !== 'lender') {
    const message = `is an ${existing.kind}; only lenders have a lending policy`;
    throw unprocessable(`Institution ${req.id} ${message}.`, {
      errors: [{ path: 'param.id', code: 'not_a_lender', message }],
    });
  }
  const issues = lendingPolicyRefusals(req.policy);
  if (issues.length > 0) throw unprocessable('The lending policy was refused.', { errors: issues });
  const institution: Institution = {
    ...existing,
    lendingPolicy: req.policy,
    version: existing.version + 1,
    updatedAt: uc.clock.now().toISOString(),
  };
  await save(repo, institution, existing.version);
  return view(institution);
}

/** An insurer sets its own premium rates; the IP office may set anyone's. Quotes are made from them. */
export async function setRates(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; rates: LineRate[]; expectedVersion?: number | undefined },
): Promise<Institution> {
  if (actor.role === 'insurer' && actor.org !== req.id) throw notFound(`Institution ${req.id}`);
  const repo = new InstitutionRepository(uc.store);
  const existing = await repo.get(req.id);
  if (!existing) throw notFound(`Institution ${req.id}`);
  checkExpectedVersion(req.expectedVersion, existing.version);
  if (existing.kind !== 'insurer') {
    const message = `is a ${existing.kind}; only insurers have premium rates`;
    throw unprocessable(`Institution ${req.id} ${message}.`, {
      errors: [{ path: 'param.id', code: 'not_an_insurer', message }],
    });
  }
  const issues = rateTableIssues(req.rates);
  if (issues.length > 0) throw unprocessable('The rate table was refused.', { errors: issues });
  const institution: Institution = {
    ...existing,
    rates: req.rates,
    version: existing.version + 1,
    updatedAt: uc.clock.now().toISOString(),
  };
  await save(repo, institution, existing.version);
  return view(institution);
}

export async function getInstitution(uc: UseCaseContext, id: string): Promise<Institution> {
  const institution = await new InstitutionRepository(uc.store).get(id);
  if (!institution) throw notFound(`Institution ${id}`);
  return view(institution);
}

export async function listInstitutions(
  uc: UseCaseContext,
  kind: InstitutionKind | undefined,
  page: PageRequest,
): Promise<Page<Institution>> {
  const found = await new InstitutionRepository(uc.store).list(kind, page);
  return { items: found.items.map(view), nextCursor: found.nextCursor };
}

async function save(repo: InstitutionRepository, institution: Institution, previousVersion: number) {
  try {
    await repo.save(institution, previousVersion);
  } catch (error) {
    if (error instanceof ConditionsFailed)
      throw conflict('The institution was changed concurrently; reload and retry.');
    throw error;
  }
}
