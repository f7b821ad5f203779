/**
 * Who hears of what: the portal's notification rules as one table. A domain event becomes one notification in the
 * inbox of each party that must act on it or know it (API.md v2, notifications); the parties are read off the
 * event's audience, so a notification never reaches an organisation that could not read the event itself.
 */
import type { DomainEvent, Subject } from './domain-event.js';

export type Party = 'enterprise' | 'lender' | 'insurer' | 'ipoffice';

/** The IP office's one inbox (its clerks share it). */
export const OFFICE_TENANT = 'ipoffice:-';

/** Event type → the parties told, and the English title API clients read (the pages render the type). */
const RULES: Record<string, { to: readonly Party[]; title: string }> = {
  'pledge.submitted': { to: ['lender'], title: 'A pledge loan application was submitted to you' },
  'pledge.withdrawn': { to: ['lender'], title: 'The applicant withdrew its pledge loan application' },
  'pledge.approved': { to: ['enterprise', 'ipoffice'], title: 'The pledge loan was approved' },
  'pledge.rejected': { to: ['enterprise'], title: 'The pledge loan application was rejected' },
  'pledge.registered': { to: ['enterprise', 'lender'], title: 'The pledge was registered' },
  'pledge.registration_refused': {
    to: ['enterprise', 'lender'],
    title: 'The pledge registration was refused',
  },
  'pledge.disbursed': { to: ['enterprise'], title: 'The loan was disbursed' },
  'pledge.defaulted': { to: ['enterprise', 'ipoffice'], title: 'The loan was declared in default' },
  'pledge.disposed': { to: ['enterprise', 'ipoffice'], title: 'The pledged rights were disposed of' },
  'pledge.released': { to: ['enterprise', 'lender'], title: 'The pledge was released' },
  'pledge.extension_requested': {
    to: ['enterprise', 'ipoffice'],
    title: 'The bank asked to extend the loan',
  },
  'pledge.change_registered': {
    to: ['enterprise', 'lender'],
    title: 'The change of the pledge was registered',
  },
  'pledge.assets_released': {
    to: ['enterprise', 'lender'],
    title: 'Part of the pledged rights were released',
  },
  'policy.applied': { to: ['insurer'], title: 'An insurance application was submitted to you' },
  'policy.issued': { to: ['enterprise'], title: 'The insurance policy was issued' },
  'policy.declined': { to: ['enterprise'], title: 'The insurance application was declined' },
  'policy.terminated': { to: ['enterprise', 'lender'], title: 'The insurer terminated the policy' },
  'policy.renewal_due': { to: ['enterprise'], title: 'The insurance policy ends within 30 days: renew it' },
  // A guarantee claim's audience holds its lender (the beneficiary); other claims' do not.
  'claim.filed': { to: ['insurer', 'lender'], title: 'A claim was filed' },
  'claim.assessed': { to: ['enterprise', 'lender'], title: 'The claim was assessed' },
  'claim.partially_paid': { to: ['enterprise', 'lender'], title: 'A payment was made on the claim' },
  'claim.paid': { to: ['enterprise', 'lender'], title: 'The claim was paid' },
  'claim.denied': { to: ['enterprise', 'lender'], title: 'The claim was denied' },
  'claim.reopened': { to: ['insurer'], title: 'A claim was reopened' },
  'loan.instalment_due': { to: ['enterprise', 'lender'], title: 'A loan instalment falls due within 7 days' },
  'loan.overdue': { to: ['enterprise', 'lender'], title: 'A loan instalment is overdue' },
};

export const NOTIFICATION_TYPES = Object.keys(RULES);

export interface NotificationDraft {
  /** The inbox: a tenant key (`enterprise:<USCC>`, `lender:<id>`, …, or the office's). */
  tenant: string;
  type: string;
  /** What it is about: a pledge, policy, claim or designation, or for the collateral monitor's alerts, the right. */
  subject: Subject | { kind: 'asset'; id: string };
  title: string;
  at: string;
  eventId: string;
}

/**
 * The types an event raises: its own, and for a servicing run the loan's news — an instalment due within 7 days, a
 * loan newly overdue (the run sets these flags once per instalment and once per arrears episode).
 */
function typesOf(event: DomainEvent): string[] {
  if (event.type !== 'pledge.serviced') return [event.type];
  return [
    ...(event.data.instalmentDue === true ? ['loan.instalment_due'] : []),
    ...(event.data.overdue === true ? ['loan.overdue'] : []),
  ];
}

/** The notifications one event brings, one per party told (none for events nobody is told of). */
export function notificationsOf(event: DomainEvent): NotificationDraft[] {
  return typesOf(event).flatMap((type) => {
    const rule = RULES[type];
    if (!rule) return [];
    const tenants = rule.to.flatMap((party) =>
      party === 'ipoffice' ? [OFFICE_TENANT] : event.audience.filter((t) => t.startsWith(`${party}:`)),
    );
    return tenants.map((tenant) => ({
      tenant,
      type,
      subject: event.subject,
      title: rule.title,
      at: event.at,
      eventId: event.id,
    }));
  });
}
