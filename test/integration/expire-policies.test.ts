import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import { expirePolicies } from '../../shared/jobs/expire-policies.js';
import {
  activePolicy,
  applicationBody,
  asEnterprise,
  asInsurer,
  office,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

let clock = new Date('2026-11-27T04:00:00Z');

describe('scheduled policy expiry', () => {
  let portal: TestPortal;
  let p: Parties;
  let asset: string;
  const job = (now: Date, pageSize?: number) =>
    expirePolicies(
      { db: portal.deps.db, tableName: portal.tableName, ...(pageSize ? { pageSize } : {}) },
      fixedClock(now),
    );
  const policy = async (id: string) => (await portal.call('GET', `/policies/${id}`, { as: office })).body;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    p = await setupParties(portal);
    asset = await trademark(portal, p.holder);
  });

  it('expires exactly the active policies whose period has ended; a second run changes nothing', async () => {
    clock = new Date('2026-11-27T04:00:00Z');
    const endsSoon = { periodStart: '2026-01-01', periodEnd: '2026-11-30' };
    const expiring = [];
    for (let i = 0; i < 5; i++) expiring.push(await activePolicy(portal, p, [asset], endsSoon));
    const endsLater = await activePolicy(portal, p, [asset], {
      periodStart: '2026-01-01',
      periodEnd: '2026-12-01',
    });
    const applied = (
      await portal.call('POST', '/policies', {
        as: asEnterprise(p.holder),
        body: applicationBody(p.insurer, [asset], endsSoon),
      })
    ).body.id;
    const cancelled = await activePolicy(portal, p, [asset], endsSoon);
    expect(
      (await portal.call('POST', `/policies/${cancelled}/cancel`, { as: asEnterprise(p.holder) })).status,
    ).toBe(200);
    const all = [...expiring, endsLater, applied, cancelled];

    // 2026-11-30 is still inside the period (Shanghai time): nothing to do.
    expect(await job(new Date('2026-11-30T15:59:59Z'))).toEqual({ examined: 0, expired: 0 });

    const runAt = new Date('2026-11-30T16:00:00Z'); // 2026-12-01 00:00 in Shanghai
    expect(await job(runAt, 2)).toEqual({ examined: 5, expired: 5 });
    const after = await Promise.all(all.map(policy));
    expect(after.map((x) => x.status)).toEqual([
      'expired',
      'expired',
      'expired',
      'expired',
      'expired',
      'active',
      'applied',
      'cancelled',
    ]);
    for (const x of after.slice(0, 5))
      expect(x.history.at(-1)).toMatchObject({
        at: runAt.toISOString(),
        action: 'expire',
        from: 'active',
        to: 'expired',
        actor: { role: 'system', org: null },
      });
    const covered = await portal.call('GET', `/assets/${asset}`, { as: asEnterprise(p.holder) });
    expect(covered.body.insuredBy).toEqual([endsLater]);

    expect(await job(runAt, 2)).toEqual({ examined: 0, expired: 0 });
    const again = await Promise.all(all.map(policy));
    expect(again.map((x) => [x.status, x.version])).toEqual(after.map((x) => [x.status, x.version]));

    const listed = await portal.call('GET', '/policies?status=expired', { as: asInsurer(p.insurer) });
    expect(listed.body.items.map((x: { id: string }) => x.id).sort()).toEqual([...expiring].sort());
  });

  it('orders a claim filed concurrently with expiry: before it while active, or after it on occurrence cover', async () => {
    for (let round = 0; round < 6; round++) {
      clock = new Date('2026-11-27T04:00:00Z');
      const id = await activePolicy(portal, p, [asset], {
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
      });
      // The holder files on the period's last day while the job runs as if it were already 2027-01-01.
      clock = new Date('2026-12-31T04:00:00Z');
      const [filing, run] = await Promise.all([
        portal.call('POST', `/policies/${id}/claims`, {
          as: asEnterprise(p.holder),
          body: {
            line: 'enforcement_cost',
            claimedFen: 100,
            incidentDate: '2026-12-30',
            description: 'race',
          },
        }),
        job(new Date('2027-01-01T04:00:00Z')),
      ]);
      const view = await policy(id);
      expect(view.status).toBe('expired');
      expect(run.expired).toBeGreaterThanOrEqual(1);
      const actions = view.history.map((e: { action: string }) => e.action);
      const versions = view.history.map((e: { version: number }) => e.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      // An incident inside the period is covered whichever comes first (occurrence cover): the filing and the
      // expiry are each one event of the policy, in one order or the other, and the claim is recorded once.
      expect(filing.status, JSON.stringify(filing.body)).toBe(201);
      expect([
        ['apply', 'issue', 'file_claim', 'expire'],
        ['apply', 'issue', 'expire', 'file_claim'],
      ]).toContainEqual(actions);
      expect(view.claims.map((c: { id: string }) => c.id)).toEqual([filing.body.id]);
    }
  });
});
