import {
  type CancellationReason,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMockPortal } from '../support/mock-portal.js';

const OWNER = '91330784147123451K';
const owner = { role: 'enterprise' as const, org: OWNER };
const body = {
  kind: 'patent',
  number: 'ZL 2017 1060 1862.3',
  title: 'A vacuum flask',
  filingDate: '2017-05-04',
  grantDate: '2019-08-20',
};

const cancelled = (reasons: CancellationReason[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: reasons,
  });

type MockPortal = Awaited<ReturnType<typeof createMockPortal>>;

/** No write of any kind besides the one transaction under test. */
const expectNoOtherWrites = (ddb: MockPortal['ddb']) => {
  expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
};

describe('asset store commands', () => {
  let portal: MockPortal;
  beforeEach(async () => {
    portal = await createMockPortal();
  });

  it('creates an asset in one transaction: asset and number item both attribute_not_exists, owner checked', async () => {
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', `/enterprises/${OWNER}/assets`, owner, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'id-1', number: '201710601862.3', patentType: 'invention' });

    const calls = portal.ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    // asset, number claim, owner check, then the portfolio counters (in force globally and per owner, granted in 2019).
    expect(items).toHaveLength(6);
    expect(items.slice(3).map((i) => i.Update?.Key)).toEqual([
      { pk: 'COUNT#IN_FORCE#invention', sk: '2037-05-03' },
      { pk: `ENT#${OWNER}`, sk: 'INFORCE#2037-05-03#invention' },
      { pk: 'COUNT#GRANTED#2019#patent', sk: expect.stringMatching(/^SHARD#\d$/) },
    ]);
    expect(items[0]?.Put).toMatchObject({
      TableName: 'portal-test',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'ASSET#id-1',
        sk: 'ASSET',
        entity: 'asset',
        gsi1pk: `ENT#${OWNER}#ASSETS`,
        gsi1sk: '2026-11-27T04:00:00.000Z#id-1',
        owner: OWNER,
        number: '201710601862.3',
        status: 'granted',
        expiresOn: '2037-05-03',
        coOwners: [],
        version: 1,
      },
    });
    // Free means absent: the pledge module's conditions test attribute_not_exists(encumbrance).
    expect(items[0]?.Put?.Item).not.toHaveProperty('encumbrance');
    expect(items[0]?.Put?.Item).not.toHaveProperty('insuredBy');
    expect(items[0]?.Put?.Item).not.toHaveProperty('inForce');
    expect(items[1]?.Put).toEqual({
      TableName: 'portal-test',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'ASSETNO#patent#201710601862.3',
        sk: 'ASSETNO',
        entity: 'asset-number',
        assetId: 'id-1',
        owner: OWNER,
      },
    });
    expect(items[2]?.ConditionCheck).toEqual({
      TableName: 'portal-test',
      Key: { pk: `ENT#${OWNER}`, sk: 'ENT' },
      ConditionExpression: 'attribute_exists(pk)',
    });
    // Uniqueness is the transaction's job: no read before the write.
    expect(portal.ddb.commandCalls(GetCommand)).toHaveLength(0);
    expectNoOtherWrites(portal.ddb);
  });

  it('maps cancellation reasons: number taken → 409, owner not registered → 404', async () => {
    portal.ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }]))
      .rejectsOnce(cancelled([{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }]));
    const taken = await portal.call('POST', `/enterprises/${OWNER}/assets`, owner, body);
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toContain('patent number 201710601862.3 is already registered');
    const unregistered = await portal.call('POST', `/enterprises/${OWNER}/assets`, owner, body);
    expect(unregistered.status).toBe(404);
    expect(unregistered.body.detail).toContain(`register it with PUT /enterprises/${OWNER}`);
  });

  it.each([
    ['throttling', new ThrottlingException({ message: 'Rate exceeded', $metadata: {} })],
    [
      'a transaction conflict',
      cancelled([{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }]),
    ],
  ])('answers 503 with Retry-After on %s and attempts no further write', async (_what, error) => {
    portal.ddb.on(TransactWriteCommand).rejects(error);
    const res = await portal.call('POST', `/enterprises/${OWNER}/assets`, owner, body);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expectNoOtherWrites(portal.ddb);
  });

  describe('delete', () => {
    const stored = {
      pk: 'ASSET#a-1',
      sk: 'ASSET',
      entity: 'asset',
      id: 'a-1',
      owner: OWNER,
      kind: 'patent',
      number: '201710601862.3',
      patentType: 'invention',
      title: 'A vacuum flask',
      filingDate: '2017-05-04',
      coOwners: [],
      status: 'pending',
      expiresOn: '2037-05-03',
      version: 3,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };

    it('deletes the asset under the deletable condition and its number item in one transaction', async () => {
      portal.ddb.on(GetCommand).resolves({ Item: stored });
      portal.ddb.on(TransactWriteCommand).resolves({});
      const res = await portal.call('DELETE', '/assets/a-1', owner, undefined, { 'If-Match': '"3"' });
      expect(res.status).toBe(204);
      const items = portal.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items[0]?.Delete).toMatchObject({
        Key: { pk: 'ASSET#a-1', sk: 'ASSET' },
        ConditionExpression:
          'attribute_exists(pk) AND version = :v AND attribute_not_exists(encumbrance) AND (attribute_not_exists(insuredBy) OR size(insuredBy) = :zero)',
        ExpressionAttributeValues: { ':v': 3, ':zero': 0 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(items[1]?.Delete).toMatchObject({
        Key: { pk: 'ASSETNO#patent#201710601862.3', sk: 'ASSETNO' },
        ConditionExpression: 'assetId = :id',
        ExpressionAttributeValues: { ':id': 'a-1' },
      });
    });

    it('explains a refused delete from the item the cancelled transaction returned', async () => {
      portal.ddb.on(GetCommand).resolves({ Item: stored });
      portal.ddb
        .on(TransactWriteCommand)
        .rejectsOnce(
          cancelled([
            {
              Code: 'ConditionalCheckFailed',
              Item: { version: { N: '4' }, encumbrance: { M: { pledgeId: { S: 'pl-9' } } } },
            },
            { Code: 'None' },
          ]),
        )
        .rejectsOnce(
          cancelled([
            { Code: 'ConditionalCheckFailed', Item: { version: { N: '4' }, insuredBy: { SS: ['po-1'] } } },
            { Code: 'None' },
          ]),
        )
        .rejectsOnce(
          cancelled([{ Code: 'ConditionalCheckFailed', Item: { version: { N: '4' } } }, { Code: 'None' }]),
        );
      const pledged = await portal.call('DELETE', '/assets/a-1', owner);
      expect(pledged.status).toBe(409);
      expect(pledged.body.detail).toContain('held by pledge pl-9');
      expect(pledged.body.pledgeId).toBe('pl-9');
      const insured = await portal.call('DELETE', '/assets/a-1', owner);
      expect(insured.status).toBe(409);
      expect(insured.body.detail).toContain('covered by an active policy');
      // Changed between the read and the delete while the caller held version 3: stale If-Match.
      const changed = await portal.call('DELETE', '/assets/a-1', owner, undefined, { 'If-Match': '"3"' });
      expect(changed.status).toBe(412);
      expect(changed.body.currentVersion).toBe(4);
    });
  });
});
