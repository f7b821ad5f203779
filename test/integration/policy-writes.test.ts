import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';
import { loggingClient } from '../support/command-log.js';
import { ensureClaimEvidence } from '../support/documents.js';
import {
  activePolicy,
  applicationBody,
  approvedPledge,
  asEnterprise,
  asInsurer,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

/** 2026-11-27 noon in Shanghai: every fact of this file falls in the year 2026. */
const clock = new Date('2026-11-27T04:00:00Z');
const AT = clock.toISOString();
const YEAR = 2026;
/** applicationBody's lines: enforcement_cost 1 000 000 (deductible 100 000) and infringement_loss 5 000 000. */
const SUM_INSURED = 1_000_000 + 5_000_000;
// The line's aggregate: the deductible comes off each claim, not off the line.
const ENFORCEMENT_LIMIT = 1_000_000;

const GET = 'GetItemCommand';
const BATCH_GET = 'BatchGetItemCommand';
const QUERY = 'QueryCommand';
const TRANSACT = 'TransactWriteItemsCommand';

describe('policy and claim writes on DynamoDB Local: what is stored, in how many round trips', () => {
  let portal: TestPortal;
  let log: ReturnType<typeof loggingClient>;
  let p: Parties;
  const raw = localDocumentClient(inject('dynamoEndpoint'));
  const item = async (pk: string, sk: string) =>
    (await raw.send(new GetCommand({ TableName: portal.tableName, Key: { pk, sk }, ConsistentRead: true })))
      .Item;
  /**
   * One request and the DynamoDB commands it sent, on a warm instance: the caller's directory entry is already
   * remembered (a first request of each caller reads it, and `GET /me` is that first request here).
   */
  const call = async (method: string, path: string, options: CallOptions) => {
    if (options.as) await portal.call('GET', '/me', { as: options.as });
    log.take();
    const res = await portal.call(method, path, options);
    return { res, sent: log.take() };
  };
  const holder = () => asEnterprise(p.holder);
  const insurer = () => asInsurer(p.insurer);
  const event = (pk: string, version: number) => item(pk, `EVENT#${String(version).padStart(12, '0')}`);
  const summary = async () => (await item(`ENT#${p.holder}`, 'SUMMARY')) ?? {};

  beforeAll(async () => {
    log = loggingClient();
    portal = await createTestPortal({ now: () => clock, db: log.db });
    p = await setupParties(portal);
  });

  it('applies with one BatchGet and one TransactWrite: the policy, its first event, a link per asset, the record', async () => {
    const assets = [await trademark(portal, p.holder), await trademark(portal, p.holder)];
    const headers = { 'Idempotency-Key': 'apply-w1' };
    const { res, sent } = await call('POST', '/policies', {
      as: holder(),
      body: applicationBody(p.insurer, assets),
      headers,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(sent).toEqual([BATCH_GET, TRANSACT]);
    const id = res.body.id;
    expect(await item(`POLICY#${id}`, 'POLICY')).toMatchObject({
      entity: 'policy',
      status: 'applied',
      version: 1,
      paid: { enforcement_cost: 0, infringement_loss: 0 },
      gsi1pk: `ENT#${p.holder}#POLICIES`,
      gsi2pk: `INSURER#${p.insurer}#POLICIES`,
      gsi3pk: 'POLICIES',
      gsi3sk: `applied#${AT}#${id}`,
    });
    expect(await event(`POLICY#${id}`, 1)).toMatchObject({
      entity: 'domain-event',
      id: `policy:${id}:1`,
      type: 'policy.applied',
      subject: { kind: 'policy', id },
      version: 1,
      at: AT,
      action: 'apply',
      from: null,
      to: 'applied',
      actor: { role: 'enterprise', org: p.holder },
      audience: [`enterprise:${p.holder}`, `insurer:${p.insurer}`],
      data: { insurerId: p.insurer, assetIds: assets },
    });
    for (const assetId of assets)
      expect(await item(`ASSET#${assetId}`, `POLICY#${p.insurer}#${id}`)).toMatchObject({
        entity: 'asset-policy',
        policyId: id,
        holder: p.holder,
      });
    expect(await item(`IDEM#enterprise:${p.holder}#apply-w1`, 'IDEM')).toMatchObject({
      entity: 'idempotency',
      response: { status: 201 },
    });

    const replay = await call('POST', '/policies', {
      as: holder(),
      body: applicationBody(p.insurer, assets),
      headers,
    });
    expect(replay.res.status).toBe(201);
    expect(replay.res.body).toEqual(res.body);
    expect(replay.sent).toEqual([BATCH_GET]);
  });

  it('issues with one BatchGet and one TransactWrite: policy number, statistics facts and cover on each asset', async () => {
    const assetId = await trademark(portal, p.holder);
    const applied = await portal.call('POST', '/policies', {
      as: holder(),
      body: applicationBody(p.insurer, [assetId]),
    });
    const id = applied.body.id;
    const before = await summary();
    const { res, sent } = await call('POST', `/policies/${id}/issue`, {
      as: insurer(),
      body: { premiumFen: 30_000, policyNumber: 'PN-W2' },
      headers: { 'Idempotency-Key': 'issue-w2' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(sent).toEqual([BATCH_GET, TRANSACT]);
    expect(await item(`POLICY#${id}`, 'POLICY')).toMatchObject({
      status: 'active',
      version: 2,
      premiumFen: 30_000,
      policyNumber: 'PN-W2',
      issuedAt: AT,
      gsi3sk: `active#2026-12-31#${id}`,
    });
    expect(await item(`POLICYNO#${p.insurer}#PN-W2`, 'POLICYNO')).toMatchObject({ policyId: id });
    expect(await item(`FACT#POLICY_ISSUED#${YEAR}`, `${AT}#${id}`)).toMatchObject({
      holder: p.holder,
      premiumFen: 30_000,
      coverages: [
        { line: 'enforcement_cost', sumInsuredFen: 1_000_000 },
        { line: 'infringement_loss', sumInsuredFen: 5_000_000 },
      ],
    });
    const after = await summary();
    expect(Number(after.sumInsuredFen) - Number(before.sumInsuredFen ?? 0)).toBe(SUM_INSURED);
    expect(Number(after.policiesIssued) - Number(before.policiesIssued ?? 0)).toBe(1);
    expect(await event(`POLICY#${id}`, 2)).toMatchObject({
      type: 'policy.issued',
      action: 'issue',
      from: 'applied',
      to: 'active',
      actor: { role: 'insurer', org: p.insurer },
      data: { premiumFen: 30_000, policyNumber: 'PN-W2' },
    });
    expect([...((await item(`ASSET#${assetId}`, 'ASSET'))?.insuredBy ?? [])]).toEqual([id]);
  });

  it('refuses a used policy number with 409 after one attempt, storing nothing', async () => {
    const assetId = await trademark(portal, p.holder);
    const first = await activePolicy(portal, p, [assetId]);
    const number = (await item(`POLICY#${first}`, 'POLICY'))?.policyNumber;
    const applied = await portal.call('POST', '/policies', {
      as: holder(),
      body: applicationBody(p.insurer, [assetId]),
    });
    const id = applied.body.id;
    const { res, sent } = await call('POST', `/policies/${id}/issue`, {
      as: insurer(),
      body: { premiumFen: 1, policyNumber: number },
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(number);
    // The policy and the year's premium subsidy in one BatchGet, then the transaction.
    expect(sent).toEqual([BATCH_GET, TRANSACT]);
    expect(await item(`POLICY#${id}`, 'POLICY')).toMatchObject({ status: 'applied', version: 1 });
    expect(await event(`POLICY#${id}`, 2)).toBeUndefined();
    expect([...((await item(`ASSET#${assetId}`, 'ASSET'))?.insuredBy ?? [])]).toEqual([first]);
  });

  it('files, settles and denies: each one transaction; the claim, its events, the link, the cover and the fact', async () => {
    const assetId = await trademark(portal, p.holder);
    const policyId = await activePolicy(portal, p, [assetId]);
    const fileBody = {
      line: 'enforcement_cost',
      claimedFen: 500_000,
      incidentDate: '2026-05-10',
      description: 'x',
    };
    const filed = await call('POST', `/policies/${policyId}/claims`, {
      as: holder(),
      body: fileBody,
      headers: { 'Idempotency-Key': 'file-w4' },
    });
    expect(filed.res.status, JSON.stringify(filed.res.body)).toBe(201);
    expect(filed.sent).toEqual([BATCH_GET, TRANSACT]);
    const claimId = filed.res.body.id;
    expect(await item(`CLAIM#${claimId}`, 'CLAIM')).toMatchObject({
      entity: 'claim',
      status: 'filed',
      version: 1,
      policyId,
      gsi1pk: `ENT#${p.holder}#CLAIMS`,
      gsi2pk: `INSURER#${p.insurer}#CLAIMS`,
      gsi2sk: `filed#${AT}#${claimId}`,
    });
    expect(await event(`CLAIM#${claimId}`, 1)).toMatchObject({
      id: `claim:${claimId}:1`,
      type: 'claim.filed',
      subject: { kind: 'claim', id: claimId },
      action: 'file',
      from: null,
      to: 'filed',
      audience: [`enterprise:${p.holder}`, `insurer:${p.insurer}`],
    });
    expect(await item(`POLICY#${policyId}`, `CLAIM#${claimId}`)).toMatchObject({ claimId });
    expect(await event(`POLICY#${policyId}`, 3)).toMatchObject({
      type: 'policy.claim_filed',
      action: 'file_claim',
      from: 'active',
      to: 'active',
      data: { claimId },
    });
    const policyBefore = await item(`POLICY#${policyId}`, 'POLICY');
    expect(policyBefore).toMatchObject({ claimCount: 1, version: 3 });

    // Settling needs the claim's evidence: the holder's upload (a document's own items and events, not the claim's).
    await ensureClaimEvidence(portal, claimId, holder());
    const settled = await call('POST', `/claims/${claimId}/settle`, {
      as: insurer(),
      body: { paidFen: 400_000 },
      headers: { 'Idempotency-Key': 'settle-w4' },
    });
    expect(settled.res.status, JSON.stringify(settled.res.body)).toBe(200);
    // The claim's document links (the settlement's checklist, read alongside), the claim with the record (it
    // carries its line's cover), then the transaction.
    expect(settled.sent).toEqual([QUERY, BATCH_GET, TRANSACT]);
    const policyAfter = await item(`POLICY#${policyId}`, 'POLICY');
    expect(policyAfter?.paid).toEqual({ enforcement_cost: 400_000, infringement_loss: 0 });
    // The version moves without an event: a settlement is the claim's transition.
    expect(policyAfter?.version).toBe(4);
    expect(await event(`POLICY#${policyId}`, 4)).toBeUndefined();
    expect(await event(`CLAIM#${claimId}`, 2)).toMatchObject({
      type: 'claim.paid',
      action: 'settle',
      from: 'filed',
      to: 'paid',
      data: { paidFen: 400_000 },
    });
    expect(await item(`FACT#CLAIM_PAID#${YEAR}`, `${AT}#${claimId}#1`)).toMatchObject({
      policyId,
      insurerId: p.insurer,
      seq: 1,
      line: 'enforcement_cost',
      paidFen: 400_000,
    });

    const second = await portal.call('POST', `/policies/${policyId}/claims`, {
      as: holder(),
      body: { ...fileBody, claimedFen: 900_000 },
    });
    await ensureClaimEvidence(portal, second.body.id, holder());
    const over = await call('POST', `/claims/${second.body.id}/settle`, {
      as: insurer(),
      body: { paidFen: 700_000 },
    });
    expect(over.res.status).toBe(422);
    expect(over.res.body.remainingFen).toBe(ENFORCEMENT_LIMIT - 400_000);
    // Refused by the cover guard inside the transaction; the remainder comes from the policy's old image.
    expect(over.sent).toEqual([QUERY, GET, TRANSACT]);

    const denied = await call('POST', `/claims/${second.body.id}/deny`, {
      as: insurer(),
      body: { reason: 'No' },
    });
    expect(denied.res.status).toBe(200);
    expect(denied.sent).toEqual([GET, TRANSACT]);
    expect(await event(`CLAIM#${second.body.id}`, 2)).toMatchObject({
      type: 'claim.denied',
      data: { reason: 'No' },
    });

    // The API's history entries keep their top-level claimId, paidFen and reason.
    const view = await call('GET', `/policies/${policyId}`, { as: holder() });
    expect(view.sent).toEqual([QUERY, BATCH_GET]);
    expect(view.res.body.history.map((e: { claimId?: string }) => e.claimId)).toEqual([
      undefined,
      undefined,
      claimId,
      second.body.id,
    ]);
    expect(view.res.body.claims.map((c: { id: string }) => c.id)).toEqual([claimId, second.body.id]);
    const paid = await portal.call('GET', `/claims/${claimId}`, { as: holder() });
    expect(paid.body.history[1]).toEqual({
      at: AT,
      action: 'settle',
      from: 'filed',
      to: 'paid',
      actor: { role: 'insurer', org: p.insurer, name: p.insurer, sub: expect.any(String) },
      version: 2,
      paidFen: 400_000,
    });
    const refusal = await portal.call('GET', `/claims/${second.body.id}`, { as: holder() });
    expect(refusal.body.history[1]).toMatchObject({ action: 'deny', reason: 'No' });
    expect(refusal.body.history[1].data).toBeUndefined();
  });

  it('cancelling an active policy removes the cover in its transaction; the event carries the reason', async () => {
    const assetId = await trademark(portal, p.holder);
    const id = await activePolicy(portal, p, [assetId]);
    const { res, sent } = await call('POST', `/policies/${id}/cancel`, {
      as: holder(),
      body: { reason: 'Sold' },
    });
    expect(res.status).toBe(200);
    expect(sent).toEqual([GET, TRANSACT]);
    expect((await item(`ASSET#${assetId}`, 'ASSET'))?.insuredBy).toBeUndefined();
    expect(await item(`POLICY#${id}`, 'POLICY')).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Sold',
      gsi3sk: `cancelled#${AT}#${id}`,
    });
    expect(await event(`POLICY#${id}`, 3)).toMatchObject({
      type: 'policy.cancelled',
      data: { reason: 'Sold' },
    });
  });

  it('addresses a pledge guarantee’s events to the beneficiary lender too', async () => {
    const pledged = await trademark(portal, p.holder);
    const pledgeId = await approvedPledge(portal, p.holder, p.lender, pledged);
    const res = await portal.call('POST', '/policies', {
      as: holder(),
      body: applicationBody(p.insurer, [pledged], {
        coverages: [{ line: 'pledge_guarantee', sumInsuredFen: 10_000_000 }],
        pledgeId,
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await event(`POLICY#${res.body.id}`, 1))?.audience).toEqual([
      `enterprise:${p.holder}`,
      `insurer:${p.insurer}`,
      `lender:${p.lender}`,
    ]);
  });

  it('lists with one index Query and never a Scan', async () => {
    const lists = await call('GET', '/policies?status=active', { as: insurer() });
    expect(lists.res.status).toBe(200);
    expect(lists.sent).toEqual([QUERY]);
    const claims = await call('GET', '/claims?status=filed', { as: insurer() });
    expect(claims.res.status).toBe(200);
    expect(claims.sent).toEqual([QUERY]);
  });
});
