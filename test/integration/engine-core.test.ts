import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type Actor, SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import { systemClock } from '../../shared/domain/clock.js';
import { conflict, DomainError, unprocessable } from '../../shared/domain/errors.js';
import { StateMachine, type TransitionRow } from '../../shared/domain/state-machine.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { recordKey } from '../../shared/store/idempotency-store.js';
import {
  aggregateKey,
  EVENT_ENTITY,
  enterpriseKey,
  eventKey,
  institutionKey,
} from '../../shared/store/keys.js';
import { ABSENT, Store } from '../../shared/store/toolkit.js';
import { actorNameKeys, knownNames, nameActors, withActorNames } from '../../shared/usecases/actor-names.js';
import { jobContext, useCaseContext } from '../../shared/usecases/context.js';
import {
  type Aggregate,
  type AggregateSpec,
  ALSO,
  Engine,
  type Operation,
} from '../../shared/usecases/engine.js';
import { Replayed, replayIfStored } from '../../shared/usecases/idempotency.js';
import { checkDatabase } from '../../shared/usecases/system.js';
import { interleavingClient } from '../support/interleave.js';
import { refusal } from '../support/refusal.js';

/**
 * The transition engine and its neighbours (idempotency, the use-case context, readiness, actor names) pinned down on
 * a toy aggregate of their own: a "widget" with a four-row machine, a hold effect and two specs (one that answers
 * with its history). Every step — load, visibility, If-Match, the machine's refusals, compute, the one transaction,
 * its failures and the bounded retry — is driven directly against DynamoDB Local; the concurrent change or store
 * fault between a read and the write comes from test/support/interleave.ts.
 */
type Status = 'draft' | 'submitted' | 'approved' | 'closed';
type Action = 'open' | 'submit' | 'approve' | 'close';
interface Widget extends Aggregate {
  status: Status;
  owner: string;
  insurer: string;
  right: string;
  note?: string;
}
type Row = TransitionRow<Action, Status>;

const machine = new StateMachine<Action, Status>(
  [
    { action: 'open', roles: ['enterprise'], from: [null], to: 'draft' },
    { action: 'submit', roles: ['enterprise'], from: ['draft'], to: 'submitted' },
    { action: 'approve', roles: ['insurer'], from: ['submitted'], to: 'approved' },
    { action: 'close', roles: ['insurer', 'system'], from: ['approved', 'submitted'], to: 'closed' },
  ],
  { open: 'opened', submit: 'submitted', approve: 'approved', close: 'closed' },
);

const holdKey = (right: string) => ({ pk: `TESTHOLD#${right}`, sk: 'HOLD' });

function specOf(
  kind: 'claim' | 'designation',
  answersWithHistory: boolean,
): AggregateSpec<Widget, Action, Row> {
  return {
    kind,
    noun: 'test widget',
    machine,
    eventType: (row) => `widget.${row.action}`,
    maySee: (actor, w) => actor.role === 'ipoffice' || actor.org === w.owner || actor.org === w.insurer,
    mayAct: (actor, w) => actor.org === w.owner || actor.org === w.insurer,
    audience: (w) => [`enterprise:${w.owner}`, `insurer:${w.insurer}`],
    indexKeys: (w) => ({ gsi1pk: `TESTW#${w.owner}`, gsi1sk: w.id }),
    effects: (_before, after, row, store) =>
      row.action === 'approve'
        ? [{ tag: 'hold', write: store.put({ ...holdKey(after.right), by: after.id }, ABSENT) }]
        : [],
    onEffectFailed: (failure) =>
      failure.has('hold') ? conflict('The right is held by another widget.') : undefined,
    ...(answersWithHistory ? { answersWithHistory } : {}),
  };
}
const plain = specOf('claim', false);
const historied = specOf('designation', true);

const OWNER = 'OWNER-1';
const INSURER = 'ins-1';
const owner: Actor = { role: 'enterprise', org: OWNER, sub: 'u-owner' };
const ownerNoSub: Actor = { role: 'enterprise', org: OWNER };
const insurer: Actor = { role: 'insurer', org: INSURER, sub: 'u-ins' };
const office: Actor = { role: 'ipoffice', org: null, sub: 'u-office' };
const stranger: Actor = { role: 'enterprise', org: 'OTHER', sub: 'u-other' };

const T0 = new Date('2026-03-02T01:00:00.000Z');
let now = T0;
let tableName: string;
let store: Store;
let engine: Engine;
let interleaving: ReturnType<typeof interleavingClient>;

const widget = (id: string, over: Partial<Widget> = {}): Widget => ({
  id,
  status: 'draft',
  version: 1,
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  owner: OWNER,
  insurer: INSURER,
  right: `R-${id}`,
  ...over,
});

const render = (result: unknown) => ({
  status: 201,
  headers: { 'x-test': '1' },
  body: JSON.stringify(result),
});
const idem = (key: string, requestHash = 'hash-a') => ({
  tenant: 'enterprise:OWNER-1',
  key,
  requestHash,
  render,
});

async function opened(over: Partial<Widget> = {}, spec = plain): Promise<Widget> {
  const w = widget(randomUUID(), over);
  await engine.create(spec, { actor: owner, action: 'open' }, w);
  return w;
}
async function submitted(spec = plain): Promise<Widget> {
  const w = await opened({}, spec);
  return (await engine.transition(spec, { actor: owner, id: w.id, action: 'submit' })).after;
}
const item = (key: { pk: string; sk: string }) => store.get(key);
const eventsOf = async (spec: AggregateSpec<Widget, Action, Row>, id: string) =>
  (await store.queryPartition(aggregateKey(spec.kind, id).pk, 'EVENT#')).map((e) => ({
    type: e.type,
    version: e.version,
    from: e.from,
    to: e.to,
    action: e.action,
  }));
/** A concurrent edit of the widget (its version moves on) before each of the next `times` writes. */
function bumpBeforeWrites(spec: AggregateSpec<Widget, Action, Row>, id: string, times: number) {
  let left = times;
  const bump = async () => {
    await store.db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: aggregateKey(spec.kind, id),
        UpdateExpression: 'SET #v = #v + :one',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    left--;
    if (left > 0) interleaving.beforeNext(bump);
  };
  interleaving.beforeNext(bump);
  return () => times - left;
}

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  tableName = `test-${randomUUID()}`;
  await ensureTable(
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    tableName,
    { stream: false },
  );
  interleaving = interleavingClient();
  store = new Store(interleaving.db, tableName);
  engine = new Engine(store, () => now);
});

describe('create', () => {
  it('puts the aggregate with its index keys and its first event, and answers it', async () => {
    const w = widget('w-create');
    const out = await engine.create(plain, { actor: owner, action: 'open' }, w, { data: { reason: 'new' } });
    expect(out).toEqual({ before: null, after: w, event: out.event, result: w });
    const event = {
      id: 'claim:w-create:1',
      type: 'widget.open',
      subject: { kind: 'claim' as const, id: 'w-create' },
      version: 1,
      at: T0.toISOString(),
      actor: { role: 'enterprise', org: OWNER, sub: 'u-owner' },
      data: { reason: 'new' },
      audience: ['enterprise:OWNER-1', 'insurer:ins-1'],
      action: 'open',
      from: null,
      to: 'draft',
    };
    expect(out.event).toEqual(event);
    expect(await item(aggregateKey('claim', 'w-create'))).toEqual({
      ...aggregateKey('claim', 'w-create'),
      entity: 'claim',
      gsi1pk: 'TESTW#OWNER-1',
      gsi1sk: 'w-create',
      ...w,
    });
    expect(await item(eventKey(event.subject, 1))).toEqual({
      ...eventKey(event.subject, 1),
      entity: EVENT_ENTITY,
      ...event,
    });
  });

  it('answers plan.answer, else plan.result; an actor without a subject is stored without one; data defaults to {}', async () => {
    const a = widget('w-answer');
    const byAnswer = await engine.create(plain, { actor: ownerNoSub, action: 'open' }, a, {
      answer: (agg, event) => ({ id: agg.id, type: event.type }),
      result: 'ignored',
    });
    expect(byAnswer.result).toEqual({ id: 'w-answer', type: 'widget.open' });
    expect(byAnswer.event.actor).toEqual({ role: 'enterprise', org: OWNER });
    expect(byAnswer.event.data).toEqual({});
    const byResult = await engine.create(plain, { actor: owner, action: 'open' }, widget('w-result'), {
      result: 7,
    });
    expect(byResult.result).toBe(7);
  });

  it('refuses a role the creating row does not name, storing nothing', async () => {
    const e = await refusal(engine.create(plain, { actor: insurer, action: 'open' }, widget('w-forbidden')));
    expect([e.kind, e.message]).toEqual(['forbidden', 'The insurer role may not open a test widget.']);
    expect(await item(aggregateKey('claim', 'w-forbidden'))).toBeUndefined();
  });

  it('an existing id is a conflict, told by the plan, the spec, or the default, in that order', async () => {
    const w = await opened();
    const again = () => engine.create(plain, { actor: owner, action: 'open' }, { ...w });
    const plainly = await refusal(again());
    expect([plainly.kind, plainly.message]).toEqual(['conflict', 'The change could not be stored; retry.']);

    const mine = unprocessable('plan says no');
    const byPlan = await refusal(
      engine.create(
        plain,
        { actor: owner, action: 'open' },
        { ...w },
        { onFailed: (f) => (f.has('claim') ? mine : undefined) },
      ),
    );
    expect(byPlan).toBe(mine);

    const held = await submitted();
    await engine.transition(plain, { actor: insurer, id: held.id, action: 'approve' });
    // A creating row with the hold effect: the spec's meaning of its failure.
    const creatingHold: AggregateSpec<Widget, Action, Row> = {
      ...plain,
      effects: (_b, after, _row, s) => [
        { tag: 'hold', write: s.put({ ...holdKey(after.right), by: after.id }, ABSENT) },
      ],
    };
    const bySpec = await refusal(
      engine.create(
        creatingHold,
        { actor: owner, action: 'open' },
        widget(randomUUID(), { right: held.right }),
      ),
    );
    expect([bySpec.kind, bySpec.message]).toEqual(['conflict', 'The right is held by another widget.']);
  });

  it('writes the idempotency record with the answer; the same key on another create replays it', async () => {
    const key = `k-${randomUUID()}`;
    const w = widget(randomUUID());
    await engine.create(plain, { actor: owner, action: 'open', idempotency: idem(key) }, w, {
      result: { id: w.id },
    });
    const record = await item(recordKey(idem(key)));
    expect(record).toMatchObject({
      requestHash: 'hash-a',
      response: render({ id: w.id }),
      entity: 'idempotency',
    });
    expect(record?.ttl).toBe(Math.floor(T0.getTime() / 1000) + 86_400);

    const other = widget(randomUUID());
    const e = await engine
      .create(plain, { actor: owner, action: 'open', idempotency: idem(key) }, other)
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(e).toBeInstanceOf(Replayed);
    expect((e as Replayed).response).toEqual(render({ id: w.id }));
    expect(await item(aggregateKey('claim', other.id))).toBeUndefined();

    const changed = await refusal(
      engine.create(plain, { actor: owner, action: 'open', idempotency: idem(key, 'hash-b') }, other),
    );
    expect([changed.kind, changed.message]).toEqual([
      'unprocessable',
      'This Idempotency-Key was already used with a different request.',
    ]);
  });

  it('a store fault is not a refusal: it reaches the caller as it is', async () => {
    const fault = new Error('network down');
    interleaving.beforeNext(() => Promise.reject(fault));
    await expect(engine.create(plain, { actor: owner, action: 'open' }, widget(randomUUID()))).rejects.toBe(
      fault,
    );
  });
});

describe('read and load', () => {
  it('read gets the keys, with the idempotency record when asked; a stored record replays', async () => {
    const w = await opened();
    const key = aggregateKey('claim', w.id);
    const read = await engine.read([key, enterpriseKey('NOBODY')]);
    expect(read.get(key)?.id).toBe(w.id);
    expect(read.get(enterpriseKey('NOBODY'))).toBeUndefined();

    const k = `k-${randomUUID()}`;
    expect((await engine.read([key], idem(k))).get(key)?.id).toBe(w.id);
    await store.transact([
      { tag: 'x', write: store.put({ ...recordKey(idem(k)), requestHash: 'hash-a', response: render('r') }) },
    ]);
    await expect(engine.read([key], idem(k))).rejects.toEqual(new Replayed(render('r')));
    await expect(engine.read([key], idem(k, 'hash-b'))).rejects.toBeInstanceOf(DomainError);
  });

  it('load answers the aggregate without its keys, or undefined', async () => {
    const w = await opened();
    expect(await engine.load('claim', w.id)).toEqual(w);
    expect(await engine.load('claim', 'missing')).toBeUndefined();
  });

  it('loadWithHistory: the aggregate, its history oldest first, the other items of its partition', async () => {
    const w = await submitted();
    const extra = { pk: aggregateKey('claim', w.id).pk, sk: 'NOTE#1', entity: 'note', text: 'x' };
    await store.transact([{ tag: 'x', write: store.put(extra) }]);
    const loaded = await engine.loadWithHistory<Widget>('claim', w.id);
    expect(loaded?.agg).toEqual(w);
    expect(loaded?.others).toEqual([extra]);
    expect(loaded?.history).toEqual([
      {
        version: 1,
        at: T0.toISOString(),
        action: 'open',
        from: null,
        to: 'draft',
        actor: { role: 'enterprise', org: OWNER, sub: 'u-owner' },
        data: {},
      },
      {
        version: 2,
        at: T0.toISOString(),
        action: 'submit',
        from: 'draft',
        to: 'submitted',
        actor: { role: 'enterprise', org: OWNER, sub: 'u-owner' },
        data: {},
      },
    ]);
    expect(await engine.loadWithHistory('claim', 'missing')).toBeUndefined();
  });
});

describe('transition', () => {
  it('applies the row and the plan: fields, status, version, time; one event; a field set to undefined is removed', async () => {
    const w = await opened({ note: 'draft note' });
    now = new Date('2026-03-03T02:00:00.000Z');
    try {
      const out = await engine.transition(
        plain,
        { actor: owner, id: w.id, action: 'submit', expectedVersion: 1 },
        (cur, ctx) => {
          expect(cur).toEqual(w);
          expect(ctx.row).toEqual(machine.row('submit'));
          expect(ctx.now).toBe(now);
          expect(ctx.history).toEqual([]);
          return { changes: { note: undefined, right: 'R-new' }, data: { why: 'ready' } };
        },
      );
      const after = {
        ...w,
        right: 'R-new',
        status: 'submitted',
        version: 2,
        updatedAt: now.toISOString(),
        note: undefined,
      };
      expect(out.before).toEqual(w);
      expect(out.after).toEqual(after);
      expect(out.result).toEqual(after);
      expect(out.event).toMatchObject({
        id: `claim:${w.id}:2`,
        type: 'widget.submit',
        from: 'draft',
        to: 'submitted',
        version: 2,
        at: now.toISOString(),
        data: { why: 'ready' },
        action: 'submit',
      });
      const stored = await item(aggregateKey('claim', w.id));
      expect(stored).toEqual({
        ...aggregateKey('claim', w.id),
        entity: 'claim',
        gsi1pk: 'TESTW#OWNER-1',
        gsi1sk: w.id,
        id: w.id,
        status: 'submitted',
        version: 2,
        createdAt: T0.toISOString(),
        updatedAt: now.toISOString(),
        owner: OWNER,
        insurer: INSURER,
        right: 'R-new',
      });
      expect(await eventsOf(plain, w.id)).toEqual([
        { type: 'widget.open', version: 1, from: null, to: 'draft', action: 'open' },
        { type: 'widget.submit', version: 2, from: 'draft', to: 'submitted', action: 'submit' },
      ]);
    } finally {
      now = T0;
    }
  });

  it('answers plan.answer over plan.result over the aggregate', async () => {
    const a = await opened();
    const r1 = await engine.transition(plain, { actor: owner, id: a.id, action: 'submit' }, () => ({
      answer: (after, event) => [after.version, event.type],
      result: 'no',
    }));
    expect(r1.result).toEqual([2, 'widget.submit']);
    const r2 = await engine.transition(plain, { actor: insurer, id: a.id, action: 'approve' }, () => ({
      result: 'yes',
    }));
    expect(r2.result).toBe('yes');
  });

  it('reads alsoRead keys in the same read and hands them to the rule', async () => {
    const w = await opened();
    await store.transact([
      { tag: 'x', write: store.put({ ...institutionKey('also-1'), name: 'Also Bank' }) },
    ]);
    await engine.transition(
      plain,
      { actor: owner, id: w.id, action: 'submit', alsoRead: [institutionKey('also-1')] },
      (_c, ctx) => {
        expect(ctx.read.get(institutionKey('also-1'))?.name).toBe('Also Bank');
        return {};
      },
    );
  });

  it('refuses, in order: unseen or not allowed to act → 404, stale If-Match → 412, wrong role → 403, wrong state → 409', async () => {
    const w = await opened();
    const act = (actor: Actor, action: Action, expectedVersion?: number) =>
      refusal(engine.transition(plain, { actor, id: w.id, action, expectedVersion }));
    const missing = await refusal(engine.transition(plain, { actor: owner, id: 'nope', action: 'submit' }));
    expect([missing.kind, missing.message]).toEqual(['not_found', 'Test widget nope was not found.']);
    for (const who of [stranger, office]) {
      const e = await act(who, 'submit');
      expect([e.kind, e.message]).toEqual(['not_found', `Test widget ${w.id} was not found.`]);
    }
    const stale = await act(owner, 'submit', 5);
    expect([stale.kind, stale.message, stale.extra]).toEqual([
      'precondition_failed',
      'If-Match does not match the current version 1; reload and retry.',
      { currentVersion: 1 },
    ]);
    const role = await act(insurer, 'submit');
    expect([role.kind, role.message]).toEqual([
      'forbidden',
      'The insurer role may not submit a test widget.',
    ]);
    const state = await act(insurer, 'approve');
    expect([state.kind, state.message, state.extra]).toEqual([
      'invalid_state',
      'A test widget that is draft cannot be approved.',
      { currentState: 'draft' },
    ]);
    expect((await item(aggregateKey('claim', w.id)))?.version).toBe(1);
  });

  it('the system actor acts on what it may not see', async () => {
    const w = await submitted();
    const out = await engine.transition(plain, { actor: SYSTEM_ACTOR, id: w.id, action: 'close' });
    expect(out.after.status).toBe('closed');
    expect(out.event.actor).toEqual({ role: 'system', org: null });
  });

  it('without mayAct, whoever may see may act', async () => {
    const seeing: AggregateSpec<Widget, Action, Row> = { ...plain, mayAct: undefined };
    const w = await opened();
    const e = await refusal(engine.transition(seeing, { actor: office, id: w.id, action: 'submit' }));
    expect(e.kind).toBe('forbidden'); // seen (not 404): the role is what is refused
  });

  it('retries from the load when only the version moved, up to three attempts, then 409', async () => {
    const w = await opened();
    const bumps = bumpBeforeWrites(plain, w.id, 1);
    const out = await engine.transition(plain, { actor: owner, id: w.id, action: 'submit' });
    expect(bumps()).toBe(1);
    expect(out.before?.version).toBe(2);
    expect(out.after.version).toBe(3);
    expect((await item(aggregateKey('claim', w.id)))?.status).toBe('submitted');

    const v = await opened();
    const twice = bumpBeforeWrites(plain, v.id, 2);
    expect((await engine.transition(plain, { actor: owner, id: v.id, action: 'submit' })).after.version).toBe(
      4,
    );
    expect(twice()).toBe(2);

    const u = await opened();
    const always = bumpBeforeWrites(plain, u.id, 3);
    const e = await refusal(engine.transition(plain, { actor: owner, id: u.id, action: 'submit' }));
    expect(always()).toBe(3);
    expect([e.kind, e.message]).toEqual(['conflict', 'The test widget keeps changing concurrently; retry.']);
    expect((await item(aggregateKey('claim', u.id)))?.status).toBe('draft');
  });

  it('a stale If-Match found on the retry is a 412', async () => {
    const w = await opened();
    bumpBeforeWrites(plain, w.id, 1);
    const e = await refusal(
      engine.transition(plain, { actor: owner, id: w.id, action: 'submit', expectedVersion: 1 }),
    );
    expect([e.kind, e.extra]).toEqual(['precondition_failed', { currentVersion: 2 }]);
  });

  it('a failed effect is the spec’s meaning; a failed plan write the plan’s, else the default conflict', async () => {
    const first = await submitted();
    await engine.transition(plain, { actor: insurer, id: first.id, action: 'approve' });
    const second = await opened({ right: first.right });
    await engine.transition(plain, { actor: owner, id: second.id, action: 'submit' });
    const held = await refusal(
      engine.transition(plain, { actor: insurer, id: second.id, action: 'approve' }),
    );
    expect([held.kind, held.message]).toEqual(['conflict', 'The right is held by another widget.']);
    expect((await item(aggregateKey('claim', second.id)))?.status).toBe('submitted');

    const taken = { pk: 'TESTTAKEN', sk: randomUUID() };
    await store.transact([{ tag: 'x', write: store.put(taken) }]);
    const w = await opened();
    const blocked = { tag: 'taken', write: store.put({ ...taken }, ABSENT) };
    const mine = unprocessable('taken');
    const byPlan = await refusal(
      engine.transition(plain, { actor: owner, id: w.id, action: 'submit' }, () => ({
        writes: [blocked],
        onFailed: (f) => (f.has('taken') ? mine : undefined),
      })),
    );
    expect(byPlan).toBe(mine);
    const byDefault = await refusal(
      engine.transition(plain, { actor: owner, id: w.id, action: 'submit' }, () => ({ writes: [blocked] })),
    );
    expect([byDefault.kind, byDefault.message]).toEqual([
      'conflict',
      'The change could not be stored; retry.',
    ]);
    expect(await eventsOf(plain, w.id)).toHaveLength(1);
  });

  it('an event already written for the version (a concurrent writer) is retried like a moved version', async () => {
    const w = await opened();
    interleaving.beforeNext(async () => {
      const subject = { kind: 'claim' as const, id: w.id };
      await store.transact([
        { tag: 'x', write: store.put({ ...eventKey(subject, 2), entity: EVENT_ENTITY, type: 'intruder' }) },
      ]);
    });
    const e = await refusal(engine.transition(plain, { actor: owner, id: w.id, action: 'submit' }));
    // The retry finds the same version 1 and collides with the same event key each time.
    expect([e.kind, e.message]).toEqual(['conflict', 'The test widget keeps changing concurrently; retry.']);
  });

  it('a store fault at the write reaches the caller as it is', async () => {
    const w = await opened();
    const fault = new Error('socket hang up');
    interleaving.beforeNext(() => Promise.reject(fault));
    await expect(engine.transition(plain, { actor: owner, id: w.id, action: 'submit' })).rejects.toBe(fault);
  });
});

describe('transition with an Idempotency-Key', () => {
  it('stores the answer; a retry replays it, another request under the key is 422', async () => {
    const w = await opened();
    const key = `k-${randomUUID()}`;
    const req = { actor: owner, id: w.id, action: 'submit' as const, idempotency: idem(key) };
    await engine.transition(plain, req, () => ({ result: { ok: 1 } }));
    await expect(engine.transition(plain, req)).rejects.toEqual(new Replayed(render({ ok: 1 })));
    const other = await refusal(engine.transition(plain, { ...req, idempotency: idem(key, 'hash-b') }));
    expect(other.kind).toBe('unprocessable');
  });

  it('a concurrent request with the same key that won first is replayed', async () => {
    const w = await opened();
    const key = `k-${randomUUID()}`;
    interleaving.beforeNext(async () => {
      await store.transact([
        {
          tag: 'x',
          write: store.put({ ...recordKey(idem(key)), requestHash: 'hash-a', response: render('won') }),
        },
      ]);
    });
    await expect(
      engine.transition(plain, { actor: owner, id: w.id, action: 'submit', idempotency: idem(key) }),
    ).rejects.toEqual(new Replayed(render('won')));
    expect((await item(aggregateKey('claim', w.id)))?.status).toBe('draft');
  });

  it('a history spec reads its partition, hands the rule its events, and replays a retry instead of refusing it', async () => {
    const w = await opened({}, historied);
    const key = `k-${randomUUID()}`;
    const req = { actor: owner, id: w.id, action: 'submit' as const, idempotency: idem(key) };
    const out = await engine.transition(historied, req, (_c, ctx) => {
      expect(ctx.history.map((e) => [e.version, e.type])).toEqual([[1, 'widget.open']]);
      expect(ctx.read.get(aggregateKey('designation', w.id))?.id).toBe(w.id);
      return { result: 'first' };
    });
    expect(out.after.status).toBe('submitted');
    // The state moved on: a plain spec would refuse (409); the stored answer is given instead.
    await expect(engine.transition(historied, req)).rejects.toEqual(new Replayed(render('first')));
    // The same for a rule's refusal, a stale If-Match, and an aggregate the actor cannot see.
    const refusing = () => {
      throw unprocessable('rule says no');
    };
    await expect(
      engine.transition(historied, { ...req, actor: insurer, action: 'approve' }, refusing),
    ).rejects.toBeInstanceOf(Replayed);
    await expect(engine.transition(historied, { ...req, expectedVersion: 9 })).rejects.toBeInstanceOf(
      Replayed,
    );
    await expect(engine.transition(historied, { ...req, actor: stranger })).rejects.toBeInstanceOf(Replayed);
    // Without a stored answer the refusals stand.
    const fresh = { ...req, idempotency: idem(`k-${randomUUID()}`) };
    expect((await refusal(engine.transition(historied, fresh))).kind).toBe('invalid_state');
    expect(
      (await refusal(engine.transition(historied, { ...fresh, actor: insurer, action: 'approve' }, refusing)))
        .message,
    ).toBe('rule says no');
    expect((await refusal(engine.transition(historied, { ...fresh, actor: stranger }))).kind).toBe(
      'not_found',
    );
    expect((await refusal(engine.transition(historied, { ...fresh, expectedVersion: 9 }))).kind).toBe(
      'precondition_failed',
    );
  });

  it('a plain spec checks the record in its first read, not when refusing', async () => {
    const w = await opened();
    const key = `k-${randomUUID()}`;
    await store.transact([
      {
        tag: 'x',
        write: store.put({ ...recordKey(idem(key)), requestHash: 'hash-a', response: render('old') }),
      },
    ]);
    await expect(
      engine.transition(plain, { actor: stranger, id: w.id, action: 'submit', idempotency: idem(key) }),
    ).rejects.toBeInstanceOf(Replayed);
    // A rule's refusal on a plain spec is not looked up again.
    const k2 = `k-${randomUUID()}`;
    const e = await refusal(
      engine.transition(
        plain,
        { actor: owner, id: w.id, action: 'submit', idempotency: idem(k2) },
        async () => {
          await store.transact([
            {
              tag: 'x',
              write: store.put({ ...recordKey(idem(k2)), requestHash: 'hash-a', response: render('x') }),
            },
          ]);
          throw unprocessable('rule says no');
        },
      ),
    );
    expect(e.message).toBe('rule says no');
  });
});

describe('operate', () => {
  const payment: Operation<Status> = {
    name: 'pay',
    verb: 'take a payment',
    roles: ['insurer'],
    from: ['submitted', 'approved'],
    eventType: 'widget.paid',
  };

  it('writes its own event and keeps the status; no effects without a completed row', async () => {
    const w = await submitted();
    const out = await engine.operate(plain, payment, { actor: insurer, id: w.id }, (cur, ctx) => {
      expect(cur.version).toBe(2);
      expect(ctx.history).toEqual([]);
      return { changes: { note: 'paid' }, data: { amount: 5 } };
    });
    expect(out.after).toEqual({ ...w, note: 'paid', version: 3 });
    expect(out.event).toMatchObject({
      type: 'widget.paid',
      action: 'pay',
      from: 'submitted',
      to: 'submitted',
      version: 3,
      data: { amount: 5 },
    });
    expect(await item(holdKey(w.right))).toBeUndefined();
    expect(await eventsOf(plain, w.id)).toHaveLength(3);
  });

  it('a plan that completes a transition takes the row: its target, event type and effects', async () => {
    const w = await submitted();
    const out = await engine.operate(plain, payment, { actor: insurer, id: w.id }, () => ({
      completes: 'approve',
      result: 'done',
    }));
    expect(out.after.status).toBe('approved');
    expect(out.result).toBe('done');
    expect(out.event).toMatchObject({
      type: 'widget.approve',
      action: 'approve',
      from: 'submitted',
      to: 'approved',
    });
    expect(await item(holdKey(w.right))).toEqual({ ...holdKey(w.right), by: w.id });
  });

  it('refuses a role not named, a state not listed, and a completion the role may not take', async () => {
    const w = await opened();
    const role = await refusal(engine.operate(plain, payment, { actor: owner, id: w.id }, () => ({})));
    expect([role.kind, role.message]).toEqual([
      'forbidden',
      'The enterprise role may not take a payment a test widget.',
    ]);
    const state = await refusal(engine.operate(plain, payment, { actor: insurer, id: w.id }, () => ({})));
    expect([state.kind, state.message, state.extra]).toEqual([
      'invalid_state',
      'A test widget that is draft cannot take a payment.',
      { currentState: 'draft' },
    ]);
    const s = await submitted();
    const completion = await refusal(
      engine.operate(plain, payment, { actor: insurer, id: s.id }, () => ({ completes: 'submit' })),
    );
    expect([completion.kind, completion.message]).toEqual([
      'forbidden',
      'The insurer role may not submit a test widget.',
    ]);
  });

  it('retries a moved version and gives up after three attempts', async () => {
    const w = await submitted();
    bumpBeforeWrites(plain, w.id, 1);
    expect(
      (await engine.operate(plain, payment, { actor: insurer, id: w.id }, () => ({}))).after.version,
    ).toBe(4);
    bumpBeforeWrites(plain, w.id, 3);
    const e = await refusal(engine.operate(plain, payment, { actor: insurer, id: w.id }, () => ({})));
    expect(e.message).toBe('The test widget keeps changing concurrently; retry.');
  });

  it('a failed plan write without a row is the default conflict, not the spec’s effect meaning', async () => {
    const w = await submitted();
    const holdExisting = await submitted();
    await engine.transition(plain, { actor: insurer, id: holdExisting.id, action: 'approve' });
    const write = { tag: 'hold', write: store.put({ ...holdKey(holdExisting.right), by: 'x' }, ABSENT) };
    const e = await refusal(
      engine.operate(plain, payment, { actor: insurer, id: w.id }, () => ({ writes: [write] })),
    );
    expect(e.message).toBe('The change could not be stored; retry.');
  });

  it('a history spec replays a refused retry', async () => {
    const w = await submitted(historied);
    const key = `k-${randomUUID()}`;
    const req = { actor: insurer, id: w.id, idempotency: idem(key) };
    await engine.operate(historied, payment, req, (_c, ctx) => {
      expect(ctx.history.map((e) => e.version)).toEqual([1, 2]);
      return { completes: 'approve' as const, result: 'r' };
    });
    await expect(
      engine.operate(historied, payment, { ...req, actor: owner }, () => ({})),
    ).rejects.toBeInstanceOf(Replayed);
    await expect(
      engine.operate(historied, { ...payment, from: ['draft'] }, req, () => ({})),
    ).rejects.toBeInstanceOf(Replayed);
  });
});

describe('alsoTransition and alsoCreate', () => {
  it('a second aggregate’s writes, tagged also:, in a transaction of the caller', async () => {
    const w = await submitted();
    const at = new Date('2026-03-05T00:00:00.000Z');
    const { after, event, writes } = engine.alsoTransition(plain, w, {
      actor: insurer,
      action: 'approve',
      changes: { note: 'n' },
      data: { d: 1 },
      now: at,
    });
    expect(after).toEqual({ ...w, note: 'n', status: 'approved', version: 3, updatedAt: at.toISOString() });
    expect(event).toMatchObject({
      type: 'widget.approve',
      from: 'submitted',
      to: 'approved',
      data: { d: 1 },
      version: 3,
    });
    expect(writes.map((x) => x.tag)).toEqual([`${ALSO}claim`, `${ALSO}event`, `${ALSO}hold`]);
    await store.transact(writes);
    expect(await engine.load('claim', w.id)).toEqual(after);
    const bare = engine.alsoTransition({ ...plain, effects: undefined }, after, {
      actor: insurer,
      action: 'close',
      now: at,
    });
    expect(bare.writes.map((x) => x.tag)).toEqual([`${ALSO}claim`, `${ALSO}event`]);
    expect(bare.event.data).toEqual({});

    const e = (() => {
      try {
        engine.alsoTransition(plain, after, { actor: insurer, action: 'approve', now: at });
      } catch (x) {
        return x as DomainError;
      }
    })();
    expect([e?.kind, e?.message]).toEqual([
      'invalid_state',
      'A test widget that is approved cannot be approved.',
    ]);
  });

  it('alsoCreate: the put, the first event and the effects, tagged; a role the row does not name is refused', async () => {
    const w = widget(randomUUID());
    const { event, writes } = engine.alsoCreate(plain, w, {
      actor: owner,
      action: 'open',
      data: { via: 'claim' },
    });
    expect(event).toMatchObject({ type: 'widget.open', from: null, to: 'draft', data: { via: 'claim' } });
    expect(writes.map((x) => x.tag)).toEqual([`${ALSO}claim`, `${ALSO}event`]);
    await store.transact(writes);
    expect(await engine.load('claim', w.id)).toEqual(w);
    expect(
      engine.alsoCreate({ ...plain, effects: undefined }, widget('x'), { actor: owner, action: 'open' }).event
        .data,
    ).toEqual({});
    expect(() => engine.alsoCreate(plain, widget('y'), { actor: insurer, action: 'open' })).toThrow(
      'The insurer role may not open a test widget.',
    );
  });
});

describe('replayIfStored', () => {
  it('nothing stored goes on; the same request replays; another request is refused', () => {
    expect(replayIfStored(undefined, 'h')).toBeUndefined();
    const response = render('x');
    expect(() => replayIfStored({ requestHash: 'h', response }, 'h')).toThrow(new Replayed(response));
    try {
      replayIfStored({ requestHash: 'h', response }, 'h');
    } catch (e) {
      expect((e as Replayed).response).toBe(response);
      expect((e as Replayed).name).toBe('Replayed');
      expect((e as Replayed).message).toBe('replayed');
    }
    const other = (() => {
      try {
        replayIfStored({ requestHash: 'h', response }, 'other');
      } catch (e) {
        return e as DomainError;
      }
    })();
    expect([other?.kind, other?.message]).toEqual([
      'unprocessable',
      'This Idempotency-Key was already used with a different request.',
    ]);
  });
});

describe('context and readiness', () => {
  it('one context per composition root, over its store, clock, ids and storage', () => {
    const clock = systemClock(() => T0);
    const deps = { db: interleaving.db, tableName, clock, newId: () => 'id-1' };
    const uc = useCaseContext(deps);
    expect(useCaseContext(deps)).toBe(uc);
    expect(useCaseContext({ ...deps })).not.toBe(uc);
    expect(uc.store.tableName).toBe(tableName);
    expect(uc.store.db).toBe(interleaving.db);
    expect(uc.engine.store).toBe(uc.store);
    expect(uc.engine.now()).toEqual(T0);
    expect(uc.clock).toBe(clock);
    expect(uc.newId()).toBe('id-1');
    expect(uc.storage).toBeUndefined();
    const job = jobContext({ db: interleaving.db, tableName }, clock);
    expect(job.clock).toBe(clock);
    const [a, b] = [job.newId(), job.newId()];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('checkDatabase passes on a live table and is a 503 on a missing one', async () => {
    const clock = systemClock(() => T0);
    await expect(
      checkDatabase(useCaseContext({ db: interleaving.db, tableName, clock, newId: randomUUID })),
    ).resolves.toBeUndefined();
    const e = await refusal(
      checkDatabase(
        useCaseContext({ db: interleaving.db, tableName: 'no-such-table', clock, newId: randomUUID }),
      ),
    );
    expect([e.kind, e.message]).toEqual(['unavailable', 'The database is not reachable.']);
  });
});

describe('actor names', () => {
  const entries = [
    { n: 1, actor: { role: 'enterprise', org: 'named-uscc' } as Actor },
    { n: 2, actor: { role: 'enterprise', org: 'dir-uscc' } as Actor },
    { n: 3, actor: { role: 'lender', org: 'bank-1' } as Actor },
    { n: 4, actor: { role: 'insurer', org: 'ins-9' } as Actor },
    { n: 5, actor: { role: 'ipoffice', org: null } as Actor },
    { n: 6, actor: SYSTEM_ACTOR },
    { n: 7, actor: { role: 'lender', org: 'unknown-bank' } as Actor },
    { n: 8, actor: { role: 'ipoffice', org: 'odd-org' } as Actor },
  ];

  it('known names keep only the parties the record names, by tenant', () => {
    const known = knownNames([
      [{ role: 'enterprise', org: 'named-uscc' }, '记录里的公司'],
      [{ role: 'lender', org: 'bank-x' }, undefined],
      [{ role: 'lender', org: 'bank-y' }, ''],
    ]);
    expect([...known]).toEqual([['enterprise:NAMED-USCC', '记录里的公司']]);
  });

  it('reads the directory only for organisations the record does not name, and names every line it can', async () => {
    const known = knownNames([[{ role: 'enterprise', org: 'named-uscc' }, '记录里的公司']]);
    expect(actorNameKeys(entries, known)).toEqual([
      enterpriseKey('DIR-USCC'),
      institutionKey('bank-1'),
      institutionKey('ins-9'),
      institutionKey('unknown-bank'),
    ]);
    await store.transact([
      { tag: 'a', write: store.put({ ...enterpriseKey('DIR-USCC'), name: '目录公司' }) },
      { tag: 'b', write: store.put({ ...institutionKey('bank-1'), name: '银行一' }) },
      { tag: 'c', write: store.put({ ...institutionKey('ins-9'), name: 42 }) },
    ]);
    const uc = useCaseContext({
      db: interleaving.db,
      tableName,
      clock: systemClock(() => T0),
      newId: randomUUID,
    });
    const named = await nameActors(uc, entries, known);
    expect(named.map((e) => [e.n, e.actor])).toEqual([
      [1, { role: 'enterprise', org: 'named-uscc', name: '记录里的公司' }],
      [2, { role: 'enterprise', org: 'dir-uscc', name: '目录公司' }],
      [3, { role: 'lender', org: 'bank-1', name: '银行一' }],
      [4, { role: 'insurer', org: 'ins-9' }],
      [5, { role: 'ipoffice', org: null }],
      [6, SYSTEM_ACTOR],
      [7, { role: 'lender', org: 'unknown-bank' }],
      [8, { role: 'ipoffice', org: 'odd-org' }],
    ]);
    // An entry without a name is the same object: nothing is copied for it.
    expect(named[4]).toBe(entries[4]);
    // A name known for an actor with no directory entry is not shown (the office acts for no organisation).
    const officeKnown = knownNames([[{ role: 'ipoffice', org: 'odd-org' }, 'x']]);
    expect(withActorNames([entries[7]!], officeKnown, await store.batchGet([]))[0]).toBe(entries[7]);
    expect(actorNameKeys(entries.slice(4, 6), new Map())).toEqual([]);
  });
});
