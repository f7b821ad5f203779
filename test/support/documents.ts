import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Role } from '../../shared/auth/principal.js';
import type { TestPortal } from './portal.js';

/** Documents for the tests, uploaded as a browser would: declare, PUT to the presigned URL, complete. */

type Caller = { role: Role; org?: string | null };

/** A small, well-formed PDF whose text is `label` (so every file has its own bytes and digest). */
export const pdfBytes = (label = 'test'): Uint8Array =>
  new TextEncoder().encode(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface Upload {
  kind: string;
  subject: { kind: string; id: string };
  bytes?: Uint8Array;
  fileName?: string;
  contentType?: string;
}

/** Declares a document and PUTs its bytes; answers the declaration (201 expected) and the PUT's status. */
export async function declareAndPut(portal: TestPortal, as: Caller, upload: Upload) {
  const bytes = upload.bytes ?? pdfBytes(`${upload.kind} ${upload.subject.id}`);
  const declared = await portal.call('POST', '/documents', {
    as,
    body: {
      kind: upload.kind,
      subject: upload.subject,
      fileName: upload.fileName ?? `${upload.kind}.pdf`,
      contentType: upload.contentType ?? 'application/pdf',
      sizeBytes: bytes.length,
      sha256: sha256(bytes),
    },
  });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
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
