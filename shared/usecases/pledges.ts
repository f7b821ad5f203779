/**
 * Pledge-loan use cases: apply, list, read, and every action of the pledge life cycle. Called by the HTTP routes,
 * the seed and any future importer alike; they take the actor and validated input and return the pledge or throw
 * a typed domain error.
 */
import { type Actor, tenantOf } from '../domain/actor.js';
import type { Asset } from '../domain/asset.js';
import { pledgeContribution, statsChange } from '../domain/contributions.js';
import type { IsoDate } from '../domain/dates.js';
import { type DisposalInput, disposalOf } from '../domain/disposal.js';
import { conflict, DomainError, type FieldIssue, notFound, unprocessable } from '../domain/errors.js';
import type { Institution } from '../domain/institution.js';
import { effectivePolicy } from '../domain/lending-policy.js';
import {
  type ActionBody,
  actionChanges,
  assetRefusals,
  maySee,
  NOT_YOURS,
  newPledge,
  type Pledge,
  type PledgeEvent,
  type PledgeInput,
  relatedMarkRefusals,
  submissionRefusals,
} from '../domain/pledge.js';
import {
  PLEDGE_MACHINE,
  type PledgeAction,
  type PledgeStatus,
  pledgeEventType,
  type TransitionRow,
} from '../domain/pledge-state-machine.js';
import type { RiskPoolProgramme } from '../domain/programme.js';
import { AssetRepository } from '../store/asset-repository.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import {
  assetKey,
  enterpriseKey,
  enterpriseSummaryKey,
  firstLoanKey,
  GUARANTEE_LINK_PREFIX,
  institutionKey,
  pledgeKey,
  programmeKey,
} from '../store/keys.js';
import { type PledgeListScope, PledgeRepository, pledgeIndexKeys } from '../store/pledge-repository.js';
import { eachPage, type Page, type PageRequest } from '../store/query-page.js';
import { toResource } from '../store/records.js';
import { statsWrites } from '../store/stats-facts.js';
import {
  ABSENT,
  type ConditionsFailed,
  type Item,
  type ItemSet,
  increment,
  type Store,
  type TxItem,
} from '../store/toolkit.js';
import { knownNames, nameActors, type WithActorName } from './actor-names.js';
import { startChecklist } from './checklists.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec } from './engine.js';
import { disburseTranche, payOffPlan } from './loans.js';

/**
 * The pledge as the engine runs it. Its effects: a freeing transition releases every asset this pledge still holds
 * (`encumbrance.pledgeId = :id`) — recording, after a disposal by transfer or auction, the transfer to the buyer —
 * and the transitions that count write their statistics facts, all in the transition's own transaction.
 */
export const PLEDGE_SPEC: AggregateSpec<Pledge, PledgeAction, TransitionRow> = {
  kind: 'pledge',
  noun: 'pledge',
  machine: PLEDGE_MACHINE,
  eventType: pledgeEventType,
  maySee,
  audience: (p) => [
    tenantOf({ role: 'enterprise', org: p.applicant }),
    tenantOf({ role: 'lender', org: p.lenderId }),
  ],
  indexKeys: pledgeIndexKeys,
  effects: (before, after, row, store) => [
    ...(before && row.holdsAssets === 'free' ? before.assetIds.map((id) => freeAsset(store, id, after)) : []),
    ...statsWrites(
      statsChange(before ? pledgeContribution(before) : {}, pledgeContribution(after)),
      store.tableName,
    ),
  ],
  onEffectFailed: (failure) => {
    if (failure.has('asset'))
      return conflict('An asset of this pledge is no longer held by it; the IP office must reconcile it.');
    if (failure.has('fact')) return conflict('The pledge was registered concurrently; reload.');
    return undefined;
  },
};

const freeAsset = (store: Store, assetId: string, pledge: Pledge): TxItem => {
  const transferee = pledge.disposal?.transfereeUscc;
  const transfer = transferee
    ? { transferredTo: { uscc: transferee, on: pledge.disposal!.completedOn, pledgeId: pledge.id } }
    : {};
  return {
    tag: 'asset',
    write: store.update(
      assetKey(assetId),
      { set: { version: increment(1), updatedAt: pledge.updatedAt, ...transfer }, remove: ['encumbrance'] },
      { expression: 'encumbrance.pledgeId = :id', values: { ':id': pledge.id } },
    ),
  };
};

/**
 * Files an application: ONE BatchGet (lender, every asset, the idempotency record), every refusal reason in one
 * 422, then ONE transaction writing the pledge, its event and a hold on every asset — each hold conditional on
 * the asset still being the applicant's, unencumbered and unchanged since it was read.
 */
export async function submitPledge(
  uc: UseCaseContext,
  actor: Actor,
  input: PledgeInput,
  idempotency?: IdempotencyRequest,
): Promise<Pledge> {
  const applicant = (actor.org ?? '').toUpperCase();
  const items = await uc.engine.read(
    [institutionKey(input.lenderId), enterpriseKey(applicant), ...input.assetIds.map(assetKey)],
    idempotency,
  );
  const lender = items.get(institutionKey(input.lenderId));
  const assets = new Map<string, Asset>();
  for (const id of input.assetIds) {
    const item = items.get(assetKey(id));
    if (item) assets.set(id, toResource<Asset>(item));
  }
  const now = uc.clock.now();
  const today = uc.clock.today();
  const issues = [
    ...submissionRefusals(input, assets, {
      applicant,
      today,
      lenderExists: (lender && toResource<Institution>(lender).kind) === 'lender',
      requireVerifiedRights: lender
        ? toResource<Institution>(lender).lendingPolicy?.requireVerifiedRights
        : false,
    }),
    // A trademark brings the owner's portfolio: its same marks in overlapping classes go into the same pledge.
    ...([...assets.values()].some((a) => a.kind === 'trademark' && a.owner === applicant)
      ? relatedMarkRefusals(input.assetIds, assets, await portfolioOf(uc, applicant), today)
      : []),
  ];
  if (issues.length > 0)
    throw unprocessable(
      `The application was refused: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
      { errors: issues },
    );
  const pledge = newPledge(input, assets, {
    id: uc.newId(),
    applicant,
    now,
    today,
    ...nameOf('applicantName', items.get(enterpriseKey(applicant))),
    ...nameOf('lenderName', lender),
  });
  const held = input.assetIds.map((id) => assets.get(id)!);
  const outcome = await uc.engine.create(PLEDGE_SPEC, { actor, action: 'submit', idempotency }, pledge, {
    data: {
      lenderId: pledge.lenderId,
      assetIds: pledge.assetIds,
      appraisedValueFen: pledge.appraisedValueFen,
      requestedAmountFen: pledge.requestedAmountFen,
      termMonths: pledge.termMonths,
      ...(pledge.appraisals ? { appraisals: pledge.appraisals } : {}),
    },
    writes: held.map((asset) => ({
      tag: `asset:${asset.id}`,
      write: uc.store.update(
        assetKey(asset.id),
        {
          set: {
            encumbrance: { pledgeId: pledge.id },
            version: asset.version + 1,
            updatedAt: pledge.createdAt,
          },
        },
        {
          expression:
            'attribute_exists(pk) AND #owner = :me AND attribute_not_exists(encumbrance) AND #version = :v',
          names: { '#owner': 'owner', '#version': 'version' },
          values: { ':me': applicant, ':v': asset.version },
        },
        { returnOld: true },
      ),
    })),
    onFailed: (failure) => lostSubmissionRace(failure, pledge, held),
  });
  return outcome.after;
}

/** `{ [field]: item.name }` when the item has a name. */
const nameOf = <K extends string>(field: K, item: Record<string, unknown> | undefined) =>
  (typeof item?.name === 'string' ? { [field]: item.name } : {}) as Partial<Record<K, string>>;

/** Every asset of an enterprise (its portfolio's pages, newest first). */
async function portfolioOf(uc: UseCaseContext, owner: string): Promise<Asset[]> {
  const repo = new AssetRepository(uc.store);
  const all: Asset[] = [];
  await eachPage(
    (page) => repo.listByOwner(owner, page),
    100,
    (items) => {
      all.push(...items);
    },
  );
  return all;
}

export async function listPledges(
  uc: UseCaseContext,
  actor: Actor,
  status: PledgeStatus | undefined,
  page: PageRequest,
): Promise<Page<Pledge>> {
  const scope: PledgeListScope =
    actor.role === 'enterprise'
      ? { role: 'enterprise', uscc: (actor.org ?? '').toUpperCase() }
      : actor.role === 'lender'
        ? { role: 'lender', lenderId: actor.org ?? '' }
        : { role: 'ipoffice' };
  return new PledgeRepository(uc.store).list(scope, status, page);
}

export interface PledgeDetail {
  pledge: Pledge;
  /** Each actor with its organisation's name (see actor-names.ts). */
  history: WithActorName<PledgeEvent>[];
  /** Actions the caller's role may take from the current state. */
  allowedActions: PledgeAction[];
  /** The guarantee insurance policies applied for on the loan. */
  guarantees: Guarantee[];
}

export interface Guarantee {
  policyId: string;
  insurerId: string;
}

/** The guarantees among a pledge partition's items (their links are written by the policy application). */
export const guaranteesIn = (items: readonly Item[]): Guarantee[] =>
  items
    .filter((i) => String(i.sk).startsWith(GUARANTEE_LINK_PREFIX))
    .map((i) => ({ policyId: String(i.policyId), insurerId: String(i.insurerId) }));

/** A pledge's guarantees, with one Query of its partition's links. */
export const guaranteesOf = async (uc: UseCaseContext, pledgeId: string): Promise<Guarantee[]> =>
  guaranteesIn(await uc.store.queryPartition(pledgeKey(pledgeId).pk, GUARANTEE_LINK_PREFIX));

/**
 * Who reads a loan: its parties and the office (`maySee`), and an insurer asked to guarantee it, which reads the
 * loan it answers for (its schedule and arrears too).
 */
export async function mayReadLoan(
  uc: UseCaseContext,
  actor: Actor,
  pledge: Pledge,
  guarantees?: readonly Guarantee[],
): Promise<boolean> {
  if (maySee(actor, pledge)) return true;
  if (actor.role !== 'insurer') return false;
  return (guarantees ?? (await guaranteesOf(uc, pledge.id))).some((g) => g.insurerId === actor.org);
}

/**
 * The pledge with its whole history, in one Query (and one BatchGet of the names the pledge does not hold, if
 * any); anyone but its applicant, lender and the office → 404.
 */
export async function getPledge(uc: UseCaseContext, actor: Actor, id: string): Promise<PledgeDetail> {
  const found = await uc.engine.loadWithHistory<Pledge>('pledge', id);
  const guarantees = found ? guaranteesIn(found.others) : [];
  if (!found || !(await mayReadLoan(uc, actor, found.agg, guarantees))) throw notFound(`Pledge ${id}`);
  const pledge = found.agg;
  // The life cycle only: servicing operations (repayments, tranches, runs) keep the status and have their lists.
  const lifeCycle = found.history.filter((e) => e.from !== e.to) as PledgeEvent[];
  return {
    guarantees,
    pledge,
    history: await nameActors(
      uc,
      lifeCycle,
      knownNames([
        [{ role: 'enterprise', org: pledge.applicant }, pledge.applicantName],
        [{ role: 'lender', org: pledge.lenderId }, pledge.lenderName],
      ]),
    ),
    allowedActions: PLEDGE_MACHINE.actionsFrom(found.agg.status, actor.role),
  };
}

export interface PledgeActionRequest {
  id: string;
  action: Exclude<PledgeAction, 'submit'>;
  body: ActionBody;
  expectedVersion?: number | undefined;
}

/** Any action after the submission: the state machine decides, the pledge rules compute, the engine persists. */
export async function actOnPledge(
  uc: UseCaseContext,
  actor: Actor,
  req: PledgeActionRequest,
  idempotency?: IdempotencyRequest,
): Promise<Pledge> {
  if (req.action === 'disburse') {
    try {
      return await transitionPledge(uc, actor, req, idempotency);
    } catch (error) {
      // Already active: a further tranche, while some of the approved amount is left (else the 409 stands).
      if (!(error instanceof DomainError && error.extra.currentState === 'active')) throw error;
      return disburseTranche(uc, actor, { ...req, ...req.body }, idempotency, error);
    }
  }
  try {
    return await transitionPledge(uc, actor, req, idempotency);
  } catch (error) {
    // Another registration of the same company took the first-loan marker at the same moment: this one is not
    // the first, which a second attempt reads (nothing of the first attempt was written).
    if (!(error instanceof FirstLoanTaken)) throw error;
    return transitionPledge(uc, actor, req, idempotency);
  }
}

/** The first-loan marker was written by a concurrent registration of the same company. */
class FirstLoanTaken extends Error {}

async function transitionPledge(
  uc: UseCaseContext,
  actor: Actor,
  req: PledgeActionRequest,
  idempotency?: IdempotencyRequest,
): Promise<Pledge> {
  // The registration examines the rights again (what held at application may not hold now): they come with the pledge.
  const registering = req.action === 'register';
  const documents = registering
    ? startChecklist(uc, 'pledge.register', { kind: 'pledge', id: req.id })
    : undefined;
  const rights = registering ? await new PledgeRepository(uc.store).assetIdsOf(req.id) : undefined;
  const outcome = await uc.engine.transition(
    PLEDGE_SPEC,
    {
      actor,
      id: req.id,
      action: req.action,
      expectedVersion: req.expectedVersion,
      idempotency,
      // The approving lender is the caller (only the addressed lender may act): its policy comes with the pledge.
      ...(req.action === 'approve' && actor.org ? { alsoRead: [institutionKey(actor.org)] } : {}),
      ...(rights ? { alsoRead: rights.map(assetKey) } : {}),
    },
    async (pledge, { now, read }) => {
      const today = uc.clock.today();
      if (req.action === 'repay') return payOffPlan(uc.store, pledge, actor, today, now);
      const recheck = registering ? registrationRecheck(uc, pledge, read, today) : undefined;
      const checklist = await documents;
      const checked = checklist?.writes() ?? [];
      const first = registering ? await firstLoan(uc, pledge) : undefined;
      const policy =
        req.action === 'approve'
          ? effectivePolicy(lendingPolicyOf(read.get(institutionKey(pledge.lenderId))))
          : undefined;
      const changes = actionChanges(pledge, req.action, req.body, {
        now,
        today,
        ...(policy ? { policy } : {}),
      });
      if (!first) return { changes: changes.fields, data: changes.data, ...recheck };
      return {
        changes: { ...changes.fields, ...first.changes },
        data: changes.data,
        writes: [...(recheck?.writes ?? []), ...checked, ...first.writes],
        onFailed: (failure: ConditionsFailed) =>
          recheck?.onFailed(failure) ?? checklist?.onFailed(failure) ?? first.onFailed(failure),
      };
    },
  );
  return outcome.after;
}

/**
 * Whether this registration is the applicant's first pledge ever (its first-time borrowing): neither the marker a
 * first registration writes nor, for registrations older than the marker, a count in its summary. A first one
 * writes the marker in its own transaction, so two concurrent "first" registrations cannot both count: the second
 * fails on the marker and is tried again, now not first.
 */
async function firstLoan(uc: UseCaseContext, pledge: Pledge) {
  const items = await uc.store.batchGet([
    firstLoanKey(pledge.applicant),
    enterpriseSummaryKey(pledge.applicant),
  ]);
  const before = Number(items.get(enterpriseSummaryKey(pledge.applicant))?.pledgesRegistered ?? 0);
  if (items.get(firstLoanKey(pledge.applicant)) || before > 0)
    return { changes: {}, writes: [], onFailed: () => undefined };
  return {
    changes: { firstRegistration: true },
    writes: [
      {
        tag: 'first-loan',
        write: uc.store.put(
          { ...firstLoanKey(pledge.applicant), entity: 'first-loan', pledgeId: pledge.id },
          ABSENT,
        ),
      },
    ],
    onFailed: (failure: ConditionsFailed) => (failure.has('first-loan') ? new FirstLoanTaken() : undefined),
  };
}

/**
 * At registration every pledged right is examined again with the grounds of the application (422 naming each
 * right and code), and the registration holds only if no right changed since it was read: a lapse, invalidation or
 * preservation recorded at the same moment makes it fail (409, retry) rather than register a right no longer good.
 */
function registrationRecheck(uc: UseCaseContext, pledge: Pledge, read: ItemSet, today: IsoDate) {
  const assets = pledge.assetIds.map((id) => {
    const item = read.get(assetKey(id));
    return item ? toResource<Asset>(item) : undefined;
  });
  const issues: FieldIssue[] = assets.flatMap((asset, i) =>
    assetRefusals(asset, pledge.applicant, today, pledge.maturesOn, pledge.id).map((r) => ({
      path: `assetIds.${i}`,
      ...r,
    })),
  );
  if (issues.length > 0)
    throw unprocessable('The registration was refused: a pledged right no longer qualifies.', {
      errors: issues,
    });
  return {
    writes: assets.map((asset) => ({
      tag: 'right',
      write: uc.store.check(assetKey(asset!.id), {
        expression: '#version = :v',
        names: { '#version': 'version' },
        values: { ':v': asset!.version },
      }),
    })),
    onFailed: (failure: ConditionsFailed) =>
      failure.has('right')
        ? conflict('A pledged right changed while the pledge was being registered; reload and retry.')
        : undefined,
  };
}

/**
 * The lender realises a defaulted pledge's rights: the disposal (method, recovered amount, date, transferee), the
 * loss against what the loan owed that day and its sharing by the risk pool's shares in force, read in the same
 * BatchGet as the pledge. → `disposed`; two disposals at once: one wins, the other gets 409.
 */
export async function disposePledge(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; input: DisposalInput; expectedVersion?: number | undefined },
  idempotency?: IdempotencyRequest,
): Promise<Pledge> {
  const pool = programmeKey('risk-pool');
  const outcome = await uc.engine.transition(
    PLEDGE_SPEC,
    {
      actor,
      id: req.id,
      action: 'dispose',
      expectedVersion: req.expectedVersion,
      idempotency,
      alsoRead: [pool],
    },
    (pledge, { read }) => {
      const programme = read.get(pool);
      const disposal = disposalOf(pledge, req.input, {
        today: uc.clock.today(),
        pool: programme ? toResource<RiskPoolProgramme>(programme) : undefined,
      });
      const { shares: _, ...sharing } = disposal.lossSharing ?? { shares: undefined };
      return {
        changes: { disposal },
        data: {
          method: disposal.method,
          recoveredFen: disposal.recoveredFen,
          completedOn: disposal.completedOn,
          lossFen: disposal.lossFen,
          ...(disposal.transfereeUscc ? { transfereeUscc: disposal.transfereeUscc } : {}),
          ...(disposal.lossSharing ? { lossSharing: sharing } : {}),
        },
      };
    },
  );
  return outcome.after;
}

const lendingPolicyOf = (item: Record<string, unknown> | undefined) =>
  item ? toResource<Institution>(item).lendingPolicy : undefined;

/**
 * Turns a cancelled submission into the reason per asset: DynamoDB returns, for each failed hold, the asset as
 * it was. Held by another pledge → 409; gone or not the applicant's → 422 with the same words as a refusal;
 * merely changed since it was read → 409 to retry.
 */
function lostSubmissionRace(
  failure: ConditionsFailed,
  pledge: Pledge,
  assets: readonly Asset[],
): DomainError {
  const held: FieldIssue[] = [];
  const gone: FieldIssue[] = [];
  const changed: FieldIssue[] = [];
  for (const asset of assets) {
    const failed = failure.failed.find((f) => f.tag === `asset:${asset.id}`);
    if (!failed) continue;
    const path = `assetIds.${pledge.assetIds.indexOf(asset.id)}`;
    const old = failed.old;
    if (!old || old.owner !== pledge.applicant) gone.push({ path, code: 'not_owner', message: NOT_YOURS });
    else if (old.encumbrance !== undefined)
      held.push({
        path,
        code: 'already_pledged',
        message: `${asset.number} is already held by another open application or unreleased pledge`,
      });
    else
      changed.push({
        path,
        message: `${asset.number} was changed while the application was being filed; retry`,
      });
  }
  if (held.length > 0)
    return conflict('An asset is already held by another open application.', {
      errors: [...held, ...gone, ...changed],
    });
  if (gone.length > 0)
    return unprocessable('The application was refused.', { errors: [...gone, ...changed] });
  if (changed.length > 0)
    return conflict('An asset changed while the application was being filed; retry.', { errors: changed });
  return conflict('The application could not be stored; retry.');
}
