import { beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from '../../shared/domain/clock.js';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { notificationsOf } from '../../shared/domain/notification.js';
import { offerRenewals } from '../../shared/jobs/renewals.js';
import { toResource } from '../../shared/store/records.js';
import { Store } from '../../shared/store/toolkit.js';
import {
  activePolicy,
  asEnterprise,
  asInsurer,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

const TODAY = '2026-06-01';

/** Renewal offers (the scheduled job) and renewals (the holder's action). */
describe('policy renewals', () => {
  const clock = movableClock(TODAY);
  let portal: TestPortal;
  let p: Parties;
  let asset: string;

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    p = await setupParties(portal);
    asset = await trademark(portal, p.holder);
  });

  const endingOn = (periodEnd: string) => activePolicy(portal, p, [asset], { periodEnd });
  const run = () => offerRenewals({ db: portal.deps.db, tableName: portal.tableName, pageSize: 2 }, clock);
  const events = async (policyId: string): Promise<DomainEvent[]> =>
    (await new Store(portal.deps.db, portal.tableName).queryPartition(`POLICY#${policyId}`, 'EVENT#')).map(
      (i) => toResource<DomainEvent>(i),
    );

  it('offers each policy ending within 30 days once, and reads only the policies ending in that window', async () => {
    // Days left after today: 0 (ends today), 1, 30, 31, and one a year away.
    const ends = ['2026-06-01', '2026-06-02', '2026-07-01', '2026-07-02', '2027-05-31'];
    const ids = await Promise.all(ends.map(endingOn));
    const first = await run();
    // The window is tomorrow … today + 30: the two policies inside it are read, nothing else.
    expect(first).toEqual({ examined: 2, offered: 2 });
    for (const [i, id] of ids.entries()) {
      const view = await portal.call('GET', `/policies/${id}`, { as: asEnterprise(p.holder) });
      const offered = i === 1 || i === 2;
      expect(view.body.renewalOfferedOn, ends[i]).toBe(offered ? TODAY : undefined);
      const due = (await events(id)).filter((e) => e.type === 'policy.renewal_due');
      expect(due).toHaveLength(offered ? 1 : 0);
      if (offered) expect(notificationsOf(due[0]!).map((n) => n.tenant)).toEqual([`enterprise:${p.holder}`]);
    }
    expect(await run()).toEqual({ examined: 2, offered: 0 });
    // A day later the window moves on: the policy with 31 days left is now due, and only it.
    clock.moveTo('2026-06-02');
    expect(await run()).toEqual({ examined: 2, offered: 1 });
    clock.moveTo(TODAY);
  });

  it('renews an active policy from the day after its period, once; underwriting applies', async () => {
    const id = await endingOn('2026-12-31');
    const renew = (body: unknown, as: CallOptions['as'] = asEnterprise(p.holder)) =>
      portal.call('POST', `/policies/${id}/renew`, { as, body });
    expect((await renew({ periodEnd: '2027-12-31' }, asInsurer(p.insurer))).status).toBe(403);
    expect((await renew({ periodEnd: '2027-12-31' }, asEnterprise(p.other))).status).toBe(404);
    const tooLong = await renew({ periodEnd: '2032-01-01' });
    expect(tooLong.status).toBe(422);
    // Over five years from 2027-01-01; the right itself is not in force that long either.
    expect(tooLong.body.errors.map((e: { path: string }) => e.path)).toEqual(['periodEnd', 'assetIds.0']);

    const renewed = await renew({
      periodEnd: '2027-12-31',
      coverages: [{ line: 'infringement_loss', sumInsuredFen: 6_000_000, deductibleFen: 1_000 }],
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(201);
    expect(renewed.headers.get('location')).toBe(`/policies/${renewed.body.id}`);
    expect(renewed.body).toMatchObject({
      status: 'applied',
      renewalOf: id,
      insurerId: p.insurer,
      assetIds: [asset],
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
      coverages: [{ line: 'infringement_loss', sumInsuredFen: 6_000_000, deductibleFen: 1_000, paidFen: 0 }],
    });
    const old = await portal.call('GET', `/policies/${id}`, { as: asEnterprise(p.holder) });
    expect(old.body).toMatchObject({ status: 'active', renewedBy: renewed.body.id });
    expect(old.body.history.at(-1)).toMatchObject({ action: 'renew', from: 'active', to: 'active' });
    // The insurer sees the renewal in its underwriting queue.
    const queue = await portal.call('GET', '/policies?status=applied', { as: asInsurer(p.insurer) });
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(renewed.body.id);

    const again = await renew({ periodEnd: '2027-12-31' });
    expect(again.status).toBe(409);
    expect(again.body.renewedBy).toBe(renewed.body.id);
    // A renewed policy is not offered a renewal.
    clock.moveTo('2026-12-15');
    const offers = await run();
    expect(
      (await portal.call('GET', `/policies/${id}`, { as: asEnterprise(p.holder) })).body.renewalOfferedOn,
    ).toBe(undefined);
    expect(offers.offered).toBe(0);
    clock.moveTo(TODAY);
  });
});
