import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import { expirePolicies } from '../../shared/jobs/expire-policies.js';
import { ensureClaimEvidence } from '../support/documents.js';
import {
  activePolicy,
  applicationBody,
  approvedPledge,
  asEnterprise,
  asInsurer,
  asLender,
  office,
  type Parties,
  patent,
  recordConsent,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

/** Today is 2026-11-27 in Shanghai; the expiry step moves the clock into 2027. */
let clock = new Date('2026-11-27T04:00:00Z');

describe('full-chain IP insurance over HTTP', () => {
  let portal: TestPortal;
  let p: Parties;
  let asset1: string;
  let asset2: string;
  const holder = () => asEnterprise(p.holder);
  const insurer = () => asInsurer(p.insurer);
  const apply = (body: unknown, headers: Record<string, string> = {}) =>
    portal.call('POST', '/policies', { as: holder(), body, headers });

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    p = await setupParties(portal);
    asset1 = await trademark(portal, p.holder);
    asset2 = await patent(portal, p.holder);
  });

  it('runs application → issue → claim → settle → expiry', async () => {
    const applied = await apply(applicationBody(p.insurer, [asset1, asset2]));
    expect(applied.status).toBe(201);
    expect(applied.headers.get('etag')).toBe('"1"');
    expect(applied.headers.get('location')).toBe(`/policies/${applied.body.id}`);
    expect(applied.body).toMatchObject({
      status: 'applied',
      holder: p.holder,
      holderName: expect.any(String),
      insurerId: p.insurer,
      insurerName: expect.any(String),
      version: 1,
      claimCount: 0,
      coverages: [
        { line: 'enforcement_cost', sumInsuredFen: 1_000_000, deductibleFen: 100_000, paidFen: 0 },
        { line: 'infringement_loss', sumInsuredFen: 5_000_000, deductibleFen: 0, paidFen: 0 },
      ],
    });
    expect(applied.body.paid).toBeUndefined();
    const id = applied.body.id;

    // The addressed insurer may read the covered assets; another insurer may not.
    expect((await portal.call('GET', `/assets/${asset1}`, { as: insurer() })).status).toBe(200);
    expect((await portal.call('GET', `/assets/${asset1}`, { as: asInsurer(p.otherInsurer) })).status).toBe(
      404,
    );

    const issued = await portal.call('POST', `/policies/${id}/issue`, {
      as: insurer(),
      body: { premiumFen: 30_000 },
    });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ status: 'active', premiumFen: 30_000, version: 2 });
    expect(issued.body.policyNumber).toMatch(new RegExp(`^${p.insurer.toUpperCase()}-2026-`));
    expect(issued.body.issuedAt).toBe(clock.toISOString());
    const covered = await portal.call('GET', `/assets/${asset1}`, { as: holder() });
    expect(covered.body.insuredBy).toEqual([id]);
    expect((await portal.call('DELETE', `/assets/${asset1}`, { as: holder() })).status).toBe(409);

    const filed = await portal.call('POST', `/policies/${id}/claims`, {
      as: holder(),
      body: {
        line: 'enforcement_cost',
        claimedFen: 500_000,
        incidentDate: '2026-05-10',
        description: 'Counterfeits',
      },
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      status: 'filed',
      policyId: id,
      insurerId: p.insurer,
      holder: p.holder,
    });

    // Settling needs the claim's evidence, uploaded by the holder as a claimant would.
    await ensureClaimEvidence(portal, filed.body.id, holder());
    const settled = await portal.call('POST', `/claims/${filed.body.id}/settle`, {
      as: insurer(),
      body: { paidFen: 400_000 },
    });
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ status: 'paid', paidFen: 400_000, version: 2 });

    const second = await portal.call('POST', `/policies/${id}/claims`, {
      as: holder(),
      body: {
        line: 'enforcement_cost',
        claimedFen: 900_000,
        incidentDate: '2026-06-10',
        description: 'More',
      },
    });
    await ensureClaimEvidence(portal, second.body.id, holder());
    // The deductible comes off each claim (800 000 payable); the line has 600 000 of its 1 000 000 left.
    const over = await portal.call('POST', `/claims/${second.body.id}/settle`, {
      as: insurer(),
      body: { paidFen: 700_000 },
    });
    expect(over.status).toBe(422);
    expect(over.body.detail).toContain('600000');
    expect(over.body.remainingFen).toBe(600_000);
    expect(over.body.errors).toEqual([
      expect.objectContaining({
        path: 'paidFen',
        code: 'above_remaining_cover',
        params: { remainingFen: 600_000 },
      }),
    ]);
    const denied = await portal.call('POST', `/claims/${second.body.id}/deny`, {
      as: insurer(),
      body: { reason: 'Not covered by the terms' },
    });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', denyReason: 'Not covered by the terms' });
    const again = await portal.call('POST', `/claims/${second.body.id}/settle`, {
      as: insurer(),
      body: { paidFen: 1 },
    });
    expect(again.status).toBe(409);
    expect(again.body.currentState).toBe('denied');

    const view = await portal.call('GET', `/policies/${id}`, { as: holder() });
    expect(view.status).toBe(200);
    expect(view.body.coverages[0]).toMatchObject({ line: 'enforcement_cost', paidFen: 400_000 });
    expect(view.body.claims.map((c: { status: string }) => c.status)).toEqual(['paid', 'denied']);
    expect(view.body.history.map((e: { action: string }) => e.action)).toEqual([
      'apply',
      'issue',
      'file_claim',
      'file_claim',
    ]);
    const claimView = await portal.call('GET', `/claims/${filed.body.id}`, { as: office });
    expect(claimView.body.history.map((e: { action: string }) => e.action)).toEqual(['file', 'settle']);

    // The period ends 2026-12-31: still active on that day, expired from 2027-01-01 (Shanghai).
    clock = new Date('2026-12-31T15:59:00Z');
    expect(
      await expirePolicies({ db: portal.deps.db, tableName: portal.tableName }, fixedClock(clock)),
    ).toEqual({
      examined: 0,
      expired: 0,
    });
    clock = new Date('2026-12-31T16:00:00Z');
    expect(
      await expirePolicies({ db: portal.deps.db, tableName: portal.tableName }, fixedClock(clock)),
    ).toEqual({
      examined: 1,
      expired: 1,
    });
    const expired = await portal.call('GET', `/policies/${id}`, { as: insurer() });
    expect(expired.body.status).toBe('expired');
    expect(expired.body.history.at(-1)).toMatchObject({
      action: 'expire',
      from: 'active',
      to: 'expired',
      actor: { role: 'system', org: null },
    });
    expect((await portal.call('GET', `/assets/${asset1}`, { as: holder() })).body.insuredBy).toEqual([]);
    // Occurrence cover: an incident inside the period may be notified after it, for two years.
    const late = await portal.call('POST', `/policies/${id}/claims`, {
      as: holder(),
      body: { line: 'infringement_loss', claimedFen: 10, incidentDate: '2026-07-01', description: 'x' },
    });
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    clock = new Date('2028-12-31T15:59:00Z'); // 2028-12-31 in Shanghai: the last day of notice
    const lastDay = await portal.call('POST', `/policies/${id}/claims`, {
      as: holder(),
      body: { line: 'infringement_loss', claimedFen: 10, incidentDate: '2026-12-31', description: 'x' },
    });
    expect(lastDay.status, JSON.stringify(lastDay.body)).toBe(201);
    clock = new Date('2028-12-31T16:00:00Z');
    const tooLate = await portal.call('POST', `/policies/${id}/claims`, {
      as: holder(),
      body: { line: 'infringement_loss', claimedFen: 10, incidentDate: '2026-12-31', description: 'x' },
    });
    expect(tooLate.status).toBe(422);
    expect(tooLate.body.errors).toEqual([
      expect.objectContaining({
        path: 'incidentDate',
        code: 'notice_too_late',
        params: { deadline: '2028-12-31' },
      }),
    ]);
    clock = new Date('2026-11-27T04:00:00Z');
  });

  it('reports every underwriting failure in one 422', async () => {
    const pending = await patent(portal, p.holder, { pending: true });
    const shortLived = await trademark(portal, p.holder, '2016-06-01'); // in force through 2026-05-31
    const coOwned = await patent(portal, p.holder, { coOwners: [p.coOwner] });
    const othersAsset = await trademark(portal, p.other);
    const r = await apply({
      insurerId: p.lender,
      assetIds: [asset2, othersAsset, 'no-such-asset', pending, shortLived, coOwned],
      coverages: [
        { line: 'enforcement_cost', sumInsuredFen: 100, deductibleFen: 101 },
        { line: 'pledge_guarantee', sumInsuredFen: 0 },
      ],
      periodStart: '2026-03-01',
      periodEnd: '2031-03-01',
    });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    const byPath = (path: string) =>
      r.body.errors
        .filter((e: { path: string }) => e.path === path)
        .map((e: { message: string }) => e.message);
    expect(byPath('insurerId')).toEqual([expect.stringContaining('not an insurer')]);
    expect(byPath('assetIds.0')).toEqual([]);
    // Someone else's asset and a missing one read the same.
    expect(byPath('assetIds.1')).toEqual([expect.stringContaining('not found among your assets')]);
    expect(byPath('assetIds.2')).toEqual([expect.stringContaining('not found among your assets')]);
    expect(byPath('assetIds.3')).toEqual([expect.stringContaining('pending')]);
    expect(byPath('assetIds.4')).toEqual([expect.stringContaining('expired on 2026-05-31')]);
    expect(byPath('assetIds.5')).toEqual([
      expect.stringContaining(`lacks the recorded consent of co-owner(s) ${p.coOwner}`),
    ]);
    expect(byPath('coverages.0.deductibleFen')).toHaveLength(1);
    expect(byPath('coverages.1.sumInsuredFen')).toHaveLength(1);
    expect(byPath('coverages.1.line')).toEqual([expect.stringContaining('requires pledgeId')]);
    expect(byPath('periodEnd')).toEqual([expect.stringContaining('2031-02-28')]);

    // Consent recorded → the co-owned patent passes; the 5-year boundary is inclusive of the day before.
    await recordConsent(portal, coOwned, p.coOwner);
    const ok = await apply(
      applicationBody(p.insurer, [coOwned], { periodStart: '2026-03-01', periodEnd: '2031-02-28' }),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);

    const periods = await apply(
      applicationBody(p.insurer, [asset1], { periodStart: '2026-05-01', periodEnd: '2026-05-01' }),
    );
    expect(periods.status).toBe(422);
    expect(periods.body.errors).toEqual([
      { path: 'periodEnd', message: 'must be after periodStart' },
      { path: 'periodEnd', message: expect.stringContaining('already ended') },
    ]);
  });

  it('ties pledge_guarantee to an approved pledge of the caller', async () => {
    const pledged = await trademark(portal, p.holder);
    const pledgeId = await approvedPledge(portal, p.holder, p.lender, pledged);
    const guarantee = [{ line: 'pledge_guarantee', sumInsuredFen: 10_000_000, deductibleFen: 0 }];
    const ok = await apply(applicationBody(p.insurer, [pledged], { coverages: guarantee, pledgeId }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ pledgeId, beneficiaryLenderId: p.lender });

    const noLine = await apply(applicationBody(p.insurer, [pledged], { pledgeId }));
    expect(noLine.status).toBe(422);
    expect(noLine.body.errors).toEqual([
      { path: 'pledgeId', message: expect.stringContaining('pledge_guarantee') },
    ]);

    const notMine = await portal.call('POST', '/policies', {
      as: asEnterprise(p.other),
      body: applicationBody(p.insurer, [await trademark(portal, p.other)], {
        coverages: guarantee,
        pledgeId,
      }),
    });
    expect(notMine.status).toBe(422);
    expect(notMine.body.errors).toEqual([
      { path: 'pledgeId', message: expect.stringContaining('not found') },
    ]);

    const submitted = await portal.call('POST', '/pledges', {
      as: holder(),
      body: {
        lenderId: p.lender,
        assetIds: [await trademark(portal, p.holder)],
        appraisedValueFen: 1_000_000,
        requestedAmountFen: 100_000,
        termMonths: 6,
      },
    });
    expect(submitted.status).toBe(201);
    const early = await apply(
      applicationBody(p.insurer, [pledged], { coverages: guarantee, pledgeId: submitted.body.id }),
    );
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([
      { path: 'pledgeId', message: expect.stringContaining('is submitted') },
    ]);
  });

  it('rejects malformed applications with 400', async () => {
    const base = applicationBody(p.insurer, [asset1]);
    const cases: unknown[] = [
      { ...base, extra: 1 },
      { ...base, assetIds: [asset1, asset1] },
      { ...base, assetIds: [] },
      { ...base, assetIds: Array.from({ length: 51 }, (_, i) => `a${i}`) },
      { ...base, coverages: [] },
      { ...base, coverages: [base.coverages[0], base.coverages[0]] },
      { ...base, coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1.5 }] },
      { ...base, coverages: [{ line: 'enforcement_cost', sumInsuredFen: -1 }] },
      { ...base, coverages: [{ line: 'enforcement_cost', sumInsuredFen: '100' }] },
      { ...base, coverages: [{ line: 'enforcement_cost', sumInsuredFen: 2 ** 53 }] },
      { ...base, coverages: [{ line: 'theft', sumInsuredFen: 1 }] },
      { ...base, periodEnd: '2026-02-30' },
    ];
    for (const body of cases) {
      const r = await apply(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('answers 403, 404, 409 and 412 for policy actions', async () => {
    const applied = await apply(applicationBody(p.insurer, [asset2]));
    const id = applied.body.id;
    expect((await portal.call('POST', '/policies', { as: asLender(p.lender), body: {} })).status).toBe(403);
    expect(
      (await portal.call('POST', `/policies/${id}/issue`, { as: holder(), body: { premiumFen: 1 } })).status,
    ).toBe(403);
    expect(
      (await portal.call('POST', `/policies/${id}/issue`, { as: office, body: { premiumFen: 1 } })).status,
    ).toBe(403);
    expect((await portal.call('POST', `/policies/${id}/cancel`, { as: insurer() })).status).toBe(403);
    expect(
      (
        await portal.call('POST', `/policies/${id}/issue`, {
          as: asInsurer(p.otherInsurer),
          body: { premiumFen: 1 },
        })
      ).status,
    ).toBe(404);
    expect((await portal.call('POST', `/policies/${id}/cancel`, { as: asEnterprise(p.other) })).status).toBe(
      404,
    );
    expect((await portal.call('GET', `/policies/${id}`, { as: asEnterprise(p.other) })).status).toBe(404);
    // A lender that is not the guarantee's beneficiary is told the policy does not exist.
    expect((await portal.call('GET', `/policies/${id}`, { as: asLender(p.lender) })).status).toBe(404);
    expect((await portal.call('GET', '/policies/nope', { as: office })).status).toBe(404);

    const stale = await portal.call('POST', `/policies/${id}/issue`, {
      as: insurer(),
      body: { premiumFen: 1 },
      headers: { 'If-Match': '"7"' },
    });
    expect(stale.status).toBe(412);
    const issued = await portal.call('POST', `/policies/${id}/issue`, {
      as: insurer(),
      body: { premiumFen: 1, policyNumber: 'PN-1' },
      headers: { 'If-Match': '"1"' },
    });
    expect(issued.status).toBe(200);
    const twice = await portal.call('POST', `/policies/${id}/issue`, {
      as: insurer(),
      body: { premiumFen: 1 },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.currentState).toBe('active');
    const decline = await portal.call('POST', `/policies/${id}/decline`, {
      as: insurer(),
      body: { reason: 'x' },
    });
    expect(decline.status).toBe(409);

    // Policy numbers are unique per insurer.
    const other = await apply(applicationBody(p.insurer, [asset2]));
    const dup = await portal.call('POST', `/policies/${other.body.id}/issue`, {
      as: insurer(),
      body: { premiumFen: 1, policyNumber: 'PN-1' },
    });
    expect(dup.status).toBe(409);
    expect((await portal.call('GET', `/policies/${other.body.id}`, { as: holder() })).body.status).toBe(
      'applied',
    );
    const declined = await portal.call('POST', `/policies/${other.body.id}/decline`, {
      as: insurer(),
      body: { reason: 'Portfolio too risky' },
    });
    expect(declined.body).toMatchObject({ status: 'declined', declineReason: 'Portfolio too risky' });
    expect((await portal.call('POST', `/policies/${other.body.id}/cancel`, { as: holder() })).status).toBe(
      409,
    );

    // Cancelling an active policy ends the assets' cover.
    const cancelled = await portal.call('POST', `/policies/${id}/cancel`, {
      as: holder(),
      body: { reason: 'Sold' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Sold' });
    expect((await portal.call('GET', `/assets/${asset2}`, { as: holder() })).body.insuredBy).toEqual([]);
    const extra = await portal.call('POST', `/policies/${id}/cancel`, { as: holder(), body: { why: 1 } });
    expect(extra.status).toBe(400);
  });

  it('replays idempotent applications, actions and filings', async () => {
    const body = applicationBody(p.insurer, [asset1]);
    const first = await apply(body, { 'Idempotency-Key': 'apply-1' });
    const replay = await apply(body, { 'Idempotency-Key': 'apply-1' });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await apply({ ...body, periodEnd: '2026-12-30' }, { 'Idempotency-Key': 'apply-1' })).status).toBe(
      422,
    );

    const issue = () =>
      portal.call('POST', `/policies/${first.body.id}/issue`, {
        as: insurer(),
        body: { premiumFen: 5 },
        headers: { 'Idempotency-Key': 'issue-1' },
      });
    const a = await issue();
    const b = await issue();
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toEqual(a.body);

    const file = () =>
      portal.call('POST', `/policies/${first.body.id}/claims`, {
        as: holder(),
        body: { line: 'infringement_loss', claimedFen: 10, incidentDate: '2026-02-01', description: 'x' },
        headers: { 'Idempotency-Key': 'claim-1' },
      });
    const c1 = await file();
    const c2 = await file();
    expect(c2.body.id).toBe(c1.body.id);
    const view = await portal.call('GET', `/policies/${first.body.id}`, { as: holder() });
    expect(view.body.claims).toHaveLength(1);
    expect(view.body.claimCount).toBe(1);
  });

  it('checks claims: covered line, incident in period and not in the future, active policy, settlement bounds', async () => {
    const id = await activePolicy(portal, p, [asset1]);
    const file = (body: Record<string, unknown>) =>
      portal.call('POST', `/policies/${id}/claims`, {
        as: holder(),
        body: {
          line: 'enforcement_cost',
          claimedFen: 100,
          incidentDate: '2026-03-01',
          description: 'x',
          ...body,
        },
      });
    const bad = await file({ line: 'overseas_enforcement', incidentDate: '2025-12-31', claimedFen: 0 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'line',
      'claimedFen',
      'incidentDate',
    ]);
    const future = await file({ incidentDate: '2026-12-01' });
    expect(future.status).toBe(422);
    expect(future.body.errors[0].message).toContain('after today');
    expect((await portal.call('POST', `/policies/${id}/claims`, { as: insurer(), body: {} })).status).toBe(
      403,
    );
    expect(
      (
        await portal.call('POST', `/policies/${id}/claims`, {
          as: asEnterprise(p.other),
          body: { line: 'enforcement_cost', claimedFen: 1, incidentDate: '2026-03-01', description: 'x' },
        })
      ).status,
    ).toBe(404);

    const claim = await file({ line: 'infringement_loss', claimedFen: 1_000 });
    expect(claim.status).toBe(201);
    await ensureClaimEvidence(portal, claim.body.id, holder()); // so that only the bounds refuse
    const settle = (body: unknown, as: CallOptions['as'] = insurer(), headers: Record<string, string> = {}) =>
      portal.call('POST', `/claims/${claim.body.id}/settle`, { as, body, headers });
    expect((await settle({ paidFen: 1_001 })).status).toBe(422);
    expect((await settle({ paidFen: 0 })).status).toBe(422);
    expect((await settle({ paidFen: 1 }, asInsurer(p.otherInsurer))).status).toBe(404);
    expect((await settle({ paidFen: 1 }, holder())).status).toBe(403);
    expect((await settle({ paidFen: 1 }, insurer(), { 'If-Match': '"2"' })).status).toBe(412);
    expect((await settle({ paidFen: 1.5 })).status).toBe(400);
    const ok = await settle({ paidFen: 1_000 }, insurer(), { 'If-Match': '"1"' });
    expect(ok.status).toBe(200);
    expect((await portal.call('GET', `/claims/${claim.body.id}`, { as: asEnterprise(p.other) })).status).toBe(
      404,
    );
    expect((await portal.call('GET', `/claims/${claim.body.id}`, { as: asLender(p.lender) })).status).toBe(
      404,
    );

    const applied = await apply(applicationBody(p.insurer, [asset1]));
    const onApplied = await portal.call('POST', `/policies/${applied.body.id}/claims`, {
      as: holder(),
      body: { line: 'enforcement_cost', claimedFen: 1, incidentDate: '2026-03-01', description: 'x' },
    });
    expect(onApplied.status).toBe(409);
    expect(onApplied.body.currentState).toBe('applied');
  });

  it('reopens a closed claim within a year of closing, and not a day later; nothing changes on a refusal', async () => {
    const id = await activePolicy(portal, p, [asset1]);
    const filed = await portal.call('POST', `/policies/${id}/claims`, {
      as: holder(),
      body: { line: 'infringement_loss', claimedFen: 5_000, incidentDate: '2026-03-01', description: 'x' },
    });
    const claimId = filed.body.id;
    const denied = await portal.call('POST', `/claims/${claimId}/deny`, {
      as: insurer(),
      body: { reason: 'No' },
    });
    expect(denied.body).toMatchObject({ status: 'denied', closedOn: '2026-11-27' });
    const reopen = () =>
      portal.call('POST', `/claims/${claimId}/reopen`, { as: holder(), body: { reason: 'New evidence' } });
    try {
      clock = new Date('2027-11-27T16:00:00Z'); // 2027-11-28 in Shanghai: a year and a day
      const late = await reopen();
      expect(late.status).toBe(422);
      expect(late.body.errors).toEqual([
        expect.objectContaining({ path: 'reason', code: 'reopen_too_late', params: { until: '2027-11-27' } }),
      ]);
      const unchanged = await portal.call('GET', `/claims/${claimId}`, { as: holder() });
      expect(unchanged.body).toMatchObject({ status: 'denied', version: 2 });
      clock = new Date('2027-11-27T15:59:00Z'); // still 2027-11-27
      const inTime = await reopen();
      expect(inTime.status, JSON.stringify(inTime.body)).toBe(200);
      expect(inTime.body).toMatchObject({ status: 'under_investigation', reopenReason: 'New evidence' });
      expect(inTime.body.closedOn).toBeUndefined();
      expect(inTime.body.denyReason).toBeUndefined();
    } finally {
      clock = new Date('2026-11-27T04:00:00Z');
    }
  });

  it('lists policies and claims per role', async () => {
    const fresh = await createTestPortal({ now: () => clock });
    const q = await setupParties(fresh);
    const a = await trademark(fresh, q.holder);
    const b = await trademark(fresh, q.other);
    const active = await activePolicy(fresh, q, [a]);
    const applied = await fresh.call('POST', '/policies', {
      as: asEnterprise(q.holder),
      body: applicationBody(q.otherInsurer, [a]),
    });
    const others = await fresh.call('POST', '/policies', {
      as: asEnterprise(q.other),
      body: applicationBody(q.insurer, [b]),
    });
    const ids = async (path: string, as: CallOptions['as']) => {
      const r = await fresh.call('GET', path, { as });
      expect(r.status).toBe(200);
      return r.body.items.map((i: { id: string }) => i.id).sort();
    };
    expect(await ids('/policies', asEnterprise(q.holder))).toEqual([active, applied.body.id].sort());
    expect(await ids('/policies?status=active', asEnterprise(q.holder))).toEqual([active]);
    expect(await ids('/policies', asEnterprise(q.other))).toEqual([others.body.id]);
    expect(await ids('/policies', asInsurer(q.insurer))).toEqual([active, others.body.id].sort());
    expect(await ids('/policies?status=applied', asInsurer(q.insurer))).toEqual([others.body.id]);
    expect(await ids('/policies', asInsurer(q.otherInsurer))).toEqual([applied.body.id]);
    expect(await ids('/policies', office)).toEqual([active, applied.body.id, others.body.id].sort());
    expect(await ids('/policies?status=applied', office)).toEqual([applied.body.id, others.body.id].sort());
    expect((await fresh.call('GET', '/policies', { as: asLender(q.lender) })).status).toBe(403);
    const page = await fresh.call('GET', '/policies?limit=1', { as: office });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await fresh.call('GET', `/policies?limit=1&cursor=${page.body.nextCursor}`, { as: office });
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    expect(
      (await fresh.call('GET', `/policies?cursor=${page.body.nextCursor}`, { as: asEnterprise(q.holder) }))
        .status,
    ).toBe(400);

    const claim = await fresh.call('POST', `/policies/${active}/claims`, {
      as: asEnterprise(q.holder),
      body: { line: 'infringement_loss', claimedFen: 10, incidentDate: '2026-02-01', description: 'x' },
    });
    expect(await ids('/claims', asEnterprise(q.holder))).toEqual([claim.body.id]);
    expect(await ids('/claims?status=filed', asInsurer(q.insurer))).toEqual([claim.body.id]);
    expect(await ids('/claims?status=paid', asInsurer(q.insurer))).toEqual([]);
    expect(await ids('/claims', asInsurer(q.otherInsurer))).toEqual([]);
    expect(await ids('/claims', asEnterprise(q.other))).toEqual([]);
    expect(await ids('/claims', office)).toEqual([claim.body.id]);
  });
});
