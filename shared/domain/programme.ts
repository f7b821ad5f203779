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
