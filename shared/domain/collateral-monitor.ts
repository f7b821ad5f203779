/**
 * The collateral monitor's rules (API.md v2): what a right held as collateral or insured should warn of on a given
 * day, and which of those warnings are news. An alert is identified by its type and due date; it is raised once
 * (a closed alert whose condition returns with the same due date is not news again) and closes at the first run at
 * which its condition no longer holds. Pure: no AWS, no HTTP.
 */
import type { Asset } from './asset.js';
import { addDays, compareDates, daysBetween, type IsoDate } from './dates.js';
import { type LegalStatus, legalStatusOn } from './legal-status.js';

export const ALERT_TYPES = [
  'annuity_due',
  'grace_period',
  'lapsed',
  'invalidation_filed',
  'preserved',
  'disputed',
  'renewal_window',
  'expires_before_maturity',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** How far ahead an annuity falling due is announced. */
export const ANNUITY_NOTICE_DAYS = 60;

export interface Alert {
  type: AlertType;
  dueOn?: IsoDate;
}

export interface OpenAlert extends Alert {
  raisedOn: IsoDate;
}

/** `<type>#<dueOn or ->`: an alert's identity. */
export const alertKey = (a: Alert): string => `${a.type}#${a.dueOn ?? '-'}`;

/**
 * What `asset` warns of on `today`; `maturesOn`: the secured loan's last day, when it has one. `status`: its legal
 * status on `today`, when the caller has it already.
 */
export function alertsOn(
  asset: Asset,
  today: IsoDate,
  maturesOn?: IsoDate,
  status: LegalStatus = legalStatusOn(asset, today),
): Alert[] {
  const alerts: Alert[] = [];
  const paidThrough = status.annuityPaidThrough;
  if (status.state === 'in_force' && paidThrough !== undefined) {
    const due = addDays(paidThrough, 1);
    if (daysBetween(today, due) <= ANNUITY_NOTICE_DAYS) alerts.push({ type: 'annuity_due', dueOn: due });
  }
  if (status.state === 'grace_period') alerts.push({ type: 'grace_period', dueOn: status.graceEndsOn! });
  if (status.state === 'lapsed' || status.state === 'invalidated' || status.state === 'cancelled')
    alerts.push({ type: 'lapsed' });
  if (status.flags.includes('invalidation_pending')) alerts.push({ type: 'invalidation_filed' });
  if (status.flags.includes('preserved')) alerts.push({ type: 'preserved' });
  if (status.flags.includes('disputed')) alerts.push({ type: 'disputed' });
  const window = status.renewalWindow;
  if (window && compareDates(today, window.opens) >= 0 && compareDates(today, window.graceEnds) <= 0)
    alerts.push({ type: 'renewal_window', dueOn: asset.expiresOn });
  if (maturesOn !== undefined && compareDates(asset.expiresOn, maturesOn) < 0)
    alerts.push({ type: 'expires_before_maturity', dueOn: asset.expiresOn });
  return alerts;
}

/**
 * The run's outcome for one watched right: the alerts open after it (those still holding keep their first
 * `raisedOn`), the ones raised now (news: notify), and every alert ever raised (so none is news twice).
 */
export function nextAlerts(
  current: readonly Alert[],
  previous: { open: readonly OpenAlert[]; raised: readonly string[] },
  today: IsoDate,
): { open: OpenAlert[]; raisedNow: OpenAlert[]; raised: string[] } {
  const wasOpen = new Map(previous.open.map((a) => [alertKey(a), a]));
  const raised = new Set(previous.raised);
  const open: OpenAlert[] = [];
  const raisedNow: OpenAlert[] = [];
  for (const alert of current) {
    const key = alertKey(alert);
    const kept = wasOpen.get(key);
    const next = kept ?? { ...alert, raisedOn: today };
    open.push(next);
    if (!kept && !raised.has(key)) raisedNow.push(next);
    raised.add(key);
  }
  return { open, raisedNow, raised: [...raised].sort() };
}
