/**
 * Portfolio use cases: register, list, read and delete patents and trademarks. Each answers the asset as the API
 * shows it (`inForce` as of today, Asia/Shanghai).
 */
import type { Actor } from '../domain/actor.js';
import {
  type Asset,
  type AssetInput,
  type AssetView,
  assetReadRule,
  assetView,
  buildAsset,
  type Verification,
} from '../domain/asset.js';
import { isEnterprise } from '../domain/enterprise.js';
import {
  checkExpectedVersion,
  conflict,
  DomainError,
  forbidden,
  notFound,
  preconditionFailed,
  unprocessable,
} from '../domain/errors.js';
import {
  applyLegalEvent,
  eventFields,
  type LegalEventInput,
  legalEventRefusals,
  OWNER_EVENT_TYPES,
} from '../domain/legal-status.js';
import { checkUscc } from '../domain/uscc.js';
import {
  AssetRepository,
  assetUpdate,
  creationWrites,
  deletionWrites,
  legalEventWrites,
  type RecordedLegalEvent,
  revisionWrites,
} from '../store/asset-repository.js';
import { type IdempotencyRequest, recordWrite } from '../store/idempotency-store.js';
import { assetNumberKey } from '../store/keys.js';
import { OwnershipCaseRepository } from '../store/ownership-case-repository.js';
import { PledgeRepository } from '../store/pledge-repository.js';
import { PolicyRepository } from '../store/policy-repository.js';
import type { Page, PageRequest } from '../store/query-page.js';
import { ConditionsFailed, type Item, type TxItem } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';

const viewOf = (uc: UseCaseContext, asset: Asset) => assetView(asset, uc.clock.today());

/**
 * Registers an asset in `owner`'s portfolio (an enterprise only in its own): with an Idempotency-Key its record
 * is read first (a retry replays), then ONE transaction writes the asset, its number claim, the owner check, the
 * portfolio counters and the record. Concurrent registrations of one number race on the claim; one wins.
 */
export async function registerAsset(
  uc: UseCaseContext,
  actor: Actor,
  req: { owner: string; input: AssetInput },
  idempotency?: IdempotencyRequest,
): Promise<AssetView> {
  if (actor.role === 'enterprise' && !isEnterprise(actor, req.owner))
    throw forbidden('An enterprise may only register assets in its own portfolio.');
  await uc.engine.read([], idempotency);
  const now = uc.clock.now();
  const asset = buildAsset(req.input, {
    id: uc.newId(),
    owner: req.owner,
    today: uc.clock.today(),
    now: now.toISOString(),
  });
  const view = viewOf(uc, asset);
  try {
    await uc.store.transact([
      ...creationWrites(uc.store, asset),
      ...(idempotency ? [recordWrite(uc.store, idempotency, view, now)] : []),
    ]);
  } catch (error) {
    if (!(error instanceof ConditionsFailed)) throw error;
    await uc.engine.replayOnRecord(error, idempotency);
    if (error.has('owner'))
      throw new DomainError(
        'not_found',
        `Enterprise ${asset.owner} is not registered; register it with PUT /enterprises/${asset.owner} first.`,
      );
    if (error.has('number')) throw await numberTaken(uc, asset);
    throw conflict('An asset with this id already exists; retry.');
  }
  return view;
}

/**
 * A number another enterprise holds: not a dead end — an ownership case goes to the IP office (a repeated claim
 * finds the same case), and the 409 names it. A number the claimant itself holds is a plain 409.
 */
async function numberTaken(uc: UseCaseContext, asset: Asset): Promise<DomainError> {
  const claim = await uc.store.get(assetNumberKey(asset.kind, asset.number));
  const holder = claim?.owner as string | undefined;
  if (!claim || holder === asset.owner)
    return conflict(`The ${asset.kind} number ${asset.number} is already in your portfolio.`);
  const opened = await new OwnershipCaseRepository(uc.store).open({
    id: uc.newId(),
    kind: asset.kind,
    number: asset.number,
    assetId: String(claim.assetId),
    holder: holder!,
    claimant: asset.owner,
    status: 'open',
    openedAt: uc.clock.now().toISOString(),
  });
  return conflict(
    `The ${asset.kind} number ${asset.number} is held by another enterprise in the portal. An ownership case ` +
      `(${opened.id}) went to the IP office, which decides whose it is; you will find it at GET /ownership-cases.`,
    { ownershipCaseId: opened.id },
  );
}

/**
 * Revises the details of a right the caller may register (its owner; the IP office any): the same input and the
 * same rules as its registration (`buildAsset`), over the version read. The kind and the number are the right's
 * identity and cannot change; a right held by a pledge keeps its details (409). A company's revision drops the
 * office's verification, which was of the details as they were. Used by the bulk import (a row with other values).
 */
export async function reviseAsset(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; input: AssetInput; expectedVersion?: number | undefined },
): Promise<AssetView> {
  const asset = await new AssetRepository(uc.store).get(req.id);
  if (!asset || (actor.role !== 'ipoffice' && !isEnterprise(actor, asset.owner)))
    throw notFound(`Asset ${req.id}`);
  checkExpectedVersion(req.expectedVersion, asset.version);
  const built = buildAsset(
    req.input.kind === 'patent' ? { ...req.input, coOwners: asset.coOwners } : req.input,
    { id: asset.id, owner: asset.owner, today: uc.clock.today(), now: asset.createdAt },
  );
  if (built.kind !== asset.kind || built.number !== asset.number)
    throw conflict('The kind and the number of a right are its identity; they cannot be revised.');
  if (asset.encumbrance)
    throw conflict(
      `The right is held by pledge ${asset.encumbrance.pledgeId}; its details cannot change now.`,
      {
        pledgeId: asset.encumbrance.pledgeId,
      },
    );
  const termDate = (a: Asset) => (a.kind === 'patent' ? a.filingDate : a.registrationDate);
  // Legal events (a renewal) may have moved the term since registration: its date then stays as recorded.
  if (termDate(built) !== termDate(asset) && (asset.legal?.events ?? 0) > 0)
    throw conflict(
      'The right has legal events recorded; its filing or registration date (which sets its term) cannot change now.',
    );
  const { verification, ...kept } = asset;
  const after = {
    ...kept,
    ...built,
    ...(verification && actor.role === 'ipoffice' ? { verification } : {}),
    coOwners: asset.coOwners,
    expiresOn: termDate(built) === termDate(asset) ? asset.expiresOn : built.expiresOn,
    ...(asset.kind === 'trademark' && built.kind === 'trademark' ? { markType: asset.markType } : {}),
    version: asset.version + 1,
    createdAt: asset.createdAt,
    updatedAt: uc.clock.now().toISOString(),
  } as Asset;
  try {
    await uc.store.transact(revisionWrites(uc.store, asset, after));
  } catch (error) {
    if (!(error instanceof ConditionsFailed)) throw error;
    if (req.expectedVersion !== undefined) throw preconditionFailed(asset.version + 1);
    throw conflict('The right changed meanwhile; reload and retry.');
  }
  return viewOf(uc, after);
}

/** An enterprise's portfolio, newest first: for the enterprise itself and the IP office (others: 404). */
export async function listAssets(
  uc: UseCaseContext,
  actor: Actor,
  owner: string,
  page: PageRequest,
): Promise<Page<AssetView>> {
  if (actor.role === 'enterprise' && !isEnterprise(actor, owner)) throw notFound(`Enterprise ${owner}`);
  const found = await new AssetRepository(uc.store).listByOwner(owner, page);
  return { items: found.items.map((a) => viewOf(uc, a)), nextCursor: found.nextCursor };
}

/** One asset, for whoever `assetReadRule` lets read it; anyone else is told it does not exist. */
export async function getAsset(uc: UseCaseContext, actor: Actor, id: string): Promise<AssetView> {
  const asset = await new AssetRepository(uc.store).get(id);
  if (!asset) throw notFound(`Asset ${id}`);
  const rule = assetReadRule(actor, asset);
  // The owner's and the office's reads, the most frequent, answer without a further read.
  if (!('allowed' in rule ? rule.allowed : await counterpartyMayRead(uc, rule, asset)))
    throw notFound(`Asset ${id}`);
  return viewOf(uc, asset);
}

/** The rule's counterparty questions, each one small read: the holding pledge's lender, a policy of the insurer. */
async function counterpartyMayRead(
  uc: UseCaseContext,
  rule: Exclude<ReturnType<typeof assetReadRule>, { allowed: boolean }>,
  asset: Asset,
): Promise<boolean> {
  if ('ifLenderOfPledge' in rule)
    return (await new PledgeRepository(uc.store).lenderOf(rule.ifLenderOfPledge)) === rule.lenderId;
  return new PolicyRepository(uc.store).insurerHasPolicyOnAsset(rule.ifInsurerOfAPolicy, asset.id);
}

/**
 * Deletes the owner's asset and frees its number, in one transaction guarded by the version read and by "no
 * pledge holds it, no active policy covers it". A refusal says why from the item as it was.
 */
export async function deleteAsset(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; expectedVersion?: number | undefined },
): Promise<void> {
  const asset = await new AssetRepository(uc.store).get(req.id);
  if (!asset || !isEnterprise(actor, asset.owner)) throw notFound(`Asset ${req.id}`);
  checkExpectedVersion(req.expectedVersion, asset.version);
  try {
    await uc.store.transact(deletionWrites(uc.store, asset));
  } catch (error) {
    if (!(error instanceof ConditionsFailed)) throw error;
    const failed = error.failed.find((f) => f.tag === 'asset');
    if (!failed)
      throw conflict('The number of this asset is claimed by another; the IP office must reconcile it.');
    throw whyNotDeletable(asset, failed.old, req.expectedVersion);
  }
}

function whyNotDeletable(
  asset: Asset,
  old: Item | undefined,
  expectedVersion: number | undefined,
): DomainError {
  if (!old) return notFound(`Asset ${asset.id}`);
  const pledgeId = (old.encumbrance as { pledgeId?: string } | undefined)?.pledgeId;
  if (old.encumbrance)
    return conflict(
      `The asset is held by pledge ${pledgeId ?? '(unknown)'}; it can be deleted once the pledge is withdrawn, rejected, refused or released.`,
      { pledgeId },
    );
  if ([...((old.insuredBy as Iterable<string> | undefined) ?? [])].length > 0)
    return conflict('The asset is covered by an active policy; it can be deleted once the policy has ended.');
  if (expectedVersion !== undefined) return preconditionFailed(Number(old.version));
  return conflict('The asset was changed concurrently; reload and retry.');
}

/**
 * Records a legal event against a right (API.md v2): the IP office any type, the owner its annuity payments and
 * renewals with the office's receipt as `reference`; anyone else is told the asset does not exist. Refusals name
 * the field and a code, and write nothing; the event and the asset it changes are one transaction over the version
 * read, so an event racing a pledge filing or a registration cannot both pass unseen.
 */
export async function recordLegalEvent(
  uc: UseCaseContext,
  actor: Actor,
  req: { assetId: string; input: LegalEventInput },
  idempotency?: IdempotencyRequest,
  /** Writes of the operation that records the event (an ownership case's decision), in the same transaction. */
  alsoWrite: TxItem[] = [],
): Promise<{ event: RecordedLegalEvent; asset: AssetView }> {
  await uc.engine.read([], idempotency);
  const asset = await new AssetRepository(uc.store).get(req.assetId);
  const owner = asset !== undefined && isEnterprise(actor, asset.owner);
  if (!asset || (actor.role !== 'ipoffice' && !owner)) throw notFound(`Asset ${req.assetId}`);
  if (owner && !OWNER_EVENT_TYPES.has(req.input.type))
    throw forbidden(
      `An owner records its annuity payments and renewals; a ${req.input.type} is recorded by the IP office.`,
    );
  const given = eventFields(req.input);
  const input = { ...given, ...(given.toUscc ? { toUscc: canonicalUscc(given.toUscc) } : {}) };
  const issues = legalEventRefusals(asset, input, {
    today: uc.clock.today(),
    encumbered: !!asset.encumbrance,
  });
  if (owner && !input.reference)
    issues.push({
      path: 'reference',
      code: 'reference_required',
      message: 'the office’s receipt number is required',
    });
  if (issues.length > 0) throw unprocessable('The legal event was refused.', { errors: issues });
  const now = uc.clock.now().toISOString();
  const after: Asset = { ...applyLegalEvent(asset, input), version: asset.version + 1, updatedAt: now };
  const event: RecordedLegalEvent = {
    ...input,
    assetId: asset.id,
    seq: after.legal!.events,
    recordedAt: now,
    recordedBy: actor,
  };
  const result = { event, asset: viewOf(uc, after) };
  try {
    await uc.store.transact([
      ...legalEventWrites(uc.store, asset, after, event),
      ...alsoWrite,
      ...(idempotency ? [recordWrite(uc.store, idempotency, result, uc.clock.now())] : []),
    ]);
  } catch (error) {
    if (!(error instanceof ConditionsFailed)) throw error;
    await uc.engine.replayOnRecord(error, idempotency);
    if (error.has('case')) throw conflict('The ownership case was decided meanwhile; reload.');
    if (error.has('owner'))
      throw unprocessable('The transferee is not registered.', {
        errors: [
          {
            path: 'toUscc',
            code: 'transferee_unknown',
            message: `${input.toUscc} is not a registered enterprise`,
          },
        ],
      });
    throw conflict(
      'The right changed while the event was being recorded (a pledge, another event); reload and retry.',
    );
  }
  return result;
}

/** A right's legal events, newest first, for whoever may read the right. */
export async function listLegalEvents(
  uc: UseCaseContext,
  actor: Actor,
  assetId: string,
  page: PageRequest,
): Promise<Page<RecordedLegalEvent>> {
  await getAsset(uc, actor, assetId);
  return new AssetRepository(uc.store).legalEvents(assetId, page);
}

const canonicalUscc = (raw: string): string => {
  const check = checkUscc(raw);
  return check.ok ? check.uscc : raw;
};

/**
 * The IP office verifies a right: it checked the number, the owner and the status against the register or a
 * document it holds. A lender whose policy requires it takes only verified rights. Over the version read.
 */
export async function verifyAsset(
  uc: UseCaseContext,
  actor: Actor,
  req: { assetId: string; source: Verification['source']; reference: string },
): Promise<AssetView> {
  const asset = await new AssetRepository(uc.store).get(req.assetId);
  if (!asset) throw notFound(`Asset ${req.assetId}`);
  const after: Asset = {
    ...asset,
    verification: {
      on: uc.clock.today(),
      source: req.source,
      reference: req.reference,
      by: actor.sub ?? actor.role,
    },
    version: asset.version + 1,
    updatedAt: uc.clock.now().toISOString(),
  };
  try {
    await uc.store.write(assetUpdate(uc.store, asset, after));
  } catch (error) {
    if (error instanceof ConditionsFailed) throw conflict('The right changed meanwhile; reload and retry.');
    throw error;
  }
  return viewOf(uc, after);
}
