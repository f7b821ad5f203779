import {
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
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
import { shardOf } from '../../shared/store/stats-facts.js';
import { createMockPortal } from '../support/mock-portal.js';

/**
 * The pledge handlers over a mocked DynamoDB: how many requests each operation sends and which items it writes, and
 * what happens when DynamoDB is busy (faults DynamoDB Local cannot produce). A busy database must give 503 + Retry-After after
 * exactly one transaction attempt, with no other write sent: no partial state.
 */
const TABLE = 'portal-test';
const ME = '91330784147123451K';
const BANK = 'jinhua-bank';
const enterprise = { role: 'enterprise' as const, org: ME };
const lender = { role: 'lender' as const, org: BANK };
const office = { role: 'ipoffice' as const, org: null };

const lenderItem = {
  pk: `INST#${BANK}`,
  sk: 'INST',
  entity: 'institution',
  id: BANK,
  kind: 'lender',
  name: 'B',
  version: 1,
};
const assetItem = (id: string, extra: Record<string, unknown> = {}) => ({
  pk: `ASSET#${id}`,
  sk: 'ASSET',
  entity: 'asset',
  id,
  owner: ME,
  kind: 'patent',
  number: `20201000000${id.slice(-1)}.X`,
  title: 'T',
  patentType: 'invention',
  filingDate: '2020-03-01',
  grantDate: '2020-12-01',
  coOwners: [],
  status: 'granted',
  expiresOn: '2040-02-29',
  version: 4,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const pledgeItem = (status: string, assetIds = ['a1', 'a2']) => ({
  pk: 'PLEDGE#p1',
  sk: 'PLEDGE',
  entity: 'pledge',
  id: 'p1',
  applicant: ME,
  lenderId: BANK,
  assetIds,
  assets: assetIds.map((id) => ({
    id,
    kind: 'patent',
    number: 'n',
    patentType: 'invention',
    ltvKind: 'invention',
    expiresOn: '2040-02-29',
  })),
  appraisedValueFen: 1_000_000,
  requestedAmountFen: 200_000,
  termMonths: 12,
  maturesOn: '2027-11-27',
  status,
  version: 2,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});
const application = {
  lenderId: BANK,
  assetIds: ['a1', 'a2'],
  appraisedValueFen: 1_000_000,
  requestedAmountFen: 200_000,
  termMonths: 12,
};

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });

describe('pledge requests and faults (mocked DynamoDB)', () => {
  let portal: Awaited<ReturnType<typeof createMockPortal>>;
  beforeEach(async () => {
    portal = await createMockPortal();
    portal.ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [lenderItem, assetItem('a1'), assetItem('a2')] } });
  });

  const noOtherWrites = () => {
    expect(portal.ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(portal.ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(portal.ddb.commandCalls(DeleteCommand)).toHaveLength(0);
    expect(portal.ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  };

  /** The items of the n-th TransactWrite, as `pk|sk` of what each writes. */
  const written = (n = 0) =>
    portal.ddb
      .commandCalls(TransactWriteCommand)
      [n]!.args[0].input.TransactItems!.map((i) => {
        const key = i.Put?.Item ?? i.Update?.Key ?? i.Delete?.Key ?? i.ConditionCheck?.Key;
        return `${key?.pk}|${key?.sk}`;
      })
      .sort();

  it('submits with exactly one BatchGet and one TransactWrite: the pledge, its event and a hold per asset', async () => {
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/pledges', enterprise, application);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(portal.ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(written()).toEqual(
      ['PLEDGE#id-1|PLEDGE', 'PLEDGE#id-1|EVENT#000000000001', 'ASSET#a1|ASSET', 'ASSET#a2|ASSET'].sort(),
    );
    expect(portal.ddb.calls()).toHaveLength(2); // nothing else at all
  });

  for (const [name, fault] of [
    ['a TransactionConflict cancellation', () => cancelled('None', 'None', 'TransactionConflict', 'None')],
    [
      'TransactionConflictException',
      () => new TransactionConflictException({ message: 'conflict', $metadata: {} }),
    ],
    ['ThrottlingException', throttled],
  ] as const) {
    it(`answers 503 with Retry-After on ${name} during submission, after one attempt and no other write`, async () => {
      portal.ddb.on(TransactWriteCommand).rejects(fault());
      const res = await portal.call('POST', '/pledges', enterprise, application);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
      noOtherWrites();
    });

    it(`answers 503 with Retry-After on ${name} during an action, after one attempt and no other write`, async () => {
      portal.ddb.on(GetCommand).resolves({ Item: pledgeItem('under_review') });
      portal.ddb.on(TransactWriteCommand).rejects(fault());
      const res = await portal.call('POST', '/pledges/p1/reject', lender, { reason: 'no' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
      noOtherWrites();
    });
  }

  it('maps a lost hold race to 409 naming the asset, after one attempt', async () => {
    const lost = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'None' },
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Item: { owner: { S: ME }, encumbrance: { M: { pledgeId: { S: 'other' } } } },
        },
      ],
    });
    portal.ddb.on(TransactWriteCommand).rejects(lost);
    const res = await portal.call('POST', '/pledges', enterprise, application);
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([
      { path: 'assetIds.1', code: 'already_pledged', message: expect.stringMatching(/already held/) },
    ]);
    expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    noOtherWrites();
  });

  it('never writes when a refusal rule applies (one BatchGet, no write)', async () => {
    portal.ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [lenderItem, assetItem('a1', { encumbrance: { pledgeId: 'p0' } }), assetItem('a2')],
      },
    });
    const res = await portal.call('POST', '/pledges', enterprise, application);
    expect(res.status).toBe(422);
    expect(portal.ddb.calls()).toHaveLength(1);
  });

  it('an action costs one GetItem and one TransactWrite; a freeing one releases every asset', async () => {
    portal.ddb.on(GetCommand).resolves({ Item: pledgeItem('approved') });
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/pledges/p1/withdraw', enterprise);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'withdrawn', version: 3 });
    expect(portal.ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(written()).toEqual(
      ['PLEDGE#p1|PLEDGE', 'PLEDGE#p1|EVENT#000000000003', 'ASSET#a1|ASSET', 'ASSET#a2|ASSET'].sort(),
    );
    expect(portal.ddb.calls()).toHaveLength(2);
  });

  it('a keeping action touches only the pledge and its event; approve reads the lender policy in the same BatchGet', async () => {
    portal.ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [pledgeItem('under_review'), lenderItem] } });
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/pledges/p1/approve', lender, {
      approvedAmountFen: 200_000,
      annualRateBps: 400,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(portal.ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(written()).toEqual(['PLEDGE#p1|PLEDGE', 'PLEDGE#p1|EVENT#000000000003'].sort());
    expect(portal.ddb.calls()).toHaveLength(2);
  });

  it('an action with an Idempotency-Key costs one BatchGet and one TransactWrite, the record inside it', async () => {
    portal.ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [pledgeItem('submitted')] } });
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/pledges/p1/review', lender, undefined, {
      'Idempotency-Key': 'k1',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(written()).toEqual(
      ['PLEDGE#p1|PLEDGE', 'PLEDGE#p1|EVENT#000000000003', `IDEM#lender:${BANK}#k1|IDEM`].sort(),
    );
    expect(portal.ddb.calls()).toHaveLength(2);
  });

  it('registration re-examines the rights and writes, in its transaction, the year’s financing fact and the applicant’s total', async () => {
    // The pledge's rights (one small GetItem), then the pledge with them (one BatchGet), whether the applicant
    // borrowed before (one BatchGet of its first-loan marker and summary: neither here), then one TransactWrite.
    portal.ddb.on(GetCommand).resolves({ Item: { assetIds: ['a1', 'a2'] } });
    const held = { encumbrance: { pledgeId: 'p1' } };
    portal.ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          { ...pledgeItem('approved'), approvedAmountFen: 150_000 },
          assetItem('a1', held),
          assetItem('a2', held),
        ],
      },
    });
    // Its documents (one Query of the pledge's links): the four the registration needs, each verified.
    const documents = ['pledge_contract', 'registration_form', 'identity_proof', 'appraisal_report'];
    portal.ddb.on(QueryCommand).resolves({
      Items: documents.map((kind, i) => ({
        pk: 'PLEDGE#p1',
        sk: `DOC#d${i}`,
        entity: 'document-link',
        id: `d${i}`,
        kind,
        status: 'available',
        scanStatus: 'not_scanned',
        fileName: `${kind}.pdf`,
        sizeBytes: 100,
        uploadedBy: { role: 'enterprise', org: ME },
        version: 2,
        createdAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-01T00:00:00.000Z',
      })),
    });
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/pledges/p1/register', office, { registrationNumber: 'ZY-1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const registeredAt = res.body.registeredAt as string;
    const year = Number(new Date(new Date(registeredAt).getTime() + 8 * 3_600_000).toISOString().slice(0, 4));
    expect(written()).toEqual(
      [
        'PLEDGE#p1|PLEDGE',
        'PLEDGE#p1|EVENT#000000000003',
        `FACT#PLEDGE_REGISTERED#${year}|${registeredAt}#p1`,
        `ENT#${ME}|SUMMARY`,
        // Its first registration: the marker, written once.
        `ENT#${ME}|FIRSTLOAN`,
        // Each right unchanged since it was examined, each document as it was counted.
        'ASSET#a1|ASSET',
        'ASSET#a2|ASSET',
        ...documents.map((_, i) => `PLEDGE#p1|DOC#d${i}`),
      ].sort(),
    );
    const items = portal.ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    const fact = items.find((i) => i.Put?.Item?.pk === `FACT#PLEDGE_REGISTERED#${year}`)!.Put!.Item;
    expect(fact).toMatchObject({
      applicant: ME,
      divisionCode: '330784',
      lenderId: BANK,
      amountFen: 150_000,
      firstTime: true,
    });
    expect(
      items.filter((i) => i.ConditionCheck).map((i) => i.ConditionCheck!.ExpressionAttributeValues),
    ).toEqual([
      { ':v': 4 },
      { ':v': 4 },
      ...documents.map(() => ({ ':available': 'available', ':version': 2 })),
    ]);
    expect(portal.ddb.calls()).toHaveLength(5);
  });

  for (const [action, from, delta] of [
    ['disburse', 'registered', 150_000],
    ['repay', 'active', -150_000],
    ['default', 'active', -150_000],
  ] as const) {
    it(`${action} moves the outstanding counter by ${delta} fen on the pledge's shard, in its transaction`, async () => {
      portal.ddb.on(GetCommand).resolves({
        Item: {
          ...pledgeItem(from),
          approvedAmountFen: 150_000,
          registeredAt: '2026-11-01T00:00:00.000Z',
        },
      });
      portal.ddb.on(TransactWriteCommand).resolves({});
      const res = await portal.call('POST', `/pledges/p1/${action}`, lender);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(written()).toEqual(
        ['PLEDGE#p1|PLEDGE', 'PLEDGE#p1|EVENT#000000000003', `COUNT#OUTSTANDING|${shardOf('p1')}`].sort(),
      );
      const items = portal.ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
      const counter = items.find((i) => i.Update?.Key?.pk === 'COUNT#OUTSTANDING')!.Update!;
      expect(Object.values(counter.ExpressionAttributeValues ?? {})).toContain(delta);
      expect(portal.ddb.calls()).toHaveLength(2);
    });
  }

  it('release, after repayment, frees the assets and counts nothing more', async () => {
    portal.ddb.on(GetCommand).resolves({ Item: { ...pledgeItem('repaid'), approvedAmountFen: 150_000 } });
    portal.ddb.on(TransactWriteCommand).resolves({});
    const res = await portal.call('POST', '/pledges/p1/release', office);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(written()).toEqual(
      ['PLEDGE#p1|PLEDGE', 'PLEDGE#p1|EVENT#000000000003', 'ASSET#a1|ASSET', 'ASSET#a2|ASSET'].sort(),
    );
  });

  it('reads a pledge with its history in one Query, and a page of a list in one Query', async () => {
    portal.ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'PLEDGE#p1',
          sk: 'EVENT#000000000001',
          entity: 'domain-event',
          version: 1,
          action: 'submit',
          from: null,
          to: 'submitted',
          at: 'x',
          actor: { role: 'enterprise', org: ME, sub: 's' },
          data: {},
        },
        // The applicant's name is kept on the pledge: its history line needs no directory read.
        { ...pledgeItem('submitted'), version: 1, applicantName: 'Jinhua Ham Co.' },
      ],
    });
    const one = await portal.call('GET', '/pledges/p1', lender);
    expect(one.status).toBe(200);
    expect(one.body.history).toHaveLength(1);
    expect(one.body.history[0].actor).toMatchObject({ org: ME, name: 'Jinhua Ham Co.' });
    expect(one.body.allowedActions).toEqual(['review']);
    expect(portal.ddb.calls()).toHaveLength(1);

    portal.ddb.resetHistory();
    const queue = await portal.call('GET', '/pledges?status=submitted&limit=10', lender);
    expect(queue.status).toBe(200);
    expect(portal.ddb.calls()).toHaveLength(1);
    expect(portal.ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: 'gsi2',
      Limit: 10,
    });
  });

  it('answers a transition that lost to a concurrent one with 409 and the state it left', async () => {
    portal.ddb
      .on(GetCommand)
      .resolvesOnce({ Item: pledgeItem('under_review') })
      .resolves({ Item: { ...pledgeItem('rejected'), version: 3 } });
    portal.ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    const legal = await portal.call('POST', '/pledges/p1/reject', lender, { reason: 'x' });
    expect(legal.status).toBe(409);
    expect(legal.body.currentState).toBe('rejected');
    expect(portal.ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    noOtherWrites();
  });
});
