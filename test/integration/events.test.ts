import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { StreamPoller } from '../../shared/local/stream-poller.js';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { auditFeedPartition, consumedKey } from '../../shared/store/keys.js';
import { GLOBAL_INDEXES } from '../../shared/store/table-schema.js';
import { Store } from '../../shared/store/toolkit.js';
import { AUDIT_FEED } from '../../shared/usecases/consumers/audit-feed.js';
import {
  type Consumer,
  type Consumption,
  consume,
  deliver,
} from '../../shared/usecases/consumers/consumer.js';
import { CONSUMERS } from '../../shared/usecases/consumers/index.js';
import { NOTIFIER } from '../../shared/usecases/consumers/notifier.js';
import {
  asEnterprise,
  asLender,
  FIXED_NOW,
  office,
  pledgeFixtures,
  yiwu,
} from '../support/pledge-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * Domain-event delivery on DynamoDB Local: real transitions through the app write event items, the stream poller reads
 * them off the table's stream and hands them to the consumer runner, exactly as `npm start` does.
 */
const A = yiwu('MA2R00091');
const B = yiwu('MA2R00092');
const BANK = 'events-bank';
const OTHER_BANK = 'other-bank';
// FIXED_NOW is 2026-11-27T04:00Z: noon in Shanghai, the same calendar day.
const DAY = '2026-11-27';

const endpoint = () => inject('dynamoEndpoint');

/** Polls `check` until it holds (the stream is read asynchronously), failing after a few seconds. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function setUp(portal: TestPortal) {
  const f = pledgeFixtures(portal);
  await f.enterprise(A);
  await f.enterprise(B);
  await f.institution(BANK);
  await f.institution(OTHER_BANK);
  return f;
}

const ids = (page: { items: DomainEvent[] }) => page.items.map((e) => e.id);
/**
 * The events these tests are about. The directory's own (`user.enrolled`, as each caller's first token enrols it)
 * travel the same stream; the tests' consumers are not handed them.
 */
const ofPledges = (event: DomainEvent) => event.subject.kind === 'pledge';

describe('event delivery through the stream', () => {
  let portal: TestPortal;
  let store: Store;
  let poller: StreamPoller;
  const handed: string[] = [];
  const outcomes: Consumption[] = [];
  let expected: string[] = [];

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW, stream: true });
    store = new Store(portal.deps.db, portal.tableName);
    const f = await setUp(portal);
    const patents = await Promise.all(Array.from({ length: 10 }, () => f.patent(A)));
    poller = new StreamPoller({
      endpoint: endpoint(),
      tableName: portal.tableName,
      intervalMs: 20,
      onEvent: async (event) => {
        if (!ofPledges(event)) return;
        handed.push(event.id);
        const outcome = await deliver(store, CONSUMERS, event);
        outcomes.push(outcome[AUDIT_FEED.name]!);
      },
    }).start();

    // 10 applications at once, then every pledge reviewed twice at once: one review of each wins.
    const submitted = await Promise.all(patents.map((p) => f.apply(A, { lenderId: BANK, assetIds: [p] })));
    expect(submitted.map((r) => r.status)).toEqual(Array(10).fill(201));
    const reviews = await Promise.all(
      submitted.flatMap((r) => [
        f.act(r.body.id, 'review', asLender(BANK)),
        f.act(r.body.id, 'review', asLender(BANK)),
      ]),
    );
    expect(reviews.filter((r) => r.status === 200)).toHaveLength(10);
    expect(reviews.filter((r) => r.status === 409)).toHaveLength(10);
    expected = submitted.flatMap((r) => [`pledge:${r.body.id}:1`, `pledge:${r.body.id}:2`]);
  });

  afterAll(() => poller.stop());

  it('hands each of the 20 events of 20 successful transitions on exactly once, and each is consumed once', async () => {
    await eventually(async () => handed.length >= expected.length, '20 events');
    await poller.settled();
    expect(handed.sort()).toEqual([...expected].sort());
    expect(outcomes).toEqual(Array(20).fill('applied'));
    const markers = await store.batchGet(expected.map((id) => consumedKey(AUDIT_FEED.name, id)));
    for (const id of expected)
      expect(markers.get(consumedKey(AUDIT_FEED.name, id))).toMatchObject({ eventId: id });
    const feed = await store.queryPartition(auditFeedPartition(DAY));
    expect(feed.map((i) => i.id).sort()).toEqual([...expected].sort());
  });

  it('serves the day’s feed to the office in time order, and the stored events by subject', async () => {
    const res = await portal.call('GET', `/events?day=${DAY}&limit=100`, { as: office });
    expect(res.status).toBe(200);
    expect(ids(res.body).sort()).toEqual([...expected].sort());
    expect(res.body.nextCursor).toBeNull();
    // (The feed holds what the audit consumer was handed: here the pledges' events only.)
    const ats = res.body.items.map((e: DomainEvent) => e.at);
    expect(ats).toEqual([...ats].sort());
    const [subjectId] = expected[0]!.split(':').slice(1);
    const subject = await portal.call('GET', `/events?subject=pledge:${subjectId}`, { as: office });
    expect(subject.status).toBe(200);
    expect(subject.body.items.map((e: DomainEvent) => [e.version, e.type, e.from, e.to])).toEqual([
      [1, 'pledge.submitted', null, 'submitted'],
      [2, 'pledge.under_review', 'submitted', 'under_review'],
    ]);
  });

  it('re-delivering every event (a restarted poller from the stream’s start) changes nothing', async () => {
    const again: Record<string, Consumption>[] = [];
    const replay = new StreamPoller({
      endpoint: endpoint(),
      tableName: portal.tableName,
      intervalMs: 20,
      onEvent: async (event) => {
        if (ofPledges(event)) again.push(await deliver(store, CONSUMERS, event));
      },
    }).start();
    await eventually(async () => again.length >= expected.length, 'the replay');
    await replay.settled();
    await replay.stop();
    expect(again.map((o) => o[AUDIT_FEED.name])).toEqual(Array(20).fill('duplicate'));
    // The notifier told the bank of each application (already done) and no one of a review.
    expect(again.map((o) => o[NOTIFIER.name]).sort()).toEqual([
      ...Array(10).fill('duplicate'),
      ...Array(10).fill('ignored'),
    ]);
    expect(await store.queryPartition(auditFeedPartition(DAY))).toHaveLength(20);
  });
});

describe('a consumer that fails', () => {
  let portal: TestPortal;
  let store: Store;
  let events: string[];
  const COUNTER = { pk: 'TEST#counter', sk: 'TEST' };

  /** Not idempotent on its own: a second application of one event would show in the count. */
  const counting = (name: string): Consumer => ({
    name,
    handles: (e) => e.type === 'pledge.submitted',
    effect: (_e, s) => [{ tag: 'counter', write: s.update({ ...COUNTER, sk: name }, { add: { n: 1 } }) }],
  });
  const count = async (name: string) =>
    ((await store.get({ ...COUNTER, sk: name }))?.n as number | undefined) ?? 0;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW, stream: true });
    store = new Store(portal.deps.db, portal.tableName);
    const f = await setUp(portal);
    const patents = await Promise.all(Array.from({ length: 3 }, () => f.patent(A)));
    const submitted = await Promise.all(patents.map((p) => f.apply(A, { lenderId: BANK, assetIds: [p] })));
    events = submitted.map((r) => `pledge:${r.body.id}:1`);
  });

  it('throwing before it writes: retried, applied once per event', async () => {
    const consumer = counting('throws-first');
    const attempts = new Map<string, number>();
    const flaky: Consumer = {
      ...consumer,
      effect: (e, s) => {
        attempts.set(e.id, (attempts.get(e.id) ?? 0) + 1);
        if (attempts.get(e.id) === 1) throw new Error('downstream unavailable');
        return consumer.effect(e, s);
      },
    };
    const outcomes: Consumption[] = [];
    const poller = new StreamPoller({
      endpoint: endpoint(),
      tableName: portal.tableName,
      intervalMs: 20,
      onEvent: async (e) => {
        if (ofPledges(e)) outcomes.push(await consume(store, flaky, e));
      },
    }).start();
    await eventually(async () => outcomes.length >= 3, 'three applications');
    await poller.settled();
    await poller.stop();
    expect([...attempts.entries()].sort()).toEqual(events.map((id) => [id, 2]).sort());
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(await count('throws-first')).toBe(3);
  });

  it('failing after its transaction committed (the answer lost): the retry finds the marker, nothing doubles', async () => {
    // A client whose first TransactWriteItems commits and then reports a dropped connection.
    const db = localDocumentClient(endpoint());
    let dropped = 0;
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'TransactWriteItemsCommand' && dropped === 0) {
          dropped++;
          // Not an error the SDK retries itself (its retry would reuse the request token, which DynamoDB answers
          // as the same transaction): the runner's caller sees the failure, as after a Lambda timeout.
          throw new Error('the answer was lost');
        }
        return out;
      },
      { step: 'deserialize', name: 'dropFirstAnswer' },
    );
    const lossy = new Store(db, portal.tableName);
    const outcomes: Consumption[] = [];
    const poller = new StreamPoller({
      endpoint: endpoint(),
      tableName: portal.tableName,
      intervalMs: 20,
      onEvent: async (e) => {
        if (ofPledges(e)) outcomes.push(await consume(lossy, counting('answer-lost'), e));
      },
    }).start();
    await eventually(async () => outcomes.length >= 3, 'three applications');
    await poller.settled();
    await poller.stop();
    expect(dropped).toBe(1);
    expect(outcomes.sort()).toEqual(['applied', 'applied', 'duplicate']);
    expect(await count('answer-lost')).toBe(3);
  });
});

describe('GET /events visibility', () => {
  let portal: TestPortal;
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW, stream: true });
    const store = new Store(portal.deps.db, portal.tableName);
    const f = await setUp(portal);
    const a = await f.apply(A, { lenderId: BANK, assetIds: [await f.patent(A)] });
    const b = await f.apply(B, { lenderId: OTHER_BANK, assetIds: [await f.patent(B)] });
    expect([a.status, b.status]).toEqual([201, 201]);
    mine = a.body.id;
    theirs = b.body.id;
    expect((await f.act(mine, 'review', asLender(BANK))).status).toBe(200);
    // Feed the audit consumer directly: delivery itself is tested above.
    for (const id of [mine, theirs])
      for (const event of (await portal.call('GET', `/events?subject=pledge:${id}`, { as: office })).body
        .items)
        await consume(store, AUDIT_FEED, event);
  });

  const get = (query: string, as: CallOptions['as']) => portal.call('GET', `/events?${query}`, { as });

  it('shows a subject’s events to the office, its applicant (in any case) and its lender', async () => {
    for (const as of [office, asEnterprise(A), asEnterprise(A.toLowerCase()), asLender(BANK)]) {
      const res = await get(`subject=pledge:${mine}`, as);
      expect(res.status, JSON.stringify(as)).toBe(200);
      expect(ids(res.body)).toEqual([`pledge:${mine}:1`, `pledge:${mine}:2`]);
      expect(res.body.items[1]).toMatchObject({
        type: 'pledge.under_review',
        subject: { kind: 'pledge', id: mine },
        actor: { role: 'lender', org: BANK },
        audience: [`enterprise:${A}`, `lender:${BANK}`],
      });
    }
  });

  it('answers 404 for a subject the caller may not see, as for one that does not exist', async () => {
    for (const as of [
      asEnterprise(B),
      asLender(OTHER_BANK),
      { role: 'insurer' as const, org: 'some-insurer' },
    ]) {
      const res = await get(`subject=pledge:${mine}`, as);
      expect(res.status, JSON.stringify(as)).toBe(404);
    }
    expect((await get(`subject=pledge:${randomUUID()}`, office)).status).toBe(404);
  });

  it('filters the day’s feed to the caller’s own events', async () => {
    const all = [`pledge:${mine}:1`, `pledge:${mine}:2`, `pledge:${theirs}:1`];
    expect(ids((await get(`day=${DAY}`, office)).body).sort()).toEqual([...all].sort());
    expect(ids((await get(`day=${DAY}`, asEnterprise(A))).body).sort()).toEqual(all.slice(0, 2).sort());
    expect(ids((await get(`day=${DAY}`, asLender(OTHER_BANK))).body)).toEqual([`pledge:${theirs}:1`]);
    const insurer = await get(`day=${DAY}`, { role: 'insurer', org: 'some-insurer' });
    expect(insurer.status).toBe(200);
    expect(insurer.body.items).toEqual([]);
    expect(ids((await get('day=2026-11-26', office)).body)).toEqual([]);
  });

  it('pages the day’s feed with a cursor', async () => {
    const first = await get(`day=${DAY}&limit=2`, office);
    expect(first.body.items).toHaveLength(2);
    const second = await get(`day=${DAY}&limit=2&cursor=${first.body.nextCursor}`, office);
    expect(second.body.items).toHaveLength(1);
    expect(new Set([...ids(first.body), ...ids(second.body)]).size).toBe(3);
  });

  it('reads today’s feed when no day is given (FIXED_NOW is in DAY)', async () => {
    const today = await get('', office);
    expect(today.status).toBe(200);
    expect(ids(today.body)).toEqual(ids((await get(`day=${DAY}`, office)).body));
  });

  it('takes subject or day but not both, a known kind, a real date, and needs a token', async () => {
    for (const query of [
      `subject=pledge:${mine}&day=${DAY}`,
      'subject=loan:1',
      'subject=pledge',
      'day=2026-02-30',
    ])
      expect((await get(query, office)).status, query).toBe(400);
    expect((await portal.call('GET', `/events?day=${DAY}`, { as: null })).status).toBe(401);
  });
});

describe('ensureTable and the stream', () => {
  it('enables the stream on a table created without one', async () => {
    const client = new DynamoDBClient({
      endpoint: endpoint(),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const TableName = `test-${randomUUID()}`;
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', ...GLOBAL_INDEXES.flatMap((i) => [i.partition, i.sort])].map(
          (name) => ({
            AttributeName: name,
            AttributeType: 'S',
          }),
        ),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        // The indexes as they are, so that only the stream is missing.
        GlobalSecondaryIndexes: GLOBAL_INDEXES.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partition, KeyType: 'HASH' },
            { AttributeName: i.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    expect(await ensureTable(client, TableName)).toBe('updated');
    const described = await client.send(new DescribeTableCommand({ TableName }));
    expect(described.Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(await ensureTable(client, TableName)).toBe('current');
    client.destroy();
  });
});
