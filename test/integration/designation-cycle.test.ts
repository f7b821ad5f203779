import { beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from '../../shared/domain/clock.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { runDesignationCycle } from '../../shared/jobs/designation-cycle.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { lapseDesignation } from '../../shared/usecases/designations.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const office = { role: 'ipoffice' as const };

/**
 * The designation cycle: a title whose validUntil has passed, or whose re-review is overdue, lapses once and stops
 * counting.
 */
describe('the designation cycle', () => {
  const clock = movableClock('2026-06-30');
  let portal: TestPortal;
  const usccs = ['MA3D00001', 'MA3D00002', 'MA3D00003', 'MA3D00004', 'MA3D00005'].map((org) =>
    withUsccCheck(`91330782${org}`),
  );

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    for (const uscc of usccs)
      expect(
        (await portal.call('PUT', `/enterprises/${uscc}`, { as: office, body: { name: uscc } })).status,
      ).toBe(201);
  });

  const designate = async (uscc: string, validUntil?: string, year = 2024) => {
    const res = await portal.call('POST', '/designations', {
      as: office,
      body: { uscc, level: 'provincial_advantage', year, ...(validUntil ? { validUntil } : {}) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const cycle = () => runDesignationCycle({ db: portal.deps.db, tableName: portal.tableName }, clock);
  const view = async (id: string) => (await portal.call('GET', `/designations/${id}`, { as: office })).body;
  /** What the lapse event of `id` records. */
  const lapseData = async (id: string) => {
    const res = await portal.call('GET', `/events?subject=designation:${id}`, { as: office });
    expect(res.status).toBe(200);
    return res.body.items.find((e: { action: string }) => e.action === 'lapse')?.data;
  };

  it('lapses the titles valid until before today, keeps the others, and a second run changes nothing', async () => {
    const ends = await designate(usccs[0]!, '2026-06-29'); // the day before today
    const lastDay = await designate(usccs[1]!, '2026-06-30'); // valid through today
    const open = await designate(usccs[2]!); // no end
    expect((await computeStats(portal.deps, clock)).designations.provincial_advantage).toBe(3);

    expect(await cycle()).toEqual({ examined: 3, lapsed: 1 });
    expect(await view(ends)).toMatchObject({ status: 'lapsed', lapsedOn: '2026-06-30' });
    expect((await view(ends)).history.at(-1)).toMatchObject({
      action: 'lapse',
      from: 'active',
      to: 'lapsed',
      actor: { role: 'system' },
    });
    expect(await lapseData(ends)).toEqual({ reason: 'valid_until_passed', validUntil: '2026-06-29' });
    expect((await view(lastDay)).status).toBe('active');
    expect((await view(open)).status).toBe('active');
    // A title still standing is not lapsed, even when asked directly.
    const standing = await lapseDesignation(useCaseContext(portal.deps), open).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(standing).toMatchObject({
      kind: 'invalid_state',
      message: 'The designation still stands.',
      extra: { currentState: 'active' },
    });
    expect(await view(open)).toMatchObject({ status: 'active', version: 1 });
    // The lapsed title no longer counts, and its enterprise may be designated again at that level.
    expect((await computeStats(portal.deps, clock)).designations.provincial_advantage).toBe(2);
    expect(await cycle()).toEqual({ examined: 2, lapsed: 0 });
    const again = await designate(usccs[0]!, '2027-12-31');
    expect((await view(again)).status).toBe('active');

    clock.moveTo('2026-07-01');
    expect(await cycle()).toEqual({ examined: 3, lapsed: 1 });
    expect((await view(lastDay)).status).toBe('lapsed');
    // A lapsed title cannot be reviewed or revoked: its cycle is over.
    const review = await portal.call('POST', `/designations/${lastDay}/reviews`, {
      as: office,
      body: { year: 2025, outcome: 'pass' },
    });
    expect(review.status).toBe(409);
    expect(review.body.currentState).toBe('lapsed');
  });

  it('lapses a title whose re-review year has ended without one, and keeps one reviewed in time', async () => {
    clock.moveTo('2026-12-31');
    const unreviewed = await designate(usccs[3]!, undefined, 2023); // re-review due in 2026
    const reviewed = await designate(usccs[4]!, undefined, 2023);
    const review = await portal.call('POST', `/designations/${reviewed}/reviews`, {
      as: office,
      body: { year: 2026, outcome: 'pass' },
    });
    expect(review.status).toBe(201);
    const before = (await cycle()).lapsed;
    expect(before).toBe(0); // 2026 has not ended yet
    clock.moveTo('2027-01-01');
    const run = await cycle();
    expect(await view(unreviewed)).toMatchObject({
      status: 'lapsed',
      lapsedOn: '2027-01-01',
      lapseReason: 'review_overdue',
    });
    expect((await view(unreviewed)).history.at(-1)).toMatchObject({
      action: 'lapse',
      reason: 'review_overdue',
    });
    expect(await lapseData(unreviewed)).toEqual({ reason: 'review_overdue' });
    expect((await view(reviewed)).status).toBe('active'); // next re-review: 2029
    expect(run.lapsed).toBe(1);
    expect((await cycle()).lapsed).toBe(0);
  });
});
