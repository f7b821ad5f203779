/**
 * Full-chain IP insurance (知识产权全链条保险): policies and claims as the portal stores and shows them, who may
 * see them, and what each action stores. Pure; the life cycles live in `policy-state-machine.ts`, the money rules
 * in `coverage.ts`, the application's checks in `underwriting.ts`.
 */
import type { Actor } from './actor.js';
import { compareDates, type IsoDate } from './dates.js';
import type { HistoryEntry } from './domain-event.js';
import { unprocessable } from './errors.js';

/** Lines across the IP life cycle: creation, protection (enforcement, infringement), use/financing. */
export const COVERAGE_LINES = [
  'application_cost',
  'enforcement_cost',
  'infringement_loss',
  'infringement_liability',
  'overseas_enforcement',
  'pledge_guarantee',
] as const;
export type CoverageLine = (typeof COVERAGE_LINES)[number];

export const POLICY_STATUSES = ['applied', 'active', 'declined', 'cancelled', 'expired'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

export const CLAIM_STATUSES = ['filed', 'paid', 'denied'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export interface Coverage {
  line: CoverageLine;
  sumInsuredFen: number;
  deductibleFen: number;
}

/** A coverage as the API shows it: with what the line has paid so far. */
export interface CoverageView extends Coverage {
  paidFen: number;
}

export interface Policy {
  id: string;
  /** USCC of the policyholder (the applying enterprise). */
  holder: string;
  insurerId: string;
  /** The parties' names at the application, so that lists show names beside the codes. */
  holderName?: string;
  insurerName?: string;
  assetIds: string[];
  coverages: Coverage[];
  /** Fen paid per line, kept as a map so a settlement can guard `paid.<line>` in one conditional update. */
  paid: Partial<Record<CoverageLine, number>>;
  /** First and last day of cover, both inclusive. */
  periodStart: IsoDate;
  periodEnd: IsoDate;
  pledgeId?: string;
  /** The lender of the pledge a `pledge_guarantee` line backs. */
  beneficiaryLenderId?: string;
  status: PolicyStatus;
  premiumFen?: number;
  policyNumber?: string;
  issuedAt?: string;
  declineReason?: string;
  cancelReason?: string;
  /** Number of claims ever filed (bumped by each filing, in the same transaction). */
  claimCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Claim {
  id: string;
  policyId: string;
  holder: string;
  insurerId: string;
  line: CoverageLine;
  claimedFen: number;
  incidentDate: IsoDate;
  description: string;
  status: ClaimStatus;
  /** The claimed line's cover as issued, copied at filing (cover never changes after issue), so a settlement
   * needs no second read of the policy; absent on claims filed before it was recorded. */
  coverage?: Coverage;
  paidFen?: number;
  settledAt?: string;
  denyReason?: string;
  deniedAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * One step of a policy's or claim's history as the API shows it; `version` is the resource's version after the
 * step. The stored domain event keeps the step's details in `data`; the API lifts the three it always showed.
 */
export interface HistoryEvent {
  at: string;
  action: string;
  from: string | null;
  to: string;
  actor: Actor;
  version: number;
  claimId?: string;
  reason?: string;
  paidFen?: number;
}

export const coverageViews = (policy: Pick<Policy, 'coverages' | 'paid'>): CoverageView[] =>
  policy.coverages.map((c) => ({ ...c, paidFen: policy.paid[c.line] ?? 0 }));

/** A readable policy number when the insurer gives none: insurer, year of issue, and the id's head. */
export const generatedPolicyNumber = (insurerId: string, issuedOn: IsoDate, policyId: string): string =>
  `${insurerId.toUpperCase()}-${issuedOn.slice(0, 4)}-${policyId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;

/** The history entry the API shows for a stored domain event. */
export function policyHistoryEvent(e: HistoryEntry): HistoryEvent {
  const { claimId, reason, paidFen } = e.data as Pick<HistoryEvent, 'claimId' | 'reason' | 'paidFen'>;
  return {
    at: e.at,
    action: e.action,
    from: e.from,
    to: e.to,
    actor: e.actor,
    version: e.version,
    ...(claimId === undefined ? {} : { claimId }),
    ...(reason === undefined ? {} : { reason }),
    ...(paidFen === undefined ? {} : { paidFen }),
  };
}

/** Holder, addressed insurer and the IP office see a policy or claim; anyone else is told it does not exist. */
export function mayReadPolicy(
  actor: Pick<Actor, 'role' | 'org'>,
  p: Pick<Policy, 'holder' | 'insurerId'>,
): boolean {
  switch (actor.role) {
    case 'ipoffice':
      return true;
    case 'enterprise':
      return actor.org?.toUpperCase() === p.holder;
    case 'insurer':
      return actor.org === p.insurerId;
    default:
      return false;
  }
}

/** Only the parties act on a policy or claim: the IP office reads them but is told an action's target is absent. */
export const mayActOnPolicy = (actor: Pick<Actor, 'role' | 'org'>, p: Pick<Policy, 'holder' | 'insurerId'>) =>
  actor.role !== 'ipoffice' && mayReadPolicy(actor, p);

/** Bodies of the policy actions (validated for shape at the edge). */
export interface PolicyActionBody {
  premiumFen?: number;
  policyNumber?: string;
  reason?: string | undefined;
}

/**
 * What an insurer's or holder's action stores on the policy and records in its event; a policy whose period is
 * over cannot be issued (422).
 */
export function policyActionChanges(
  policy: Policy,
  action: 'issue' | 'decline' | 'cancel',
  body: PolicyActionBody,
  ctx: { now: Date; today: IsoDate },
): { fields: Partial<Policy>; data: Record<string, unknown> } {
  const { now } = ctx;
  switch (action) {
    case 'issue': {
      const { today } = ctx;
      if (compareDates(policy.periodEnd, today) < 0)
        throw unprocessable('The policy period has already ended; it cannot be issued.', {
          errors: [{ path: 'periodEnd', message: `${policy.periodEnd} is before today (${today})` }],
        });
      const policyNumber = body.policyNumber ?? generatedPolicyNumber(policy.insurerId, today, policy.id);
      const premiumFen = body.premiumFen!;
      return {
        fields: { premiumFen, policyNumber, issuedAt: now.toISOString() },
        data: { premiumFen, policyNumber },
      };
    }
    case 'decline':
      return { fields: { declineReason: body.reason! }, data: { reason: body.reason! } };
    case 'cancel':
      return body.reason
        ? { fields: { cancelReason: body.reason }, data: { reason: body.reason } }
        : { fields: {}, data: {} };
  }
}

export interface ClaimInput {
  line: CoverageLine;
  claimedFen: number;
  incidentDate: IsoDate;
  description: string;
}

const withCoverage = (policy: Policy, line: CoverageLine) => {
  const coverage = policy.coverages.find((c) => c.line === line);
  return coverage ? { coverage: { ...coverage } } : {};
};

/** A claim as filed on `policy` (its rules are `claimIssues` in coverage.ts). */
export const newClaim = (policy: Policy, input: ClaimInput, ctx: { id: string; now: Date }): Claim => ({
  id: ctx.id,
  policyId: policy.id,
  holder: policy.holder,
  insurerId: policy.insurerId,
  line: input.line,
  claimedFen: input.claimedFen,
  incidentDate: input.incidentDate,
  description: input.description,
  status: 'filed',
  ...withCoverage(policy, input.line),
  version: 1,
  createdAt: ctx.now.toISOString(),
  updatedAt: ctx.now.toISOString(),
});
