import { beforeAll, describe, expect, it } from 'vitest';
import { pdfDeclaration } from '../../scripts/sample-pdf.js';
import { objectKeyOf } from '../../shared/domain/document.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { recordScanResult } from '../../shared/usecases/documents.js';
import {
  attachPledgeDocuments,
  declareAndPut,
  PLEDGE_DOCUMENT_KINDS,
  pdfBytes,
  sha256,
  uploadDocument,
} from '../support/documents.js';
import { asEnterprise, asLender, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * Documents through the real presigned flow: the Hono app on DynamoDB Local, the browser's PUT to the local S3
 * server, `complete` reading the bytes back. Every refusal is checked to leave nothing in the bucket or the table.
 */
const A = yiwu('MA2D00001');
const B = yiwu('MA2D00002');
const BANK = 'jinhua-bank';

let portal: TestPortal;
let f: ReturnType<typeof pledgeFixtures>;
/** The clock the portal reads; tests move it. */
let now = new Date();

beforeAll(async () => {
  portal = await createTestPortal({ now: () => now });
  f = pledgeFixtures(portal);
  await Promise.all([
    f.enterprise(A),
    f.enterprise(B),
    f.institution(BANK),
    f.institution('pacific', 'insurer'),
  ]);
});

/** A pledge of A's, approved by the bank: ready for registration but for its documents. */
async function approvedPledge(): Promise<string> {
  const asset = await f.patent(A);
  const applied = await f.apply(A, { assetIds: [asset] });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  const id = applied.body.id as string;
  expect((await f.act(id, 'review', asLender(BANK))).status).toBe(200);
  const approved = await f.act(id, 'approve', asLender(BANK), {
    approvedAmountFen: 100_000_00,
    annualRateBps: 385,
  });
  expect(approved.status).toBe(200);
  return id;
}

/** The office registers the pledge as it stands: not through `f.act`, which first uploads any missing document. */
const registerAsIs = (pledgeId: string, body: unknown) =>
  portal.call('POST', `/pledges/${pledgeId}/register`, { as: office, body });

const stored = (id: string) => portal.deps.storage!.read(objectKeyOf(id), 1024);
const listOf = (
  pledgeId: string,
  as: { role: 'enterprise' | 'lender' | 'insurer' | 'ipoffice'; org?: string },
) => portal.call('GET', `/pledges/${pledgeId}/documents`, { as });

describe('the presigned upload', () => {
  it('uploads, verifies and hands out the very bytes to the parties, and to no one else', async () => {
    const pledgeId = await approvedPledge();
    const bytes = pdfBytes('the pledge contract');
    const id = await uploadDocument(portal, asEnterprise(A), {
      kind: 'pledge_contract',
      subject: { kind: 'pledge', id: pledgeId },
      bytes,
      fileName: '质押合同.pdf',
    });

    const asBank = await portal.call('GET', `/documents/${id}`, { as: asLender(BANK) });
    expect(asBank.status).toBe(200);
    expect(asBank.body).toMatchObject({
      status: 'available',
      kind: 'pledge_contract',
      subject: { kind: 'pledge', id: pledgeId },
      fileName: '质押合同.pdf',
      sizeBytes: bytes.length,
      sha256: sha256(bytes),
      detectedType: 'application/pdf',
      scanStatus: 'not_scanned',
      uploadedBy: { role: 'enterprise', org: A },
    });
    const download = await fetch(asBank.body.download.url);
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    expect(download.headers.get('content-disposition')).toContain(encodeURIComponent('质押合同.pdf'));

    // Another company, an insurer with no part in the loan: the document does not exist for them.
    for (const as of [asEnterprise(B), { role: 'insurer' as const, org: 'pacific' }]) {
      const res = await portal.call('GET', `/documents/${id}`, { as });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('amazonaws');
      expect((await listOf(pledgeId, as)).status).toBe(404);
    }
    expect((await portal.call('GET', `/documents/${id}`, { as: office })).status).toBe(200);
  });

  it('refuses to attach to a subject of another company, and writes nothing', async () => {
    const pledgeId = await approvedPledge();
    const bytes = pdfBytes('intruder');
    const res = await portal.call('POST', '/documents', {
      as: asEnterprise(B),
      body: pdfDeclaration('other', { kind: 'pledge', id: pledgeId }, bytes, 'x.pdf'),
    });
    expect(res.status).toBe(404);
    expect((await listOf(pledgeId, office)).body.items).toEqual([]);
  });

  it('refuses a declaration over 20 MiB or with a malformed digest, each with its field and code', async () => {
    const pledgeId = await approvedPledge();
    const res = await portal.call('POST', '/documents', {
      as: asEnterprise(A),
      body: {
        kind: 'appraisal_report',
        subject: { kind: 'pledge', id: pledgeId },
        fileName: 'big.pdf',
        contentType: 'application/pdf',
        sizeBytes: 20 * 1024 * 1024 + 1,
        sha256: 'ABC',
      },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'sizeBytes', code: 'document_too_large' }),
        expect.objectContaining({ path: 'sha256', code: 'sha256_format' }),
      ]),
    );
    // Exactly 20 MiB is allowed.
    const ok = await portal.call('POST', '/documents', {
      as: asEnterprise(A),
      body: {
        ...pdfDeclaration('appraisal_report', { kind: 'pledge', id: pledgeId }, pdfBytes(), 'big.pdf'),
        sizeBytes: 20 * 1024 * 1024,
      },
    });
    expect(ok.status).toBe(201);
    expect((await listOf(pledgeId, office)).body.items.map((d: { id: string }) => d.id)).toEqual([
      ok.body.id,
    ]);
  });

  const rejections: [string, (bytes: Uint8Array) => Uint8Array, string][] = [
    // Same length, other bytes: the digest no longer matches.
    ['checksum_mismatch', (b) => b.map((x, i) => (i === b.length - 2 ? x ^ 1 : x)), 'checksum'],
    ['size_mismatch', (b) => new Uint8Array([...b, 0x0a]), 'size'],
  ];
  for (const [code, tamper] of rejections)
    it(`rejects an upload whose bytes are not the declared ones (${code}) and deletes them`, async () => {
      const pledgeId = await approvedPledge();
      const declaredBytes = pdfBytes(code);
      const declared = await portal.call('POST', '/documents', {
        as: asEnterprise(A),
        body: pdfDeclaration('pledge_contract', { kind: 'pledge', id: pledgeId }, declaredBytes, 'c.pdf'),
      });
      const { url, headers } = declared.body.upload;
      // The local server checks neither signature nor checksum (S3 does): complete must catch it.
      expect((await fetch(url, { method: 'PUT', headers, body: tamper(declaredBytes) })).status).toBe(200);
      const done = await portal.call('POST', `/documents/${declared.body.id}/complete`, {
        as: asEnterprise(A),
      });
      expect(done.status).toBe(422);
      expect(done.body.errors).toEqual([expect.objectContaining({ path: 'file', code })]);
      expect(await stored(declared.body.id)).toBeUndefined();
      const after = await portal.call('GET', `/documents/${declared.body.id}`, { as: asEnterprise(A) });
      expect(after.body).toMatchObject({ status: 'rejected', rejection: { code } });
      expect(after.body.download).toBeUndefined();
      // Completing again gives the same verdict.
      const again = await portal.call('POST', `/documents/${declared.body.id}/complete`, {
        as: asEnterprise(A),
      });
      expect(again.status).toBe(422);
      expect(again.body.errors[0].code).toBe(code);
    });

  it('rejects bytes that are no PDF, JPEG, PNG or OFD whatever the name and declared type say', async () => {
    const pledgeId = await approvedPledge();
    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const { id, putStatus } = await declareAndPut(portal, asEnterprise(A), {
      kind: 'pledge_contract',
      subject: { kind: 'pledge', id: pledgeId },
      bytes: html,
      fileName: 'contract.pdf',
      contentType: 'application/pdf',
    });
    expect(putStatus).toBe(200);
    const done = await portal.call('POST', `/documents/${id}/complete`, { as: asEnterprise(A) });
    expect(done.status).toBe(422);
    expect(done.body.errors[0]).toMatchObject({ path: 'file', code: 'type_not_allowed' });
    expect(await stored(id)).toBeUndefined();
  });

  it('takes a PNG and tells its type from its bytes', async () => {
    const pledgeId = await approvedPledge();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
    const id = await uploadDocument(portal, asEnterprise(A), {
      kind: 'identity_proof',
      subject: { kind: 'pledge', id: pledgeId },
      bytes: png,
      fileName: 'id-card.pdf',
      contentType: 'application/pdf',
    });
    const res = await portal.call('GET', `/documents/${id}`, { as: asEnterprise(A) });
    expect(res.body).toMatchObject({ detectedType: 'image/png', contentType: 'application/pdf' });
  });

  it('answers 422 upload_missing before the upload, and rejects once the URL has expired', async () => {
    const pledgeId = await approvedPledge();
    const bytes = pdfBytes('late');
    const declared = await portal.call('POST', '/documents', {
      as: asEnterprise(A),
      body: pdfDeclaration('registration_form', { kind: 'pledge', id: pledgeId }, bytes, 'form.pdf'),
    });
    expect(new URL(declared.body.upload.url).searchParams.get('X-Amz-Expires')).toBe('900');
    const early = await portal.call('POST', `/documents/${declared.body.id}/complete`, {
      as: asEnterprise(A),
    });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].code).toBe('upload_missing');
    expect((await portal.call('GET', `/documents/${declared.body.id}`, { as: office })).body.status).toBe(
      'pending_upload',
    );
    const declaredAt = now;
    try {
      now = new Date(declaredAt.getTime() + 15 * 60_000 + 1_000);
      const late = await portal.call('POST', `/documents/${declared.body.id}/complete`, {
        as: asEnterprise(A),
      });
      expect(late.status).toBe(422);
      expect(late.body.errors[0].code).toBe('upload_expired');
    } finally {
      now = new Date();
    }
    expect((await portal.call('GET', `/documents/${declared.body.id}`, { as: office })).body.status).toBe(
      'rejected',
    );
  });

  it('lets only the uploader complete or delete, and deletes the file with the record', async () => {
    const pledgeId = await approvedPledge();
    const { id } = await declareAndPut(portal, asEnterprise(A), {
      kind: 'other',
      subject: { kind: 'pledge', id: pledgeId },
    });
    expect((await portal.call('POST', `/documents/${id}/complete`, { as: asLender(BANK) })).status).toBe(403);
    expect((await portal.call('POST', `/documents/${id}/complete`, { as: asEnterprise(A) })).status).toBe(
      200,
    );
    expect((await portal.call('DELETE', `/documents/${id}`, { as: asLender(BANK) })).status).toBe(403);
    expect((await portal.call('DELETE', `/documents/${id}`, { as: asEnterprise(B) })).status).toBe(404);
    expect(await stored(id)).toBeDefined();
    expect((await portal.call('DELETE', `/documents/${id}`, { as: asEnterprise(A) })).status).toBe(204);
    expect(await stored(id)).toBeUndefined();
    expect((await portal.call('GET', `/documents/${id}`, { as: asEnterprise(A) })).status).toBe(404);
    expect((await listOf(pledgeId, asEnterprise(A))).body.items).toEqual([]);
  });
});

describe('the registration checklist', () => {
  it('names every missing document, registers once all four are there, and keeps them from then on', async () => {
    const pledgeId = await approvedPledge();
    const asApplicant = asEnterprise(A);
    await uploadDocument(portal, asApplicant, {
      kind: 'pledge_contract',
      subject: { kind: 'pledge', id: pledgeId },
    });

    const before = await listOf(pledgeId, asApplicant);
    expect(before.body.checklists).toEqual([
      {
        action: 'register',
        needs: [...PLEDGE_DOCUMENT_KINDS],
        missing: ['registration_form', 'identity_proof', 'appraisal_report'],
      },
    ]);
    const refused = await registerAsIs(pledgeId, { registrationNumber: 'Y2026330000777' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual(
      ['registration_form', 'identity_proof', 'appraisal_report'].map((kind) =>
        expect.objectContaining({ path: 'documents', code: 'document_missing', params: { kind } }),
      ),
    );
    expect((await portal.call('GET', `/pledges/${pledgeId}`, { as: office })).body.status).toBe('approved');

    await attachPledgeDocuments(portal, pledgeId, A);
    expect((await listOf(pledgeId, office)).body.checklists[0].missing).toEqual([]);
    const registered = await registerAsIs(pledgeId, { registrationNumber: 'Y2026330000777' });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);

    const [first] = (await listOf(pledgeId, asApplicant)).body.items;
    const locked = await portal.call('DELETE', `/documents/${first.id}`, { as: asApplicant });
    expect(locked.status).toBe(409);
    expect(locked.body.errors[0].code).toBe('document_locked');
    expect(await stored(first.id)).toBeDefined();
  });

  it('counts no document that was not verified', async () => {
    const pledgeId = await approvedPledge();
    for (const kind of PLEDGE_DOCUMENT_KINDS)
      await declareAndPut(portal, asEnterprise(A), { kind, subject: { kind: 'pledge', id: pledgeId } });
    const refused = await registerAsIs(pledgeId, { registrationNumber: 'Y2026330000778' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { params: { kind: string } }) => e.params.kind)).toEqual([
      ...PLEDGE_DOCUMENT_KINDS,
    ]);
  });

  it('never registers a pledge without a document deleted at the same moment', async () => {
    for (let round = 0; round < 4; round++) {
      const pledgeId = await approvedPledge();
      await attachPledgeDocuments(portal, pledgeId, A);
      const contract = (await listOf(pledgeId, office)).body.items.find(
        (d: { kind: string }) => d.kind === 'pledge_contract',
      );
      const [register, remove] = await Promise.all([
        registerAsIs(pledgeId, { registrationNumber: `Y20263300008${round}0` }),
        portal.call('DELETE', `/documents/${contract.id}`, { as: asEnterprise(A) }),
      ]);
      const pledge = (await portal.call('GET', `/pledges/${pledgeId}`, { as: office })).body;
      const documents = (await listOf(pledgeId, office)).body.items.map((d: { kind: string }) => d.kind);
      if (register.status === 200) {
        expect(remove.status).toBe(409);
        expect(pledge.status).toBe('registered');
        expect(documents).toContain('pledge_contract');
      } else {
        expect(remove.status).toBe(204);
        expect([409, 422]).toContain(register.status);
        expect(pledge.status).toBe('approved');
        expect(documents).not.toContain('pledge_contract');
      }
    }
  });
});

describe('a newcomer’s business licence', () => {
  it('is attached to its organisation claim, seen by the office and no other newcomer, and kept once decided', async () => {
    const as = async (sub: string) => ({
      Authorization: `Bearer ${await portal.identityToken(sub, `${sub}@example.com`)}`,
    });
    const claimant = await as('newcomer-1');
    const filed = await portal.call('POST', '/org-claims', { headers: claimant, body: { uscc: B } });
    expect(filed.status).toBe(201);
    const bytes = pdfBytes('营业执照');
    const declared = await portal.call('POST', '/documents', {
      headers: claimant,
      body: pdfDeclaration(
        'business_licence',
        { kind: 'org_claim', id: filed.body.id },
        bytes,
        '营业执照.pdf',
      ),
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    await fetch(declared.body.upload.url, {
      method: 'PUT',
      headers: declared.body.upload.headers,
      body: bytes,
    });
    const id = declared.body.id as string;
    expect((await portal.call('POST', `/documents/${id}/complete`, { headers: claimant })).status).toBe(200);

    // Another newcomer, the company the claim names, a bank: none of their business.
    const stranger = await as('newcomer-2');
    expect((await portal.call('GET', `/documents/${id}`, { headers: stranger })).status).toBe(404);
    expect(
      (await portal.call('GET', `/org-claims/${filed.body.id}/documents`, { headers: stranger })).status,
    ).toBe(404);
    expect((await portal.call('GET', `/documents/${id}`, { as: asEnterprise(B) })).status).toBe(404);
    // A newcomer reaches nothing else: the subject lists of members are closed to it.
    expect((await portal.call('GET', `/enterprises/${B}/documents`, { headers: claimant })).status).toBe(403);

    const seen = await portal.call('GET', `/org-claims/${filed.body.id}/documents`, { as: office });
    expect(seen.body.items.map((d: { kind: string }) => d.kind)).toEqual(['business_licence']);
    const read = await portal.call('GET', `/documents/${id}`, { as: office });
    expect(new Uint8Array(await (await fetch(read.body.download.url)).arrayBuffer())).toEqual(bytes);

    expect(
      (
        await portal.call('POST', `/org-claims/${filed.body.id}/reject`, {
          as: office,
          body: { reason: '执照不清晰' },
        })
      ).status,
    ).toBe(200);
    const kept = await portal.call('DELETE', `/documents/${id}`, { headers: claimant });
    expect(kept.status).toBe(409);
    expect(kept.body.errors[0].code).toBe('document_locked');
  });
});

describe('where a malware scanner runs', () => {
  it('counts and hands out a document only once its scan is clean, and never an infected one', async () => {
    const local = portal.deps.storage!;
    const scanned = await createTestPortal({ now: () => now, storage: { ...local, scanned: true } });
    const g = pledgeFixtures(scanned);
    await Promise.all([g.enterprise(A), g.institution(BANK)]);
    const asset = await g.patent(A);
    const pledgeId = (await g.apply(A, { assetIds: [asset] })).body.id as string;
    await g.act(pledgeId, 'review', asLender(BANK));
    await g.act(pledgeId, 'approve', asLender(BANK), { approvedAmountFen: 100_000_00, annualRateBps: 385 });
    const ids: Record<string, string> = {};
    for (const kind of PLEDGE_DOCUMENT_KINDS)
      ids[kind] = await uploadDocument(scanned, asEnterprise(A), {
        kind,
        subject: { kind: 'pledge', id: pledgeId },
      });

    const pending = await scanned.call('GET', `/documents/${ids.pledge_contract}`, { as: asEnterprise(A) });
    expect(pending.body).toMatchObject({ status: 'available', scanStatus: 'pending' });
    expect(pending.body.download).toBeUndefined();
    const register = () => g.act(pledgeId, 'register', office, { registrationNumber: 'Y2026330000999' });
    expect((await register()).body.errors).toHaveLength(4);

    // GuardDuty's verdicts, as its result events deliver them (twice for one: a redelivery changes nothing).
    const uc = useCaseContext(scanned.deps);
    for (const kind of PLEDGE_DOCUMENT_KINDS)
      await recordScanResult(uc, {
        objectKey: objectKeyOf(ids[kind]!),
        result: kind === 'appraisal_report' ? 'infected' : 'clean',
      });
    await recordScanResult(uc, { objectKey: objectKeyOf(ids.pledge_contract!), result: 'clean' });
    const contract = await scanned.call('GET', `/documents/${ids.pledge_contract}`, { as: asEnterprise(A) });
    expect(contract.body).toMatchObject({ scanStatus: 'clean', version: 3 });
    expect(contract.body.download.url).toBeDefined();
    const infected = await scanned.call('GET', `/documents/${ids.appraisal_report}`, { as: office });
    expect(infected.body.scanStatus).toBe('infected');
    expect(infected.body.download).toBeUndefined();

    const refused = await register();
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ code: 'document_missing', params: { kind: 'appraisal_report' } }),
    ]);
  });
});
