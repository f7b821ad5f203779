import type { RiskPoolShares } from './disposal.js';
import type { InterestSubsidyTerms } from './interest-subsidy.js';

/** A city programme's settings as the IP office last set them. */
export interface Programme {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The interest subsidy of one year (`interest-subsidy#<year>`). */
export interface InterestSubsidyProgramme extends Programme, InterestSubsidyTerms {
  id: `interest-subsidy#${number}`;
}

/** The risk-compensation pool: how a disposed loan's loss is shared. */
export interface RiskPoolProgramme extends Programme, RiskPoolShares {
  id: 'risk-pool';
}

/** The city's share of the premiums of policies issued in one year (`premium-subsidy#<year>`). */
export interface PremiumSubsidyProgramme extends Programme {
  id: `premium-subsidy#${number}`;
  year: number;
  shareBps: number;
}

export const premiumSubsidyId = (year: number) => `premium-subsidy#${year}` as const;

/** The city's part of a premium: floor(premium × share / 10000), in BigInt so no fen is lost. */
export const premiumSubsidyFen = (premiumFen: number, shareBps: number): number =>
  Number((BigInt(premiumFen) * BigInt(shareBps)) / 10_000n);
