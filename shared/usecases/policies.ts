/**
 * Full-chain IP insurance use cases: apply, list, read, issue / decline / cancel, the scheduled expiry and the
 * filing of a claim (a transition of its policy). Called by the HTTP routes and the expiry job alike; they take
 * the actor and validated input and return the policy (or claim) or throw a typed domain error.
 */
import { type Actor, SYSTEM_ACTOR, tenantOf } from '../domain/actor.js';
import type { Asset } from '../domain/asset.js';
import { policyContribution, statsChange } from '../domain/contributions.js';
import { claimIssues } from '../domain/coverage.js';
import { compareDates, type IsoDate, yearOf } from '../domain/dates.js';
import { conflict, invalidState, notFound, unprocessable } from '../domain/errors.js';
import type { Institution } from '../domain/institution.js';
import type { Pledge } from '../domain/pledge.js';
import type { PledgeStatus } from '../domain/pledge-state-machine.js';
import {
  type Claim,
  type Claimant,
  type ClaimInput,
  type HistoryEvent,
  mayActOnPolicy,
  mayReadPolicy,
  newClaim,
  type Policy,
  type PolicyActionBody,
  type PolicyStatus,
  policyActionChanges,
  policyHistoryEvent,
  renewalApplication,
  renewalDue,
} from '../domain/policy.js';
import {
  CLAIM_MACHINE,
  insuredByEffect,
  POLICY_MACHINE,
  type PolicyAction,
  type PolicyRow,
} from '../domain/policy-state-machine.js';
import { type LineRate, type Quote, quote } from '../domain/premium.js';
import { premiumSubsidyFen as premiumSubsidyFenOf, premiumSubsidyId } from '../domain/programme.js';
import { newPolicy, type PolicyApplication, underwritingIssues } from '../domain/underwriting.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import {
  assetKey,
  assetPolicyLinkKey,
  CLAIM_LINK_PREFIX,
  claimKey,
  enterpriseKey,
  institutionKey,
  lenderClaimLinkKey,
  pledgeGuaranteeLinkKey,
  pledgeKey,
  policyClaimLinkKey,
  policyKey,
  policyNumberKey,
  programmeKey,
} from '../store/keys.js';
import {
  claimIndexKeys,
  listScopeOf,
  PolicyRepository,
  policyIndexKeys,
} from '../store/policy-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { toResource } from '../store/records.js';
import { statsWrites } from '../store/stats-facts.js';
import { ABSENT, type ConditionsFailed, PRESENT, type Store, type TxItem } from '../store/toolkit.js';
import { actorNameKeys, knownNames, type WithActorName, withActorNames } from './actor-names.js';
import { CLAIM_SPEC } from './claims.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec, Operation } from './engine.js';

/**
 * The policy as the engine runs it. Its effects: the covered assets' `insuredBy` gains the policy id when cover
 * starts and loses it when cover ends (each asset must still exist, and to gain cover still be the holder's), and
 * the issue counts its statistics facts — all in the transition's own transaction.
 */
export const POLICY_SPEC: AggregateSpec<Policy, PolicyAction, PolicyRow> = {
  kind: 'policy',
  noun: 'policy',
  machine: POLICY_MACHINE,
  eventType: (row) => row.event,
  maySee: mayReadPolicy,
  mayAct: mayActOnPolicy,
  audience: (p) => [
    tenantOf({ role: 'enterprise', org: p.holder }),
    tenantOf({ role: 'insurer', org: p.insurerId }),
    ...(p.beneficiaryLenderId ? [tenantOf({ role: 'lender', org: p.beneficiaryLenderId })] : []),
  ],
  indexKeys: policyIndexKeys,
  effects: (before, after, _row, store) => [
    ...coverWrites(store, before, after),
    ...statsWrites(
      statsChange(before ? policyContribution(before) : {}, policyContribution(after)),
      store.tableName,
    ),
  ],
  onEffectFailed: (failure, _before, after) => {
    const i = after.assetIds.findIndex((id) => failure.has(`asset:${id}`));
    if (i >= 0)
      return unprocessable('A covered asset no longer exists or no longer belongs to the policyholder.', {
        errors: [
          {
            path: `assetIds.${i}`,
            message: `asset ${after.assetIds[i]} no longer exists or is no longer the holder's`,
          },
        ],
      });
    if (failure.has('fact')) return conflict('The policy was issued concurrently; reload.');
    return undefined;
  },
};

function coverWrites(store: Store, before: Policy | null, after: Policy): TxItem[] {
  const effect = insuredByEffect(before?.status ?? null, after.status);
  if (effect === 'keep') return [];
  const ids = new Set([after.id]);
  return after.assetIds.map((id) => ({
    tag: `asset:${id}`,
    write:
      effect === 'add'
        ? store.update(
            assetKey(id),
            { add: { insuredBy: ids } },
            {
              expression: 'attribute_exists(pk) AND #owner = :holder',
              names: { '#owner': 'owner' },
              values: { ':holder': after.holder },
            },
          )
        : store.update(assetKey(id), { delete: { insuredBy: ids } }, PRESENT),
  }));
}

/**
 * Files an application: ONE BatchGet (insurer, every asset, the pledge, the idempotency record), every
 * underwriting failure in one 422, then ONE transaction writing the policy, its event and one link per asset.
 */
export async function applyForPolicy(
  uc: UseCaseContext,
  actor: Actor,
  input: PolicyApplication,
  idempotency?: IdempotencyRequest,
): Promise<Policy> {
  const policy = await underwritten(uc, actor, input, { id: uc.newId(), now: uc.clock.now() }, idempotency);
  const outcome = await uc.engine.create(POLICY_SPEC, { actor, action: 'apply', idempotency }, policy, {
    data: applicationData(policy),
    writes: applicationLinks(uc, policy),
  });
  return outcome.after;
}

/**
 * The application as a new `applied` policy, once it passes underwriting: ONE BatchGet of the insurer, the holder,
 * every asset and the pledge (with the idempotency record when given), every failure in one 422.
 */
async function underwritten(
  uc: UseCaseContext,
  actor: Actor,
  input: PolicyApplication,
  ctx: { id: string; now: Date },
  idempotency?: IdempotencyRequest,
): Promise<Policy> {
  // Stryker disable next-line StringLiteral: an enterprise user always has an organisation (user.ts `org_required`), so the fallback is never taken
  const holder = (actor.org ?? '').toUpperCase();
  const items = await uc.engine.read(
    [
      institutionKey(input.insurerId),
      enterpriseKey(holder),
      ...input.assetIds.map(assetKey),
      ...(input.pledgeId ? [pledgeKey(input.pledgeId)] : []),
    ],
    idempotency,
  );
  const resource = <T>(item: Record<string, unknown> | undefined) => (item ? toResource<T>(item) : undefined);
  const assets = new Map<string, Asset>();
  for (const id of input.assetIds) {
    const asset = resource<Asset>(items.get(assetKey(id)));
    if (asset) assets.set(id, asset);
  }
  const facts = {
    insurer: resource<Institution>(items.get(institutionKey(input.insurerId))),
    assets,
    pledge: input.pledgeId ? resource<Pledge>(items.get(pledgeKey(input.pledgeId))) : undefined,
  };
  const issues = underwritingIssues(input, facts, { holder, today: uc.clock.today() });
  if (issues.length > 0)
    throw unprocessable('The application does not pass underwriting.', { errors: issues });
  const holderName = items.get(enterpriseKey(holder))?.name;
  return newPolicy(input, facts, {
    ...ctx,
    holder,
    ...(typeof holderName === 'string' ? { holderName } : {}),
    ...(facts.insurer ? { insurerName: facts.insurer.name } : {}),
  });
}

/** What an application's event records. */
const applicationData = (policy: Policy) => ({
  insurerId: policy.insurerId,
  assetIds: policy.assetIds,
  coverages: policy.coverages,
  periodStart: policy.periodStart,
  periodEnd: policy.periodEnd,
  ...(policy.pledgeId ? { pledgeId: policy.pledgeId } : {}),
  ...(policy.renewalOf ? { renewalOf: policy.renewalOf } : {}),
});

/** The links an application writes: one per covered asset, and the guaranteed pledge's to the policy. */
function applicationLinks(uc: UseCaseContext, policy: Policy): TxItem[] {
  return [
    ...policy.assetIds.map((assetId) => ({
      tag: 'asset-link',
      write: uc.store.put({
        ...assetPolicyLinkKey(assetId, policy.insurerId, policy.id),
        entity: 'asset-policy',
        assetId,
        policyId: policy.id,
        insurerId: policy.insurerId,
        holder: policy.holder,
      }),
    })),
    ...(policy.pledgeId
      ? [
          {
            // Stryker disable next-line StringLiteral: an unconditional put never fails, so nothing reads its tag
            tag: 'guarantee-link',
            write: uc.store.put({
              ...pledgeGuaranteeLinkKey(policy.pledgeId, policy.id),
              entity: 'pledge-guarantee',
              policyId: policy.id,
              insurerId: policy.insurerId,
            }),
          },
        ]
      : []),
  ];
}

export function listPolicies(
  uc: UseCaseContext,
  actor: Actor,
  status: PolicyStatus | undefined,
  page: PageRequest,
): Promise<Page<Policy>> {
  return new PolicyRepository(uc.store).listPolicies(listScopeOf(actor), status, page);
}

export interface PolicyDetail {
  policy: Policy;
  /** In filing order. */
  claims: Claim[];
  /** Each actor with its organisation's name (see actor-names.ts). */
  history: WithActorName<HistoryEvent>[];
}

/** The names a policy or claim holds: its holder's and its insurer's (the beneficiary lender's it does not). */
export const policyNames = (p: Pick<Policy, 'holder' | 'insurerId' | 'holderName' | 'insurerName'>) =>
  knownNames([
    [{ role: 'enterprise', org: p.holder }, p.holderName],
    [{ role: 'insurer', org: p.insurerId }, p.insurerName],
  ]);

/**
 * The policy, its history and its claims: one Query of its partition and one BatchGet of its claims together with
 * the names of the actors the policy does not name (a beneficiary lender that filed a claim).
 */
export async function getPolicy(uc: UseCaseContext, actor: Actor, id: string): Promise<PolicyDetail> {
  const found = await uc.engine.loadWithHistory<Policy>('policy', id);
  if (!found || !mayReadPolicy(actor, found.agg)) throw notFound(`Policy ${id}`);
  const names = policyNames(found.agg);
  const events = found.history.map(policyHistoryEvent);
  const claimIds = found.others
    // Stryker disable next-line MethodExpression: another item of the partition (a document link) has no claimId; the key it would add, CLAIM#undefined, holds no claim
    .filter((i) => String(i.sk).startsWith(CLAIM_LINK_PREFIX))
    .map((i) => i.claimId as string);
  const items = await uc.store.batchGet([...claimIds.map(claimKey), ...actorNameKeys(events, names)]);
  const history = withActorNames(events, names, items);
  // Stryker disable next-line MethodExpression: an entry without claimId would only add the key undefined, which no claim looks up
  const filedAt = new Map(history.filter((e) => e.claimId).map((e) => [e.claimId!, e.version]));
  const claims = claimIds
    .flatMap((claimId) => {
      const item = items.get(claimKey(claimId));
      const claim = item ? toResource<Claim>(item) : undefined;
      // The beneficiary lender sees the guarantee's claims, not the holder's other claims.
      return claim && mayReadPolicy(actor, claim) ? [claim] : [];
    })
    .sort((a, b) => (filedAt.get(a.id) ?? 0) - (filedAt.get(b.id) ?? 0));
  return { policy: found.agg, claims, history };
}

/**
 * Issue, decline, cancel or terminate: the state machine decides, the policy rules compute, the engine persists.
 * The holder cannot cancel an active guarantee while its loan runs: the cancellation's transaction checks that the
 * pledge has ended (repaid, released, or never lent), so a loan that starts meanwhile is not left unguaranteed.
 */
export async function actOnPolicy(
  uc: UseCaseContext,
  actor: Actor,
  req: {
    id: string;
    action: 'issue' | 'decline' | 'cancel' | 'terminate';
    body: PolicyActionBody;
    expectedVersion?: number | undefined;
  },
  idempotency?: IdempotencyRequest,
): Promise<Policy> {
  // An issue reads the city's premium subsidy of the year in the same BatchGet as the policy.
  const subsidyKey = programmeKey(premiumSubsidyId(yearOf(uc.clock.today())));
  const outcome = await uc.engine.transition(
    POLICY_SPEC,
    {
      actor,
      id: req.id,
      action: req.action,
      expectedVersion: req.expectedVersion,
      idempotency,
      ...(req.action === 'issue' ? { alsoRead: [subsidyKey] } : {}),
    },
    async (policy, { now, read }) => {
      const subsidy = read.get(subsidyKey);
      const changes = policyActionChanges(policy, req.action, req.body, {
        now,
        today: uc.clock.today(),
        premiumSubsidyBps: subsidy ? Number(subsidy.shareBps) : undefined,
      });
      const plan = { changes: changes.fields, data: changes.data };
      if (req.action === 'cancel' && policy.status === 'active' && policy.pledgeId)
        return { ...plan, ...(await guaranteeEnded(uc, policy.pledgeId)) };
      const number = changes.fields.policyNumber;
      if (req.action !== 'issue' || number === undefined) return plan;
      return {
        ...plan,
        writes: [
          {
            tag: 'policy-number',
            write: uc.store.put(
              { ...policyNumberKey(policy.insurerId, number), entity: 'policy-number', policyId: policy.id },
              ABSENT,
            ),
          },
        ],
        onFailed: (failure: ConditionsFailed) =>
          failure.has('policy-number')
            ? conflict(`Policy number ${number} is already used by another of your policies.`)
            : undefined,
      };
    },
  );
  return outcome.after;
}

/** The guarantee may end only with its loan: 409 naming the loan's state, re-checked in the transaction. */
async function guaranteeEnded(uc: UseCaseContext, pledgeId: string) {
  const pledge = await uc.store.get(pledgeKey(pledgeId));
  const status = pledge?.status as PledgeStatus | undefined;
  const message = `guarantees pledge loan ${pledgeId}, which is ${status ?? 'gone'}: cancel once it is repaid or released`;
  const refusal = () =>
    conflict(`The policy ${message}.`, {
      errors: [
        {
          path: 'pledgeId',
          code: 'guarantee_loan_outstanding',
          params: { pledgeStatus: status ?? 'gone' },
          message,
        },
      ],
    });
  if (status === undefined || !LOAN_ENDED.includes(status)) throw refusal();
  return {
    writes: [
      {
        tag: 'loan-ended',
        write: uc.store.check(pledgeKey(pledgeId), {
          expression: `#status IN (${LOAN_ENDED.map((_, i) => `:s${i}`).join(', ')})`,
          names: { '#status': 'status' },
          values: Object.fromEntries(LOAN_ENDED.map((st, i) => [`:s${i}`, st])),
        }),
      },
    ],
    onFailed: (failure: ConditionsFailed) => (failure.has('loan-ended') ? refusal() : undefined),
  };
}

/** A pledge whose loan is over or never started: its guarantee may be cancelled. */
const LOAN_ENDED: readonly PledgeStatus[] = [
  'repaid',
  'released',
  'rejected',
  'withdrawn',
  'registration_refused',
];

/**
 * The scheduled expiry of one policy whose period has ended (Asia/Shanghai), by the system. A policy that is no
 * longer active answers 409, as does one whose period has not ended.
 */
export async function expirePolicy(uc: UseCaseContext, id: string): Promise<Policy> {
  const outcome = await uc.engine.transition(
    POLICY_SPEC,
    { actor: SYSTEM_ACTOR, id, action: 'expire' },
    (policy) => {
      if (compareDates(policy.periodEnd, uc.clock.today()) >= 0)
        throw invalidState(
          `The policy period runs through ${policy.periodEnd}; it cannot expire yet.`,
          policy.status,
        );
      return {};
    },
  );
  return outcome.after;
}

const FILE_CLAIM: Operation<PolicyStatus> = {
  name: 'file_claim',
  verb: 'take a claim',
  roles: ['enterprise', 'lender', 'system'],
  // Occurrence cover: an ended policy still answers for incidents inside its cover (coverage.ts decides which).
  from: ['active', 'expired', 'cancelled'],
  eventType: 'policy.claim_filed',
};

/**
 * Files a claim: an operation of the policy (guarded by its version, which orders the filing against expiry,
 * cancellation and payments) whose transaction also creates the claim, the claim's first event and the policy's
 * link to it. The holder files on its lines, the beneficiary lender on the guarantee line, and the system files the
 * lender's claim when a guaranteed loan defaults (with an id derived from the loan and the policy, so it is filed
 * once). Answers the claim.
 */
export async function fileClaim(
  uc: UseCaseContext,
  actor: Actor,
  req: { policyId: string; input: ClaimInput; claimId?: string },
  idempotency?: IdempotencyRequest,
): Promise<Claim> {
  const claimId = req.claimId ?? uc.newId();
  const outcome = await uc.engine.operate(
    POLICY_SPEC,
    FILE_CLAIM,
    { actor, id: req.policyId, idempotency },
    (policy, { now }) => {
      if (policy.status === 'cancelled' && policy.cancelledOn === undefined)
        throw invalidState('The policy was cancelled before it gave any cover.', policy.status);
      const claimant = claimantOf(actor, policy);
      const issues = claimIssues(policy, req.input, { today: uc.clock.today(), claimant: claimant.role });
      if (issues.length > 0)
        throw unprocessable('The claim cannot be filed on this policy.', { errors: issues });
      const claim = newClaim(policy, req.input, { id: claimId, now, claimant });
      const filed = uc.engine.eventOf(CLAIM_SPEC, CLAIM_MACHINE.row('file'), null, claim, actor, {
        policyId: policy.id,
        line: claim.line,
        claimedFen: claim.claimedFen,
        incidentDate: claim.incidentDate,
      });
      const taken = () => conflict('A claim with this id already exists; retry.');
      return {
        changes: { claimCount: policy.claimCount + 1 },
        data: { claimId, line: claim.line, claimedFen: claim.claimedFen },
        writes: [
          {
            // Stryker disable next-line StringLiteral: `taken` answers the same conflict whichever of these writes failed
            tag: 'claim',
            write: uc.store.put(
              { ...claimKey(claimId), entity: 'claim', ...claimIndexKeys(claim), ...claim },
              ABSENT,
            ),
          },
          // Stryker disable next-line StringLiteral: `taken` answers the same conflict whichever write failed (the tag only has to differ from the engine's `event`)
          { ...uc.engine.eventWrite(filed), tag: 'claim-event' },
          {
            // Stryker disable next-line StringLiteral: `taken` answers the same conflict whichever of these writes failed
            tag: 'claim-link',
            write: uc.store.put(
              { ...policyClaimLinkKey(policy.id, claimId), entity: 'policy-claim', claimId },
              ABSENT,
            ),
          },
          ...(claim.beneficiaryLenderId
            ? [
                {
                  tag: 'lender-link',
                  write: uc.store.put({
                    ...lenderClaimLinkKey(claim.beneficiaryLenderId, claim.createdAt, claimId),
                    entity: 'lender-claim',
                    claimId,
                  }),
                },
              ]
            : // Stryker disable next-line ArrayDeclaration: a string has no `write`, and the transaction drops the undefined item it leaves
              []),
        ],
        onFailed: taken,
        result: claim,
      };
    },
  );
  return outcome.result as Claim;
}

/** Who a filing is made for: the system files for the guarantee's lender. */
function claimantOf(actor: Actor, policy: Policy): Claimant {
  if (actor.role === 'enterprise') return { role: 'enterprise', org: policy.holder };
  // Stryker disable next-line StringLiteral: only a policy without beneficiary reaches '', and there a lender's or the system's filing is refused (`not_your_line`) before the claimant is used
  const org = policy.beneficiaryLenderId ?? actor.org ?? '';
  return { role: 'lender', org };
}

const RENEWAL_NOTICE: Operation<PolicyStatus> = {
  name: 'offer_renewal',
  verb: 'be offered a renewal',
  roles: ['system'],
  from: ['active'],
  eventType: 'policy.renewal_due',
};

/**
 * The renewal offer of one active policy ending within 30 days, by the system: records the day it was made, so
 * each policy is offered once however often the job runs (409 when it was offered, renewed, or is not due).
 */
export async function offerRenewal(uc: UseCaseContext, id: string): Promise<Policy> {
  const outcome = await uc.engine.operate(
    POLICY_SPEC,
    RENEWAL_NOTICE,
    { actor: SYSTEM_ACTOR, id },
    (policy) => {
      const today = uc.clock.today();
      if (!renewalDue(policy, today))
        throw invalidState(
          'The policy is not due a renewal offer (offered, renewed, or not ending soon).',
          policy.status,
        );
      return { changes: { renewalOfferedOn: today }, data: { periodEnd: policy.periodEnd } };
    },
  );
  return outcome.after;
}

const RENEWAL: Operation<PolicyStatus> = {
  name: 'renew',
  verb: 'be renewed',
  roles: ['enterprise'],
  from: ['active', 'expired'],
  eventType: 'policy.renewed',
};

/**
 * The holder renews its policy: a new `applied` policy for the same insurer, rights and (unless given) lines, from
 * the day after the old period, underwritten as any application; the old policy names its renewal (once) in the
 * same transaction. Answers the new policy.
 */
export async function renewPolicy(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; periodEnd: IsoDate; coverages?: PolicyApplication['coverages'] | undefined },
  idempotency?: IdempotencyRequest,
): Promise<Policy> {
  const renewalId = uc.newId();
  const outcome = await uc.engine.operate(
    POLICY_SPEC,
    RENEWAL,
    { actor, id: req.id, idempotency },
    async (old, { now }) => {
      if (old.renewedBy)
        throw conflict(`The policy was already renewed by policy ${old.renewedBy}.`, {
          renewedBy: old.renewedBy,
        });
      const application = renewalApplication(old, req);
      const renewal = {
        ...(await underwritten(uc, actor, application, { id: renewalId, now })),
        renewalOf: old.id,
      };
      const applied = uc.engine.eventOf(
        POLICY_SPEC,
        POLICY_MACHINE.row('apply'),
        null,
        renewal,
        actor,
        applicationData(renewal),
      );
      return {
        changes: { renewedBy: renewalId },
        data: { renewalId },
        writes: [
          {
            tag: 'renewal',
            write: uc.store.put(
              { ...policyKey(renewalId), entity: 'policy', ...policyIndexKeys(renewal), ...renewal },
              ABSENT,
            ),
          },
          // Stryker disable next-line StringLiteral: the renewal's event fails only with its policy item (the same new id), which `renewal` reports; the tag only has to differ from the engine's `event`
          { ...uc.engine.eventWrite(applied), tag: 'renewal-event' },
          ...applicationLinks(uc, renewal),
        ],
        onFailed: (failure: ConditionsFailed) =>
          failure.has('renewal') ? conflict('A policy with this id already exists; retry.') : undefined,
        result: renewal,
      };
    },
  );
  return outcome.result as Policy;
}

export interface PolicyQuote extends Quote {
  /** With the city's premium subsidy of this year, when set. */
  premiumSubsidyFen?: number;
  premiumPayableFen?: number;
}

/**
 * The insurer's quote for an application: its rates on the policy's lines and period, and the city's part of this
 * year's premiums. Holder, insurer and office read it (one GetItem, then one BatchGet of the insurer and the
 * programme); a line the insurer has no rate for → 422 `no_rate` naming it.
 */
export async function quotePolicy(uc: UseCaseContext, actor: Actor, id: string): Promise<PolicyQuote> {
  const policy = await uc.engine.load<Policy>('policy', id);
  if (!policy || !mayReadPolicy(actor, policy)) throw notFound(`Policy ${id}`);
  const subsidyKey = programmeKey(premiumSubsidyId(yearOf(uc.clock.today())));
  const items = await uc.store.batchGet([institutionKey(policy.insurerId), subsidyKey]);
  const insurer = items.get(institutionKey(policy.insurerId));
  // Stryker disable next-line ArrayDeclaration: a rate list holding a string has no rate for any line either, so the quote's `no_rate` refusal is the same
  const quoted = quote((insurer?.rates as LineRate[] | undefined) ?? [], policy.coverages, policy);
  if (!quoted.ok) throw unprocessable('The insurer cannot quote this policy.', { errors: quoted.issues });
  const subsidy = items.get(subsidyKey);
  if (!subsidy) return quoted.quote;
  const premiumSubsidyFen = premiumSubsidyFenOf(quoted.quote.premiumFen, Number(subsidy.shareBps));
  return {
    ...quoted.quote,
    premiumSubsidyFen,
    premiumPayableFen: quoted.quote.premiumFen - premiumSubsidyFen,
  };
}
