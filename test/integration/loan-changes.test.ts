import { beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/domain/clock.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2C00001');
const BANK = 'change-bank';
const OTHER_BANK = 'other-change-bank';
const bank = asLender(BANK);
const P = 120_000_00;
const RATE = 480n;

/** Independent arithmetic: days between ISO dates, round half up in BigInt, and actual/360 or monthly interest. */
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
const half = (num: bigint, den: bigint) => Number((2n * num + den) / (2n * den));
const daily = (fen: number, from: string, to: string) =>
  half(BigInt(fen) * RATE * BigInt(days(from, to)), 3_600_000n);
const monthly = (fen: number) => half(BigInt(fen) * RATE, 120_000n);

let today = '2026-01-15';
const clock: Clock = { now: () => new Date(), today: () => today };

describe('extensions and partial releases registered by the IP office', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;
  const pledge = async (id: string) => (await portal.call('GET', `/pledges/${id}`, { as: office })).body;
  const schedule = async (id: string) =>
    (await portal.call('GET', `/pledges/${id}/schedule`, { as: bank })).body;
  const extend = (
    id: string,
    newMaturesOn: string,
    as: { role: 'enterprise' | 'lender'; org: string } = bank,
  ) => portal.call('POST', `/pledges/${id}/extend`, { as, body: { newMaturesOn } });
  const registerChange = (id: string) =>
    portal.call('POST', `/pledges/${id}/register-change`, { as: office, body: {} });

  /** An active loan of P at 4.80 % for 12 months from 2026-01-15 on `assets` (default: one fresh patent). */
  const active = async (repaymentType: string, assets?: string[]) => {
    today = '2026-01-15';
    const assetIds = assets ?? [await f.patent(A)];
    const id = (
      await f.apply(A, {
        assetIds,
        lenderId: BANK,
        termMonths: 12,
        appraisedValueFen: 10 * P,
        requestedAmountFen: P,
      })
    ).body.id as string;
    await f.act(id, 'review', bank);
    const approved = await f.act(id, 'approve', bank, {
      approvedAmountFen: P,
      annualRateBps: Number(RATE),
      repaymentType,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await f.act(id, 'register', office, { registrationNumber: 'Y2026330000555' });
    expect((await f.act(id, 'disburse', bank)).body.status).toBe('active');
    return id;
  };

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await Promise.all([f.institution(BANK), f.institution(OTHER_BANK)]);
  });

  it('extends a bullet loan: the lender asks, the office registers, the extra days accrue actual/360', async () => {
    const id = await active('bullet');
    today = '2026-06-01';
    const asked = await extend(id, '2027-04-30');
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body).toMatchObject({
      status: 'active',
      maturesOn: '2027-01-15',
      changeRequested: { newMaturesOn: '2027-04-30' },
    });
    // Nothing moves until the office registers the change.
    expect((await schedule(id)).instalments[0].dueOn).toBe('2027-01-15');

    const registered = await registerChange(id);
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(registered.body.maturesOn).toBe('2027-04-30');
    expect(registered.body.changeRequested).toBeUndefined();
    const [only] = (await schedule(id)).instalments;
    expect(only).toMatchObject({
      n: 1,
      dueOn: '2027-04-30',
      principalFen: P,
      interestFen: daily(P, '2026-01-15', '2027-01-15') + daily(P, '2027-01-15', '2027-04-30'),
    });
    const stored = await pledge(id);
    expect(stored.changeRequested).toBeUndefined();
    expect(stored.version).toBe(registered.body.version);
  });

  it('extends a monthly loan by whole months: the final principal moves, each added month pays its interest', async () => {
    const id = await active('equal_principal');
    today = '2026-03-01';
    const before = (await schedule(id)).instalments;
    const finalPrincipal = P - Math.floor(P / 12) * 11;
    expect(before.at(-1)).toMatchObject({ n: 12, dueOn: '2027-01-15', principalFen: finalPrincipal });
    expect((await extend(id, '2027-04-10')).body.errors[0].code).toBe('not_whole_months');
    expect((await extend(id, '2027-04-15')).status).toBe(200);
    expect((await registerChange(id)).body).toMatchObject({ maturesOn: '2027-04-15', termMonths: 15 });
    const after = (await schedule(id)).instalments;
    expect(after).toHaveLength(15);
    expect(after.slice(0, 11)).toEqual(before.slice(0, 11));
    expect(after[11]).toMatchObject({
      n: 12,
      dueOn: '2027-01-15',
      principalFen: 0,
      interestFen: before[11].interestFen,
    });
    expect(after.slice(12)).toEqual(
      ['2027-02-15', '2027-03-15', '2027-04-15'].map((dueOn, k) => ({
        n: 13 + k,
        dueOn,
        principalFen: k === 2 ? finalPrincipal : 0,
        interestFen: monthly(finalPrincipal),
        paidPrincipalFen: 0,
        paidInterestFen: 0,
        status: 'due',
      })),
    );
    expect(after.reduce((sum: number, i: { principalFen: number }) => sum + i.principalFen, 0)).toBe(P);
  });

  it('refuses an extension the loan or its rights do not allow, with codes, and writes nothing', async () => {
    const trademark = await f.trademark(A); // in force until 2030-04-30
    const id = await active('bullet', [trademark]);
    today = '2026-02-01';
    const version = (await pledge(id)).version;
    const refused = async (date: string, codes: string[]) => {
      const res = await extend(id, date);
      expect(res.status, date).toBe(422);
      expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual(codes);
    };
    await refused('2027-01-15', ['not_after_maturity']);
    await refused('2030-05-01', ['expires_before_maturity']);
    expect(
      (await portal.call('POST', `/pledges/${id}/extend`, { as: bank, body: { newMaturesOn: 'soon' } }))
        .status,
    ).toBe(400);
    expect((await extend(id, '2028-01-15', asEnterprise(A))).status).toBe(403);
    expect((await extend(id, '2028-01-15', asLender(OTHER_BANK))).status).toBe(404);
    expect((await registerChange(id)).status).toBe(409);
    expect((await pledge(id)).version).toBe(version);

    expect((await extend(id, '2028-01-15')).status).toBe(200);
    const second = await extend(id, '2028-06-15');
    expect(second.status).toBe(409);
    // Past maturity an overdue loan is not rescheduled away.
    today = '2027-01-16';
    const late = await registerChange(id);
    expect(late.status).toBe(422);
    expect(late.body.errors.map((e: { code: string }) => e.code)).toEqual(['maturity_passed']);
  });

  it('two registrations of the same change at once: one applies it, the other finds nothing pending', async () => {
    const id = await active('interest_only');
    today = '2026-04-01';
    expect((await extend(id, '2027-03-15')).status).toBe(200);
    const results = await Promise.all([registerChange(id), registerChange(id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const instalments = (await schedule(id)).instalments;
    expect(instalments).toHaveLength(14);
    expect(instalments.reduce((sum: number, i: { principalFen: number }) => sum + i.principalFen, 0)).toBe(P);
  });

  it('releases some of the rights of an active pledge, never all of them', async () => {
    const [kept, freed] = [await f.patent(A), await f.patent(A)];
    const id = await active('bullet', [kept, freed]);
    const release = (assetIds: string[]) =>
      portal.call('POST', `/pledges/${id}/release-assets`, { as: office, body: { assetIds } });
    const every = await release([kept, freed]);
    expect(every.status).toBe(422);
    expect(every.body.errors.map((e: { code: string }) => e.code)).toEqual(['releases_every_asset']);
    const stranger = await release([await f.patent(A)]);
    expect(stranger.body.errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`)).toEqual([
      'assetIds.0:not_pledged',
    ]);
    expect((await release([freed, freed])).status).toBe(400);
    expect(
      (await portal.call('POST', `/pledges/${id}/release-assets`, { as: bank, body: { assetIds: [freed] } }))
        .status,
    ).toBe(403);

    const done = await release([freed]);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.assetIds).toEqual([kept]);
    expect(done.body.assets.map((a: { id: string }) => a.id)).toEqual([kept]);
    const asset = async (assetId: string) =>
      (await portal.call('GET', `/assets/${assetId}`, { as: office })).body;
    expect((await asset(freed)).encumbrance).toBeNull();
    expect((await asset(kept)).encumbrance).toEqual({ pledgeId: id });
    // The freed right can be pledged again at once.
    const again = await f.apply(A, { assetIds: [freed], lenderId: BANK });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });
});
