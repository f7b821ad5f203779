import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { movableClock } from '../../shared/domain/clock.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { designationCandidacyKey, designationLockKey } from '../../shared/store/keys.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { applyForDesignation, takeStep } from '../../shared/usecases/designation-programme.js';
import { getDesignation } from '../../shared/usecases/designations.js';
import { expectedScore, givePortfolio, type Portfolio } from '../support/designation-fixtures.js';
import { interleavingClient, TRANSACTION_COMMANDS } from '../support/interleave.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

/**
 * The designation use cases' answers pinned down where the flow tests (designations, designation-programme) check
 * only the status: what each refusal says (detail, field, code, params), the events each step writes (their data
 * and audience), who may read a designation, and the refusals of a transaction that met a race or inconsistent
 * data. Mutation testing found these unpinned (README "Mutation testing").
 */
const office = { role: 'ipoffice' as const };
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'office-1' };
const lender = { role: 'lender' as const, org: 'ducase-bank' };
const otherLender = { role: 'lender' as const, org: 'ducase-bank-2' };
let serial = 0;
const newUscc = () => withUsccCheck(`91330782MU${String(++serial).padStart(7, '0')}`);

describe('designation use cases: refusals, events, visibility', () => {
  const clock = movableClock('2026-03-02');
  /** Its `beforeNext` runs once before the next TransactWrite the portal sends (a concurrent request landing then). */
  const interleaving = interleavingClient(TRANSACTION_COMMANDS);
  let portal: TestPortal;
  let uc: UseCaseContext;
  const as = (uscc: string) => ({ role: 'enterprise' as const, org: uscc });
  type Who = NonNullable<Parameters<TestPortal['call']>[2]>['as'];
  const call = (method: string, path: string, who: Who, body?: unknown, headers?: Record<string, string>) =>
    portal.call(method, path, {
      as: who,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
    });
  const eventsOf = async (id: string) => {
    const res = await call('GET', `/events?subject=designation:${id}`, office);
    expect(res.status).toBe(200);
    return res.body.items as { action: string; data: Record<string, unknown>; audience: string[] }[];
  };

  const enterprise = async (p: Portfolio) => {
    const uscc = newUscc();
    expect((await call('PUT', `/enterprises/${uscc}`, office, { name: `Case ${uscc}` })).status).toBe(201);
    await givePortfolio(portal, uscc, p);
    return uscc;
  };
  const strong: Portfolio = { invention: 5, utility: 2, trademarks: 3, financed: true, insured: true };
  const weak: Portfolio = { invention: 0, utility: 1, trademarks: 0, financed: false, insured: false };
  const registered = async () => enterprise({ ...weak, utility: 0 });

  /** The office nominates `uscc` for `level` and publishes it: the candidacy's id. */
  const inNotice = async (uscc: string, level: string, year = 2026) => {
    const nominated = await call('POST', '/designation-nominations', office, { uscc, level, year });
    expect(nominated.status, JSON.stringify(nominated.body)).toBe(201);
    const published = await call('POST', `/designations/${nominated.body.id}/publish`, office);
    expect(published.body.status).toBe('in_notice');
    return nominated.body.id as string;
  };

  beforeAll(async () => {
    portal = await createTestPortal({ clock, db: interleaving.db });
    uc = useCaseContext(portal.deps);
  });

  describe('candidacies', () => {
    it('admits a portfolio scoring exactly the minimum; the answer and the event carry the application', async () => {
      clock.moveTo('2026-03-02');
      const exact: Portfolio = { invention: 1, utility: 0, trademarks: 1, financed: false, insured: false };
      expect(expectedScore(exact)).toBe(30);
      const uscc = await enterprise(exact);
      const applied = await call('POST', '/designation-applications', as(uscc), {
        level: 'provincial_advantage',
        year: 2026,
      });
      expect(applied.status, JSON.stringify(applied.body)).toBe(201);
      const id = applied.body.id as string;
      expect(applied.body).toMatchObject({
        uscc,
        status: 'applied',
        eligibility: { score: 30, minimum: 30 },
      });
      expect(applied.body.reviews).toEqual([]);
      expect(applied.body.history).toEqual([
        expect.objectContaining({
          action: 'apply',
          from: null,
          to: 'applied',
          actor: expect.objectContaining(as(uscc)),
        }),
      ]);
      expect(await eventsOf(id)).toEqual([
        expect.objectContaining({
          action: 'apply',
          data: { uscc, level: 'provincial_advantage', year: 2026, score: 30 },
          audience: [`enterprise:${uscc}`],
        }),
      ]);
      // The enterprise reads its events (it is their audience); another enterprise does not.
      expect((await call('GET', `/events?subject=designation:${id}`, as(uscc))).status).toBe(200);
      expect((await call('GET', `/events?subject=designation:${id}`, as(await registered()))).status).toBe(
        404,
      );

      const twice = await call('POST', '/designation-applications', as(uscc), {
        level: 'provincial_advantage',
        year: 2027,
      });
      expect(twice.status).toBe(409);
      const message = `${uscc} already has an open candidacy for provincial_advantage`;
      expect(twice.body.detail).toBe(`Enterprise ${message} (${id}).`);
      expect(twice.body.errors).toEqual([{ path: 'level', code: 'candidacy_open', message }]);
      expect(twice.body.activeDesignationId).toBe(id);
    });

    it('says why a candidacy is refused: list year, score, title held, programme rule, unknown or malformed USCC', async () => {
      clock.moveTo('2026-03-03');
      const weakOne = await enterprise(weak);
      const later = await call('POST', '/designation-applications', as(weakOne), {
        level: 'provincial_advantage',
        year: 2028,
      });
      expect(later.status).toBe(422);
      expect(later.body.detail).toBe('A candidacy is for the list of 2026 or 2027.');
      expect(later.body.errors).toEqual([
        {
          path: 'year',
          code: 'list_year',
          message: 'must be 2026 or 2027',
          params: { from: 2026, to: 2027 },
        },
      ]);

      const score = expectedScore(weak);
      const below = await call('POST', '/designation-applications', as(weakOne), {
        level: 'provincial_advantage',
        year: 2027,
      });
      expect(below.status).toBe(422);
      expect(below.body.detail).toBe(`Enterprise ${weakOne} scores ${score}, below the 30 asked.`);
      expect(below.body.errors).toEqual([
        {
          path: 'level',
          code: 'below_eligibility',
          message: `scores ${score} of the 30 this level asks`,
          params: { score, minimum: 30 },
        },
      ]);

      const holder = await enterprise(strong);
      const title = await call('POST', '/designations', office, {
        uscc: holder,
        level: 'provincial_advantage',
        year: 2025,
      });
      expect(title.status).toBe(201);
      const held = await call('POST', '/designation-nominations', office, {
        uscc: holder,
        level: 'provincial_advantage',
        year: 2026,
      });
      expect(held.status).toBe(409);
      expect(held.body.detail).toBe(
        `Enterprise ${holder} already holds an active provincial_advantage designation.`,
      );
      expect(held.body.errors).toEqual([
        { path: 'level', code: 'title_held', message: `${holder} already holds this title` },
      ]);
      expect(held.body.activeDesignationId).toBe(title.body.id);

      const rule = await call('POST', '/designation-applications', as(holder), {
        level: 'national_demonstration',
        year: 2026,
      });
      expect(rule.status).toBe(422);
      expect(rule.body.errors).toEqual([
        { path: 'level', code: 'advantage_required', message: expect.any(String) },
      ]);
      expect(rule.body.detail).toBe(`Enterprise ${holder}: ${rule.body.errors[0].message}.`);

      const unknown = newUscc();
      const stranger = await call('POST', '/designation-nominations', office, {
        uscc: unknown,
        level: 'provincial_advantage',
        year: 2026,
      });
      expect(stranger.status).toBe(422);
      expect(stranger.body.detail).toBe(`Enterprise ${unknown} is not registered in the portal.`);

      const good = newUscc();
      const wrong = good[17] === '0' ? '1' : '0';
      const malformed = await call('POST', '/designation-nominations', office, {
        uscc: `${good.slice(0, 17)}${wrong}`,
        level: 'provincial_advantage',
        year: 2026,
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([
        { path: 'uscc', message: `check character is "${wrong}" but should be "${good[17]}"` },
      ]);
    });

    it('refuses an enterprise actor without an organisation as a malformed USCC', async () => {
      const error = await refusal(
        applyForDesignation(
          uc,
          { role: 'enterprise', org: null },
          { level: 'provincial_advantage', year: 2026 },
        ),
      );
      expect(error.kind).toBe('validation');
      expect(error.extra.errors).toEqual([{ path: 'uscc', message: 'must be 18 characters, got 0' }]);
    });

    it('rejects a candidate with the reason the enterprise reads, in its history and its event', async () => {
      clock.moveTo('2026-03-04');
      const uscc = await enterprise(strong);
      const applied = await call('POST', '/designation-applications', as(uscc), {
        level: 'provincial_advantage',
        year: 2026,
      });
      const id = applied.body.id as string;
      const rejected = await call('POST', `/designations/${id}/reject`, office, {
        reason: 'Portfolio overstated.',
      });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        rejectionReason: 'Portfolio overstated.',
        rejectedAt: rejected.body.updatedAt,
        version: 2,
      });
      expect(typeof rejected.body.rejectedAt).toBe('string');
      expect(rejected.body.history.at(-1)).toMatchObject({
        action: 'reject',
        from: 'applied',
        to: 'rejected',
        reason: 'Portfolio overstated.',
      });
      expect((await eventsOf(id)).at(-1)).toMatchObject({
        action: 'reject',
        data: { reason: 'Portfolio overstated.' },
      });
      // Rejected, the candidacy no longer blocks a new application.
      const again = await call('POST', '/designation-applications', as(uscc), {
        level: 'provincial_advantage',
        year: 2026,
      });
      expect(again.status).toBe(201);
      // A rejection without a reason (a caller other than the API) stores an empty one.
      const silent = await takeStep(uc, OFFICE, 'reject', { id: again.body.id });
      expect(silent).toMatchObject({ status: 'rejected', rejectionReason: '' });
    });

    it('lists an enterprise’s designations for the office and for itself only', async () => {
      clock.moveTo('2026-03-05');
      const uscc = await enterprise(strong);
      const applied = await call('POST', '/designation-applications', as(uscc), {
        level: 'provincial_demonstration',
        year: 2026,
      });
      const byOffice = await call('GET', `/enterprises/${uscc}/designations`, office);
      expect(byOffice.status).toBe(200);
      expect(byOffice.body.items.map((d: { id: string }) => d.id)).toEqual([applied.body.id]);
      const other = await call('GET', `/enterprises/${uscc}/designations`, as(await registered()));
      expect(other.status).toBe(404);
      expect(other.body.detail).toBe(`Enterprise ${uscc} was not found.`);
    });
  });

  describe('the public notice', () => {
    it('numbers objections in order, each event naming its number; resolves only an open one', async () => {
      clock.moveTo('2026-04-01');
      const uscc = await enterprise(strong);
      const id = await inNotice(uscc, 'provincial_advantage');
      const first = await call('POST', `/designations/${id}/objections`, lender, {
        reason: 'Patents disputed.',
      });
      expect(first.status).toBe(201);
      expect(first.body.history.map((h: { action: string }) => h.action)).toEqual([
        'nominate',
        'publish',
        'object',
      ]);
      const second = await call('POST', `/designations/${id}/objections`, otherLender, { reason: 'Copied.' });
      expect(second.status).toBe(201);
      expect(second.body.objections).toEqual([expect.objectContaining({ n: 2, reason: 'Copied.' })]);
      const all = (await call('GET', `/designations/${id}`, office)).body;
      expect(all.objections.map((o: { n: number; reason: string }) => [o.n, o.reason])).toEqual([
        [1, 'Patents disputed.'],
        [2, 'Copied.'],
      ]);

      const self = await call('POST', `/designations/${id}/objections`, as(uscc), { reason: 'Mine.' });
      expect(self.status).toBe(422);
      expect(self.body.errors).toEqual([
        { path: 'reason', code: 'own_candidacy', message: expect.any(String) },
      ]);
      expect(self.body.detail).toBe(`Designation ${id}: ${self.body.errors[0].message}.`);

      const none = await call('POST', `/designations/${id}/objections/5/resolve`, office, {
        outcome: 'dismissed',
        resolution: 'x',
      });
      expect(none.status).toBe(422);
      expect(none.body.detail).toBe(`Designation ${id} has no open objection 5.`);
      expect(none.body.errors).toEqual([
        { path: 'n', code: 'no_open_objection', message: 'no open objection 5' },
      ]);

      const dismissed = await call('POST', `/designations/${id}/objections/2/resolve`, office, {
        outcome: 'dismissed',
        resolution: 'Not copied.',
      });
      expect(dismissed.status).toBe(200);
      expect(dismissed.body.history.map((h: { action: string }) => h.action)).toEqual([
        'nominate',
        'publish',
        'object',
        'object',
        'resolve_objection',
      ]);
      const events = await eventsOf(id);
      expect(events.map((e) => [e.action, e.data])).toEqual([
        ['nominate', { uscc, level: 'provincial_advantage', year: 2026, score: expectedScore(strong) }],
        ['publish', { noticeStartsOn: '2026-04-01', noticeEndsOn: '2026-04-07' }],
        ['object', { n: 1, reason: 'Patents disputed.' }],
        ['object', { n: 2, reason: 'Copied.' }],
        ['resolve_objection', { n: 2, outcome: 'dismissed', resolution: 'Not copied.' }],
      ]);
    });

    it('says why a candidate is not confirmed: the notice, a programme rule, the quota', async () => {
      clock.moveTo('2026-05-04');
      const uscc = await enterprise(strong);
      const id = await inNotice(uscc, 'provincial_advantage');
      const early = await call('POST', `/designations/${id}/confirm`, office);
      expect(early.status).toBe(422);
      expect(early.body.errors).toEqual([
        {
          path: 'status',
          code: 'notice_running',
          message: expect.any(String),
          params: { noticeEndsOn: '2026-05-10' },
        },
      ]);
      expect(early.body.detail).toBe(`Designation ${id}: ${early.body.errors[0].message}.`);

      // Meanwhile the office records the provincial demonstration title, which supersedes the advantage one.
      const demonstration = await call('POST', '/designations', office, {
        uscc,
        level: 'provincial_demonstration',
        year: 2026,
      });
      expect(demonstration.status).toBe(201);
      clock.moveTo('2026-05-11');
      const ruled = await call('POST', `/designations/${id}/confirm`, office);
      expect(ruled.status).toBe(422);
      expect(ruled.body.errors).toEqual([
        { path: 'level', code: 'demonstration_held', message: expect.any(String) },
      ]);
      expect((await call('GET', `/designations/${id}`, office)).body).toMatchObject({
        status: 'in_notice',
        version: 2,
      });

      // The quota of 2027: none left, then one, then it may not fall below the one granted.
      const a = await inNotice(await enterprise(strong), 'provincial_advantage', 2027);
      const b = await inNotice(await enterprise(strong), 'provincial_advantage', 2027);
      expect(
        (await call('PUT', '/designation-quotas/2027', office, { provincial_advantage: 0 })).status,
      ).toBe(200);
      clock.moveTo('2026-05-18');
      const exhausted = await call('POST', `/designations/${a}/confirm`, office);
      expect(exhausted.status).toBe(409);
      expect(exhausted.body.detail).toBe('The 2027 quota of provincial_advantage is used up.');
      expect(exhausted.body.errors).toEqual([
        { path: 'level', code: 'quota_exhausted', message: 'the 2027 quota is used up' },
      ]);
      expect(
        (await call('PUT', '/designation-quotas/2027', office, { provincial_advantage: 1 })).status,
      ).toBe(200);
      expect((await call('POST', `/designations/${a}/confirm`, office)).status).toBe(200);
      expect((await call('POST', `/designations/${b}/confirm`, office)).status).toBe(409);
      const lower = await call('PUT', '/designation-quotas/2027', office, {
        provincial_demonstration: 3,
        provincial_advantage: 0,
      });
      expect(lower.status).toBe(409);
      expect(lower.body.detail).toBe(
        'The 2027 quota of provincial_advantage is below the 1 titles already granted.',
      );
      expect(lower.body.errors).toEqual([
        {
          path: 'quotas.provincial_advantage',
          code: 'quota_below_granted',
          message: '1 titles were already granted',
          params: { granted: 1 },
        },
      ]);
      // Nothing changed: the other level's quota was not set either.
      expect((await call('GET', '/designation-quotas/2027', office)).body).toEqual({
        provincial_advantage: { quota: 1, granted: 1 },
      });
      const empty = await call('PUT', '/designation-quotas/2027', office, {});
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([{ path: 'quotas', message: 'must name at least one level' }]);
    });

    it('answers 503 when the table is too busy to set quotas, changing nothing', async () => {
      interleaving.beforeNext(async () => {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ThrottlingException',
        });
      });
      const busy = await call('PUT', '/designation-quotas/2030', office, {
        national_advantage: 4,
        national_demonstration: 2,
      });
      expect(busy.status).toBe(503);
      expect((await call('GET', '/designation-quotas/2030', office)).body).toEqual({});
    });
  });

  describe('recorded titles', () => {
    it('designates with the event it writes; an enterprise reads its own title only', async () => {
      clock.moveTo('2026-06-01');
      const uscc = await registered();
      const until = await call('POST', '/designations', office, {
        uscc,
        level: 'provincial_advantage',
        year: 2024,
        validUntil: '2027-12-31',
      });
      expect(until.status).toBe(201);
      const open = await call('POST', '/designations', office, {
        uscc,
        level: 'national_advantage',
        year: 2024,
      });
      expect(open.status).toBe(201);
      expect((await eventsOf(until.body.id)).map((e) => [e.action, e.data, e.audience])).toEqual([
        [
          'designate',
          { uscc, level: 'provincial_advantage', year: 2024, validUntil: '2027-12-31' },
          [`enterprise:${uscc}`],
        ],
      ]);
      expect((await eventsOf(open.body.id)).map((e) => e.data)).toEqual([
        { uscc, level: 'national_advantage', year: 2024 },
      ]);

      expect((await call('GET', `/designations/${open.body.id}`, as(uscc))).status).toBe(200);
      const other = await call('GET', `/designations/${open.body.id}`, as(await registered()));
      expect(other.status).toBe(404);
      expect(other.body.detail).toBe(`Designation ${open.body.id} was not found.`);
      // A role other than enterprise does not see it, whatever its organisation is called.
      const error = await refusal(getDesignation(uc, { role: 'lender', org: uscc }, open.body.id));
      expect(error.kind).toBe('not_found');

      const duplicate = await call('POST', '/designations', office, {
        uscc,
        level: 'national_advantage',
        year: 2025,
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.detail).toBe(
        `Enterprise ${uscc} already holds an active national_advantage designation (${open.body.id}); revoke it first.`,
      );
      expect(duplicate.body).not.toHaveProperty('errors');

      const before = await call('POST', '/designations', office, {
        uscc,
        level: 'provincial_demonstration',
        year: 2024,
        validUntil: '2023-12-31',
      });
      expect(before.status).toBe(400);
      expect(before.body.errors).toEqual([
        { path: 'validUntil', message: 'must not lie before the designation year 2024' },
      ]);
    });

    it('records reviews with their events and says why one is refused', async () => {
      clock.moveTo('2026-06-02');
      const uscc = await registered();
      const d = (
        await call('POST', '/designations', office, { uscc, level: 'national_advantage', year: 2023 })
      ).body;
      const review = (body: Record<string, unknown>) =>
        call('POST', `/designations/${d.id}/reviews`, office, body);
      const passed = await review({ year: 2024, outcome: 'pass', notes: 'Fine.' });
      expect(passed.status).toBe(201);
      expect(passed.body.status).toBe('active');
      expect(passed.body).not.toHaveProperty('revokedAt');
      expect(passed.body).not.toHaveProperty('revocationReason');
      expect((await review({ year: 2025, outcome: 'pass' })).status).toBe(201);

      const twice = await review({ year: 2024, outcome: 'pass' });
      expect(twice.status).toBe(409);
      expect(twice.body.currentState).toBe('active');
      expect(twice.body.detail).toMatch(new RegExp(`^Designation ${d.id}: \\S.*\\.$`));
      const future = await review({ year: 2027, outcome: 'pass' });
      expect(future.status).toBe(422);
      expect(future.body.errors).toEqual([
        { path: 'year', code: 'review_in_future', message: expect.any(String) },
      ]);
      expect(future.body.detail).toBe(`Designation ${d.id}: ${future.body.errors[0].message}.`);
      const early = await review({ year: 2022, outcome: 'pass' });
      expect(early.status).toBe(422);
      expect(early.body.errors).toEqual([
        { path: 'year', code: 'review_predates_designation', message: expect.any(String) },
      ]);
      expect(early.body.detail).toBe(`Designation ${d.id}: ${early.body.errors[0].message}.`);

      expect((await eventsOf(d.id)).map((e) => [e.action, e.data])).toEqual([
        ['designate', { uscc, level: 'national_advantage', year: 2023 }],
        ['review_pass', { year: 2024, outcome: 'pass', notes: 'Fine.' }],
        ['review_pass', { year: 2025, outcome: 'pass' }],
      ]);
    });

    it('lists designations with their histories', async () => {
      const page = await call('GET', '/designations?status=active&limit=5', office);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeGreaterThan(0);
      for (const item of page.body.items) {
        expect(item.history[0], item.id).toMatchObject({ from: null });
        expect(item.history.at(-1), item.id).toMatchObject({ to: 'active', at: item.updatedAt });
      }
    });
  });

  describe('races and inconsistent data', () => {
    it('writes the supersede event; a promotion that loses to another meanwhile is told to retry', async () => {
      clock.moveTo('2026-07-01');
      const uscc = await registered();
      const advantage = await call('POST', '/designations', office, {
        uscc,
        level: 'national_advantage',
        year: 2020,
      });
      let winner: { status: number; body: { id: string } } | undefined;
      interleaving.beforeNext(async () => {
        winner = await call('POST', '/designations', office, {
          uscc,
          level: 'national_demonstration',
          year: 2025,
        });
      });
      const loser = await call('POST', '/designations', office, {
        uscc,
        level: 'national_demonstration',
        year: 2024,
      });
      expect(winner?.status).toBe(201);
      expect(loser.status).toBe(409);
      expect(loser.body.detail).toBe(
        `The national_advantage title ${advantage.body.id} changed meanwhile; retry.`,
      );
      expect((await eventsOf(advantage.body.id)).map((e) => [e.action, e.data])).toEqual([
        ['designate', { uscc, level: 'national_advantage', year: 2020 }],
        ['supersede', { supersededBy: winner?.body.id, level: 'national_demonstration' }],
      ]);
    });

    it('replays a retry that races its own first attempt with the same Idempotency-Key', async () => {
      clock.moveTo('2026-07-02');
      const uscc = await registered();
      const body = { uscc, level: 'provincial_advantage', year: 2025 };
      const headers = { 'Idempotency-Key': `race-${uscc}` };
      let first: { status: number; body: { id: string } } | undefined;
      interleaving.beforeNext(async () => {
        first = await call('POST', '/designations', office, body, headers);
      });
      const retry = await call('POST', '/designations', office, body, headers);
      expect(first?.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body.id).toBe(first?.body.id);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
    });

    it('refuses to free a lock another designation holds, and says the office must reconcile it', async () => {
      clock.moveTo('2026-07-03');
      const uscc = await registered();
      const d = await call('POST', '/designations', office, {
        uscc,
        level: 'provincial_advantage',
        year: 2025,
      });
      await portal.deps.db.send(
        new PutCommand({
          TableName: portal.tableName,
          Item: {
            ...designationLockKey(uscc, 'provincial_advantage'),
            entity: 'designation-lock',
            designationId: 'someone-else',
          },
        }),
      );
      const revoke = await call('POST', `/designations/${d.body.id}/revoke`, office, { reason: 'x' });
      expect(revoke.status).toBe(409);
      expect(revoke.body.detail).toBe(
        'The active-designation lock does not belong to this designation; the IP office must reconcile it.',
      );
      expect((await call('GET', `/designations/${d.body.id}`, office)).body.status).toBe('active');

      // A candidacy lock held by another: the change is not stored, and no lock is blamed.
      const candidate = await enterprise(strong);
      const applied = await call('POST', '/designation-applications', as(candidate), {
        level: 'provincial_advantage',
        year: 2026,
      });
      await portal.deps.db.send(
        new PutCommand({
          TableName: portal.tableName,
          Item: {
            ...designationCandidacyKey(candidate, 'provincial_advantage'),
            entity: 'designation-candidacy',
            designationId: 'someone-else',
          },
        }),
      );
      const withdraw = await call('POST', `/designations/${applied.body.id}/withdraw`, as(candidate));
      expect(withdraw.status).toBe(409);
      expect(withdraw.body.detail).toBe('The change could not be stored; retry.');
    });

    it('refuses a duplicate without naming a holder when a lock names none', async () => {
      clock.moveTo('2026-07-05');
      const uscc = await enterprise(strong);
      for (const key of [
        designationCandidacyKey(uscc, 'provincial_advantage'),
        designationLockKey(uscc, 'national_advantage'),
      ])
        await portal.deps.db.send(
          new PutCommand({ TableName: portal.tableName, Item: { ...key, entity: 'designation-lock' } }),
        );
      const applied = await call('POST', '/designation-applications', as(uscc), {
        level: 'provincial_advantage',
        year: 2026,
      });
      expect(applied.status).toBe(409);
      expect(applied.body.detail).toBe(
        `Enterprise ${uscc} already has an open candidacy for provincial_advantage.`,
      );
      expect(applied.body).not.toHaveProperty('activeDesignationId');
      const designated = await call('POST', '/designations', office, {
        uscc,
        level: 'national_advantage',
        year: 2024,
      });
      expect(designated.status).toBe(409);
      expect(designated.body.detail).toBe(
        `Enterprise ${uscc} already holds an active national_advantage designation; revoke it first.`,
      );
      expect(designated.body).not.toHaveProperty('activeDesignationId');
    });

    it('does not take a lock naming a title that is no longer active as the advantage to supersede', async () => {
      clock.moveTo('2026-07-04');
      const uscc = await registered();
      const advantage = await call('POST', '/designations', office, {
        uscc,
        level: 'national_advantage',
        year: 2020,
      });
      expect(
        (await call('POST', `/designations/${advantage.body.id}/revoke`, office, { reason: 'x' })).status,
      ).toBe(200);
      // The lock still names the revoked title (as it would, read between its revocation and its lock's removal).
      await portal.deps.db.send(
        new PutCommand({
          TableName: portal.tableName,
          Item: {
            ...designationLockKey(uscc, 'national_advantage'),
            entity: 'designation-lock',
            designationId: advantage.body.id,
          },
        }),
      );
      const promoted = await call('POST', '/designations', office, {
        uscc,
        level: 'national_demonstration',
        year: 2024,
      });
      expect(promoted.status).toBe(422);
      expect(promoted.body.errors[0].code).toBe('advantage_required');
      expect(promoted.body.detail).toBe(`Enterprise ${uscc}: ${promoted.body.errors[0].message}.`);
    });
  });
});
