/**
 * Documents: the contracts, forms, appraisals and evidence a step needs, uploaded by the browser straight to the
 * files bucket through a presigned PUT and verified by `complete` from the stored bytes. A document is seen only by
 * the parties of its subject (and the office); anyone else is told it does not exist.
 */
import { createHash } from 'node:crypto';
import { type Actor, SYSTEM_ACTOR, tenantOf } from '../domain/actor.js';
import type { Designation } from '../domain/designation.js';
import {
  CHECKLISTS,
  type ChecklistAction,
  checkDeclaredUpload,
  DELETABLE_WHILE,
  DOCUMENT_MACHINE,
  DOWNLOAD_URL_SECONDS,
  type DocumentAction,
  type DocumentSubject,
  type DocumentTransitionRow,
  documentEventType,
  isUploader,
  MAX_DOCUMENT_BYTES,
  missingKinds,
  objectKeyOf,
  type PortalDocument,
  type ScanStatus,
  subjectAllowsDeletion,
  UPLOAD_URL_SECONDS,
  verifyStoredBytes,
} from '../domain/document.js';
import { conflict, DomainError, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { maySeeOrgClaim, type OrgClaim } from '../domain/org-claim.js';
import { maySee as maySeePledge, type Pledge } from '../domain/pledge.js';
import { type Claim, mayActOnPolicy, mayReadPolicy, type Policy } from '../domain/policy.js';
import { documentLinksOf, linkItem } from '../store/document-links.js';
import type { IdempotencyRequest } from '../store/idempotency-store.js';
import { aggregateKey, documentLinkKey, enterpriseKey } from '../store/keys.js';
import { ABSENT, type Condition, type Store, type TxItem } from '../store/toolkit.js';
import { CLAIM_SPEC } from './claims.js';
import type { UseCaseContext } from './context.js';
import type { AggregateSpec } from './engine.js';
import { type PresignedUpload, storageOf } from './object-storage.js';
import { PLEDGE_SPEC } from './pledges.js';
import { POLICY_SPEC } from './policies.js';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every transition rewrites the document's link in its subject's partition; a deletion removes it. */
const linkEffects = (before: PortalDocument | null, after: PortalDocument, store: Store): TxItem[] => {
  if (after.status === 'deleted')
    return [{ tag: 'link', write: store.remove(documentLinkKey(after.subject, after.id)) }];
  return [{ tag: 'link', write: store.put(linkItem(after), before ? undefined : ABSENT) }];
};

export const DOCUMENT_SPEC: AggregateSpec<PortalDocument, DocumentAction, DocumentTransitionRow> = {
  kind: 'document',
  noun: 'document',
  machine: DOCUMENT_MACHINE,
  eventType: documentEventType,
  // The use cases check the subject first (404 for outsiders); the engine then lets only the uploader act.
  maySee: isUploader,
  audience: (d) => d.audience,
  indexKeys: () => ({}),
  effects: (before, after, _row, store) => linkEffects(before, after, store),
};

/** What a caller may do with a subject's documents, and who reads their events. */
interface SubjectAccess {
  /** The subject's state, where the rules depend on it (a registered pledge's documents stay). */
  status: string | undefined;
  mayUpload: boolean;
  audience: string[];
}

/** The subject as `actor` may know it: 404 when it does not exist or is none of the actor's business. */
async function subjectAccess(
  uc: UseCaseContext,
  actor: Actor,
  subject: DocumentSubject,
): Promise<SubjectAccess> {
  const missing = () => notFound(`${subject.kind.replace('_', ' ')} ${subject.id}`);
  const office = actor.role === 'ipoffice';
  switch (subject.kind) {
    case 'pledge': {
      const p = await uc.engine.load<Pledge>('pledge', subject.id);
      if (!p || !maySeePledge(actor, p)) throw missing();
      return { status: p.status, mayUpload: true, audience: PLEDGE_SPEC.audience(p) };
    }
    case 'policy': {
      const p = await uc.engine.load<Policy>('policy', subject.id);
      if (!p || !mayReadPolicy(actor, p)) throw missing();
      return { status: p.status, mayUpload: mayActOnPolicy(actor, p), audience: POLICY_SPEC.audience(p) };
    }
    case 'claim': {
      const c = await uc.engine.load<Claim>('claim', subject.id);
      if (!c || !CLAIM_SPEC.maySee(actor, c)) throw missing();
      return {
        status: c.status,
        mayUpload: (CLAIM_SPEC.mayAct ?? CLAIM_SPEC.maySee)(actor, c),
        audience: CLAIM_SPEC.audience(c),
      };
    }
    case 'designation': {
      // Its materials are the applicant's and the office's only, also while the candidacy is in public notice.
      const d = await uc.engine.load<Designation>('designation', subject.id);
      const own = d !== undefined && actor.role === 'enterprise' && actor.org === d.uscc;
      if (!d || !(office || own)) throw missing();
      return { status: d.status, mayUpload: true, audience: [tenantOf({ role: 'enterprise', org: d.uscc })] };
    }
    case 'enterprise': {
      const own = actor.role === 'enterprise' && actor.org === subject.id;
      if (!(office || own) || !(await uc.store.get(enterpriseKey(subject.id)))) throw missing();
      return {
        status: undefined,
        mayUpload: true,
        audience: [tenantOf({ role: 'enterprise', org: subject.id })],
      };
    }
    case 'org_claim': {
      const c = await uc.engine.load<OrgClaim>('org_claim', subject.id);
      if (!c || !maySeeOrgClaim(actor, c)) throw missing();
      return { status: c.status, mayUpload: c.status === 'pending', audience: [] };
    }
  }
}

/** A document as its readers see it (the audience and the object version are the portal's own). */
export type DocumentView = Omit<PortalDocument, 'audience' | 'objectVersion'>;
export const documentView = ({ audience: _a, objectVersion: _v, ...view }: PortalDocument): DocumentView =>
  view;

export type DeclaredDocument = DocumentView & { upload: PresignedUpload };

/** `POST /documents`: the record, pending its upload, and the presigned PUT bound to the declared size and SHA-256. */
export async function declareDocument(
  uc: UseCaseContext,
  actor: Actor,
  input: unknown,
  idempotency?: IdempotencyRequest,
): Promise<DeclaredDocument> {
  const storage = storageOf(uc);
  const declared = checkDeclaredUpload(input);
  const subject =
    declared.subject.kind === 'enterprise'
      ? { ...declared.subject, id: declared.subject.id.toUpperCase() }
      : declared.subject;
  const access = await subjectAccess(uc, actor, subject);
  if (!access.mayUpload)
    throw forbidden(
      `You may read the documents of this ${subject.kind.replace('_', ' ')} but not add to them.`,
    );
  const now = uc.clock.now();
  const at = now.toISOString();
  const doc: PortalDocument = {
    id: uc.newId(),
    status: 'pending_upload',
    kind: declared.kind,
    subject,
    fileName: declared.fileName,
    contentType: declared.contentType,
    sizeBytes: declared.sizeBytes,
    sha256: declared.sha256,
    uploadedBy: {
      role: actor.role,
      org: actor.org,
      ...(actor.org === null && actor.sub ? { sub: actor.sub } : {}),
    },
    uploadExpiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    scanStatus: storage.scanned ? 'pending' : 'not_scanned',
    audience: access.audience,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const upload = await storage.presignPut(objectKeyOf(doc.id), {
    sizeBytes: doc.sizeBytes,
    sha256: doc.sha256,
    contentType: doc.contentType,
    signedAt: now,
    expiresInSeconds: UPLOAD_URL_SECONDS,
  });
  const result: DeclaredDocument = { ...documentView(doc), upload };
  await uc.engine.create(DOCUMENT_SPEC, { actor, action: 'declare', idempotency }, doc, {
    data: { kind: doc.kind, subject: doc.subject, fileName: doc.fileName, sizeBytes: doc.sizeBytes },
    result,
  });
  return result;
}

/** The document, if `actor` is a party of its subject: 404 for anyone else, whatever the document's state. */
async function visibleDocument(uc: UseCaseContext, actor: Actor, id: string) {
  const doc = await uc.engine.load<PortalDocument>('document', id);
  if (!doc || doc.status === 'deleted') throw notFound(`Document ${id}`);
  try {
    return { doc, access: await subjectAccess(uc, actor, doc.subject) };
  } catch (error) {
    // The subject's own 404 would tell an outsider which subject the document belongs to.
    if (error instanceof DomainError && error.kind === 'not_found') throw notFound(`Document ${id}`);
    throw error;
  }
}

const onlyUploader = (actor: Actor, doc: PortalDocument, verb: string) => {
  if (!isUploader(actor, doc)) throw forbidden(`Only the uploader may ${verb} this document.`);
};

/**
 * `POST /documents/{id}/complete`: reads the stored object back and verifies its size, SHA-256 and type by its
 * bytes. A failure deletes the object and leaves the document `rejected` with its reason (422); no object yet is a
 * 422 that changes nothing (the upload may still come), unless the upload URL has expired.
 */
export async function completeDocument(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; expectedVersion?: number | undefined },
): Promise<DocumentView> {
  const storage = storageOf(uc);
  const { doc } = await visibleDocument(uc, actor, req.id);
  onlyUploader(actor, doc, 'complete');
  // Completing again answers as the first time did: the verdict is kept.
  if (doc.status === 'available') return documentView(doc);
  if (doc.status === 'rejected') throw rejected(doc.rejection!);
  const key = objectKeyOf(doc.id);
  const stored = await storage.read(key, MAX_DOCUMENT_BYTES);
  let verdict: ReturnType<typeof verifyStoredBytes> | { ok: false; code: 'upload_expired'; reason: string };
  if (stored) verdict = verifyStoredBytes(doc, stored.bytes, sha256Hex(stored.bytes));
  // S3 refuses a PUT on an expired URL; past that, nothing can arrive any more and the document is rejected.
  else if (uc.clock.now().getTime() > Date.parse(doc.uploadExpiresAt))
    verdict = { ok: false, code: 'upload_expired', reason: 'The upload URL expired before a file arrived.' };
  else
    throw unprocessable(
      'Nothing has been uploaded for this document yet: PUT the file to its upload URL first.',
      {
        errors: [{ path: 'id', code: 'upload_missing', message: 'no file has been uploaded yet' }],
      },
    );

  if (!verdict.ok) {
    if (stored) await storage.remove(key);
    const rejection = { code: verdict.code, reason: verdict.reason };
    await uc.engine.transition(
      DOCUMENT_SPEC,
      { actor, id: doc.id, action: 'reject', expectedVersion: req.expectedVersion },
      () => ({ changes: { rejection }, data: rejection }),
    );
    throw rejected(rejection);
  }
  const { after } = await uc.engine.transition(
    DOCUMENT_SPEC,
    { actor, id: doc.id, action: 'accept', expectedVersion: req.expectedVersion },
    () => ({
      changes: {
        detectedType: verdict.detectedType,
        ...(stored?.versionId ? { objectVersion: stored.versionId } : {}),
      },
      data: { detectedType: verdict.detectedType },
    }),
  );
  return documentView(after);
}

const rejected = (rejection: { code: string; reason: string }) =>
  unprocessable(`The upload was rejected: ${rejection.reason}`, {
    errors: [{ path: 'file', code: rejection.code, message: rejection.reason }],
  });

/** `GET /documents/{id}`: the record and, once available and not found unsafe, a short-lived download URL. */
export async function getDocument(
  uc: UseCaseContext,
  actor: Actor,
  id: string,
): Promise<DocumentView & { download?: { url: string; expiresAt: string } }> {
  const { doc } = await visibleDocument(uc, actor, id);
  const view = documentView(doc);
  if (doc.status !== 'available' || !downloadable(doc.scanStatus, uc.storage?.scanned ?? false)) return view;
  const now = uc.clock.now();
  const url = await storageOf(uc).presignGet(objectKeyOf(doc.id), {
    fileName: doc.fileName,
    contentType: doc.detectedType ?? 'application/octet-stream',
    signedAt: now,
    expiresInSeconds: DOWNLOAD_URL_SECONDS,
    ...(doc.objectVersion ? { versionId: doc.objectVersion } : {}),
  });
  return {
    ...view,
    download: { url, expiresAt: new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString() },
  };
}

/** Where a scanner runs, only a clean file is handed out; where none does, nothing found unsafe is. */
const downloadable = (scan: ScanStatus, scanned: boolean) =>
  scanned ? scan === 'clean' : scan !== 'infected' && scan !== 'failed';

/** `GET /<subject>/{id}/documents`: a subject's documents, and what each of its steps still needs. */
export async function listDocuments(uc: UseCaseContext, actor: Actor, subject: DocumentSubject) {
  await subjectAccess(uc, actor, subject);
  const items = await documentLinksOf(uc.store, subject);
  const scanned = uc.storage?.scanned ?? false;
  const checklists = (Object.keys(CHECKLISTS) as ChecklistAction[])
    .filter((action) => action.startsWith(`${subject.kind}.`))
    .map((action) => ({
      action: action.split('.')[1]!,
      needs: [...CHECKLISTS[action]],
      missing: missingKinds(action, items, scanned),
    }));
  return { items, checklists };
}

/** `DELETE /documents/{id}`: the uploader withdraws its own document while the subject still allows it. */
export async function deleteDocument(
  uc: UseCaseContext,
  actor: Actor,
  req: { id: string; expectedVersion?: number | undefined },
): Promise<void> {
  const { doc, access } = await visibleDocument(uc, actor, req.id);
  onlyUploader(actor, doc, 'delete');
  if (!subjectAllowsDeletion(doc.subject.kind, access.status)) throw locked(doc.subject.kind);
  const allowed = DELETABLE_WHILE[doc.subject.kind];
  await uc.engine.transition(
    DOCUMENT_SPEC,
    { actor, id: doc.id, action: 'delete', expectedVersion: req.expectedVersion },
    () => ({
      // The subject may be moving on meanwhile (a registration): it must still allow the deletion when this
      // commits — or the registration's hold on this document's link fails instead.
      writes: allowed
        ? [{ tag: 'subject', write: uc.store.check(subjectKey(doc.subject), statusIn(allowed)) }]
        : [],
      onFailed: (failure) => (failure.has('subject') ? locked(doc.subject.kind) : undefined),
    }),
  );
  await storageOf(uc).remove(objectKeyOf(doc.id));
}

const locked = (kind: string) =>
  conflict(`This ${kind.replace('_', ' ')} has moved on: its documents stay as they were.`, {
    errors: [{ path: 'id', code: 'document_locked', message: 'the subject keeps its documents now' }],
  });

const subjectKey = (subject: DocumentSubject) =>
  subject.kind === 'enterprise' ? enterpriseKey(subject.id) : aggregateKey(subject.kind, subject.id);

const statusIn = (allowed: readonly string[]): Condition => ({
  expression: `#status IN (${allowed.map((_, i) => `:s${i}`).join(', ')})`,
  names: { '#status': 'status' },
  values: Object.fromEntries(allowed.map((status, i) => [`:s${i}`, status])),
});

/** The malware scanner's verdict on an uploaded object (GuardDuty's result event, deployed). */
export async function recordScanResult(
  uc: UseCaseContext,
  scan: { objectKey: string; result: Exclude<ScanStatus, 'not_scanned' | 'pending'> },
): Promise<void> {
  const id = scan.objectKey.startsWith('documents/') ? scan.objectKey.slice('documents/'.length) : undefined;
  if (!id) return;
  const doc = await uc.engine.load<PortalDocument>('document', id);
  // A rejected or deleted document's object is gone; a repeated delivery of the same verdict changes nothing.
  if (!doc || doc.status === 'rejected' || doc.status === 'deleted' || doc.scanStatus === scan.result) return;
  await uc.engine.operate(
    DOCUMENT_SPEC,
    {
      name: 'scan',
      verb: 'record a scan',
      roles: ['system'],
      from: ['pending_upload', 'available'],
      eventType: 'document.scanned',
    },
    { actor: SYSTEM_ACTOR, id },
    (current, { now }) => {
      // An operation brings no effects: its link is rewritten here, to the very document the engine stores.
      const after = {
        ...current,
        scanStatus: scan.result,
        version: current.version + 1,
        updatedAt: now.toISOString(),
      };
      return {
        changes: { scanStatus: scan.result },
        data: { result: scan.result },
        writes: [{ tag: 'link', write: uc.store.put(linkItem(after)) }],
      };
    },
  );
}
