import { beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { toResource } from '../../shared/store/records.js';
import { Store } from '../../shared/store/toolkit.js';
import { consume } from '../../shared/usecases/consumers/consumer.js';
import { GUARANTEE_CLAIMS } from '../../shared/usecases/consumers/guarantee-claims.js';
import { openGuaranteeClaims } from '../../shared/usecases/guarantees.js';
import { ensureClaimEvidence, ensurePledgeDocuments } from '../support/documents.js';
import {
  activePolicy,
  applicationBody,
  approvedPledge,
  asEnterprise,
  asInsurer,
  asLender,
  office,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/** 2026-11-27 in Shanghai; the policies run through 2026. */
const clock = new Date('2026-11-27T04:00:00Z');
const TODAY = '2026-11-27';
const LOAN_FEN = 10_000_000;
const GUARANTEE_FEN = 8_000_000;

/**
 * Pledge-financing guarantee insurance tied to its loan: who reads what, the holder's cancellation while the loan
 * runs, and the lender's claim a default opens (through the consumer, redelivered).
 */
describe('guarantee insurance and its loan', () => {
  let portal: TestPortal;
  let p: Parties;
  let store: Store;
  const otherLender = 'guarantee-other-bank';

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    p = await setupParties(portal);
    store = new Store(portal.deps.db, portal.tableName);
    const r = await portal.call('PUT', `/institutions/${otherLender}`, {
      as: office,
      body: { kind: 'lender', name: 'Other bank' },
    });
    expect(r.status).toBe(201);
  });

  /** An approved loan of the holder's with an issued guarantee policy on it. */
  const guaranteed = async () => {
    const asset = await trademark(portal, p.holder);
    const pledgeId = await approvedPledge(portal, p.holder, p.lender, asset);
    const policyId = await activePolicy(portal, p, [asset], {
      coverages: [{ line: 'pledge_guarantee', sumInsuredFen: GUARANTEE_FEN }],
      pledgeId,
    });
    return { asset, pledgeId, policyId };
  };

  const activate = async (pledgeId: string) => {
    await ensurePledgeDocuments(portal, pledgeId); // registration needs the pledge's four documents
    const registered = await portal.call('POST', `/pledges/${pledgeId}/register`, {
      as: office,
      body: { registrationNumber: `Y2026${pledgeId.slice(0, 8)}` },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    const disbursed = await portal.call('POST', `/pledges/${pledgeId}/disburse`, { as: asLender(p.lender) });
    expect(disbursed.status, JSON.stringify(disbursed.body)).toBe(200);
  };

  const eventsOf = async (pk: string): Promise<DomainEvent[]> =>
    (await store.queryPartition(pk, 'EVENT#')).map((i) => toResource<DomainEvent>(i));

  it('the lender reads the guarantee it benefits from; the insurer reads the loan it guarantees', async () => {
    const { pledgeId, policyId } = await guaranteed();
    const asLenderView = await portal.call('GET', `/policies/${policyId}`, { as: asLender(p.lender) });
    expect(asLenderView.status).toBe(200);
    expect(asLenderView.body).toMatchObject({ pledgeId, beneficiaryLenderId: p.lender, status: 'active' });
    expect((await portal.call('GET', `/policies/${policyId}`, { as: asLender(otherLender) })).status).toBe(
      404,
    );

    const asInsurerView = await portal.call('GET', `/pledges/${pledgeId}`, { as: asInsurer(p.insurer) });
    expect(asInsurerView.status).toBe(200);
    expect(asInsurerView.body.guarantees).toEqual([{ policyId, insurerId: p.insurer }]);
    expect(asInsurerView.body.allowedActions).toEqual([]);
    expect((await portal.call('GET', `/pledges/${pledgeId}`, { as: asInsurer(p.otherInsurer) })).status).toBe(
      404,
    );
    // The bank's page shows the guarantee too.
    const asBank = await portal.call('GET', `/pledges/${pledgeId}`, { as: asLender(p.lender) });
    expect(asBank.body.guarantees).toEqual([{ policyId, insurerId: p.insurer }]);

    await activate(pledgeId);
    const schedule = await portal.call('GET', `/pledges/${pledgeId}/schedule`, { as: asInsurer(p.insurer) });
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(200);
    expect(
      (await portal.call('GET', `/pledges/${pledgeId}/schedule`, { as: asInsurer(p.otherInsurer) })).status,
    ).toBe(404);
  });

  it('the holder cannot cancel an active guarantee while its loan runs; the insurer may terminate it', async () => {
    const { pledgeId, policyId } = await guaranteed();
    await activate(pledgeId);
    const cancel = await portal.call('POST', `/policies/${policyId}/cancel`, { as: asEnterprise(p.holder) });
    expect(cancel.status).toBe(409);
    expect(cancel.body.errors).toEqual([
      expect.objectContaining({
        path: 'pledgeId',
        code: 'guarantee_loan_outstanding',
        params: { pledgeStatus: 'active' },
      }),
    ]);
    const unchanged = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    expect(unchanged.body).toMatchObject({ status: 'active', version: 2 });

    const terminated = await portal.call('POST', `/policies/${policyId}/terminate`, {
      as: asInsurer(p.insurer),
      body: { reason: 'Misrepresentation' },
    });
    expect(terminated.status, JSON.stringify(terminated.body)).toBe(200);
    // Premium 20 000 over 2026 (365 days); 34 days unexpired after 2026-11-27 — counted here day by day.
    let unexpired = 0;
    for (
      let d = new Date('2026-11-28T00:00:00Z');
      d <= new Date('2026-12-31T00:00:00Z');
      d.setUTCDate(d.getUTCDate() + 1)
    )
      unexpired++;
    expect(unexpired).toBe(34);
    expect(terminated.body).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'insurer',
      cancelledOn: TODAY,
      cancelReason: 'Misrepresentation',
      refundFen: Number((20_000n * BigInt(unexpired)) / 365n),
    });
    const view = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    expect(view.body.history.at(-1)).toMatchObject({
      action: 'terminate',
      to: 'cancelled',
      reason: 'Misrepresentation',
    });
  });

  it('the holder cancels once the loan is repaid, with the unexpired premium refunded', async () => {
    const { pledgeId, policyId } = await guaranteed();
    await activate(pledgeId);
    const repaid = await portal.call('POST', `/pledges/${pledgeId}/repay`, { as: asLender(p.lender) });
    expect(repaid.status, JSON.stringify(repaid.body)).toBe(200);
    const cancel = await portal.call('POST', `/policies/${policyId}/cancel`, { as: asEnterprise(p.holder) });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body).toMatchObject({ cancelledBy: 'holder', refundFen: Math.floor((20_000 * 34) / 365) });
  });

  it('a default opens the lender’s claim once, however often it is delivered; the lender handles it', async () => {
    const { pledgeId, policyId } = await guaranteed();
    // A second guarantee, applied for but never issued, gives no cover: no claim on it.
    const applied = await portal.call('POST', '/policies', {
      as: asEnterprise(p.holder),
      body: applicationBody(
        p.otherInsurer,
        [(await portal.call('GET', `/pledges/${pledgeId}`, { as: office })).body.assetIds[0]],
        {
          coverages: [{ line: 'pledge_guarantee', sumInsuredFen: 1_000 }],
          pledgeId,
        },
      ),
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    await activate(pledgeId);
    const defaulted = await portal.call('POST', `/pledges/${pledgeId}/default`, { as: asLender(p.lender) });
    expect(defaulted.status, JSON.stringify(defaulted.body)).toBe(200);

    const event = (await eventsOf(`PLEDGE#${pledgeId}`)).find((e) => e.type === 'pledge.defaulted')!;
    expect(event.data.defaultedOn).toBe(TODAY);
    expect(await consume(store, GUARANTEE_CLAIMS, event)).toBe('applied');
    expect(await consume(store, GUARANTEE_CLAIMS, event)).toBe('duplicate');
    // Even past the marker (a redelivery after it expired), the claim's derived id files it once.
    expect(await openGuaranteeClaims(store, pledgeId, TODAY, clock)).toEqual([]);

    const policy = await portal.call('GET', `/policies/${policyId}`, { as: asLender(p.lender) });
    expect(policy.body.claims).toHaveLength(1);
    const claim = policy.body.claims[0];
    // Disbursed and defaulted the same day: the principal is owed, no interest yet.
    expect(claim).toMatchObject({
      status: 'filed',
      line: 'pledge_guarantee',
      claimedFen: LOAN_FEN,
      incidentDate: TODAY,
      claimant: { role: 'lender', org: p.lender },
      beneficiaryLenderId: p.lender,
    });
    const other = await portal.call('GET', `/policies/${applied.body.id}`, { as: asEnterprise(p.holder) });
    expect(other.body.claims).toEqual([]);
    // The bank's claims list holds it; another bank's holds nothing of it.
    const bankList = await portal.call('GET', '/claims', { as: asLender(p.lender) });
    expect(bankList.body.items.map((c: { id: string }) => c.id)).toContain(claim.id);
    const filedOnly = await portal.call('GET', '/claims?status=paid', { as: asLender(p.lender) });
    expect(filedOnly.body.items.map((c: { id: string }) => c.id)).not.toContain(claim.id);
    expect((await portal.call('GET', '/claims', { as: asLender(otherLender) })).body.items).toEqual([]);

    // The insurer handles it: the guarantee pays at most its sum insured.
    const insurer = asInsurer(p.insurer);
    expect(
      (await portal.call('POST', `/claims/${claim.id}/investigate`, { as: insurer, body: {} })).status,
    ).toBe(200);
    const tooMuch = await portal.call('POST', `/claims/${claim.id}/assess`, {
      as: insurer,
      body: { approvedFen: GUARANTEE_FEN + 1 },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors[0]).toMatchObject({ path: 'approvedFen', code: 'above_payable' });
    const assessed = await portal.call('POST', `/claims/${claim.id}/assess`, {
      as: insurer,
      body: { approvedFen: GUARANTEE_FEN },
    });
    expect(assessed.body).toMatchObject({
      status: 'assessed',
      approvedFen: GUARANTEE_FEN,
      reserveFen: GUARANTEE_FEN,
    });
    await ensureClaimEvidence(portal, claim.id, insurer); // paying needs the claim's evidence
    const paid = await portal.call('POST', `/claims/${claim.id}/pay`, {
      as: insurer,
      body: { amountFen: GUARANTEE_FEN },
    });
    expect(paid.body).toMatchObject({
      status: 'paid',
      paidFen: GUARANTEE_FEN,
      reserveFen: 0,
      closedOn: TODAY,
    });

    // The holder cannot reopen the lender's claim; the lender can, within the year.
    const byHolder = await portal.call('POST', `/claims/${claim.id}/reopen`, {
      as: asEnterprise(p.holder),
      body: { reason: 'x' },
    });
    expect(byHolder.status).toBe(403);
    const reopened = await portal.call('POST', `/claims/${claim.id}/reopen`, {
      as: asLender(p.lender),
      body: { reason: 'Recovery costs were left out' },
    });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body).toMatchObject({
      status: 'under_investigation',
      reopenReason: 'Recovery costs were left out',
    });
    expect(reopened.body.closedOn).toBeUndefined();
    // The claim's events reach the lender (the beneficiary) as well as the holder and the insurer.
    const claimEvents = await eventsOf(`CLAIM#${claim.id}`);
    expect(claimEvents.map((e) => e.action)).toEqual([
      'file',
      'investigate',
      'assess',
      'pay_in_full',
      'reopen',
    ]);
    expect(claimEvents[0]!.actor.role).toBe('system');
    for (const e of claimEvents) expect(e.audience).toContain(`lender:${p.lender}`);
  });

  it('after the disposal, the claim not yet assessed claims the insurer’s share of the shared loss', async () => {
    const pool = await portal.call('PUT', '/programmes/risk-pool', {
      as: office,
      body: { poolBps: 5_400, lenderBps: 2_600, insurerBps: 1_600, appraiserBps: 400 },
    });
    expect(pool.status).toBe(201);
    const { pledgeId, policyId } = await guaranteed();
    await activate(pledgeId);
    expect(
      (await portal.call('POST', `/pledges/${pledgeId}/default`, { as: asLender(p.lender) })).status,
    ).toBe(200);
    const defaulted = (await eventsOf(`PLEDGE#${pledgeId}`)).find((e) => e.type === 'pledge.defaulted')!;
    expect(await consume(store, GUARANTEE_CLAIMS, defaulted)).toBe('applied');

    const recoveredFen = 3_000_001;
    const disposed = await portal.call('POST', `/pledges/${pledgeId}/disposals`, {
      as: asLender(p.lender),
      body: { method: 'agreed_value', recoveredFen, completedOn: TODAY },
    });
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(201);
    const event = (await eventsOf(`PLEDGE#${pledgeId}`)).find((e) => e.type === 'pledge.disposed')!;
    expect(await consume(store, GUARANTEE_CLAIMS, event)).toBe('applied');
    expect(await consume(store, GUARANTEE_CLAIMS, event)).toBe('duplicate');

    // Owed on the day: the principal (disbursed and disposed the same day); the insurer bears 16 % of the loss.
    const insurerFen = Number((BigInt(LOAN_FEN - recoveredFen) * 1_600n) / 10_000n);
    const claim = (await portal.call('GET', `/policies/${policyId}`, { as: asLender(p.lender) })).body
      .claims[0];
    expect(claim).toMatchObject({ status: 'filed', claimedFen: insurerFen, lossShareFen: insurerFen });
    const history = (await portal.call('GET', `/claims/${claim.id}`, { as: asInsurer(p.insurer) })).body
      .history;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['file', 'share_loss']);
  });
});
