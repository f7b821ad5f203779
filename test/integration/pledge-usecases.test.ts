import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import type { Clock } from '../../shared/domain/clock.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { assetKey, firstLoanKey, GUARANTEE_LINK_PREFIX, pledgeKey } from '../../shared/store/keys.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { decideOwnershipCase } from '../../shared/usecases/ownership-cases.js';
import { actOnPledge, submitPledge } from '../../shared/usecases/pledges.js';
import { ensurePledgeDocuments } from '../support/documents.js';
import { interleavingClient } from '../support/interleave.js';
import {
  asEnterprise,
  asLender,
  FIXED_NOW,
  office,
  pledgeFixtures,
  yiwu,
} from '../support/pledge-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { bumpAssetVersion, setOnAsset as setOnStoredAsset } from '../support/stored-items.js';

/**
 * The pledge use cases (pledges.ts) and the office's ownership cases (ownership-cases.ts), pinned down for the
 * pledges part of the use-case layer (mutation testing): each action's outcome, each refusal's words, who may see
 * and act, the events written, and what a write racing another answers. Business date 2026-11-27 unless moved.
 */
const A = yiwu('MA2U00001'); // the applicant
const B = yiwu('MA2U00002'); // another company
const BUYER = withUsccCheck('91330702MA2U0000B');
const BANK = 'uc-bank';
const OTHER_BANK = 'uc-other-bank';
const INSURER = 'uc-insurer';
const NOW = FIXED_NOW.toISOString();
const bank = asLender(BANK);

const today = '2026-11-27';
const clock: Clock = { now: () => FIXED_NOW, today: () => today };

const APPLICANT: Actor = { role: 'enterprise', org: A, sub: 'sub-a' };
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'office-1' };

describe('pledge use cases', () => {
  let portal: TestPortal;
  const interleaving = interleavingClient();
  let f: ReturnType<typeof pledgeFixtures>;

  beforeAll(async () => {
    portal = await createTestPortal({ clock });
    f = pledgeFixtures(portal);
    for (const uscc of [A, B, BUYER]) await f.enterprise(uscc);
    await f.institution(BANK);
    await f.institution(OTHER_BANK);
    await f.institution(INSURER, 'insurer');
  });

  /** A context whose first write waits for `meanwhile`: what another request did between the read and the write. */
  const racing = (meanwhile: () => Promise<unknown>): UseCaseContext => {
    interleaving.beforeNext(meanwhile);
    return useCaseContext({ ...portal.deps, db: interleaving.db });
  };
  const setOnAsset = (id: string, update: string, values: Record<string, unknown>) =>
    setOnStoredAsset(portal, id, update, values);
  const bumpVersion = (id: string) => bumpAssetVersion(portal, id);
  const asset = async (id: string) => (await portal.call('GET', `/assets/${id}`, { as: office })).body;
  const get = (id: string, as: CallOptions['as']) => portal.call('GET', `/pledges/${id}`, { as });
  const eventsOf = async (id: string) =>
    (await portal.call('GET', `/events?subject=pledge:${id}`, { as: office })).body.items;
  const applied = async (assetIds: string[], extra: Record<string, unknown> = {}) => {
    const res = await f.apply(A, { lenderId: BANK, assetIds, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  /** A pledge of one fresh patent moved along `steps` (review, approve, register, disburse). */
  const pledgeAt = async (steps: number) => {
    const patent = await f.patent(A);
    const id = await applied([patent]);
    const path: [string, Parameters<typeof f.act>[2], unknown][] = [
      ['review', bank, undefined],
      ['approve', bank, { approvedAmountFen: 200_000_00, annualRateBps: 385 }],
      ['register', office, { registrationNumber: 'Y2026330000123' }],
      ['disburse', bank, { disbursedOn: '2026-11-27', amountFen: 100_000_00 }],
    ];
    for (const [action, as, body] of path.slice(0, steps)) {
      const res = await f.act(id, action, as, body);
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    return { id, patent };
  };

  const P = { appraisedValueFen: 1_000_000_00, requestedAmountFen: 200_000_00, termMonths: 12 };

  it('an application refused names every reason: no such lender, an insurer, a right not the applicant’s', async () => {
    const patent = await f.patent(A);
    const none = await f.apply(A, { lenderId: 'no-bank', assetIds: [patent] });
    expect(none.status).toBe(422);
    expect(none.body.detail).toBe('The application was refused: lenderId no-bank is not a lender.');
    expect(none.body.errors).toEqual([
      { path: 'lenderId', code: 'lender_unknown', message: 'no-bank is not a lender' },
    ]);
    const insurer = await f.apply(A, { lenderId: INSURER, assetIds: [patent] });
    expect(insurer.status).toBe(422);
    expect(insurer.body.errors).toEqual([
      { path: 'lenderId', code: 'lender_unknown', message: `${INSURER} is not a lender` },
    ]);
    const foreign = await f.patent(B);
    const notYours = await f.apply(A, { lenderId: BANK, assetIds: [foreign] });
    expect(notYours.status).toBe(422);
    expect(notYours.body.detail).toBe('The application was refused: assetIds.0 is not an asset of yours.');
    expect(notYours.body.errors).toEqual([
      { path: 'assetIds.0', code: 'not_owner', message: 'is not an asset of yours' },
    ]);
    expect((await asset(patent)).encumbrance).toBeNull();
    expect((await asset(patent)).version).toBe(1);
  });

  it('an application holds its rights, carries the names and writes its event for its parties only', async () => {
    const patent = await f.patent(A);
    const id = await applied([patent]);
    const held = await asset(patent);
    expect(held).toMatchObject({ encumbrance: { pledgeId: id }, version: 2, updatedAt: NOW });
    const detail = await get(id, asEnterprise(A));
    expect(detail.body.pledge ?? detail.body).toMatchObject({
      applicant: A,
      applicantName: `Enterprise ${A}`,
      lenderName: BANK,
      status: 'submitted',
    });
    const events = await eventsOf(id);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'pledge.submitted',
        version: 1,
        action: 'submit',
        from: null,
        to: 'submitted',
        at: NOW,
        audience: [`enterprise:${A}`, `lender:${BANK}`],
        data: { lenderId: BANK, assetIds: [patent], ...P },
      }),
    ]);
    expect((await portal.call('GET', `/events?subject=pledge:${id}`, { as: bank })).status).toBe(200);
    expect((await portal.call('GET', `/events?subject=pledge:${id}`, { as: asEnterprise(A) })).status).toBe(
      200,
    );
    expect((await portal.call('GET', `/events?subject=pledge:${id}`, { as: asEnterprise(B) })).status).toBe(
      404,
    );
    expect(
      (await portal.call('GET', `/events?subject=pledge:${id}`, { as: asLender(OTHER_BANK) })).status,
    ).toBe(404);
  });

  it('an application racing another write: held meanwhile → 409, gone to another → 422, changed → 409', async () => {
    const heldId = await f.patent(A);
    const heldNo = (await asset(heldId)).number as string;
    const changedId = await f.patent(A);
    const changedNo = (await asset(changedId)).number as string;
    const input = { lenderId: BANK, assetIds: [changedId, heldId], ...P };
    const both = await refusal(
      submitPledge(
        racing(async () => {
          await setOnAsset(heldId, 'SET encumbrance = :e', { ':e': { pledgeId: 'pl-other' } });
          await bumpVersion(changedId);
        }),
        APPLICANT,
        input,
      ),
    );
    expect(both.kind).toBe('conflict');
    expect(both.message).toBe('An asset is already held by another open application.');
    expect(both.extra.errors).toEqual([
      {
        path: 'assetIds.1',
        code: 'already_pledged',
        message: `${heldNo} is already held by another open application or unreleased pledge`,
      },
      {
        path: 'assetIds.0',
        message: `${changedNo} was changed while the application was being filed; retry`,
      },
    ]);
    const changed = await refusal(
      submitPledge(
        racing(() => bumpVersion(changedId)),
        APPLICANT,
        { ...input, assetIds: [changedId] },
      ),
    );
    expect(changed.kind).toBe('conflict');
    expect(changed.message).toBe('An asset changed while the application was being filed; retry.');
    expect(changed.extra.errors).toEqual([
      {
        path: 'assetIds.0',
        message: `${changedNo} was changed while the application was being filed; retry`,
      },
    ]);
    const goneId = await f.patent(A);
    const gone = await refusal(
      submitPledge(
        racing(async () => {
          await portal.deps.db.send(
            new UpdateCommand({
              TableName: portal.tableName,
              Key: assetKey(goneId),
              UpdateExpression: 'SET #o = :b',
              ExpressionAttributeNames: { '#o': 'owner' },
              ExpressionAttributeValues: { ':b': B },
            }),
          );
        }),
        APPLICANT,
        { ...input, assetIds: [goneId] },
      ),
    );
    expect(gone.kind).toBe('unprocessable');
    expect(gone.message).toBe('The application was refused.');
    expect(gone.extra.errors).toEqual([
      { path: 'assetIds.0', code: 'not_owner', message: 'is not an asset of yours' },
    ]);
    expect((await asset(changedId)).encumbrance).toBeNull();
  });

  it('who lists and reads a pledge: its applicant, its lender, the office; others 404; an insurer only with a guarantee', async () => {
    const { id } = await pledgeAt(0);
    const listed = async (as: Parameters<typeof f.act>[2]) =>
      (
        (await portal.call('GET', '/pledges?status=submitted&limit=100', { as })).body.items as {
          id: string;
        }[]
      ).map((p) => p.id);
    expect(await listed(asEnterprise(A.toLowerCase()))).toContain(id);
    expect(await listed(bank)).toContain(id);
    expect(await listed(office)).toContain(id);
    expect(await listed(asEnterprise(B))).not.toContain(id);
    expect(await listed(asLender(OTHER_BANK))).not.toContain(id);
    for (const as of [asEnterprise(B), asLender(OTHER_BANK), { role: 'insurer' as const, org: INSURER }]) {
      const hidden = await get(id, as);
      expect(hidden.status).toBe(404);
      expect(hidden.body.detail).toBe(`Pledge ${id} was not found.`);
    }
    expect((await get('no-such-pledge', office)).body.detail).toBe('Pledge no-such-pledge was not found.');
    const lender = await get(id, bank);
    expect(lender.status).toBe(200);
    expect(lender.body.allowedActions).toEqual(['review']);
    expect(lender.body.guarantees).toEqual([]);
    expect((await get(id, asEnterprise(A))).body.allowedActions).toEqual(['withdraw']);
    expect((await get(id, office)).body.allowedActions).toEqual([]);
    expect(lender.body.history).toEqual([
      {
        version: 1,
        at: NOW,
        action: 'submit',
        from: null,
        to: 'submitted',
        actor: { org: A, sub: `local-enterprise-${A}`, role: 'enterprise', name: `Enterprise ${A}` },
        data: { lenderId: BANK, assetIds: lender.body.assetIds, ...P },
      },
    ]);
    expect(lender.body).toMatchObject({ id, applicantName: `Enterprise ${A}`, lenderName: BANK });
  });

  it('the life cycle: approval under the lender’s policy, registration examines the rights again, the first loan', async () => {
    const { id, patent } = await pledgeAt(2);
    // The right lapses before the registration: refused, naming it.
    await portal.call('POST', `/assets/${patent}/legal-events`, {
      as: office,
      body: { type: 'lapsed', date: '2026-11-26' },
    });
    const lapsed = await f.act(id, 'register', office, { registrationNumber: 'Y2026330000124' });
    expect(lapsed.status).toBe(422);
    expect(lapsed.body.detail).toBe('The registration was refused: a pledged right no longer qualifies.');
    const number = (await asset(patent)).number as string;
    expect(lapsed.body.errors).toEqual([
      { path: 'assetIds.0', code: 'not_in_force', message: `${number} is not in force: it is lapsed` },
    ]);
    expect((await get(id, office)).body).toMatchObject({ status: 'approved', version: 3 });
  });

  it('a registration racing a change of the right → 409; the first registration of a company is marked once', async () => {
    const { id, patent } = await pledgeAt(2);
    await ensurePledgeDocuments(portal, id);
    const raced = await refusal(
      actOnPledge(
        racing(() => bumpVersion(patent)),
        OFFICE,
        { id, action: 'register', body: { registrationNumber: 'Y2026330000125' } },
      ),
    );
    expect(raced.kind).toBe('conflict');
    expect(raced.message).toBe(
      'A pledged right changed while the pledge was being registered; reload and retry.',
    );
    const ok = await f.act(id, 'register', office, { registrationNumber: 'Y2026330000125' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'registered', registrationNumber: 'Y2026330000125' });
  });

  it('rejection frees the rights; a disbursement from the wrong state stays a 409', async () => {
    const { id, patent } = await pledgeAt(1);
    const rejected = await f.act(id, 'reject', bank, { reason: 'too risky' });
    expect(rejected.status).toBe(200);
    expect(await asset(patent)).toMatchObject({ encumbrance: null, version: 3, updatedAt: NOW });
    expect((await asset(patent)).transferredTo).toBeUndefined();
    // A hold lost meanwhile (the office's repair, say): the freeing transition refuses rather than free another's.
    const lost = await pledgeAt(1);
    const unheld = await refusal(
      actOnPledge(
        racing(() => setOnAsset(lost.patent, 'REMOVE encumbrance SET version = :v', { ':v': 9 })),
        { role: 'lender', org: BANK, sub: 'sub-bank' },
        { id: lost.id, action: 'reject', body: { reason: 'no' } },
      ),
    );
    expect(unheld.kind).toBe('conflict');
    expect(unheld.message).toBe(
      'An asset of this pledge is no longer held by it; the IP office must reconcile it.',
    );
    expect((await get(lost.id, office)).body.status).toBe('under_review');
    const early = await pledgeAt(2);
    const res = await f.act(early.id, 'disburse', bank, {});
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('A pledge that is approved cannot be disbursed.');
    expect(res.body.currentState).toBe('approved');
  });

  it('default, disposal by transfer and release: the disposal’s event and the right transferred to the buyer', async () => {
    const { id, patent } = await pledgeAt(4);
    expect((await f.act(id, 'default', bank)).status).toBe(200);
    const disposed = await portal.call('POST', `/pledges/${id}/disposals`, {
      as: bank,
      body: {
        method: 'transfer',
        recoveredFen: 150_000_00,
        completedOn: '2026-11-27',
        transfereeUscc: BUYER,
      },
    });
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(201);
    const released = await f.act(id, 'release', office);
    expect(released.status).toBe(200);
    expect(await asset(patent)).toMatchObject({
      owner: A,
      encumbrance: null,
      version: 3,
      updatedAt: NOW,
      transferredTo: { uscc: BUYER, on: '2026-11-27', pledgeId: id },
    });
    const events = await eventsOf(id);
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'pledge.submitted',
      'pledge.under_review',
      'pledge.approved',
      'pledge.registered',
      'pledge.disbursed',
      'pledge.defaulted',
      'pledge.disposed',
      'pledge.released',
    ]);
    expect(events[2].data).toEqual({
      maxLtvBps: 2500,
      repaymentType: 'bullet',
      approvedAmountFen: 200_000_00,
      annualRateBps: 385,
    });
    expect(events[6].data).toEqual({
      method: 'transfer',
      recoveredFen: 150_000_00,
      completedOn: '2026-11-27',
      lossFen: 0,
      transfereeUscc: BUYER,
    });
  });

  it('a trademark brings the owner’s same marks in overlapping classes; a submission replayed by its key; a stored id', async () => {
    const mark = async (owner: string, number: string) => {
      const res = await portal.call('POST', `/enterprises/${owner}/assets`, {
        as: asEnterprise(owner),
        body: {
          kind: 'trademark',
          number,
          mark: '婺州红',
          niceClasses: [30],
          registrationDate: '2020-05-01',
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const first = await mark(A, '40000001');
    await mark(A, '40000002');
    const alone = await f.apply(A, { lenderId: BANK, assetIds: [first] });
    expect(alone.status).toBe(422);
    expect(alone.body.errors).toEqual([
      {
        path: 'assetIds.0',
        code: 'related_marks_not_included',
        message:
          '40000001 「婺州红」 must be pledged together with 40000002, the same mark in an overlapping class',
      },
    ]);
    // Another company's same mark is not the applicant's portfolio.
    const theirs = await mark(B, '40000003');
    const foreign = await f.apply(A, { lenderId: BANK, assetIds: [theirs] });
    expect(foreign.body.errors).toEqual([
      { path: 'assetIds.0', code: 'not_owner', message: 'is not an asset of yours' },
    ]);
    expect((await f.apply(B, { lenderId: BANK, assetIds: [theirs] })).status).toBe(201);

    const patent = await f.patent(A);
    const headers = { 'Idempotency-Key': 'pledge-uc-1' };
    const once = await f.apply(A, { lenderId: BANK, assetIds: [patent] }, headers);
    expect(once.status).toBe(201);
    const replay = await f.apply(A, { lenderId: BANK, assetIds: [patent] }, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(once.body);
    expect((await asset(patent)).version).toBe(2);

    const other = await f.patent(A);
    const taken = await refusal(
      submitPledge({ ...useCaseContext(portal.deps), newId: () => once.body.id }, APPLICANT, {
        lenderId: BANK,
        assetIds: [other],
        ...P,
      }),
    );
    expect(taken.kind).toBe('conflict');
    expect(taken.message).toBe('The application could not be stored; retry.');
    expect((await asset(other)).encumbrance).toBeNull();
  });

  it('an insurer asked to guarantee the loan reads it; another insurer does not', async () => {
    const { id } = await pledgeAt(0);
    await portal.deps.db.send(
      new PutCommand({
        TableName: portal.tableName,
        Item: {
          pk: pledgeKey(id).pk,
          sk: `${GUARANTEE_LINK_PREFIX}pol-1`,
          policyId: 'pol-1',
          insurerId: INSURER,
        },
      }),
    );
    const read = await get(id, { role: 'insurer', org: INSURER });
    expect(read.status).toBe(200);
    expect(read.body.guarantees).toEqual([{ policyId: 'pol-1', insurerId: INSURER }]);
    expect(read.body.allowedActions).toEqual([]);
    expect((await get(id, { role: 'insurer', org: 'uc-insurer-2' })).status).toBe(404);
  });

  it('a further tranche while some is left; the history shows only the life cycle; withdrawal frees the rights', async () => {
    const { id } = await pledgeAt(4);
    const tranche = await f.act(id, 'disburse', bank, { amountFen: 50_000_00 });
    expect(tranche.status, JSON.stringify(tranche.body)).toBe(200);
    expect(tranche.body).toMatchObject({ status: 'active', disbursedAmountFen: 100_000_00 + 50_000_00 });
    const history = (await get(id, office)).body.history.map((e: { action: string }) => e.action);
    expect(history).toEqual(['submit', 'review', 'approve', 'register', 'disburse']);
    const gone = await f.act(id, 'withdraw', asEnterprise(A));
    expect(gone.status).toBe(409);
    expect(gone.body.currentState).toBe('active');

    const { id: w, patent } = await pledgeAt(1);
    const withdrawn = await f.act(w, 'withdraw', asEnterprise(A));
    expect(withdrawn.status).toBe(200);
    expect(await asset(patent)).toMatchObject({ encumbrance: null, version: 3 });
  });

  it('the first registration of a company is marked once, and a marker taken meanwhile makes it not the first', async () => {
    const C = yiwu('MA2U00005');
    await f.enterprise(C);
    const registered = async (racer?: () => Promise<unknown>) => {
      const patent = await f.patent(C);
      const res = await f.apply(C, { lenderId: BANK, assetIds: [patent] });
      const id = res.body.id as string;
      await f.act(id, 'review', bank);
      await f.act(id, 'approve', bank, { approvedAmountFen: 100_00, annualRateBps: 400 });
      await ensurePledgeDocuments(portal, id);
      const ctx = racer ? racing(racer) : useCaseContext(portal.deps);
      return actOnPledge(ctx, OFFICE, {
        id,
        action: 'register',
        body: { registrationNumber: 'Y2026330000200' },
      });
    };
    const raced = await registered(() =>
      portal.deps.db.send(
        new PutCommand({
          TableName: portal.tableName,
          Item: { ...firstLoanKey(C), entity: 'first-loan', pledgeId: 'pl-elsewhere' },
        }),
      ),
    );
    expect(raced.status).toBe('registered');
    expect(raced.firstRegistration).toBeUndefined();

    const D = yiwu('MA2U00006');
    await f.enterprise(D);
    const patent = await f.patent(D);
    const ids: string[] = [];
    for (let n = 0; n < 2; n++) {
      const p = await f.patent(D);
      const id = (await f.apply(D, { lenderId: BANK, assetIds: [n ? p : patent] })).body.id as string;
      await f.act(id, 'review', bank);
      await f.act(id, 'approve', bank, { approvedAmountFen: 100_00, annualRateBps: 400 });
      ids.push(id);
    }
    const first = await f.act(ids[0]!, 'register', office, { registrationNumber: 'Y2026330000201' });
    expect(first.body.firstRegistration).toBe(true);
    const second = await f.act(ids[1]!, 'register', office, { registrationNumber: 'Y2026330000202' });
    expect(second.status).toBe(200);
    expect(second.body.firstRegistration).toBeUndefined();
  });

  it('a lender’s own terms: its LTV caps the approval, and it may require verified rights at application', async () => {
    const POLICY_BANK = 'uc-policy-bank';
    await f.institution(POLICY_BANK);
    const policy = {
      maxLtvBps: { invention: 4000, utility_model: 1500, design: 1000, trademark: 5000 },
      requireVerifiedRights: true,
    };
    const set = await portal.call('PUT', `/institutions/${POLICY_BANK}/lending-policy`, {
      as: office,
      body: policy,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const patent = await f.patent(A);
    const unverified = await f.apply(A, { lenderId: POLICY_BANK, assetIds: [patent] });
    expect(unverified.status).toBe(422);
    const number = (await asset(patent)).number as string;
    const words = `${number} is not verified by the IP office, and ${POLICY_BANK} takes only verified rights`;
    expect(unverified.body.detail).toBe(`The application was refused: assetIds.0 ${words}.`);
    expect(unverified.body.errors).toEqual([
      { path: 'assetIds.0', code: 'right_not_verified', message: words },
    ]);
    const verified = await portal.call('POST', `/assets/${patent}/verification`, {
      as: office,
      body: { source: 'document', reference: 'D-1' },
    });
    expect(verified.status).toBe(200);
    const cap = Number((1_000_000_00n * 4000n) / 10_000n);
    const res = await f.apply(A, {
      lenderId: POLICY_BANK,
      assetIds: [patent],
      appraisedValueFen: 1_000_000_00,
      requestedAmountFen: cap,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.id as string;
    const lender = asLender(POLICY_BANK);
    expect((await f.act(id, 'review', lender)).status).toBe(200);
    const over = await f.act(id, 'approve', lender, { approvedAmountFen: cap + 1, annualRateBps: 400 });
    expect(over.status).toBe(422);
    expect(over.body.maxApprovedAmountFen).toBe(cap);
    const ok = await f.act(id, 'approve', lender, { approvedAmountFen: cap, annualRateBps: 400 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const events = await eventsOf(id);
    expect(events[2].data).toMatchObject({ maxLtvBps: 4000, approvedAmountFen: cap });
  });

  describe('ownership cases', () => {
    const claimOf = async () => {
      const patent = await f.patent(A);
      const number = (await asset(patent)).number as string;
      const res = await portal.call('POST', `/enterprises/${B}/assets`, {
        as: asEnterprise(B),
        body: { kind: 'patent', number, title: 'x', filingDate: '2020-03-01', grantDate: '2020-12-01' },
      });
      expect(res.status).toBe(409);
      return { caseId: res.body.ownershipCaseId as string, patent };
    };
    const decide = (caseId: string, outcome: string) =>
      portal.call('POST', `/ownership-cases/${caseId}/decide`, {
        as: office,
        body: { outcome, reference: '裁决 7' },
      });

    it('decided for the holder: nothing moves; again → 409; unknown → 404; listed by scope', async () => {
      const { caseId, patent } = await claimOf();
      const mine = await portal.call('GET', '/ownership-cases', { as: asEnterprise(B.toLowerCase()) });
      expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(caseId);
      expect(
        (await portal.call('GET', '/ownership-cases', { as: asEnterprise(A) })).body.items.map(
          (c: { id: string }) => c.id,
        ),
      ).not.toContain(caseId);
      const res = await decide(caseId, 'holder');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'decided',
        outcome: 'holder',
        reference: '裁决 7',
        decidedAt: NOW,
      });
      expect((await asset(patent)).owner).toBe(A);
      const again = await decide(caseId, 'claimant');
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe(`Ownership case ${caseId} was decided already.`);
      expect(again.body.currentState).toBe('decided');
      const none = await decide('no-such-case', 'holder');
      expect(none.status).toBe(404);
      expect(none.body.detail).toBe('Ownership case no-such-case was not found.');
    });

    it('decided for the claimant: the right moves by a transferred event; a decision racing another → 409; a fault', async () => {
      const { caseId, patent } = await claimOf();
      const res = await decide(caseId, 'claimant');
      expect(res.status).toBe(200);
      expect((await asset(patent)).owner).toBe(B);
      const events = (await portal.call('GET', `/assets/${patent}/legal-events`, { as: office })).body.items;
      expect(events).toEqual([
        expect.objectContaining({ type: 'transferred', toUscc: B, reference: '裁决 7', date: '2026-11-27' }),
      ]);
      const second = await claimOf();
      const raced = await refusal(
        decideOwnershipCase(
          racing(() => decide(second.caseId, 'holder')),
          OFFICE,
          { id: second.caseId, outcome: 'holder', reference: 'late' },
        ),
      );
      expect(raced.kind).toBe('conflict');
      expect(raced.message).toBe(`Ownership case ${second.caseId} was decided meanwhile.`);
      const third = await claimOf();
      const fault = new Error('the network is down');
      await expect(
        decideOwnershipCase(
          racing(async () => {
            throw fault;
          }),
          OFFICE,
          { id: third.caseId, outcome: 'holder', reference: 'r' },
        ),
      ).rejects.toBe(fault);
    });
  });
});
