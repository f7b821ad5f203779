/**
 * Co-owner consents to pledging a co-owned asset. A fact about a right is recorded by whoever may know it: the
 * consent is the co-owner's to give, so its own users record and revoke it, or the IP office with the document it
 * holds (`documentRef`); the owner may not speak for its co-owners (403). Each change is one conditional update of
 * the asset (its version moves), so a pledge submission never misses a revocation.
 */
import type { Actor } from '../domain/actor.js';
import type { Asset, CoOwnerConsent } from '../domain/asset.js';
import { isEnterprise } from '../domain/enterprise.js';
import {
  checkExpectedVersion,
  conflict,
  forbidden,
  notFound,
  preconditionFailed,
  unprocessable,
} from '../domain/errors.js';
import { AssetRepository } from '../store/asset-repository.js';
import { consentRecord, consentRevocation } from '../store/co-owner-consent-repository.js';
import { ConditionsFailed, type TxItem } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';

export interface ConsentRequest {
  assetId: string;
  /** The co-owner's USCC, as listed in the asset's `coOwners`. */
  uscc: string;
  expectedVersion?: number | undefined;
}

export interface RecordedConsent extends CoOwnerConsent {
  assetId: string;
  uscc: string;
  recordedByRole: string;
  documentRef?: string;
  /** The asset version after the change. */
  assetVersion: number;
  /** Whether it replaced an earlier consent of the same co-owner. */
  replaced: boolean;
}

export async function recordConsent(
  uc: UseCaseContext,
  actor: Actor,
  req: ConsentRequest & { documentRef?: string | undefined },
): Promise<RecordedConsent> {
  const asset = await manageableAsset(uc, actor, req);
  if (actor.role === 'ipoffice' && !req.documentRef)
    throw unprocessable('The IP office records a consent from the document it holds.', {
      errors: [
        {
          path: 'documentRef',
          code: 'document_ref_required',
          message: 'the consent document’s reference is required',
        },
      ],
    });
  const consent = {
    recordedAt: uc.clock.now().toISOString(),
    recordedBy: actor.sub ?? actor.role,
    recordedByRole: actor.role,
    ...(req.documentRef ? { documentRef: req.documentRef } : {}),
  };
  await write(uc, asset, req, consentRecord(uc.store, asset, req.uscc, consent));
  return {
    assetId: asset.id,
    uscc: req.uscc,
    ...consent,
    assetVersion: asset.version + 1,
    replaced: asset.coOwnerConsents?.[req.uscc] !== undefined,
  };
}

/** Refused with 409 while a pledge holds the asset. Answers the asset's new version. */
export async function revokeConsent(uc: UseCaseContext, actor: Actor, req: ConsentRequest): Promise<number> {
  const asset = await manageableAsset(uc, actor, req);
  if (!asset.coOwnerConsents?.[req.uscc]) throw notFound(`A consent of ${req.uscc} on asset ${asset.id}`);
  if (asset.encumbrance)
    throw conflict(
      `Pledge ${asset.encumbrance.pledgeId} holds the asset; the consent cannot be revoked while it does.`,
      { pledgeId: asset.encumbrance.pledgeId },
    );
  await write(uc, asset, req, consentRevocation(uc.store, asset, req.uscc, uc.clock.now().toISOString()));
  return asset.version + 1;
}

/**
 * The asset if the caller may give or withdraw this co-owner's consent — the co-owner itself or the IP office —
 * at If-Match. The owner learns it may not (403); anyone else that the asset does not exist.
 */
async function manageableAsset(uc: UseCaseContext, actor: Actor, req: ConsentRequest): Promise<Asset> {
  const asset = await new AssetRepository(uc.store).get(req.assetId);
  // Stryker disable next-line ArrayDeclaration: the fallback serves only a missing asset (404 below); buildAsset gives every asset a coOwners list
  const coOwners = asset?.coOwners ?? [];
  const isOwner = asset !== undefined && isEnterprise(actor, asset.owner);
  const isCoOwner = coOwners.some((uscc) => isEnterprise(actor, uscc));
  if (!asset || (actor.role !== 'ipoffice' && !isOwner && !isCoOwner)) throw notFound(`Asset ${req.assetId}`);
  if (!coOwners.includes(req.uscc))
    throw unprocessable(`${req.uscc} is not a co-owner of asset ${req.assetId}.`, {
      errors: [
        { path: 'param.uscc', code: 'not_a_co_owner', message: 'is not listed in the asset’s coOwners' },
      ],
    });
  if (actor.role !== 'ipoffice' && !isEnterprise(actor, req.uscc))
    throw forbidden(
      `A consent of ${req.uscc} is given by ${req.uscc}’s own users, or recorded by the IP office from its document.`,
    );
  checkExpectedVersion(req.expectedVersion, asset.version);
  return asset;
}

/** The conditional update; a refusal is explained from the asset as it was. */
async function write(uc: UseCaseContext, asset: Asset, req: ConsentRequest, item: TxItem): Promise<void> {
  try {
    await uc.store.write(item);
  } catch (error) {
    if (!(error instanceof ConditionsFailed)) throw error;
    // Stryker disable next-line OptionalChaining: a failed single write (Store.write) always carries its one entry
    const old = error.failed[0]?.old;
    if (!old) throw notFound(`Asset ${asset.id}`);
    const currentVersion = Number(old.version);
    if (currentVersion === asset.version && old.encumbrance !== undefined)
      throw conflict('A pledge holds the asset; a co-owner consent cannot be revoked while it does.');
    if (req.expectedVersion !== undefined) throw preconditionFailed(currentVersion);
    throw conflict('The asset was changed concurrently; reload and retry.');
  }
}
