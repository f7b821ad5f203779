/**
 * Full-chain IP insurance (知识产权全链条保险): policies and claims as the portal stores and shows them, who may
 * see them, and what each action stores. Pure; the life cycles live in `policy-state-machine.ts`, the money rules
 * in `coverage.ts`, the application's checks in `underwriting.ts`.
 */
import type { Actor } from './actor.js';
import { addDays, compareDates, daysBetween, type IsoDate } from './dates.js';
import type { HistoryEntry } from './domain-event.js';
import { unprocessable } from './errors.js';
import { premiumSubsidyFen as premiumSubsidyFenOf } from './programme.js';
import type { PolicyApplication } from './underwriting.js';

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

/** A claim's life: notice → investigation → assessment → one or more payments, or a denial; reopened within a year. */
export const CLAIM_STATUSES = [
  'filed',
  'under_investigation',
  'assessed',
  'partially_paid',
  'paid',
  'denied',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export interface Coverage {
  line: CoverageLine;
  /** What the line pays over all its claims (aggregate). */
  sumInsuredFen: number;
  /** Taken off each claim (每次事故免赔额). */
  deductibleFen: number;
  /** Share of the claimed amount above the deductible that is paid (赔付比例); 10000 when absent. */
  payoutRatioBps?: number;
  /** The most one claim pays; no limit but the aggregate when absent. */
  perClaimLimitFen?: number;
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
  /** The city's part of the premium (its premium subsidy of the year of issue) and what the holder pays. */
  premiumSubsidyFen?: number;
  premiumPayableFen?: number;
  policyNumber?: string;
  issuedAt?: string;
  /** The business date of the issue (the year and month the statistics count it in). */
  issuedOn?: IsoDate;
  declineReason?: string;
  cancelReason?: string;
  /** The business day an active policy was cancelled (by its holder or terminated by its insurer): cover ended. */
  cancelledOn?: IsoDate;
  /** Who ended the cover early: the holder (`cancel`) or the insurer (`terminate`). */
  cancelledBy?: 'holder' | 'insurer';
  /** The unexpired premium refunded when an active policy was cancelled. */
  refundFen?: number;
  /** The policy this one renews. */
  renewalOf?: string;
  /** The policy that renews this one (set when the renewal is applied for: one renewal per policy). */
  renewedBy?: string;
  /** The business day the holder was offered a renewal (once per policy, 30 days or less before periodEnd). */
  renewalOfferedOn?: IsoDate;
  /** Number of claims ever filed (bumped by each filing, in the same transaction). */
  claimCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ClaimPayment {
  at: string;
  /** The business date of the payment; absent on payments made before it was kept. */
  on?: IsoDate;
  amountFen: number;
}

/** A claim's payments; a claim settled before payments were listed shows its one settlement. */
export function paymentsOf(
  c: Pick<Claim, 'payments' | 'paidFen' | 'settledAt' | 'updatedAt'>,
): ClaimPayment[] {
  if (c.payments) return c.payments;
  return c.paidFen ? [{ at: c.settledAt ?? c.updatedAt, amountFen: c.paidFen }] : [];
}

/** Who filed a claim and may reopen it: the holder, or the lender of a guaranteed pledge (the beneficiary). */
export interface Claimant {
  role: 'enterprise' | 'lender';
  org: string;
}

export interface Claim {
  id: string;
  policyId: string;
  holder: string;
  insurerId: string;
  /** The lender who reads and is paid on a `pledge_guarantee` claim. */
  beneficiaryLenderId?: string;
  claimant?: Claimant;
  line: CoverageLine;
  claimedFen: number;
  incidentDate: IsoDate;
  description: string;
  status: ClaimStatus;
  /** The claimed line's cover as issued, copied at filing (cover never changes after issue), so a settlement
   * needs no second read of the policy; absent on claims filed before it was recorded. */
  coverage?: Coverage;
  /** On a guarantee claim after the disposal: the insurer's share of the loss, which the claim then claims. */
  lossShareFen?: number;
  /** The insurer's estimate of what it will still pay: set at investigation, then the approved amount unpaid. */
  reserveFen?: number;
  /** What the assessment approved (≤ the payable amount); the payments add up to it. */
  approvedFen?: number;
  /** Paid so far on this claim: the sum of `payments`. */
  paidFen?: number;
  /** Each payment, in order (a one-step settlement is one payment). */
  payments?: ClaimPayment[];
  assessedAt?: string;
  settledAt?: string;
  denyReason?: string;
  deniedAt?: string;
  /** The business day the claim was last closed (paid or denied): a reopening is possible for a year after it. */
  closedOn?: IsoDate;
  reopenReason?: string;
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
  approvedFen?: number;
  amountFen?: number;
}

export const coverageViews = (policy: Pick<Policy, 'coverages' | 'paid'>): CoverageView[] =>
  policy.coverages.map((c) => ({ ...c, paidFen: policy.paid[c.line] ?? 0 }));

/** A readable policy number when the insurer gives none: insurer, year of issue, and the id's head. */
export const generatedPolicyNumber = (insurerId: string, issuedOn: IsoDate, policyId: string): string =>
  `${insurerId.toUpperCase()}-${issuedOn.slice(0, 4)}-${policyId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;

/** The details of a step the history shows beside who, when and from → to. */
const HISTORY_DATA_FIELDS = ['claimId', 'reason', 'paidFen', 'approvedFen', 'amountFen'] as const;

/** The history entry the API shows for a stored domain event. */
export function policyHistoryEvent(e: HistoryEntry): HistoryEvent {
  const shown: Partial<HistoryEvent> = {};
  for (const field of HISTORY_DATA_FIELDS) {
    const value = (e.data as Record<string, unknown>)[field];
    if (value !== undefined) Object.assign(shown, { [field]: value });
  }
  return { at: e.at, action: e.action, from: e.from, to: e.to, actor: e.actor, version: e.version, ...shown };
}

/**
 * Holder, addressed insurer, the IP office and — for a guarantee — the pledge's lender (its beneficiary) see a
 * policy or claim; anyone else is told it does not exist.
 */
export function mayReadPolicy(
  actor: Pick<Actor, 'role' | 'org'>,
  p: Pick<Policy, 'holder' | 'insurerId' | 'beneficiaryLenderId'>,
): boolean {
  switch (actor.role) {
    case 'ipoffice':
      return true;
    case 'enterprise':
      return actor.org?.toUpperCase() === p.holder;
    case 'insurer':
      return actor.org === p.insurerId;
    case 'lender':
      return p.beneficiaryLenderId !== undefined && actor.org === p.beneficiaryLenderId;
    default:
      return false;
  }
}

/** Only the parties act on a policy or claim: the IP office reads them but is told an action's target is absent. */
export const mayActOnPolicy = (
  actor: Pick<Actor, 'role' | 'org'>,
  p: Pick<Policy, 'holder' | 'insurerId' | 'beneficiaryLenderId'>,
) => actor.role !== 'ipoffice' && mayReadPolicy(actor, p);

/** Bodies of the policy actions (validated for shape at the edge). */
export interface PolicyActionBody {
  premiumFen?: number;
  policyNumber?: string;
  reason?: string | undefined;
}

/**
 * What an insurer's or holder's action stores on the policy and records in its event. A policy whose period is
 * over cannot be issued (422). Ending an active policy early (the holder's `cancel`, the insurer's `terminate`)
 * records the day cover ended and refunds the unexpired premium pro rata.
 */
export function policyActionChanges(
  policy: Policy,
  action: 'issue' | 'decline' | 'cancel' | 'terminate',
  body: PolicyActionBody,
  ctx: { now: Date; today: IsoDate; premiumSubsidyBps?: number | undefined },
): { fields: Partial<Policy>; data: Record<string, unknown> } {
  const { now, today } = ctx;
  switch (action) {
    case 'issue': {
      if (compareDates(policy.periodEnd, today) < 0)
        throw unprocessable('The policy period has already ended; it cannot be issued.', {
          errors: [{ path: 'periodEnd', message: `${policy.periodEnd} is before today (${today})` }],
        });
      const policyNumber = body.policyNumber ?? generatedPolicyNumber(policy.insurerId, today, policy.id);
      const premiumFen = body.premiumFen!;
      const subsidy =
        ctx.premiumSubsidyBps === undefined
          ? {}
          : (() => {
              const premiumSubsidyFen = premiumSubsidyFenOf(premiumFen, ctx.premiumSubsidyBps);
              return { premiumSubsidyFen, premiumPayableFen: premiumFen - premiumSubsidyFen };
            })();
      return {
        fields: { premiumFen, policyNumber, issuedAt: now.toISOString(), issuedOn: today, ...subsidy },
        data: { premiumFen, policyNumber, ...subsidy },
      };
    }
    case 'decline':
      return { fields: { declineReason: body.reason! }, data: { reason: body.reason! } };
    case 'cancel':
    case 'terminate': {
      const reason = body.reason ? { cancelReason: body.reason } : {};
      if (policy.status !== 'active')
        return { fields: reason, data: body.reason ? { reason: body.reason } : {} };
      const refundFen = premiumRefund(policy, today);
      const ended = {
        cancelledOn: today,
        cancelledBy: action === 'cancel' ? ('holder' as const) : ('insurer' as const),
        refundFen,
      };
      return {
        fields: { ...reason, ...ended },
        data: { ...(body.reason ? { reason: body.reason } : {}), refundFen },
      };
    }
  }
}

/**
 * The unexpired premium of an active policy ended on `today`: floor(premium × unexpired days / period days), the
 * unexpired days running from the day after today through periodEnd (none once the period is over, all of them
 * before it starts).
 */
export function premiumRefund(
  policy: Pick<Policy, 'premiumFen' | 'periodStart' | 'periodEnd'>,
  today: IsoDate,
): number {
  const periodDays = daysBetween(policy.periodStart, policy.periodEnd) + 1;
  const unexpired = Math.min(periodDays, Math.max(0, daysBetween(today, policy.periodEnd)));
  return Number((BigInt(policy.premiumFen ?? 0) * BigInt(unexpired)) / BigInt(periodDays));
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
export const newClaim = (
  policy: Policy,
  input: ClaimInput,
  ctx: { id: string; now: Date; claimant: Claimant },
): Claim => ({
  id: ctx.id,
  policyId: policy.id,
  holder: policy.holder,
  insurerId: policy.insurerId,
  ...(policy.beneficiaryLenderId && input.line === 'pledge_guarantee'
    ? { beneficiaryLenderId: policy.beneficiaryLenderId }
    : {}),
  claimant: ctx.claimant,
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

/** How long before the end of its period a policy is offered a renewal. */
export const RENEWAL_NOTICE_DAYS = 30;

/** An active policy not yet offered or renewed whose period ends after today and within the notice. */
export function renewalDue(
  policy: Pick<Policy, 'status' | 'periodEnd' | 'renewalOfferedOn' | 'renewedBy'>,
  today: IsoDate,
): boolean {
  const left = daysBetween(today, policy.periodEnd);
  return (
    policy.status === 'active' &&
    policy.renewalOfferedOn === undefined &&
    policy.renewedBy === undefined &&
    left > 0 &&
    left <= RENEWAL_NOTICE_DAYS
  );
}

/** The renewal's application: the same insurer, rights, pledge and (unless given) lines, from the next day. */
export const renewalApplication = (
  old: Policy,
  req: { periodEnd: IsoDate; coverages?: PolicyApplication['coverages'] | undefined },
): PolicyApplication => ({
  insurerId: old.insurerId,
  assetIds: old.assetIds,
  coverages: req.coverages ?? old.coverages,
  periodStart: addDays(old.periodEnd, 1),
  periodEnd: req.periodEnd,
  ...(old.pledgeId ? { pledgeId: old.pledgeId } : {}),
});
