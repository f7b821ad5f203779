/**
 * IP pledge financing (知识产权质押融资): the pledge record, its history events and the business rules that refuse
 * a submission or an action. Pure: no AWS, no HTTP. The life cycle itself is `pledge-state-machine.ts`.
 */
import type { Actor } from './actor.js';
import { type Asset, isOwnedBy } from './asset.js';
import { compareDates, type IsoDate, todayInShanghai } from './dates.js';
import { checkRelease, type Disposal } from './disposal.js';
import type { HistoryEntry } from './domain-event.js';
import { type FieldIssue, unprocessable } from './errors.js';
import { isLegallyInForce, type LegalFlag, legalStatusOn } from './legal-status.js';
import {
  checkApprovedAmount,
  type LendingPolicy,
  type LtvKind,
  ltvKindOf,
  penaltyFactorOf,
} from './lending-policy.js';
import { type Classification, type Loan, maturityFrom, startLoan } from './loan.js';
import type { ChangeRequest } from './loan-change.js';
import type { RepaymentType } from './loan-schedule.js';
import type { PatentType } from './patent-number.js';
import type { PledgeAction, PledgeStatus } from './pledge-state-machine.js';
import { loanMaturity } from './terms.js';

export const MAX_PLEDGE_ASSETS = 20;
export const MAX_TERM_MONTHS = 60;

/** What the pledge remembers of each asset at submission (the asset itself may change later). */
export interface PledgedAsset {
  id: string;
  kind: 'patent' | 'trademark';
  number: string;
  patentType?: PatentType;
  ltvKind: LtvKind;
  expiresOn: IsoDate;
}

export interface Pledge {
  id: string;
  /** USCC of the applying enterprise (the pledgor). */
  applicant: string;
  /** Institution id of the addressed lender (the pledgee). */
  lenderId: string;
  /** The parties' names at the application, so that lists show names beside the codes. */
  applicantName?: string;
  lenderName?: string;
  assetIds: string[];
  assets: PledgedAsset[];
  appraisedValueFen: number;
  requestedAmountFen: number;
  termMonths: number;
  purpose?: string;
  appraisals?: Appraisal[];
  /**
   * Repayment date: application date + termMonths until the first disbursement, then that date + termMonths
   * (the assets are checked again against it).
   */
  maturesOn: IsoDate;
  status: PledgeStatus;
  approvedAmountFen?: number;
  annualRateBps?: number;
  /** The product chosen at approval (default `bullet`). */
  repaymentType?: RepaymentType;
  /** The lender's penalty factor at approval, fixed for the loan. */
  penaltyFactorBps?: number;
  approvedAt?: string;
  rejectionReason?: string;
  registrationNumber?: string;
  registeredAt?: string;
  /** The business date of the registration. */
  registeredOn?: IsoDate;
  /** The applicant's first pledge ever registered (its first-time borrowing, 首贷). */
  firstRegistration?: boolean;
  registrationRefusalReason?: string;
  /** The first disbursement. */
  disbursedOn?: IsoDate;
  disbursedAmountFen?: number;
  /** An extension the lender asked for, until the IP office registers it. */
  changeRequested?: ChangeRequest;
  /** The business date the lender declared the default. */
  defaultedOn?: IsoDate;
  /** How the rights were realised after the default, and the loss. */
  disposal?: Disposal;
  /** Released from `defaulted` without a disposal: the lender waived its claim on the rights. */
  releaseWaived?: boolean;
  /** The loan book from the first disbursement on (schedule, payments, penalty). */
  loan?: Loan;
  /** The last servicing run's findings (arrears, penalty, classification), as of its business date. */
  servicing?: {
    overdueDays: number;
    penaltyInterestFen: number;
    classification: Classification;
    outstandingPrincipalFen: number;
    nextDueOn: IsoDate | null;
    remindedDueOn: IsoDate | null;
  };
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One immutable history entry; the first one is the submission (`from: null`). */
export type PledgeEvent = HistoryEntry<PledgeAction, PledgeStatus>;

/** One asset's value as an appraiser put it (资产评估): with them the LTV cap is taken asset by asset. */
export interface Appraisal {
  assetId: string;
  valueFen: number;
  appraiser: string;
}

export interface PledgeInput {
  lenderId: string;
  assetIds: string[];
  appraisedValueFen: number;
  requestedAmountFen: number;
  termMonths: number;
  purpose?: string | undefined;
  appraisals?: Appraisal[] | undefined;
}

/** The same words whether the asset does not exist or belongs to someone else: existence is not revealed. */
export const NOT_YOURS = 'is not an asset of yours';

export interface SubmissionContext {
  applicant: string;
  today: IsoDate;
  /** Whether `lenderId` names an existing lender institution. */
  lenderExists: boolean;
  /** The lender takes only rights the IP office verified. */
  requireVerifiedRights?: boolean;
}

/**
 * Every reason a submission is refused, each with the field it concerns; empty when it may go ahead. `assets`
 * holds what the store returned for `input.assetIds` (absent ids are simply missing).
 */
export function submissionRefusals(
  input: PledgeInput,
  assets: ReadonlyMap<string, Asset>,
  ctx: SubmissionContext,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!ctx.lenderExists)
    issues.push({ path: 'lenderId', code: 'lender_unknown', message: `${input.lenderId} is not a lender` });
  if (input.requestedAmountFen > input.appraisedValueFen)
    issues.push({
      path: 'requestedAmountFen',
      code: 'amount_above_appraisal',
      message: `${input.requestedAmountFen} fen exceeds the appraised value ${input.appraisedValueFen} fen`,
    });
  issues.push(...appraisalRefusals(input));
  const maturesOn = loanMaturity(ctx.today, input.termMonths);
  input.assetIds.forEach((id, i) => {
    const asset = assets.get(id);
    const refusals = assetRefusals(asset, ctx.applicant, ctx.today, maturesOn);
    for (const refusal of refusals) issues.push({ path: `assetIds.${i}`, ...refusal });
    if (ctx.requireVerifiedRights && asset && refusals[0] !== NOT_OWNER && !asset.verification)
      issues.push({
        path: `assetIds.${i}`,
        code: 'right_not_verified',
        message: `${asset.number} is not verified by the IP office, and ${input.lenderId} takes only verified rights`,
      });
  });
  return issues;
}

/**
 * Per-asset appraisals, when given, name each pledged asset exactly once and add up to the appraised value.
 */
function appraisalRefusals(input: PledgeInput): FieldIssue[] {
  if (!input.appraisals) return [];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  input.appraisals.forEach((a, i) => {
    if (!input.assetIds.includes(a.assetId))
      issues.push({
        path: `appraisals.${i}.assetId`,
        code: 'not_pledged',
        message: `${a.assetId} is not one of assetIds`,
      });
    else if (seen.has(a.assetId))
      issues.push({
        path: `appraisals.${i}.assetId`,
        code: 'duplicate_appraisal',
        message: `${a.assetId} is appraised twice`,
      });
    seen.add(a.assetId);
  });
  const missing = input.assetIds.filter((id) => !seen.has(id));
  if (missing.length > 0)
    issues.push({
      path: 'appraisals',
      code: 'appraisal_missing',
      message: `no appraisal for ${missing.join(', ')}`,
    });
  const sum = input.appraisals.reduce((s, a) => s + a.valueFen, 0);
  if (sum !== input.appraisedValueFen)
    issues.push({
      path: 'appraisedValueFen',
      code: 'appraised_value_mismatch',
      message: `is ${input.appraisedValueFen} fen but the appraisals add up to ${sum} fen`,
    });
  return issues;
}

/** One ground on which a right cannot be pledged: its stable code (API.md v2) and the words for people. */
export interface AssetRefusal {
  code: string;
  message: string;
}

/** The refusal for an asset that does not exist or is someone else's: existence is not revealed. */
export const NOT_OWNER: AssetRefusal = { code: 'not_owner', message: NOT_YOURS };

/**
 * Why one asset cannot be pledged by `applicant` for a loan maturing on `maturesOn` (the CNIPA refusal grounds, as
 * far as the portal knows them). `heldBy`: the pledge being checked again at registration, whose own hold is fine.
 */
export function assetRefusals(
  asset: Asset | undefined,
  applicant: string,
  today: IsoDate,
  maturesOn: IsoDate,
  heldBy?: string,
): AssetRefusal[] {
  if (!asset || !isOwnedBy(asset, applicant)) return [NOT_OWNER];
  const reasons = rightRefusals(asset, today, maturesOn, 'the loan matures');
  if (asset.encumbrance && asset.encumbrance.pledgeId !== heldBy)
    reasons.push({
      code: 'already_pledged',
      message: `${asset.number} is already held by pledge ${asset.encumbrance.pledgeId} (an open application or unreleased pledge)`,
    });
  return reasons;
}

/** What each legal-status flag says about a right, as a refusal. */
const FLAG_WORDS: Record<LegalFlag, string> = {
  invalidation_pending: 'has an invalidation request pending',
  preserved: 'is under court preservation',
  disputed: 'is the subject of an ownership dispute',
};

/**
 * The grounds on which a right is no good as collateral or as an insured right until `until` — one rule set for
 * pledges and underwriting: not granted, not in force (expired, lapsed, invalidated, cancelled), in its annuity
 * grace period, expiring before `until` (`what` says what ends then), an invalidation, court preservation or
 * ownership dispute pending, a co-owner's consent missing.
 */
export function rightRefusals(asset: Asset, today: IsoDate, until: IsoDate, what: string): AssetRefusal[] {
  const reasons: AssetRefusal[] = [];
  const refuse = (code: string, message: string) => reasons.push({ code, message });
  const status = legalStatusOn(asset, today);
  if (status.state === 'pending')
    refuse('not_granted', `${asset.number} is ${asset.status}: only a granted or registered right qualifies`);
  else if (status.state === 'grace_period')
    refuse(
      'annuity_grace_period',
      `${asset.number}'s annuity was due after ${status.annuityPaidThrough}; it is in its grace period until ${status.graceEndsOn}`,
    );
  else if (status.state === 'expired')
    refuse('not_in_force', `${asset.number} is not in force: it expired on ${asset.expiresOn}`);
  else if (status.state !== 'in_force')
    refuse('not_in_force', `${asset.number} is not in force: it is ${status.state}`);
  else if (compareDates(asset.expiresOn, until) < 0)
    refuse(
      'expires_before_maturity',
      `${asset.number} expires on ${asset.expiresOn}, before ${what} on ${until}`,
    );
  for (const flag of status.flags) refuse(flag, `${asset.number} ${FLAG_WORDS[flag]}`);
  const missing = missingConsents(asset);
  if (missing.length > 0)
    refuse(
      'co_owner_consent_missing',
      `${asset.number} lacks the recorded consent of co-owner(s) ${missing.join(', ')}`,
    );
  return reasons;
}

const markText = (mark: string): string => mark.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * CNIPA 2020: the same owner's identical or similar marks on identical or similar goods are pledged together. The
 * portal knows "identical mark text, an overlapping Nice class": each pledged trademark whose owner holds such a
 * mark in force outside the pledge is refused, naming the marks to add.
 */
export function relatedMarkRefusals(
  assetIds: readonly string[],
  assets: ReadonlyMap<string, Asset>,
  portfolio: readonly Asset[],
  today: IsoDate,
): FieldIssue[] {
  const pledged = new Set(assetIds);
  const issues: FieldIssue[] = [];
  assetIds.forEach((id, i) => {
    const mark = assets.get(id);
    if (mark?.kind !== 'trademark') return;
    const missing = portfolio.filter(
      (other) =>
        other.kind === 'trademark' &&
        !pledged.has(other.id) &&
        markText(other.mark) === markText(mark.mark) &&
        other.niceClasses.some((c) => mark.niceClasses.includes(c)) &&
        isLegallyInForce(legalStatusOn(other, today)),
    );
    if (missing.length > 0)
      issues.push({
        path: `assetIds.${i}`,
        code: 'related_marks_not_included',
        message: `${mark.number} 「${mark.mark}」 must be pledged together with ${missing.map((m) => m.number).join(', ')}, the same mark in an overlapping class`,
      });
  });
  return issues;
}

/** Co-owners whose consent to the pledge is not on record. */
export const missingConsents = (asset: Pick<Asset, 'coOwners' | 'coOwnerConsents'>): string[] =>
  (asset.coOwners ?? []).filter((uscc) => !asset.coOwnerConsents?.[uscc]);

export const summarise = (asset: Asset): PledgedAsset => ({
  id: asset.id,
  kind: asset.kind,
  number: asset.number,
  ...(asset.kind === 'patent' ? { patentType: asset.patentType } : {}),
  ltvKind: ltvKindOf(asset),
  expiresOn: asset.expiresOn,
});

export function newPledge(
  input: PledgeInput,
  assets: ReadonlyMap<string, Asset>,
  ctx: {
    id: string;
    applicant: string;
    now: Date;
    today: IsoDate;
    applicantName?: string;
    lenderName?: string;
  },
): Pledge {
  const at = ctx.now.toISOString();
  return {
    id: ctx.id,
    applicant: ctx.applicant,
    lenderId: input.lenderId,
    ...(ctx.applicantName ? { applicantName: ctx.applicantName } : {}),
    ...(ctx.lenderName ? { lenderName: ctx.lenderName } : {}),
    assetIds: input.assetIds,
    assets: input.assetIds.map((id) => summarise(assets.get(id)!)),
    appraisedValueFen: input.appraisedValueFen,
    requestedAmountFen: input.requestedAmountFen,
    termMonths: input.termMonths,
    ...(input.purpose ? { purpose: input.purpose } : {}),
    ...(input.appraisals ? { appraisals: input.appraisals } : {}),
    maturesOn: loanMaturity(ctx.today, input.termMonths),
    status: 'submitted',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** Bodies of the actions that take one (validated for shape at the HTTP edge). */
export interface ActionBody {
  approvedAmountFen?: number;
  annualRateBps?: number;
  repaymentType?: RepaymentType;
  amountFen?: number;
  reason?: string;
  registrationNumber?: string;
  disbursedOn?: IsoDate;
  waived?: boolean;
}

export interface ActionChanges {
  /** Fields of the pledge the action sets (besides status, version, updatedAt). */
  fields: Partial<Pledge>;
  /** What the history event records about the action. */
  data: Record<string, unknown>;
}

/**
 * The business effect of an action that the state machine has allowed: what it stores and records, or a 422
 * when the body breaks a rule (approval above the cap, disbursement outside the registered period).
 */
export function actionChanges(
  pledge: Pledge,
  action: PledgeAction,
  body: ActionBody,
  ctx: { now: Date; today: IsoDate; policy?: LendingPolicy },
): ActionChanges {
  const at = ctx.now.toISOString();
  switch (action) {
    case 'approve': {
      const approvedAmountFen = body.approvedAmountFen!;
      const check = checkApprovedAmount({
        approvedAmountFen,
        requestedAmountFen: pledge.requestedAmountFen,
        appraisedValueFen: pledge.appraisedValueFen,
        policy: ctx.policy!,
        kinds: pledge.assets.map((a) => a.ltvKind),
        appraisals: pledge.appraisals?.map((a) => ({
          valueFen: a.valueFen,
          kind: pledge.assets.find((asset) => asset.id === a.assetId)!.ltvKind,
        })),
      });
      if (!check.ok)
        throw unprocessable(check.detail, {
          errors: [{ path: 'approvedAmountFen', code: check.reason, message: check.detail }],
          maxLtvBps: check.maxLtvBps,
          maxApprovedAmountFen: check.maxApprovedAmountFen,
        });
      const repaymentType = body.repaymentType ?? 'bullet';
      const penaltyFactorBps = penaltyFactorOf(ctx.policy);
      const data = {
        approvedAmountFen,
        annualRateBps: body.annualRateBps!,
        maxLtvBps: check.maxLtvBps,
        repaymentType,
      };
      return {
        fields: {
          approvedAmountFen,
          annualRateBps: body.annualRateBps!,
          repaymentType,
          penaltyFactorBps,
          approvedAt: at,
        },
        data,
      };
    }
    case 'reject':
      return { fields: { rejectionReason: body.reason! }, data: { reason: body.reason! } };
    case 'refuse':
      return { fields: { registrationRefusalReason: body.reason! }, data: { reason: body.reason! } };
    case 'register': {
      // As CNIPA issued it: the portal records the registration, it does not invent its number.
      const registrationNumber = body.registrationNumber!;
      return {
        fields: { registrationNumber, registeredAt: at, registeredOn: ctx.today },
        data: { registrationNumber, registeredAt: at },
      };
    }
    case 'disburse':
      return firstDisbursement(pledge, body, ctx.today);
    case 'default':
      return { fields: { defaultedOn: ctx.today }, data: { defaultedOn: ctx.today } };
    case 'release':
      checkRelease(pledge, body.waived);
      return pledge.status === 'defaulted'
        ? { fields: { releaseWaived: true }, data: { waived: true } }
        : { fields: {}, data: {} };
    default:
      return { fields: {}, data: {} };
  }
}

/** The business date a pledge was registered (older items carry only the instant). */
export const registrationDateOf = (pledge: Pledge): IsoDate | undefined =>
  pledge.registeredOn ?? (pledge.registeredAt ? todayInShanghai(new Date(pledge.registeredAt)) : undefined);

/** A tranche's date: not before registration nor the previous tranche, not after today. */
export function checkDisbursementDate(pledge: Pledge, disbursedOn: IsoDate, today: IsoDate): void {
  const earliest = pledge.loan?.tranches.at(-1)?.disbursedOn ?? registrationDateOf(pledge) ?? today;
  if (compareDates(disbursedOn, earliest) < 0 || compareDates(disbursedOn, today) > 0) {
    const what = pledge.loan ? 'the previous tranche' : 'the registration date';
    const message = `must lie between ${what} ${earliest} and today ${today}`;
    throw unprocessable(`disbursedOn ${disbursedOn} ${message}.`, {
      errors: [{ path: 'disbursedOn', code: 'disbursement_date_out_of_range', message }],
    });
  }
}

/** The tranche amount: at most what is left of the approved amount (default: all of it). */
export function trancheAmount(pledge: Pledge, requested: number | undefined): number {
  const left = (pledge.approvedAmountFen ?? 0) - (pledge.disbursedAmountFen ?? 0);
  const amountFen = requested ?? left;
  if (amountFen > left || amountFen <= 0)
    throw unprocessable(
      `A tranche of ${amountFen} fen exceeds the ${left} fen left of the approved amount.`,
      {
        errors: [
          {
            path: 'amountFen',
            code: 'above_approved_amount',
            message: `exceeds the ${left} fen not yet disbursed of the approved amount`,
          },
        ],
      },
    );
  return amountFen;
}

/**
 * The first disbursement starts the loan: maturity = that date + termMonths, every pledged right re-checked
 * against it (the pledge's record of each right's term), the schedule generated.
 */
function firstDisbursement(pledge: Pledge, body: ActionBody, today: IsoDate): ActionChanges {
  const disbursedOn = body.disbursedOn ?? today;
  checkDisbursementDate(pledge, disbursedOn, today);
  const amountFen = trancheAmount(pledge, body.amountFen);
  const repaymentType = pledge.repaymentType ?? 'bullet';
  const maturesOn = maturityFrom(repaymentType, disbursedOn, pledge.termMonths);
  const issues: FieldIssue[] = [];
  pledge.assets.forEach((asset, i) => {
    if (compareDates(asset.expiresOn, maturesOn) < 0)
      issues.push({
        path: `assetIds.${i}`,
        code: 'expires_before_maturity',
        message: `${asset.number} expires on ${asset.expiresOn}, before the loan matures on ${maturesOn}`,
      });
  });
  if (issues.length > 0)
    throw unprocessable('The pledged rights do not cover the loan from this disbursement date.', {
      errors: issues,
    });
  const loan = startLoan({
    repaymentType,
    annualRateBps: pledge.annualRateBps ?? 0,
    penaltyFactorBps: pledge.penaltyFactorBps ?? penaltyFactorOf(undefined),
    termMonths: pledge.termMonths,
    amountFen,
    disbursedOn,
  });
  return {
    fields: { disbursedOn, disbursedAmountFen: amountFen, maturesOn, loan },
    data: { disbursedOn, amountFen, maturesOn },
  };
}

/** Who may see a pledge: its applicant, its lender and the IP office. Others get 404. */
export function maySee(
  actor: Pick<Actor, 'role' | 'org'>,
  pledge: Pick<Pledge, 'applicant' | 'lenderId'>,
): boolean {
  switch (actor.role) {
    case 'ipoffice':
      return true;
    case 'enterprise':
      return actor.org?.toUpperCase() === pledge.applicant;
    case 'lender':
      return actor.org === pledge.lenderId;
    default:
      return false;
  }
}
