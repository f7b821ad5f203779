/**
 * Changes to a running loan that the IP office registers: the lender asks for an extension, the office registers it
 * after checking the rights again; the office releases some of the pledged rights. Each is one engine operation on
 * the pledge (the status stays `active`), guarded by its version, with its event.
 */
import type { Actor } from '../domain/actor.js';
import type { IsoDate } from '../domain/dates.js';
import { conflict } from '../domain/errors.js';
import { extendLoan, monthsAfterMaturity } from '../domain/loan.js';
import { checkExtension, checkPartialRelease } from '../domain/loan-change.js';
import type { Pledge } from '../domain/pledge.js';
import type { PledgeStatus } from '../domain/pledge-state-machine.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import { assetKey } from '../store/keys.js';
import { increment } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';
import type { Operation } from './engine.js';
import { PLEDGE_SPEC } from './pledges.js';

const EXTENSION_REQUEST: Operation<PledgeStatus> = {
  name: 'request_extension',
  verb: 'be extended',
  roles: ['lender'],
  from: ['active'],
  eventType: 'pledge.extension_requested',
};

const CHANGE_REGISTRATION: Operation<PledgeStatus> = {
  name: 'register_change',
  verb: 'have a change registered',
  roles: ['ipoffice'],
  from: ['active'],
  eventType: 'pledge.change_registered',
};

const PARTIAL_RELEASE: Operation<PledgeStatus> = {
  name: 'release_assets',
  verb: 'release some of its rights',
  roles: ['ipoffice'],
  from: ['active'],
  eventType: 'pledge.assets_released',
};

interface ChangeRequestBase {
  id: string;
  expectedVersion?: number | undefined;
}

/** The lender asks to extend the maturity; one request at a time (a pending one → 409). */
export async function requestExtension(
  uc: UseCaseContext,
  actor: Actor,
  req: ChangeRequestBase & { newMaturesOn: IsoDate },
  idempotency?: IdempotencyRequest,
): Promise<Pledge> {
  const outcome = await uc.engine.operate(
    PLEDGE_SPEC,
    EXTENSION_REQUEST,
    { actor, id: req.id, expectedVersion: req.expectedVersion, idempotency },
    (pledge, { now }) => {
      if (pledge.changeRequested)
        throw conflict(
          `An extension to ${pledge.changeRequested.newMaturesOn} is already waiting for registration.`,
          { currentState: pledge.status },
        );
      checkExtension(pledge, req.newMaturesOn, uc.clock.today());
      return {
        changes: { changeRequested: { newMaturesOn: req.newMaturesOn, requestedAt: now.toISOString() } },
        data: { newMaturesOn: req.newMaturesOn, maturesOn: pledge.maturesOn },
      };
    },
  );
  return outcome.after;
}

/** The IP office registers the pending extension: the rights are checked again, the schedule extended. */
export async function registerChange(
  uc: UseCaseContext,
  actor: Actor,
  req: ChangeRequestBase,
  idempotency?: IdempotencyRequest,
): Promise<Pledge> {
  const outcome = await uc.engine.operate(
    PLEDGE_SPEC,
    CHANGE_REGISTRATION,
    { actor, id: req.id, expectedVersion: req.expectedVersion, idempotency },
    (pledge) => {
      const requested = pledge.changeRequested;
      if (!requested)
        throw conflict('No extension is waiting for registration.', { currentState: pledge.status });
      checkExtension(pledge, requested.newMaturesOn, uc.clock.today());
      const loan = pledge.loan ? extendLoan(pledge.loan, requested.newMaturesOn) : undefined;
      const added =
        pledge.loan && pledge.loan.repaymentType !== 'bullet'
          ? monthsAfterMaturity(pledge.loan, requested.newMaturesOn)!
          : 0;
      return {
        changes: {
          changeRequested: undefined,
          maturesOn: requested.newMaturesOn,
          termMonths: pledge.termMonths + added,
          ...(loan ? { loan } : {}),
        },
        data: { maturesOn: requested.newMaturesOn, previousMaturesOn: pledge.maturesOn },
      };
    },
  );
  return outcome.after;
}

/** The IP office frees some of an active pledge's rights (each freed in the same transaction). */
export async function releaseAssets(
  uc: UseCaseContext,
  actor: Actor,
  req: ChangeRequestBase & { assetIds: string[] },
  idempotency?: IdempotencyRequest,
): Promise<Pledge> {
  const outcome = await uc.engine.operate(
    PLEDGE_SPEC,
    PARTIAL_RELEASE,
    { actor, id: req.id, expectedVersion: req.expectedVersion, idempotency },
    (pledge, { now }) => {
      checkPartialRelease(pledge, req.assetIds);
      const at = now.toISOString();
      return {
        changes: {
          assetIds: pledge.assetIds.filter((id) => !req.assetIds.includes(id)),
          assets: pledge.assets.filter((a) => !req.assetIds.includes(a.id)),
        },
        data: { assetIds: req.assetIds },
        writes: req.assetIds.map((id) => ({
          tag: 'asset',
          write: uc.store.update(
            assetKey(id),
            { set: { version: increment(1), updatedAt: at }, remove: ['encumbrance'] },
            { expression: 'encumbrance.pledgeId = :id', values: { ':id': pledge.id } },
          ),
        })),
        onFailed: (failure) =>
          failure.has('asset')
            ? conflict('A right of this pledge is no longer held by it; the IP office must reconcile it.')
            : undefined,
      };
    },
  );
  return outcome.after;
}
