/**
 * Co-owners' consents to pledging, kept on the asset item (`coOwnerConsents.<uscc>`). Every change is
 * conditional on the version that was read, and bumps it, so a submission that read the asset at version v
 * (and holds it under `version = :v`) can never slip past a revocation that happened after its read. A failed
 * write (tag `asset`) carries the asset as it was.
 */
import type { Asset, CoOwnerConsent } from '../domain/asset.js';
import { assetKey } from './keys.js';
import type { Store, TxItem } from './toolkit.js';

const unchanged = (asset: Asset, extra = '') => ({
  expression: `attribute_exists(pk) AND #version = :v${extra}`,
  names: { '#version': 'version' },
  values: { ':v': asset.version },
});

export function consentRecord(store: Store, asset: Asset, uscc: string, consent: CoOwnerConsent): TxItem {
  return {
    tag: 'asset',
    write: store.update(
      assetKey(asset.id),
      {
        set: {
          coOwnerConsents: { ...asset.coOwnerConsents, [uscc]: consent },
          version: asset.version + 1,
          updatedAt: consent.recordedAt,
        },
      },
      unchanged(asset),
      { returnOld: true },
    ),
  };
}

/** Refused while a pledge holds the asset: the consent is part of what the pledge rests on. */
export function consentRevocation(store: Store, asset: Asset, uscc: string, now: string): TxItem {
  return {
    tag: 'asset',
    write: store.update(
      assetKey(asset.id),
      { set: { version: asset.version + 1, updatedAt: now }, remove: [`coOwnerConsents.${uscc}`] },
      unchanged(asset, ' AND attribute_not_exists(encumbrance)'),
      { returnOld: true },
    ),
  };
}
