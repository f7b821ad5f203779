import {
  type CancellationReason,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMockPortal } from '../support/mock-portal.js';

const HOLDER = '91330784147123451K';
const holder = { role: 'enterprise' as const, org: HOLDER };
const insurer = { role: 'insurer' as const, org: 'picc' };
const TABLE = 'portal-test';

const cancelled = (reasons: CancellationReason[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: reasons,
  });
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });

type MockPortal = Awaited<ReturnType<typeof createMockPortal>>;

/** Exactly one TransactWrite and no other write of any kind. */
const expectOneTransactionOnly = (ddb: MockPortal['ddb']) => {
  expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
};

const expect503 = (res: { status: number; headers: Headers; body: { detail: string } }) => {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.headers.get('content-type')).toBe('application/problem+json');
};

const policyItem = (status: string, extra: Record<string, unknown> = {}) => ({
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
  status,
  claimCount: 0,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

const claimItem = {
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
};

const asset = (id: string) => ({
  pk: `ASSET#${id}`,
  sk: 'ASSET',
  id,
  owner: HOLDER,
  status: 'registered',
  expiresOn: '2030-05-31',
  coOwners: [],
});

const application = {
  insurerId: 'picc',
  assetIds: ['a-1', 'a-2'],
  coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1_000_000, deductibleFen: 100_000 }],
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
};

describe('insurance writes under DynamoDB back-pressure', () => {
  let portal: MockPortal;
  beforeEach(async () => {
    portal = await createMockPortal();
    portal.ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [{ pk: 'INST#picc', sk: 'INST', id: 'picc', kind: 'insurer' }, asset('a-1'), asset('a-2')],
      },
    });
    portal.ddb
      .on(GetCommand, { Key: { pk: 'POLICY#pol-1', sk: 'POLICY' } })
      .resolves({ Item: policyItem('applied') });
    portal.ddb.on(GetCommand, { Key: { pk: 'CLAIM#c-1', sk: 'CLAIM' } }).resolves({ Item: claimItem });
  });

  it('applies with one BatchGet and one TransactWrite: policy, history event and asset links', async () => {
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/policies', holder, application);
    expect(res.status).toBe(201);
    expect(portal.ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(portal.ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([
      { pk: 'INST#picc', sk: 'INST' },
      { pk: 'ASSET#a-1', sk: 'ASSET' },
      { pk: 'ASSET#a-2', sk: 'ASSET' },
    ]);
    expectOneTransactionOnly(portal.ddb);
    const items = portal.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => i.Put?.Item?.sk)).toEqual([
      'POLICY',
      'EVENT#000000000001',
      'POLICY#picc#id-1',
      'POLICY#picc#id-1',
    ]);
    expect(items[0]?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'POLICY#id-1',
        status: 'applied',
        paid: { enforcement_cost: 0 },
        gsi1pk: `ENT#${HOLDER}#POLICIES`,
        gsi2pk: 'INSURER#picc#POLICIES',
        gsi3pk: 'POLICIES',
        gsi3sk: 'applied#2026-11-27T04:00:00.000Z#id-1',
      },
    });
  });

  it.each([
    ['a transaction conflict', () => cancelled([{ Code: 'TransactionConflict' }, { Code: 'None' }])],
    ['throttling', throttled],
  ])('apply: %s → 503 with Retry-After, nothing else written', async (_name, fault) => {
    portal.ddb.on(TransactWriteCommand).rejects(fault());
    const res = await portal.call('POST', '/policies', holder, application);
    expect503(res);
    expectOneTransactionOnly(portal.ddb);
  });

  it('issues with one TransactWrite: guarded policy update, event, policy number, ADD insuredBy per asset', async () => {
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/policies/pol-1/issue', insurer, { premiumFen: 100 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', version: 4, policyNumber: 'PICC-2026-POL1' });
    expectOneTransactionOnly(portal.ddb);
    const items = portal.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(7);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: 'POLICY#pol-1', sk: 'POLICY' },
      ConditionExpression: '#status = :from AND version = :v',
    });
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':from': 'applied', ':v': 3 });
    expect(Object.values(items[0]?.Update?.ExpressionAttributeValues ?? {})).toContain(
      'active#2026-12-31#pol-1',
    );
    expect(items[1]?.Put).toMatchObject({
      Item: { pk: 'POLICY#pol-1', sk: 'EVENT#000000000004', action: 'issue', from: 'applied', to: 'active' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(items[2]?.Put?.Item).toMatchObject({ pk: 'POLICYNO#picc#PICC-2026-POL1' });
    expect(items[3]?.Put?.Item).toMatchObject({ pk: 'FACT#POLICY_ISSUED#2026', premiumFen: 100 });
    expect(items[4]?.Update?.Key).toEqual({ pk: `ENT#${HOLDER}`, sk: 'SUMMARY' });
    expect(items[5]?.Update).toMatchObject({
      Key: { pk: 'ASSET#a-1', sk: 'ASSET' },
      UpdateExpression: 'ADD insuredBy :ids',
      ConditionExpression: 'attribute_exists(pk) AND #owner = :holder',
    });
    expect(items[5]?.Update?.ExpressionAttributeValues?.[':ids']).toEqual(new Set(['pol-1']));
    expect(items[6]?.Update?.Key).toEqual({ pk: 'ASSET#a-2', sk: 'ASSET' });
  });

  it.each([
    ['a transaction conflict', () => cancelled([{ Code: 'None' }, { Code: 'TransactionConflict' }])],
    ['throttling', throttled],
  ])('issue: %s → 503 with Retry-After, nothing else written', async (_name, fault) => {
    portal.ddb.on(TransactWriteCommand).rejects(fault());
    const res = await portal.call('POST', '/policies/pol-1/issue', insurer, { premiumFen: 100 });
    expect503(res);
    expectOneTransactionOnly(portal.ddb);
  });

  it('settles with the cover guard in DynamoDB: paid.<line> <= limit − payment', async () => {
    portal.ddb
      .on(GetCommand, { Key: { pk: 'POLICY#pol-1', sk: 'POLICY' } })
      .resolves({ Item: policyItem('active') });
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/claims/c-1/settle', insurer, { paidFen: 300_000 });
    expect(res.status).toBe(200);
    expectOneTransactionOnly(portal.ddb);
    const items = portal.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: 'POLICY#pol-1', sk: 'POLICY' },
      UpdateExpression: 'SET paid.#line = paid.#line + :x, updatedAt = :at ADD version :one',
      ConditionExpression: 'attribute_exists(pk) AND paid.#line <= :maxBefore',
      ExpressionAttributeNames: { '#line': 'enforcement_cost' },
    });
    // limit 900 000 − payment 300 000
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({
      ':x': 300_000,
      ':maxBefore': 600_000,
    });
    expect(items[1]?.Update).toMatchObject({
      Key: { pk: 'CLAIM#c-1', sk: 'CLAIM' },
      ConditionExpression: '#status = :from AND version = :v',
    });
    expect(items[2]?.Put?.Item).toMatchObject({
      pk: 'CLAIM#c-1',
      sk: 'EVENT#000000000002',
      action: 'settle',
    });
    expect(items[3]?.Put?.Item).toMatchObject({ pk: 'FACT#CLAIM_PAID#2026', paidFen: 300_000 });
  });

  it.each([
    [
      'a transaction conflict',
      () => cancelled([{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }]),
    ],
    ['throttling', throttled],
  ])('settle: %s → 503 with Retry-After, nothing else written', async (_name, fault) => {
    portal.ddb
      .on(GetCommand, { Key: { pk: 'POLICY#pol-1', sk: 'POLICY' } })
      .resolves({ Item: policyItem('active') });
    portal.ddb.on(TransactWriteCommand).rejects(fault());
    const res = await portal.call('POST', '/claims/c-1/settle', insurer, { paidFen: 300_000 });
    expect503(res);
    expectOneTransactionOnly(portal.ddb);
  });

  it('refuses a payment over the remaining cover before writing anything', async () => {
    portal.ddb
      .on(GetCommand, { Key: { pk: 'POLICY#pol-1', sk: 'POLICY' } })
      .resolves({ Item: policyItem('active', { paid: { enforcement_cost: 850_000 } }) });
    const res = await portal.call('POST', '/claims/c-1/settle', insurer, { paidFen: 50_001 });
    expect(res.status).toBe(422);
    expect(res.body.remainingFen).toBe(50_000);
    expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('lists through an index Query, never a Scan', async () => {
    portal.ddb.on(QueryCommand).resolves({ Items: [] });
    const res = await portal.call('GET', '/policies?status=applied', insurer);
    expect(res.status).toBe(200);
    expect(portal.ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'INSURER#picc#POLICIES', ':prefix': 'applied#' },
    });
  });
});
