/**
 * Ownership cases for the IP office: list them (an enterprise its own claims), and decide — for the holder
 * (nothing moves) or for the claimant (the right is transferred to it by a `transferred` legal event, in the same
 * transaction as the decision, refused while the right is pledged).
 */
import type { Actor } from '../domain/actor.js';
import { conflict, notFound } from '../domain/errors.js';
import type { CaseOutcome, OwnershipCase } from '../domain/ownership-case.js';
import { OwnershipCaseRepository } from '../store/ownership-case-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { ConditionsFailed } from '../store/toolkit.js';
import { recordLegalEvent } from './assets.js';
import type { UseCaseContext } from './context.js';

export function listOwnershipCases(
  uc: UseCaseContext,
  actor: Actor,
  status: string | undefined,
  page: PageRequest,
): Promise<Page<OwnershipCase>> {
  const scope =
    actor.role === 'ipoffice' ? ('office' as const) : { claimant: (actor.org ?? '').toUpperCase() };
  return new OwnershipCaseRepository(uc.store).list(scope, status, page);
}

export async function decideOwnershipCase(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; outcome: CaseOutcome; reference: string },
): Promise<OwnershipCase> {
  const repo = new OwnershipCaseRepository(uc.store);
  const before = await repo.get(req.id);
  if (!before) throw notFound(`Ownership case ${req.id}`);
  if (before.status !== 'open')
    throw conflict(`Ownership case ${req.id} was decided already.`, { currentState: before.status });
  const after: OwnershipCase = {
    ...before,
    status: 'decided',
    outcome: req.outcome,
    reference: req.reference,
    decidedAt: uc.clock.now().toISOString(),
  };
  if (req.outcome === 'claimant')
    await recordLegalEvent(
      uc,
      actor,
      {
        assetId: before.assetId,
        input: {
          type: 'transferred',
          date: uc.clock.today(),
          toUscc: before.claimant,
          reference: req.reference,
        },
      },
      undefined,
      [repo.decide(before, after)],
    );
  else
    try {
      await uc.store.write(repo.decide(before, after));
    } catch (error) {
      if (error instanceof ConditionsFailed)
        throw conflict(`Ownership case ${req.id} was decided meanwhile.`);
      throw error;
    }
  return after;
}
