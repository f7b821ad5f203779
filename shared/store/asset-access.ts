import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../auth/principal.js';
import type { Asset } from '../domain/asset.js';
import { PledgeRepository } from './pledge-repository.js';
import { PolicyRepository } from './policy-repository.js';
import { Store } from './toolkit.js';

export interface AssetAccessDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * Whether a lender or insurer may read an asset: only when the asset is in a pledge application or a policy
 * addressed to that institution. EXTENSION POINT for the pledge and insurance modules — e.g. the lender of the
 * pledge named in `asset.encumbrance.pledgeId`, or the insurer of a policy in `asset.insuredBy`. Until those
 * exist no counterparty may read any asset, so the answer is false (→ 404).
 */
export async function counterpartyMayRead(
  deps: AssetAccessDeps,
  principal: Principal,
  asset: Asset,
): Promise<boolean> {
  if (principal.role === 'lender') return lenderMayRead(deps, principal, asset);
  // An insurer reads the assets of any policy (applied or later) addressed to it: one Query, at most one item.
  if (principal.role === 'insurer' && principal.org)
    return new PolicyRepository(new Store(deps.db, deps.tableName)).insurerHasPolicyOnAsset(
      principal.org,
      asset.id,
    );
  return false;
}

/**
 * A lender reads an asset while a pledge application or pledge addressed to it holds the asset: one small
 * GetItem of the holding pledge's `lenderId` (nothing when the asset is free).
 */
async function lenderMayRead(deps: AssetAccessDeps, principal: Principal, asset: Asset): Promise<boolean> {
  const pledgeId = asset.encumbrance?.pledgeId;
  if (!pledgeId || !principal.org) return false;
  return (
    (await new PledgeRepository(new Store(deps.db, deps.tableName)).lenderOf(pledgeId)) === principal.org
  );
}
