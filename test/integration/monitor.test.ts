import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from '../../shared/domain/clock.js';
import { assetKey } from '../../shared/store/keys.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { runCollateralMonitor } from '../../shared/usecases/monitor.js';
import { applicationBody } from '../support/insurance-fixtures.js';
import { interleavingClient, TRANSACTION_COMMANDS } from '../support/interleave.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { storedItem, storedPartition } from '../support/stored-items.js';

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
  const registeredPledge = (assetIds: string[], termMonths = 12) =>
    f.registered(A, { lenderId: BANK, assetIds, termMonths });

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

/**
 * What a run writes, read behind the API: each watch whole (the policy's, which no list shows, included), no watch for
 * a right with nothing to say, each notification's title and the event id that makes it once; and a run that meets
 * another run's write of the same watch leaves it to that run.
 */
describe('collateral monitor: the records of a run', () => {
  const clock = movableClock('2026-11-27');
  const interleaving = interleavingClient(TRANSACTION_COMMANDS);
  const OWNER = yiwu('MA2M00002');
  const LENDER = 'monitor-rec-bank';
  const COVER = 'monitor-rec-insurer';
  let portal: TestPortal;
  let uc: UseCaseContext;
  let f: ReturnType<typeof pledgeFixtures>;
  const rights: Record<'due' | 'quiet' | 'insured', { id: string; number: string }> = {} as never;
  let duePledge: string;
  let quietPledge: string;
  let policy: string;

  const record = (assetId: string, body: unknown) =>
    portal.call('POST', `/assets/${assetId}/legal-events`, { as: office, body });
  const right = async (paidThrough?: string) => {
    const id = await f.patent(OWNER);
    if (paidThrough)
      expect((await record(id, { type: 'annuity_paid', date: '2026-01-05', paidThrough })).status).toBe(201);
    const asset = await portal.call('GET', `/assets/${id}`, { as: asEnterprise(OWNER) });
    return { id, number: asset.body.number as string };
  };
  const registered = (assetId: string) => f.registered(OWNER, { lenderId: LENDER, assetIds: [assetId] });
  /** The watch of `assetId` by `subject` in `scope`'s partition, without its keys. */
  const watchOf = async (scope: string, subject: string, assetId: string) => {
    const item = await storedItem(portal, `WATCH#${scope}`, `${subject}#${assetId}`);
    if (!item) return undefined;
    const { pk, sk, ...rest } = item;
    return rest;
  };
  /** The notifications stored in `tenant`'s inbox as [type, title, eventId]. */
  const inbox = async (tenant: string) =>
    (await storedPartition(portal, `INBOX#${tenant}`, 'N#')).map((n) => [n.type, n.title, n.eventId]);

  beforeAll(async () => {
    portal = await createTestPortal({ clock, db: interleaving.db });
    uc = useCaseContext(portal.deps);
    f = pledgeFixtures(portal);
    await f.enterprise(OWNER);
    await f.institution(LENDER);
    await f.institution(COVER, 'insurer');
    rights.due = await right('2026-12-20');
    rights.quiet = await right('2027-12-20');
    rights.insured = await right('2027-12-20');
    duePledge = await registered(rights.due.id);
    quietPledge = await registered(rights.quiet.id);
    const applied = await portal.call('POST', '/policies', {
      as: asEnterprise(OWNER),
      body: applicationBody(COVER, [rights.insured.id], {
        periodStart: '2026-11-01',
        periodEnd: '2027-10-31',
      }),
    });
    policy = applied.body.id;
    expect(
      (
        await portal.call('POST', `/policies/${policy}/issue`, {
          as: { role: 'insurer', org: COVER },
          body: { premiumFen: 1000 },
        })
      ).status,
    ).toBe(200);
    expect((await record(rights.insured.id, { type: 'dispute_filed', date: '2026-11-20' })).status).toBe(201);
  });

  it('writes a watch for each right with alerts, whole, and titles each notification with the right and the due date', async () => {
    expect(await runCollateralMonitor(uc)).toEqual({ watched: 3, raised: 2, changed: 2 });
    const due = await watchOf(`lender:${LENDER}`, `pledge#${duePledge}`, rights.due.id);
    expect(due).toEqual({
      entity: 'collateral-watch',
      scope: `lender:${LENDER}`,
      subject: { kind: 'pledge', id: duePledge },
      asset: {
        id: rights.due.id,
        kind: 'patent',
        number: rights.due.number,
        legalStatus: { state: 'in_force', flags: [], annuityPaidThrough: '2026-12-20' },
      },
      owner: OWNER,
      open: [{ type: 'annuity_due', dueOn: '2026-12-21', raisedOn: '2026-11-27' }],
      raised: ['annuity_due#2026-12-21'],
      version: 1,
      // Listed for the bank and the office.
      gsi2pk: `WATCH#lender:${LENDER}`,
      gsi2sk: `${rights.due.id}#${duePledge}`,
      gsi3pk: 'COLLATERAL_WATCH',
      gsi3sk: `${rights.due.id}#${duePledge}`,
    });
    expect(await watchOf(`lender:${LENDER}`, `pledge#${quietPledge}`, rights.quiet.id)).toBeUndefined();
    expect(await watchOf(`insurer:${COVER}`, `policy#${policy}`, rights.insured.id)).toEqual({
      entity: 'collateral-watch',
      scope: `insurer:${COVER}`,
      subject: { kind: 'policy', id: policy },
      asset: {
        id: rights.insured.id,
        kind: 'patent',
        number: rights.insured.number,
        legalStatus: { state: 'in_force', flags: ['disputed'], annuityPaidThrough: '2027-12-20' },
      },
      owner: OWNER,
      open: [{ type: 'disputed', raisedOn: '2026-11-27' }],
      raised: ['disputed#-'],
      version: 1,
    });

    const annuity = [
      'collateral.annuity_due',
      `${rights.due.number}: annuity due (2026-12-21)`,
      `monitor:pledge:${duePledge}:${rights.due.id}:annuity_due:2026-12-21`,
    ];
    expect(await inbox(`lender:${LENDER}`)).toEqual([annuity]);
    expect(await inbox(`enterprise:${OWNER}`)).toContainEqual(annuity);
    expect(await inbox(`insurer:${COVER}`)).toEqual([
      [
        'insured_asset.disputed',
        `${rights.insured.number}: disputed`,
        `monitor:policy:${policy}:${rights.insured.id}:disputed:-`,
      ],
    ]);
  });

  it("a run whose write meets another run's leaves the watch and the news to that run", async () => {
    // The first day's run (nothing new if the test above ran): each test runs on its own too.
    clock.moveTo('2026-11-27');
    await runCollateralMonitor(uc);
    clock.moveTo('2026-12-22');
    let other: Awaited<ReturnType<typeof runCollateralMonitor>> | undefined;
    interleaving.beforeNext(async () => {
      other = await runCollateralMonitor(uc);
    });
    expect(await runCollateralMonitor(uc)).toEqual({ watched: 3, raised: 0, changed: 0 });
    expect(other).toEqual({ watched: 3, raised: 1, changed: 1 });
    const due = await watchOf(`lender:${LENDER}`, `pledge#${duePledge}`, rights.due.id);
    expect([due?.open, due?.raised, due?.version]).toEqual([
      [{ type: 'grace_period', dueOn: '2027-06-20', raisedOn: '2026-12-22' }],
      ['annuity_due#2026-12-21', 'grace_period#2027-06-20'],
      2,
    ]);
    expect((await inbox(`lender:${LENDER}`)).map(([type]) => type)).toEqual([
      'collateral.annuity_due',
      'collateral.grace_period',
    ]);
  });

  it('a watched right missing from the store is passed over, not fatal', async () => {
    await runCollateralMonitor(uc);
    await portal.deps.db.send(
      new DeleteCommand({ TableName: portal.tableName, Key: assetKey(rights.quiet.id) }),
    );
    expect(await runCollateralMonitor(uc)).toEqual({ watched: 2, raised: 0, changed: 0 });
  });
});
