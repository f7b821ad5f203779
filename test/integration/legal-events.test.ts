import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import { createApp } from '../../shared/http/app.js';
import { reconcileStats } from '../../shared/jobs/reconcile-stats.js';
import { ensurePledgeDocuments } from '../support/documents.js';
import {
  asEnterprise,
  asLender,
  FIXED_NOW,
  office,
  pledgeFixtures,
  yiwu,
} from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The legal status of rights over HTTP: who records which event, what each refusal says, how the status moves, and
 * that a pledge is examined again at registration — also when a lapse lands between its read and its write.
 * Business date: 2026-11-27 (FIXED_NOW).
 */
const A = yiwu('MA2L00001');
const B = yiwu('MA2L00002');
const BANK = 'legal-bank';

describe('legal events', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.enterprise(B);
    await f.institution(BANK);
  });

  const record = (assetId: string, body: unknown, as: { role: string; org?: string } = office) =>
    portal.call('POST', `/assets/${assetId}/legal-events`, { as: as as never, body });
  const eventsOf = async (assetId: string) =>
    (await portal.call('GET', `/assets/${assetId}/legal-events`, { as: office })).body.items as {
      type: string;
    }[];
  const statusOf = async (assetId: string) =>
    (await portal.call('GET', `/assets/${assetId}`, { as: office })).body as {
      owner: string;
      inForce: boolean;
      expiresOn: string;
      legalStatus: { state: string; flags: string[]; annuityPaidThrough?: string; graceEndsOn?: string };
    };
  const codes = (res: { body: { errors?: { path: string; code: string }[] } }) =>
    (res.body.errors ?? []).map((e) => [e.path, e.code]);

  it('the owner records its annuity payment with the office’s receipt; the status shows it', async () => {
    const patent = await f.patent(A);
    const paid = await record(
      patent,
      { type: 'annuity_paid', date: '2026-02-20', paidThrough: '2027-02-28', reference: 'CNIPA-2026-0001' },
      asEnterprise(A),
    );
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body.event).toMatchObject({
      seq: 1,
      type: 'annuity_paid',
      recordedBy: { role: 'enterprise' },
    });
    expect(paid.body.asset.legalStatus).toEqual({
      state: 'in_force',
      flags: [],
      annuityPaidThrough: '2027-02-28',
    });
    expect(await eventsOf(patent)).toHaveLength(1);
  });

  it('refuses, naming the field and code and writing nothing: others, the owner’s other types, bad events', async () => {
    const patent = await f.patent(A);
    const mark = await f.trademark(A);
    const cases: [string, unknown, { role: string; org?: string }, number, [string, string][]][] = [
      [
        'no receipt',
        { type: 'annuity_paid', date: '2026-02-20', paidThrough: '2027-02-28' },
        asEnterprise(A),
        422,
        [['reference', 'reference_required']],
      ],
      [
        'wrong kind',
        { type: 'renewed', date: '2026-02-20' },
        office,
        422,
        [['type', 'event_type_not_for_kind']],
      ],
      ['future', { type: 'lapsed', date: '2026-11-28' }, office, 422, [['date', 'date_in_future']]],
      [
        'before filing',
        { type: 'annuity_paid', date: '2026-02-20', paidThrough: '2019-12-31' },
        office,
        422,
        [['paidThrough', 'paid_through_before_filing']],
      ],
      ['unknown type', { type: 'sold', date: '2026-02-20' }, office, 400, []],
      ['bad date', { type: 'lapsed', date: '2026-02-30' }, office, 400, []],
    ];
    for (const [what, body, as, status, expected] of cases) {
      const res = await record(patent, body, as);
      expect(res.status, what).toBe(status);
      expect(res.headers.get('content-type'), what).toMatch(/problem\+json/);
      if (status === 422) expect(codes(res), what).toEqual(expected);
      else expect(res.body.errors[0].path, what).toMatch(/type|date/);
    }
    expect((await record(patent, { type: 'lapsed', date: '2026-02-20' }, asEnterprise(A))).status).toBe(403);
    expect((await record(patent, { type: 'lapsed', date: '2026-02-20' }, asEnterprise(B))).status).toBe(404);
    expect((await record(patent, { type: 'lapsed', date: '2026-02-20' }, asLender(BANK))).status).toBe(404);
    expect(
      (await record(mark, { type: 'annuity_paid', date: '2026-02-20', paidThrough: '2027-01-01' })).status,
    ).toBe(422);
    expect(await eventsOf(patent)).toEqual([]);
    expect((await statusOf(patent)).legalStatus).toEqual({ state: 'in_force', flags: [] });
  });

  it('a trademark registered 2010 and renewed since stays in force (金华火腿); a renewal outside its window is refused', async () => {
    const res = await portal.call('POST', `/enterprises/${A}/assets`, {
      as: asEnterprise(A),
      body: {
        kind: 'trademark',
        number: '5090001',
        mark: '金华火腿',
        niceClasses: [29],
        registrationDate: '2010-03-14',
        markType: 'certification',
      },
    });
    expect(res.status).toBe(201);
    const mark = res.body.id;
    expect((await statusOf(mark)).legalStatus.state).toBe('expired');
    expect(codes(await record(mark, { type: 'renewed', date: '2019-03-13' }))).toEqual([
      ['date', 'renewal_outside_window'],
    ]);
    expect(
      (await record(mark, { type: 'renewed', date: '2019-06-01', reference: 'R-2019' }, asEnterprise(A)))
        .status,
    ).toBe(201);
    const renewed = await statusOf(mark);
    expect(renewed.expiresOn).toBe('2030-03-13');
    expect(renewed.inForce).toBe(true);
    expect(renewed.legalStatus).toMatchObject({
      state: 'in_force',
      renewalWindow: { opens: '2029-03-14', closes: '2030-03-13', graceEnds: '2030-09-13' },
    });
    // Its second term is not renewable yet.
    expect(codes(await record(mark, { type: 'renewed', date: '2026-11-27' }))).toEqual([
      ['date', 'renewal_outside_window'],
    ]);
  });

  it('an application over a right in its annuity grace period, preserved or disputed is refused with each code', async () => {
    const late = await f.patent(A);
    expect(
      (await record(late, { type: 'annuity_paid', date: '2025-06-01', paidThrough: '2026-08-31' })).status,
    ).toBe(201);
    expect((await statusOf(late)).legalStatus).toMatchObject({
      state: 'grace_period',
      graceEndsOn: '2027-02-28',
    });
    // The owner's reminders: this one's grace period; another's annuity falling due within 60 days.
    expect((await portal.call('GET', `/assets/${late}`, { as: asEnterprise(A) })).body.reminders).toEqual([
      { type: 'grace_period', dueOn: '2027-02-28' },
    ]);
    const soon = await f.patent(A);
    await record(soon, { type: 'annuity_paid', date: '2026-01-10', paidThrough: '2027-01-09' });
    expect((await portal.call('GET', `/assets/${soon}`, { as: asEnterprise(A) })).body.reminders).toEqual([
      { type: 'annuity_due', dueOn: '2027-01-10' },
    ]);
    const frozen = await f.patent(A);
    expect(
      (
        await record(frozen, {
          type: 'preservation_ordered',
          date: '2026-11-01',
          court: '金华市中级人民法院',
        })
      ).status,
    ).toBe(201);
    expect((await record(frozen, { type: 'dispute_filed', date: '2026-11-02' })).status).toBe(201);
    const res = await f.apply(A, { lenderId: BANK, assetIds: [late, frozen] });
    expect(res.status).toBe(422);
    expect(codes(res)).toEqual([
      ['assetIds.0', 'annuity_grace_period'],
      ['assetIds.1', 'preserved'],
      ['assetIds.1', 'disputed'],
    ]);
  });

  it('the same owner’s same mark in an overlapping class must be pledged together (CNIPA 2020)', async () => {
    const tm = async (number: string, mark: string, niceClasses: number[]) => {
      const res = await portal.call('POST', `/enterprises/${A}/assets`, {
        as: asEnterprise(A),
        body: { kind: 'trademark', number, mark, niceClasses, registrationDate: '2020-05-01' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const ham = await tm('7100001', '双 龙 火 腿', [29, 30]);
    const sameMarkOverlap = await tm('7100002', '双龙火腿', [29]);
    await tm('7100003', '双龙火腿', [33]); // no overlapping class
    await tm('7100004', '双龙酥饼', [29]); // another mark
    const alone = await f.apply(A, { lenderId: BANK, assetIds: [ham], termMonths: 6 });
    expect(alone.status).toBe(422);
    expect(alone.body.errors).toEqual([
      { path: 'assetIds.0', code: 'related_marks_not_included', message: expect.stringContaining('7100002') },
    ]);
    expect(alone.body.errors[0].message).not.toMatch(/7100003|7100004/);
    const together = await f.apply(A, { lenderId: BANK, assetIds: [ham, sameMarkOverlap], termMonths: 6 });
    expect(together.status, JSON.stringify(together.body)).toBe(201);
  });

  it('a bank that takes only verified rights refuses an unverified one; the office verifies it; a transfer clears it', async () => {
    const strict = 'legal-strict-bank';
    await f.institution(strict);
    expect(
      (
        await portal.call('PUT', `/institutions/${strict}/lending-policy`, {
          as: asLender(strict),
          body: {
            maxLtvBps: { invention: 2500, utility_model: 1500, design: 1500, trademark: 5000 },
            requireVerifiedRights: true,
          },
        })
      ).status,
    ).toBe(200);
    const patent = await f.patent(A);
    const refused = await f.apply(A, { lenderId: strict, assetIds: [patent] });
    expect(codes(refused)).toEqual([['assetIds.0', 'right_not_verified']]);
    expect(
      (
        await portal.call('POST', `/assets/${patent}/verification`, {
          as: asEnterprise(A),
          body: { source: 'registry', reference: 'x' },
        })
      ).status,
    ).toBe(403);
    const verified = await portal.call('POST', `/assets/${patent}/verification`, {
      as: office,
      body: { source: 'registry', reference: 'CNIPA 查询 2026-11-27' },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.verification).toMatchObject({ on: '2026-11-27', source: 'registry' });
    // Another bank's policy is its own: an unverified right is fine there.
    const other = await f.patent(A);
    expect((await f.apply(A, { lenderId: BANK, assetIds: [other] })).status).toBe(201);
    const transferred = await record(other, { type: 'transferred', date: '2026-11-27', toUscc: B });
    expect(transferred.status).toBe(422); // pledged (an open application holds it)
    const third = await f.patent(A);
    await portal.call('POST', `/assets/${third}/verification`, {
      as: office,
      body: { source: 'document', reference: 'D-3' },
    });
    const moved = await record(third, { type: 'transferred', date: '2026-11-27', toUscc: B });
    expect(moved.status).toBe(201);
    expect(moved.body.asset.verification).toBeUndefined();
    expect((await f.apply(A, { lenderId: strict, assetIds: [patent] })).status).toBe(201);
  });

  it('a number another enterprise holds opens an ownership case for the office, which decides it', async () => {
    const patent = await f.patent(A);
    const { number, filingDate, grantDate, title } = (
      await portal.call('GET', `/assets/${patent}`, { as: office })
    ).body as { number: string; filingDate: string; grantDate: string; title: string };
    const claim = () =>
      portal.call('POST', `/enterprises/${B}/assets`, {
        as: asEnterprise(B),
        body: { kind: 'patent', number, title, filingDate, grantDate },
      });
    const first = await claim();
    expect(first.status).toBe(409);
    const caseId = first.body.ownershipCaseId as string;
    expect(first.body.detail).toContain('ownership case');
    expect((await claim()).body.ownershipCaseId).toBe(caseId); // a repeated claim finds its case
    const open = await portal.call('GET', '/ownership-cases?status=open', { as: office });
    expect(open.body.items).toContainEqual(
      expect.objectContaining({
        id: caseId,
        number,
        holder: A,
        claimant: B,
        assetId: patent,
        status: 'open',
      }),
    );
    expect(
      (await portal.call('GET', '/ownership-cases', { as: asEnterprise(B) })).body.items.map(
        (c: { id: string }) => c.id,
      ),
    ).toEqual([caseId]);
    expect((await portal.call('GET', '/ownership-cases', { as: asEnterprise(A) })).body.items).toEqual([]);
    const decide = (outcome: string) =>
      portal.call('POST', `/ownership-cases/${caseId}/decide`, {
        as: office,
        body: { outcome, reference: '裁决 2026-9' },
      });
    expect(
      (
        await portal.call('POST', `/ownership-cases/${caseId}/decide`, {
          as: asEnterprise(B),
          body: { outcome: 'claimant', reference: 'x' },
        })
      ).status,
    ).toBe(403);
    const decided = await decide('claimant');
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({ status: 'decided', outcome: 'claimant' });
    expect((await portal.call('GET', `/assets/${patent}`, { as: asEnterprise(B) })).body.owner).toBe(B);
    expect((await eventsOf(patent)).map((e) => e.type)).toEqual(['transferred']);
    expect((await decide('holder')).status).toBe(409);
  });

  it('registration examines the rights again: a right preserved since the approval is refused, then registered once lifted', async () => {
    const patent = await f.patent(A);
    const applied = await f.apply(A, { lenderId: BANK, assetIds: [patent] });
    const id = applied.body.id;
    expect((await f.act(id, 'review', asLender(BANK))).status).toBe(200);
    expect(
      (await f.act(id, 'approve', asLender(BANK), { approvedAmountFen: 100_000_00, annualRateBps: 400 }))
        .status,
    ).toBe(200);
    expect((await record(patent, { type: 'preservation_ordered', date: '2026-11-20' })).status).toBe(201);
    const refused = await f.act(id, 'register', office, { registrationNumber: 'Y2026330000901' });
    expect(refused.status).toBe(422);
    expect(codes(refused)).toEqual([['assetIds.0', 'preserved']]);
    expect((await portal.call('GET', `/pledges/${id}`, { as: office })).body.status).toBe('approved');
    // A pledged right cannot be transferred.
    expect(codes(await record(patent, { type: 'transferred', date: '2026-11-21', toUscc: B }))).toEqual([
      ['type', 'right_encumbered'],
    ]);
    expect((await record(patent, { type: 'preservation_lifted', date: '2026-11-25' })).status).toBe(201);
    expect((await f.act(id, 'register', office, { registrationNumber: 'Y2026330000901' })).status).toBe(200);
  });

  it('a transfer moves the right to its new owner’s portfolio and counters (the reconciliation agrees)', async () => {
    const patent = await f.patent(A);
    const moved = await record(patent, {
      type: 'transferred',
      date: '2026-11-26',
      toUscc: B.toLowerCase(),
      reference: '转让登记 2026-77',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    expect(moved.body.asset.owner).toBe(B);
    const listOf = async (uscc: string) =>
      (
        (await portal.call('GET', `/enterprises/${uscc}/assets?limit=100`, { as: office })).body.items as {
          id: string;
        }[]
      ).map((a) => a.id);
    expect(await listOf(B)).toContain(patent);
    expect(await listOf(A)).not.toContain(patent);
    expect((await portal.call('GET', `/assets/${patent}`, { as: asEnterprise(B) })).status).toBe(200);
    expect((await portal.call('GET', `/assets/${patent}`, { as: asEnterprise(A) })).status).toBe(404);
    const unknown = await record(patent, {
      type: 'transferred',
      date: '2026-11-26',
      toUscc: yiwu('MA2L00099'),
    });
    expect(codes(unknown)).toEqual([['toUscc', 'transferee_unknown']]);
    const audit = await reconcileStats(portal.deps, fixedClock(FIXED_NOW));
    expect(audit.enterpriseDifferences).toEqual([]);
    expect(audit.differences).toEqual([]);
  });

  it('a lapse recorded between a registration’s read and its write leaves the pledge unregistered (409), never registered over a lapsed right', async () => {
    const patent = await f.patent(A);
    const applied = await f.apply(A, { lenderId: BANK, assetIds: [patent] });
    const id = applied.body.id;
    await f.act(id, 'review', asLender(BANK));
    await f.act(id, 'approve', asLender(BANK), { approvedAmountFen: 100_000_00, annualRateBps: 400 });
    // Its documents first (registration needs them), so that the gated write below is the registration's own.
    await ensurePledgeDocuments(portal, id);

    // The registering app's transaction waits until the lapse has been recorded through the other.
    let release: () => void = () => {};
    const lapseRecorded = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedWrite: () => void = () => {};
    const atWrite = new Promise<void>((resolve) => {
      reachedWrite = resolve;
    });
    const real = portal.deps.db;
    const gated = {
      send: async (command: unknown) => {
        if (command instanceof TransactWriteCommand) {
          reachedWrite();
          await lapseRecorded;
        }
        return real.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const registrar = await createApp({ ...portal.deps, db: gated });
    const registering = registrar.request(`/pledges/${id}/register`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await portal.token('ipoffice', null)}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ registrationNumber: 'Y2026330000902' }),
    });
    await atWrite;
    expect((await record(patent, { type: 'lapsed', date: '2026-11-27' })).status).toBe(201);
    release();
    const res = await registering;
    expect(res.status).toBe(409);
    expect((await portal.call('GET', `/pledges/${id}`, { as: office })).body.status).toBe('approved');
    // Retried, the registration now sees the lapse and says so.
    const retried = await f.act(id, 'register', office, { registrationNumber: 'Y2026330000902' });
    expect(codes(retried)).toEqual([['assetIds.0', 'not_in_force']]);
  });
});
