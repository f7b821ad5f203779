/**
 * Co-owner consents to pledging a co-owned asset: recorded and revoked by its owner or the IP office. Each change
 * is one conditional update of the asset (its version moves), so a pledge submission never misses a revocation.
 */
import type { Actor } from '../domain/actor.js';
import type { Asset, CoOwnerConsent } from '../domain/asset.js';
import { isEnterprise } from '../domain/enterprise.js';
import {
  checkExpectedVersion,
  conflict,
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

/** The asset if the caller may manage its consents (its owner or the IP office; others: 404), at If-Match. */
async function manageableAsset(uc: UseCaseContext, actor: Actor, req: ConsentRequest): Promise<Asset> {
  const asset = await new AssetRepository(uc.store).get(req.assetId);
  if (!asset || (actor.role === 'enterprise' && !isEnterprise(actor, asset.owner)))
    throw notFound(`Asset ${req.assetId}`);
  if (!(asset.coOwners ?? []).includes(req.uscc))
    throw unprocessable(`${req.uscc} is not a co-owner of asset ${req.assetId}.`, {
      errors: [{ path: 'param.uscc', message: 'is not listed in the asset’s coOwners' }],
    });
  checkExpectedVersion(req.expectedVersion, asset.version);
  return asset;
}

/** The conditional update; a refusal is explained from the asset as it was. */
async function write(uc: UseCaseContext, asset: Asset, req: ConsentRequest, item: TxItem): Promise<void> {
  try {
    await uc.store.write(item);
  } catch (error) {
    if (!(error instanceof ConditionsFailed)) throw error;
    const old = error.failed[0]?.old;
    if (!old) throw notFound(`Asset ${asset.id}`);
    const currentVersion = Number(old.version);
    if (currentVersion === asset.version && old.encumbrance !== undefined)
      throw conflict('A pledge holds the asset; a co-owner consent cannot be revoked while it does.');
    if (req.expectedVersion !== undefined) throw preconditionFailed(currentVersion);
    throw conflict('The asset was changed concurrently; reload and retry.');
  }
}
