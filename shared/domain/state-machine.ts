/**
 * The one transition engine's pure half: a table of rows `action: from → to, by roles`, and the decisions every
 * aggregate (pledge, policy, claim, designation, …) takes from its own table. Nothing else encodes which role may
 * move an aggregate from which state to which.
 */
import type { ActorRole } from './actor.js';

export interface TransitionRow<A extends string, S extends string> {
  action: A;
  roles: readonly ActorRole[];
  /** `null` = the aggregate does not exist yet (its creating action). */
  from: readonly (S | null)[];
  to: S;
}

export type Decision<R> = { ok: true; row: R } | { ok: false; error: 'forbidden' | 'invalid_state' };

export interface HistoryStep {
  action: string;
  actor: { role: ActorRole };
  from?: string | null;
  to?: string;
}

export class StateMachine<
  A extends string,
  S extends string,
  R extends TransitionRow<A, S> = TransitionRow<A, S>,
> {
  private readonly byAction: Map<A, R>;

  constructor(
    readonly rows: readonly R[],
    /** "approved", "refused registration": for "a pledge that is X cannot be <pastTense>". */
    private readonly past: Readonly<Record<A, string>>,
  ) {
    this.byAction = new Map(rows.map((r) => [r.action, r]));
  }

  row(action: A): R {
    const row = this.byAction.get(action);
    if (!row) throw new Error(`no transition ${action}`);
    return row;
  }

  pastTense(action: A): string {
    return this.past[action];
  }

  /**
   * Whether `role` may take `action` from `status`. A wrong role is reported before a wrong state, so a caller
   * never learns an aggregate's state from an action it may not take at all.
   */
  decide(status: S | null, action: A, role: ActorRole): Decision<R> {
    const row = this.byAction.get(action);
    if (!row?.roles.includes(role)) return { ok: false, error: 'forbidden' };
    if (!row.from.includes(status)) return { ok: false, error: 'invalid_state' };
    return { ok: true, row };
  }

  /** Actions allowed from a state, optionally only those `role` may take. */
  actionsFrom(status: S, role?: ActorRole): A[] {
    return this.rows
      .filter((r) => r.from.includes(status) && (role === undefined || r.roles.includes(role)))
      .map((r) => r.action);
  }

  /**
   * Re-runs a stored history through the table; throws when a step is not a legal transition. A step whose action
   * is not in the table is an operation (a repayment, a claim filing): it must leave the state as it found it.
   */
  replay(history: readonly HistoryStep[]): S | null {
    let status: S | null = null;
    history.forEach((step, i) => {
      if (!this.byAction.has(step.action as A) && status !== null) {
        if (step.from !== status || step.to !== status)
          throw new Error(`history step ${i} (operation ${step.action}) changed the state ${status}`);
        return;
      }
      const result = this.decide(status, step.action as A, step.actor.role);
      if (!result.ok)
        throw new Error(
          `history step ${i} (${step.action} by ${step.actor.role} from ${status}): ${result.error}`,
        );
      if (step.from !== undefined && step.from !== status)
        throw new Error(`history step ${i} records from=${step.from} but the resource was ${status}`);
      if (step.to !== undefined && step.to !== result.row.to)
        throw new Error(
          `history step ${i} records to=${step.to} but ${step.action} leads to ${result.row.to}`,
        );
      status = result.row.to;
    });
    return status;
  }
}
