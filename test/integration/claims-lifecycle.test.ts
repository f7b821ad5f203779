import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import { localDocumentClient } from '../../shared/store/dynamo-client.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { fileClaim } from '../../shared/usecases/policies.js';
import { ensureClaimEvidence } from '../support/documents.js';
import {
  activePolicy,
  approvedPledge,
  asEnterprise,
  asInsurer,
  asLender,
  office,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';
import { storedEvents, storedItem } from '../support/stored-items.js';

/** 2026-11-27 noon in Shanghai; the policies run through 2026. */
let clock = new Date('2026-11-27T04:00:00Z');
const NOW = clock;
const AT = NOW.toISOString();
const TODAY = '2026-11-27';

/** applicationBody's enforcement line: 1 000 000 insured, 100 000 deductible off each claim. */
const ENFORCEMENT = { sumInsured: 1_000_000n, deductible: 100_000n };

/** What one claim may be paid on a line without ratio or per-claim limit, worked out here in BigInt. */
const payable = (claimed: number, line: { sumInsured: bigint; deductible: bigint }) => {
  const above = BigInt(claimed) - line.deductible;
  const capped = above < 0n ? 0n : above;
  return Number(capped < line.sumInsured ? capped : line.sumInsured);
};

/**
 * A claim's life on the HTTP API: each step's outcome, its refusals (status, `errors[].code`/`path`, `detail`),
 * who may act and see, the amounts (recomputed here) and the events it writes.
 */
describe('claims: every step, refusal and party', () => {
  let portal: TestPortal;
  let p: Parties;
  const raw = localDocumentClient(inject('dynamoEndpoint'));
  const holder = () => asEnterprise(p.holder);
  const insurer = () => asInsurer(p.insurer);

  const item = (pk: string, sk: string) => storedItem(portal, pk, sk);
  const events = (pk: string) => storedEvents(portal, pk);
  const lastEvent = async (claimId: string) => (await events(`CLAIM#${claimId}`)).at(-1)!;

  const file = async (policyId: string, body: Record<string, unknown>, as: CallOptions['as'] = holder()) => {
    const r = await portal.call('POST', `/policies/${policyId}/claims`, {
      as,
      body: { incidentDate: '2026-05-10', description: 'Counterfeits', ...body },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const step = (claimId: string, action: string, body?: unknown, as: CallOptions['as'] = insurer()) =>
    portal.call('POST', `/claims/${claimId}/${action}`, { as, ...(body === undefined ? {} : { body }) });
  const view = async (claimId: string, as: CallOptions['as'] = holder()) =>
    portal.call('GET', `/claims/${claimId}`, { as });

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    p = await setupParties(portal);
  });

  it('investigates (with or without a reserve), assesses, pays in part and then in full', async () => {
    const policyId = await activePolicy(portal, p, [await trademark(portal, p.holder)]);
    const claimed = 700_000;
    const mayPay = payable(claimed, ENFORCEMENT);
    expect(mayPay).toBe(600_000);
    const a = await file(policyId, { line: 'enforcement_cost', claimedFen: claimed });
    const b = await file(policyId, { line: 'enforcement_cost', claimedFen: claimed });

    // A reserve above what the claim may be paid is refused and changes nothing.
    const high = await step(a, 'investigate', { reserveFen: mayPay + 1 });
    expect(high.status).toBe(422);
    expect(high.body.errors).toEqual([
      {
        path: 'reserveFen',
        code: 'above_payable',
        params: { payableFen: mayPay },
        message: `exceeds what the claim may be paid: ${mayPay} fen (deductible, payout ratio and per-claim limit applied)`,
      },
    ]);
    expect(high.body.detail).toBe(`The reserve is refused: ${high.body.errors[0].message}.`);
    expect((await view(a)).body).toMatchObject({ status: 'filed', version: 1 });

    const investigated = await step(a, 'investigate', { reserveFen: mayPay });
    expect(investigated.status, JSON.stringify(investigated.body)).toBe(200);
    expect(investigated.body).toMatchObject({
      status: 'under_investigation',
      reserveFen: mayPay,
      version: 2,
    });
    expect(await lastEvent(a)).toMatchObject({
      type: 'claim.investigation_started',
      action: 'investigate',
      from: 'filed',
      to: 'under_investigation',
      data: { reserveFen: mayPay },
    });
    const plain = await step(b, 'investigate', {});
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body.status).toBe('under_investigation');
    expect(plain.body.reserveFen).toBeUndefined();
    expect((await lastEvent(b)).data).toEqual({});

    // Assessment: at most the payable amount; the approval becomes the reserve.
    const over = await step(a, 'assess', { approvedFen: mayPay + 1 });
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([
      expect.objectContaining({ path: 'approvedFen', code: 'above_payable', params: { payableFen: mayPay } }),
    ]);
    expect(over.body.detail).toBe(`The assessment is refused: ${over.body.errors[0].message}.`);
    const approved = 500_000;
    const assessed = await step(a, 'assess', { approvedFen: approved });
    expect(assessed.status, JSON.stringify(assessed.body)).toBe(200);
    expect(assessed.body).toMatchObject({
      status: 'assessed',
      approvedFen: approved,
      reserveFen: approved,
      assessedAt: AT,
    });
    expect(await lastEvent(a)).toMatchObject({ type: 'claim.assessed', data: { approvedFen: approved } });

    // Paying: the insurer only, on an assessed claim, with the claim's evidence.
    const pay = (claimId: string, amountFen: number, as: CallOptions['as'] = insurer()) =>
      portal.call('POST', `/claims/${claimId}/pay`, { as, body: { amountFen } });
    const noEvidence = await pay(a, 1);
    expect(noEvidence.status).toBe(422);
    expect(noEvidence.body.errors).toEqual([
      expect.objectContaining({ path: 'documents', code: 'document_missing' }),
    ]);
    await ensureClaimEvidence(portal, a, holder());
    await ensureClaimEvidence(portal, b, holder());
    expect((await pay(a, 1, holder())).status).toBe(403);
    expect((await pay(a, 1, asInsurer(p.otherInsurer))).status).toBe(404);
    const early = await pay(b, 1);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      currentState: 'under_investigation',
      detail: 'A claim that is under_investigation cannot be paid.',
    });
    const tooMuch = await pay(a, approved + 1);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors).toEqual([
      expect.objectContaining({ path: 'amountFen', code: 'above_approved', params: { unpaidFen: approved } }),
    ]);

    const first = 200_000;
    const part = await pay(a, first);
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(part.body).toMatchObject({
      status: 'partially_paid',
      paidFen: first,
      reserveFen: approved - first,
      payments: [{ at: AT, on: TODAY, amountFen: first }],
      version: 4,
    });
    expect(part.body.closedOn).toBeUndefined();
    const partEvent = await lastEvent(a);
    expect(partEvent).toMatchObject({
      type: 'claim.partially_paid',
      action: 'pay_in_part',
      from: 'assessed',
      to: 'partially_paid',
    });
    expect(partEvent.data).toEqual({ amountFen: first, paidFen: first });

    const rest = approved - first;
    const beyond = await pay(a, rest + 1);
    expect(beyond.status).toBe(422);
    expect(beyond.body.errors).toEqual([
      expect.objectContaining({ code: 'above_approved', params: { unpaidFen: rest } }),
    ]);
    const full = await pay(a, rest);
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expect(full.body).toMatchObject({
      status: 'paid',
      paidFen: approved,
      reserveFen: 0,
      closedOn: TODAY,
      payments: [
        { at: AT, on: TODAY, amountFen: first },
        { at: AT, on: TODAY, amountFen: rest },
      ],
    });
    const fullEvent = await lastEvent(a);
    expect(fullEvent).toMatchObject({
      type: 'claim.paid',
      action: 'pay_in_full',
      from: 'partially_paid',
      to: 'paid',
    });
    expect(fullEvent.data).toEqual({ amountFen: rest, paidFen: approved });
    // The holder's claim reaches the holder and the insurer, no bank.
    expect(fullEvent.audience).toEqual([`enterprise:${p.holder}`, `insurer:${p.insurer}`]);

    const policy = await portal.call('GET', `/policies/${policyId}`, { as: holder() });
    expect(policy.body.coverages[0]).toMatchObject({ line: 'enforcement_cost', paidFen: approved });
    expect((await view(a, office)).body.history.map((e: { action: string }) => e.action)).toEqual([
      'file',
      'investigate',
      'assess',
      'pay_in_part',
      'pay_in_full',
    ]);
  });

  it('settles in one step, states every reason, keeps the cover, and settles a reopened claim on top', async () => {
    const policyId = await activePolicy(portal, p, [await trademark(portal, p.holder)]);
    const c = await file(policyId, { line: 'enforcement_cost', claimedFen: 700_000 });
    const d = await file(policyId, { line: 'enforcement_cost', claimedFen: 1_000_000 });
    await ensureClaimEvidence(portal, c, holder());
    await ensureClaimEvidence(portal, d, holder());
    const settle = (claimId: string, paidFen: number) => step(claimId, 'settle', { paidFen });

    // More than the claim may be paid and than the whole line: both reasons, in one detail.
    const sum = Number(ENFORCEMENT.sumInsured);
    const cPayable = payable(700_000, ENFORCEMENT);
    const both = await settle(c, sum + 1);
    expect(both.status).toBe(422);
    expect(both.body.errors).toEqual([
      expect.objectContaining({ path: 'paidFen', code: 'above_approved', params: { unpaidFen: cPayable } }),
      expect.objectContaining({
        path: 'paidFen',
        code: 'above_remaining_cover',
        params: { remainingFen: sum },
      }),
    ]);
    expect(both.body.detail).toBe(
      `The payment is refused: exceeds what the claim may still be paid: ${cPayable} fen; ` +
        `exceeds the remaining cover of line enforcement_cost: ${sum} fen.`,
    );

    const firstPaid = 400_000;
    const settled = await settle(c, firstPaid);
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    expect(settled.body).toMatchObject({
      status: 'paid',
      approvedFen: firstPaid,
      paidFen: firstPaid,
      reserveFen: 0,
      closedOn: TODAY,
    });
    expect((await lastEvent(c)).data).toEqual({ paidFen: firstPaid });

    // The line's remainder is enforced by the store: D may be paid 900 000, the line has 600 000 left.
    const left = sum - firstPaid;
    const guarded = await settle(d, left + 100_000);
    expect(guarded.status).toBe(422);
    expect(guarded.body.remainingFen).toBe(left);
    expect(guarded.body.errors).toEqual([
      expect.objectContaining({
        path: 'paidFen',
        code: 'above_remaining_cover',
        params: { remainingFen: left },
      }),
    ]);
    expect(guarded.body.detail).toBe(
      `The payment is refused: exceeds the remaining cover of line enforcement_cost: ${left} fen.`,
    );

    // Reopened, the claim is settled again: the approval is what it was paid in all.
    const reopened = await step(c, 'reopen', { reason: 'More costs' }, holder());
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect((await lastEvent(c)).data).toEqual({ reason: 'More costs' });
    const again = await settle(c, 100_000);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const total = firstPaid + 100_000;
    expect(again.body).toMatchObject({ status: 'paid', approvedFen: total, paidFen: total, reserveFen: 0 });
    expect(again.body.payments.map((x: { amountFen: number }) => x.amountFen)).toEqual([firstPaid, 100_000]);
    expect((await lastEvent(c)).data).toEqual({ paidFen: 100_000 });

    // Reopened again: an assessment may not approve less than was paid; equal, or more, with the rest reserved.
    expect((await step(c, 'reopen', { reason: 'Still more' }, holder())).status).toBe(200);
    const below = await step(c, 'assess', { approvedFen: total - 1 });
    expect(below.status).toBe(422);
    expect(below.body.errors).toEqual([
      {
        path: 'approvedFen',
        code: 'below_paid',
        params: { paidFen: total },
        message: `must not be less than the ${total} fen already paid on the claim`,
      },
    ]);
    expect(below.body.detail).toBe(
      `The assessment is refused: must not be less than the ${total} fen already paid on the claim.`,
    );
    const equal = await step(c, 'assess', { approvedFen: total });
    expect(equal.status, JSON.stringify(equal.body)).toBe(200);
    expect(equal.body).toMatchObject({ status: 'assessed', approvedFen: total, reserveFen: 0 });
    expect((await step(c, 'deny', { reason: 'Nothing more' })).status).toBe(200);
    expect((await step(c, 'reopen', { reason: 'Receipts found' }, holder())).status).toBe(200);
    const more = total + 50_000;
    const raised = await step(c, 'assess', { approvedFen: more });
    expect(raised.body).toMatchObject({ status: 'assessed', approvedFen: more, reserveFen: more - total });
    const rest = await portal.call('POST', `/claims/${c}/pay`, {
      as: insurer(),
      body: { amountFen: 50_000 },
    });
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect(rest.body).toMatchObject({ status: 'paid', paidFen: more, reserveFen: 0, closedOn: TODAY });
    expect((await lastEvent(c)).data).toEqual({ amountFen: 50_000, paidFen: more });
  });

  it('answers who may see and act on a claim, and when it may be reopened', async () => {
    const policyId = await activePolicy(portal, p, [await trademark(portal, p.holder)]);
    const id = await file(policyId, { line: 'infringement_loss', claimedFen: 5_000 });
    const other = await view(id, asEnterprise(p.other));
    expect(other.status).toBe(404);
    expect(other.body.detail).toBe(`Claim ${id} was not found.`);
    expect((await view(id, asLender(p.lender))).status).toBe(404);
    expect((await view(id, asInsurer(p.otherInsurer))).status).toBe(404);
    for (const as of [holder(), insurer(), office]) expect((await view(id, as)).status).toBe(200);
    expect((await step(id, 'deny', { reason: 'x' }, office)).status).toBe(403);
    expect((await step(id, 'deny', { reason: 'x' }, holder())).status).toBe(403);

    const denied = await step(id, 'deny', { reason: 'Not covered' });
    expect(denied.body).toMatchObject({ status: 'denied', closedOn: TODAY, reserveFen: 0 });
    expect((await step(id, 'reopen', { reason: 'x' })).status).toBe(403);
    try {
      clock = new Date('2027-11-27T16:00:00Z'); // 2027-11-28: a year and a day after closing
      const late = await step(id, 'reopen', { reason: 'x' }, holder());
      expect(late.status).toBe(422);
      expect(late.body.detail).toBe(
        'The claim can no longer be reopened: a claim closed on 2026-11-27 could be reopened until 2027-11-27.',
      );
    } finally {
      clock = NOW;
    }
    expect((await view(id)).body).toMatchObject({ status: 'denied', version: 2 });
  });

  it('handles a claim filed before the claimant and the cover were recorded on it', async () => {
    const policyId = await activePolicy(portal, p, [await trademark(portal, p.holder)]);
    const id = await file(policyId, { line: 'infringement_loss', claimedFen: 10_000 });
    await raw.send(
      new UpdateCommand({
        TableName: portal.tableName,
        Key: { pk: `CLAIM#${id}`, sk: 'CLAIM' },
        UpdateExpression: 'REMOVE claimant, coverage',
      }),
    );
    await ensureClaimEvidence(portal, id, holder());
    // The cover is read from the policy: infringement_loss has no deductible, so 10 000 may be paid.
    const over = await step(id, 'settle', { paidFen: 10_001 });
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([
      expect.objectContaining({ code: 'above_approved', params: { unpaidFen: 10_000 } }),
    ]);
    const settled = await step(id, 'settle', { paidFen: 10_000 });
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    expect(settled.body).toMatchObject({ status: 'paid', paidFen: 10_000 });
    // Without a recorded claimant, the holder is the claimant.
    const reopened = await step(id, 'reopen', { reason: 'Later costs' }, holder());
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body.status).toBe('under_investigation');
  });

  it('answers 404 for a payment on a claim whose policy is gone', async () => {
    const policyId = await activePolicy(portal, p, [await trademark(portal, p.holder)]);
    const legacy = await file(policyId, { line: 'infringement_loss', claimedFen: 10_000 });
    const recent = await file(policyId, { line: 'infringement_loss', claimedFen: 10_000 });
    await raw.send(
      new UpdateCommand({
        TableName: portal.tableName,
        Key: { pk: `CLAIM#${legacy}`, sk: 'CLAIM' },
        UpdateExpression: 'REMOVE coverage',
      }),
    );
    await ensureClaimEvidence(portal, legacy, holder());
    await ensureClaimEvidence(portal, recent, holder());
    await raw.send(
      new DeleteCommand({ TableName: portal.tableName, Key: { pk: `POLICY#${policyId}`, sk: 'POLICY' } }),
    );
    // Read for its cover (the older claim) or refused by the cover guard (the claim that carries its cover).
    for (const id of [legacy, recent]) {
      const r = await step(id, 'settle', { paidFen: 100 });
      expect(r.status, JSON.stringify(r.body)).toBe(404);
      expect(r.body.detail).toBe(`Policy ${policyId} was not found.`);
      expect((await view(id)).body).toMatchObject({ status: 'filed', version: 1 });
    }
  });

  it('a payment whose statistics fact is already written was made concurrently: 409, nothing paid', async () => {
    const policyId = await activePolicy(portal, p, [await trademark(portal, p.holder)]);
    const id = await file(policyId, { line: 'infringement_loss', claimedFen: 10_000 });
    await ensureClaimEvidence(portal, id, holder());
    await raw.send(
      new PutCommand({
        TableName: portal.tableName,
        Item: { pk: 'FACT#CLAIM_PAID#2026', sk: `${AT}#${id}#1`, entity: 'stats-fact', paidFen: 1 },
      }),
    );
    const r = await step(id, 'settle', { paidFen: 1_000 });
    expect(r.status).toBe(409);
    expect(r.body.detail).toBe('The claim was paid concurrently; reload.');
    expect((await view(id)).body).toMatchObject({ status: 'filed', version: 1 });
    const policy = await portal.call('GET', `/policies/${policyId}`, { as: holder() });
    expect(policy.body.coverages[1]).toMatchObject({ line: 'infringement_loss', paidFen: 0 });
  });

  it('a guarantee claim: the bank files and reopens it, reads and lists it, and its events reach the bank', async () => {
    const asset = await trademark(portal, p.holder);
    const pledgeId = await approvedPledge(portal, p.holder, p.lender, asset);
    const policyId = await activePolicy(portal, p, [asset], {
      coverages: [
        { line: 'pledge_guarantee', sumInsuredFen: 8_000_000 },
        { line: 'infringement_loss', sumInsuredFen: 1_000_000 },
      ],
      pledgeId,
    });
    const bank = asLender(p.lender);
    const refusedLine = await portal.call('POST', `/policies/${policyId}/claims`, {
      as: bank,
      body: { line: 'infringement_loss', claimedFen: 1, incidentDate: '2026-05-10', description: 'x' },
    });
    expect(refusedLine.status).toBe(422);
    expect(refusedLine.body.errors).toEqual([
      expect.objectContaining({ path: 'line', code: 'not_your_line' }),
    ]);
    const guarantee = await file(policyId, { line: 'pledge_guarantee', claimedFen: 3_000_000 }, bank);
    const own = await file(policyId, { line: 'infringement_loss', claimedFen: 2_000 });

    const g = await view(guarantee, bank);
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({
      claimant: { role: 'lender', org: p.lender },
      beneficiaryLenderId: p.lender,
      status: 'filed',
    });
    expect((await view(own, bank)).status).toBe(404);
    expect((await view(guarantee, asLender('no-such-bank'))).status).toBe(404);
    expect(await item(`LENDER#${p.lender}#CLAIMS`, `${g.body.createdAt}#${guarantee}`)).toMatchObject({
      entity: 'lender-claim',
      claimId: guarantee,
    });
    const list = async (query: string) =>
      (await portal.call('GET', `/claims${query}`, { as: bank })).body.items.map((c: { id: string }) => c.id);
    expect(await list('')).toEqual([guarantee]);
    expect(await list('?status=filed')).toEqual([guarantee]);
    expect(await list('?status=paid')).toEqual([]);

    // The policy as the bank reads it: the guarantee's claim, not the holder's own.
    const asBank = await portal.call('GET', `/policies/${policyId}`, { as: bank });
    expect(asBank.body.claims.map((c: { id: string }) => c.id)).toEqual([guarantee]);
    const asHolder = await portal.call('GET', `/policies/${policyId}`, { as: holder() });
    expect(asHolder.body.claims.map((c: { id: string }) => c.id)).toEqual([guarantee, own]);

    await ensureClaimEvidence(portal, guarantee, bank);
    expect((await step(guarantee, 'settle', { paidFen: 3_000_000 })).status).toBe(200);
    const byHolder = await step(guarantee, 'reopen', { reason: 'x' }, holder());
    expect(byHolder.status).toBe(403);
    expect(byHolder.body.detail).toBe('Only the claimant (the lender) may reopen the claim.');
    const reopened = await step(guarantee, 'reopen', { reason: 'Recovery costs' }, bank);
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    const claimEvents = await events(`CLAIM#${guarantee}`);
    expect(claimEvents.map((e) => e.action)).toEqual(['file', 'settle', 'reopen']);
    for (const e of claimEvents)
      expect(e.audience).toEqual([`enterprise:${p.holder}`, `insurer:${p.insurer}`, `lender:${p.lender}`]);
    expect((await events(`CLAIM#${own}`))[0]!.audience).toEqual([
      `enterprise:${p.holder}`,
      `insurer:${p.insurer}`,
    ]);

    // The system files the bank's claim (a default) under an id of its own, once.
    const uc = useCaseContext(portal.deps);
    const claimId = randomUUID();
    const input = {
      line: 'pledge_guarantee' as const,
      claimedFen: 1_000,
      incidentDate: TODAY,
      description: 'Default',
    };
    const system = await fileClaim(uc, SYSTEM_ACTOR, { policyId, input, claimId });
    expect(system).toMatchObject({ id: claimId, claimant: { role: 'lender', org: p.lender } });
    await expect(fileClaim(uc, SYSTEM_ACTOR, { policyId, input, claimId })).rejects.toMatchObject({
      kind: 'conflict',
      message: 'A claim with this id already exists; retry.',
    });
    expect(await list('')).toEqual(expect.arrayContaining([guarantee, claimId]));
  });
});
