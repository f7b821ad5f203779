import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { pdfDeclaration, samplePdf } from '../../scripts/sample-pdf.js';
import type { Role } from '../../shared/auth/principal.js';
import { objectKeyOf } from '../../shared/domain/document.js';
import type { TestPortal } from './portal.js';

/** Documents for the tests, uploaded as a browser would: declare, PUT to the presigned URL, complete. */

type Caller = { role: Role; org?: string | null };

/** A small, well-formed PDF whose text is `label` (so every file has its own bytes and digest). */
export const pdfBytes = (label = 'test'): Uint8Array => samplePdf(label);

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface Upload {
  kind: string;
  subject: { kind: string; id: string };
  bytes?: Uint8Array;
  fileName?: string;
  contentType?: string;
}

/** Declares `upload` (its bytes, or a PDF of its own): the declaration's answer and the bytes. */
async function declare(portal: TestPortal, as: Caller, upload: Upload) {
  const bytes = upload.bytes ?? pdfBytes(`${upload.kind} ${upload.subject.id}`);
  const declared = await portal.call('POST', '/documents', {
    as,
    body: {
      ...pdfDeclaration(upload.kind, upload.subject, bytes, upload.fileName),
      ...(upload.contentType ? { contentType: upload.contentType } : {}),
    },
  });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  return { declared, bytes };
}

/** Declares a document and PUTs its bytes; answers the declaration (201 expected) and the PUT's status. */
export async function declareAndPut(portal: TestPortal, as: Caller, upload: Upload) {
  const { declared, bytes } = await declare(portal, as, upload);
  const put = await fetch(declared.body.upload.url, {
    method: 'PUT',
    headers: declared.body.upload.headers,
    body: bytes,
  });
  return { id: declared.body.id as string, declared: declared.body, putStatus: put.status };
}

/** A document uploaded and verified: its id. */
export async function uploadDocument(portal: TestPortal, as: Caller, upload: Upload): Promise<string> {
  const { id, putStatus } = await declareAndPut(portal, as, upload);
  expect(putStatus).toBe(200);
  const done = await portal.call('POST', `/documents/${id}/complete`, { as });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return id;
}

export const PLEDGE_DOCUMENT_KINDS = [
  'pledge_contract',
  'registration_form',
  'identity_proof',
  'appraisal_report',
] as const;

/** The four documents a pledge's registration needs, uploaded by its applicant. */
export async function attachPledgeDocuments(portal: TestPortal, pledgeId: string, applicant: string) {
  for (const kind of PLEDGE_DOCUMENT_KINDS)
    await uploadDocument(
      portal,
      { role: 'enterprise', org: applicant },
      { kind, subject: { kind: 'pledge', id: pledgeId } },
    );
}

/** A claim's evidence, uploaded by the policy holder (or whoever `as` names). */
export async function attachClaimEvidence(portal: TestPortal, claimId: string, as: Caller) {
  await uploadDocument(portal, as, { kind: 'claim_evidence', subject: { kind: 'claim', id: claimId } });
}

/**
 * Since documents landed, `register` refuses a pledge (422 `document_missing`) unless it has its four documents:
 * the tests that take pledges through registration first give them what a real applicant would upload. Reads the
 * pledge as the office to find its applicant and uploads, as the applicant, only the kinds still missing (so a test
 * that registers twice, or retries, does not pile up documents). A pledge the office cannot see (a test's 404) is
 * left alone: the step itself answers for it.
 */
export async function ensurePledgeDocuments(portal: TestPortal, pledgeId: string) {
  const office = { role: 'ipoffice' as const };
  const pledge = await portal.call('GET', `/pledges/${encodeURIComponent(pledgeId)}`, { as: office });
  if (pledge.status !== 200) return;
  const listed = await portal.call('GET', `/pledges/${encodeURIComponent(pledgeId)}/documents`, {
    as: office,
  });
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  const missing = missingFor(listed.body, 'register');
  for (const kind of missing)
    await provideDocument(
      portal,
      { role: 'enterprise', org: pledge.body.applicant as string },
      { kind, subject: { kind: 'pledge', id: pledgeId } },
    );
}

/**
 * Since documents landed, a claim's `pay` and `settle` refuse (422 `document_missing`) without an available
 * `claim_evidence`: the tests that pay or settle claims first give them their evidence, uploaded by `as` (someone
 * who may act on the claim: the holder, the insurer, or a guarantee claim's beneficiary lender), only when the
 * claim has none yet. A claim `as` cannot see (a test's 404 or 403) is left alone: the step answers for it.
 */
export async function ensureClaimEvidence(portal: TestPortal, claimId: string, as: Caller) {
  const listed = await portal.call('GET', `/claims/${encodeURIComponent(claimId)}/documents`, { as });
  if (listed.status !== 200) return;
  if (missingFor(listed.body, 'pay').length === 0) return;
  await provideDocument(portal, as, { kind: 'claim_evidence', subject: { kind: 'claim', id: claimId } });
}

/**
 * A document uploaded and verified for a test that is about something else. As `uploadDocument` does, but a portal
 * whose clock is pinned away from the wall clock (many tests run on a fixed "today") signs its URLs at that instant,
 * and the local S3 server judges a URL's expiry by the wall clock: there the bytes are written where the PUT would
 * have put them (the declaration, the size and SHA-256 check of `complete` and the document's record are the same).
 */
async function provideDocument(portal: TestPortal, as: Caller, upload: Upload): Promise<string> {
  const skewMs = Math.abs(portal.deps.clock.now().getTime() - Date.now());
  if (skewMs < 5 * 60_000) return uploadDocument(portal, as, upload);
  const { declared, bytes } = await declare(portal, as, upload);
  const id = declared.body.id as string;
  await portal.deps.storage!.write(objectKeyOf(id), bytes, upload.contentType ?? 'application/pdf');
  const done = await portal.call('POST', `/documents/${id}/complete`, { as });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return id;
}

/** The kinds a subject's list says `action` still misses (its checklist, else every kind it needs). */
function missingFor(
  list: { checklists?: { action: string; missing: string[] }[] },
  action: string,
): string[] {
  const checklist = list.checklists?.find((c) => c.action === action);
  if (!checklist) throw new Error(`No ${action} checklist in ${JSON.stringify(list)}`);
  return checklist.missing;
}
