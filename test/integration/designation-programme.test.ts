import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from '../../shared/domain/clock.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { DESIGNATIONS_COUNT_PARTITION } from '../../shared/store/keys.js';
import { expectedScore, givePortfolio, type Portfolio } from '../support/designation-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The designation programme through the API, on a business date the test moves: applications and nominations
 * scored from the portfolio, the public notice with objections, confirmation within the year's quota (raced), the
 * promotion of an advantage enterprise, rejection and withdrawal, and who may read what.
 */
const office = { role: 'ipoffice' as const };
const lender = { role: 'lender' as const, org: 'prog-bank' };
const otherLender = { role: 'lender' as const, org: 'prog-bank-2' };
let serial = 0;
const newUscc = () => withUsccCheck(`91330782MP${String(++serial).padStart(7, '0')}`);

describe('the designation programme', () => {
  const clock = movableClock('2026-03-02');
  let portal: TestPortal;
  const as = (uscc: string) => ({ role: 'enterprise' as const, org: uscc });
  type Who = NonNullable<Parameters<TestPortal['call']>[2]>['as'];
  const call = (method: string, path: string, who: Who, body?: unknown) =>
    portal.call(method, path, { as: who, ...(body === undefined ? {} : { body }) });
  const counters = async () => {
    const out = await portal.deps.db.send(
      new QueryCommand({
        TableName: portal.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': DESIGNATIONS_COUNT_PARTITION },
        ConsistentRead: true,
      }),
    );
    return Object.fromEntries((out.Items ?? []).map((i) => [i.sk, Number(i.n)]));
  };

  /** A registered enterprise with `invention` and `utility` patents and `trademarks` in force, written as the asset transactions write them. */
  const enterprise = async (p: Portfolio) => {
    const uscc = newUscc();
    expect((await call('PUT', `/enterprises/${uscc}`, office, { name: `Programme ${uscc}` })).status).toBe(
      201,
    );
    await givePortfolio(portal, uscc, p);
    return uscc;
  };
  /** The office nominates `uscc` and publishes it: the candidacy's id, its notice starting today. */
  const inNotice = async (uscc: string, level: string) => {
    const nominated = await call('POST', '/designation-nominations', office, { uscc, level, year: 2026 });
    expect(nominated.status, JSON.stringify(nominated.body)).toBe(201);
    expect(nominated.body).toMatchObject({ status: 'nominated', via: 'nomination' });
    const published = await call('POST', `/designations/${nominated.body.id}/publish`, office);
    expect(published.body.status).toBe('in_notice');
    return nominated.body.id as string;
  };
  const strong = { invention: 5, utility: 2, trademarks: 3, financed: true, insured: true };
  const weak = { invention: 0, utility: 1, trademarks: 0, financed: false, insured: false };

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
  });

  it('runs a candidacy from application to title: scored, published, objected to, resolved, confirmed', async () => {
    clock.moveTo('2026-03-02');
    const uscc = await enterprise(strong);
    const applied = await call('POST', '/designation-applications', as(uscc), {
      level: 'provincial_demonstration',
      year: 2026,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body).toMatchObject({ uscc, status: 'applied', via: 'application' });
    expect(applied.body.eligibility).toMatchObject({ score: expectedScore(strong), minimum: 50 });
    const id = applied.body.id as string;

    const twice = await call('POST', '/designation-applications', as(uscc), {
      level: 'provincial_demonstration',
      year: 2026,
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ activeDesignationId: id, errors: [{ code: 'candidacy_open' }] });

    expect((await call('POST', `/designations/${id}/nominate`, office)).body.status).toBe('nominated');
    const published = await call('POST', `/designations/${id}/publish`, office);
    expect(published.body).toMatchObject({
      status: 'in_notice',
      noticeStartsOn: '2026-03-02',
      noticeEndsOn: '2026-03-08',
    });

    // The notice is public: a bank finds it and objects; the candidate may not object to itself.
    const notices = await call('GET', '/designation-notices', lender);
    expect(notices.body.items.map((d: { id: string }) => d.id)).toContain(id);
    const objected = await call('POST', `/designations/${id}/objections`, lender, {
      reason: 'Patents disputed.',
    });
    expect(objected.status).toBe(201);
    expect(objected.body.objections).toEqual([
      expect.objectContaining({
        n: 1,
        reason: 'Patents disputed.',
        status: 'open',
        by: expect.objectContaining(lender),
      }),
    ]);
    const self = await call('POST', `/designations/${id}/objections`, as(uscc), { reason: 'Mine.' });
    expect(self.status).toBe(422);
    expect(self.body.errors[0].code).toBe('own_candidacy');

    // Who reads what: the candidate sees the reason, not the objector; another bank sees neither, nor the score.
    const byCandidate = (await call('GET', `/designations/${id}`, as(uscc))).body;
    expect(byCandidate.objections[0]).not.toHaveProperty('by');
    expect(JSON.stringify(byCandidate.history)).not.toContain('prog-bank');
    expect(byCandidate.eligibility.score).toBe(expectedScore(strong));
    const byOther = (await call('GET', `/designations/${id}`, otherLender)).body;
    expect(byOther.objections).toEqual([]);
    expect(byOther).not.toHaveProperty('eligibility');
    expect(JSON.stringify(byOther)).not.toContain('prog-bank');
    const byOffice = (await call('GET', `/designations/${id}`, office)).body;
    expect(byOffice.objections[0].by).toMatchObject(lender);

    // Not before the notice has ended, and not with an objection open.
    const early = await call('POST', `/designations/${id}/confirm`, office);
    expect(early.status).toBe(422);
    expect(early.body.errors[0]).toMatchObject({
      code: 'notice_running',
      params: { noticeEndsOn: '2026-03-08' },
    });
    clock.moveTo('2026-03-09');
    const late = await call('POST', `/designations/${id}/objections`, otherLender, { reason: 'Too late.' });
    expect(late.status).toBe(422);
    expect(late.body.errors[0].code).toBe('notice_ended');
    const open = await call('POST', `/designations/${id}/confirm`, office);
    expect(open.status).toBe(422);
    expect(open.body.errors[0].code).toBe('objection_open');
    const dismissed = await call('POST', `/designations/${id}/objections/1/resolve`, office, {
      outcome: 'dismissed',
      resolution: 'The disputes were settled.',
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.objections[0]).toMatchObject({
      status: 'dismissed',
      resolution: 'The disputes were settled.',
    });
    expect(
      (
        await call('POST', `/designations/${id}/objections/1/resolve`, office, {
          outcome: 'upheld',
          resolution: 'x',
        })
      ).status,
    ).toBe(422);

    const before = await counters();
    const confirmed = await call('POST', `/designations/${id}/confirm`, office);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('active');
    expect(confirmed.body.history.map((h: { action: string }) => h.action)).toEqual([
      'apply',
      'nominate',
      'publish',
      'object',
      'resolve_objection',
      'confirm',
    ]);
    expect((await counters()).provincial_demonstration).toBe((before.provincial_demonstration ?? 0) + 1);
    // The title is held now: a new application is refused as such.
    const again = await call('POST', '/designation-applications', as(uscc), {
      level: 'provincial_demonstration',
      year: 2027,
    });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].code).toBe('title_held');
    const record = await call('GET', `/enterprises/${uscc}`, as(uscc));
    expect(record.body.designations.map((d: { id: string }) => d.id)).toEqual([id]);
  });

  it('rejects a candidate on an upheld objection; its enterprise may apply again', async () => {
    clock.moveTo('2026-04-01');
    const uscc = await enterprise(strong);
    const id = await inNotice(uscc, 'provincial_advantage');
    await call('POST', `/designations/${id}/objections`, as(await enterprise(weak)), {
      reason: 'Copied our design.',
    });
    const upheld = await call('POST', `/designations/${id}/objections/1/resolve`, office, {
      outcome: 'upheld',
      resolution: 'Infringement confirmed by the court.',
    });
    expect(upheld.status).toBe(200);
    expect(upheld.body).toMatchObject({
      status: 'rejected',
      rejectionReason: 'objection 1 upheld: Infringement confirmed by the court.',
    });
    // Rejected, the notice no longer lists it, and the candidacy lock is free.
    expect(
      (await call('GET', '/designation-notices', lender)).body.items.map((d: { id: string }) => d.id),
    ).not.toContain(id);
    expect((await call('GET', `/designations/${id}`, lender)).status).toBe(404);
    expect(
      (
        await call('POST', '/designation-applications', as(uscc), {
          level: 'provincial_advantage',
          year: 2026,
        })
      ).status,
    ).toBe(201);
  });

  it('refuses a candidacy below the level’s score, for a past year, or from a stranger, storing nothing', async () => {
    clock.moveTo('2026-04-02');
    const uscc = await enterprise(weak);
    const below = await call('POST', '/designation-applications', as(uscc), {
      level: 'provincial_advantage',
      year: 2026,
    });
    expect(below.status).toBe(422);
    expect(below.body.errors[0]).toMatchObject({
      path: 'level',
      code: 'below_eligibility',
      params: { score: expectedScore(weak), minimum: 30 },
    });
    const past = await call('POST', '/designation-applications', as(uscc), {
      level: 'provincial_advantage',
      year: 2025,
    });
    expect(past.status).toBe(422);
    expect(past.body.errors[0]).toMatchObject({
      path: 'year',
      code: 'list_year',
      params: { from: 2026, to: 2027 },
    });
    expect((await call('GET', `/enterprises/${uscc}/designations`, as(uscc))).body.items).toEqual([]);
    const stranger = await enterprise(strong);
    expect((await call('GET', `/enterprises/${uscc}/designations`, as(stranger))).status).toBe(404);
    // An enterprise the portal does not know is refused as such, not for its (empty) portfolio.
    const unknown = newUscc();
    const nominated = await call('POST', '/designation-nominations', office, {
      uscc: unknown,
      level: 'provincial_advantage',
      year: 2026,
    });
    expect(nominated.status).toBe(422);
    expect(nominated.body.errors).toEqual([
      { path: 'uscc', code: 'not_registered', message: `${unknown} is not a registered enterprise` },
    ]);
    // National demonstration also needs three years as a national advantage enterprise.
    const national = await call('POST', '/designation-applications', as(stranger), {
      level: 'national_demonstration',
      year: 2026,
    });
    expect(national.status).toBe(422);
    expect(national.body.errors[0].code).toBe('advantage_required');
  });

  it('lets the enterprise withdraw before publication only', async () => {
    clock.moveTo('2026-04-03');
    const uscc = await enterprise(strong);
    const a = (
      await call('POST', '/designation-applications', as(uscc), { level: 'provincial_advantage', year: 2027 })
    ).body;
    const withdrawn = await call('POST', `/designations/${a.id}/withdraw`, as(uscc));
    expect(withdrawn.body.status).toBe('withdrawn');
    const b = (
      await call('POST', '/designation-applications', as(uscc), { level: 'provincial_advantage', year: 2027 })
    ).body;
    await call('POST', `/designations/${b.id}/nominate`, office);
    await call('POST', `/designations/${b.id}/publish`, office);
    const late = await call('POST', `/designations/${b.id}/withdraw`, as(uscc));
    expect(late.status).toBe(409);
    expect(late.body.currentState).toBe('in_notice');
    const mine = (await call('GET', `/enterprises/${uscc}/designations`, as(uscc))).body.items;
    expect(mine.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [b.id, 'in_notice'],
      [a.id, 'withdrawn'],
    ]);
  });

  it('confirms within the year’s quota only, also when the office confirms two at once', async () => {
    clock.moveTo('2026-05-04');
    const quota = await call('PUT', '/designation-quotas/2026', office, { national_advantage: 1 });
    expect(quota.status).toBe(200);
    expect(quota.body.national_advantage).toEqual({ quota: 1, granted: 0 });
    const ids: string[] = [];
    for (let k = 0; k < 2; k++) {
      const uscc = await enterprise(strong);
      ids.push(await inNotice(uscc, 'national_advantage'));
    }
    clock.moveTo('2026-05-11');
    const before = await counters();
    const results = await Promise.all(ids.map((id) => call('POST', `/designations/${id}/confirm`, office)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.errors[0].code).toBe('quota_exhausted');
    expect((await counters()).national_advantage).toBe((before.national_advantage ?? 0) + 1);
    expect((await call('GET', '/designation-quotas/2026', office)).body.national_advantage).toEqual({
      quota: 1,
      granted: 1,
    });
    const lower = await call('PUT', '/designation-quotas/2026', office, { national_advantage: 0 });
    expect(lower.status).toBe(409);
    expect(lower.body.errors[0]).toMatchObject({
      path: 'quotas.national_advantage',
      code: 'quota_below_granted',
    });
    // More room: the second candidate is confirmed.
    expect((await call('PUT', '/designation-quotas/2026', office, { national_advantage: 2 })).status).toBe(
      200,
    );
    const second = ids[results.findIndex((r) => r.status === 409)]!;
    expect((await call('POST', `/designations/${second}/confirm`, office)).status).toBe(200);
  });

  it('refuses to confirm a candidate whose enterprise was given the title meanwhile, naming that title', async () => {
    clock.moveTo('2026-07-01');
    const uscc = await enterprise(strong);
    const id = await inNotice(uscc, 'provincial_advantage');
    const recorded = await call('POST', '/designations', office, {
      uscc,
      level: 'provincial_advantage',
      year: 2026,
    });
    expect(recorded.status).toBe(201);
    clock.moveTo('2026-07-08');
    const confirm = await call('POST', `/designations/${id}/confirm`, office);
    expect(confirm.status).toBe(409);
    expect(confirm.body.activeDesignationId).toBe(recorded.body.id);
    expect((await call('GET', `/designations/${id}`, office)).body.status).toBe('in_notice');
  });

  it('promotes an advantage enterprise through the programme: the confirmed demonstration supersedes it', async () => {
    clock.moveTo('2026-06-01');
    const uscc = await enterprise(strong);
    const advantage = await call('POST', '/designations', office, {
      uscc,
      level: 'national_advantage',
      year: 2022,
    });
    expect(advantage.status).toBe(201);
    const applied = await call('POST', '/designation-applications', as(uscc), {
      level: 'national_demonstration',
      year: 2026,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    await call('POST', `/designations/${id}/nominate`, office);
    await call('POST', `/designations/${id}/publish`, office);
    clock.moveTo('2026-06-08');
    const before = await counters();
    expect((await call('POST', `/designations/${id}/confirm`, office)).status).toBe(200);
    const after = await counters();
    expect(after.national_advantage).toBe(before.national_advantage! - 1);
    expect(after.national_demonstration).toBe((before.national_demonstration ?? 0) + 1);
    expect((await call('GET', `/designations/${advantage.body.id}`, office)).body).toMatchObject({
      status: 'superseded',
      supersededBy: id,
    });
  });
});
