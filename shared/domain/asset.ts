/**
 * IP assets (patents and trademarks) as the portal stores them, built from validated input. Pure: no AWS, no
 * HTTP. The rules: the number is stored canonical, its filing year agrees with the filing date, dates are in
 * order and not in the future, co-owners are other valid USCCs, status follows from the dates given, and
 * `expiresOn` (the last day in force) is computed once from the statutory term.
 */
import type { Actor } from './actor.js';
import { alertsOn } from './collateral-monitor.js';
import { compareDates, type IsoDate, yearOf } from './dates.js';
import { isEnterprise } from './enterprise.js';
import { type FieldIssue, validationError } from './errors.js';
import { isLegallyInForce, type LegalRecord, type LegalStatus, legalStatusOn } from './legal-status.js';
import { type PatentType, parsePatentNumber } from './patent-number.js';
import { patentExpiresOn, trademarkExpiresOn } from './terms.js';
import { checkNiceClasses, type MarkType, parseTrademarkNumber } from './trademark.js';
import { checkUscc } from './uscc.js';

export const ASSET_KINDS = ['patent', 'trademark'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
export const ASSET_STATUSES = ['pending', 'granted', 'registered'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** PCT applications entering China (type digits 8, 9) carry the national-phase year, not the filing year. */
const PCT_TYPE_DIGITS = new Set(['8', '9']);
/** National phase is entered 30–32 months after the priority date, so at most a few calendar years later. */
const PCT_MAX_YEARS_AFTER_FILING = 3;

export interface PatentInput {
  kind: 'patent';
  number: string;
  title: string;
  filingDate: IsoDate;
  grantDate?: IsoDate | undefined;
  coOwners?: string[] | undefined;
}

export interface TrademarkInput {
  kind: 'trademark';
  number: string;
  mark: string;
  niceClasses: number[];
  registrationDate: IsoDate;
  markType?: MarkType | undefined;
}

export type AssetInput = PatentInput | TrademarkInput;

export interface CoOwnerConsent {
  recordedAt: string;
  recordedBy: string;
}

interface AssetCommon {
  id: string;
  /** USCC of the registered owner. */
  owner: string;
  number: string;
  coOwners: string[];
  coOwnerConsents?: Record<string, CoOwnerConsent>;
  status: AssetStatus;
  /** Last day the right is in force. */
  expiresOn: IsoDate;
  /** Present only while an open pledge application or an unreleased pledge holds the asset. */
  encumbrance?: { pledgeId: string };
  /**
   * Realised after a default: transferred to `uscc` (by transfer or auction) on `on`, recorded at the release. From
   * then on the right is no longer `owner`'s to pledge or insure (see `isOwnedBy`), though `owner` still reads it.
   */
  transferredTo?: { uscc: string; on: IsoDate; pledgeId: string };
  /** Ids of active policies covering the asset (a DynamoDB string set when stored). */
  insuredBy?: Iterable<string>;
  /** The fold of the right's legal events (absent: none recorded). */
  legal?: LegalRecord;
  /** The IP office checked the right and its owner against the register or a document. */
  verification?: Verification;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const VERIFICATION_SOURCES = ['registry', 'document'] as const;

export interface Verification {
  on: IsoDate;
  source: (typeof VERIFICATION_SOURCES)[number];
  reference: string;
  by: string;
}

export interface PatentAsset extends AssetCommon {
  kind: 'patent';
  title: string;
  patentType: PatentType;
  filingDate: IsoDate;
  grantDate?: IsoDate;
}

export interface TrademarkAsset extends AssetCommon {
  kind: 'trademark';
  mark: string;
  niceClasses: number[];
  registrationDate: IsoDate;
  markType: MarkType;
}

export type Asset = PatentAsset | TrademarkAsset;

/** What the API shows: absent optional state made explicit, and `inForce` as of today. */
export type AssetView = Omit<Asset, 'encumbrance' | 'insuredBy' | 'coOwnerConsents' | 'legal'> & {
  encumbrance: { pledgeId: string } | null;
  insuredBy: string[];
  coOwnerConsents: Record<string, CoOwnerConsent>;
  inForce: boolean;
  legalStatus: LegalStatus;
  /** What the owner must do soon: an annuity falling due or in its grace period, a renewal window open. */
  reminders: { type: 'annuity_due' | 'grace_period' | 'renewal_window'; dueOn: IsoDate }[];
};

export interface BuildContext {
  id: string;
  owner: string;
  /** Today in Asia/Shanghai: no date may lie after it. */
  today: IsoDate;
  /** RFC 3339 timestamp of creation. */
  now: string;
}

/** Builds the record to store, or throws one 400 naming every field that is wrong and why. */
export function buildAsset(input: AssetInput, ctx: BuildContext): Asset {
  const issues: FieldIssue[] = [];
  const base = { id: ctx.id, owner: ctx.owner, version: 1, createdAt: ctx.now, updatedAt: ctx.now };
  const notInFuture = (path: string, date: IsoDate | undefined) => {
    if (date !== undefined && compareDates(date, ctx.today) > 0)
      issues.push({ path, message: `${date} is in the future (today is ${ctx.today})` });
  };

  if (input.kind === 'patent') {
    const parsed = parsePatentNumber(input.number);
    if (!parsed.ok) issues.push({ path: 'number', message: parsed.reason });
    else checkFilingYear(parsed.number, parsed.filingYear, input.filingDate, issues);
    notInFuture('filingDate', input.filingDate);
    notInFuture('grantDate', input.grantDate);
    if (input.grantDate !== undefined && compareDates(input.grantDate, input.filingDate) < 0)
      issues.push({
        path: 'grantDate',
        message: `${input.grantDate} is before the filing date ${input.filingDate}`,
      });
    const coOwners = checkCoOwners(input.coOwners ?? [], ctx.owner, issues);
    if (issues.length > 0 || !parsed.ok) throw invalid(issues);
    return {
      ...base,
      kind: 'patent',
      number: parsed.number,
      title: input.title,
      patentType: parsed.patentType,
      filingDate: input.filingDate,
      ...(input.grantDate === undefined ? {} : { grantDate: input.grantDate }),
      coOwners,
      status: input.grantDate === undefined ? 'pending' : 'granted',
      expiresOn: patentExpiresOn(parsed.patentType, input.filingDate),
    };
  }

  const parsed = parseTrademarkNumber(input.number);
  if (!parsed.ok) issues.push({ path: 'number', message: parsed.reason });
  const classes = checkNiceClasses(input.niceClasses);
  if (!classes.ok) issues.push({ path: 'niceClasses', message: classes.reason });
  notInFuture('registrationDate', input.registrationDate);
  if (issues.length > 0 || !parsed.ok || !classes.ok) throw invalid(issues);
  return {
    ...base,
    kind: 'trademark',
    number: parsed.number,
    mark: input.mark,
    niceClasses: classes.classes,
    registrationDate: input.registrationDate,
    markType: input.markType ?? 'ordinary',
    coOwners: [],
    status: 'registered',
    expiresOn: trademarkExpiresOn(input.registrationDate),
  };
}

const invalid = (issues: FieldIssue[]) => validationError(issues, 'The asset is not valid.');

/**
 * The year in an application number is the filing year, so a filing date in another year means one of the two
 * is mistyped — and the filing date decides the term. PCT national-phase numbers carry the year of entry into
 * China instead, which follows the international filing date by up to a few years.
 */
function checkFilingYear(
  number: string,
  numberYear: number,
  filingDate: IsoDate,
  issues: FieldIssue[],
): void {
  const digits = number.replace('.', '');
  const typeDigit = digits.length === 13 ? digits[4] : digits[2];
  const filingYear = yearOf(filingDate);
  if (typeDigit !== undefined && PCT_TYPE_DIGITS.has(typeDigit)) {
    if (filingYear > numberYear || filingYear < numberYear - PCT_MAX_YEARS_AFTER_FILING)
      issues.push({
        path: 'filingDate',
        message: `is in ${filingYear}, but the PCT national-phase number ${number} was entered in ${numberYear}; the international filing date must be in ${numberYear - PCT_MAX_YEARS_AFTER_FILING}–${numberYear}`,
      });
    return;
  }
  if (filingYear !== numberYear)
    issues.push({
      path: 'filingDate',
      message: `is in ${filingYear}, but application number ${number} was filed in ${numberYear}; one of them is wrong`,
    });
}

/** Co-owners: valid USCCs (normalised), not the owner itself, each listed once. */
function checkCoOwners(raw: string[], owner: string, issues: FieldIssue[]): string[] {
  const seen = new Set<string>();
  raw.forEach((value, i) => {
    const path = `coOwners.${i}`;
    const check = checkUscc(value);
    if (!check.ok) issues.push({ path, message: check.reason });
    else if (check.uscc === owner)
      issues.push({ path, message: 'is the owner itself; list only the other owners' });
    else if (seen.has(check.uscc)) issues.push({ path, message: `${check.uscc} is listed twice` });
    else seen.add(check.uscc);
  });
  return [...seen];
}

/** The asset as the API shows it on `today` (Asia/Shanghai). */
export function assetView(asset: Asset, today: IsoDate): AssetView {
  const { encumbrance, insuredBy, coOwnerConsents, legal: _, ...rest } = asset;
  const legalStatus = legalStatusOn(asset, today);
  return {
    ...rest,
    coOwners: asset.coOwners ?? [],
    encumbrance: encumbrance ?? null,
    insuredBy: [...(insuredBy ?? [])].sort(),
    coOwnerConsents: coOwnerConsents ?? {},
    inForce: isLegallyInForce(legalStatus),
    legalStatus,
    reminders: ownerReminders(asset, today, legalStatus),
  };
}

const REMINDED = new Set(['annuity_due', 'grace_period', 'renewal_window']);

/** The collateral monitor's alerts that ask the owner to act (pay, renew), as of `today`. */
const ownerReminders = (asset: Asset, today: IsoDate, status: LegalStatus): AssetView['reminders'] =>
  alertsOn(asset, today, undefined, status).flatMap((a) =>
    REMINDED.has(a.type) && a.dueOn
      ? [{ type: a.type as AssetView['reminders'][number]['type'], dueOn: a.dueOn }]
      : [],
  );

/**
 * Who may read an asset, the one rule: its owner, its co-owners and the IP office; a lender only while a pledge addressed to it
 * holds the asset; an insurer only when a policy addressed to it covers the asset. The counterparty cases depend
 * on another aggregate, so the rule names the question the caller must answer with a read.
 */
export type AssetReadRule =
  | { allowed: boolean }
  | { ifLenderOfPledge: string; lenderId: string }
  | { ifInsurerOfAPolicy: string };

export function assetReadRule(actor: Pick<Actor, 'role' | 'org'>, asset: Asset): AssetReadRule {
  switch (actor.role) {
    case 'ipoffice':
      return { allowed: true };
    case 'enterprise':
      // Its owner, and a co-owner (who gives its consent to pledge it).
      return {
        allowed:
          isEnterprise(actor, asset.owner) || (asset.coOwners ?? []).some((c) => isEnterprise(actor, c)),
      };
    case 'lender':
      return asset.encumbrance && actor.org
        ? { ifLenderOfPledge: asset.encumbrance.pledgeId, lenderId: actor.org }
        : { allowed: false };
    case 'insurer':
      return actor.org ? { ifInsurerOfAPolicy: actor.org } : { allowed: false };
    default:
      return { allowed: false };
  }
}

/**
 * Whether `uscc` holds the right and may pledge or insure it: its registered owner, unless a disposal after a default
 * transferred it to a buyer (`transferredTo`).
 */
export const isOwnedBy = (asset: Asset, uscc: string): boolean =>
  asset.owner === uscc && asset.transferredTo === undefined;
