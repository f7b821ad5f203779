/**
 * IP pledge financing (知识产权质押融资): the pledge record, its history events and the business rules that refuse
 * a submission or an action. Pure: no AWS, no HTTP. The life cycle itself is `pledge-state-machine.ts`.
 */
import type { Actor } from './actor.js';
import type { Asset } from './asset.js';
import { compareDates, type IsoDate, todayInShanghai } from './dates.js';
import type { HistoryEntry } from './domain-event.js';
import { type FieldIssue, unprocessable } from './errors.js';
import { checkApprovedAmount, type LendingPolicy, type LtvKind, ltvKindOf } from './lending-policy.js';
import type { PatentType } from './patent-number.js';
import type { PledgeAction, PledgeStatus } from './pledge-state-machine.js';
import { isGrantedOrRegistered, isInForce, loanMaturity } from './terms.js';

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
  assetIds: string[];
  assets: PledgedAsset[];
  appraisedValueFen: number;
  requestedAmountFen: number;
  termMonths: number;
  purpose?: string;
  /** Repayment date if the loan started on the day of application; the assets must be in force through it. */
  maturesOn: IsoDate;
  status: PledgeStatus;
  approvedAmountFen?: number;
  annualRateBps?: number;
  approvedAt?: string;
  rejectionReason?: string;
  registrationNumber?: string;
  registeredAt?: string;
  registrationRefusalReason?: string;
  disbursedOn?: IsoDate;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One immutable history entry; the first one is the submission (`from: null`). */
export type PledgeEvent = HistoryEntry<PledgeAction, PledgeStatus>;

export interface PledgeInput {
  lenderId: string;
  assetIds: string[];
  appraisedValueFen: number;
  requestedAmountFen: number;
  termMonths: number;
  purpose?: string | undefined;
}

/** The same words whether the asset does not exist or belongs to someone else: existence is not revealed. */
export const NOT_YOURS = 'is not an asset of yours';

export interface SubmissionContext {
  applicant: string;
  today: IsoDate;
  /** Whether `lenderId` names an existing lender institution. */
  lenderExists: boolean;
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
  if (!ctx.lenderExists) issues.push({ path: 'lenderId', message: `${input.lenderId} is not a lender` });
  if (input.requestedAmountFen > input.appraisedValueFen)
    issues.push({
      path: 'requestedAmountFen',
      message: `${input.requestedAmountFen} fen exceeds the appraised value ${input.appraisedValueFen} fen`,
    });
  const maturesOn = loanMaturity(ctx.today, input.termMonths);
  input.assetIds.forEach((id, i) => {
    for (const message of assetRefusals(assets.get(id), ctx.applicant, ctx.today, maturesOn))
      issues.push({ path: `assetIds.${i}`, message });
  });
  return issues;
}

/** Why one asset cannot be pledged by `applicant` for a loan maturing on `maturesOn` (CNIPA refusal grounds). */
export function assetRefusals(
  asset: Asset | undefined,
  applicant: string,
  today: IsoDate,
  maturesOn: IsoDate,
): string[] {
  if (!asset || asset.owner !== applicant) return [NOT_YOURS];
  const reasons: string[] = [];
  const exists = isGrantedOrRegistered(asset);
  if (!exists)
    reasons.push(`${asset.number} is ${asset.status}: only a granted or registered right can be pledged`);
  else if (!isInForce(asset, today))
    reasons.push(`${asset.number} is not in force: it expired on ${asset.expiresOn}`);
  else if (compareDates(asset.expiresOn, maturesOn) < 0)
    reasons.push(`${asset.number} expires on ${asset.expiresOn}, before the loan matures on ${maturesOn}`);
  const missing = missingConsents(asset);
  if (missing.length > 0)
    reasons.push(`${asset.number} lacks the recorded consent of co-owner(s) ${missing.join(', ')}`);
  if (asset.encumbrance)
    reasons.push(
      `${asset.number} is already held by pledge ${asset.encumbrance.pledgeId} (an open application or unreleased pledge)`,
    );
  return reasons;
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
  ctx: { id: string; applicant: string; now: Date },
): Pledge {
  const at = ctx.now.toISOString();
  return {
    id: ctx.id,
    applicant: ctx.applicant,
    lenderId: input.lenderId,
    assetIds: input.assetIds,
    assets: input.assetIds.map((id) => summarise(assets.get(id)!)),
    appraisedValueFen: input.appraisedValueFen,
    requestedAmountFen: input.requestedAmountFen,
    termMonths: input.termMonths,
    ...(input.purpose ? { purpose: input.purpose } : {}),
    maturesOn: loanMaturity(todayInShanghai(ctx.now), input.termMonths),
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
  reason?: string;
  registrationNumber?: string;
  disbursedOn?: IsoDate;
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
  ctx: { now: Date; policy?: LendingPolicy },
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
      });
      if (!check.ok)
        throw unprocessable(check.detail, {
          errors: [{ path: 'approvedAmountFen', message: check.detail }],
          maxLtvBps: check.maxLtvBps,
          maxApprovedAmountFen: check.maxApprovedAmountFen,
        });
      const data = { approvedAmountFen, annualRateBps: body.annualRateBps!, maxLtvBps: check.maxLtvBps };
      return { fields: { approvedAmountFen, annualRateBps: body.annualRateBps!, approvedAt: at }, data };
    }
    case 'reject':
      return { fields: { rejectionReason: body.reason! }, data: { reason: body.reason! } };
    case 'refuse':
      return { fields: { registrationRefusalReason: body.reason! }, data: { reason: body.reason! } };
    case 'register': {
      const registrationNumber = body.registrationNumber ?? generatedRegistrationNumber(pledge.id, ctx.now);
      return {
        fields: { registrationNumber, registeredAt: at },
        data: { registrationNumber, registeredAt: at },
      };
    }
    case 'disburse': {
      const today = todayInShanghai(ctx.now);
      const registeredOn = pledge.registeredAt ? todayInShanghai(new Date(pledge.registeredAt)) : today;
      const disbursedOn = body.disbursedOn ?? today;
      if (compareDates(disbursedOn, registeredOn) < 0 || compareDates(disbursedOn, today) > 0) {
        const message = `must lie between the registration date ${registeredOn} and today ${today}`;
        throw unprocessable(`disbursedOn ${disbursedOn} ${message}.`, {
          errors: [{ path: 'disbursedOn', message }],
        });
      }
      return { fields: { disbursedOn }, data: { disbursedOn } };
    }
    default:
      return { fields: {}, data: {} };
  }
}

/**
 * A registration number when the office does not type one: `ZY<year><12 chars of the pledge id>`, unique
 * because pledge ids are.
 */
export const generatedRegistrationNumber = (pledgeId: string, now: Date): string =>
  `ZY${todayInShanghai(now).slice(0, 4)}${pledgeId
    .replace(/[^a-zA-Z0-9]/g, '')
    .toUpperCase()
    .slice(0, 12)}`;

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
