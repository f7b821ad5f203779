import { beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../shared/domain/pledge-state-machine.js';
import {
  asEnterprise,
  asLender,
  FIXED_NOW,
  office,
  pledgeFixtures,
  yiwu,
} from '../support/pledge-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

type Caller = CallOptions['as'];

const A = yiwu('MA2P00001');
const B = yiwu('MA2P00002');
const CO = yiwu('MA2P00003'); // a co-owner, never registered as an enterprise
const CO2 = yiwu('MA2P00004');
const BANK = 'jinhua-bank';
const OTHER_BANK = 'other-bank';

describe('pledge financing', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;
  const get = (id: string, as: Caller) => portal.call('GET', `/pledges/${id}`, { as });
  const asset = (id: string, as: Caller = office) => portal.call('GET', `/assets/${id}`, { as });

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW });
    f = pledgeFixtures(portal);
    await Promise.all([f.enterprise(A), f.enterprise(B)]);
    await Promise.all([f.institution(BANK), f.institution(OTHER_BANK), f.institution('picc', 'insurer')]);
  });

  it('runs the whole journey submitted → … → released, holding the asset until release', async () => {
    const patent = await f.patent(A);
    const submitted = await f.apply(A, { assetIds: [patent], purpose: 'working capital' });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.headers.get('etag')).toBe('"1"');
    expect(submitted.headers.get('location')).toBe(`/pledges/${submitted.body.id}`);
    const id = submitted.body.id as string;
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      applicant: A,
      lenderId: BANK,
      assetIds: [patent],
      maturesOn: '2027-11-27',
      version: 1,
      assets: [
        {
          id: patent,
          kind: 'patent',
          patentType: 'invention',
          ltvKind: 'invention',
          expiresOn: '2040-02-29',
        },
      ],
    });

    // The asset shows its encumbrance, the addressed lender may read it, another lender may not, and it cannot go.
    expect((await asset(patent)).body.encumbrance).toEqual({ pledgeId: id });
    expect((await asset(patent, asLender(BANK))).status).toBe(200);
    expect((await asset(patent, asLender(OTHER_BANK))).status).toBe(404);
    expect((await portal.call('DELETE', `/assets/${patent}`, { as: asEnterprise(A) })).status).toBe(409);

    const steps: [string, { role: 'enterprise' | 'lender' | 'ipoffice'; org?: string }, unknown, string][] = [
      ['review', asLender(BANK), undefined, 'under_review'],
      ['approve', asLender(BANK), { approvedAmountFen: 200_000_00, annualRateBps: 385 }, 'approved'],
      ['register', office, { registrationNumber: 'Y2026330000123' }, 'registered'],
      ['disburse', asLender(BANK), { disbursedOn: '2026-11-27' }, 'active'],
      ['repay', asLender(BANK), {}, 'repaid'],
    ];
    let version = 1;
    for (const [action, as, body, to] of steps) {
      const res = await f.act(id, action, as, body);
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.status).toBe(to);
      expect(res.body.version).toBe(++version);
      expect(res.headers.get('etag')).toBe(`"${version}"`);
      expect((await asset(patent)).body.encumbrance).toEqual({ pledgeId: id });
    }
    const released = await f.act(id, 'release', office);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({
      status: 'released',
      approvedAmountFen: 200_000_00,
      annualRateBps: 385,
      approvedAt: FIXED_NOW.toISOString(),
      registeredAt: FIXED_NOW.toISOString(),
      registrationNumber: 'Y2026330000123',
      disbursedOn: '2026-11-27',
    });

    const detail = await get(id, asEnterprise(A));
    expect(detail.status).toBe(200);
    expect(detail.headers.get('etag')).toBe('"7"');
    expect(detail.body.history.map((e: { action: string }) => e.action)).toEqual([
      'submit',
      'review',
      'approve',
      'register',
      'disburse',
      'repay',
      'release',
    ]);
    expect(detail.body.history[0]).toMatchObject({
      version: 1,
      at: FIXED_NOW.toISOString(),
      from: null,
      to: 'submitted',
      actor: { role: 'enterprise', org: A, sub: expect.any(String) },
      data: { lenderId: BANK, assetIds: [patent] },
    });
    expect(detail.body.history[2]).toMatchObject({
      action: 'approve',
      from: 'under_review',
      to: 'approved',
      actor: { role: 'lender', org: BANK },
      data: { approvedAmountFen: 200_000_00, annualRateBps: 385, maxLtvBps: 2500 },
    });
    expect(detail.body.history[3]).toMatchObject({
      actor: { role: 'ipoffice', org: null },
      data: { registrationNumber: released.body.registrationNumber },
    });
    expect(replay(detail.body.history)).toBe('released');
    expect(detail.body.allowedActions).toEqual([]);

    // Released: the asset is free again, the lender no longer sees it, and it can be pledged anew.
    const freed = await asset(patent);
    expect(freed.body.encumbrance).toBeNull();
    expect(freed.body.version).toBe(3); // held (+1), freed (+1)
    expect((await asset(patent, asLender(BANK))).status).toBe(404);
    expect((await f.apply(A, { assetIds: [patent], lenderId: OTHER_BANK })).status).toBe(201);
  });

  it('carries the parties’ names, so the bank’s queue shows who applied and the company whom it asked', async () => {
    const applied = await f.apply(A, { lenderId: BANK, assetIds: [await f.patent(A)] });
    expect(applied.body).toMatchObject({ applicantName: `Enterprise ${A}`, lenderName: BANK });
    const queue = await portal.call('GET', '/pledges?status=submitted&limit=100', { as: asLender(BANK) });
    expect(queue.body.items.find((p: { id: string }) => p.id === applied.body.id)).toMatchObject({
      applicant: A,
      applicantName: `Enterprise ${A}`,
    });
  });

  it('frees the assets on withdraw, reject and refuse; default → release works too', async () => {
    const [p1, p2, p3, p4] = [await f.patent(A), await f.patent(A), await f.patent(A), await f.trademark(A)];

    const w = (await f.apply(A, { assetIds: [p1, p4] })).body.id;
    expect((await f.act(w, 'review', asLender(BANK))).status).toBe(200);
    const withdrawn = await f.act(w, 'withdraw', asEnterprise(A));
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await asset(p1)).body.encumbrance).toBeNull();
    expect((await asset(p4)).body.encumbrance).toBeNull();

    const r = (await f.apply(A, { assetIds: [p1] })).body.id;
    expect((await f.act(r, 'reject', asLender(BANK), { reason: 'x' })).status).toBe(409); // still submitted
    await f.act(r, 'review', asLender(BANK));
    const rejected = await f.act(r, 'reject', asLender(BANK), { reason: 'Insufficient cash flow' });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'Insufficient cash flow' });
    expect((await asset(p1)).body.encumbrance).toBeNull();

    const x = (await f.apply(A, { assetIds: [p2] })).body.id;
    await f.act(x, 'review', asLender(BANK));
    await f.act(x, 'approve', asLender(BANK), { approvedAmountFen: 100_00, annualRateBps: 400 });
    const refused = await f.act(x, 'refuse', office, { reason: 'Ownership dispute pending' });
    expect(refused.body).toMatchObject({
      status: 'registration_refused',
      registrationRefusalReason: 'Ownership dispute pending',
    });
    expect((await asset(p2)).body.encumbrance).toBeNull();

    const d = (await f.apply(A, { assetIds: [p3] })).body.id;
    await f.act(d, 'review', asLender(BANK));
    await f.act(d, 'approve', asLender(BANK), { approvedAmountFen: 100_00, annualRateBps: 400 });
    // The number is CNIPA's: without it the registration is refused and nothing changes.
    const unnumbered = await f.act(d, 'register', office, {});
    expect(unnumbered.status).toBe(400);
    expect(unnumbered.body.errors.map((e: { path: string }) => e.path)).toEqual(['registrationNumber']);
    expect((await get(d, office)).body).toMatchObject({ status: 'approved', version: 3 });
    await f.act(d, 'register', office, { registrationNumber: 'Y2026330000123' });
    await f.act(d, 'disburse', asLender(BANK)); // no body: today
    expect((await f.act(d, 'default', asLender(BANK))).body.status).toBe('defaulted');
    expect((await asset(p3)).body.encumbrance).toEqual({ pledgeId: d });
    // Released straight after the default, the right would go back to the defaulting owner: only by waiver.
    const unwaived = await f.act(d, 'release', office);
    expect(unwaived.status).toBe(409);
    expect(unwaived.body.currentState).toBe('defaulted');
    expect((await asset(p3)).body.encumbrance).toEqual({ pledgeId: d });
    const waived = await f.act(d, 'release', office, { waived: true });
    expect(waived.body).toMatchObject({ status: 'released', releaseWaived: true, defaultedOn: '2026-11-27' });
    expect((await asset(p3)).body.encumbrance).toBeNull();
    const history = (await get(d, office)).body;
    expect(history.registrationNumber).toBe('Y2026330000123');
    expect(history.disbursedOn).toBe('2026-11-27');
    expect(replay(history.history)).toBe('released');
  });

  it('refuses a submission with every reason in ONE 422', async () => {
    const good = await f.patent(A);
    const pending = await f.patent(A, { granted: false });
    const lapsed = await f.patent(A, { type: 2, year: 2015 }); // utility model: in force until 2025-02-28
    const short = await f.patent(A, { type: 2, year: 2017 }); // until 2027-02-28, loan matures 2027-11-27
    const coOwned = await f.patent(A, { coOwners: [CO, CO2] });
    const held = await f.patent(A);
    const holder = (await f.apply(A, { assetIds: [held] })).body.id;
    const othersAsset = await f.patent(B);

    const res = await f.apply(A, {
      lenderId: 'picc', // an insurer, not a lender
      assetIds: [good, pending, lapsed, short, coOwned, held, othersAsset, 'no-such-asset'],
      appraisedValueFen: 100,
      requestedAmountFen: 101,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const byPath = Object.fromEntries(
      res.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    );
    expect(Object.keys(byPath).sort()).toEqual(
      ['lenderId', 'requestedAmountFen', ...[1, 2, 3, 4, 5, 6, 7].map((i) => `assetIds.${i}`)].sort(),
    );
    expect(byPath['assetIds.1']).toMatch(/pending/);
    expect(byPath['assetIds.2']).toMatch(/not in force: it expired on 2025-02-28/);
    expect(byPath['assetIds.3']).toMatch(/expires on 2027-02-28, before the loan matures on 2027-11-27/);
    expect(byPath['assetIds.4']).toContain(CO);
    expect(byPath['assetIds.4']).toContain(CO2);
    expect(byPath['assetIds.5']).toContain(holder);
    // Someone else's asset and a missing one read the same: existence is not revealed.
    expect(byPath['assetIds.6']).toBe('is not an asset of yours');
    expect(byPath['assetIds.7']).toBe(byPath['assetIds.6']);
    expect((await asset(good)).body.encumbrance).toBeNull(); // nothing was held

    // B cannot see that its asset was named; nothing was written for it.
    expect((await asset(othersAsset)).body.encumbrance).toBeNull();

    // Malformed bodies are 400, not 422.
    const dup = await f.apply(A, { assetIds: [good, good] });
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0].path).toBe('assetIds.1');
    expect((await f.apply(A, { assetIds: [good], termMonths: 61 })).status).toBe(400);
    expect((await f.apply(A, { assetIds: [] })).status).toBe(400);
    expect((await f.apply(A, { assetIds: [good], appraisedValueFen: 1.5 })).status).toBe(400);
    const extra = await portal.call('POST', '/pledges', {
      as: asEnterprise(A),
      body: {
        lenderId: BANK,
        assetIds: [good],
        appraisedValueFen: 1,
        requestedAmountFen: 1,
        termMonths: 1,
        x: 1,
      },
    });
    expect(extra.status).toBe(400);
  });

  it('requires the recorded consent of every co-owner, which cannot be revoked while held', async () => {
    const p = await f.patent(A, { coOwners: [CO] });
    const consent = `/assets/${p}/co-owner-consents/${CO}`;
    expect((await f.apply(A, { assetIds: [p] })).status).toBe(422);

    expect((await portal.call('PUT', consent, { as: asEnterprise(B), body: {} })).status).toBe(404);
    expect(
      (await portal.call('PUT', `/assets/${p}/co-owner-consents/${B}`, { as: asEnterprise(A), body: {} }))
        .status,
    ).toBe(422);
    // The owner cannot give its co-owner's consent; the office only from a document.
    expect((await portal.call('PUT', consent, { as: asEnterprise(A), body: {} })).status).toBe(403);
    const noDocument = await portal.call('PUT', consent, { as: office, body: {} });
    expect(noDocument.status).toBe(422);
    expect(noDocument.body.errors).toEqual([
      expect.objectContaining({ path: 'documentRef', code: 'document_ref_required' }),
    ]);
    expect(
      (await portal.call('PUT', consent, { as: asEnterprise(CO), body: {}, headers: { 'If-Match': '"9"' } }))
        .status,
    ).toBe(412);
    // The co-owner reads the right it consents to, and gives its consent.
    expect((await portal.call('GET', `/assets/${p}`, { as: asEnterprise(CO) })).status).toBe(200);
    const recorded = await portal.call('PUT', consent, {
      as: asEnterprise(CO),
      body: { documentRef: 'DOC-1' },
    });
    expect(recorded.status).toBe(201);
    expect(recorded.headers.get('etag')).toBe('"2"');
    expect((await asset(p)).body.coOwnerConsents[CO]).toMatchObject({ recordedAt: FIXED_NOW.toISOString() });

    const pledge = await f.apply(A, { assetIds: [p] });
    expect(pledge.status).toBe(201);
    const revokeWhileHeld = await portal.call('DELETE', consent, { as: office });
    expect(revokeWhileHeld.status).toBe(409);
    await f.act(pledge.body.id, 'withdraw', asEnterprise(A));
    expect((await portal.call('DELETE', consent, { as: office })).status).toBe(204);
    expect((await asset(p)).body.coOwnerConsents).toEqual({});
    expect((await portal.call('DELETE', consent, { as: office })).status).toBe(404);
  });

  it('caps the approval at appraised × the lender’s lowest LTV and names the cap and the maximum', async () => {
    const inv = await f.patent(A);
    const tm = await f.trademark(A);
    const id = (
      await f.apply(A, {
        assetIds: [inv, tm],
        appraisedValueFen: 1_000_000_03,
        requestedAmountFen: 600_000_00,
      })
    ).body.id;
    await f.act(id, 'review', asLender(BANK));
    const over = await f.act(id, 'approve', asLender(BANK), {
      approvedAmountFen: 250_000_01,
      annualRateBps: 400,
    });
    expect(over.status).toBe(422);
    expect(over.body.maxLtvBps).toBe(2500); // invention 25 % < trademark 50 %
    expect(over.body.maxApprovedAmountFen).toBe(250_000_00); // 100000003 × 0.25 = 25000000.75 → down
    expect(over.body.detail).toContain('25%');
    expect(over.body.detail).toContain('25000000 fen');
    expect(over.body.errors[0].path).toBe('approvedAmountFen');
    expect((await get(id, office)).body.version).toBe(2); // unchanged

    // The office raises the invention cap; approval is checked against the policy in force.
    const bank = await portal.call('GET', `/institutions/${BANK}`, { as: asEnterprise(A) });
    expect(bank.body.lendingPolicy.maxLtvBps).toEqual({
      invention: 2500,
      utility_model: 1500,
      design: 1500,
      trademark: 5000,
    });
    const policy = { maxLtvBps: { invention: 4000, utility_model: 1500, design: 1000, trademark: 5000 } };
    const stale = await portal.call('PUT', `/institutions/${BANK}/lending-policy`, {
      as: office,
      body: policy,
      headers: { 'If-Match': '"99"' },
    });
    expect(stale.status).toBe(412);
    const set = await portal.call('PUT', `/institutions/${BANK}/lending-policy`, {
      as: office,
      body: policy,
      headers: { 'If-Match': bank.headers.get('etag')! },
    });
    expect(set.status).toBe(200);
    expect(set.body.lendingPolicy).toEqual(policy);
    // v2: a lender sets its own terms only; another lender's do not exist for it.
    expect(
      (
        await portal.call('PUT', `/institutions/${BANK}/lending-policy`, {
          as: asLender(OTHER_BANK),
          body: policy,
        })
      ).status,
    ).toBe(404);
    expect(
      (await portal.call('PUT', '/institutions/picc/lending-policy', { as: office, body: policy })).status,
    ).toBe(422);
    const listed = await portal.call('GET', '/institutions?kind=lender', { as: asLender(BANK) });
    expect(listed.body.items.find((i: { id: string }) => i.id === BANK).lendingPolicy).toEqual(policy);
    // Renaming the bank keeps its policy.
    await portal.call('PUT', `/institutions/${BANK}`, {
      as: office,
      body: { kind: 'lender', name: 'Jinhua Bank' },
    });
    expect((await portal.call('GET', `/institutions/${BANK}`, { as: office })).body.lendingPolicy).toEqual(
      policy,
    );

    const overRequested = await f.act(id, 'approve', asLender(BANK), {
      approvedAmountFen: 600_000_01,
      annualRateBps: 400,
    });
    expect(overRequested.status).toBe(422);
    expect(overRequested.body.maxApprovedAmountFen).toBe(400_000_01); // 100000003 × 0.40 = 40000001.2
    const ok = await f.act(id, 'approve', asLender(BANK), {
      approvedAmountFen: 400_000_01,
      annualRateBps: 400,
    });
    expect(ok.status).toBe(200);
  });

  it('answers 403 for a wrong role, 404 for another tenant, 409 with currentState, 412 for a stale If-Match', async () => {
    const p = await f.patent(A);
    const id = (await f.apply(A, { assetIds: [p] })).body.id;

    expect((await f.act(id, 'review', asEnterprise(A))).status).toBe(403);
    expect((await f.act(id, 'register', asLender(BANK))).status).toBe(403);
    expect((await f.act(id, 'review', { role: 'insurer', org: 'picc' })).status).toBe(403);
    // Wrong role wins over wrong state.
    expect((await f.act(id, 'release', asLender(BANK))).status).toBe(403);

    expect((await f.act(id, 'review', asLender(OTHER_BANK))).status).toBe(404);
    expect((await f.act(id, 'withdraw', asEnterprise(B))).status).toBe(404);
    expect((await get(id, asEnterprise(B))).status).toBe(404);
    expect((await get(id, asLender(OTHER_BANK))).status).toBe(404);
    // An insurer reads a loan only when asked to guarantee it (guarantees.test.ts); this one it was not.
    expect((await get(id, { role: 'insurer', org: 'picc' })).status).toBe(404);
    expect((await get('no-such-pledge', office)).status).toBe(404);
    expect((await f.act('no-such-pledge', 'review', asLender(BANK))).status).toBe(404);

    const wrongState = await f.act(id, 'approve', asLender(BANK), { approvedAmountFen: 1, annualRateBps: 1 });
    expect(wrongState.status).toBe(409);
    expect(wrongState.body.currentState).toBe('submitted');

    const stale = await f.act(id, 'review', asLender(BANK), {}, { 'If-Match': '"2"' });
    expect(stale.status).toBe(412);
    const fresh = await f.act(id, 'review', asLender(BANK), {}, { 'If-Match': '"1"' });
    expect(fresh.status).toBe(200);

    expect((await f.act(id, 'reject', asLender(BANK), {})).status).toBe(400); // reason required
    expect((await f.act(id, 'withdraw', asEnterprise(A), { why: 1 })).status).toBe(400); // strict
    const detail = (await get(id, asLender(BANK))).body;
    expect(detail.version).toBe(2);
    expect(detail.allowedActions.sort()).toEqual(['approve', 'reject']);
  });

  it('replays a retried action (same Idempotency-Key) instead of answering 409', async () => {
    const p = await f.patent(A);
    const key = { 'Idempotency-Key': `submit-${p}` };
    const first = await f.apply(A, { assetIds: [p] }, key);
    const again = await f.apply(A, { assetIds: [p] }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const id = first.body.id;
    const k = { 'Idempotency-Key': `review-${id}` };
    const r1 = await f.act(id, 'review', asLender(BANK), undefined, k);
    const r2 = await f.act(id, 'review', asLender(BANK), undefined, k);
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    expect(r2.body).toEqual(r1.body);
    expect((await f.act(id, 'review', asLender(BANK))).status).toBe(409); // without the key: a new request
    expect((await get(id, office)).body.history).toHaveLength(2);
  });

  it('lists per role through the indexes, with status filter and pagination', async () => {
    let tick = FIXED_NOW.getTime();
    const ticking = () => {
      tick += 1000; // every call a second later, so creation order is visible
      return new Date(tick);
    };
    const portal2 = await createTestPortal({ now: ticking });
    const g = pledgeFixtures(portal2);
    const E1 = yiwu('MA2L00001');
    const E2 = yiwu('MA2L00002');
    await Promise.all([g.enterprise(E1), g.enterprise(E2), g.institution('bank-a'), g.institution('bank-b')]);
    const ids: Record<string, string> = {};
    // E1: 3 to bank-a, one reviewed; E2: 1 to bank-b, 1 to bank-a.
    for (const [name, owner, bank] of [
      ['e1a', E1, 'bank-a'],
      ['e1b', E1, 'bank-a'],
      ['e1c', E1, 'bank-a'],
      ['e2a', E2, 'bank-b'],
      ['e2b', E2, 'bank-a'],
    ] as const) {
      const pid = await g.patent(owner);
      const res = await g.apply(owner, { assetIds: [pid], lenderId: bank });
      expect(res.status).toBe(201);
      ids[name] = res.body.id;
    }
    await g.act(ids.e1b!, 'review', asLender('bank-a'));

    const listAll = async (as: Caller, query = '') => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await portal2.call(
          'GET',
          `/pledges?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`,
          { as },
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((p: { id: string }) => p.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      return seen;
    };
    expect(await listAll(asEnterprise(E1))).toEqual([ids.e1c, ids.e1b, ids.e1a]); // newest first
    expect(await listAll(asEnterprise(E1), '&status=under_review')).toEqual([ids.e1b]);
    expect((await listAll(asEnterprise(E2))).sort()).toEqual([ids.e2a, ids.e2b].sort());
    expect((await listAll(asLender('bank-a'))).sort()).toEqual([ids.e1a, ids.e1b, ids.e1c, ids.e2b].sort());
    expect((await listAll(asLender('bank-a'), '&status=submitted')).sort()).toEqual(
      [ids.e1a, ids.e1c, ids.e2b].sort(),
    );
    expect(await listAll(asLender('bank-b'), '&status=under_review')).toEqual([]);
    expect((await listAll(office)).sort()).toEqual(Object.values(ids).sort());
    expect(await listAll(office, '&status=under_review')).toEqual([ids.e1b]);
    // The registration queue view: one status, newest first.
    expect(await listAll(office, '&status=submitted')).toEqual([ids.e2b, ids.e2a, ids.e1c, ids.e1a]);
    expect((await portal2.call('GET', '/pledges?status=bogus', { as: office })).status).toBe(400);
    // A cursor from one tenant's list is not accepted for another's.
    const page = await portal2.call('GET', '/pledges?limit=1', { as: asLender('bank-a') });
    const foreign = await portal2.call('GET', `/pledges?limit=1&cursor=${page.body.nextCursor}`, {
      as: asLender('bank-b'),
    });
    expect(foreign.status).toBe(400);
  });
});
