import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const office = { role: 'ipoffice' as const };

describe('institutions', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await createTestPortal();
  });

  it('creates, updates with If-Match and lists by kind', async () => {
    const created = await portal.call('PUT', '/institutions/jinhua-bank', {
      as: office,
      body: { kind: 'lender', name: 'Jinhua Bank' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({
      id: 'jinhua-bank',
      kind: 'lender',
      name: 'Jinhua Bank',
      version: 1,
    });

    const stale = await portal.call('PUT', '/institutions/jinhua-bank', {
      as: office,
      body: { kind: 'lender', name: 'Bank of Jinhua' },
      headers: { 'If-Match': '"7"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');

    const updated = await portal.call('PUT', '/institutions/jinhua-bank', {
      as: office,
      body: { kind: 'lender', name: 'Bank of Jinhua' },
      headers: { 'If-Match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);

    await portal.call('PUT', '/institutions/picc-jinhua', {
      as: office,
      body: { kind: 'insurer', name: 'PICC Jinhua' },
    });
    const lenders = await portal.call('GET', '/institutions?kind=lender', {
      as: { role: 'enterprise', org: '91110000600037341L' },
    });
    expect(lenders.status).toBe(200);
    expect(lenders.body.items.map((i: { id: string }) => i.id)).toEqual(['jinhua-bank']);
  });

  it('refuses a kind change, unknown fields and bad ids with problem+json', async () => {
    await portal.call('PUT', '/institutions/kind-fixed', { as: office, body: { kind: 'lender', name: 'A' } });
    const changed = await portal.call('PUT', '/institutions/kind-fixed', {
      as: office,
      body: { kind: 'insurer', name: 'A' },
    });
    expect(changed.status).toBe(409);

    const extra = await portal.call('PUT', '/institutions/new-one', {
      as: office,
      body: { kind: 'lender', name: 'B', maxLtv: 1 },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([expect.objectContaining({ path: expect.stringContaining('') })]);

    const badId = await portal.call('PUT', '/institutions/Bad_Id', {
      as: office,
      body: { kind: 'lender', name: 'B' },
    });
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].path).toBe('param.id');
  });

  it('denies other roles and anonymous callers', async () => {
    const asBank = await portal.call('PUT', '/institutions/x1', {
      as: { role: 'lender', org: 'x1' },
      body: { kind: 'lender', name: 'X' },
    });
    expect(asBank.status).toBe(403);
    const anonymous = await portal.call('GET', '/institutions');
    expect(anonymous.status).toBe(401);
    const wrongMethod = await portal.call('DELETE', '/institutions/x1', { as: office });
    expect(wrongMethod.status).toBe(405);
  });

  it('a lender sets its own credit terms, never another lender’s; its penalty factor and thresholds apply', async () => {
    for (const id of ['own-terms-bank', 'rival-bank'])
      await portal.call('PUT', `/institutions/${id}`, { as: office, body: { kind: 'lender', name: id } });
    const terms = {
      maxLtvBps: { invention: 4000, utility_model: 2000, design: 1000, trademark: 3000 },
      penaltyFactorBps: 13_000,
      classificationDays: { specialMention: 1, substandard: 61, doubtful: 121, loss: 241 },
    };
    const own = await portal.call('PUT', '/institutions/own-terms-bank/lending-policy', {
      as: { role: 'lender', org: 'own-terms-bank' },
      body: terms,
    });
    expect(own.status).toBe(200);
    expect(own.body.lendingPolicy).toEqual(terms);
    const rival = await portal.call('PUT', '/institutions/rival-bank/lending-policy', {
      as: { role: 'lender', org: 'own-terms-bank' },
      body: terms,
    });
    expect(rival.status).toBe(404);
    expect((await portal.call('GET', '/institutions/rival-bank', { as: office })).body.version).toBe(1);
    const refusedCodes = async (classificationDays: Record<string, number>) => {
      const res = await portal.call('PUT', '/institutions/own-terms-bank/lending-policy', {
        as: { role: 'lender', org: 'own-terms-bank' },
        body: { ...terms, classificationDays },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      return res.body.errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`);
    };
    expect(await refusedCodes({ specialMention: 1, substandard: 91, doubtful: 90, loss: 361 })).toEqual([
      'classificationDays.doubtful:classification_days_not_increasing',
    ]);
    // Equal thresholds are out of order too; every tier out of order is named.
    expect(await refusedCodes({ specialMention: 30, substandard: 30, doubtful: 181, loss: 100 })).toEqual([
      'classificationDays.substandard:classification_days_not_increasing',
      'classificationDays.loss:classification_days_not_increasing',
    ]);
    // Nothing was written by the refusals: the terms set first stand at the same version.
    const kept = await portal.call('GET', '/institutions/own-terms-bank', { as: office });
    expect(kept.body.version).toBe(own.body.version);
    expect(kept.body.lendingPolicy).toEqual(terms);
    const zero = await portal.call('PUT', '/institutions/own-terms-bank/lending-policy', {
      as: { role: 'lender', org: 'own-terms-bank' },
      body: {
        ...terms,
        classificationDays: { specialMention: 0, substandard: 91, doubtful: 181, loss: 361 },
      },
    });
    expect(zero.status).toBe(400);
    expect(zero.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'classificationDays.specialMention',
    ]);
    await portal.call('PUT', '/institutions/terms-insurer', {
      as: office,
      body: { kind: 'insurer', name: 'Terms Insurer' },
    });
    const insurer = await portal.call('PUT', '/institutions/terms-insurer/lending-policy', {
      as: office,
      body: terms,
    });
    expect(insurer.status).toBe(422);
    expect(insurer.body.errors).toEqual([
      expect.objectContaining({ path: 'param.id', code: 'not_a_lender' }),
    ]);
    expect(
      (
        await portal.call('PUT', '/institutions/own-terms-bank/lending-policy', {
          as: { role: 'enterprise', org: withUsccCheck('91330782MA2D0000E') },
          body: terms,
        })
      ).status,
    ).toBe(403);
  });
});
