import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import {
  BUSINESS_METRICS_NAMESPACE,
  countTransitions,
  institutionsOf,
} from '../../shared/runtime/business-metrics.js';
import { streamPublisher } from '../../shared/runtime/event-handlers.js';

/** Business metrics (shared/runtime/business-metrics.ts): one count per transition kind, per institution too. */
const event = (type: string, data: Record<string, unknown>, version = 1): DomainEvent => ({
  id: `pledge:p1:${version}`,
  type,
  subject: { kind: 'pledge', id: 'p1' },
  version,
  at: '2026-12-04T02:00:00.000Z',
  actor: { role: 'lender', org: 'bank-1', sub: 'u1' } as never,
  data,
  audience: [],
  action: type.split('.')[1]!,
  from: null,
  to: 'x',
});

/** The EMF documents Powertools writes to stdout while `run` runs. */
function emitted(run: () => void): { dims: string[][]; values: Record<string, unknown> }[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((line) => lines.push(String(line)));
  try {
    run();
  } finally {
    spy.mockRestore();
    log.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('_aws'))
    .map(
      (l) =>
        JSON.parse(l) as {
          _aws: {
            CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
          };
        } & Record<string, unknown>,
    )
    .map((doc) => {
      const [directive] = doc._aws.CloudWatchMetrics;
      expect(directive!.Namespace).toBe(BUSINESS_METRICS_NAMESPACE);
      const values = Object.fromEntries(
        [...directive!.Metrics.map((m) => m.Name), ...directive!.Dimensions.flat()].map((k) => [k, doc[k]]),
      );
      return { dims: directive!.Dimensions, values };
    });
}

describe('business metrics', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names the lender and the insurer an event carries, and nothing else', () => {
    expect(institutionsOf({ data: { lenderId: 'bank-1', amount: 5 } })).toEqual(['bank-1']);
    expect(institutionsOf({ data: { insurerId: 'ins-2', lenderId: 'bank-1' } })).toEqual(['bank-1', 'ins-2']);
    expect(institutionsOf({ data: { uscc: '91330100MA27XXXX1X', lenderId: 42 } })).toEqual([]);
    expect(institutionsOf({ data: { lenderId: 'a b' } })).toEqual([]);
  });

  it('counts each transition kind once in total and once per institution', () => {
    const metrics = new Metrics({ namespace: BUSINESS_METRICS_NAMESPACE, serviceName: 'publish-events' });
    const docs = emitted(() => {
      countTransitions(metrics, [
        event('pledge.approved', { lenderId: 'bank-1' }),
        event('pledge.approved', { lenderId: 'bank-2' }, 2),
        event('policy.claim_paid', { insurerId: 'ins-1' }, 3),
      ]);
      metrics.publishStoredMetrics();
    });
    const perInstitution = docs.filter((d) => d.dims.flat().includes('institution'));
    expect(
      perInstitution
        .map((d) => d.values)
        .sort((a, b) => String(a.institution).localeCompare(String(b.institution))),
    ).toEqual([
      { 'pledge.approved': 1, service: 'publish-events', institution: 'bank-1' },
      { 'pledge.approved': 1, service: 'publish-events', institution: 'bank-2' },
      { 'policy.claim_paid': 1, service: 'publish-events', institution: 'ins-1' },
    ]);
    const totals = docs.filter((d) => !d.dims.flat().includes('institution'));
    expect(totals).toHaveLength(1);
    // Powertools adds up a metric added twice into one value list.
    expect(totals[0]!.values).toEqual({
      'pledge.approved': [1, 1],
      'policy.claim_paid': 1,
      service: 'publish-events',
    });
  });

  it('counts only what the bus accepted: the publisher reports the events before the first refused one', async () => {
    const bridge = mockClient(EventBridgeClient);
    bridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }],
    });
    const seen: string[] = [];
    const publish = streamPublisher(new EventBridgeClient({ region: 'cn-north-1' }), 'bus', (events) =>
      seen.push(...events.map((e) => e.id)),
    );
    const records = [1, 2, 3].map((v) => ({
      eventName: 'INSERT' as const,
      dynamodb: {
        SequenceNumber: `s${v}`,
        NewImage: marshall({
          ...event('pledge.approved', {}, v),
          entity: 'domain-event',
          pk: 'PLEDGE#p1',
          sk: `EVENT#${v}`,
        }) as never,
      },
    }));
    await publish({ Records: records } as never);
    expect(seen).toEqual(['pledge:p1:1']);
    bridge.restore();
  });
});
