/**
 * Full-chain IP insurance (知识产权全链条保险): policies and claims as the portal stores and shows them. Pure
 * types and small helpers; the life cycles live in `policy-state-machine.ts`, the money rules in `coverage.ts`.
 */
import type { Role } from '../auth/principal.js';
import type { IsoDate } from './dates.js';

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

/** Who did something: a token's role, tenant and subject, or the scheduled job (`system`, no org, no subject). */
export type ActorRole = Role | 'system';
export interface Actor {
  role: ActorRole;
  org: string | null;
  sub?: string;
}
export const SYSTEM_ACTOR: Actor = { role: 'system', org: null };

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
  paidFen?: number;
  settledAt?: string;
  denyReason?: string;
  deniedAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One step of a policy's or claim's history; `version` is the resource's version after the step. */
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
