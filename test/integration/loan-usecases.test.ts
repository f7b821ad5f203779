import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import type { Clock } from '../../shared/domain/clock.js';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import {
  assetKey,
  eventKey,
  interestFactKey,
  interestFactsPartition,
  repaymentKey,
} from '../../shared/store/keys.js';
import { toResource } from '../../shared/store/records.js';
import { Store } from '../../shared/store/toolkit.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import {
  followLossSharing,
  guaranteeClaimId,
  openGuaranteeClaims,
} from '../../shared/usecases/guarantees.js';
import { loanBookOn, loanBookPage, serviceLoans } from '../../shared/usecases/loans.js';
import {
  getInterestSubsidy,
  getPremiumSubsidy,
  getRiskPool,
  interestSubsidyTotal,
  listSubsidies,
  setInterestSubsidy,
  setPremiumSubsidy,
  setRiskPool,
  subsidyLines,
} from '../../shared/usecases/programmes.js';
import { ensurePledgeDocuments } from '../support/documents.js';
import {
  activePolicy,
  applicationBody,
  approvedPledge,
  asInsurer,
  asEnterprise as insEnterprise,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { interleavingClient, TRANSACTION_COMMANDS } from '../support/interleave.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedPartition } from '../support/stored-items.js';

/**
 * The loans part of the use-case layer pinned down for mutation testing, in small steps on a few loans: further
 * tranches, repayments (their refusals word for word, the record, the interest fact), the schedule, the v1 payoff,
 * the daily servicing run and the loan book. Business date moved by the tests; every amount computed here in BigInt.
 */
const A = yiwu('MA2U00001');
const B = yiwu('MA2U00002'); // another enterprise
const BANK = 'usecase-bank';
const OTHER_BANK = 'usecase-other-bank';
const bank = asLender(BANK);
const P = 200_000_00;
const RATE = 385n;

const half = (num: bigint, den: bigint) => Number((2n * num + den) / (2n * den));
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
/** Interest at RATE actual/360 on `fen` between two dates. */
const daily = (fen: number, from: string, to: string) =>
  half(BigInt(fen) * RATE * BigInt(days(from, to)), 3_600_000n);

let today = '2026-11-27';
const clock: Clock = { now: () => new Date(), today: () => today };

type As = { role: 'enterprise' | 'lender' | 'ipoffice'; org?: string };

describe('loan use cases', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;

  const registered = async (repaymentType = 'bullet', lender = BANK) => {
    const patent = await f.patent(A);
    const applied = await f.apply(A, { assetIds: [patent], lenderId: lender, termMonths: 12 });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    const as = asLender(lender);
    expect((await f.act(id, 'review', as)).status).toBe(200);
    const approved = await f.act(id, 'approve', as, {
      approvedAmountFen: P,
      annualRateBps: Number(RATE),
      repaymentType,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const reg = await f.act(id, 'register', office, { registrationNumber: `ZX${id.slice(0, 8)}` });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    return id;
  };
  const pledge = async (id: string) => (await portal.call('GET', `/pledges/${id}`, { as: office })).body;
  const schedule = (id: string, as: As = bank) => portal.call('GET', `/pledges/${id}/schedule`, { as });
  const repay = (id: string, body: unknown, as: As = bank) =>
    portal.call('POST', `/pledges/${id}/repayments`, { as, body });
  const repayments = (id: string, as: As = bank) => portal.call('GET', `/pledges/${id}/repayments`, { as });
  const item = async (key: { pk: string; sk: string }) =>
    (await portal.deps.db.send(new GetCommand({ TableName: portal.tableName, Key: key }))).Item;
  const event = (id: string, version: number) => item(eventKey({ kind: 'pledge', id }, version));

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    await Promise.all([f.enterprise(A), f.enterprise(B)]);
    await Promise.all([f.institution(BANK), f.institution(OTHER_BANK)]);
  });

  it('further tranches: the event, the sum, the maturity boundary, and 409 once all is disbursed', async () => {
    today = '2026-11-27';
    const id = await registered('equal_instalment');
    expect((await f.act(id, 'disburse', bank, { amountFen: 50_000_00 })).status).toBe(200);
    today = '2027-01-10';
    const t2 = await f.act(id, 'disburse', bank, { amountFen: 30_000_00, disbursedOn: '2027-01-10' });
    expect(t2.status, JSON.stringify(t2.body)).toBe(200);
    expect(t2.body).toMatchObject({ status: 'active', disbursedAmountFen: 80_000_00 });
    const ev = await event(id, t2.body.version);
    expect(ev).toMatchObject({
      type: 'pledge.tranche_disbursed',
      data: { disbursedOn: '2027-01-10', amountFen: 30_000_00 },
    });
    // A tranche without a date is disbursed today.
    today = '2027-02-01';
    const t3 = await f.act(id, 'disburse', bank, { amountFen: 10_000_00 });
    expect(t3.status, JSON.stringify(t3.body)).toBe(200);
    expect((await event(id, t3.body.version))?.data).toEqual({
      disbursedOn: '2027-02-01',
      amountFen: 10_000_00,
    });
    const s = (await schedule(id)).body;
    expect(s.instalments.reduce((sum: number, i: { principalFen: number }) => sum + i.principalFen, 0)).toBe(
      90_000_00,
    );

    // On maturity day no tranche can be scheduled; the day before it can.
    today = '2027-11-27';
    const version = (await pledge(id)).version;
    const late = await f.act(id, 'disburse', bank, { amountFen: 1_00, disbursedOn: '2027-11-27' });
    expect(late.status, JSON.stringify(late.body)).toBe(422);
    expect(late.body.detail).toBe('A tranche on or after maturity 2027-11-27 cannot be scheduled.');
    expect(late.body.errors).toEqual([
      { path: 'disbursedOn', code: 'after_maturity', message: 'must be before 2027-11-27' },
    ]);
    expect((await pledge(id)).version).toBe(version);
    const last = await f.act(id, 'disburse', bank, { disbursedOn: '2027-11-26' });
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body.disbursedAmountFen).toBe(P);
    const none = await f.act(id, 'disburse', bank, {});
    expect(none.status).toBe(409);
    expect((await pledge(id)).version).toBe(last.body.version);
  });

  it('repayment refusals, word for word, at each boundary, and nothing written', async () => {
    today = '2026-11-27';
    const id = await registered('bullet');
    expect((await f.act(id, 'disburse', bank, { amountFen: 100_000_00 })).status).toBe(200);
    today = '2027-01-10';
    expect((await f.act(id, 'disburse', bank, { amountFen: 50_000_00 })).status).toBe(200);
    today = '2027-02-01';
    const version = (await pledge(id)).version;
    const cases = [
      ['2027-02-02', 'repayment_in_future', 'is after today 2027-02-01'],
      ['2026-11-26', 'repayment_before_disbursement', 'is before the first disbursement on 2026-11-27'],
      ['2027-01-09', 'repayment_before_disbursement', 'is before the tranche disbursed on 2027-01-10'],
    ] as const;
    for (const [paidOn, code, message] of cases) {
      const res = await repay(id, { amountFen: 1_00, paidOn });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.detail).toBe(`paidOn ${paidOn} ${message}.`);
      expect(res.body.errors).toEqual([{ path: 'paidOn', code, message }]);
    }
    expect((await pledge(id)).version).toBe(version);
    // On the day of the last tranche: accepted.
    const onTranche = await repay(id, { amountFen: 1_00, paidOn: '2027-01-10' });
    expect(onTranche.status, JSON.stringify(onTranche.body)).toBe(201);
    const before = await repay(id, { amountFen: 1_00, paidOn: '2027-01-09' });
    expect(before.body.errors).toEqual([
      {
        path: 'paidOn',
        code: 'repayment_out_of_order',
        message: 'is before the last recorded repayment on 2027-01-10',
      },
    ]);
    // The same day as the last repayment and today itself are fine.
    expect((await repay(id, { amountFen: 1_00, paidOn: '2027-01-10' })).status).toBe(201);
    expect((await repay(id, { amountFen: 1_00, paidOn: '2027-02-01' })).status).toBe(201);
    // Who may take one: the borrower and another bank may not.
    expect((await repay(id, { amountFen: 1_00 }, asEnterprise(A))).status).toBe(403);
    expect((await repay(id, { amountFen: 1_00 }, asLender(OTHER_BANK))).status).toBe(404);
  });

  it('a repayment: its record, the interest fact of its year, and who reads the list', async () => {
    today = '2026-11-27';
    const id = await registered('interest_only');
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    // The first instalment (2026-12-27) is a month's interest; 5 yuan more prepays principal.
    today = '2026-12-27';
    const interest = half(BigInt(P) * RATE, 120_000n);
    const first = await repay(id, { amountFen: interest + 5_00 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.allocation).toMatchObject({ penaltyFen: 0, interestFen: interest });
    const v1 = (await pledge(id)).version;
    expect(first.body).toMatchObject({
      id: `${id}-${v1}`,
      pledgeId: id,
      amountFen: interest + 5_00,
      paidOn: '2026-12-27',
      recordedBy: { role: 'lender', org: BANK },
      pledgeStatus: 'active',
      outstandingPrincipalFen: P - 5_00,
    });
    expect(Number.isNaN(Date.parse(first.body.recordedAt))).toBe(false);
    expect(await item(repaymentKey(id, v1))).toMatchObject({
      entity: 'repayment',
      lenderId: BANK,
      amountFen: interest + 5_00,
    });
    expect(await event(id, v1)).toMatchObject({
      type: 'pledge.repayment_recorded',
      data: { amountFen: interest + 5_00, paidOn: '2026-12-27', allocation: first.body.allocation },
    });
    expect(await item(interestFactKey(2026, id, v1))).toMatchObject({
      entity: 'interest-fact',
      pledgeId: id,
      uscc: A,
      approvedAmountFen: P,
      interestFen: interest,
      paidOn: '2026-12-27',
    });
    expect(await item(interestFactKey(2027, id, v1))).toBeUndefined();

    // The same day again: no interest left to pay, all of it prepays principal, and no interest fact.
    const early = await repay(id, { amountFen: 10_000_00 });
    expect(early.status, JSON.stringify(early.body)).toBe(201);
    expect(early.body.allocation).toMatchObject({ penaltyFen: 0, interestFen: 0 });
    const v2 = (await pledge(id)).version;
    expect(early.body).toMatchObject({ id: `${id}-${v2}`, outstandingPrincipalFen: P - 10_005_00 });
    const facts = await storedPartition(portal, interestFactsPartition(2026));
    expect(facts.filter((i) => i.pledgeId === id).map((i) => i.interestFen)).toEqual([interest]);

    // The list: oldest first, without the lender's id; the borrower reads it, a stranger gets 404.
    const listed = await repayments(id, asEnterprise(A));
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([`${id}-${v1}`, `${id}-${v2}`]);
    expect(listed.body.items[1]).toEqual(early.body);
    expect(listed.body.items[0].lenderId).toBeUndefined();
    expect((await repayments(id, office)).status).toBe(200);
    for (const as of [asLender(OTHER_BANK), asEnterprise(B)]) {
      const res = await repayments(id, as);
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe(`Pledge ${id} was not found.`);
    }
    expect((await repayments('no-such-pledge')).status).toBe(404);

    // v1 `repay` with the business date behind the last repayment: paid on the last repayment's day.
    today = '2026-12-20';
    const closed = await f.act(id, 'repay', bank);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.status).toBe('repaid');
    const all = (await repayments(id)).body.items;
    expect(all).toHaveLength(3);
    expect(all[2]).toMatchObject({
      paidOn: '2026-12-27',
      amountFen: P - 10_005_00,
      pledgeStatus: 'repaid',
      outstandingPrincipalFen: 0,
    });
  });

  it('a repayment of everything owed settles the loan: the pledge is repaid, and no interest fact on a day without interest', async () => {
    today = '2026-11-27';
    const id = await registered('bullet');
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    const all = await repay(id, { amountFen: P });
    expect(all.status, JSON.stringify(all.body)).toBe(201);
    expect(all.body).toMatchObject({
      pledgeStatus: 'repaid',
      outstandingPrincipalFen: 0,
      allocation: { principalFen: P, interestFen: 0, penaltyFen: 0 },
    });
    expect((await pledge(id)).status).toBe('repaid');
    const facts = await storedPartition(portal, interestFactsPartition(2026));
    expect(facts.filter((i) => i.pledgeId === id)).toEqual([]);
  });

  it('the year’s interest subsidy and the city’s programmes: refusals, versions and the list', async () => {
    const uc = useCaseContext(portal.deps);
    // The interest facts of 2026: the one month of interest the third test's loan paid (A is in the city).
    const interest = half(BigInt(P) * RATE, 120_000n);
    expect(await subsidyLines(uc, 2026)).toEqual([]);
    expect(await interestSubsidyTotal(uc, 2026)).toBe(0);
    const missing = await refusal(getInterestSubsidy(uc, 2026));
    expect([missing.kind, missing.message]).toEqual([
      'not_found',
      'The interest subsidy for 2026 has not been set was not found.',
    ]);
    await expect(listSubsidies(uc, 2026)).rejects.toMatchObject({ kind: 'not_found' });

    const bad = await refusal(
      setInterestSubsidy(uc, { year: 2026, shareBps: 10_001, capPerEnterpriseFen: 1 }),
    );
    expect(bad.kind).toBe('unprocessable');
    expect(bad.message).toBe('The interest subsidy was refused.');
    expect((bad.extra.errors as { path: string }[]).map((e) => e.path)).toEqual(['shareBps']);
    const set = await setInterestSubsidy(uc, { year: 2026, shareBps: 5000, capPerEnterpriseFen: 1_000_00 });
    expect(set.created).toBe(true);
    expect(set.programme).toMatchObject({
      id: 'interest-subsidy#2026',
      year: 2026,
      shareBps: 5000,
      version: 1,
    });
    expect('maxLoanFen' in set.programme).toBe(false);
    expect(set.programme.createdAt).toBe(set.programme.updatedAt);
    const share = Number((BigInt(interest) * 5000n) / 10_000n);
    const line = { uscc: A, interestPaidFen: interest, subsidyFen: share };
    expect(await listSubsidies(uc, 2026)).toEqual({ year: 2026, items: [line], totalFen: share });
    expect(await subsidyLines(uc, 2026)).toEqual([line]);
    expect(await interestSubsidyTotal(uc, 2026)).toBe(share);

    // A stale version is refused; the current one replaces the terms (a cap below the share now binds).
    const stale = await refusal(
      setInterestSubsidy(uc, { year: 2026, shareBps: 5000, capPerEnterpriseFen: 100_00, expectedVersion: 7 }),
    );
    expect(stale.kind).toBe('precondition_failed');
    const capped = await setInterestSubsidy(uc, {
      year: 2026,
      shareBps: 5000,
      capPerEnterpriseFen: 100_00,
      maxLoanFen: P,
      expectedVersion: 1,
    });
    expect(capped.created).toBe(false);
    expect(capped.programme).toMatchObject({ version: 2, maxLoanFen: P, createdAt: set.programme.createdAt });
    expect((await listSubsidies(uc, 2026)).totalFen).toBe(100_00);
    expect((await getInterestSubsidy(uc, 2026)).version).toBe(2);

    // The risk pool: 404 until set, shares must add up, then set and read back.
    const none = await refusal(getRiskPool(uc, SYSTEM_ACTOR));
    expect(none.kind).toBe('not_found');
    const uneven = await refusal(
      setRiskPool(uc, { poolBps: 5000, lenderBps: 2000, insurerBps: 2000, appraiserBps: 500 }),
    );
    expect(uneven.kind).toBe('unprocessable');
    expect(uneven.message).toBe('The risk pool shares must add up to 10000 bps.');
    expect(uneven.extra.errors).toEqual(
      ['pool', 'lender', 'insurer', 'appraiser'].map((p) => ({
        path: `${p}Bps`,
        code: 'shares_must_sum_to_10000',
        message: 'the four shares add up to 9500 bps, not 10000',
      })),
    );
    const shares = { poolBps: 5000, lenderBps: 2000, insurerBps: 2000, appraiserBps: 1000 };
    const pool = await setRiskPool(uc, { ...shares, expectedVersion: undefined });
    expect(pool).toMatchObject({ created: true, programme: { id: 'risk-pool', ...shares, version: 1 } });
    expect(await getRiskPool(uc, SYSTEM_ACTOR)).toEqual(pool.programme);

    // The premium subsidy of a year.
    expect((await refusal(getPremiumSubsidy(uc, 2026))).kind).toBe('not_found');
    const premium = await setPremiumSubsidy(uc, { year: 2026, shareBps: 3000 });
    expect(premium).toMatchObject({ created: true, programme: { year: 2026, shareBps: 3000, version: 1 } });
    expect(await getPremiumSubsidy(uc, 2026)).toEqual(premium.programme);
  });

  it('an extension: the lender asks once, the office registers it, each with its event and refusal', async () => {
    today = '2026-11-27';
    const id = await registered('equal_principal');
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    today = '2026-12-01';
    const extend = (newMaturesOn: string, as: As = bank) =>
      portal.call('POST', `/pledges/${id}/extend`, { as, body: { newMaturesOn } });
    const register = (as: As = office) =>
      portal.call('POST', `/pledges/${id}/register-change`, { as, body: {} });

    const nothing = await register();
    expect(nothing.status).toBe(409);
    expect(nothing.body.detail).toBe('No extension is waiting for registration.');
    expect(nothing.body.currentState).toBe('active');
    expect((await extend('2028-05-27', office)).status).toBe(403);

    const asked = await extend('2028-05-27');
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.maturesOn).toBe('2027-11-27');
    expect(asked.body.changeRequested.newMaturesOn).toBe('2028-05-27');
    expect(Number.isNaN(Date.parse(asked.body.changeRequested.requestedAt))).toBe(false);
    expect(await event(id, asked.body.version)).toMatchObject({
      type: 'pledge.extension_requested',
      data: { newMaturesOn: '2028-05-27', maturesOn: '2027-11-27' },
    });
    const again = await extend('2028-02-27');
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('An extension to 2028-05-27 is already waiting for registration.');
    expect(again.body.currentState).toBe('active');
    expect((await register(bank)).status).toBe(403);

    const done = await register();
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'active', maturesOn: '2028-05-27', termMonths: 18 });
    expect(done.body.changeRequested).toBeUndefined();
    expect(await event(id, done.body.version)).toMatchObject({
      type: 'pledge.change_registered',
      data: { maturesOn: '2028-05-27', previousMaturesOn: '2027-11-27' },
    });
    const s = (await schedule(id)).body;
    expect(s.instalments).toHaveLength(18);
    expect(s.instalments.at(-1).dueOn).toBe('2028-05-27');
    expect(s.instalments.reduce((sum: number, i: { principalFen: number }) => sum + i.principalFen, 0)).toBe(
      P,
    );
  });

  it('a bullet loan’s extension keeps its term in months; a partial release frees the rights in the same write', async () => {
    today = '2026-11-27';
    const kept = await f.patent(A);
    const freed = await f.patent(A);
    const lost = await f.patent(A);
    const applied = await f.apply(A, { assetIds: [kept, freed, lost], lenderId: BANK, termMonths: 12 });
    const id = applied.body.id as string;
    await f.act(id, 'review', bank);
    await f.act(id, 'approve', bank, {
      approvedAmountFen: P,
      annualRateBps: Number(RATE),
      repaymentType: 'bullet',
    });
    await f.act(id, 'register', office, { registrationNumber: 'ZX20261127' });
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    today = '2026-12-01';
    expect(
      (await portal.call('POST', `/pledges/${id}/extend`, { as: bank, body: { newMaturesOn: '2028-01-15' } }))
        .status,
    ).toBe(200);
    const reg = await portal.call('POST', `/pledges/${id}/register-change`, { as: office, body: {} });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    expect(reg.body).toMatchObject({ maturesOn: '2028-01-15', termMonths: 12 });
    expect((await schedule(id)).body.instalments.map((i: { dueOn: string }) => i.dueOn)).toEqual([
      '2028-01-15',
    ]);

    const asset = async (aid: string) => (await portal.call('GET', `/assets/${aid}`, { as: office })).body;
    const release = (assetIds: string[], as: As = office) =>
      portal.call('POST', `/pledges/${id}/release-assets`, { as, body: { assetIds } });
    const before = await asset(freed);
    expect(before.encumbrance.pledgeId).toBe(id);
    const done = await release([freed]);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.assetIds).toEqual([kept, lost]);
    expect(done.body.assets.map((a: { id: string }) => a.id)).toEqual([kept, lost]);
    expect(await event(id, done.body.version)).toMatchObject({
      type: 'pledge.assets_released',
      data: { assetIds: [freed] },
    });
    const after = await asset(freed);
    expect(after.encumbrance ?? null).toBeNull();
    expect((await item(assetKey(freed)))?.encumbrance).toBeUndefined();
    expect(after.version).toBe(before.version + 1);
    expect((await asset(kept)).encumbrance.pledgeId).toBe(id);

    // A right the pledge no longer holds (freed behind its back): 409, and nothing changes.
    await portal.deps.db.send(
      new UpdateCommand({
        TableName: portal.tableName,
        Key: assetKey(lost),
        UpdateExpression: 'REMOVE encumbrance',
      }),
    );
    const stale = await release([lost]);
    expect(stale.status, JSON.stringify(stale.body)).toBe(409);
    expect(stale.body.detail).toBe(
      'A right of this pledge is no longer held by it; the IP office must reconcile it.',
    );
    expect((await pledge(id)).assetIds).toEqual([kept, lost]);
  });

  it('the schedule: 404 for strangers, 409 before disbursement, the borrower and the office read it', async () => {
    today = '2026-11-27';
    const id = await registered('bullet');
    const none = await schedule(id);
    expect(none.status).toBe(409);
    expect(none.body.detail).toBe('A pledge that is registered has no repayment schedule yet.');
    expect(none.body.currentState).toBe('registered');
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
    for (const as of [bank, asEnterprise(A), office]) expect((await schedule(id, as)).status).toBe(200);
    // A repayment on the day of the disbursement itself is accepted (and leaves the schedule's figures below).
    expect((await repay(id, { amountFen: 1, paidOn: '2026-11-27' })).status).toBe(201);
    for (const as of [asLender(OTHER_BANK), asEnterprise(B)]) {
      const res = await schedule(id, as);
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe(`Pledge ${id} was not found.`);
    }
    expect((await schedule('no-such-pledge')).status).toBe(404);
    const s = (await schedule(id)).body;
    expect(s.instalments).toEqual([
      {
        n: 1,
        dueOn: '2027-11-27',
        principalFen: P,
        // One fen prepaid on the day of the disbursement: a year of interest on what is left.
        interestFen: daily(P - 1, '2026-11-27', '2027-11-27'),
        paidPrincipalFen: 1,
        paidInterestFen: 0,
        status: 'partially_paid',
      },
    ]);
  });
});

describe('the servicing run and the loan book', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;
  let id: string;
  const pledge = async (pid: string) => (await portal.call('GET', `/pledges/${pid}`, { as: office })).body;
  const event = async (pid: string, version: number) =>
    (
      await portal.deps.db.send(
        new GetCommand({ TableName: portal.tableName, Key: eventKey({ kind: 'pledge', id: pid }, version) }),
      )
    ).Item;

  beforeAll(async () => {
    today = '2026-11-27';
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.institution(BANK);
    // The bank's own thresholds: special mention from 2 days overdue (the regulator's: from the first).
    const policy = await portal.call('PUT', `/institutions/${BANK}/lending-policy`, {
      as: office,
      body: {
        maxLtvBps: { invention: 5000, utility_model: 3000, design: 3000, trademark: 5000 },
        penaltyFactorBps: 15_000,
        classificationDays: { specialMention: 2, substandard: 30, doubtful: 60, loss: 90 },
      },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const patent = await f.patent(A);
    id = (await f.apply(A, { assetIds: [patent], lenderId: BANK, termMonths: 12 })).body.id as string;
    await f.act(id, 'review', bank);
    await f.act(id, 'approve', bank, {
      approvedAmountFen: P,
      annualRateBps: Number(RATE),
      repaymentType: 'equal_principal',
    });
    await f.act(id, 'register', office, { registrationNumber: 'ZX20260001' });
    expect((await f.act(id, 'disburse', bank)).status).toBe(200);
  });

  it('reminds 7 days before an instalment, flags the first overdue day, and writes nothing twice', async () => {
    const uc = useCaseContext(portal.deps);
    const each = Math.floor(P / 12);
    // 8 days before the first instalment (2026-12-27): no reminder yet.
    today = '2026-12-19';
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 1 });
    let p = await pledge(id);
    expect(p.servicing).toEqual({
      overdueDays: 0,
      penaltyInterestFen: 0,
      classification: 'normal',
      outstandingPrincipalFen: P,
      nextDueOn: '2026-12-27',
      remindedDueOn: null,
    });
    expect((await event(id, p.version))?.data).toMatchObject({
      asOf: '2026-12-19',
      overdue: false,
      instalmentDue: false,
      nextDueOn: '2026-12-27',
    });
    // Unchanged the next day: nothing written.
    today = '2026-12-19';
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 0 });
    expect((await pledge(id)).version).toBe(p.version);

    today = '2026-12-20';
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 1 });
    p = await pledge(id);
    expect(p.servicing).toMatchObject({ nextDueOn: '2026-12-27', remindedDueOn: '2026-12-27' });
    expect((await event(id, p.version))?.data).toMatchObject({ overdue: false, instalmentDue: true });
    expect((await event(id, p.version))?.type).toBe('pledge.serviced');
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 0 });

    // On the due day the unpaid instalment is still the next one: nothing changes.
    today = '2026-12-27';
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 0 });

    // One day past due: overdue once; the reminder stays the one sent.
    today = '2026-12-28';
    expect(await serviceLoans(uc, 1)).toEqual({ examined: 1, updated: 1 });
    p = await pledge(id);
    const penalty1 = half(BigInt(each) * RATE * 15_000n * 1n, 36_000_000_000n);
    expect(p.servicing).toEqual({
      overdueDays: 1,
      penaltyInterestFen: penalty1,
      classification: 'normal',
      outstandingPrincipalFen: P,
      nextDueOn: '2027-01-27',
      remindedDueOn: '2026-12-27',
    });
    expect((await event(id, p.version))?.data).toMatchObject({ overdue: true, instalmentDue: false });
    // The schedule classifies by the bank's thresholds too: 1 day overdue is still normal for it.
    const s1 = await portal.call('GET', `/pledges/${id}/schedule`, { as: bank });
    expect(s1.body).toMatchObject({ overdueDays: 1, classification: 'normal' });
    today = '2026-12-29';
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 1 });
    p = await pledge(id);
    expect(p.servicing).toMatchObject({ overdueDays: 2, classification: 'special_mention' });
    const s = await portal.call('GET', `/pledges/${id}/schedule`, { as: bank });
    expect(s.body).toMatchObject({ overdueDays: 2, classification: 'special_mention' });
    expect((await event(id, p.version))?.data).toMatchObject({ overdue: false, instalmentDue: false });

    // The loan book: the active loan, overdue, performing.
    const book = await loanBookOn(uc);
    expect(book).toEqual([
      {
        pledgeId: id,
        lenderId: BANK,
        divisionCode: '330782',
        outstandingPrincipalFen: P,
        overdueFen: P,
        nonPerformingFen: 0,
      },
    ]);
    const page = await loanBookPage(uc, 'active', { limit: 10 });
    expect(page.items).toEqual([{ ...book[0], status: 'active', outstandingAmountFen: P }]);
    expect(page.nextCursor ?? null).toBeNull();
    expect((await loanBookPage(uc, 'defaulted', { limit: 10 })).items).toEqual([]);
  });

  it('a run that meets another run’s write, or a loan repaid meanwhile, passes the loan over', async () => {
    const racing = interleavingClient(TRANSACTION_COMMANDS);
    const uc = useCaseContext({ ...portal.deps, db: racing.db });
    today = '2026-12-30';
    let other: Awaited<ReturnType<typeof serviceLoans>> | undefined;
    racing.beforeNext(async () => {
      other = await serviceLoans(useCaseContext(portal.deps));
    });
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 0 });
    expect(other).toEqual({ examined: 1, updated: 1 });
    expect((await pledge(id)).servicing).toMatchObject({ overdueDays: 3 });

    today = '2026-12-31';
    racing.beforeNext(() => f.act(id, 'repay', bank));
    expect(await serviceLoans(uc)).toEqual({ examined: 1, updated: 0 });
    expect(racing.waiting()).toBe(false);
    const repaid = await pledge(id);
    expect([repaid.status, repaid.servicing.overdueDays]).toEqual(['repaid', 3]);
  });
});

describe('guarantee claims after a default and a shared loss', () => {
  const at = new Date('2026-11-27T04:00:00Z');
  let portal: TestPortal;
  let p: Parties;
  let store: Store;
  const faulty = interleavingClient();
  const faultyStore = () => new Store(faulty.db, portal.tableName);

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => at });
    p = await setupParties(portal);
    store = new Store(portal.deps.db, portal.tableName);
  });

  it('opens one claim per covering policy for what is owed that day, once; follows the insurer’s share', async () => {
    const asset = await trademark(portal, p.holder);
    const pledgeId = await approvedPledge(portal, p.holder, p.lender, asset);
    const policyId = await activePolicy(portal, p, [asset], {
      coverages: [{ line: 'pledge_guarantee', sumInsuredFen: 8_000_000 }],
      pledgeId,
    });
    // Applied for, never issued: no cover, no claim.
    const applied = await portal.call('POST', '/policies', {
      as: insEnterprise(p.holder),
      body: applicationBody(p.otherInsurer, [asset], {
        coverages: [{ line: 'pledge_guarantee', sumInsuredFen: 1_000 }],
        pledgeId,
      }),
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    await ensurePledgeDocuments(portal, pledgeId);
    expect(
      (
        await portal.call('POST', `/pledges/${pledgeId}/register`, {
          as: office,
          body: { registrationNumber: `Y2026${pledgeId.slice(0, 8)}` },
        })
      ).status,
    ).toBe(200);
    expect(
      (await portal.call('POST', `/pledges/${pledgeId}/disburse`, { as: asLender(p.lender) })).status,
    ).toBe(200);

    expect(await openGuaranteeClaims(store, 'no-such-pledge', '2026-12-15', at)).toEqual([]);
    // A store fault is no refusal: it goes up, and nothing is filed.
    faulty.beforeNext(() => Promise.reject(new Error('connection reset')));
    await expect(openGuaranteeClaims(faultyStore(), pledgeId, '2026-12-15', at)).rejects.toThrow(
      'connection reset',
    );
    // Bullet at 4.50 %: 18 days of interest actual/360 on 100 000 yuan.
    const owed = 10_000_000 + half(10_000_000n * 450n * 18n, 3_600_000n);
    const expectedId = `gc-${createHash('sha256').update(`${pledgeId}\u0000${policyId}`).digest('hex').slice(0, 32)}`;
    expect(guaranteeClaimId(pledgeId, policyId)).toBe(expectedId);
    const filed = await openGuaranteeClaims(store, pledgeId, '2026-12-15', at);
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({
      id: expectedId,
      policyId,
      status: 'filed',
      line: 'pledge_guarantee',
      claimedFen: owed,
      incidentDate: '2026-12-15',
      description: `Pledge loan ${pledgeId} was declared in default on 2026-12-15; owed ${owed} fen.`,
    });
    expect(await openGuaranteeClaims(store, pledgeId, '2026-12-15', at)).toEqual([]);
    const policy = await portal.call('GET', `/policies/${policyId}`, { as: asLender(p.lender) });
    expect(policy.body.claims.map((c: { id: string }) => c.id)).toEqual([expectedId]);
    const other = await portal.call('GET', `/policies/${applied.body.id}`, { as: insEnterprise(p.holder) });
    expect(other.body.claims).toEqual([]);

    // The shared loss: nothing for a share of 0 or for a loan without claims; the claim follows a new share once.
    expect(await followLossSharing(store, pledgeId, 0, at)).toEqual([]);
    expect(await followLossSharing(store, 'no-such-pledge', 1_234_00, at)).toEqual([]);
    faulty.beforeNext(() => Promise.reject(new Error('connection reset')));
    await expect(followLossSharing(faultyStore(), pledgeId, 1_234_00, at)).rejects.toThrow(
      'connection reset',
    );
    const shared = await followLossSharing(store, pledgeId, 1_234_00, at);
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ id: expectedId, claimedFen: 1_234_00, lossShareFen: 1_234_00 });
    expect(await followLossSharing(store, pledgeId, 1_234_00, at)).toEqual([]);
    const events = (await store.queryPartition(`CLAIM#${expectedId}`, 'EVENT#')).map((i) =>
      toResource<DomainEvent>(i),
    );
    expect(events.map((e) => [e.type, e.actor.role])).toEqual([
      ['claim.filed', 'system'],
      ['claim.loss_shared', 'system'],
    ]);
    expect(events[1]!.data).toEqual({ claimedFen: 1_234_00, before: owed });

    // Once assessed the insurer decides: the claim no longer follows.
    const insurer = asInsurer(p.insurer);
    expect(
      (await portal.call('POST', `/claims/${expectedId}/investigate`, { as: insurer, body: {} })).status,
    ).toBe(200);
    expect(
      (
        await portal.call('POST', `/claims/${expectedId}/assess`, {
          as: insurer,
          body: { approvedFen: 1_000_00 },
        })
      ).status,
    ).toBe(200);
    expect(await followLossSharing(store, pledgeId, 999_00, at)).toEqual([]);
  });
});
