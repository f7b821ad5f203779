import {
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockPortal } from '../support/mock-portal.js';

/**
 * Insurance writes under faults DynamoDB Local cannot produce (transaction conflicts, throttling, unprocessed
 * BatchGet keys). A busy database must give 503 + Retry-After after exactly one transaction attempt with no other
 * write sent: no partial state. What the operations store, and their round trips, are asserted on DynamoDB Local
 * (test/integration/policy-writes.test.ts).
 */
const TABLE = 'portal-test';
const HOLDER = '91330784147123451K';
const holder = { role: 'enterprise' as const, org: HOLDER };
const insurer = { role: 'insurer' as const, org: 'picc' };

const stored = {
  'INST#picc': { pk: 'INST#picc', sk: 'INST', id: 'picc', kind: 'insurer', name: 'PICC', version: 1 },
  'ASSET#a-1': asset('a-1'),
  'ASSET#a-2': asset('a-2'),
  'POLICY#pol-1': {
    pk: 'POLICY#pol-1',
    sk: 'POLICY',
    entity: 'policy',
    id: 'pol-1',
    holder: HOLDER,
    insurerId: 'picc',
    assetIds: ['a-1', 'a-2'],
    coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1_000_000, deductibleFen: 100_000 }],
    paid: { enforcement_cost: 200_000 },
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    status: 'applied',
    claimCount: 0,
    version: 3,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  },
  'CLAIM#c-1': {
    pk: 'CLAIM#c-1',
    sk: 'CLAIM',
    entity: 'claim',
    id: 'c-1',
    policyId: 'pol-1',
    holder: HOLDER,
    insurerId: 'picc',
    line: 'enforcement_cost',
    claimedFen: 500_000,
    incidentDate: '2026-05-01',
    description: 'x',
    status: 'filed',
    version: 1,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
  },
};

function asset(id: string) {
  return {
    pk: `ASSET#${id}`,
    sk: 'ASSET',
    id,
    owner: HOLDER,
    kind: 'trademark',
    number: `1000000${id.slice(-1)}`,
    status: 'registered',
    expiresOn: '2030-05-31',
    coOwners: [],
    version: 1,
  };
}

const application = {
  insurerId: 'picc',
  assetIds: ['a-1', 'a-2'],
  coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1_000_000, deductibleFen: 100_000 }],
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
};

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const FAULTS = [
  ['a TransactionConflict cancellation', () => cancelled('None', 'TransactionConflict', 'None')],
  [
    'TransactionConflictException',
    () => new TransactionConflictException({ message: 'conflict', $metadata: {} }),
  ],
  ['ThrottlingException', () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} })],
] as const;

type MockPortal = Awaited<ReturnType<typeof createMockPortal>>;

/** The operations that write, each on items in the state it needs. */
const OPERATIONS: [string, (portal: MockPortal) => ReturnType<MockPortal['call']>, Record<string, string>][] =
  [
    ['apply', (portal) => portal.call('POST', '/policies', holder, application), {}],
    ['issue', (portal) => portal.call('POST', '/policies/pol-1/issue', insurer, { premiumFen: 100 }), {}],
    [
      'file a claim',
      (portal) =>
        portal.call('POST', '/policies/pol-1/claims', holder, {
          line: 'enforcement_cost',
          claimedFen: 100,
          incidentDate: '2026-05-01',
          description: 'x',
        }),
      { 'POLICY#pol-1': 'active' },
    ],
    [
      'settle',
      (portal) => portal.call('POST', '/claims/c-1/settle', insurer, { paidFen: 300_000 }),
      { 'POLICY#pol-1': 'active' },
    ],
  ];

describe('insurance writes under DynamoDB back-pressure (mocked DynamoDB)', () => {
  let portal: MockPortal;
  /** Answers reads from `stored`, with the statuses a test overrides. */
  const serve = (statuses: Record<string, string> = {}) => {
    const find = (pk: string) => {
      const found = stored[pk as keyof typeof stored];
      return found && statuses[pk] ? { ...found, status: statuses[pk] } : found;
    };
    portal.ddb.on(GetCommand).callsFake((input) => ({ Item: find(String(input.Key.pk)) }));
    portal.ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: {
        [TABLE]: (input.RequestItems?.[TABLE]?.Keys ?? []).flatMap((k) => find(String(k.pk)) ?? []),
      },
    }));
    // A claim's documents: its evidence, verified (the settlement's checklist).
    portal.ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'CLAIM#c-1',
          sk: 'DOC#e1',
          entity: 'document-link',
          id: 'e1',
          kind: 'claim_evidence',
          status: 'available',
          scanStatus: 'not_scanned',
          fileName: 'evidence.pdf',
          sizeBytes: 100,
          uploadedBy: { role: 'enterprise', org: 'x' },
          version: 2,
          createdAt: '2026-11-01T00:00:00.000Z',
          updatedAt: '2026-11-01T00:00:00.000Z',
        },
      ],
    });
  };

  // One portal (its signing key is slow to make); every test starts from a mock with no behaviour and no calls.
  beforeAll(async () => {
    portal = await createMockPortal();
  });
  beforeEach(() => {
    portal.ddb.reset();
  });

  const noOtherWrites = () => {
    expect(portal.ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(portal.ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(portal.ddb.commandCalls(DeleteCommand)).toHaveLength(0);
    expect(portal.ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  };

  for (const [operation, send, statuses] of OPERATIONS) {
    it(`${operation}: succeeds with exactly one TransactWrite when DynamoDB is not busy`, async () => {
      serve(statuses);
      portal.ddb.on(TransactWriteCommand).resolves({});
      const res = await send(portal);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
      noOtherWrites();
    });

    for (const [name, fault] of FAULTS)
      it(`${operation}: ${name} → 503 with Retry-After after one attempt, nothing else written`, async () => {
        serve(statuses);
        portal.ddb.on(TransactWriteCommand).rejects(fault());
        const res = await send(portal);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
        noOtherWrites();
      });
  }

  it('apply: keys DynamoDB left unprocessed are read again, and the application goes through', async () => {
    portal.ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [stored['INST#picc'], stored['ASSET#a-1']] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: 'ASSET#a-2', sk: 'ASSET' }] } },
      })
      .resolves({ Responses: { [TABLE]: [stored['ASSET#a-2']] } });
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/policies', holder, application);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const reads = portal.ddb.commandCalls(BatchGetCommand);
    expect(reads).toHaveLength(2);
    expect(reads[1]!.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([{ pk: 'ASSET#a-2', sk: 'ASSET' }]);
    expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('apply: keys that stay unprocessed → 503 after five reads, nothing written', async () => {
    portal.ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: { [TABLE]: { Keys: [{ pk: 'ASSET#a-2', sk: 'ASSET' }] } },
    });
    const res = await portal.call('POST', '/policies', holder, application);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(portal.ddb.commandCalls(BatchGetCommand)).toHaveLength(5);
    expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    noOtherWrites();
  });
});
