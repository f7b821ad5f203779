import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { expirePolicy, offerRenewal } from '../../shared/usecases/policies.js';
import {
  activePolicy,
  applicationBody,
  approvedPledge,
  asEnterprise,
  asInsurer,
  asLender,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { interleavingClient, TRANSACTION_COMMANDS } from '../support/interleave.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { storedEvents, storedItem } from '../support/stored-items.js';

/** 2026-11-27 noon in Shanghai. */
const clock = new Date('2026-11-27T04:00:00Z');
const AT = clock.toISOString();
const TODAY = '2026-11-27';

/**
 * The policy paths the policy tests leave open: the issue's effects failing, the guarantee's cancellation and its
 * loan, claims on cancelled policies, the policy's view by party and its claims' order, the expiry and renewal
 * offer of one policy, and the renewal's records.
 */
describe('policies: effects, guarantees, views, expiry and renewals', () => {
  let portal: TestPortal;
  let p: Parties;
  const raw = localDocumentClient(inject('dynamoEndpoint'));
  /** Ids the next `newId` calls answer, before random ones. */
  const nextIds: string[] = [];
  /** Its `beforeNext` runs before the next TransactWrite the portal sends (a write slipping in before the commit). */
  const interleaving = interleavingClient(TRANSACTION_COMMANDS);
  const holder = () => asEnterprise(p.holder);
  const insurer = () => asInsurer(p.insurer);

  const item = (pk: string, sk: string) => storedItem(portal, pk, sk);
  const events = (pk: string) => storedEvents(portal, pk);
  const setField = (pk: string, sk: string, field: string, value: unknown) =>
    raw.send(
      new UpdateCommand({
        TableName: portal.tableName,
        Key: { pk, sk },
        UpdateExpression: 'SET #f = :v',
        ExpressionAttributeNames: { '#f': field },
        ExpressionAttributeValues: { ':v': value },
      }),
    );
  const apply = async (body: unknown) => {
    const r = await portal.call('POST', '/policies', { as: holder(), body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };

  beforeAll(async () => {
    portal = await createTestPortal({
      now: () => clock,
      db: interleaving.db,
      newId: () => nextIds.shift() ?? randomUUID(),
    });
    p = await setupParties(portal);
  });

  it('refuses an application with one detail, and an issue whose asset left the holder or whose fact exists', async () => {
    const refused = await portal.call('POST', '/policies', {
      as: holder(),
      body: applicationBody(p.lender, [await trademark(portal, p.holder)]),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe('The application does not pass underwriting.');

    const [first, second] = [await trademark(portal, p.holder), await trademark(portal, p.holder)];
    const id = await apply(applicationBody(p.insurer, [first, second]));
    await setField(`ASSET#${first}`, 'ASSET', 'owner', p.other);
    const issue = () =>
      portal.call('POST', `/policies/${id}/issue`, { as: insurer(), body: { premiumFen: 1_000 } });
    const gone = await issue();
    expect(gone.status).toBe(422);
    expect(gone.body.detail).toBe(
      'A covered asset no longer exists or no longer belongs to the policyholder.',
    );
    expect(gone.body.errors).toEqual([
      { path: 'assetIds.0', message: `asset ${first} no longer exists or is no longer the holder's` },
    ]);
    await setField(`ASSET#${first}`, 'ASSET', 'owner', p.holder);

    // The issue's statistics fact is written once: one already there means a concurrent issue.
    await raw.send(
      new PutCommand({
        TableName: portal.tableName,
        Item: { pk: 'FACT#POLICY_ISSUED#2026', sk: `${AT}#${id}`, entity: 'stats-fact' },
      }),
    );
    const twice = await issue();
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toBe('The policy was issued concurrently; reload.');
    const unchanged = await portal.call('GET', `/policies/${id}`, { as: holder() });
    expect(unchanged.body).toMatchObject({ status: 'applied', version: 1 });
    expect(unchanged.body.history).toHaveLength(1);
  });

  it('records the guarantee on its pledge; the holder cancels it only once its loan is over, also at the write', async () => {
    const guaranteed = async (issue: boolean) => {
      const asset = await trademark(portal, p.holder);
      const pledgeId = await approvedPledge(portal, p.holder, p.lender, asset);
      const extra = { coverages: [{ line: 'pledge_guarantee', sumInsuredFen: 8_000_000 }], pledgeId };
      const policyId = issue
        ? await activePolicy(portal, p, [asset], extra)
        : await apply(applicationBody(p.insurer, [asset], extra));
      return { pledgeId, policyId };
    };
    const cancel = (policyId: string) =>
      portal.call('POST', `/policies/${policyId}/cancel`, { as: holder(), body: { reason: 'Done' } });
    const outstanding = (pledgeId: string, pledgeStatus: string) => {
      const message = `guarantees pledge loan ${pledgeId}, which is ${pledgeStatus}: cancel once it is repaid or released`;
      return {
        detail: `The policy ${message}.`,
        errors: [{ path: 'pledgeId', code: 'guarantee_loan_outstanding', params: { pledgeStatus }, message }],
      };
    };

    // Not yet issued: it guarantees nothing yet and may be cancelled while the pledge is approved.
    const applied = await guaranteed(false);
    expect((await events(`POLICY#${applied.policyId}`))[0]!.data).toMatchObject({
      pledgeId: applied.pledgeId,
    });
    expect(await item(`PLEDGE#${applied.pledgeId}`, `GUARANTEE#${applied.policyId}`)).toEqual({
      pk: `PLEDGE#${applied.pledgeId}`,
      sk: `GUARANTEE#${applied.policyId}`,
      entity: 'pledge-guarantee',
      policyId: applied.policyId,
      insurerId: p.insurer,
    });
    const early = await cancel(applied.policyId);
    expect(early.status, JSON.stringify(early.body)).toBe(200);
    expect(early.body.status).toBe('cancelled');

    // Active: not while the pledge is approved (the loan may still start); yes once the pledge is withdrawn.
    const active = await guaranteed(true);
    const refused = await cancel(active.policyId);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject(outstanding(active.pledgeId, 'approved'));
    const withdrawn = await portal.call('POST', `/pledges/${active.pledgeId}/withdraw`, { as: holder() });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const ok = await cancel(active.policyId);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'cancelled', cancelledOn: TODAY });

    // A pledge that is gone answers as `gone`.
    const orphan = await guaranteed(true);
    await raw.send(
      new DeleteCommand({
        TableName: portal.tableName,
        Key: { pk: `PLEDGE#${orphan.pledgeId}`, sk: 'PLEDGE' },
      }),
    );
    const noPledge = await cancel(orphan.policyId);
    expect(noPledge.status).toBe(409);
    expect(noPledge.body).toMatchObject(outstanding(orphan.pledgeId, 'gone'));

    // Withdrawn when read, lent again by the time of the write: the transaction's check refuses.
    const raced = await guaranteed(true);
    expect((await portal.call('POST', `/pledges/${raced.pledgeId}/withdraw`, { as: holder() })).status).toBe(
      200,
    );
    interleaving.beforeNext(async () => {
      await setField(`PLEDGE#${raced.pledgeId}`, 'PLEDGE', 'status', 'active');
    });
    const late = await cancel(raced.policyId);
    expect(interleaving.waiting()).toBe(false);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject(outstanding(raced.pledgeId, 'withdrawn'));
    const still = await portal.call('GET', `/policies/${raced.policyId}`, { as: holder() });
    expect(still.body).toMatchObject({ status: 'active', version: 2 });
  });

  it('files on a cancelled policy only for the cover it gave; the claim, its link and its event as stored', async () => {
    const asset = await trademark(portal, p.holder);
    const body = {
      line: 'infringement_loss',
      claimedFen: 1_000,
      incidentDate: '2026-03-01',
      description: 'x',
    };
    const never = await apply(applicationBody(p.insurer, [asset]));
    expect((await portal.call('POST', `/policies/${never}/cancel`, { as: holder() })).status).toBe(200);
    const onNever = await portal.call('POST', `/policies/${never}/claims`, { as: holder(), body });
    expect(onNever.status).toBe(409);
    expect(onNever.body).toMatchObject({
      currentState: 'cancelled',
      detail: 'The policy was cancelled before it gave any cover.',
    });

    const ended = await activePolicy(portal, p, [asset]);
    expect((await portal.call('POST', `/policies/${ended}/cancel`, { as: holder() })).status).toBe(200);
    const outside = await portal.call('POST', `/policies/${ended}/claims`, {
      as: holder(),
      body: { ...body, incidentDate: '2025-12-31' },
    });
    expect(outside.status).toBe(422);
    expect(outside.body.detail).toBe('The claim cannot be filed on this policy.');
    const filed = await portal.call('POST', `/policies/${ended}/claims`, { as: holder(), body });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const claimId = filed.body.id;
    expect((await events(`CLAIM#${claimId}`))[0]!.data).toEqual({
      policyId: ended,
      line: 'infringement_loss',
      claimedFen: 1_000,
      incidentDate: '2026-03-01',
    });
    expect(await item(`POLICY#${ended}`, `CLAIM#${claimId}`)).toEqual({
      pk: `POLICY#${ended}`,
      sk: `CLAIM#${claimId}`,
      entity: 'policy-claim',
      claimId,
    });
  });

  it('shows a policy to its parties with the names it holds and its claims in filing order', async () => {
    const asset = await trademark(portal, p.holder);
    const id = await activePolicy(portal, p, [asset]);
    const missing = await portal.call('GET', `/policies/${id}`, { as: asEnterprise(p.other) });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe(`Policy ${id} was not found.`);
    expect((await portal.call('GET', `/policies/${id}`, { as: asLender(p.lender) })).status).toBe(404);

    // Claims whose ids sort against their filing order, and documents linked in the policy's partition.
    const ids = [3, 2, 1].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
    const filed: string[] = [];
    for (const claimId of ids) {
      nextIds.push(claimId);
      const r = await portal.call('POST', `/policies/${id}/claims`, {
        as: holder(),
        body: { line: 'infringement_loss', claimedFen: 10, incidentDate: '2026-03-01', description: 'x' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      filed.push(r.body.id);
    }
    expect(filed).toEqual(ids);
    for (const doc of ['DOC#a', 'DOC#b'])
      await raw.send(
        new PutCommand({
          TableName: portal.tableName,
          Item: { pk: `POLICY#${id}`, sk: doc, entity: 'document-link', kind: 'other' },
        }),
      );
    // The directory's names change later; the policy's history keeps the names the policy holds.
    await setField(`ENT#${p.holder}`, 'ENT', 'name', 'Renamed enterprise');
    await setField(`INST#${p.insurer}`, 'INST', 'name', 'Renamed insurer');
    try {
      const view = await portal.call('GET', `/policies/${id}`, { as: holder() });
      expect(view.status, JSON.stringify(view.body)).toBe(200);
      expect(view.body.claims.map((c: { id: string }) => c.id)).toEqual(filed);
      expect(view.body.history.slice(0, 2).map((e: { actor: { name?: string } }) => e.actor.name)).toEqual([
        view.body.holderName,
        view.body.insurerName,
      ]);
      expect(view.body.holderName).toBe(`Enterprise ${p.holder}`);
      expect(view.body.insurerName).toBe(p.insurer);
    } finally {
      await setField(`ENT#${p.holder}`, 'ENT', 'name', `Enterprise ${p.holder}`);
      await setField(`INST#${p.insurer}`, 'INST', 'name', p.insurer);
    }
  });

  it('expires one policy only after its last day, and offers a renewal only when due', async () => {
    const uc = useCaseContext(portal.deps);
    const asset = await trademark(portal, p.holder);
    const endsToday = await activePolicy(portal, p, [asset], { periodEnd: TODAY });
    await expect(expirePolicy(uc, endsToday)).rejects.toMatchObject({
      kind: 'invalid_state',
      message: `The policy period runs through ${TODAY}; it cannot expire yet.`,
      extra: { currentState: 'active' },
    });
    expect((await portal.call('GET', `/policies/${endsToday}`, { as: holder() })).body).toMatchObject({
      status: 'active',
      version: 2,
    });

    // 34 days left: not due; 23 days left: due, once.
    const notDue = await activePolicy(portal, p, [asset], { periodEnd: '2026-12-31' });
    await expect(offerRenewal(uc, notDue)).rejects.toMatchObject({
      kind: 'invalid_state',
      message: 'The policy is not due a renewal offer (offered, renewed, or not ending soon).',
    });
    const due = await activePolicy(portal, p, [asset], { periodEnd: '2026-12-20' });
    const offered = await offerRenewal(uc, due);
    expect(offered).toMatchObject({ renewalOfferedOn: TODAY, version: 3 });
    const event = (await events(`POLICY#${due}`)).at(-1)!;
    expect(event).toMatchObject({ type: 'policy.renewal_due', action: 'offer_renewal' });
    expect(event.data).toEqual({ periodEnd: '2026-12-20' });
    await expect(offerRenewal(uc, due)).rejects.toMatchObject({ kind: 'invalid_state' });
  });

  it('renews once: the renewal, its first event and the old policy’s event as stored; an id taken → 409', async () => {
    const asset = await trademark(portal, p.holder);
    const id = await activePolicy(portal, p, [asset]);
    const renew = () =>
      portal.call('POST', `/policies/${id}/renew`, { as: holder(), body: { periodEnd: '2027-12-31' } });

    // The renewal's id is taken (by the policy itself): nothing is written.
    nextIds.push(id);
    const taken = await renew();
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toBe('A policy with this id already exists; retry.');
    expect((await portal.call('GET', `/policies/${id}`, { as: holder() })).body.renewedBy).toBeUndefined();

    const renewed = await renew();
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(201);
    const renewalId = renewed.body.id;
    expect(await item(`POLICY#${renewalId}`, 'POLICY')).toMatchObject({
      entity: 'policy',
      status: 'applied',
      renewalOf: id,
    });
    const first = (await events(`POLICY#${renewalId}`))[0]!;
    expect(first).toMatchObject({ type: 'policy.applied', action: 'apply', version: 1, at: AT });
    expect(first.data).toMatchObject({ renewalOf: id, periodStart: '2027-01-01', periodEnd: '2027-12-31' });
    const renewalView = await portal.call('GET', `/policies/${renewalId}`, { as: insurer() });
    expect(renewalView.body.history.map((e: { action: string }) => e.action)).toEqual(['apply']);
    const oldEvent = (await events(`POLICY#${id}`)).at(-1)!;
    expect(oldEvent).toMatchObject({ type: 'policy.renewed', action: 'renew' });
    expect(oldEvent.data).toEqual({ renewalId });

    const again = await renew();
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe(`The policy was already renewed by policy ${renewalId}.`);
  });
});
