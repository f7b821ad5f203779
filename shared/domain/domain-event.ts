/**
 * Domain events: every transition of every aggregate writes exactly one, in the transaction of the transition
 * itself, so an event exists if and only if the change happened. The same item is the aggregate's history entry
 * (`action`, `from`, `to`) and what consumers (audit feed, notifications, webhooks) receive.
 */
import type { Actor } from './actor.js';

export const SUBJECT_KINDS = [
  'pledge',
  'policy',
  'claim',
  'designation',
  'user',
  'org_claim',
  'document',
  'import',
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface Subject {
  kind: SubjectKind;
  id: string;
}

export interface DomainEvent {
  /** `<kind>:<id>:<version>`: stable, so a consumer can be idempotent on it. */
  id: string;
  /** `<kind>.<to-state or action>`, e.g. `pledge.approved`, `policy.claim_filed`. */
  type: string;
  subject: Subject;
  /** The aggregate's version this event produced (1 = creation). */
  version: number;
  at: string;
  actor: Actor;
  data: Record<string, unknown>;
  /** Tenant keys of the organisations allowed to see the event; the IP office sees every event. */
  audience: string[];
  action: string;
  from: string | null;
  to: string;
}

/** One history entry as the API shows it. */
export interface HistoryEntry<A extends string = string, S extends string = string> {
  version: number;
  at: string;
  action: A;
  from: S | null;
  to: S;
  actor: Actor;
  data: Record<string, unknown>;
}

export const eventId = (subject: Subject, version: number): string =>
  `${subject.kind}:${subject.id}:${version}`;

export const historyEntry = (e: DomainEvent): HistoryEntry => ({
  version: e.version,
  at: e.at,
  action: e.action,
  from: e.from,
  to: e.to,
  actor: e.actor,
  data: e.data,
});
