import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/domain/clock.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2D00001');
const BUYER = withUsccCheck('91330702MA2D0000B');
const BANK = 'disposal-bank';
const OTHER_BANK = 'other-disposal-bank';
const INSURER = 'disposal-insurer';
const bank = asLender(BANK);
const P = 1_000_000_00;
const RATE = 435n;

/** Independent arithmetic: days between two ISO dates, and round half up in BigInt. */
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
const half = (num: bigint, den: bigint) => Number((2n * num + den) / (2n * den));
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(iso) + n * 86_400_000).toISOString().slice(0, 10);

/** Business date the tests move; instants stay real. */
let today = '2026-01-10';
const clock: Clock = { now: () => new Date(), today: () => today };

describe('default, disposal and release of a pledged right', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;
  const pledge = async (id: string) => (await portal.call('GET', `/pledges/${id}`, { as: office })).body;
  const dispose = (id: string, body: unknown, as: { role: 'enterprise' | 'lender'; org: string } = bank) =>
    portal.call('POST', `/pledges/${id}/disposals`, { as, body });

  /** A bullet loan of P (4.35 % unless given) over `termMonths`, disbursed on 2026-01-10, defaulted on `defaultOn`. */
  const defaulted = async (termMonths: number, defaultOn: string, rateBps = Number(RATE)) => {
    today = '2026-01-10';
    const patent = await f.patent(A);
    const id = (
      await f.apply(A, {
        assetIds: [patent],
        lenderId: BANK,
        termMonths,
        appraisedValueFen: 5 * P,
        requestedAmountFen: P,
      })
    ).body.id as string;
    await f.act(id, 'review', bank);
    expect((await f.act(id, 'approve', bank, { approvedAmountFen: P, annualRateBps: rateBps })).status).toBe(
      200,
    );
    await f.act(id, 'register', office, { registrationNumber: 'Y2026330000777' });
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    today = defaultOn;
    const res = await f.act(id, 'default', bank);
    expect(res.body).toMatchObject({ status: 'defaulted', defaultedOn: defaultOn });
    return { id, patent };
  };

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await Promise.all([f.institution(BANK), f.institution(OTHER_BANK), f.institution(INSURER, 'insurer')]);
  });

  it('disposes before maturity: the loss is principal + interest accrued to the day − recovered, shared by the pool', async () => {
    today = '2026-01-10';
    const pool = { poolBps: 4000, lenderBps: 3000, insurerBps: 2000, appraiserBps: 1000 };
    expect((await portal.call('PUT', '/programmes/risk-pool', { as: office, body: pool })).status).toBe(201);
    const { id, patent } = await defaulted(12, '2026-06-10');
    today = '2026-07-20';
    const recoveredFen = 600_000_00;
    const res = await dispose(id, {
      method: 'transfer',
      recoveredFen,
      completedOn: '2026-07-20',
      transfereeUscc: BUYER.toLowerCase(),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    // Before maturity nothing is due: owed = principal + interest accrued since disbursement (actual/360).
    const owed = P + half(BigInt(P) * RATE * BigInt(days('2026-01-10', '2026-07-20')), 3_600_000n);
    const loss = owed - recoveredFen;
    const share = (bps: number) => Number((BigInt(loss) * BigInt(bps)) / 10_000n);
    expect(res.body).toMatchObject({ status: 'disposed', version: 7 });
    expect(res.body.disposal).toEqual({
      method: 'transfer',
      recoveredFen,
      completedOn: '2026-07-20',
      transfereeUscc: BUYER,
      owedFen: owed,
      lossFen: loss,
      lossSharing: {
        lossFen: loss,
        poolFen: share(4000),
        lenderFen: loss - share(4000) - share(2000) - share(1000),
        insurerFen: share(2000),
        appraiserFen: share(1000),
        shares: pool,
      },
    });

    // A later change of the programme rewrites no disposal already shared.
    const pool2 = { poolBps: 5000, lenderBps: 5000, insurerBps: 0, appraiserBps: 0 };
    const changed = await portal.call('PUT', '/programmes/risk-pool', { as: office, body: pool2 });
    expect(changed.status).toBe(200);
    expect((await pledge(id)).disposal.lossSharing.shares).toEqual(pool);

    // The asset stays held until the office releases it; the release records the transfer to the buyer.
    expect((await portal.call('GET', `/assets/${patent}`, { as: office })).body).toMatchObject({
      encumbrance: { pledgeId: id },
    });
    const released = await f.act(id, 'release', office);
    expect(released.body.status).toBe('released');
    const asset = (await portal.call('GET', `/assets/${patent}`, { as: asEnterprise(A) })).body;
    expect(asset.encumbrance).toBeNull();
    expect(asset.transferredTo).toEqual({ uscc: BUYER, on: '2026-07-20', pledgeId: id });
    expect((await pledge(id)).history.map((e: { action: string }) => e.action).slice(-3)).toEqual([
      'default',
      'dispose',
      'release',
    ]);
  });

  it('after maturity the loss counts the interest of the period and the penalty on overdue principal', async () => {
    const { id } = await defaulted(6, '2026-08-01');
    today = '2026-09-15';
    const res = await dispose(id, { method: 'agreed_value', recoveredFen: 0, completedOn: '2026-09-15' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Bullet: due 2026-07-10 with the period's interest; then penalty = principal × rate × 1.5 × days / 360.
    const interest = half(BigInt(P) * RATE * BigInt(days('2026-01-10', '2026-07-10')), 3_600_000n);
    const penalty = half(
      BigInt(P) * RATE * 15_000n * BigInt(days('2026-07-10', '2026-09-15')),
      36_000_000_000n,
    );
    expect(res.body.disposal).toMatchObject({
      owedFen: P + interest + penalty,
      lossFen: P + interest + penalty,
    });
    expect(res.body.disposal.transfereeUscc).toBeUndefined();
    // Released without a transferee, the right stays where it was: no transfer is recorded.
    const released = await f.act(id, 'release', office);
    expect(released.body.status).toBe('released');
    const assetId = (await pledge(id)).assetIds[0];
    expect(
      (await portal.call('GET', `/assets/${assetId}`, { as: office })).body.transferredTo,
    ).toBeUndefined();
  });

  it('recovering more than was owed is no loss', async () => {
    const { id } = await defaulted(12, '2026-03-01');
    today = '2026-03-02';
    const res = await dispose(id, { method: 'auction', recoveredFen: 2 * P, completedOn: '2026-03-02' });
    expect(res.status).toBe(201);
    expect(res.body.disposal.lossFen).toBe(0);
    expect(res.body.disposal.lossSharing).toBeUndefined();
  });

  it('refuses every bad disposal with its code and writes nothing', async () => {
    const { id } = await defaulted(12, '2026-05-01');
    today = '2026-05-20';
    const before = await pledge(id);
    const cases: [unknown, number, string[]][] = [
      [
        { method: 'transfer', recoveredFen: 1, completedOn: '2026-04-30', transfereeUscc: BUYER },
        422,
        ['disposal_before_default'],
      ],
      [{ method: 'auction', recoveredFen: 1, completedOn: '2026-05-21' }, 422, ['disposal_in_future']],
      [{ method: 'transfer', recoveredFen: 1, completedOn: '2026-05-20' }, 422, ['transferee_required']],
      [
        { method: 'agreed_value', recoveredFen: 1, completedOn: '2026-05-20', transfereeUscc: BUYER },
        422,
        ['transferee_not_applicable'],
      ],
      [
        {
          method: 'auction',
          recoveredFen: 1,
          completedOn: '2026-05-20',
          transfereeUscc: '91330702MA2D00000X',
        },
        422,
        ['invalid_uscc'],
      ],
      [
        { method: 'transfer', recoveredFen: 1, completedOn: '2026-05-20', transfereeUscc: A },
        422,
        ['transferee_is_pledgor'],
      ],
    ];
    for (const [body, status, codes] of cases) {
      const res = await dispose(id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual(codes);
    }
    for (const body of [
      { method: 'barter', recoveredFen: 1, completedOn: '2026-05-20' },
      { method: 'auction', recoveredFen: -1, completedOn: '2026-05-20' },
      { method: 'auction', recoveredFen: 1, completedOn: '2026-05-20', extra: true },
    ]) {
      const res = await dispose(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const after = await pledge(id);
    expect(after.version).toBe(before.version);
    expect(after.status).toBe('defaulted');
  });

  it('only the pledge’s own lender disposes, only of a defaulted pledge', async () => {
    const { id } = await defaulted(12, '2026-04-01');
    const body = { method: 'auction', recoveredFen: 10, completedOn: '2026-04-01' };
    expect((await dispose(id, body, asEnterprise(A))).status).toBe(403);
    expect((await dispose(id, body, asLender(OTHER_BANK))).status).toBe(404);
    expect((await dispose('no-such-pledge', body)).status).toBe(404);

    today = '2026-01-10';
    const patent = await f.patent(A);
    const active = (await f.apply(A, { assetIds: [patent], lenderId: BANK })).body.id as string;
    await f.act(active, 'review', bank);
    await f.act(active, 'approve', bank, { approvedAmountFen: 100_000_00, annualRateBps: 400 });
    await f.act(active, 'register', office, { registrationNumber: 'Y2026330000778' });
    expect((await f.act(active, 'disburse', bank)).body.status).toBe('active');
    const notDefaulted = await dispose(active, { ...body, completedOn: '2026-01-10' });
    expect(notDefaulted.status).toBe(409);
    expect(notDefaulted.body.currentState).toBe('active');
  });

  it('two disposals at once: exactly one is recorded', async () => {
    const { id } = await defaulted(12, '2026-02-01');
    today = '2026-02-10';
    const results = await Promise.all(
      [100, 200].map((recoveredFen) =>
        dispose(id, { method: 'agreed_value', recoveredFen, completedOn: '2026-02-10' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201)!.body.disposal.recoveredFen;
    const stored = await pledge(id);
    expect(stored.disposal.recoveredFen).toBe(winner);
    expect(stored.history.filter((e: { action: string }) => e.action === 'dispose')).toHaveLength(1);
  });

  it('releases a defaulted pledge only after a disposal or by an explicit waiver', async () => {
    const { id } = await defaulted(12, '2026-03-10');
    const refused = await f.act(id, 'release', office);
    expect(refused.status).toBe(409);
    expect(refused.body.currentState).toBe('defaulted');
    expect((await pledge(id)).status).toBe('defaulted');
    const waived = await f.act(id, 'release', office, { waived: true });
    expect(waived.body).toMatchObject({ status: 'released', releaseWaived: true });
  });

  it('the risk pool’s shares must add up to 10000 bps; only the office sets them', async () => {
    const bad = await portal.call('PUT', '/programmes/risk-pool', {
      as: office,
      body: { poolBps: 5000, lenderBps: 3000, insurerBps: 2000, appraiserBps: 1 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`)).toEqual([
      'poolBps:shares_must_sum_to_10000',
      'lenderBps:shares_must_sum_to_10000',
      'insurerBps:shares_must_sum_to_10000',
      'appraiserBps:shares_must_sum_to_10000',
    ]);
    expect(
      (
        await portal.call('PUT', '/programmes/risk-pool', {
          as: bank,
          body: { poolBps: 10000, lenderBps: 0, insurerBps: 0, appraiserBps: 0 },
        })
      ).status,
    ).toBe(403);
    const read = await portal.call('GET', '/programmes/risk-pool', { as: bank });
    expect(read.status).toBe(200);
    expect(read.body.poolBps + read.body.lenderBps + read.body.insurerBps + read.body.appraiserBps).toBe(
      10_000,
    );
  });
  it('auction to a buyer: the event carries the disposal; the release records the transfer; the pledgor cannot pledge the sold right again', async () => {
    today = '2026-01-10';
    // One Guangdong city's shares (DOMAIN.md): 54 : 26 : 16 : 4.
    const pool = { poolBps: 5400, lenderBps: 2600, insurerBps: 1600, appraiserBps: 400 };
    expect([200, 201]).toContain(
      (await portal.call('PUT', '/programmes/risk-pool', { as: office, body: pool })).status,
    );
    const { id, patent } = await defaulted(12, '2026-04-15');
    today = '2026-05-05';
    const recoveredFen = 300_000_00;
    const res = await dispose(id, {
      method: 'auction',
      recoveredFen,
      completedOn: '2026-05-05',
      transfereeUscc: BUYER,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const owed = P + half(BigInt(P) * RATE * BigInt(days('2026-01-10', '2026-05-05')), 3_600_000n);
    const loss = BigInt(owed - recoveredFen);
    const part = (bps: number) => Number((loss * BigInt(bps)) / 10_000n);
    const sharing = {
      lossFen: Number(loss),
      poolFen: part(5400),
      lenderFen: Number(loss) - part(5400) - part(1600) - part(400),
      insurerFen: part(1600),
      appraiserFen: part(400),
    };
    expect(res.body.disposal).toEqual({
      method: 'auction',
      recoveredFen,
      completedOn: '2026-05-05',
      transfereeUscc: BUYER,
      owedFen: owed,
      lossFen: Number(loss),
      lossSharing: { ...sharing, shares: pool },
    });

    // One `pledge.disposed` event, which the lender sees, with the disposal's facts.
    const events = await portal.call('GET', `/events?subject=pledge:${id}`, { as: bank });
    expect(events.status).toBe(200);
    const disposed = events.body.items.filter((e: { type: string }) => e.type === 'pledge.disposed');
    expect(disposed).toHaveLength(1);
    expect(disposed[0]).toMatchObject({
      action: 'dispose',
      from: 'defaulted',
      to: 'disposed',
      version: 7,
      data: {
        method: 'auction',
        recoveredFen,
        completedOn: '2026-05-05',
        transfereeUscc: BUYER,
        lossFen: Number(loss),
        lossSharing: sharing,
      },
    });

    const released = await f.act(id, 'release', office);
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    for (const as of [office, asEnterprise(A)]) {
      const asset = (await portal.call('GET', `/assets/${patent}`, { as })).body;
      expect(asset.encumbrance).toBeNull();
      expect(asset.transferredTo).toEqual({ uscc: BUYER, on: '2026-05-05', pledgeId: id });
    }
    // The right went to the buyer: the defaulting pledgor may not pledge it again.
    const again = await f.apply(A, { assetIds: [patent], lenderId: BANK });
    expect(again.status, JSON.stringify(again.body)).toBe(422);
    expect(again.body.errors.map((e: { path: string }) => e.path)).toEqual(['assetIds.0']);
    // Nor insure it.
    const policy = await portal.call('POST', '/policies', {
      as: asEnterprise(A),
      body: {
        insurerId: INSURER,
        assetIds: [patent],
        coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1_000_000 }],
        periodStart: '2026-05-05',
        periodEnd: '2027-05-04',
      },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(422);
    expect(policy.body.errors.map((e: { path: string }) => e.path)).toEqual(['assetIds.0']);
    expect((await portal.call('GET', `/assets/${patent}`, { as: office })).body.encumbrance).toBeNull();
  });

  // Twelve loans taken to default and disposal over HTTP, each registered with its four documents: minutes on busy
  // cores, not seconds.
  it('property: over HTTP, the loss is owed − recovered (≥ 0) and its sharing is exact to the fen for any shares', {
    timeout: 180_000,
  }, async () => {
    const shares = fc
      .tuple(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
      )
      .map((cuts) => {
        const [a, b, c] = [...cuts].sort((x, y) => x - y) as [number, number, number];
        return { poolBps: a, lenderBps: b - a, insurerBps: c - b, appraiserBps: 10_000 - c };
      });
    await fc.assert(
      fc.asyncProperty(
        shares,
        fc.integer({ min: 1, max: 2_400 }),
        fc.integer({ min: 0, max: 200 }),
        // Recovered as a share of the principal, up to 120 % (more than owed: no loss).
        fc.integer({ min: 0, max: 12_000 }),
        async (pool, rateBps, afterDefault, recoveredPermyriad) => {
          today = '2026-01-10';
          const set = await portal.call('PUT', '/programmes/risk-pool', { as: office, body: pool });
          expect([200, 201]).toContain(set.status);
          const { id } = await defaulted(12, '2026-03-01', rateBps);
          const completedOn = addDays('2026-03-01', afterDefault);
          today = completedOn;
          const recoveredFen = Number((BigInt(P) * BigInt(recoveredPermyriad)) / 10_000n);
          const res = await dispose(id, { method: 'agreed_value', recoveredFen, completedOn });
          expect(res.status, JSON.stringify(res.body)).toBe(201);

          // Before maturity (2027-01-10) nothing is due: owed = P + interest accrued, actual/360, half up.
          const owed =
            BigInt(P) +
            (2n * BigInt(P) * BigInt(rateBps) * BigInt(days('2026-01-10', completedOn)) + 3_600_000n) /
              7_200_000n;
          const loss = owed > BigInt(recoveredFen) ? owed - BigInt(recoveredFen) : 0n;
          expect(BigInt(res.body.disposal.owedFen)).toBe(owed);
          expect(BigInt(res.body.disposal.lossFen)).toBe(loss);
          if (loss === 0n) {
            expect(res.body.disposal.lossSharing).toBeUndefined();
            return;
          }
          const s = res.body.disposal.lossSharing;
          const floor = (bps: number) => (loss * BigInt(bps)) / 10_000n;
          expect(BigInt(s.lossFen)).toBe(loss);
          expect(BigInt(s.poolFen)).toBe(floor(pool.poolBps));
          expect(BigInt(s.insurerFen)).toBe(floor(pool.insurerBps));
          expect(BigInt(s.appraiserFen)).toBe(floor(pool.appraiserBps));
          expect(BigInt(s.lenderFen)).toBe(
            loss - floor(pool.poolBps) - floor(pool.insurerBps) - floor(pool.appraiserBps),
          );
          expect(s.shares).toEqual(pool);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('honours If-Match and replays an Idempotency-Key without a second disposal', async () => {
    const { id } = await defaulted(12, '2026-02-15');
    today = '2026-02-20';
    const body = { method: 'agreed_value', recoveredFen: 500_000_00, completedOn: '2026-02-20' };
    const stale = await portal.call('POST', `/pledges/${id}/disposals`, {
      as: bank,
      body,
      headers: { 'If-Match': '"5"' },
    });
    expect(stale.status).toBe(412);
    expect((await pledge(id)).status).toBe('defaulted');

    const headers = { 'If-Match': '"6"', 'Idempotency-Key': `dispose-${id}` };
    const first = await portal.call('POST', `/pledges/${id}/disposals`, { as: bank, body, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('etag')).toBe('"7"');
    expect(first.headers.get('location')).toBe(`/pledges/${id}`);
    const replay = await portal.call('POST', `/pledges/${id}/disposals`, { as: bank, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const different = await portal.call('POST', `/pledges/${id}/disposals`, {
      as: bank,
      body: { ...body, recoveredFen: 1 },
      headers,
    });
    expect(different.status).toBe(422);
    const stored = await pledge(id);
    expect(stored.version).toBe(7);
    expect(stored.disposal.recoveredFen).toBe(500_000_00);
    expect(stored.history.filter((e: { action: string }) => e.action === 'dispose')).toHaveLength(1);
  });

  it('refuses malformed bodies (400), other roles (403) and a second disposal or one after release (409)', async () => {
    const { id } = await defaulted(12, '2026-06-01');
    today = '2026-06-05';
    const ok = { method: 'auction', recoveredFen: 1, completedOn: '2026-06-05' };
    for (const body of [
      { ...ok, recoveredFen: 1.5 },
      { ...ok, recoveredFen: '100' },
      { ...ok, recoveredFen: Number.MAX_SAFE_INTEGER + 1 },
      { method: 'auction', completedOn: '2026-06-05' },
      { method: 'auction', recoveredFen: 1 },
      { recoveredFen: 1, completedOn: '2026-06-05' },
      { ...ok, completedOn: '2026-02-30' },
      { ...ok, completedOn: '05/06/2026' },
      { ...ok, transfereeUscc: 'X'.repeat(41) },
      { ...ok, transfereeUscc: 42 },
    ]) {
      const res = await dispose(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    for (const as of [office, { role: 'insurer' as const, org: 'some-insurer' }]) {
      const res = await portal.call('POST', `/pledges/${id}/disposals`, { as, body: ok });
      expect(res.status).toBe(403);
    }
    expect((await pledge(id)).version).toBe(6);

    expect((await dispose(id, ok)).status).toBe(201);
    const second = await dispose(id, ok);
    expect(second.status).toBe(409);
    expect(second.body.currentState).toBe('disposed');
    // A disposed pledge is released without a waiver; `waived: false` changes nothing about that.
    expect((await f.act(id, 'release', office, { waived: false })).body.status).toBe('released');
    const afterRelease = await dispose(id, ok);
    expect(afterRelease.status).toBe(409);
    expect(afterRelease.body.currentState).toBe('released');
  });

  it('a defaulted pledge with `waived: false` is not released; the waiver frees the right back to the pledgor', async () => {
    const { id, patent } = await defaulted(12, '2026-07-01');
    const refused = await f.act(id, 'release', office, { waived: false });
    expect(refused.status).toBe(409);
    expect(refused.body.currentState).toBe('defaulted');
    expect((await portal.call('GET', `/assets/${patent}`, { as: office })).body.encumbrance).toEqual({
      pledgeId: id,
    });
    expect((await f.act(id, 'release', office, { waived: true })).status).toBe(200);
    const asset = (await portal.call('GET', `/assets/${patent}`, { as: asEnterprise(A) })).body;
    expect(asset.encumbrance).toBeNull();
    expect(asset.transferredTo).toBeUndefined();
    // Waived, the right is the pledgor's again: it may pledge it anew.
    today = '2026-07-02';
    const again = await f.apply(A, { assetIds: [patent], lenderId: BANK });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });
});

describe('a disposal before the city ever set its risk pool', () => {
  it('records the loss without a sharing: no shares are invented (GET /programmes/risk-pool is 404)', async () => {
    let day = '2026-01-10';
    const portal = await createTestPortal({ clock: { now: () => new Date(), today: () => day } });
    const f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.institution(BANK);
    expect((await portal.call('GET', '/programmes/risk-pool', { as: bank })).status).toBe(404);
    const patent = await f.patent(A);
    const id = (await f.apply(A, { assetIds: [patent], lenderId: BANK, appraisedValueFen: 5 * P })).body
      .id as string;
    await f.act(id, 'review', bank);
    await f.act(id, 'approve', bank, { approvedAmountFen: 100_000_00, annualRateBps: 360 });
    await f.act(id, 'register', office, { registrationNumber: 'Y2026330000779' });
    expect((await f.act(id, 'disburse', bank)).body.status).toBe('active');
    day = '2026-03-01';
    expect((await f.act(id, 'default', bank)).body.status).toBe('defaulted');
    const res = await portal.call('POST', `/pledges/${id}/disposals`, {
      as: bank,
      body: { method: 'agreed_value', recoveredFen: 40_000_00, completedOn: '2026-03-01' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 100 000 yuan at 3.6 % for 50 days, actual/360: 500 yuan exactly.
    expect(res.body.disposal).toEqual({
      method: 'agreed_value',
      recoveredFen: 40_000_00,
      completedOn: '2026-03-01',
      owedFen: 100_500_00,
      lossFen: 60_500_00,
    });
  });
});
