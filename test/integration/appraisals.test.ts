import { beforeAll, describe, expect, it } from 'vitest';
import { asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2P00001');
const BANK = 'appraisal-bank';
const bank = asLender(BANK);
const CAPS = { invention: 5000, utility_model: 2000, design: 1000, trademark: 3000 };

/** Independent arithmetic: floor(value × bps / 10000) in BigInt. */
const cap = (valueFen: number, bps: number) => Number((BigInt(valueFen) * BigInt(bps)) / 10_000n);

describe('per-asset appraisals', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;

  beforeAll(async () => {
    portal = await createTestPortal();
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.institution(BANK);
    const set = await portal.call('PUT', `/institutions/${BANK}/lending-policy`, {
      as: bank,
      body: { maxLtvBps: CAPS },
    });
    expect(set.status).toBe(200);
  });

  /** A pledge of one invention patent and one trademark, reviewed, with `appraisals` (or none). */
  const mixedBundle = async (
    appraise?: (ids: { invention: string; trademark: string }) => {
      assetId: string;
      valueFen: number;
      appraiser: string;
    }[],
  ) => {
    const invention = await f.patent(A);
    const trademark = await f.trademark(A);
    const appraisals = appraise?.({ invention, trademark });
    const appraised = appraisals ? appraisals.reduce((s, a) => s + a.valueFen, 0) : 1_333_333_00;
    const applied = await f.apply(A, {
      lenderId: BANK,
      assetIds: [invention, trademark],
      appraisedValueFen: appraised,
      requestedAmountFen: appraised,
      ...(appraisals ? { appraisals } : {}),
    } as never);
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect((await f.act(applied.body.id, 'review', bank)).status).toBe(200);
    return applied.body;
  };

  it('caps a mixed bundle asset by asset: each value × its own kind’s cap, to the fen', async () => {
    const inventionValue = 1_000_000_01;
    const trademarkValue = 333_333_33;
    const pledge = await mixedBundle((ids) => [
      { assetId: ids.invention, valueFen: inventionValue, appraiser: '金华资产评估有限公司' },
      { assetId: ids.trademark, valueFen: trademarkValue, appraiser: '金华资产评估有限公司' },
    ]);
    expect(pledge.appraisals).toHaveLength(2);
    const max = cap(inventionValue, CAPS.invention) + cap(trademarkValue, CAPS.trademark);
    // The whole-bundle rule would allow only the lowest cap on the total:
    expect(max).toBeGreaterThan(cap(inventionValue + trademarkValue, CAPS.trademark));

    const over = await f.act(pledge.id, 'approve', bank, { approvedAmountFen: max + 1, annualRateBps: 400 });
    expect(over.status).toBe(422);
    expect(over.body.maxApprovedAmountFen).toBe(max);
    expect(over.body.errors).toEqual([
      expect.objectContaining({ path: 'approvedAmountFen', code: 'over_ltv' }),
    ]);
    const exact = await f.act(pledge.id, 'approve', bank, { approvedAmountFen: max, annualRateBps: 400 });
    expect(exact.status, JSON.stringify(exact.body)).toBe(200);
    expect(exact.body.approvedAmountFen).toBe(max);
  });

  it('caps a bundle of an invention, a utility model and a trademark by each kind’s cap; the pledge shows its appraisals', async () => {
    const invention = await f.patent(A, { type: 1 });
    const utility = await f.patent(A, { type: 2 });
    const trademark = await f.trademark(A);
    const appraisals = [
      { assetId: invention, valueFen: 777_777_77, appraiser: '浙江中联资产评估' },
      { assetId: utility, valueFen: 123_456_79, appraiser: '金华信达评估事务所' },
      { assetId: trademark, valueFen: 99_999_99, appraiser: 'Jinhua Appraisal Co.' },
    ];
    const appraised = appraisals.reduce((s, a) => s + BigInt(a.valueFen), 0n);
    const applied = await f.apply(A, {
      lenderId: BANK,
      assetIds: [invention, utility, trademark],
      appraisedValueFen: Number(appraised),
      requestedAmountFen: Number(appraised),
      appraisals,
    } as never);
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    const read = await portal.call('GET', `/pledges/${id}`, { as: bank });
    expect(read.body.appraisals).toEqual(appraisals);
    expect((await f.act(id, 'review', bank)).status).toBe(200);
    const max =
      cap(appraisals[0]!.valueFen, CAPS.invention) +
      cap(appraisals[1]!.valueFen, CAPS.utility_model) +
      cap(appraisals[2]!.valueFen, CAPS.trademark);
    const over = await f.act(id, 'approve', bank, { approvedAmountFen: max + 1, annualRateBps: 400 });
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([
      expect.objectContaining({ path: 'approvedAmountFen', code: 'over_ltv' }),
    ]);
    expect(over.body.maxApprovedAmountFen).toBe(max);
    expect((await portal.call('GET', `/pledges/${id}`, { as: bank })).body.status).toBe('under_review');
    const exact = await f.act(id, 'approve', bank, { approvedAmountFen: max, annualRateBps: 400 });
    expect(exact.status, JSON.stringify(exact.body)).toBe(200);
    expect(exact.body.appraisals).toEqual(appraisals);
  });

  it('without appraisals the lowest cap among the kinds applies to the whole appraised value', async () => {
    const pledge = await mixedBundle();
    const max = cap(1_333_333_00, CAPS.trademark);
    expect(
      (await f.act(pledge.id, 'approve', bank, { approvedAmountFen: max + 1, annualRateBps: 400 })).status,
    ).toBe(422);
    expect(
      (await f.act(pledge.id, 'approve', bank, { approvedAmountFen: max, annualRateBps: 400 })).status,
    ).toBe(200);
  });

  it('refuses appraisals that do not name each pledged asset once or do not add up, with codes, holding nothing', async () => {
    const p1 = await f.patent(A);
    const p2 = await f.patent(A);
    const stranger = await f.patent(A);
    const apply = (appraisals: { assetId: string; valueFen: number }[], appraisedValueFen: number) =>
      f.apply(A, {
        lenderId: BANK,
        assetIds: [p1, p2],
        appraisedValueFen,
        requestedAmountFen: 100,
        appraisals: appraisals.map((a) => ({ ...a, appraiser: '评估所' })),
      } as never);
    const codes = async (appraisals: { assetId: string; valueFen: number }[], total: number) => {
      const res = await apply(appraisals, total);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      return res.body.errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`);
    };
    expect(await codes([{ assetId: p1, valueFen: 500 }], 500)).toEqual(['appraisals:appraisal_missing']);
    expect(
      await codes(
        [
          { assetId: p1, valueFen: 500 },
          { assetId: p1, valueFen: 500 },
          { assetId: p2, valueFen: 500 },
        ],
        1500,
      ),
    ).toEqual(['appraisals.1.assetId:duplicate_appraisal']);
    expect(
      await codes(
        [
          { assetId: p1, valueFen: 500 },
          { assetId: stranger, valueFen: 500 },
        ],
        1000,
      ),
    ).toEqual(['appraisals.1.assetId:not_pledged', 'appraisals:appraisal_missing']);
    expect(
      await codes(
        [
          { assetId: p1, valueFen: 500 },
          { assetId: p2, valueFen: 501 },
        ],
        1000,
      ),
    ).toEqual(['appraisedValueFen:appraised_value_mismatch']);
    const malformed = await apply([{ assetId: p1, valueFen: 0 }], 1);
    expect(malformed.status).toBe(400);
    const badField = async (appraisal: Record<string, unknown>) => {
      const res = await f.apply(A, {
        lenderId: BANK,
        assetIds: [p1],
        appraisedValueFen: 1000,
        requestedAmountFen: 100,
        appraisals: [appraisal],
      } as never);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.errors.map((e: { path: string }) => e.path);
    };
    const valid = { assetId: p1, valueFen: 1000, appraiser: '评估所' };
    expect(await badField({ ...valid, valueFen: 999.5 })).toEqual(['appraisals.0.valueFen']);
    expect(await badField({ ...valid, valueFen: '1000' })).toEqual(['appraisals.0.valueFen']);
    expect(await badField({ ...valid, appraiser: '   ' })).toEqual(['appraisals.0.appraiser']);
    expect(await badField({ ...valid, appraiser: 'x'.repeat(201) })).toEqual(['appraisals.0.appraiser']);
    expect(await badField({ assetId: p1, valueFen: 1000 })).toEqual(['appraisals.0.appraiser']);
    for (const id of [p1, p2])
      expect((await portal.call('GET', `/assets/${id}`, { as: office })).body.encumbrance).toBeNull();
  });
});
