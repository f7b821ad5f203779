import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import type { AssetInput } from '../../shared/domain/asset.js';
import { assetKey, assetNumberKey, legalEventKey } from '../../shared/store/keys.js';
import { OwnershipCaseRepository } from '../../shared/store/ownership-case-repository.js';
import {
  deleteAsset,
  recordLegalEvent,
  registerAsset,
  reviseAsset,
  verifyAsset,
} from '../../shared/usecases/assets.js';
import { recordConsent, revokeConsent } from '../../shared/usecases/co-owner-consents.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { interleavingClient } from '../support/interleave.js';
import {
  asEnterprise,
  asLender,
  FIXED_NOW,
  office,
  patentNo,
  pledgeFixtures,
  yiwu,
} from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { bumpAssetVersion, setOnAsset as setOnStoredAsset } from '../support/stored-items.js';

/**
 * A right's life after its registration, pinned down for the assets part of the use-case layer (mutation testing):
 * what each refusal of a registration, a read and a deletion says; the revision of its details (the bulk import's
 * path, called directly); its legal events; the office's verification; its co-owners' consents; and what each of
 * these answers when another write lands between its read and its write. Business date: 2026-11-27 (FIXED_NOW).
 */
const A = yiwu('MA2F00001'); // the owner
const B = yiwu('MA2F00002'); // a co-owner
const C = yiwu('MA2F00003'); // another co-owner
const D = yiwu('MA2F00004'); // a registered stranger
const U = yiwu('MA2F00099'); // never registered
const BANK = 'lifecycle-bank';
const OTHER_BANK = 'lifecycle-other-bank';
const NOW = FIXED_NOW.toISOString();

const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'office-1' };
const OWNER: Actor = { role: 'enterprise', org: A, sub: 'sub-a' };
const STRANGER: Actor = { role: 'enterprise', org: D, sub: 'sub-d' };
const CO_OWNER: Actor = { role: 'enterprise', org: B, sub: 'sub-b' };

describe('an asset’s life', () => {
  let portal: TestPortal;
  const interleaving = interleavingClient();
  let f: ReturnType<typeof pledgeFixtures>;
  let uc: UseCaseContext;
  let serial = 500;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW });
    f = pledgeFixtures(portal);
    uc = useCaseContext(portal.deps);
    for (const uscc of [A, B, C, D]) await f.enterprise(uscc);
    await f.institution(BANK);
    await f.institution(OTHER_BANK);
  });

  /** A context whose first write waits for `meanwhile`: what another request did between the read and the write. */
  const racing = (meanwhile: () => Promise<unknown>): UseCaseContext => {
    interleaving.beforeNext(meanwhile);
    return useCaseContext({ ...portal.deps, db: interleaving.db });
  };
  /** The store failing with a fault that is not a condition (a network error, say). */
  const faulty = (fault: Error) =>
    racing(async () => {
      throw fault;
    });
  const setOnAsset = (id: string, update: string, values: Record<string, unknown>) =>
    setOnStoredAsset(portal, id, update, values);
  const bumpVersion = (id: string) => bumpAssetVersion(portal, id);
  const removeAsset = (id: string) =>
    portal.deps.db.send(new DeleteCommand({ TableName: portal.tableName, Key: assetKey(id) }));
  const read = (id: string) => portal.call('GET', `/assets/${id}`, { as: office });
  const patentInput = (number: string, extra: Partial<AssetInput> = {}): AssetInput =>
    ({
      kind: 'patent',
      number,
      title: 'A vacuum flask',
      filingDate: '2023-03-03',
      grantDate: '2025-01-01',
      ...extra,
    }) as AssetInput;
  /** A granted invention of A filed 2023-03-03 (in force until 2043-03-02), registered over HTTP. */
  const patentOfA = async (coOwners?: string[]) => {
    const number = patentNo(2023, 1, ++serial);
    const res = await portal.call('POST', `/enterprises/${A}/assets`, {
      as: asEnterprise(A),
      body: { ...patentInput(number), ...(coOwners ? { coOwners } : {}) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id as string, number };
  };
  const events = async (id: string) =>
    (await portal.call('GET', `/assets/${id}/legal-events`, { as: office })).body.items as {
      seq: number;
      type: string;
    }[];

  describe('registration, reads and deletion', () => {
    it('a registration refused says why: a foreign portfolio, a number of one’s own, a number another holds', async () => {
      const { id, number } = await patentOfA();
      const foreign = await portal.call('POST', `/enterprises/${B}/assets`, {
        as: asEnterprise(A),
        body: patentInput(patentNo(2023, 1, ++serial)),
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body.detail).toBe('An enterprise may only register assets in its own portfolio.');

      const again = await portal.call('POST', `/enterprises/${A}/assets`, {
        as: asEnterprise(A),
        body: patentInput(`ZL${number}`),
      });
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe(`The patent number ${number} is already in your portfolio.`);
      expect(again.body.ownershipCaseId).toBeUndefined();
      const casesBefore = await portal.call('GET', '/ownership-cases', { as: office });
      expect(casesBefore.body.items).toEqual([]);

      const claimed = await portal.call('POST', `/enterprises/${B}/assets`, {
        as: asEnterprise(B),
        body: patentInput(number),
      });
      expect(claimed.status).toBe(409);
      const caseId = claimed.body.ownershipCaseId as string;
      expect(claimed.body.detail).toBe(
        `The patent number ${number} is held by another enterprise in the portal. An ownership case ` +
          `(${caseId}) went to the IP office, which decides whose it is; you will find it at GET /ownership-cases.`,
      );
      const open = await portal.call('GET', '/ownership-cases?status=open', { as: office });
      expect(open.body.items).toEqual([
        expect.objectContaining({
          id: caseId,
          kind: 'patent',
          number,
          assetId: id,
          holder: A,
          claimant: B,
          status: 'open',
          openedAt: NOW,
        }),
      ]);
    });

    it('an id that is taken is a conflict of its own, which claims no number', async () => {
      const { id } = await patentOfA();
      const number = patentNo(2023, 1, ++serial);
      const taken = await refusal(
        registerAsset({ ...uc, newId: () => id }, OFFICE, { owner: A, input: patentInput(number) }),
      );
      expect(taken.kind).toBe('conflict');
      expect(taken.message).toBe('An asset with this id already exists; retry.');
      const claim = await portal.deps.db.send(
        new GetCommand({ TableName: portal.tableName, Key: assetNumberKey('patent', number) }),
      );
      expect(claim.Item).toBeUndefined();
    });

    it('who is told a right or a portfolio does not exist, and what a lender reads while its application holds the right', async () => {
      const { id } = await patentOfA();
      const list = await portal.call('GET', `/enterprises/${A}/assets`, { as: asEnterprise(B) });
      expect(list.status).toBe(404);
      expect(list.body.detail).toBe(`Enterprise ${A} was not found.`);
      const none = await portal.call('GET', '/assets/no-such-asset', { as: office });
      expect(none.status).toBe(404);
      expect(none.body.detail).toBe('Asset no-such-asset was not found.');
      const hidden = await portal.call('GET', `/assets/${id}`, { as: asEnterprise(D) });
      expect(hidden.status).toBe(404);
      expect(hidden.body.detail).toBe(`Asset ${id} was not found.`);

      expect((await portal.call('GET', `/assets/${id}`, { as: asLender(BANK) })).status).toBe(404);
      const applied = await f.apply(A, { lenderId: BANK, assetIds: [id] });
      expect(applied.status, JSON.stringify(applied.body)).toBe(201);
      const lender = await portal.call('GET', `/assets/${id}`, { as: asLender(BANK) });
      expect(lender.status).toBe(200);
      expect(lender.body.encumbrance).toEqual({ pledgeId: applied.body.id });
      const other = await portal.call('GET', `/assets/${id}`, { as: asLender(OTHER_BANK) });
      expect(other.status).toBe(404);
      expect(other.body.detail).toBe(`Asset ${id} was not found.`);
      // The lender reads its events as it reads the right; another lender does not.
      expect((await portal.call('GET', `/assets/${id}/legal-events`, { as: asLender(BANK) })).status).toBe(
        200,
      );
      expect(
        (await portal.call('GET', `/assets/${id}/legal-events`, { as: asLender(OTHER_BANK) })).status,
      ).toBe(404);
    });

    it('a deletion refused says why: not the owner’s, a claim of another asset, a hold that names no pledge', async () => {
      const { id, number } = await patentOfA();
      const foreign = await portal.call('DELETE', `/assets/${id}`, { as: asEnterprise(D) });
      expect(foreign.status).toBe(404);
      expect(foreign.body.detail).toBe(`Asset ${id} was not found.`);

      // The number claim points at another asset (left over from a half-finished repair, say).
      await portal.deps.db.send(
        new UpdateCommand({
          TableName: portal.tableName,
          Key: assetNumberKey('patent', number),
          UpdateExpression: 'SET assetId = :other',
          ExpressionAttributeValues: { ':other': 'another-asset' },
        }),
      );
      const claimed = await portal.call('DELETE', `/assets/${id}`, { as: asEnterprise(A) });
      expect(claimed.status).toBe(409);
      expect(claimed.body.detail).toBe(
        'The number of this asset is claimed by another; the IP office must reconcile it.',
      );
      expect((await read(id)).status).toBe(200);

      const held = await patentOfA();
      await setOnAsset(held.id, 'SET encumbrance = :e', { ':e': {} });
      const unnamed = await portal.call('DELETE', `/assets/${held.id}`, { as: asEnterprise(A) });
      expect(unnamed.status).toBe(409);
      expect(unnamed.body.detail).toBe(
        'The asset is held by pledge (unknown); it can be deleted once the pledge is withdrawn, rejected, refused or released.',
      );
    });

    it('a deletion racing another write: gone meanwhile → 404, changed meanwhile → 409 or 412 at If-Match, a fault passes as it is', async () => {
      const gone = await patentOfA();
      const vanished = await refusal(
        deleteAsset(
          racing(() => removeAsset(gone.id)),
          OWNER,
          { id: gone.id },
        ),
      );
      expect(vanished.kind).toBe('not_found');
      expect(vanished.message).toBe(`Asset ${gone.id} was not found.`);

      const changed = await patentOfA();
      const concurrent = await refusal(
        deleteAsset(
          racing(() => bumpVersion(changed.id)),
          OWNER,
          { id: changed.id },
        ),
      );
      expect(concurrent.kind).toBe('conflict');
      expect(concurrent.message).toBe('The asset was changed concurrently; reload and retry.');
      const stale = await refusal(
        deleteAsset(
          racing(() => bumpVersion(changed.id)),
          OWNER,
          { id: changed.id, expectedVersion: 2 },
        ),
      );
      expect(stale.kind).toBe('precondition_failed');
      expect(stale.extra.currentVersion).toBe(3);

      const fault = new Error('the network is down');
      await expect(deleteAsset(faulty(fault), OWNER, { id: changed.id })).rejects.toBe(fault);
      expect((await read(changed.id)).status).toBe(200);
    });
  });

  describe('revision of a right’s details (the bulk import’s path)', () => {
    it('the owner or the office revises the details; co-owners and the identity stay, the term follows the date', async () => {
      const { id, number } = await patentOfA([B]);
      for (const [who, actor] of [
        ['stranger', STRANGER],
        ['co-owner', CO_OWNER],
        ['lender', { role: 'lender', org: BANK, sub: 'sub-bank' } as Actor],
      ] as const) {
        const hidden = await refusal(reviseAsset(uc, actor, { id, input: patentInput(number) }));
        expect(hidden.kind, who).toBe('not_found');
        expect(hidden.message, who).toBe(`Asset ${id} was not found.`);
      }
      const missing = await refusal(
        reviseAsset(uc, OFFICE, { id: 'no-such-asset', input: patentInput(number) }),
      );
      expect(missing.message).toBe('Asset no-such-asset was not found.');
      const stale = await refusal(
        reviseAsset(uc, OWNER, { id, input: patentInput(number), expectedVersion: 7 }),
      );
      expect(stale.kind).toBe('precondition_failed');

      // The co-owners are not the revision's to change: whatever the input lists (here the owner itself) is ignored.
      const retitled = await reviseAsset(uc, OWNER, {
        id,
        input: patentInput(`ZL ${number}`, { title: 'A better flask', coOwners: [A] }),
        expectedVersion: 1,
      });
      expect(retitled).toMatchObject({
        id,
        owner: A,
        number,
        title: 'A better flask',
        coOwners: [B],
        filingDate: '2023-03-03',
        expiresOn: '2043-03-02',
        version: 2,
        updatedAt: NOW,
      });
      const stored = await read(id);
      expect(stored.headers.get('etag')).toBe('"2"');
      expect(stored.body).toMatchObject({ title: 'A better flask', coOwners: [B], version: 2 });

      // A new filing date (no legal event recorded yet) sets a new term: 20 years from 2023-06-01.
      const redated = await reviseAsset(uc, OFFICE, {
        id,
        input: patentInput(number, { title: 'A better flask', filingDate: '2023-06-01' }),
      });
      expect(redated).toMatchObject({ filingDate: '2023-06-01', expiresOn: '2043-05-31', version: 3 });
      expect((await read(id)).body.expiresOn).toBe('2043-05-31');

      const renumbered = await refusal(
        reviseAsset(uc, OWNER, { id, input: patentInput(patentNo(2023, 1, ++serial)) }),
      );
      expect(renumbered.kind).toBe('conflict');
      expect(renumbered.message).toBe(
        'The kind and the number of a right are its identity; they cannot be revised.',
      );
      const rekinded = await refusal(
        reviseAsset(uc, OWNER, {
          id,
          input: {
            kind: 'trademark',
            number: '8800009',
            mark: 'X',
            niceClasses: [21],
            registrationDate: '2023-03-03',
          },
        }),
      );
      expect(rekinded.message).toBe(
        'The kind and the number of a right are its identity; they cannot be revised.',
      );
      expect((await read(id)).body.version).toBe(3);
    });

    it('a trademark’s registration date sets its term; its mark type stays as registered', async () => {
      const res = await portal.call('POST', `/enterprises/${A}/assets`, {
        as: asEnterprise(A),
        body: {
          kind: 'trademark',
          number: '8800001',
          mark: '双龙',
          niceClasses: [29],
          registrationDate: '2019-06-30',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.expiresOn).toBe('2029-06-29');
      const revised = await reviseAsset(uc, OWNER, {
        id: res.body.id,
        input: {
          kind: 'trademark',
          number: '8800001',
          mark: '双龙牌',
          niceClasses: [30, 29],
          registrationDate: '2019-07-15',
          markType: 'collective',
        },
      });
      expect(revised).toMatchObject({
        mark: '双龙牌',
        niceClasses: [29, 30],
        registrationDate: '2019-07-15',
        expiresOn: '2029-07-14',
        markType: 'ordinary',
        coOwners: [],
        version: 2,
      });
    });

    it('with legal events recorded the term date stays; a pledged right keeps its details; the office’s verification survives only its own revision', async () => {
      const { id, number } = await patentOfA();
      expect(
        (
          await portal.call('POST', `/assets/${id}/legal-events`, {
            as: office,
            body: { type: 'dispute_filed', date: '2026-11-01' },
          })
        ).status,
      ).toBe(201);
      const redated = await refusal(
        reviseAsset(uc, OWNER, { id, input: patentInput(number, { filingDate: '2023-06-01' }) }),
      );
      expect(redated.kind).toBe('conflict');
      expect(redated.message).toBe(
        'The right has legal events recorded; its filing or registration date (which sets its term) cannot change now.',
      );
      const retitled = await reviseAsset(uc, OWNER, { id, input: patentInput(number, { title: 'Renamed' }) });
      expect(retitled).toMatchObject({ title: 'Renamed', expiresOn: '2043-03-02', version: 3 });
      expect(retitled.legalStatus.flags).toEqual(['disputed']);

      const verified = await portal.call('POST', `/assets/${id}/verification`, {
        as: office,
        body: { source: 'registry', reference: 'CNIPA 2026-1' },
      });
      expect(verified.status).toBe(200);
      const byOffice = await reviseAsset(uc, OFFICE, { id, input: patentInput(number, { title: 'Office' }) });
      expect(byOffice.verification).toMatchObject({ source: 'registry', reference: 'CNIPA 2026-1' });
      const byOwner = await reviseAsset(uc, OWNER, { id, input: patentInput(number, { title: 'Owner' }) });
      expect(byOwner.verification).toBeUndefined();
      expect((await read(id)).body.verification).toBeUndefined();

      const pledged = await patentOfA();
      const applied = await f.apply(A, { lenderId: BANK, assetIds: [pledged.id] });
      expect(applied.status).toBe(201);
      const held = await refusal(
        reviseAsset(uc, OWNER, { id: pledged.id, input: patentInput(pledged.number, { title: 'Held' }) }),
      );
      expect(held.kind).toBe('conflict');
      expect(held.message).toBe(
        `The right is held by pledge ${applied.body.id}; its details cannot change now.`,
      );
      expect(held.extra).toEqual({ pledgeId: applied.body.id });
    });

    it('a revision racing another write: 409, or 412 at If-Match; a fault passes as it is', async () => {
      const { id, number } = await patentOfA();
      const concurrent = await refusal(
        reviseAsset(
          racing(() => bumpVersion(id)),
          OWNER,
          { id, input: patentInput(number, { title: 'Lost' }) },
        ),
      );
      expect(concurrent.kind).toBe('conflict');
      expect(concurrent.message).toBe('The right changed meanwhile; reload and retry.');
      const stale = await refusal(
        reviseAsset(
          racing(() => bumpVersion(id)),
          OWNER,
          { id, input: patentInput(number, { title: 'Lost' }), expectedVersion: 2 },
        ),
      );
      expect(stale.kind).toBe('precondition_failed');
      expect(stale.extra.currentVersion).toBe(3);
      const fault = new Error('the network is down');
      await expect(
        reviseAsset(faulty(fault), OWNER, { id, input: patentInput(number, { title: 'Lost' }) }),
      ).rejects.toBe(fault);
      expect((await read(id)).body).toMatchObject({ title: 'A vacuum flask', version: 3 });
    });
  });

  describe('legal events', () => {
    const record = (id: string, body: unknown, as: { role: string; org?: string } = office, headers = {}) =>
      portal.call('POST', `/assets/${id}/legal-events`, { as: as as never, body, headers });

    it('the owner records its payment with the office’s receipt, nothing else; the office any; others are told the right does not exist', async () => {
      const { id } = await patentOfA();
      const paid = await record(
        id,
        {
          type: 'annuity_paid',
          date: '2026-02-20',
          paidThrough: '2027-02-28',
          reference: 'CNIPA-1',
          court: 'x',
        },
        asEnterprise(A),
      );
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      expect(paid.headers.get('location')).toBe(`/assets/${id}/legal-events`);
      expect(paid.body.event).toEqual({
        type: 'annuity_paid',
        date: '2026-02-20',
        paidThrough: '2027-02-28',
        reference: 'CNIPA-1',
        assetId: id,
        seq: 1,
        recordedAt: NOW,
        recordedBy: { role: 'enterprise', org: A, sub: `local-enterprise-${A}` },
      });
      expect(paid.body.asset).toMatchObject({ id, version: 2, updatedAt: NOW });
      expect(paid.body.asset.legalStatus).toEqual({
        state: 'in_force',
        flags: [],
        annuityPaidThrough: '2027-02-28',
      });
      expect((await read(id)).headers.get('etag')).toBe('"2"');

      const noReceipt = await record(
        id,
        { type: 'annuity_paid', date: '2026-03-01', paidThrough: '2028-02-29' },
        asEnterprise(A),
      );
      expect(noReceipt.status).toBe(422);
      expect(noReceipt.body.detail).toBe('The legal event was refused.');
      expect(noReceipt.body.errors).toEqual([
        { path: 'reference', code: 'reference_required', message: 'the office’s receipt number is required' },
      ]);
      const lapse = await record(id, { type: 'lapsed', date: '2026-03-01', reference: 'R' }, asEnterprise(A));
      expect(lapse.status).toBe(403);
      expect(lapse.body.detail).toBe(
        'An owner records its annuity payments and renewals; a lapsed is recorded by the IP office.',
      );
      for (const as of [asEnterprise(D), asLender(BANK)]) {
        const hidden = await record(id, { type: 'lapsed', date: '2026-03-01' }, as);
        expect(hidden.status).toBe(404);
        expect(hidden.body.detail).toBe(`Asset ${id} was not found.`);
      }
      const none = await record('no-such-asset', { type: 'lapsed', date: '2026-03-01' });
      expect(none.status).toBe(404);
      expect(none.body.detail).toBe('Asset no-such-asset was not found.');

      // The office records any type, without a receipt.
      const byOffice = await record(id, { type: 'dispute_filed', date: '2026-03-02' });
      expect(byOffice.status, JSON.stringify(byOffice.body)).toBe(201);
      expect(byOffice.body.event).toMatchObject({ seq: 2, recordedBy: { role: 'ipoffice' } });
      expect(byOffice.body.asset.version).toBe(3);

      const listed = await portal.call('GET', `/assets/${id}/legal-events`, { as: asEnterprise(A) });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
        [2, 'dispute_filed'],
        [1, 'annuity_paid'],
      ]);
      const strangers = await portal.call('GET', `/assets/${id}/legal-events`, { as: asEnterprise(D) });
      expect(strangers.status).toBe(404);
    });

    it('a transfer names its transferee canonically, only to a registered enterprise, never of a pledged right', async () => {
      const { id } = await patentOfA();
      const unknown = await record(id, { type: 'transferred', date: '2026-11-26', toUscc: U });
      expect(unknown.status).toBe(422);
      expect(unknown.body.detail).toBe('The transferee is not registered.');
      expect(unknown.body.errors).toEqual([
        { path: 'toUscc', code: 'transferee_unknown', message: `${U} is not a registered enterprise` },
      ]);
      expect(await events(id)).toEqual([]);

      const moved = await record(id, { type: 'transferred', date: '2026-11-26', toUscc: B.toLowerCase() });
      expect(moved.status, JSON.stringify(moved.body)).toBe(201);
      expect(moved.body.event).toMatchObject({ type: 'transferred', toUscc: B, seq: 1 });
      expect(moved.body.asset.owner).toBe(B);
      expect((await read(id)).body.owner).toBe(B);

      const pledged = await patentOfA();
      const applied = await f.apply(A, { lenderId: BANK, assetIds: [pledged.id] });
      expect(applied.status).toBe(201);
      const refused = await record(pledged.id, { type: 'transferred', date: '2026-11-26', toUscc: B });
      expect(refused.status).toBe(422);
      expect(refused.body.errors.map((e: { code: string }) => e.code)).toEqual(['right_encumbered']);
    });

    it('an event is one transaction: the event and the right, nothing else when neither the owner nor the term moves', async () => {
      const { id } = await patentOfA();
      const sent: unknown[] = [];
      const real = portal.deps.db;
      const db = {
        send: (command: unknown) => {
          if (command instanceof TransactWriteCommand) sent.push(...(command.input.TransactItems ?? []));
          return real.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient;
      const recorded = await recordLegalEvent(useCaseContext({ ...portal.deps, db }), OFFICE, {
        assetId: id,
        input: { type: 'dispute_filed', date: '2026-11-20' },
      });
      expect(recorded.event.seq).toBe(1);
      expect(
        sent.map((item) => {
          const put = (item as { Put?: { Item?: { pk: string; sk: string } } } | undefined)?.Put?.Item;
          return put && { pk: put.pk, sk: put.sk };
        }),
      ).toEqual([legalEventKey(id, 1), assetKey(id)]);
    });

    it('an Idempotency-Key replays the recorded event instead of recording it twice', async () => {
      const { id } = await patentOfA();
      const body = { type: 'preservation_ordered', date: '2026-11-20', court: '金华市中级人民法院' };
      const headers = { 'Idempotency-Key': 'legal-event-1' };
      const first = await record(id, body, office, headers);
      expect(first.status).toBe(201);
      const replay = await record(id, body, office, headers);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect((await events(id)).map((e) => e.seq)).toEqual([1]);
    });

    it('an event racing another write: the case decided meanwhile, the right changed meanwhile, a fault', async () => {
      const { id, number } = await patentOfA();
      // B claims A's number; the office decides the case for the holder while a decision for the claimant is on its way.
      const claim = await portal.call('POST', `/enterprises/${B}/assets`, {
        as: asEnterprise(B),
        body: patentInput(number),
      });
      const caseId = claim.body.ownershipCaseId as string;
      const cases = new OwnershipCaseRepository(uc.store);
      const open = await cases.get(caseId);
      expect(open?.status).toBe('open');
      const forHolder = await portal.call('POST', `/ownership-cases/${caseId}/decide`, {
        as: office,
        body: { outcome: 'holder', reference: '裁决 1' },
      });
      expect(forHolder.status).toBe(200);
      const late = await refusal(
        recordLegalEvent(
          uc,
          OFFICE,
          { assetId: id, input: { type: 'transferred', date: '2026-11-27', toUscc: B, reference: '裁决 2' } },
          undefined,
          [
            cases.decide(open!, {
              ...open!,
              status: 'decided',
              outcome: 'claimant',
              reference: '裁决 2',
              decidedAt: NOW,
            }),
          ],
        ),
      );
      expect(late.kind).toBe('conflict');
      expect(late.message).toBe('The ownership case was decided meanwhile; reload.');
      expect((await read(id)).body.owner).toBe(A);
      expect(await events(id)).toEqual([]);

      const changed = await refusal(
        recordLegalEvent(
          racing(() => bumpVersion(id)),
          OFFICE,
          { assetId: id, input: { type: 'lapsed', date: '2026-11-27' } },
        ),
      );
      expect(changed.kind).toBe('conflict');
      expect(changed.message).toBe(
        'The right changed while the event was being recorded (a pledge, another event); reload and retry.',
      );
      const fault = new Error('the network is down');
      await expect(
        recordLegalEvent(faulty(fault), OFFICE, {
          assetId: id,
          input: { type: 'lapsed', date: '2026-11-27' },
        }),
      ).rejects.toBe(fault);
      expect(await events(id)).toEqual([]);
    });
  });

  describe('verification', () => {
    it('the office verifies a right: who, when, from what; the version moves', async () => {
      const { id } = await patentOfA();
      const verified = await portal.call('POST', `/assets/${id}/verification`, {
        as: office,
        body: { source: 'document', reference: 'D-2026-7' },
      });
      expect(verified.status).toBe(200);
      expect(verified.headers.get('etag')).toBe('"2"');
      expect(verified.body.verification).toEqual({
        on: '2026-11-27',
        source: 'document',
        reference: 'D-2026-7',
        by: 'local-ipoffice',
      });
      expect(verified.body).toMatchObject({ version: 2, updatedAt: NOW });
      expect((await read(id)).body.verification).toEqual(verified.body.verification);

      const none = await portal.call('POST', '/assets/no-such-asset/verification', {
        as: office,
        body: { source: 'registry', reference: 'x' },
      });
      expect(none.status).toBe(404);
      expect(none.body.detail).toBe('Asset no-such-asset was not found.');

      const raced = await refusal(
        verifyAsset(
          racing(() => bumpVersion(id)),
          OFFICE,
          { assetId: id, source: 'registry', reference: 'R' },
        ),
      );
      expect(raced.kind).toBe('conflict');
      expect(raced.message).toBe('The right changed meanwhile; reload and retry.');
      const fault = new Error('the network is down');
      await expect(
        verifyAsset(faulty(fault), OFFICE, { assetId: id, source: 'registry', reference: 'R' }),
      ).rejects.toBe(fault);
      expect((await read(id)).body).toMatchObject({ version: 3, verification: { reference: 'D-2026-7' } });
    });
  });

  describe('co-owner consents', () => {
    const consentPath = (id: string, uscc: string) => `/assets/${id}/co-owner-consents/${uscc}`;
    const give = (
      id: string,
      uscc: string,
      as: { role: 'enterprise' | 'ipoffice'; org?: string },
      body = {},
      headers = {},
    ) => portal.call('PUT', consentPath(id, uscc), { as, body, headers });
    const revoke = (
      id: string,
      uscc: string,
      as: { role: 'enterprise' | 'ipoffice'; org?: string },
      headers = {},
    ) => portal.call('DELETE', consentPath(id, uscc), { as, headers });

    it('a co-owner gives and withdraws its own consent; the office records one from its document; the owner may not', async () => {
      const { id } = await patentOfA([B, C]);
      const notYet = await revoke(id, B, asEnterprise(B));
      expect(notYet.status).toBe(404);
      expect(notYet.body.detail).toBe(`A consent of ${B} on asset ${id} was not found.`);

      const byOwner = await give(id, B, asEnterprise(A));
      expect(byOwner.status).toBe(403);
      expect(byOwner.body.detail).toBe(
        `A consent of ${B} is given by ${B}’s own users, or recorded by the IP office from its document.`,
      );
      expect((await give(id, C, asEnterprise(B))).status).toBe(403);
      const byStranger = await give(id, B, asEnterprise(D));
      expect(byStranger.status).toBe(404);
      expect(byStranger.body.detail).toBe(`Asset ${id} was not found.`);
      const none = await give('no-such-asset', B, office, { documentRef: 'doc' });
      expect(none.status).toBe(404);
      expect(none.body.detail).toBe('Asset no-such-asset was not found.');
      const notCoOwner = await give(id, D, asEnterprise(B));
      expect(notCoOwner.status).toBe(422);
      expect(notCoOwner.body.detail).toBe(`${D} is not a co-owner of asset ${id}.`);
      expect(notCoOwner.body.errors).toEqual([
        { path: 'param.uscc', code: 'not_a_co_owner', message: 'is not listed in the asset’s coOwners' },
      ]);
      const noDocument = await give(id, C, office);
      expect(noDocument.status).toBe(422);
      expect(noDocument.body.detail).toBe('The IP office records a consent from the document it holds.');
      expect(noDocument.body.errors).toEqual([
        {
          path: 'documentRef',
          code: 'document_ref_required',
          message: 'the consent document’s reference is required',
        },
      ]);
      expect((await give(id, B, asEnterprise(B), {}, { 'If-Match': '"7"' })).status).toBe(412);
      expect((await read(id)).body).toMatchObject({ version: 1, coOwnerConsents: {} });

      const given = await give(id, B.toLowerCase(), asEnterprise(B));
      expect(given.status, JSON.stringify(given.body)).toBe(201);
      expect(given.headers.get('etag')).toBe('"2"');
      expect(given.body).toEqual({
        assetId: id,
        uscc: B,
        recordedAt: NOW,
        recordedBy: `local-enterprise-${B}`,
        recordedByRole: 'enterprise',
        assetVersion: 2,
      });
      const again = await give(id, B, asEnterprise(B), {}, { 'If-Match': '"2"' });
      expect(again.status).toBe(200);
      expect(again.body.assetVersion).toBe(3);
      const fromDocument = await give(id, C, office, { documentRef: '同意书 2026-5' });
      expect(fromDocument.status).toBe(201);
      expect(fromDocument.body).toMatchObject({
        uscc: C,
        recordedBy: 'local-ipoffice',
        recordedByRole: 'ipoffice',
        documentRef: '同意书 2026-5',
        assetVersion: 4,
      });
      const stored = await read(id);
      expect(stored.body.version).toBe(4);
      expect(Object.keys(stored.body.coOwnerConsents).sort()).toEqual([B, C].sort());
      expect(stored.body.coOwnerConsents[C]).toMatchObject({
        recordedBy: 'local-ipoffice',
        documentRef: '同意书 2026-5',
      });

      const withdrawn = await revoke(id, B, asEnterprise(B));
      expect(withdrawn.status).toBe(204);
      expect(withdrawn.headers.get('etag')).toBe('"5"');
      expect(Object.keys((await read(id)).body.coOwnerConsents)).toEqual([C]);
      expect((await revoke(id, C, asEnterprise(B))).status).toBe(403);
      const byOffice = await revoke(id, C, office);
      expect(byOffice.status).toBe(204);
      expect((await read(id)).body).toMatchObject({ version: 6, coOwnerConsents: {} });
    });

    it('a consent cannot be withdrawn while a pledge holds the right', async () => {
      const { id } = await patentOfA([B]);
      expect((await give(id, B, asEnterprise(B))).status).toBe(201);
      const applied = await f.apply(A, { lenderId: BANK, assetIds: [id] });
      expect(applied.status, JSON.stringify(applied.body)).toBe(201);
      const held = await revoke(id, B, asEnterprise(B));
      expect(held.status).toBe(409);
      expect(held.body.detail).toBe(
        `Pledge ${applied.body.id} holds the asset; the consent cannot be revoked while it does.`,
      );
      expect(held.body.pledgeId).toBe(applied.body.id);
      expect(Object.keys((await read(id)).body.coOwnerConsents)).toEqual([B]);
    });

    it('a consent racing another write: gone, changed (409, or 412 at If-Match), pledged meanwhile; a fault', async () => {
      const gone = await patentOfA([B]);
      const vanished = await refusal(
        recordConsent(
          racing(() => removeAsset(gone.id)),
          CO_OWNER,
          { assetId: gone.id, uscc: B },
        ),
      );
      expect(vanished.kind).toBe('not_found');
      expect(vanished.message).toBe(`Asset ${gone.id} was not found.`);

      const { id } = await patentOfA([B]);
      const changed = await refusal(
        recordConsent(
          racing(() => bumpVersion(id)),
          CO_OWNER,
          { assetId: id, uscc: B },
        ),
      );
      expect(changed.kind).toBe('conflict');
      expect(changed.message).toBe('The asset was changed concurrently; reload and retry.');
      const stale = await refusal(
        recordConsent(
          racing(() => bumpVersion(id)),
          CO_OWNER,
          { assetId: id, uscc: B, expectedVersion: 2 },
        ),
      );
      expect(stale.kind).toBe('precondition_failed');
      expect(stale.extra.currentVersion).toBe(3);
      const fault = new Error('the network is down');
      await expect(recordConsent(faulty(fault), CO_OWNER, { assetId: id, uscc: B })).rejects.toBe(fault);

      expect((await give(id, B, asEnterprise(B))).status).toBe(201); // version 4
      // A pledge application takes hold of the right (and moves its version) while the revocation is on its way.
      const pledging = await refusal(
        revokeConsent(
          racing(async () => {
            expect((await f.apply(A, { lenderId: BANK, assetIds: [id] })).status).toBe(201);
          }),
          CO_OWNER,
          { assetId: id, uscc: B },
        ),
      );
      expect(pledging.kind).toBe('conflict');
      expect(pledging.message).toBe('The asset was changed concurrently; reload and retry.');
      expect(Object.keys((await read(id)).body.coOwnerConsents)).toEqual([B]);

      // A hold written without moving the version (no writer does so today): the refusal still names the hold.
      const quiet = await patentOfA([B]);
      expect((await give(quiet.id, B, asEnterprise(B))).status).toBe(201);
      const held = await refusal(
        revokeConsent(
          racing(() => setOnAsset(quiet.id, 'SET encumbrance = :e', { ':e': { pledgeId: 'pl-quiet' } })),
          CO_OWNER,
          { assetId: quiet.id, uscc: B, expectedVersion: 2 },
        ),
      );
      expect(held.kind).toBe('conflict');
      expect(held.message).toBe(
        'A pledge holds the asset; a co-owner consent cannot be revoked while it does.',
      );
    });
  });
});
