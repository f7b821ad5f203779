import {
  type CancellationReason,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
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

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The key an element of TransactItems writes or checks. */
const keyOf = (item: TxItem) => {
  const written = item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key ?? {};
  return { pk: written.pk as string, sk: written.sk as string };
};

/**
 * A cancelled transaction in which the items at `failing` keys (pk) failed their condition, each with the old
 * image given — found by what the item is, never by its position in the request.
 */
const failWhere =
  (failing: Record<string, CancellationReason['Item'] | null>) => (input: TransactWriteCommandInput) => {
    throw cancelled(
      (input.TransactItems ?? []).map((item) => {
        const old = failing[keyOf(item).pk];
        if (old === undefined) return { Code: 'None' };
        return old === null
          ? { Code: 'ConditionalCheckFailed' }
          : { Code: 'ConditionalCheckFailed', Item: old };
      }),
    );
  };

type MockPortal = Awaited<ReturnType<typeof createMockPortal>>;

/** No write of any kind besides the one transaction under test. */
const expectNoOtherWrites = (ddb: MockPortal['ddb']) => {
  expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
};

const NUMBER_PK = 'ASSETNO#patent#201710601862.3';

describe('asset store commands', () => {
  let portal: MockPortal;
  beforeEach(async () => {
    portal = await createMockPortal();
  });

  it('creates an asset in ONE transaction and reads nothing first: asset, number claim, owner check, counters', async () => {
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', `/enterprises/${OWNER}/assets`, owner, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'id-1', number: '201710601862.3', patentType: 'invention' });

    // Uniqueness is the transaction's job: no read before the write.
    expect(portal.ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(portal.ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
    const calls = portal.ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    // The portfolio counters: in force globally and per owner until 2037-05-03, granted in 2019.
    expect(items.map(keyOf)).toEqual(
      expect.arrayContaining([
        { pk: 'ASSET#id-1', sk: 'ASSET' },
        { pk: NUMBER_PK, sk: 'ASSETNO' },
        { pk: `ENT#${OWNER}`, sk: 'ENT' },
        { pk: 'COUNT#IN_FORCE#invention', sk: '2037-05-03' },
        { pk: `ENT#${OWNER}`, sk: 'INFORCE#2037-05-03#invention' },
        { pk: 'COUNT#GRANTED#2019#patent', sk: expect.stringMatching(/^SHARD#\d$/) },
        // The records behind the counters (`GET /stats/records`): the asset as a member of each.
        { pk: 'MEMBERS#IN_FORCE#invention', sk: '2037-05-03#id-1' },
        { pk: 'MEMBERS#GRANTED#2019#patent', sk: 'id-1' },
      ]),
    );
    expect(items).toHaveLength(8);
    const stored = items.find((i) => keyOf(i).pk === 'ASSET#id-1')?.Put?.Item;
    expect(stored).toMatchObject({
      entity: 'asset',
      gsi1pk: `ENT#${OWNER}#ASSETS`,
      gsi1sk: '2026-11-27T04:00:00.000Z#id-1',
      owner: OWNER,
      number: '201710601862.3',
      status: 'granted',
      expiresOn: '2037-05-03',
      coOwners: [],
      version: 1,
    });
    // Free means absent: the pledge module's conditions test attribute_not_exists(encumbrance).
    expect(stored).not.toHaveProperty('encumbrance');
    expect(stored).not.toHaveProperty('insuredBy');
    expect(stored).not.toHaveProperty('inForce');
    expect(items.find((i) => keyOf(i).pk === NUMBER_PK)?.Put?.Item).toEqual({
      pk: NUMBER_PK,
      sk: 'ASSETNO',
      entity: 'asset-number',
      assetId: 'id-1',
      owner: OWNER,
    });
    expect(items.find((i) => keyOf(i).sk === 'ENT')?.ConditionCheck).toBeTruthy();
    expectNoOtherWrites(portal.ddb);
  });

  it('costs two round trips with an Idempotency-Key: the record read, then one transaction that stores it', async () => {
    portal.ddb.on(GetCommand).resolves({});
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', `/enterprises/${OWNER}/assets`, owner, body, {
      'Idempotency-Key': 'k-1',
    });
    expect(res.status).toBe(201);
    expect(portal.ddb.calls()).toHaveLength(2);
    const items = portal.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    const record = items.find((i) => keyOf(i).pk.startsWith('IDEM#'))?.Put?.Item;
    expect(record?.response).toMatchObject({ status: 201, body: JSON.stringify(res.body) });
  });

  it('maps the failed item to its meaning: number taken → 409 with an ownership case, owner not registered → 404', async () => {
    // The number is another enterprise's: its claim is read, and the case is opened in one more transaction.
    portal.ddb.on(GetCommand).resolves({ Item: { owner: '91110000600037341L', assetId: 'a9' } });
    portal.ddb
      .on(TransactWriteCommand)
      .callsFakeOnce(failWhere({ [NUMBER_PK]: null }))
      .resolvesOnce({})
      .callsFakeOnce(failWhere({ [`ENT#${OWNER}`]: null }));
    const taken = await portal.call('POST', `/enterprises/${OWNER}/assets`, owner, body);
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toContain('patent number 201710601862.3 is held by another enterprise');
    expect(taken.body.ownershipCaseId).toEqual(expect.any(String));
    const opened = portal.ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!;
    expect(opened.map((i) => i.Put?.Item?.entity)).toEqual(['case-claim', 'ownership-case']);
    expect(opened[1]!.Put!.Item).toMatchObject({
      claimant: OWNER,
      holder: '91110000600037341L',
      assetId: 'a9',
    });
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

    it('deletes after one read in ONE transaction: the asset, its number item and the portfolio counters', async () => {
      portal.ddb.on(GetCommand).resolves({ Item: stored });
      portal.ddb.on(TransactWriteCommand).resolves({});
      const res = await portal.call('DELETE', '/assets/a-1', owner, undefined, { 'If-Match': '"3"' });
      expect(res.status).toBe(204);
      expect(portal.ddb.calls()).toHaveLength(2);
      const items = portal.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items.filter((i) => i.Delete).map(keyOf)).toEqual(
        expect.arrayContaining([
          { pk: 'ASSET#a-1', sk: 'ASSET' },
          { pk: NUMBER_PK, sk: 'ASSETNO' },
        ]),
      );
      // A pending patent is not counted, so there is nothing else to write.
      expect(items).toHaveLength(2);
    });

    it('explains a refused delete from the item the cancelled transaction returned', async () => {
      portal.ddb.on(GetCommand).resolves({ Item: stored });
      portal.ddb
        .on(TransactWriteCommand)
        .callsFakeOnce(
          failWhere({
            'ASSET#a-1': { version: { N: '4' }, encumbrance: { M: { pledgeId: { S: 'pl-9' } } } },
          }),
        )
        .callsFakeOnce(failWhere({ 'ASSET#a-1': { version: { N: '4' }, insuredBy: { SS: ['po-1'] } } }))
        .callsFakeOnce(failWhere({ 'ASSET#a-1': { version: { N: '4' } } }));
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
