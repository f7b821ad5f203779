import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { EVENT_SOURCE } from '../../shared/runtime/event-bus.js';
import { eventConsumer, streamPublisher } from '../../shared/runtime/event-handlers.js';
import { createDocumentClient } from '../../shared/store/dynamo-client.js';
import { auditEntryKey, consumedKey, eventKey } from '../../shared/store/keys.js';
import { Store } from '../../shared/store/toolkit.js';
import { AUDIT_FEED } from '../../shared/usecases/consumers/audit-feed.js';

/** The Lambda adapters of deployed delivery over mocked AWS clients: which commands they send, and what they report. */
const BUS = 'portal-bus';

const eventOf = (n: number): DomainEvent => ({
  id: `pledge:p${n}:1`,
  type: 'pledge.submitted',
  subject: { kind: 'pledge', id: `p${n}` },
  version: 1,
  // 23:30 UTC is 07:30 the next day in Shanghai: the feed's day is Shanghai's.
  at: '2026-11-26T23:30:00.000Z',
  actor: { role: 'enterprise', org: '91330782MA2R00091X', sub: 'u1' },
  data: {},
  audience: ['enterprise:91330782MA2R00091X', 'lender:jinhua-bank'],
  action: 'submit',
  from: null,
  to: 'submitted',
});

/** Stream records as Lambda delivers them: the event item in DynamoDB JSON, one sequence number each. */
const streamBatch = (count: number, extra: DynamoDBStreamEvent['Records'] = []): DynamoDBStreamEvent => ({
  Records: [
    ...Array.from({ length: count }, (_, i) => {
      const event = eventOf(i);
      const image = marshall({ ...eventKey(event.subject, 1), entity: 'domain-event', ...event });
      return {
        eventName: 'INSERT' as const,
        dynamodb: { SequenceNumber: `seq-${i}`, NewImage: image as never },
      };
    }),
    ...extra,
  ],
});

describe('streamPublisher', () => {
  const bridge = mockClient(EventBridgeClient);
  const publish = streamPublisher(new EventBridgeClient({ region: 'cn-north-1' }), BUS);
  beforeEach(() => bridge.reset());

  it('puts every event on the bus, 10 entries per request, as the event itself', async () => {
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const result = await publish(streamBatch(12));
    expect(result).toEqual({ batchItemFailures: [] });
    const calls = bridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    const first = calls[0]!.args[0].input.Entries![0]!;
    expect(first).toMatchObject({ EventBusName: BUS, Source: EVENT_SOURCE, DetailType: 'pledge.submitted' });
    expect(JSON.parse(first.Detail!)).toEqual(eventOf(0));
    expect(first.Time).toEqual(new Date('2026-11-26T23:30:00.000Z'));
  });

  it('ignores records that are not event inserts (the mapping filters them; a stray one is no failure)', async () => {
    const stray = [
      {
        eventName: 'MODIFY' as const,
        dynamodb: { SequenceNumber: 's1', NewImage: marshall({ entity: 'pledge' }) as never },
      },
      {
        eventName: 'INSERT' as const,
        dynamodb: { SequenceNumber: 's2', NewImage: marshall({ entity: 'asset' }) as never },
      },
    ];
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    expect(await publish(streamBatch(0, stray))).toEqual({ batchItemFailures: [] });
    expect(bridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('reports the first entry EventBridge refused and everything after it, and sends nothing more', async () => {
    bridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [
        { EventId: 'a' },
        { EventId: 'b' },
        { ErrorCode: 'ThrottlingException' },
        ...Array(7).fill({ EventId: 'c' }),
      ],
    });
    const result = await publish(streamBatch(15));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      Array.from({ length: 13 }, (_, i) => `seq-${i + 2}`),
    );
    expect(bridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('reports the whole rest of the batch when PutEvents itself fails', async () => {
    bridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: [] })
      .rejects(new Error('network down'));
    const result = await publish(streamBatch(25));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      Array.from({ length: 15 }, (_, i) => `seq-${i + 10}`),
    );
    expect(bridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });
});

describe('eventConsumer (audit feed)', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const store = new Store(createDocumentClient({ region: 'cn-north-1' }), 'portal-test');
  const delivery = (event: DomainEvent): EventBridgeEvent<string, DomainEvent> => ({
    id: 'eb-1',
    version: '0',
    account: '123456789012',
    time: event.at,
    region: 'cn-north-1',
    resources: [],
    source: EVENT_SOURCE,
    'detail-type': event.type,
    detail: event,
  });
  beforeEach(() => dynamo.reset());

  it('writes the feed entry and the consumed marker in ONE transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const handler = eventConsumer(store, AUDIT_FEED);
    expect(await handler(delivery(eventOf(1)))).toBe('applied');
    const calls = dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    expect(dynamo.calls()).toHaveLength(1);
    const puts = calls[0]!.args[0].input.TransactItems!.map((i) => i.Put!);
    const keys = puts.map((p) => ({ pk: p.Item!.pk, sk: p.Item!.sk }));
    expect(keys).toEqual([
      auditEntryKey('2026-11-27', '2026-11-26T23:30:00.000Z', 'pledge:p1:1'),
      consumedKey('audit-feed', 'pledge:p1:1'),
    ]);
    expect(puts[0]!.Item).toMatchObject({ ...eventOf(1) });
  });

  it('treats a marker already present as a redelivery: done, nothing else sent', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );
    const handler = eventConsumer(store, AUDIT_FEED);
    expect(await handler(delivery(eventOf(2)))).toBe('duplicate');
    expect(dynamo.calls()).toHaveLength(1);
  });

  it('throws on any other failure, so Lambda retries the invocation', async () => {
    dynamo.on(TransactWriteCommand).rejects(new Error('network down'));
    await expect(eventConsumer(store, AUDIT_FEED)(delivery(eventOf(3)))).rejects.toThrow('network down');
    expect(dynamo.calls()).toHaveLength(1);
  });
});
