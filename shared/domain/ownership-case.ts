/**
 * An ownership case (权属争议): an enterprise registered a number that another enterprise already holds in the
 * portal. Instead of a dead end, the claim goes to the IP office, which decides for the holder (nothing changes) or
 * for the claimant (the right is transferred to it, as a `transferred` legal event). Pure.
 */
import type { AssetKind } from './asset.js';

export const CASE_OUTCOMES = ['holder', 'claimant'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export interface OwnershipCase {
  id: string;
  kind: AssetKind;
  number: string;
  assetId: string;
  holder: string;
  claimant: string;
  status: 'open' | 'decided';
  openedAt: string;
  outcome?: CaseOutcome;
  reference?: string;
  decidedAt?: string;
}
