/**
 * Which statistics an aggregate counts, as ONE pure function per aggregate: what it contributes in its current
 * state. A transition writes the difference between its after and before contributions, in its own transaction
 * (store/stats-facts.ts); the weekly reconciliation sums the contributions of every source item and compares them
 * with the facts and counters. One definition, so the two can only disagree when a write went missing.
 */

import { yearOf } from './dates.js';
import type { Designation, DesignationLevel } from './designation.js';
import type { Pledge } from './pledge.js';
import { type Claim, type Policy, paymentsOf } from './policy.js';
import {
  type ClaimPaidFact,
  divisionOfUscc,
  type PledgeRegisteredFact,
  type PolicyIssuedFact,
  shanghaiYear,
} from './statistics.js';

export interface EnterpriseTotals {
  uscc: string;
  pledgeRegisteredFen?: number;
  sumInsuredFen?: number;
}

export interface Contribution {
  /** With the year it counts for: that of the business date of the registration. */
  pledgeRegistered?: PledgeRegisteredFact & { year: number };
  policyIssued?: PolicyIssuedFact;
  /** Every payment made on a claim, in order. */
  claimPayments?: ClaimPaidFact[];
  /** Financing outstanding on a pledge (its shard is chosen by the pledge id). */
  outstanding?: { pledgeId: string; amountFen: number };
  enterprise?: EnterpriseTotals;
  activeDesignation?: DesignationLevel;
}

/** A registered pledge counts its registration fact and the applicant's total; an active one its amount. */
export function pledgeContribution(p: Pledge): Contribution {
  const amountFen = p.approvedAmountFen;
  if (amountFen === undefined || p.registeredAt === undefined) return {};
  return {
    pledgeRegistered: {
      pledgeId: p.id,
      registeredAt: p.registeredAt,
      ...(p.registeredOn ? { registeredOn: p.registeredOn } : {}),
      applicant: p.applicant,
      divisionCode: divisionOfUscc(p.applicant),
      lenderId: p.lenderId,
      amountFen,
      ...(p.firstRegistration ? { firstTime: true } : {}),
      year: p.registeredOn ? yearOf(p.registeredOn) : shanghaiYear(p.registeredAt),
    },
    enterprise: { uscc: p.applicant, pledgeRegisteredFen: amountFen },
    ...(p.status === 'active' ? { outstanding: { pledgeId: p.id, amountFen } } : {}),
  };
}

/** An issued policy counts its issue fact and the sums insured in the holder's total. */
export function policyContribution(p: Policy): Contribution {
  if (p.issuedAt === undefined) return {};
  return {
    policyIssued: {
      policyId: p.id,
      issuedAt: p.issuedAt,
      ...(p.issuedOn ? { issuedOn: p.issuedOn } : {}),
      holder: p.holder,
      insurerId: p.insurerId,
      coverages: p.coverages.map((c) => ({ line: c.line, sumInsuredFen: c.sumInsuredFen })),
      premiumFen: p.premiumFen ?? 0,
      ...(p.premiumSubsidyFen ? { premiumSubsidyFen: p.premiumSubsidyFen } : {}),
    },
    enterprise: { uscc: p.holder, sumInsuredFen: p.coverages.reduce((sum, c) => sum + c.sumInsuredFen, 0) },
  };
}

/** A claim counts each of its payments, in the year it was made. */
export function claimContribution(c: Claim): Contribution {
  const payments = paymentsOf(c);
  if (payments.length === 0) return {};
  return {
    claimPayments: payments.map((p, i) => ({
      claimId: c.id,
      seq: i + 1,
      paidAt: p.at,
      ...(p.on ? { paidOn: p.on } : {}),
      policyId: c.policyId,
      insurerId: c.insurerId,
      line: c.line,
      paidFen: p.amountFen,
    })),
  };
}

/** An active designation counts once for its level. */
export const designationContribution = (d: Designation): Contribution =>
  d.status === 'active' ? { activeDesignation: d.level } : {};

/** What a transition from `before` to `after` must write; facts are only ever added, never taken back. */
export interface StatsChange {
  facts: {
    pledgeRegistered?: PledgeRegisteredFact & { year: number };
    policyIssued?: PolicyIssuedFact;
    claimPayments?: ClaimPaidFact[];
  };
  outstanding?: { pledgeId: string; deltaFen: number };
  enterprise?: EnterpriseTotals;
  designations?: { level: DesignationLevel; delta: 1 | -1 };
}

export function statsChange(before: Contribution, after: Contribution): StatsChange {
  const change: StatsChange = { facts: {} };
  if (after.pledgeRegistered && !before.pledgeRegistered)
    change.facts.pledgeRegistered = after.pledgeRegistered;
  if (after.policyIssued && !before.policyIssued) change.facts.policyIssued = after.policyIssued;
  const newPayments = (after.claimPayments ?? []).slice(before.claimPayments?.length ?? 0);
  if (newPayments.length > 0) change.facts.claimPayments = newPayments;
  const pledgeId = after.outstanding?.pledgeId ?? before.outstanding?.pledgeId;
  const deltaFen = (after.outstanding?.amountFen ?? 0) - (before.outstanding?.amountFen ?? 0);
  if (pledgeId !== undefined && deltaFen !== 0) change.outstanding = { pledgeId, deltaFen };
  if (after.enterprise && !before.enterprise) change.enterprise = after.enterprise;
  if (after.activeDesignation && !before.activeDesignation)
    change.designations = { level: after.activeDesignation, delta: 1 };
  else if (before.activeDesignation && !after.activeDesignation)
    change.designations = { level: before.activeDesignation, delta: -1 };
  return change;
}
