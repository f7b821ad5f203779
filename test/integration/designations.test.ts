import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { DESIGNATIONS_COUNT_PARTITION } from '../../shared/store/keys.js';
import { enterpriseSummaryDelta, portfolioDelta } from '../../shared/store/stats-facts.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { activeDesignationsOf as activeOf } from '../../shared/usecases/designations.js';
import { loggingClient } from '../support/command-log.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const office = { role: 'ipoffice' as const };
let serial = 0;
/** A fresh valid USCC in the given division. */
const newUscc = (division = '330782') => {
  serial++;
  const first17 = `91${division}MA${String(serial).padStart(7, '0')}`;
  return withUsccCheck(first17);
};

describe('designations', () => {
  let portal: TestPortal;
  const activeDesignationsOf = (deps: TestPortal['deps'], uscc: string) =>
    activeOf(useCaseContext(deps), uscc);
  const register = async (uscc: string, name = `Enterprise ${uscc}`) => {
    const res = await portal.call('PUT', `/enterprises/${uscc}`, { as: office, body: { name } });
    expect(res.status).toBe(201);
    return uscc;
  };
  const designate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    portal.call('POST', '/designations', { as: office, body, headers });
  const activeCounter = async () => {
    const out = await portal.deps.db.send(
      new QueryCommand({
        TableName: portal.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': DESIGNATIONS_COUNT_PARTITION },
        ConsistentRead: true,
      }),
    );
    return Object.fromEntries((out.Items ?? []).map((i) => [i.sk, i.n]));
  };

  beforeAll(async () => {
    portal = await createTestPortal();
  });

  it('designates a registered enterprise and refuses a second active designation at the same level', async () => {
    const uscc = await register(newUscc());
    const created = await designate({ uscc: uscc.toLowerCase(), level: 'national_advantage', year: 2023 });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/designations/${created.body.id}`);
    expect(created.body).toMatchObject({
      uscc,
      level: 'national_advantage',
      year: 2023,
      status: 'active',
      reviews: [],
      version: 1,
    });
    expect(created.body.history).toMatchObject([{ action: 'designate', from: null, to: 'active' }]);

    const duplicate = await designate({ uscc, level: 'national_advantage', year: 2024 });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.activeDesignationId).toBe(created.body.id);

    const otherLevel = await designate({
      uscc,
      level: 'provincial_demonstration',
      year: 2021,
      validUntil: '2026-12-31',
    });
    expect(otherLevel.status).toBe(201);
    expect(otherLevel.body.validUntil).toBe('2026-12-31');

    const read = await portal.call('GET', `/designations/${created.body.id}`, { as: office });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const current = await activeDesignationsOf(portal.deps, uscc);
    expect(current.map((d) => d.level).sort()).toEqual(['national_advantage', 'provincial_demonstration']);
    expect(current.find((d) => d.level === 'national_advantage')).toEqual({
      id: created.body.id,
      level: 'national_advantage',
      year: 2023,
      designatedAt: created.body.createdAt,
    });
  });

  it('lets exactly one of 10 concurrent designations of one enterprise and level succeed', async () => {
    const uscc = await register(newUscc('330703'));
    const before = await activeCounter();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        designate({ uscc, level: 'provincial_demonstration', year: 2015 + i }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const after = await activeCounter();
    expect(Number(after.provincial_demonstration ?? 0) - Number(before.provincial_demonstration ?? 0)).toBe(
      1,
    );
    expect(await activeDesignationsOf(portal.deps, uscc)).toHaveLength(1);
  });

  describe('the programme’s rules', () => {
    const levelError = (res: { body: { errors?: { path: string; code?: string }[] } }) =>
      res.body.errors?.[0];

    it('admits national demonstration only after three years of national advantage, changing nothing when refused', async () => {
      const uscc = await register(newUscc('330702'));
      const before = await activeCounter();
      const none = await designate({ uscc, level: 'national_demonstration', year: 2026 });
      expect(none.status).toBe(422);
      expect(levelError(none)).toMatchObject({ path: 'level', code: 'advantage_required' });
      expect((await designate({ uscc, level: 'national_advantage', year: 2024 })).status).toBe(201);
      const early = await designate({ uscc, level: 'national_demonstration', year: 2026 });
      expect(early.status).toBe(422);
      expect(levelError(early)).toMatchObject({
        code: 'cultivation_incomplete',
        params: { earliestYear: 2027 },
      });
      const after = await activeCounter();
      expect(Number(after.national_demonstration ?? 0)).toBe(Number(before.national_demonstration ?? 0));
      expect(Number(after.national_advantage ?? 0) - Number(before.national_advantage ?? 0)).toBe(1);
    });

    it('promotes: the demonstration title supersedes the advantage title in one transaction, counted once', async () => {
      const uscc = await register(newUscc('330702'));
      const advantage = await designate({ uscc, level: 'national_advantage', year: 2021 });
      const before = await activeCounter();
      const promoted = await designate({ uscc, level: 'national_demonstration', year: 2024 });
      expect(promoted.status).toBe(201);
      const after = await activeCounter();
      expect(Number(after.national_advantage) - Number(before.national_advantage)).toBe(-1);
      expect(Number(after.national_demonstration ?? 0) - Number(before.national_demonstration ?? 0)).toBe(1);
      const old = await portal.call('GET', `/designations/${advantage.body.id}`, { as: office });
      expect(old.body).toMatchObject({
        status: 'superseded',
        supersededBy: promoted.body.id,
        supersededOn: portal.deps.clock.today(),
        version: 2,
      });
      expect(old.body.history.map((h: { action: string }) => h.action)).toEqual(['designate', 'supersede']);
      expect((await activeDesignationsOf(portal.deps, uscc)).map((d) => d.level)).toEqual([
        'national_demonstration',
      ]);
      // The superseded title can no longer be reviewed or revoked, and the advantage is not given back.
      const review = await portal.call('POST', `/designations/${advantage.body.id}/reviews`, {
        as: office,
        body: { year: 2024, outcome: 'pass' },
      });
      expect(review.status).toBe(409);
      const again = await designate({ uscc, level: 'national_advantage', year: 2025 });
      expect(again.status).toBe(422);
      expect(levelError(again)).toMatchObject({ code: 'demonstration_held' });
    });

    it('promotes in the provincial programme too, where no cultivation period is checked', async () => {
      const uscc = await register(newUscc('330702'));
      const advantage = await designate({ uscc, level: 'provincial_advantage', year: 2026 });
      expect((await designate({ uscc, level: 'provincial_demonstration', year: 2026 })).status).toBe(201);
      const old = await portal.call('GET', `/designations/${advantage.body.id}`, { as: office });
      expect(old.body.status).toBe('superseded');
    });

    it('lets exactly one of 6 concurrent promotions win; the advantage title is superseded once', async () => {
      const uscc = await register(newUscc('330702'));
      const advantage = await designate({ uscc, level: 'national_advantage', year: 2020 });
      const before = await activeCounter();
      const results = await Promise.all(
        Array.from({ length: 6 }, () => designate({ uscc, level: 'national_demonstration', year: 2025 })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      // A loser met the taken lock (409), or the advantage title already superseded (409 or 422 on a re-read).
      expect(statuses.filter((s) => s !== 201).every((s) => s === 409 || s === 422)).toBe(true);
      const after = await activeCounter();
      expect(Number(after.national_advantage) - Number(before.national_advantage)).toBe(-1);
      expect(Number(after.national_demonstration ?? 0) - Number(before.national_demonstration ?? 0)).toBe(1);
      const old = await portal.call('GET', `/designations/${advantage.body.id}`, { as: office });
      expect(old.body.version).toBe(2);
    });
  });

  it('refuses an unknown enterprise with 422, a malformed USCC or body with 400, other roles with 403', async () => {
    const unknown = newUscc();
    const res = await designate({ uscc: unknown, level: 'national_advantage', year: 2023 });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain(unknown);
    expect(res.body.errors).toEqual([
      { path: 'uscc', code: 'not_registered', message: `${unknown} is not a registered enterprise` },
    ]);

    const bad = await designate({ uscc: '91330782MA00000000', level: 'national_advantage', year: 2023 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('uscc');
    const uscc = await register(newUscc());
    for (const body of [
      { uscc, level: 'city_demonstration', year: 2023 },
      { uscc, level: 'national_advantage', year: 2023.5 },
      { uscc, level: 'national_advantage', year: 2023, extra: 1 },
      { uscc, level: 'national_advantage', year: 2023, validUntil: '2022-12-31' },
    ])
      expect((await designate(body)).status).toBe(400);

    for (const as of [
      { role: 'enterprise' as const, org: uscc },
      { role: 'lender' as const, org: 'bank-a' },
      { role: 'insurer' as const, org: 'ins-a' },
    ]) {
      expect(
        (
          await portal.call('POST', '/designations', {
            as,
            body: { uscc, level: 'national_advantage', year: 2023 },
          })
        ).status,
      ).toBe(403);
      expect((await portal.call('GET', '/designations', { as })).status).toBe(403);
    }
    expect((await portal.call('GET', '/designations', { as: null })).status).toBe(401);
  });

  it('replays an idempotent designation instead of creating a second one', async () => {
    const uscc = await register(newUscc());
    const body = { uscc, level: 'provincial_advantage', year: 2022 };
    const first = await designate(body, { 'Idempotency-Key': `designate-${uscc}` });
    const again = await designate(body, { 'Idempotency-Key': `designate-${uscc}` });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('records reviews: pass keeps it active, one per year, not before the designation; fail revokes it', async () => {
    const uscc = await register(newUscc());
    const d = (await designate({ uscc, level: 'national_advantage', year: 2022 })).body;
    const review = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      portal.call('POST', `/designations/${d.id}/reviews`, { as: office, body, headers });

    const passed = await review({ year: 2023, outcome: 'pass', notes: '考核合格' }, { 'If-Match': '"1"' });
    expect(passed.status).toBe(201);
    expect(passed.headers.get('etag')).toBe('"2"');
    expect(passed.body).toMatchObject({ status: 'active', version: 2 });
    expect(passed.body.reviews).toMatchObject([{ year: 2023, outcome: 'pass', notes: '考核合格' }]);

    expect((await review({ year: 2024, outcome: 'pass' }, { 'If-Match': '"1"' })).status).toBe(412);
    expect((await review({ year: 2023, outcome: 'pass' })).status).toBe(409);
    const nextYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4)) + 1;
    const future = await review({ year: nextYear, outcome: 'pass' });
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([expect.objectContaining({ path: 'year', code: 'review_in_future' })]);
    const early = await review({ year: 2021, outcome: 'pass' });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].path).toBe('year');

    const failed = await review({ year: 2024, outcome: 'fail' });
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({
      status: 'revoked',
      version: 3,
      revocationReason: 'review of 2024 failed',
    });
    expect(failed.body.history.map((e: { action: string }) => e.action)).toEqual([
      'designate',
      'review_pass',
      'review_fail',
    ]);
    const late = await review({ year: 2025, outcome: 'pass' });
    expect(late.status).toBe(409);
    expect(late.body.currentState).toBe('revoked');

    // The lock is free again: the enterprise can be designated anew at that level.
    expect(await activeDesignationsOf(portal.deps, uscc)).toEqual([]);
    expect((await designate({ uscc, level: 'national_advantage', year: 2025 })).status).toBe(201);
  });

  it('revokes once; a second revoke is 409 with the current state; the active counter follows', async () => {
    const uscc = await register(newUscc());
    const before = await activeCounter();
    const d = (await designate({ uscc, level: 'provincial_demonstration', year: 2020 })).body;
    expect(
      Number((await activeCounter()).provincial_demonstration) - Number(before.provincial_demonstration ?? 0),
    ).toBe(1);

    const revoke = (headers: Record<string, string> = {}) =>
      portal.call('POST', `/designations/${d.id}/revoke`, {
        as: office,
        body: { reason: '复核未通过' },
        headers,
      });
    expect((await revoke({ 'If-Match': '"7"' })).status).toBe(412);
    const revoked = await revoke();
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revocationReason: '复核未通过', version: 2 });
    expect(revoked.body.history.at(-1)).toMatchObject({
      action: 'revoke',
      from: 'active',
      to: 'revoked',
      reason: '复核未通过',
    });
    const again = await revoke();
    expect(again.status).toBe(409);
    expect(again.body.currentState).toBe('revoked');
    expect(Number((await activeCounter()).provincial_demonstration)).toBe(
      Number(before.provincial_demonstration ?? 0),
    );

    expect((await portal.call('POST', `/designations/${d.id}/revoke`, { as: office, body: {} })).status).toBe(
      400,
    );
    expect(
      (await portal.call('POST', '/designations/no-such-id/revoke', { as: office, body: { reason: 'x' } }))
        .status,
    ).toBe(404);
    expect((await portal.call('GET', '/designations/no-such-id', { as: office })).status).toBe(404);
  });

  it('acts in two round trips with an Idempotency-Key (Query + TransactWrite) and replays a retry after the state moved', async () => {
    const log = loggingClient();
    const counted = await createTestPortal({ db: log.db });
    const uscc = newUscc();
    expect(
      (await counted.call('PUT', `/enterprises/${uscc}`, { as: office, body: { name: 'E' } })).status,
    ).toBe(201);
    const d = (
      await counted.call('POST', '/designations', {
        as: office,
        body: { uscc, level: 'national_advantage', year: 2022 },
      })
    ).body;
    const review = () =>
      counted.call('POST', `/designations/${d.id}/reviews`, {
        as: office,
        body: { year: 2023, outcome: 'fail', notes: 'lapsed' },
        headers: { 'Idempotency-Key': `review-${d.id}` },
      });
    log.take();
    const first = await review();
    expect(first.status).toBe(201);
    expect(log.take()).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    expect(first.body.status).toBe('revoked');
    expect(first.body.history.map((e: { action: string }) => e.action)).toEqual(['designate', 'review_fail']);

    // The designation is revoked now, so the action itself would be refused (409); the retry gets the first answer.
    const retry = await review();
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const fresh = await counted.call('POST', `/designations/${d.id}/reviews`, {
      as: office,
      body: { year: 2023, outcome: 'fail' },
      headers: { 'Idempotency-Key': `review-other-${d.id}` },
    });
    expect(fresh.status).toBe(409);
    // The same key with another body is refused, not replayed.
    const reused = await counted.call('POST', `/designations/${d.id}/reviews`, {
      as: office,
      body: { year: 2024, outcome: 'pass' },
      headers: { 'Idempotency-Key': `review-${d.id}` },
    });
    expect(reused.status).toBe(422);
    const history = await counted.call('GET', `/designations/${d.id}`, { as: office });
    expect(history.body.version).toBe(2);
    expect(history.body.history).toHaveLength(2);
  });

  describe('listing', () => {
    const A = newUscc('330784');
    const B = newUscc('110000');
    const C = newUscc('330781');
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      // A table of its own, so the listing holds exactly these designations.
      portal = await createTestPortal();
      await register(A, '永康五金');
      await register(B, 'Beijing Co.');
      await register(C, 'Lanxi Co.');
      // A's and B's national advantage titles are superseded by their promotions.
      const plan = [
        ['a-na-2020', A, 'national_advantage', 2020],
        ['a-nd-2023', A, 'national_demonstration', 2023],
        ['a-pa-2023', A, 'provincial_advantage', 2023],
        ['b-na-2019', B, 'national_advantage', 2019],
        ['b-nd-2023', B, 'national_demonstration', 2023],
        ['c-na-2024', C, 'national_advantage', 2024],
        ['b-pd-2024', B, 'provincial_demonstration', 2024],
      ] as const;
      for (const [name, uscc, level, year] of plan) {
        const res = await designate({ uscc, level, year });
        expect(res.status).toBe(201);
        ids[name] = res.body.id;
      }
      await portal.call('POST', `/designations/${ids['c-na-2024']}/revoke`, {
        as: office,
        body: { reason: 'moved' },
      });
      // A's portfolio: counters as the asset, pledge and policy transactions write them.
      const t = portal.tableName;
      await portal.deps.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...portfolioDelta(
              {
                kind: 'patent',
                patentType: 'invention',
                status: 'granted',
                expiresOn: '2040-01-01',
                grantYear: 2021,
                owner: A,
                delta: 1,
              },
              t,
            ),
            ...portfolioDelta(
              {
                kind: 'patent',
                patentType: 'utility_model',
                status: 'granted',
                expiresOn: '2001-01-01',
                grantYear: 1992,
                owner: A,
                delta: 1,
              },
              t,
            ),
            ...portfolioDelta(
              {
                kind: 'trademark',
                status: 'registered',
                expiresOn: '2033-05-05',
                grantYear: 2023,
                owner: A,
                delta: 1,
              },
              t,
            ),
            enterpriseSummaryDelta(A, { pledgeRegisteredFen: 5_000_000 }, t),
          ],
        }),
      );
      await portal.deps.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...portfolioDelta(
              {
                kind: 'trademark',
                status: 'registered',
                expiresOn: '2033-05-05',
                grantYear: 2023,
                owner: A,
                delta: 1,
              },
              t,
            ),
            ...portfolioDelta(
              {
                kind: 'patent',
                patentType: 'design',
                status: 'pending',
                expiresOn: '2040-01-01',
                owner: A,
                delta: 1,
              },
              t,
            ),
            enterpriseSummaryDelta(A, { sumInsuredFen: 300_000, pledgeRegisteredFen: 1 }, t),
          ],
        }),
      );
    });

    const list = async (query: string) => {
      const res = await portal.call('GET', `/designations${query}`, { as: office });
      expect(res.status).toBe(200);
      return res.body as { items: { id: string }[]; nextCursor: string | null };
    };
    const namesOf = (items: { id: string }[]) =>
      items.map((i) => Object.entries(ids).find(([, id]) => id === i.id)?.[0]).sort();

    it('filters by any combination of level, year and status through the indexes', async () => {
      const cases: [string, string[]][] = [
        ['', ['a-na-2020', 'a-nd-2023', 'a-pa-2023', 'b-na-2019', 'b-nd-2023', 'b-pd-2024', 'c-na-2024']],
        ['?status=active', ['a-nd-2023', 'a-pa-2023', 'b-nd-2023', 'b-pd-2024']],
        ['?status=revoked', ['c-na-2024']],
        ['?status=superseded', ['a-na-2020', 'b-na-2019']],
        ['?level=national_demonstration', ['a-nd-2023', 'b-nd-2023']],
        ['?year=2024', ['b-pd-2024', 'c-na-2024']],
        ['?year=2024&status=active', ['b-pd-2024']],
        ['?level=national_advantage&year=2024', ['c-na-2024']],
        ['?level=national_advantage&status=active', []],
        ['?level=national_advantage&status=superseded', ['a-na-2020', 'b-na-2019']],
        ['?level=national_demonstration&year=2023&status=active', ['a-nd-2023', 'b-nd-2023']],
        ['?level=national_demonstration&year=2024', []],
      ];
      for (const [query, expected] of cases)
        expect(namesOf((await list(query)).items), query).toEqual(expected);
      expect((await portal.call('GET', '/designations?level=city', { as: office })).status).toBe(400);
      expect((await portal.call('GET', '/designations?year=abc', { as: office })).status).toBe(400);
    });

    it('pages with opaque cursors, every designation exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen.sort()).toEqual(Object.values(ids).sort());
      expect(pages).toBe(4);

      // A cursor only continues the list (and filter) that issued it.
      const first = await list('?status=active&limit=1');
      expect(first.nextCursor).not.toBeNull();
      const elsewhere = await portal.call('GET', `/designations?status=revoked&cursor=${first.nextCursor}`, {
        as: office,
      });
      expect(elsewhere.status).toBe(400);
      expect((await portal.call('GET', '/designations?cursor=bm9wZQ', { as: office })).status).toBe(400);
    });

    it('includes the enterprise’s name and portfolio summary (in force today, registered financing, sum insured)', async () => {
      const page = await list('?level=national_demonstration');
      const a = page.items.find((i) => i.id === ids['a-nd-2023']) as unknown as Record<string, unknown>;
      const b = page.items.find((i) => i.id === ids['b-nd-2023']) as unknown as Record<string, unknown>;
      expect(a.enterpriseName).toBe('永康五金');
      expect(a.divisionCode).toBe('330784');
      expect(a.portfolio).toEqual({
        patentsInForce: { invention: 1, utility_model: 0, design: 0 },
        trademarksInForce: 2,
        pledgeFinancingRegisteredFen: 5_000_001,
        sumInsuredFen: 300_000,
      });
      expect(b.enterpriseName).toBe('Beijing Co.');
      expect(b.portfolio).toEqual({
        patentsInForce: { invention: 0, utility_model: 0, design: 0 },
        trademarksInForce: 0,
        pledgeFinancingRegisteredFen: 0,
        sumInsuredFen: 0,
      });
    });
  });
});
