/**
 * The legal status of a right, from the events the registers record (DOMAIN.md part two, API.md v2): annuities
 * paid, lapse and restoration, invalidation, court preservation, ownership disputes, trademark renewal and
 * cancellation, transfer and licence. Each event is checked (`legalEventRefusals`), then folded into the asset
 * (`applyLegalEvent`): the asset keeps the fold (`legal`), so its status on any day (`legalStatusOn`) needs no
 * event list. Pure: no AWS, no HTTP.
 */
import type { Asset } from './asset.js';
import { addDays, addMonths, addYears, compareDates, type IsoDate } from './dates.js';
import type { FieldIssue } from './errors.js';
import { isGrantedOrRegistered, TRADEMARK_TERM_YEARS, trademarkRenewalWindow } from './terms.js';
import { checkUscc } from './uscc.js';

export const LEGAL_EVENT_TYPES = [
  'annuity_paid',
  'lapsed',
  'restored',
  'invalidation_filed',
  'invalidation_decided',
  'preservation_ordered',
  'preservation_lifted',
  'dispute_filed',
  'dispute_resolved',
  'renewed',
  'cancelled',
  'transferred',
  'licensed',
] as const;
export type LegalEventType = (typeof LEGAL_EVENT_TYPES)[number];

/** Which kind of right each event concerns. */
const KINDS: Record<LegalEventType, 'patent' | 'trademark' | 'both'> = {
  annuity_paid: 'patent',
  lapsed: 'patent',
  restored: 'patent',
  invalidation_filed: 'patent',
  invalidation_decided: 'patent',
  preservation_ordered: 'both',
  preservation_lifted: 'both',
  dispute_filed: 'both',
  dispute_resolved: 'both',
  renewed: 'trademark',
  cancelled: 'trademark',
  transferred: 'both',
  licensed: 'both',
};

/** The event types that concern a kind of right, in the contract's order. */
export const eventTypesFor = (kind: 'patent' | 'trademark'): LegalEventType[] =>
  LEGAL_EVENT_TYPES.filter((t) => KINDS[t] === 'both' || KINDS[t] === kind);

/** The fields each type carries besides `type`, `date`, `reference` and `note`; any other is not kept. */
export const EVENT_FIELDS: Partial<Record<LegalEventType, readonly (keyof LegalEventInput)[]>> = {
  annuity_paid: ['paidThrough'],
  restored: ['paidThrough'],
  invalidation_decided: ['outcome'],
  preservation_ordered: ['court'],
  transferred: ['toUscc'],
  licensed: ['licensee', 'exclusive', 'until'],
};

/** The event with only the fields its type carries. */
export function eventFields(e: LegalEventInput): LegalEventInput {
  const kept: LegalEventInput = { type: e.type, date: e.date };
  for (const field of ['reference', 'note', ...(EVENT_FIELDS[e.type] ?? [])] as const)
    if (e[field] !== undefined) (kept as unknown as Record<string, unknown>)[field] = e[field];
  return kept;
}

/** What the owner may record itself (with the office's receipt as `reference`); the IP office records any type. */
export const OWNER_EVENT_TYPES: ReadonlySet<LegalEventType> = new Set(['annuity_paid', 'renewed']);

export const INVALIDATION_OUTCOMES = ['upheld', 'partially_invalidated', 'invalidated'] as const;
export type InvalidationOutcome = (typeof INVALIDATION_OUTCOMES)[number];

export interface LegalEventInput {
  type: LegalEventType;
  /** The day it happened in the register; not after today. */
  date: IsoDate;
  reference?: string | undefined;
  note?: string | undefined;
  paidThrough?: IsoDate | undefined;
  outcome?: InvalidationOutcome | undefined;
  court?: string | undefined;
  toUscc?: string | undefined;
  licensee?: string | undefined;
  exclusive?: boolean | undefined;
  until?: IsoDate | undefined;
}

/** The fold of a right's legal events, kept on the asset. */
export interface LegalRecord {
  /** Patents: the annuity is paid through this day (absent: no payment ever recorded). */
  annuityPaidThrough?: IsoDate;
  /** Patents: terminated (lapsed) from this day, until restored. */
  lapsedOn?: IsoDate;
  invalidationPending?: boolean;
  invalidated?: boolean;
  preserved?: boolean;
  disputed?: boolean;
  /** Trademarks: cancelled from this day. */
  cancelledOn?: IsoDate;
  licences?: { licensee: string; exclusive: boolean; until: IsoDate }[];
  /** How many events were recorded: the next one's sequence number, and what a registration re-checks. */
  events: number;
}

export const LEGAL_STATES = [
  'pending',
  'in_force',
  'grace_period',
  'lapsed',
  'invalidated',
  'cancelled',
  'expired',
] as const;
export type LegalState = (typeof LEGAL_STATES)[number];
export const LEGAL_FLAGS = ['invalidation_pending', 'preserved', 'disputed'] as const;
export type LegalFlag = (typeof LEGAL_FLAGS)[number];

export interface LegalStatus {
  state: LegalState;
  flags: LegalFlag[];
  annuityPaidThrough?: IsoDate;
  /** While the annuity is unpaid: the last day it may still be paid with a surcharge. */
  graceEndsOn?: IsoDate;
  /** Trademarks: when the current term may be renewed. */
  renewalWindow?: { opens: IsoDate; closes: IsoDate; graceEnds: IsoDate };
}

/** An unpaid annuity may still be paid for 6 months after it fell due (Patent Law Implementing Rules art. 98). */
export const ANNUITY_GRACE_MONTHS = 6;

export const graceEndsOf = (paidThrough: IsoDate): IsoDate => addMonths(paidThrough, ANNUITY_GRACE_MONTHS);

/** The right's status on `today`: the first of invalidated, cancelled, lapsed, expired, grace period that holds. */
export function legalStatusOn(asset: Asset, today: IsoDate): LegalStatus {
  const legal = asset.legal;
  const flags = LEGAL_FLAGS.filter(
    (f) =>
      (f === 'invalidation_pending' && legal?.invalidationPending) ||
      (f === 'preserved' && legal?.preserved) ||
      (f === 'disputed' && legal?.disputed),
  );
  const paidThrough = legal?.annuityPaidThrough;
  const late = paidThrough !== undefined && compareDates(today, paidThrough) > 0;
  const status: LegalStatus = {
    state: stateOf(asset, today),
    flags,
    ...(paidThrough ? { annuityPaidThrough: paidThrough } : {}),
    ...(late ? { graceEndsOn: graceEndsOf(paidThrough) } : {}),
    ...(asset.kind === 'trademark' ? { renewalWindow: trademarkRenewalWindow(asset.expiresOn) } : {}),
  };
  return status;
}

function stateOf(asset: Asset, today: IsoDate): LegalState {
  const legal = asset.legal;
  if (!isGrantedOrRegistered(asset)) return 'pending';
  if (legal?.invalidated) return 'invalidated';
  if (legal?.cancelledOn && compareDates(legal.cancelledOn, today) <= 0) return 'cancelled';
  if (legal?.lapsedOn && compareDates(legal.lapsedOn, today) <= 0) return 'lapsed';
  if (compareDates(today, asset.expiresOn) > 0) return 'expired';
  const paidThrough = legal?.annuityPaidThrough;
  if (paidThrough !== undefined && compareDates(today, paidThrough) > 0)
    return compareDates(today, graceEndsOf(paidThrough)) <= 0 ? 'grace_period' : 'lapsed';
  return 'in_force';
}

/** In force: the right still protects, possibly with an annuity to pay in its grace period. */
export const isLegallyInForce = (status: LegalStatus): boolean =>
  status.state === 'in_force' || status.state === 'grace_period';

export interface LegalEventContext {
  today: IsoDate;
  /** The right is in an open application or an unreleased pledge. */
  encumbered: boolean;
}

/** Every reason the event cannot be recorded against `asset`, each naming its field and a stable code. */
export function legalEventRefusals(asset: Asset, e: LegalEventInput, ctx: LegalEventContext): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const refuse = (path: string, code: string, message: string) => issues.push({ path, code, message });
  const kind = KINDS[e.type];
  if (kind !== 'both' && kind !== asset.kind) {
    refuse(
      'type',
      'event_type_not_for_kind',
      `${e.type} concerns a ${kind}, and ${asset.number} is a ${asset.kind}`,
    );
    return issues;
  }
  if (compareDates(e.date, ctx.today) > 0)
    refuse('date', 'date_in_future', `${e.date} is after today ${ctx.today}`);
  if (!isGrantedOrRegistered(asset))
    refuse(
      'type',
      'right_not_granted',
      `${asset.number} is ${asset.status}: no legal event before the grant`,
    );
  const legal = asset.legal;
  const status = legalStatusOn(asset, ctx.today);
  const need = <K extends keyof LegalEventInput>(field: K) => {
    if (e[field] === undefined) refuse(field, 'field_required', `${e.type} needs ${field}`);
    return e[field];
  };
  switch (e.type) {
    case 'annuity_paid':
    case 'restored': {
      const paidThrough = need('paidThrough');
      if (paidThrough === undefined || asset.kind !== 'patent') break;
      if (compareDates(paidThrough, asset.filingDate) < 0)
        refuse(
          'paidThrough',
          'paid_through_before_filing',
          `${paidThrough} is before the filing date ${asset.filingDate}`,
        );
      else if (legal?.annuityPaidThrough && compareDates(paidThrough, legal.annuityPaidThrough) <= 0)
        refuse(
          'paidThrough',
          'paid_through_not_later',
          `the annuity is already paid through ${legal.annuityPaidThrough}`,
        );
      if (e.type === 'restored' && status.state !== 'lapsed')
        refuse('type', 'not_lapsed', `${asset.number} is ${status.state}: only a lapsed patent is restored`);
      if (e.type === 'annuity_paid' && status.state === 'lapsed')
        refuse('type', 'right_lapsed', `${asset.number} has lapsed: it is restored (restored), not paid`);
      break;
    }
    case 'lapsed':
      if (legal?.lapsedOn) refuse('type', 'already_lapsed', `${asset.number} lapsed on ${legal.lapsedOn}`);
      break;
    case 'invalidation_filed':
      if (legal?.invalidationPending)
        refuse('type', 'invalidation_already_pending', 'a request is already pending');
      break;
    case 'invalidation_decided':
      need('outcome');
      if (!legal?.invalidationPending)
        refuse('type', 'no_invalidation_pending', 'no invalidation request is pending for this right');
      break;
    case 'preservation_lifted':
      if (!legal?.preserved)
        refuse('type', 'not_preserved', `${asset.number} is not under court preservation`);
      break;
    case 'dispute_resolved':
      if (!legal?.disputed) refuse('type', 'not_disputed', `${asset.number} has no ownership dispute open`);
      break;
    case 'renewed': {
      const window = trademarkRenewalWindow(asset.expiresOn);
      if (compareDates(e.date, window.opens) < 0 || compareDates(e.date, window.graceEnds) > 0)
        refuse(
          'date',
          'renewal_outside_window',
          `a renewal of the term ending ${asset.expiresOn} is filed between ${window.opens} and ${window.graceEnds}`,
        );
      if (legal?.cancelledOn)
        refuse('type', 'right_cancelled', `${asset.number} was cancelled on ${legal.cancelledOn}`);
      break;
    }
    case 'cancelled':
      if (legal?.cancelledOn)
        refuse('type', 'right_cancelled', `${asset.number} was cancelled on ${legal.cancelledOn}`);
      break;
    case 'transferred': {
      const to = need('toUscc');
      if (to !== undefined) {
        const check = checkUscc(to);
        if (!check.ok) refuse('toUscc', 'invalid_uscc', check.reason);
        else if (check.uscc === asset.owner) refuse('toUscc', 'transfer_to_owner', 'is already the owner');
      }
      if (ctx.encumbered)
        refuse(
          'type',
          'right_encumbered',
          `${asset.number} is held by pledge ${asset.encumbrance?.pledgeId}: it cannot be transferred until released`,
        );
      break;
    }
    case 'licensed': {
      need('licensee');
      need('exclusive');
      const until = need('until');
      if (until !== undefined && compareDates(until, e.date) < 0)
        refuse('until', 'licence_ends_before_it_starts', `${until} is before ${e.date}`);
      break;
    }
    default:
      break;
  }
  return issues;
}

/** The asset after the event (already checked): its legal record, and its term or owner where the event moves them. */
export function applyLegalEvent(asset: Asset, e: LegalEventInput): Asset {
  const legal: LegalRecord = { ...asset.legal, events: (asset.legal?.events ?? 0) + 1 };
  let next: Asset = asset;
  switch (e.type) {
    case 'annuity_paid':
      legal.annuityPaidThrough = e.paidThrough!;
      break;
    case 'restored':
      legal.annuityPaidThrough = e.paidThrough!;
      delete legal.lapsedOn;
      break;
    case 'lapsed':
      legal.lapsedOn = e.date;
      break;
    case 'invalidation_filed':
      legal.invalidationPending = true;
      break;
    case 'invalidation_decided':
      delete legal.invalidationPending;
      if (e.outcome === 'invalidated') legal.invalidated = true;
      break;
    case 'preservation_ordered':
      legal.preserved = true;
      break;
    case 'preservation_lifted':
      delete legal.preserved;
      break;
    case 'dispute_filed':
      legal.disputed = true;
      break;
    case 'dispute_resolved':
      delete legal.disputed;
      break;
    case 'renewed':
      next = {
        ...asset,
        expiresOn: addDays(addYears(addDays(asset.expiresOn, 1), TRADEMARK_TERM_YEARS), -1),
      };
      break;
    case 'cancelled':
      legal.cancelledOn = e.date;
      break;
    case 'transferred': {
      // `toUscc` as checked: the canonical form `legalEventRefusals` accepted. A verification was of the old owner.
      const { verification: _, ...rest } = asset;
      next = { ...rest, owner: e.toUscc! } as Asset;
      break;
    }
    case 'licensed':
      legal.licences = [
        ...(legal.licences ?? []),
        { licensee: e.licensee!, exclusive: e.exclusive!, until: e.until! },
      ];
      break;
  }
  return { ...next, legal };
}
