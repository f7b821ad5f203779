/**
 * The one transition engine every aggregate runs on (pledge, policy, claim, designation and those to come):
 *
 *   load (with the idempotency record, one BatchGet) → visibility (404) → If-Match (412) → state machine (403/409)
 *   → compute (the use case's rule: fields, event data, extra writes) → persist in ONE TransactWrite: the guarded
 *   aggregate update, its domain event, the extra writes, the aggregate's effects (holds, links, statistics) and
 *   the idempotency record → when only the version moved under us, a bounded retry from the top.
 *
 * An action with an Idempotency-Key costs two round trips: the BatchGet (a Query of the partition for an aggregate
 * that answers with its history) and the TransactWrite.
 */
import { type Actor, type ActorRole, SYSTEM_ACTOR } from '../domain/actor.js';
import {
  type DomainEvent,
  eventId,
  type HistoryEntry,
  historyEntry,
  type SubjectKind,
} from '../domain/domain-event.js';
import { conflict, forbidden, invalidState, notFound, preconditionFailed } from '../domain/errors.js';
import type { StateMachine, TransitionRow } from '../domain/state-machine.js';
import { type IdempotencyRequest, recordKey, recordWrite, storedRecord } from '../store/idempotency-store.js';
import { aggregateKey, EVENT_ENTITY, eventKey, type Key } from '../store/keys.js';
import { toResource } from '../store/records.js';
import { ABSENT, ConditionsFailed, type Item, ItemSet, type Store, type TxItem } from '../store/toolkit.js';
import { replayIfStored } from './idempotency.js';

export interface Aggregate {
  id: string;
  status: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What the engine needs to know about one kind of aggregate. */
export interface AggregateSpec<
  T extends Aggregate,
  A extends string,
  R extends TransitionRow<A, T['status']>,
> {
  kind: SubjectKind;
  /** For messages: "A pledge that is …", "Pledge <id> was not found". */
  noun: string;
  machine: StateMachine<A, T['status'], R>;
  /** The domain event type of a transition, e.g. `pledge.approved`. */
  eventType: (row: R) => string;
  /** Who may see the aggregate at all; anyone else is told it does not exist (404). */
  maySee: (actor: Actor, agg: T) => boolean;
  /** Who may act on it (default: whoever may see it); the IP office may read a policy but not act on it. */
  mayAct?: (actor: Actor, agg: T) => boolean;
  /** Tenant keys of the organisations that may see its events. */
  audience: (agg: T) => string[];
  /** Index attributes of the stored item, recomputed on every write. */
  indexKeys: (agg: T) => Record<string, string>;
  /** Writes a transition always brings for this kind (asset holds, links, statistics facts). */
  effects?: (before: T | null, after: T, row: R, store: Store) => TxItem[];
  /** The meaning of the effects' tags when their conditions fail. */
  onEffectFailed?: (failure: ConditionsFailed, before: T | null, after: T) => Error | undefined;
  /**
   * Its answers carry its whole history: an action reads the aggregate and its events with ONE Query of its
   * partition. The idempotency record, in another partition, is then not read first: the transaction's guard on
   * it catches a retry at the write, and a refusal looks it up before answering (see `loadToAct`).
   */
  answersWithHistory?: boolean;
}

export interface Plan<T> {
  /** Fields that change besides status, version and updatedAt. */
  changes?: Partial<T>;
  /** The event's data. */
  data?: Record<string, unknown>;
  /** Extra writes of this operation, each tagged with what its failure means. */
  writes?: TxItem[];
  /** Maps a failure of one of `writes` to the caller's error. */
  onFailed?: (failure: ConditionsFailed) => Error | undefined;
  /** What the operation answers (default: the aggregate after the change). */
  result?: unknown;
  /** What it answers when that needs the aggregate after the change or its event (e.g. a history to show). */
  answer?: (after: T, event: DomainEvent) => unknown;
}

/** A non-transition operation: its name in the history, who may run it, from which states, its event type. */
export interface Operation<S extends string> {
  name: string;
  /** For messages: "cannot <verb>" ("record a repayment"). */
  verb: string;
  roles: readonly ActorRole[];
  from: readonly S[];
  eventType: string;
}

export interface OperationPlan<T, A> extends Plan<T> {
  /** The transition this operation turned out to complete (e.g. the repayment that closes the loan). */
  completes?: A;
}

/** What a rule may use besides the aggregate: the BatchGet's items, and its past events when the spec reads them. */
export interface ActionContext {
  now: Date;
  read: ItemSet;
  /** The events before this action, oldest first (`answersWithHistory` specs only; empty otherwise). */
  history: readonly DomainEvent[];
}

export interface ActionRequest<A> {
  actor: Actor;
  id: string;
  action: A;
  /** From If-Match: a stale version → 412. */
  expectedVersion?: number | undefined;
  idempotency?: IdempotencyRequest | undefined;
  /** Items the rule needs that are known before the aggregate is (e.g. the acting lender), read in the same BatchGet. */
  alsoRead?: readonly Key[];
}

export interface Outcome<T> {
  before: T | null;
  after: T;
  event: DomainEvent;
  result: unknown;
}

/** The tag prefix of a second aggregate's writes (`alsoTransition`). */
export const ALSO = 'also:';

/** Bounded retries when only the aggregate's version moved (e.g. a claim filed on the policy meanwhile). */
const MAX_ATTEMPTS = 3;

export class Engine {
  constructor(
    readonly store: Store,
    readonly now: () => Date,
  ) {}

  /**
   * Reads `keys` and, with an Idempotency-Key, its record in the same BatchGet; a stored answer → `Replayed`.
   * Creating use cases read what they check through this, so a retry replays before re-validating.
   */
  async read(keys: readonly Key[], idempotency?: IdempotencyRequest): Promise<ItemSet> {
    const items = await this.store.batchGet(idempotency ? [...keys, recordKey(idempotency)] : keys);
    if (idempotency) replayIfStored(storedRecord(items.get(recordKey(idempotency))), idempotency.requestHash);
    return items;
  }

  async load<T extends Aggregate>(kind: SubjectKind, id: string): Promise<T | undefined> {
    const item = await this.store.get(aggregateKey(kind, id));
    return item ? toResource<T>(item) : undefined;
  }

  /** The aggregate, its history (oldest first) and the other items of its partition, with one Query. */
  async loadWithHistory<T extends Aggregate>(
    kind: SubjectKind,
    id: string,
  ): Promise<{ agg: T; history: HistoryEntry[]; others: Item[] } | undefined> {
    const key = aggregateKey(kind, id);
    const items = await this.store.queryPartition(key.pk);
    const root = items.find((i) => i.sk === key.sk);
    if (!root) return undefined;
    const others = items.filter((i) => i !== root && i.entity !== EVENT_ENTITY);
    return { agg: toResource<T>(root), history: events(items).map(historyEntry), others };
  }

  /** Creates an aggregate with its first event (the machine's creating row for `action`) in one transaction. */
  async create<T extends Aggregate, A extends string, R extends TransitionRow<A, T['status']>>(
    spec: AggregateSpec<T, A, R>,
    req: { actor: Actor; action: A; idempotency?: IdempotencyRequest | undefined },
    agg: T,
    plan: Plan<T> = {},
  ): Promise<Outcome<T>> {
    const decision = spec.machine.decide(null, req.action, req.actor.role);
    if (!decision.ok) throw forbidden(`The ${req.actor.role} role may not ${req.action} a ${spec.noun}.`);
    const event = this.eventOf(spec, decision.row, null, agg, req.actor, plan.data ?? {});
    const result = plan.answer ? plan.answer(agg, event) : (plan.result ?? agg);
    const items: TxItem[] = [
      { tag: spec.kind, write: this.aggregatePut(spec, agg) },
      this.eventWrite(event),
      ...(plan.writes ?? []),
      ...(spec.effects?.(null, agg, decision.row, this.store) ?? []),
      ...(req.idempotency ? [recordWrite(this.store, req.idempotency, result, this.now())] : []),
    ];
    try {
      await this.store.transact(items);
    } catch (error) {
      if (!(error instanceof ConditionsFailed)) throw error;
      await this.replayOnRecord(error, req.idempotency);
      throw (
        plan.onFailed?.(error) ??
        spec.onEffectFailed?.(error, null, agg) ??
        conflict('The change could not be stored; retry.')
      );
    }
    return { before: null, after: agg, event, result };
  }

  /** Runs one action on an existing aggregate; see the module comment for the steps. */
  async transition<T extends Aggregate, A extends string, R extends TransitionRow<A, T['status']>>(
    spec: AggregateSpec<T, A, R>,
    req: ActionRequest<A>,
    compute: (current: T, ctx: ActionContext & { row: R }) => Plan<T> | Promise<Plan<T>> = () => ({}),
  ): Promise<Outcome<T>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { before, read, history } = await this.loadToAct(spec, req, attempt);
      const decision = spec.machine.decide(before.status, req.action, req.actor.role);
      if (!decision.ok) {
        await this.replayBeforeRefusing(spec, req.idempotency);
        if (decision.error === 'forbidden')
          throw forbidden(`The ${req.actor.role} role may not ${req.action} a ${spec.noun}.`);
        throw invalidState(
          `A ${spec.noun} that is ${before.status} cannot be ${spec.machine.pastTense(req.action)}.`,
          before.status,
        );
      }
      const now = this.now();
      const plan = await this.refusalChecked(spec, req.idempotency, () =>
        compute(before, { row: decision.row, now, read, history }),
      );
      const after = {
        ...before,
        ...plan.changes,
        status: decision.row.to,
        version: before.version + 1,
        updatedAt: now.toISOString(),
      } as T;
      const event = this.eventOf(spec, decision.row, before, after, req.actor, plan.data ?? {});
      const result = plan.answer ? plan.answer(after, event) : (plan.result ?? after);
      if (
        await this.commit(
          spec,
          { before, after, event, row: decision.row, plan, result, now },
          req.idempotency,
        )
      )
        return { before, after, event, result };
    }
    throw conflict(`The ${spec.noun} keeps changing concurrently; retry.`);
  }

  /**
   * An operation that is not a life-cycle transition (a loan repayment, a tranche, a servicing run): the same
   * pipeline — load, visibility, If-Match, who and from which states, compute, ONE guarded TransactWrite with its
   * event, bounded retry — but the status stays. When the computation shows the operation completes a
   * transition (a repayment that pays everything is `repay`), `plan.completes` names it: the state machine decides
   * it again and the row's target, event type and effects apply.
   */
  async operate<T extends Aggregate, A extends string, R extends TransitionRow<A, T['status']>>(
    spec: AggregateSpec<T, A, R>,
    op: Operation<T['status']>,
    req: Omit<ActionRequest<A>, 'action'>,
    compute: (current: T, ctx: ActionContext) => OperationPlan<T, A> | Promise<OperationPlan<T, A>>,
  ): Promise<Outcome<T>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { before, read, history } = await this.loadToAct(spec, req, attempt);
      if (!op.roles.includes(req.actor.role) || !op.from.includes(before.status)) {
        await this.replayBeforeRefusing(spec, req.idempotency);
        if (!op.roles.includes(req.actor.role))
          throw forbidden(`The ${req.actor.role} role may not ${op.verb} a ${spec.noun}.`);
        throw invalidState(`A ${spec.noun} that is ${before.status} cannot ${op.verb}.`, before.status);
      }
      const now = this.now();
      const plan = await this.refusalChecked(spec, req.idempotency, () =>
        compute(before, { now, read, history }),
      );
      let row: R | undefined;
      if (plan.completes !== undefined) {
        const decision = spec.machine.decide(before.status, plan.completes, req.actor.role);
        if (!decision.ok)
          throw forbidden(`The ${req.actor.role} role may not ${plan.completes} a ${spec.noun}.`);
        row = decision.row;
      }
      const after = {
        ...before,
        ...plan.changes,
        status: row ? row.to : before.status,
        version: before.version + 1,
        updatedAt: now.toISOString(),
      } as T;
      const event: DomainEvent = row
        ? this.eventOf(spec, row, before, after, req.actor, plan.data ?? {})
        : {
            ...this.eventOf(
              spec,
              { action: op.name, to: after.status } as R,
              before,
              after,
              req.actor,
              plan.data ?? {},
            ),
            type: op.eventType,
          };
      const result = plan.answer ? plan.answer(after, event) : (plan.result ?? after);
      if (await this.commit(spec, { before, after, event, row, plan, result, now }, req.idempotency))
        return { before, after, event, result };
    }
    throw conflict(`The ${spec.noun} keeps changing concurrently; retry.`);
  }

  /**
   * A transition of a second aggregate inside another action's transaction (a promotion ends the title it
   * supersedes): its guarded update, its event and its effects, each tagged `also:<tag>` so that a failure is told
   * apart from the main aggregate's. The state machine decides it as it decides any action.
   */
  alsoTransition<T extends Aggregate, A extends string, R extends TransitionRow<A, T['status']>>(
    spec: AggregateSpec<T, A, R>,
    before: T,
    req: { actor: Actor; action: A; changes?: Partial<T>; data?: Record<string, unknown>; now: Date },
  ): { after: T; event: DomainEvent; writes: TxItem[] } {
    const decision = spec.machine.decide(before.status, req.action, req.actor.role);
    if (!decision.ok)
      throw invalidState(
        `A ${spec.noun} that is ${before.status} cannot be ${spec.machine.pastTense(req.action)}.`,
        before.status,
      );
    const after = {
      ...before,
      ...req.changes,
      status: decision.row.to,
      version: before.version + 1,
      updatedAt: req.now.toISOString(),
    } as T;
    const event = this.eventOf(spec, decision.row, before, after, req.actor, req.data ?? {});
    const writes = [
      { tag: spec.kind, write: this.guardedUpdate(spec, before, after) },
      this.eventWrite(event),
      ...(spec.effects?.(before, after, decision.row, this.store) ?? []),
    ].map((item) => ({ ...item, tag: `${ALSO}${item.tag}` }));
    return { after, event, writes };
  }

  /**
   * A second aggregate created inside another action's transaction (an approved organisation claim enrols its
   * user): its put, its first event and its effects, tagged `also:<tag>` as `alsoTransition` tags them.
   */
  alsoCreate<T extends Aggregate, A extends string, R extends TransitionRow<A, T['status']>>(
    spec: AggregateSpec<T, A, R>,
    agg: T,
    req: { actor: Actor; action: A; data?: Record<string, unknown> },
  ): { event: DomainEvent; writes: TxItem[] } {
    const decision = spec.machine.decide(null, req.action, req.actor.role);
    if (!decision.ok) throw forbidden(`The ${req.actor.role} role may not ${req.action} a ${spec.noun}.`);
    const event = this.eventOf(spec, decision.row, null, agg, req.actor, req.data ?? {});
    const writes = [
      { tag: spec.kind, write: this.aggregatePut(spec, agg) },
      this.eventWrite(event),
      ...(spec.effects?.(null, agg, decision.row, this.store) ?? []),
    ].map((item) => ({ ...item, tag: `${ALSO}${item.tag}` }));
    return { event, writes };
  }

  /**
   * The one write of an action on an existing aggregate: the guarded update, its event, the plan's writes, the
   * kind's effects (when a transition row applies) and the idempotency record, in ONE TransactWrite. False when
   * the aggregate moved under us: the caller starts again from the load, which answers 412 for a stale If-Match,
   * 409 with the current state when the action no longer applies, or goes ahead. A failed write of the plan or
   * the effects becomes its meaning; a concurrent request with the same Idempotency-Key is replayed.
   */
  private async commit<T extends Aggregate, A extends string, R extends TransitionRow<A, T['status']>>(
    spec: AggregateSpec<T, A, R>,
    step: {
      before: T;
      after: T;
      event: DomainEvent;
      row: R | undefined;
      plan: Plan<T>;
      result: unknown;
      now: Date;
    },
    idempotency: IdempotencyRequest | undefined,
  ): Promise<boolean> {
    const { before, after, row, plan } = step;
    try {
      await this.store.transact([
        { tag: spec.kind, write: this.guardedUpdate(spec, before, after) },
        this.eventWrite(step.event),
        ...(plan.writes ?? []),
        ...(row ? (spec.effects?.(before, after, row, this.store) ?? []) : []),
        ...(idempotency ? [recordWrite(this.store, idempotency, step.result, step.now)] : []),
      ]);
      return true;
    } catch (error) {
      if (!(error instanceof ConditionsFailed)) throw error;
      await this.replayOnRecord(error, idempotency);
      if (error.has(spec.kind) || error.has('event')) return false;
      throw (
        plan.onFailed?.(error) ??
        (row ? spec.onEffectFailed?.(error, before, after) : undefined) ??
        conflict('The change could not be stored; retry.')
      );
    }
  }

  /**
   * Load, visibility and If-Match, the first steps of every action: the first attempt reads the idempotency record
   * with the aggregate (one BatchGet), or, for a spec that answers with its history, the aggregate and its events
   * (one Query); an aggregate the actor may not act on does not exist for it (404).
   */
  private async loadToAct<T extends Aggregate>(
    spec: Pick<AggregateSpec<T, string, never>, 'kind' | 'noun' | 'maySee' | 'mayAct' | 'answersWithHistory'>,
    req: Omit<ActionRequest<string>, 'action'>,
    attempt: number,
  ): Promise<{ before: T; read: ItemSet; history: DomainEvent[] }> {
    const key = aggregateKey(spec.kind, req.id);
    let read: ItemSet;
    let history: DomainEvent[] = [];
    if (spec.answersWithHistory) {
      const items = await this.store.queryPartition(key.pk);
      read = new ItemSet(items.filter((i) => i.entity !== EVENT_ENTITY));
      history = events(items);
    } else
      read = await this.read([key, ...(req.alsoRead ?? [])], attempt === 1 ? req.idempotency : undefined);
    const item = read.get(key);
    const before = item ? toResource<T>(item) : undefined;
    const system = req.actor.role === SYSTEM_ACTOR.role;
    if (!before || !(system || (spec.mayAct ?? spec.maySee)(req.actor, before))) {
      await this.replayBeforeRefusing(spec, req.idempotency);
      throw notFound(`${capitalise(spec.noun)} ${req.id}`);
    }
    if (req.expectedVersion !== undefined && req.expectedVersion !== before.version) {
      await this.replayBeforeRefusing(spec, req.idempotency);
      throw preconditionFailed(before.version);
    }
    return { before, read, history };
  }

  /**
   * A spec whose first read skipped the idempotency record must not refuse a retry whose first try succeeded (its
   * state has moved on since): the stored answer, if any, is given instead.
   */
  private async replayBeforeRefusing(
    spec: { answersWithHistory?: boolean },
    idempotency: IdempotencyRequest | undefined,
  ): Promise<void> {
    if (!spec.answersWithHistory || !idempotency) return;
    replayIfStored(storedRecord(await this.store.get(recordKey(idempotency))), idempotency.requestHash);
  }

  /** Runs a rule; a refusal it throws is checked against a stored answer first (see `replayBeforeRefusing`). */
  private async refusalChecked<P>(
    spec: { answersWithHistory?: boolean },
    idempotency: IdempotencyRequest | undefined,
    rule: () => P | Promise<P>,
  ): Promise<P> {
    try {
      return await rule();
    } catch (error) {
      await this.replayBeforeRefusing(spec, idempotency);
      throw error;
    }
  }

  /** A new aggregate's item, written only if no aggregate of that id exists. */
  private aggregatePut<T extends Aggregate>(
    spec: { kind: SubjectKind; indexKeys: (agg: T) => Record<string, string> },
    agg: T,
  ) {
    return this.store.put(
      { ...aggregateKey(spec.kind, agg.id), entity: spec.kind, ...spec.indexKeys(agg), ...(agg as object) },
      ABSENT,
    );
  }

  /** The aggregate's item write, guarded by the status and version it was read at. */
  private guardedUpdate<T extends Aggregate>(
    spec: { kind: SubjectKind; indexKeys: (agg: T) => Record<string, string> },
    before: T,
    after: T,
  ) {
    const set: Record<string, unknown> = { ...spec.indexKeys(after) };
    const remove: string[] = [];
    // A field the change sets to undefined is removed from the item.
    for (const [field, value] of Object.entries(after))
      if (
        value !== undefined &&
        JSON.stringify(value) !== JSON.stringify((before as Record<string, unknown>)[field])
      )
        set[field] = value;
    for (const field of Object.keys(before))
      if ((after as Record<string, unknown>)[field] === undefined) remove.push(field);
    return this.store.update(
      aggregateKey(spec.kind, before.id),
      { set, remove },
      {
        expression: '#status = :from AND #version = :v',
        names: { '#status': 'status', '#version': 'version' },
        values: { ':from': before.status, ':v': before.version },
      },
    );
  }

  /** The domain event of `row` taking `before` to `after` (public: an operation may create a second aggregate). */
  eventOf<T extends Aggregate, A extends string, R extends TransitionRow<A, T['status']>>(
    spec: AggregateSpec<T, A, R>,
    row: R,
    before: T | null,
    after: T,
    actor: Actor,
    data: Record<string, unknown>,
  ): DomainEvent {
    const subject = { kind: spec.kind, id: after.id };
    return {
      id: eventId(subject, after.version),
      type: spec.eventType(row),
      subject,
      version: after.version,
      at: after.updatedAt,
      actor: { role: actor.role, org: actor.org, ...(actor.sub === undefined ? {} : { sub: actor.sub }) },
      data,
      audience: spec.audience(after),
      action: row.action,
      from: before?.status ?? null,
      to: after.status,
    };
  }

  /** The event item: the aggregate's history entry and the outbox record in one, written exactly once. */
  eventWrite(event: DomainEvent): TxItem {
    return {
      tag: 'event',
      write: this.store.put(
        { ...eventKey(event.subject, event.version), entity: EVENT_ENTITY, ...event },
        ABSENT,
      ),
    };
  }

  /** A concurrent request with the same Idempotency-Key won: answer what it answered. */
  async replayOnRecord(error: ConditionsFailed, idempotency: IdempotencyRequest | undefined) {
    if (!idempotency || !error.has('idempotency')) return;
    const item = await this.store.get(recordKey(idempotency));
    replayIfStored(storedRecord(item), idempotency.requestHash);
  }
}

/** The event items among `items`, oldest first. */
const events = (items: readonly Item[]): DomainEvent[] =>
  items
    .filter((i) => i.entity === EVENT_ENTITY)
    .map((i) => toResource<DomainEvent>(i))
    .sort((a, b) => a.version - b.version);

const capitalise = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;
