import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfDeclaration } from '../../scripts/sample-pdf.js';
import type { Actor } from '../../shared/domain/actor.js';
import { type DocumentSubject, objectKeyOf } from '../../shared/domain/document.js';
import { aggregateKey, documentLinkKey } from '../../shared/store/keys.js';
import { ConditionsFailed } from '../../shared/store/toolkit.js';
import { startChecklist } from '../../shared/usecases/checklists.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import {
  completeDocument,
  declareDocument,
  deleteDocument,
  getDocument,
  listDocuments,
  recordScanResult,
} from '../../shared/usecases/documents.js';
import type { ObjectStorage } from '../../shared/usecases/object-storage.js';
import { decideOrgClaim, fileOrgClaim } from '../../shared/usecases/org-claims.js';
import { pdfBytes } from '../support/documents.js';
import {
  activePolicy,
  approvedPledge,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { interleavingClient } from '../support/interleave.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedEvents, storedItem } from '../support/stored-items.js';

/**
 * The document use cases called directly on one world holding a subject of every kind: who may declare on which
 * subject (and the 404 an outsider gets), the record `declare` writes, `complete`'s verdicts and their boundaries,
 * downloads with and without a malware scanner, the checklists, deletion and its race with the subject, and scan
 * results. The presigned flow over HTTP is in documents.test.ts; here the bytes are put into the bucket directly.
 */
const identity = (sub: string) => ({ sub, email: `${sub}@example.com`, emailVerified: true, name: null });

describe('document use cases', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;
  /** The same portal where a malware scanner runs. */
  let scannedUc: UseCaseContext;
  let p: Parties;
  let now = new Date('2026-12-04T02:00:00.000Z');
  const gets: { key: string; download: unknown }[] = [];
  const subjects = {} as Record<
    'pledge' | 'policy' | 'claim' | 'designation' | 'enterprise' | 'org_claim',
    DocumentSubject
  >;
  const holder = (): Actor => ({ role: 'enterprise', org: p.holder, sub: 'holder-cfo' });
  const other = (): Actor => ({ role: 'enterprise', org: p.other, sub: 'other-cfo' });
  const insurer = (): Actor => ({ role: 'insurer', org: p.insurer, sub: 'adjuster' });
  const lender = (): Actor => ({ role: 'lender', org: p.lender, sub: 'officer' });
  const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'clerk' };
  const newcomer: Actor = { role: 'enterprise', org: null, sub: 'newcomer-1' };

  const declare = (
    actor: Actor,
    subject: DocumentSubject,
    bytes = pdfBytes('doc'),
    kind = 'other',
    ctx = uc,
  ) => declareDocument(ctx, actor, pdfDeclaration(kind, subject, bytes, '合同.pdf'));
  const put = (id: string, bytes: Uint8Array) =>
    portal.deps.storage!.write(objectKeyOf(id), bytes, 'application/pdf');
  /** Declared, put and completed: the document's id. */
  const available = async (actor: Actor, subject: DocumentSubject, kind = 'other', ctx = uc) => {
    const bytes = pdfBytes(`${kind} ${subject.id}`);
    const doc = await declare(actor, subject, bytes, kind, ctx);
    await put(doc.id, bytes);
    await completeDocument(ctx, actor, { id: doc.id });
    return doc.id;
  };
  const refused = async (p: Promise<unknown>) => {
    const e = await refusal(p);
    return { kind: e.kind, message: e.message, ...(e.extra.errors ? { errors: e.extra.errors } : {}) };
  };

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => now });
    const real = portal.deps.storage!;
    const recording = (scanned: boolean): ObjectStorage => ({
      scanned,
      presignPut: (key, upload) => real.presignPut(key, upload),
      presignGet: async (key, download) => {
        gets.push({ key, download });
        return real.presignGet(key, download);
      },
      read: (key, max) => real.read(key, max),
      write: (key, bytes, type) => real.write(key, bytes, type),
      remove: (key) => real.remove(key),
    });
    uc = useCaseContext({ ...portal.deps, storage: recording(false) });
    scannedUc = useCaseContext({ ...portal.deps, storage: recording(true) });
    p = await setupParties(portal);
    const tm = await trademark(portal, p.holder);
    const pledgeAsset = await trademark(portal, p.holder);
    const [pledge, policy] = await Promise.all([
      approvedPledge(portal, p.holder, p.lender, pledgeAsset),
      activePolicy(portal, p, [tm]),
    ]);
    const claim = await portal.call('POST', `/policies/${policy}/claims`, {
      as: { role: 'enterprise', org: p.holder },
      body: {
        line: 'enforcement_cost',
        claimedFen: 500_000,
        incidentDate: '2026-05-10',
        description: 'Counterfeits',
      },
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    const designation = await portal.call('POST', '/designations', {
      as: { role: 'ipoffice' },
      body: { uscc: p.holder, level: 'provincial_advantage', year: 2025 },
    });
    expect(designation.status, JSON.stringify(designation.body)).toBe(201);
    const orgClaim = await fileOrgClaim(uc, identity('newcomer-1'), false, { uscc: p.coOwner });
    Object.assign(subjects, {
      pledge: { kind: 'pledge', id: pledge },
      policy: { kind: 'policy', id: policy },
      claim: { kind: 'claim', id: claim.body.id },
      designation: { kind: 'designation', id: designation.body.id },
      enterprise: { kind: 'enterprise', id: p.holder },
      org_claim: { kind: 'org_claim', id: orgClaim.id },
    });
  });

  describe('declare', () => {
    it('writes the record whole: the uploader, the upload deadline, the scan state and the audience', async () => {
      const bytes = pdfBytes('whole');
      const doc = await declare(holder(), subjects.pledge, bytes, 'pledge_contract');
      const record = await storedItem(
        portal,
        aggregateKey('document', doc.id).pk,
        aggregateKey('document', doc.id).sk,
      );
      expect(record).toMatchObject({
        status: 'pending_upload',
        kind: 'pledge_contract',
        subject: subjects.pledge,
        uploadedBy: { role: 'enterprise', org: p.holder },
        uploadExpiresAt: new Date(now.getTime() + 15 * 60 * 1000).toISOString(),
        scanStatus: 'not_scanned',
        audience: [`enterprise:${p.holder}`, `lender:${p.lender}`],
        version: 1,
      });
      expect((record!.uploadedBy as { sub?: string }).sub).toBeUndefined();
      expect(doc).not.toHaveProperty('audience');
      const [event] = await storedEvents(portal, aggregateKey('document', doc.id).pk);
      expect(event).toMatchObject({
        type: 'document.declared',
        data: {
          kind: 'pledge_contract',
          subject: subjects.pledge,
          fileName: '合同.pdf',
          sizeBytes: bytes.length,
        },
        audience: [`enterprise:${p.holder}`, `lender:${p.lender}`],
      });
      const link = documentLinkKey(subjects.pledge, doc.id);
      expect(await storedItem(portal, link.pk, link.sk)).toMatchObject({
        status: 'pending_upload',
        version: 1,
      });
    });

    it('a newcomer is kept by its identity; where a scanner runs the scan is pending', async () => {
      const doc = await declare(
        newcomer,
        subjects.org_claim,
        pdfBytes('licence'),
        'business_licence',
        scannedUc,
      );
      expect([doc.uploadedBy, doc.scanStatus]).toEqual([
        { role: 'enterprise', org: null, sub: 'newcomer-1' },
        'pending',
      ]);
      const office = await declare(OFFICE, subjects.enterprise);
      expect(office.uploadedBy).toEqual({ role: 'ipoffice', org: null, sub: 'clerk' });
    });

    it("an enterprise's documents are filed under its USCC in capitals, for it alone", async () => {
      const doc = await declare(holder(), { kind: 'enterprise', id: p.holder.toLowerCase() });
      expect(doc.subject).toEqual({ kind: 'enterprise', id: p.holder });
      const record = await storedItem(
        portal,
        aggregateKey('document', doc.id).pk,
        aggregateKey('document', doc.id).sk,
      );
      expect(record!.audience).toEqual([`enterprise:${p.holder}`]);
    });

    it('each subject takes documents from its parties; anyone else is told it does not exist', async () => {
      const ok: [Actor, keyof typeof subjects][] = [
        [holder(), 'pledge'],
        [lender(), 'pledge'],
        [OFFICE, 'pledge'],
        [holder(), 'policy'],
        [insurer(), 'policy'],
        [holder(), 'claim'],
        [insurer(), 'claim'],
        [holder(), 'designation'],
        [OFFICE, 'designation'],
        [holder(), 'enterprise'],
        [OFFICE, 'enterprise'],
        [newcomer, 'org_claim'],
        [OFFICE, 'org_claim'],
      ];
      for (const [actor, kind] of ok)
        expect((await declare(actor, subjects[kind])).status, `${actor.role} on ${kind}`).toBe(
          'pending_upload',
        );
      const outsiders: [Actor, keyof typeof subjects][] = [
        [other(), 'pledge'],
        [insurer(), 'pledge'],
        [other(), 'policy'],
        [lender(), 'policy'],
        [other(), 'claim'],
        [other(), 'designation'],
        [lender(), 'designation'],
        [other(), 'enterprise'],
        [lender(), 'enterprise'],
        [{ role: 'enterprise', org: null, sub: 'newcomer-2' }, 'org_claim'],
        [holder(), 'org_claim'],
      ];
      for (const [actor, kind] of outsiders)
        expect(await refused(declare(actor, subjects[kind])), `${actor.role} on ${kind}`).toEqual({
          kind: 'not_found',
          message: `${kind.replace('_', ' ')} ${subjects[kind].id} was not found.`,
        });
      expect(await refused(declare(OFFICE, { kind: 'enterprise', id: '91330782MA2Z99999X' }))).toEqual({
        kind: 'not_found',
        message: 'enterprise 91330782MA2Z99999X was not found.',
      });
    });

    it('the office reads a policy’s and a claim’s documents but does not add to them', async () => {
      for (const kind of ['policy', 'claim'] as const)
        expect(await refused(declare(OFFICE, subjects[kind]))).toEqual({
          kind: 'forbidden',
          message: `You may read the documents of this ${kind} but not add to them.`,
        });
    });
  });

  describe('complete', () => {
    it('only the uploader completes; nothing uploaded is a 422 that changes nothing, until the URL expires', async () => {
      const doc = await declare(holder(), subjects.pledge);
      expect(await refused(completeDocument(uc, lender(), { id: doc.id }))).toEqual({
        kind: 'forbidden',
        message: 'Only the uploader may complete this document.',
      });
      const missing = {
        kind: 'unprocessable',
        message: 'Nothing has been uploaded for this document yet: PUT the file to its upload URL first.',
        errors: [{ path: 'id', code: 'upload_missing', message: 'no file has been uploaded yet' }],
      };
      expect(await refused(completeDocument(uc, holder(), { id: doc.id }))).toEqual(missing);
      const declaredAt = now;
      try {
        now = new Date(declaredAt.getTime() + 15 * 60 * 1000);
        expect(await refused(completeDocument(uc, holder(), { id: doc.id }))).toEqual(missing);
        now = new Date(declaredAt.getTime() + 15 * 60 * 1000 + 1);
        const expired = {
          kind: 'unprocessable',
          message: 'The upload was rejected: The upload URL expired before a file arrived.',
          errors: [
            {
              path: 'file',
              code: 'upload_expired',
              message: 'The upload URL expired before a file arrived.',
            },
          ],
        };
        expect(await refused(completeDocument(uc, holder(), { id: doc.id }))).toEqual(expired);
        // The verdict is kept: completing again answers the same.
        expect(await refused(completeDocument(uc, holder(), { id: doc.id }))).toEqual(expired);
      } finally {
        now = declaredAt;
      }
      const events = await storedEvents(portal, aggregateKey('document', doc.id).pk);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        ['document.declared', expect.any(Object)],
        [
          'document.rejected',
          { code: 'upload_expired', reason: 'The upload URL expired before a file arrived.' },
        ],
      ]);
    });

    it('other bytes than declared: rejected, and the object deleted', async () => {
      const doc = await declare(holder(), subjects.pledge, pdfBytes('declared'));
      await put(doc.id, pdfBytes('something else entirely'));
      const verdict = await refused(completeDocument(uc, holder(), { id: doc.id }));
      expect(verdict).toMatchObject({
        kind: 'unprocessable',
        errors: [{ path: 'file', code: 'size_mismatch' }],
      });
      expect(verdict.message).toMatch(/^The upload was rejected: ./);
      expect(await portal.deps.storage!.read(objectKeyOf(doc.id), 100)).toBeUndefined();
    });

    it('accepts the declared bytes with the type they are; completing again answers the same', async () => {
      const bytes = pdfBytes('accepted');
      const doc = await declare(holder(), subjects.pledge, bytes);
      await put(doc.id, bytes);
      const view = await completeDocument(uc, holder(), { id: doc.id });
      expect([view.status, view.detectedType, view.version]).toEqual(['available', 'application/pdf', 2]);
      expect(view).not.toHaveProperty('objectVersion');
      expect(await completeDocument(uc, holder(), { id: doc.id })).toEqual(view);
      const events = await storedEvents(portal, aggregateKey('document', doc.id).pk);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        ['document.declared', expect.any(Object)],
        ['document.available', { detectedType: 'application/pdf' }],
      ]);
      const link = documentLinkKey(subjects.pledge, doc.id);
      expect(await storedItem(portal, link.pk, link.sk)).toMatchObject({ status: 'available', version: 2 });
    });
  });

  describe('read and list', () => {
    it('a download for the parties once available, named and typed, valid five minutes', async () => {
      const id = await available(holder(), subjects.pledge);
      gets.length = 0;
      const read = await getDocument(uc, lender(), id);
      expect(read.download).toEqual({
        url: expect.any(String),
        expiresAt: new Date(now.getTime() + 5 * 60 * 1000).toISOString(),
      });
      expect(gets).toEqual([
        {
          key: objectKeyOf(id),
          download: {
            fileName: '合同.pdf',
            contentType: 'application/pdf',
            signedAt: now,
            expiresInSeconds: 300,
          },
        },
      ]);
      const pending = await declare(holder(), subjects.pledge);
      expect(await getDocument(uc, holder(), pending.id)).not.toHaveProperty('download');
    });

    it('an outsider, or a deleted document, is told the document does not exist', async () => {
      const id = await available(holder(), subjects.pledge);
      for (const actor of [other(), insurer()])
        expect(await refused(getDocument(uc, actor, id))).toEqual({
          kind: 'not_found',
          message: `Document ${id} was not found.`,
        });
      await deleteDocument(uc, holder(), { id });
      expect(await refused(getDocument(uc, holder(), id))).toEqual({
        kind: 'not_found',
        message: `Document ${id} was not found.`,
      });
      expect(await refused(getDocument(uc, holder(), 'no-such-document'))).toEqual({
        kind: 'not_found',
        message: 'Document no-such-document was not found.',
      });
    });

    it('with a scanner only a clean file is handed out; without one, anything not found unsafe', async () => {
      const id = await available(holder(), subjects.enterprise);
      const download = async (ctx: UseCaseContext) => 'download' in (await getDocument(ctx, holder(), id));
      expect([await download(uc), await download(scannedUc)]).toEqual([true, false]);
      await recordScanResult(uc, { objectKey: objectKeyOf(id), result: 'clean' });
      expect([await download(uc), await download(scannedUc)]).toEqual([true, true]);
      for (const result of ['infected', 'failed'] as const) {
        await recordScanResult(uc, { objectKey: objectKeyOf(id), result });
        expect([await download(uc), await download(scannedUc)], result).toEqual([false, false]);
      }
    });

    it("a subject's documents with what each step still needs", async () => {
      const claimDocs = await listDocuments(uc, insurer(), subjects.claim);
      expect(claimDocs.checklists).toEqual([
        { action: 'pay', needs: ['claim_evidence'], missing: ['claim_evidence'] },
        { action: 'settle', needs: ['claim_evidence'], missing: ['claim_evidence'] },
      ]);
      await available(holder(), subjects.claim, 'claim_evidence');
      const after = await listDocuments(uc, insurer(), subjects.claim);
      expect(after.checklists.map((c) => c.missing)).toEqual([[], []]);
      expect(after.items.map((d) => [d.kind, d.status])).toContainEqual(['claim_evidence', 'available']);
      // Where a scanner runs, a file never scanned does not count.
      expect(
        (await listDocuments(scannedUc, insurer(), subjects.claim)).checklists.map((c) => c.missing),
      ).toEqual([['claim_evidence'], ['claim_evidence']]);
      expect((await listDocuments(uc, holder(), subjects.policy)).checklists).toEqual([]);
      const pledgeLists = await listDocuments(uc, lender(), subjects.pledge);
      expect(pledgeLists.checklists.map((c) => [c.action, c.needs])).toEqual([
        ['register', ['pledge_contract', 'registration_form', 'identity_proof', 'appraisal_report']],
      ]);
      expect(await refused(listDocuments(uc, other(), subjects.pledge))).toEqual({
        kind: 'not_found',
        message: `pledge ${subjects.pledge.id} was not found.`,
      });
    });
  });

  describe('checklists', () => {
    it('a step counts only usable documents, and a document deleted meanwhile fails its hold', async () => {
      const subject = { kind: 'claim' as const, id: subjects.claim.id };
      await available(holder(), subject, 'claim_evidence');
      const checklist = await startChecklist(uc, 'claim.pay', subject);
      const holds = checklist.writes();
      expect(holds.map((h) => h.tag)).toEqual(['checklist']);
      const scannedChecklist = await startChecklist(scannedUc, 'claim.pay', subject);
      expect(await refused(Promise.resolve().then(() => scannedChecklist.writes()))).toMatchObject({
        kind: 'unprocessable',
        errors: [{ path: 'documents', code: 'document_missing' }],
      });
      // Every claim_evidence on the claim goes: the hold taken before must now fail.
      for (const d of (await listDocuments(uc, holder(), subject)).items)
        if (d.status !== 'deleted' && d.uploadedBy.org === p.holder)
          await deleteDocument(uc, holder(), { id: d.id });
      const failure = await uc.store.transact(holds).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ConditionsFailed);
      expect(checklist.onFailed(failure as ConditionsFailed)?.message).toBe(
        'A document this step needs changed meanwhile; reload and retry.',
      );
      const unrelated = await uc.store
        .transact([
          {
            tag: 'other',
            write: uc.store.check(aggregateKey('claim', subject.id), {
              expression: 'attribute_not_exists(pk)',
            }),
          },
        ])
        .catch((e: unknown) => e);
      expect(checklist.onFailed(unrelated as ConditionsFailed)).toBeUndefined();
    });
  });

  describe('delete', () => {
    it('only the uploader deletes; the record, its link and the object go', async () => {
      const id = await available(holder(), subjects.pledge);
      expect(await refused(deleteDocument(uc, lender(), { id }))).toEqual({
        kind: 'forbidden',
        message: 'Only the uploader may delete this document.',
      });
      await deleteDocument(uc, holder(), { id });
      const link = documentLinkKey(subjects.pledge, id);
      expect(await storedItem(portal, link.pk, link.sk)).toBeUndefined();
      expect(await portal.deps.storage!.read(objectKeyOf(id), 100)).toBeUndefined();
    });

    it('a designation’s or an enterprise’s documents may go at any time', async () => {
      for (const kind of ['designation', 'enterprise'] as const) {
        const id = await available(holder(), subjects[kind]);
        await deleteDocument(uc, holder(), { id });
        expect(await refused(getDocument(uc, holder(), id))).toMatchObject({ kind: 'not_found' });
      }
    });

    it('a subject that moved on while the deletion was written keeps the document (409)', async () => {
      const id = await available(holder(), subjects.pledge);
      const interleaving = interleavingClient();
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db, storage: uc.storage });
      const key = aggregateKey('pledge', subjects.pledge.id);
      interleaving.beforeNext(() =>
        portal.deps.db.send(
          new UpdateCommand({
            TableName: portal.tableName,
            Key: key,
            UpdateExpression: 'SET #s = :registered',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':registered': 'registered' },
          }),
        ),
      );
      const locked = {
        kind: 'conflict',
        message: 'This pledge has moved on: its documents stay as they were.',
        errors: [{ path: 'id', code: 'document_locked', message: 'the subject keeps its documents now' }],
      };
      try {
        expect(await refused(deleteDocument(raced, holder(), { id }))).toEqual(locked);
        expect((await getDocument(uc, holder(), id)).status).toBe('available');
        // Now registered: refused before any write.
        expect(await refused(deleteDocument(uc, holder(), { id }))).toEqual(locked);
      } finally {
        await portal.deps.db.send(
          new UpdateCommand({
            TableName: portal.tableName,
            Key: key,
            UpdateExpression: 'SET #s = :approved',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':approved': 'approved' },
          }),
        );
      }
    });

    it("an organisation claim's licence stays once the claim is decided", async () => {
      const claim = await fileOrgClaim(uc, identity('newcomer-3'), false, { uscc: p.other });
      const claimant: Actor = { role: 'enterprise', org: null, sub: 'newcomer-3' };
      const subject = { kind: 'org_claim' as const, id: claim.id };
      const id = await available(claimant, subject, 'business_licence');
      await decideOrgClaim(uc, OFFICE, { id: claim.id, action: 'reject', reason: '执照不清晰' });
      expect(await refused(deleteDocument(uc, claimant, { id }))).toEqual({
        kind: 'conflict',
        message: 'This org claim has moved on: its documents stay as they were.',
        errors: [{ path: 'id', code: 'document_locked', message: 'the subject keeps its documents now' }],
      });
      expect(await refused(declare(claimant, subject))).toEqual({
        kind: 'forbidden',
        message: 'You may read the documents of this org claim but not add to them.',
      });
      const record = await storedItem(
        portal,
        aggregateKey('document', id).pk,
        aggregateKey('document', id).sk,
      );
      expect(record!.audience).toEqual([]);
    });
  });

  describe('scan results', () => {
    it('records a new verdict once, on the record and its link; ignores anything else', async () => {
      const id = await available(holder(), subjects.enterprise);
      const record = () =>
        storedItem(portal, aggregateKey('document', id).pk, aggregateKey('document', id).sk);
      const link = documentLinkKey(subjects.enterprise, id);
      const before = await record();
      for (const objectKey of [`other/${id}`, id, 'documents/no-such-document'])
        await recordScanResult(uc, { objectKey, result: 'clean' });
      expect(await record()).toEqual(before);
      await recordScanResult(uc, { objectKey: objectKeyOf(id), result: 'clean' });
      const after = await record();
      expect([after!.scanStatus, after!.version]).toEqual(['clean', (before!.version as number) + 1]);
      expect(await storedItem(portal, link.pk, link.sk)).toMatchObject({
        scanStatus: 'clean',
        version: after!.version,
      });
      const events = await storedEvents(portal, aggregateKey('document', id).pk);
      expect(events.at(-1)).toMatchObject({
        type: 'document.scanned',
        data: { result: 'clean' },
        version: after!.version,
      });
      await recordScanResult(uc, { objectKey: objectKeyOf(id), result: 'clean' });
      expect(await record()).toEqual(after);
    });

    it('a rejected or deleted document keeps its state; a pending one takes the verdict', async () => {
      const rejected = await declare(holder(), subjects.enterprise, pdfBytes('a'));
      await put(rejected.id, pdfBytes('not the same bytes at all'));
      await refusal(completeDocument(uc, holder(), { id: rejected.id }));
      const deleted = await available(holder(), subjects.enterprise);
      await deleteDocument(uc, holder(), { id: deleted });
      const pending = await declare(holder(), subjects.enterprise, pdfBytes('b'), 'other', scannedUc);
      for (const id of [rejected.id, deleted, pending.id])
        await recordScanResult(uc, { objectKey: objectKeyOf(id), result: 'infected' });
      const scanOf = async (id: string) =>
        (await storedItem(portal, aggregateKey('document', id).pk, aggregateKey('document', id).sk))!
          .scanStatus;
      expect([await scanOf(rejected.id), await scanOf(deleted), await scanOf(pending.id)]).toEqual([
        'not_scanned',
        'not_scanned',
        'infected',
      ]);
    });
  });
});
