import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { assetKey, assetNumberKey } from '../../shared/store/keys.js';
import { asEnterprise, office, patentNo, yiwu } from '../support/pledge-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2C00001');
const B = yiwu('MA2C00002');
const C = yiwu('MA2C00003'); // never registered

/** The day the tests run in: 2026-11-27 in Shanghai (mutable so that a test can move across midnight). */
let clock = new Date('2026-11-27T04:00:00Z');

describe('assets', () => {
  let portal: TestPortal;
  const register = (uscc: string) =>
    portal.call('PUT', `/enterprises/${uscc}`, { as: office, body: { name: `Enterprise ${uscc}` } });
  const post = (
    owner: string,
    body: unknown,
    headers: Record<string, string> = {},
    as: CallOptions['as'] = asEnterprise(owner),
  ) => portal.call('POST', `/enterprises/${owner}/assets`, { as, body, headers });
  const patent = (number: string, extra: Record<string, unknown> = {}) => ({
    kind: 'patent',
    number,
    title: 'A vacuum flask',
    filingDate: `${number.replace(/^\D+/, '').slice(0, 4)}-03-01`,
    grantDate: `${number.replace(/^\D+/, '').slice(0, 4)}-12-01`,
    ...extra,
  });
  const numberItems = async (kind: string, number: string) =>
    (
      await portal.deps.db.send(
        new QueryCommand({
          TableName: portal.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': assetNumberKey(kind as 'patent', number).pk },
        }),
      )
    ).Items ?? [];

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    expect((await register(A)).status).toBe(201);
    expect((await register(B)).status).toBe(201);
  });

  it('canonicalises patent number spellings, derives the type and computes the term', async () => {
    const created = await post(
      A,
      patent('ZL201710601862.3', { filingDate: '2017-05-04', grantDate: '2019-08-20' }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/assets/${created.body.id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({
      kind: 'patent',
      owner: A,
      number: '201710601862.3',
      patentType: 'invention',
      status: 'granted',
      filingDate: '2017-05-04',
      grantDate: '2019-08-20',
      expiresOn: '2037-05-03',
      inForce: true,
      encumbrance: null,
      coOwners: [],
      coOwnerConsents: {},
      insuredBy: [],
      version: 1,
    });

    // Every other spelling of the same number is the same number: 409, whoever holds it.
    for (const spelling of ['CN 2017 1060 1862.3', '2017106018623', 'zl201710601862.3', 'CN201710601862.3']) {
      const again = await post(B, patent(spelling, { filingDate: '2017-05-04' }));
      expect(again.status, spelling).toBe(409);
      expect(again.body.detail).toContain('201710601862.3');
    }
    const twice = await post(A, patent('201710601862.3', { filingDate: '2017-05-04' }));
    expect(twice.status).toBe(409);

    const design = await post(
      A,
      patent(patentNo(2022, 3, 123456), { filingDate: '2022-01-10', grantDate: undefined }),
    );
    expect(design.status).toBe(201);
    expect(design.body).toMatchObject({ patentType: 'design', status: 'pending', expiresOn: '2037-01-09' });
    expect(design.body.inForce).toBe(false); // a pending application is never in force
    expect(design.body.grantDate).toBeUndefined();

    const utility = await post(A, patent(`ZL ${patentNo(2016, 2, 5551212)}`, { filingDate: '2016-09-06' }));
    expect(utility.status).toBe(201);
    expect(utility.body).toMatchObject({
      patentType: 'utility_model',
      expiresOn: '2026-09-05',
      inForce: false,
    });

    // The domain brief's example (pre-2003 8-digit number): utility model filed 1999-09-06 → 2009-09-05.
    const body8 = '99212345';
    const old = await post(
      A,
      patent(`ZL${body8}.${patentCheckCharacter(body8)}`, {
        filingDate: '1999-09-06',
        grantDate: '2000-07-01',
      }),
    );
    expect(old.status).toBe(201);
    expect(old.body).toMatchObject({ patentType: 'utility_model', expiresOn: '2009-09-05', inForce: false });

    const read = await portal.call('GET', `/assets/${created.body.id}`, { as: asEnterprise(A) });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toEqual(created.body);
  });

  it('rejects a wrong check digit, a mismatched filing year and impossible dates with 400 naming the field', async () => {
    const wrongCheck = await post(
      A,
      patent('202310123456.7', { filingDate: '2023-01-05', grantDate: undefined }),
    );
    expect(wrongCheck.status).toBe(400);
    expect(wrongCheck.headers.get('content-type')).toBe('application/problem+json');
    expect(wrongCheck.body.errors).toEqual([
      { path: 'number', message: 'check digit is "7" but should be "6"' },
    ]);

    const noCheck = await post(A, patent('202310123456', { filingDate: '2023-01-05', grantDate: undefined }));
    expect(noCheck.status).toBe(400);
    expect(noCheck.body.errors[0]).toEqual({ path: 'number', message: expect.stringContaining('.6') });

    const badType = await post(
      A,
      patent(patentNo(2023, 5, 1), { filingDate: '2023-01-05', grantDate: undefined }),
    );
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0]).toEqual({
      path: 'number',
      message: expect.stringContaining('type digit'),
    });

    const yearMismatch = await post(
      A,
      patent(patentNo(2020, 1, 42), { filingDate: '2019-12-30', grantDate: undefined }),
    );
    expect(yearMismatch.status).toBe(400);
    expect(yearMismatch.body.errors).toEqual([
      {
        path: 'filingDate',
        message: expect.stringMatching(/is in 2019, but application number \S+ was filed in 2020/),
      },
    ]);

    const grantBeforeFiling = await post(
      A,
      patent(patentNo(2020, 1, 43), { filingDate: '2020-06-01', grantDate: '2020-05-31' }),
    );
    expect(grantBeforeFiling.status).toBe(400);
    expect(grantBeforeFiling.body.errors).toEqual([
      { path: 'grantDate', message: expect.stringContaining('before the filing date 2020-06-01') },
    ]);

    const unreal = await post(
      A,
      patent(patentNo(2021, 1, 44), { filingDate: '2021-02-29', grantDate: undefined }),
    );
    expect(unreal.status).toBe(400);
    expect(unreal.body.errors[0].path).toBe('filingDate');

    const future = await post(
      A,
      patent(patentNo(2026, 1, 45), { filingDate: '2026-11-28', grantDate: undefined }),
    );
    expect(future.status).toBe(400);
    expect(future.body.errors[0]).toEqual({ path: 'filingDate', message: expect.stringContaining('future') });

    // Nothing was stored by any of these.
    const list = await portal.call('GET', `/enterprises/${A}/assets?limit=100`, { as: asEnterprise(A) });
    expect(list.body.items.map((a: { number: string }) => a.number)).not.toContain('202310123456.6');
  });

  it('validates co-owners: valid USCCs, not the owner, each once', async () => {
    const number = patentNo(2021, 2, 77);
    const bad = await post(
      A,
      patent(number, { filingDate: '2021-04-01', coOwners: [B, '91330782MA2C00009X', A, B.toLowerCase()] }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'coOwners.1', message: expect.stringContaining('check character') },
      { path: 'coOwners.2', message: expect.stringContaining('owner itself') },
      { path: 'coOwners.3', message: expect.stringContaining('listed twice') },
    ]);
    const good = await post(A, patent(number, { filingDate: '2021-04-01', coOwners: [B.toLowerCase(), C] }));
    expect(good.status).toBe(201);
    expect(good.body.coOwners).toEqual([B, C]);
    expect(good.body.coOwnerConsents).toEqual({});
  });

  it('registers trademarks: Nice classes checked, status registered, 10-year term, in force as of today', async () => {
    const ham = await post(B, {
      kind: 'trademark',
      number: '0012 3456',
      mark: '金华火腿',
      niceClasses: [35, 29],
      registrationDate: '2019-06-30',
      markType: 'certification',
    });
    expect(ham.status).toBe(201);
    expect(ham.body).toMatchObject({
      kind: 'trademark',
      number: '123456',
      niceClasses: [29, 35],
      markType: 'certification',
      status: 'registered',
      expiresOn: '2029-06-29',
      inForce: true,
      coOwners: [],
    });
    const ordinary = await post(B, {
      kind: 'trademark',
      number: '7654321',
      mark: 'Wuyi Tea',
      niceClasses: [30],
      registrationDate: '2020-01-01',
    });
    expect(ordinary.body.markType).toBe('ordinary');

    const badClasses = await post(B, {
      kind: 'trademark',
      number: '7654322',
      mark: 'X',
      niceClasses: [30, 46],
      registrationDate: '2020-01-01',
    });
    expect(badClasses.status).toBe(400);
    expect(badClasses.body.errors).toEqual([{ path: 'niceClasses', message: expect.stringContaining('46') }]);
    const dupClasses = await post(B, {
      kind: 'trademark',
      number: '7654322',
      mark: 'X',
      niceClasses: [30, 30],
      registrationDate: '2020-01-01',
    });
    expect(dupClasses.status).toBe(400);
    const badNumber = await post(B, {
      kind: 'trademark',
      number: 'TM-1',
      mark: 'X',
      niceClasses: [30],
      registrationDate: '2020-01-01',
    });
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.errors[0].path).toBe('number');
    // Patent-only fields are unknown on a trademark.
    const mixed = await post(B, {
      kind: 'trademark',
      number: '7654323',
      mark: 'X',
      niceClasses: [30],
      registrationDate: '2020-01-01',
      filingDate: '2020-01-01',
    });
    expect(mixed.status).toBe(400);

    // Same digits held by another enterprise → 409, even with leading zeros.
    const taken = await post(A, {
      kind: 'trademark',
      number: '123456',
      mark: '金华火腿',
      niceClasses: [29],
      registrationDate: '2019-06-30',
    });
    expect(taken.status).toBe(409);
  });

  it('computes inForce on the Shanghai calendar day: a right expired yesterday is no longer in force', async () => {
    const created = await post(B, {
      kind: 'trademark',
      number: '20150314',
      mark: 'Old mark',
      niceClasses: [21],
      registrationDate: '2015-03-14',
    });
    expect(created.status).toBe(201);
    expect(created.body.expiresOn).toBe('2025-03-13');
    expect(created.body.inForce).toBe(false);
    try {
      clock = new Date('2025-03-13T15:59:59Z'); // 23:59:59 on 13 March in Shanghai: the last day
      const lastDay = await portal.call('GET', `/assets/${created.body.id}`, { as: office });
      expect(lastDay.body.inForce).toBe(true);
      clock = new Date('2025-03-13T16:00:00Z'); // midnight: 14 March in Shanghai
      const dayAfter = await portal.call('GET', `/assets/${created.body.id}`, { as: office });
      expect(dayAfter.body.inForce).toBe(false);
    } finally {
      clock = new Date('2026-11-27T04:00:00Z');
    }
  });

  it('refuses unknown fields, a missing kind, oversize bodies and unregistered or foreign portfolios', async () => {
    const number = patentNo(2024, 1, 9);
    const extra = await post(A, patent(number, { filingDate: '2024-01-02', status: 'granted' }));
    expect(extra.status).toBe(400);
    expect(extra.body.errors[0].message).toContain('status');

    const noKind = await post(A, { number, title: 'x', filingDate: '2024-01-02' });
    expect(noKind.status).toBe(400);

    const huge = await post(A, patent(number, { filingDate: '2024-01-02', title: 'x'.repeat(65 * 1024) }));
    expect(huge.status).toBe(413);

    const unregistered = await post(C, patent(number, { filingDate: '2024-01-02' }), {}, office);
    expect(unregistered.status).toBe(404);
    expect(unregistered.body.detail).toContain(`PUT /enterprises/${C}`);
    expect(await numberItems('patent', number)).toEqual([]);

    const foreign = await post(B, patent(number, { filingDate: '2024-01-02' }), {}, asEnterprise(A));
    expect(foreign.status).toBe(403);
    const asBank = await post(
      A,
      patent(number, { filingDate: '2024-01-02' }),
      {},
      {
        role: 'lender',
        org: 'jinhua-bank',
      },
    );
    expect(asBank.status).toBe(403);

    const byOffice = await post(A, patent(number, { filingDate: '2024-01-02' }), {}, office);
    expect(byOffice.status).toBe(201);
    expect(byOffice.body.owner).toBe(A);

    const invalidOwner = await post('91330782MA2C00009X', patent(patentNo(2024, 1, 10)), {}, office);
    expect(invalidOwner.status).toBe(400);
    expect(invalidOwner.body.errors[0].path).toBe('param.uscc');
  });

  it('keeps portfolios private: another enterprise or a counterparty cannot read, list or delete', async () => {
    const mine = await post(
      A,
      patent(patentNo(2024, 2, 31), { filingDate: '2024-02-02', grantDate: '2024-08-08' }),
    );
    expect(mine.status).toBe(201);
    const id = mine.body.id;

    expect((await portal.call('GET', `/assets/${id}`, { as: asEnterprise(B) })).status).toBe(404);
    expect(
      (await portal.call('GET', `/assets/${id}`, { as: { role: 'lender', org: 'jinhua-bank' } })).status,
    ).toBe(404);
    expect((await portal.call('GET', `/assets/${id}`, { as: { role: 'insurer', org: 'picc' } })).status).toBe(
      404,
    );
    expect((await portal.call('GET', `/assets/${id}`, { as: office })).status).toBe(200);
    expect((await portal.call('GET', `/assets/${id}`)).status).toBe(401);
    expect((await portal.call('GET', '/assets/no-such-asset', { as: asEnterprise(A) })).status).toBe(404);

    expect((await portal.call('GET', `/enterprises/${A}/assets`, { as: asEnterprise(B) })).status).toBe(404);
    expect(
      (await portal.call('GET', `/enterprises/${A}/assets`, { as: { role: 'lender', org: 'xx' } })).status,
    ).toBe(403);
    const listed = await portal.call('GET', `/enterprises/${A}/assets?limit=100`, { as: office });
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(id);

    expect((await portal.call('DELETE', `/assets/${id}`, { as: asEnterprise(B) })).status).toBe(404);
    expect((await portal.call('DELETE', `/assets/${id}`, { as: office })).status).toBe(403);
    expect((await portal.call('GET', `/assets/${id}`, { as: asEnterprise(A) })).status).toBe(200);
  });

  it('deletes with If-Match, frees the number, and refuses while a pledge or an active policy holds the asset', async () => {
    const number = patentNo(2023, 1, 5150);
    const created = await post(A, patent(number, { filingDate: '2023-03-03', grantDate: '2025-01-01' }));
    const id = created.body.id;
    const setOnAsset = (update: string, values: Record<string, unknown>, names?: Record<string, string>) =>
      portal.deps.db.send(
        new UpdateCommand({
          TableName: portal.tableName,
          Key: assetKey(id),
          UpdateExpression: update,
          ExpressionAttributeValues: values,
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );

    // A pledge application takes hold of the asset (as the pledge module will do).
    await setOnAsset('SET encumbrance = :e, version = version + :one', {
      ':e': { pledgeId: 'pl-7' },
      ':one': 1,
    });
    const read = await portal.call('GET', `/assets/${id}`, { as: asEnterprise(A) });
    expect(read.body.encumbrance).toEqual({ pledgeId: 'pl-7' });
    expect(read.headers.get('etag')).toBe('"2"');
    const pledged = await portal.call('DELETE', `/assets/${id}`, { as: asEnterprise(A) });
    expect(pledged.status).toBe(409);
    expect(pledged.body.detail).toContain('held by pledge pl-7');

    // Released from the pledge, but an active policy covers it.
    await setOnAsset('REMOVE encumbrance ADD insuredBy :p', { ':p': new Set(['po-1']) });
    const insuredView = await portal.call('GET', `/assets/${id}`, { as: asEnterprise(A) });
    expect(insuredView.body.insuredBy).toEqual(['po-1']);
    expect(insuredView.body.encumbrance).toBeNull();
    const insured = await portal.call('DELETE', `/assets/${id}`, { as: asEnterprise(A) });
    expect(insured.status).toBe(409);
    expect(insured.body.detail).toContain('covered by an active policy');

    await setOnAsset('DELETE insuredBy :p', { ':p': new Set(['po-1']) });
    const stale = await portal.call('DELETE', `/assets/${id}`, {
      as: asEnterprise(A),
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const deleted = await portal.call('DELETE', `/assets/${id}`, {
      as: asEnterprise(A),
      headers: { 'If-Match': '"2"' },
    });
    expect(deleted.status).toBe(204);
    expect((await portal.call('GET', `/assets/${id}`, { as: asEnterprise(A) })).status).toBe(404);
    expect((await portal.call('DELETE', `/assets/${id}`, { as: asEnterprise(A) })).status).toBe(404);
    expect(await numberItems('patent', number)).toEqual([]);

    // The number is free again, for anyone.
    const again = await post(B, patent(number, { filingDate: '2023-03-03' }));
    expect(again.status).toBe(201);
  });

  it('replays an Idempotency-Key: same body → same answer and one asset; different body → 422', async () => {
    const number = patentNo(2025, 1, 8080);
    const body = patent(number, { filingDate: '2025-02-02', grantDate: undefined });
    const headers = { 'Idempotency-Key': 'asset-create-8080' };
    const first = await post(A, body, headers);
    expect(first.status).toBe(201);
    const replay = await post(A, body, headers);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(replay.headers.get('etag')).toBe('"1"');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const items = await numberItems('patent', number);
    expect(items).toHaveLength(1);
    const list = await portal.call('GET', `/enterprises/${A}/assets?limit=100`, { as: asEnterprise(A) });
    expect(list.body.items.filter((a: { number: string }) => a.number === number)).toHaveLength(1);

    const different = await post(A, { ...body, title: 'Another title' }, headers);
    expect(different.status).toBe(422);
    // Without the key the duplicate is caught by the number's uniqueness instead.
    expect((await post(A, body)).status).toBe(409);
  });

  it('races: 10 concurrent registrations of one number by two enterprises → one 201, nine 409, one number item', async () => {
    const number = patentNo(2024, 1, 4242);
    const body = patent(number, { filingDate: '2024-04-02', grantDate: '2025-04-02' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 === 0 ? A : B, body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const winner = results.find((r) => r.status === 201);
    const items = await numberItems('patent', number);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ assetId: winner?.body.id, owner: winner?.body.owner });
    const holders = await Promise.all(
      [A, B].map(async (uscc) => {
        const list = await portal.call('GET', `/enterprises/${uscc}/assets?limit=100`, { as: office });
        return list.body.items.filter((a: { number: string }) => a.number === number).length;
      }),
    );
    expect(holders[0] + holders[1]).toBe(1);
  });

  it('pages a portfolio newest first with cursors bound to the portfolio', async () => {
    const D = yiwu('MA2C00004');
    const E = yiwu('MA2C00005');
    await register(D);
    await register(E);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        clock = new Date(Date.parse('2026-11-27T04:00:00Z') + i * 1000);
        const res = await post(D, patent(patentNo(2022, 1, 7000 + i), { filingDate: '2022-05-05' }));
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
      await post(E, patent(patentNo(2022, 1, 7100), { filingDate: '2022-05-05' }));
    } finally {
      clock = new Date('2026-11-27T04:00:00Z');
    }

    const seen: string[] = [];
    const cursors: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await portal.call('GET', `/enterprises/${D}/assets${query}`, { as: asEnterprise(D) });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((a: { id: string }) => a.id));
      cursor = page.body.nextCursor;
      if (cursor) cursors.push(cursor);
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(5);
    expect(cursors).toHaveLength(2);

    // D's cursor is not a cursor for E's portfolio, whoever presents it.
    const stolen = await portal.call('GET', `/enterprises/${E}/assets?limit=2&cursor=${cursors[0]}`, {
      as: asEnterprise(E),
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.errors[0].path).toMatch(/cursor$/);
    const officeStolen = await portal.call('GET', `/enterprises/${E}/assets?cursor=${cursors[0]}`, {
      as: office,
    });
    expect(officeStolen.status).toBe(400);
    const tooMany = await portal.call('GET', `/enterprises/${D}/assets?limit=101`, { as: asEnterprise(D) });
    expect(tooMany.status).toBe(400);
  });
});
