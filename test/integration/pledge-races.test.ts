import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { holdsAssets, type PledgeStatus } from '../../shared/domain/pledge-state-machine.js';
import { assetKey } from '../../shared/store/keys.js';
import { asLender, FIXED_NOW, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2R00001');
const BANK = 'race-bank';

/** Real concurrent requests through the app against DynamoDB Local: the invariant must hold under races. */
describe('pledge races', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.institution(BANK);
    await f.institution('race-bank-2');
  });

  const allPledges = async () => {
    const items: { id: string; status: PledgeStatus; assetIds: string[] }[] = [];
    let cursor: string | null = null;
    do {
      const res = await portal.call('GET', `/pledges?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        as: office,
      });
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };

  /** Every asset is held by at most one holding pledge, and its encumbrance names exactly that pledge. */
  const assertOneHolder = async (assetId: string) => {
    const holders = (await allPledges()).filter((p) => p.assetIds.includes(assetId) && holdsAssets(p.status));
    expect(holders.length).toBeLessThanOrEqual(1);
    const asset = await portal.call('GET', `/assets/${assetId}`, { as: office });
    expect(asset.body.encumbrance).toEqual(holders[0] ? { pledgeId: holders[0].id } : null);
    return holders[0]?.id;
  };

  it('lets exactly one of 20 concurrent applications hold one patent', async () => {
    const patent = await f.patent(A);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        f.apply(A, { assetIds: [patent], lenderId: i % 2 ? BANK : 'race-bank-2' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 409 || s === 422)).toBe(true);
    for (const r of results.filter((r) => r.status === 409))
      expect(r.body.errors[0]).toMatchObject({
        path: 'assetIds.0',
        message: expect.stringMatching(/already held/),
      });
    const winner = results.find((r) => r.status === 201)!.body.id;
    expect(await assertOneHolder(patent)).toBe(winner);
    // Losers left nothing behind: exactly one pledge exists for the patent.
    expect((await allPledges()).filter((p) => p.assetIds.includes(patent))).toHaveLength(1);
  });

  it('lets exactly one of a concurrent approve and reject win', async () => {
    for (let round = 0; round < 5; round++) {
      const patent = await f.patent(A);
      const id = (await f.apply(A, { assetIds: [patent], lenderId: BANK })).body.id;
      expect((await f.act(id, 'review', asLender(BANK))).status).toBe(200);
      const [approve, reject] = await Promise.all([
        f.act(id, 'approve', asLender(BANK), { approvedAmountFen: 100_00, annualRateBps: 400 }),
        f.act(id, 'reject', asLender(BANK), { reason: 'no' }),
      ]);
      expect([approve.status, reject.status].sort()).toEqual([200, 409]);
      const loser = approve.status === 409 ? approve : reject;
      const final = await portal.call('GET', `/pledges/${id}`, { as: office });
      expect(loser.body.currentState).toBe(final.body.status);
      expect(final.body.history).toHaveLength(3);
      expect(final.body.version).toBe(3);
      await assertOneHolder(patent);
    }
  });

  it('never lets a release and a new application on the same asset both hold it', async () => {
    for (let round = 0; round < 6; round++) {
      const patent = await f.patent(A);
      const id = (await f.apply(A, { assetIds: [patent], lenderId: BANK })).body.id;
      await f.act(id, 'review', asLender(BANK));
      await f.act(id, 'approve', asLender(BANK), { approvedAmountFen: 100_00, annualRateBps: 400 });
      await f.act(id, 'register', office, { registrationNumber: 'Y2026330000123' });
      await f.act(id, 'disburse', asLender(BANK));
      await f.act(id, 'repay', asLender(BANK));
      const [released, applied] = await Promise.all([
        f.act(id, 'release', office),
        f.apply(A, { assetIds: [patent], lenderId: BANK }),
      ]);
      expect(released.status).toBe(200);
      expect([201, 409, 422]).toContain(applied.status);
      const holder = await assertOneHolder(patent);
      expect(holder).toBe(applied.status === 201 ? applied.body.id : undefined);
    }
  });

  it('negative control: without the encumbrance condition, concurrent holds all succeed', async () => {
    // The same shape of write the submission sends, minus `attribute_not_exists(encumbrance)`: proves the
    // concurrent requests above really overlap and that the condition is what keeps the invariant.
    const patent = await f.patent(A);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        portal.deps.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: portal.tableName,
                  Key: assetKey(patent),
                  UpdateExpression: 'SET encumbrance = :hold',
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeValues: { ':hold': { pledgeId: `unguarded-${i}` } },
                },
              },
            ],
          }),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThan(1);
    const apply = await f.apply(A, { assetIds: [patent], lenderId: BANK });
    expect(apply.status).toBe(422); // and the guarded path refuses the now-encumbered asset
  });
});
