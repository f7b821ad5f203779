import { beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from '../../shared/domain/clock.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { runCollateralMonitor } from '../../shared/usecases/monitor.js';
import { applicationBody } from '../support/insurance-fixtures.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The collateral monitor over the real store: alerts on pledged and insured rights, raised once per right, type and
 * due date, each notified to the bank and the owner (or the insurer), listed at GET /collateral-watch for the bank
 * and the office, closed when their condition ends; a second run the same day changes nothing.
 */
const A = yiwu('MA2M00001');
const BANK = 'monitor-bank';
const OTHER_BANK = 'monitor-other-bank';
const INSURER = 'monitor-insurer';

type Caller = { role: 'enterprise' | 'lender' | 'insurer' | 'ipoffice'; org?: string };

describe('collateral monitor', () => {
  const clock = movableClock('2026-11-27');
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;
  let annuityPatent: string;
  let mark: string;
  let insured: string;
  let unwatched: string;
  const run = () => runCollateralMonitor(useCaseContext(portal.deps));
  const record = (assetId: string, body: unknown) =>
    portal.call('POST', `/assets/${assetId}/legal-events`, { as: office, body });
  const watchOf = async (as: Caller) => {
    const res = await portal.call('GET', '/collateral-watch?limit=100', { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as { asset: { id: string }; alerts: { type: string; dueOn?: string }[] }[])
      .map((w) => [w.asset.id, w.alerts.map((a) => `${a.type}${a.dueOn ? `@${a.dueOn}` : ''}`)])
      .sort();
  };
  const inboxTypes = async (as: Caller) =>
    (
      (await portal.call('GET', '/notifications?limit=100', { as })).body.items as {
        type: string;
        subject: { kind: string; id: string };
      }[]
    )
      .map((n) => `${n.type} ${n.subject.kind}:${n.subject.id}`)
      .sort();
  const registeredPledge = async (assetIds: string[], termMonths = 12) => {
    const applied = await f.apply(A, { lenderId: BANK, assetIds, termMonths });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id;
    await f.act(id, 'review', asLender(BANK));
    await f.act(id, 'approve', asLender(BANK), { approvedAmountFen: 100_000_00, annualRateBps: 400 });
    expect(
      (await f.act(id, 'register', office, { registrationNumber: `Y2026${id.slice(0, 8)}` })).status,
    ).toBe(200);
    return id;
  };

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.institution(BANK);
    await f.institution(OTHER_BANK);
    await f.institution(INSURER, 'insurer');
    // A pledged patent whose next annuity falls due on 2026-12-21 (within 60 days).
    annuityPatent = await f.patent(A);
    expect(
      (await record(annuityPatent, { type: 'annuity_paid', date: '2026-01-05', paidThrough: '2026-12-20' }))
        .status,
    ).toBe(201);
    await registeredPledge([annuityPatent]);
    // A pledged trademark within 12 months of its expiry (2027-05-09): renewal window, the loan ends before it.
    const tm = await portal.call('POST', `/enterprises/${A}/assets`, {
      as: asEnterprise(A),
      body: {
        kind: 'trademark',
        number: '6100001',
        mark: '双龙',
        niceClasses: [30],
        registrationDate: '2017-05-10',
      },
    });
    mark = tm.body.id;
    await registeredPledge([mark], 3);
    // An insured patent under an ownership dispute.
    insured = await f.patent(A);
    const policy = await portal.call('POST', '/policies', {
      as: asEnterprise(A),
      body: applicationBody(INSURER, [insured], { periodStart: '2026-11-01', periodEnd: '2027-10-31' }),
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    expect(
      (
        await portal.call('POST', `/policies/${policy.body.id}/issue`, {
          as: { role: 'insurer', org: INSURER },
          body: { premiumFen: 1000 },
        })
      ).status,
    ).toBe(200);
    expect((await record(insured, { type: 'dispute_filed', date: '2026-11-20' })).status).toBe(201);
    // A preserved right in a mere application: not collateral yet, not watched.
    unwatched = await f.patent(A);
    expect((await f.apply(A, { lenderId: BANK, assetIds: [unwatched] })).status).toBe(201);
    expect((await record(unwatched, { type: 'preservation_ordered', date: '2026-11-20' })).status).toBe(201);
  });

  it('raises each alert once, tells the bank and the owner (or the insurer), and lists it for the bank and the office', async () => {
    expect(await run()).toEqual({ watched: 3, raised: 3, changed: 3 });
    const expected = [
      [annuityPatent, ['annuity_due@2026-12-21']],
      [mark, ['renewal_window@2027-05-09']],
    ].sort();
    expect(await watchOf(asLender(BANK))).toEqual(expected);
    expect(await watchOf(office)).toEqual(expected);
    expect(await watchOf(asLender(OTHER_BANK))).toEqual([]);
    expect((await portal.call('GET', '/collateral-watch', { as: asEnterprise(A) })).status).toBe(403);
    const collateral = [
      `collateral.annuity_due asset:${annuityPatent}`,
      `collateral.renewal_window asset:${mark}`,
    ].sort();
    expect((await inboxTypes(asLender(BANK))).filter((t) => t.startsWith('collateral.'))).toEqual(collateral);
    expect((await inboxTypes(asEnterprise(A))).filter((t) => t.startsWith('collateral.'))).toEqual(
      collateral,
    );
    expect(await inboxTypes({ role: 'insurer', org: INSURER })).toContain(
      `insured_asset.disputed asset:${insured}`,
    );
    expect(JSON.stringify(await inboxTypes(asLender(OTHER_BANK)))).not.toContain(unwatched);
  });

  it('a second run the same day writes nothing and tells no one again', async () => {
    const before = await inboxTypes(asLender(BANK));
    expect(await run()).toEqual({ watched: 3, raised: 0, changed: 0 });
    expect(await inboxTypes(asLender(BANK))).toEqual(before);
  });

  it('moves with the business date: the unpaid annuity’s grace period, then the payment closes the alert', async () => {
    clock.moveTo('2026-12-22');
    expect((await run()).raised).toBe(1);
    expect(await watchOf(asLender(BANK))).toContainEqual([annuityPatent, ['grace_period@2027-06-20']]);
    expect(await inboxTypes(asLender(BANK))).toContain(`collateral.grace_period asset:${annuityPatent}`);
    expect(
      (await record(annuityPatent, { type: 'annuity_paid', date: '2026-12-22', paidThrough: '2027-12-20' }))
        .status,
    ).toBe(201);
    expect(await run()).toMatchObject({ raised: 0, changed: 1 });
    expect((await watchOf(asLender(BANK))).map(([id]) => id)).toEqual([mark]);
  });
});
