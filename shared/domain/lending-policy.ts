/**
 * A lender's loan-to-value caps ("pledge rate", 质押率) per kind of pledged right, in basis points of the
 * appraised value (2500 = 25 %). There is no national rule; the defaults follow the practice DOMAIN.md cites
 * (one bank: invention patents 25 %, utility models 15 %, trademarks 50 %).
 *
 * Design patents default to 15 %, like utility models: both are registered without substantive examination
 * (so they are invalidated more often), protect a narrower subject matter than an invention and are easier to
 * design around, so a bank treats them as the weaker collateral class.
 */

import type { FieldIssue } from './errors.js';
import {
  type ClassificationDays,
  DEFAULT_PENALTY_FACTOR_BPS,
  REGULATOR_CLASSIFICATION_DAYS,
} from './loan.js';
import type { PatentType } from './patent-number.js';

export const LTV_KINDS = ['invention', 'utility_model', 'design', 'trademark'] as const;
export type LtvKind = (typeof LTV_KINDS)[number];

export type MaxLtvBps = Record<LtvKind, number>;

export interface LendingPolicy {
  maxLtvBps: MaxLtvBps;
  /** Penalty rate = contract rate × this (default 15000, +50 %), for loans disbursed under the policy. */
  penaltyFactorBps?: number;
  /** The lender's own first day past due of each tier; the regulator's floor when absent. */
  classificationDays?: ClassificationDays;
  /** Only rights the IP office verified (from the register or a document) are taken as collateral. */
  requireVerifiedRights?: boolean;
}

export const BPS_PER_UNIT = 10_000;

export const DEFAULT_MAX_LTV_BPS: Readonly<MaxLtvBps> = Object.freeze({
  invention: 2500,
  utility_model: 1500,
  design: 1500,
  trademark: 5000,
});

export const defaultLendingPolicy = (): LendingPolicy => ({ maxLtvBps: { ...DEFAULT_MAX_LTV_BPS } });

/** The collateral class of an asset: a patent by its type, a trademark as such. */
export const ltvKindOf = (asset: { kind: 'patent' | 'trademark'; patentType?: PatentType }): LtvKind =>
  asset.kind === 'trademark' ? 'trademark' : (asset.patentType ?? 'invention');

/**
 * The cap for a pledge of several rights: the LOWEST cap among their kinds. A bundle is only as good as its
 * weakest collateral class, and the appraisal is a single figure for the bundle, so anything above the lowest
 * cap could lend more against a weak right than the bank's own policy allows for it.
 */
export function capFor(policy: LendingPolicy, kinds: readonly LtvKind[]): { bps: number; kind: LtvKind } {
  if (kinds.length === 0) throw new RangeError('a pledge has at least one asset');
  let best: { bps: number; kind: LtvKind } | undefined;
  for (const kind of kinds) {
    const bps = policy.maxLtvBps[kind];
    if (best === undefined || bps < best.bps) best = { bps, kind };
  }
  return best!;
}

/** `bps` of `fen`, rounded DOWN to a whole fen (a cap must never be exceeded); exact for every safe integer. */
export const capAmountFen = (appraisedFen: number, bps: number): number =>
  Number((BigInt(appraisedFen) * BigInt(bps)) / BigInt(BPS_PER_UNIT));

/** `2500` → `"25%"`, `1250` → `"12.5%"`, `1` → `"0.01%"`. */
export function formatBps(bps: number): string {
  const whole = Math.floor(bps / 100);
  const frac = String(bps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}%` : `${whole}%`;
}

export type ApprovalCheck =
  | { ok: true; maxApprovedAmountFen: number; maxLtvBps: number }
  | {
      ok: false;
      reason: 'over_requested' | 'over_ltv';
      detail: string;
      maxApprovedAmountFen: number;
      maxLtvBps: number;
      capKind: LtvKind;
    };

/**
 * An approval may grant at most what was requested and at most appraised × cap: the lowest cap among the pledged
 * kinds on the whole appraised value, or — when each asset was appraised on its own — the sum of each asset's
 * value × its own kind's cap. The larger violation is reported; either way the answer names the cap and the
 * largest amount that would pass.
 */
export function checkApprovedAmount(input: {
  approvedAmountFen: number;
  requestedAmountFen: number;
  appraisedValueFen: number;
  policy: LendingPolicy;
  kinds: readonly LtvKind[];
  /** Per-asset appraisals with each asset's kind. */
  appraisals?: readonly { valueFen: number; kind: LtvKind }[] | undefined;
}): ApprovalCheck {
  const cap = capFor(input.policy, input.kinds);
  const capAmount = input.appraisals
    ? input.appraisals.reduce((sum, a) => sum + capAmountFen(a.valueFen, input.policy.maxLtvBps[a.kind]), 0)
    : capAmountFen(input.appraisedValueFen, cap.bps);
  const maxApprovedAmountFen = Math.min(capAmount, input.requestedAmountFen);
  if (input.approvedAmountFen <= maxApprovedAmountFen)
    return { ok: true, maxApprovedAmountFen, maxLtvBps: cap.bps };
  const common = { ok: false as const, maxApprovedAmountFen, maxLtvBps: cap.bps, capKind: cap.kind };
  if (input.approvedAmountFen > capAmount)
    return {
      ...common,
      reason: 'over_ltv',
      detail: input.appraisals
        ? `The approved amount ${input.approvedAmountFen} fen exceeds the sum of each appraised asset's value × ` +
          `the lender's cap for its kind: at most ${maxApprovedAmountFen} fen may be approved.`
        : `The approved amount ${input.approvedAmountFen} fen exceeds the lender's maximum loan-to-value of ` +
          `${formatBps(cap.bps)} (${cap.kind.replace('_', ' ')}, the lowest cap among the pledged assets) of the ` +
          `appraised value ${input.appraisedValueFen} fen: at most ${maxApprovedAmountFen} fen may be approved.`,
    };
  return {
    ...common,
    reason: 'over_requested',
    detail:
      `The approved amount ${input.approvedAmountFen} fen exceeds the requested amount ` +
      `${input.requestedAmountFen} fen: at most ${maxApprovedAmountFen} fen may be approved ` +
      `(loan-to-value cap ${formatBps(cap.bps)}).`,
  };
}

/** The policy in force for a lender: what the IP office set, the defaults for anything it did not. */
export const effectivePolicy = (stored: LendingPolicy | undefined): LendingPolicy => ({
  maxLtvBps: { ...DEFAULT_MAX_LTV_BPS, ...stored?.maxLtvBps },
  ...(stored?.penaltyFactorBps === undefined ? {} : { penaltyFactorBps: stored.penaltyFactorBps }),
  ...(stored?.classificationDays === undefined ? {} : { classificationDays: stored.classificationDays }),
  ...(stored?.requireVerifiedRights ? { requireVerifiedRights: true } : {}),
});

/** The tiers of the five-tier classification, from the first to the last reached. */
const CLASSIFICATION_ORDER = ['specialMention', 'substandard', 'doubtful', 'loss'] as const;

/**
 * Why a lender's terms cannot stand: each classification tier starts strictly later than the one before it
 * (specialMention < substandard < doubtful < loss), else a loan could skip a tier or be classified twice.
 */
export function lendingPolicyRefusals(policy: LendingPolicy): FieldIssue[] {
  const days = policy.classificationDays;
  if (!days) return [];
  const issues: FieldIssue[] = [];
  for (let i = 1; i < CLASSIFICATION_ORDER.length; i++) {
    const tier = CLASSIFICATION_ORDER[i]!;
    const before = CLASSIFICATION_ORDER[i - 1]!;
    if (days[tier] <= days[before])
      issues.push({
        path: `classificationDays.${tier}`,
        code: 'classification_days_not_increasing',
        message: `must be more than ${before} (${days[before]})`,
      });
  }
  return issues;
}

export const penaltyFactorOf = (policy: LendingPolicy | undefined): number =>
  policy?.penaltyFactorBps ?? DEFAULT_PENALTY_FACTOR_BPS;

export const classificationDaysOf = (policy: LendingPolicy | undefined): ClassificationDays =>
  policy?.classificationDays ?? REGULATOR_CLASSIFICATION_DAYS;
