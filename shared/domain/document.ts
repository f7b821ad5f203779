/**
 * Documents (API.md v2 "Documents"): the contracts, forms, appraisals and evidence a step needs.
 * Pure rules only: the declared-upload checks, the type sniffed from the file's own bytes, the checklist per action.
 * No AWS, no HTTP.
 */
import type { Actor } from './actor.js';
import { type FieldIssue, unprocessable, validationError } from './errors.js';
import { StateMachine, type TransitionRow } from './state-machine.js';

export const DOCUMENT_KINDS = [
  'pledge_contract',
  'registration_form',
  'identity_proof',
  'power_of_attorney',
  'appraisal_report',
  'business_licence',
  'claim_evidence',
  'invoice',
  'designation_material',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** What a document belongs to; `org_claim`: a newcomer's claim to its enterprise (its business licence). */
export const DOCUMENT_SUBJECT_KINDS = [
  'pledge',
  'policy',
  'claim',
  'designation',
  'enterprise',
  'org_claim',
] as const;
export type DocumentSubjectKind = (typeof DOCUMENT_SUBJECT_KINDS)[number];
export interface DocumentSubject {
  kind: DocumentSubjectKind;
  id: string;
}

export const DOCUMENT_STATUSES = ['pending_upload', 'available', 'rejected', 'deleted'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
/** `not_scanned` where no malware scanner runs (locally, or a region without GuardDuty Malware Protection for S3). */
export type ScanStatus = 'not_scanned' | 'pending' | 'clean' | 'infected' | 'failed';

/** The types the portal accepts, decided from the bytes, never from the name or the declared content type. */
export const DETECTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'] as const;
export type DetectedType = (typeof DETECTED_TYPES)[number];

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const UPLOAD_URL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export interface DeclaredUpload {
  kind: DocumentKind;
  subject: DocumentSubject;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checks the body of `POST /documents`; every issue names its field, a stable code and the reason. */
export function checkDeclaredUpload(input: unknown): DeclaredUpload {
  const issues: FieldIssue[] = [];
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const kind = body.kind;
  if (typeof kind !== 'string' || !(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
    issues.push({
      path: 'kind',
      code: 'document_kind',
      params: { allowed: DOCUMENT_KINDS.join(', ') },
      message: `kind must be one of ${DOCUMENT_KINDS.join(', ')}.`,
    });
  }
  const subject = (typeof body.subject === 'object' && body.subject !== null ? body.subject : {}) as Record<
    string,
    unknown
  >;
  if (
    typeof subject.kind !== 'string' ||
    !(DOCUMENT_SUBJECT_KINDS as readonly string[]).includes(subject.kind)
  ) {
    issues.push({
      path: 'subject.kind',
      code: 'document_subject_kind',
      params: { allowed: DOCUMENT_SUBJECT_KINDS.join(', ') },
      message: `subject.kind must be one of ${DOCUMENT_SUBJECT_KINDS.join(', ')}.`,
    });
  }
  if (typeof subject.id !== 'string' || subject.id.length === 0 || subject.id.length > 128) {
    issues.push({
      path: 'subject.id',
      code: 'document_subject_required',
      message: 'subject.id is required (at most 128 characters).',
    });
  }
  const fileName = body.fileName;
  if (
    typeof fileName !== 'string' ||
    fileName.trim().length === 0 ||
    fileName.length > 255 ||
    [...fileName].some((ch) => ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20)
  ) {
    issues.push({
      path: 'fileName',
      code: 'file_name_invalid',
      message: 'fileName is required: at most 255 characters, no path separators or control characters.',
    });
  }
  const contentType = body.contentType;
  if (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(contentType)) {
    issues.push({
      path: 'contentType',
      code: 'content_type_invalid',
      message: 'contentType must be a media type such as application/pdf.',
    });
  }
  const sizeBytes = body.sizeBytes;
  if (typeof sizeBytes !== 'number' || !Number.isInteger(sizeBytes) || sizeBytes < 1) {
    issues.push({
      path: 'sizeBytes',
      code: 'size_invalid',
      message: 'sizeBytes must be a positive integer.',
    });
  } else if (sizeBytes > MAX_DOCUMENT_BYTES) {
    issues.push({
      path: 'sizeBytes',
      code: 'document_too_large',
      params: { max: MAX_DOCUMENT_BYTES },
      message: `A document may hold at most ${MAX_DOCUMENT_BYTES} bytes (20 MiB).`,
    });
  }
  const sha256 = body.sha256;
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    issues.push({
      path: 'sha256',
      code: 'sha256_format',
      message: 'sha256 must be 64 lowercase hexadecimal digits.',
    });
  }
  if (issues.length > 0) throw validationError(issues);
  return {
    kind: kind as DocumentKind,
    subject: { kind: subject.kind as DocumentSubjectKind, id: subject.id as string },
    fileName: (fileName as string).trim(),
    contentType: contentType as string,
    sizeBytes: sizeBytes as number,
    sha256: sha256 as string,
  };
}

/** S3's `x-amz-checksum-sha256` is the base64 of the 32 digest bytes, not of the hex text. */
export const sha256HexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0) =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

/**
 * Names of the entries in a ZIP's central directory (read from the end-of-central-directory record),
 * or undefined when the bytes are not a well-formed ZIP. Enough to tell an OFD (a ZIP with `OFD.xml` at its root).
 */
export function zipEntryNames(bytes: Uint8Array): string[] | undefined {
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The EOCD record is 22 bytes plus a comment of up to 65535 bytes.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  let at = view.getUint32(eocd + 16, true);
  if (at + size > eocd) return undefined;
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== 0x02014b50) return undefined;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > eocd) return undefined;
    names.push(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The accepted type the bytes really are, or undefined. The name and the declared type play no part. */
export function sniffDocumentType(bytes: Uint8Array): DetectedType | undefined {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  const names = zipEntryNames(bytes);
  if (names?.includes('OFD.xml')) return 'application/ofd';
  return undefined;
}

export type RejectionCode = 'size_mismatch' | 'checksum_mismatch' | 'type_not_allowed' | 'document_too_large';

/** What `complete` decides from the stored object: the detected type, or the reason it is rejected. */
export function verifyStoredBytes(
  declared: Pick<DeclaredUpload, 'sizeBytes' | 'sha256'>,
  bytes: Uint8Array,
  sha256Hex: string,
): { ok: true; detectedType: DetectedType } | { ok: false; code: RejectionCode; reason: string } {
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    return {
      ok: false,
      code: 'document_too_large',
      reason: `The file holds more than ${MAX_DOCUMENT_BYTES} bytes.`,
    };
  }
  if (bytes.length !== declared.sizeBytes) {
    return {
      ok: false,
      code: 'size_mismatch',
      reason: `The file holds ${bytes.length} bytes, not the declared ${declared.sizeBytes}.`,
    };
  }
  if (sha256Hex !== declared.sha256) {
    return {
      ok: false,
      code: 'checksum_mismatch',
      reason: 'The SHA-256 of the file is not the declared one.',
    };
  }
  const detectedType = sniffDocumentType(bytes);
  if (!detectedType) {
    return {
      ok: false,
      code: 'type_not_allowed',
      reason: 'The file is not a PDF, JPEG, PNG or OFD by its content, whatever its name says.',
    };
  }
  return { ok: true, detectedType };
}

/** The kinds each action needs on its subject (API.md checklist). */
export const CHECKLISTS = {
  'pledge.register': ['pledge_contract', 'registration_form', 'identity_proof', 'appraisal_report'],
  'claim.pay': ['claim_evidence'],
  'claim.settle': ['claim_evidence'],
} as const satisfies Record<string, readonly DocumentKind[]>;
export type ChecklistAction = keyof typeof CHECKLISTS;

export interface DocumentForChecklist {
  kind: DocumentKind;
  status: DocumentStatus;
  scanStatus: ScanStatus;
}

/**
 * A document counts for a checklist when available and not found unsafe: `clean` where a scanner runs,
 * `not_scanned` where none does (`scanRequired` false). Pending, infected or failed scans never count.
 */
export const usableForChecklist = (d: DocumentForChecklist, scanRequired: boolean) =>
  d.status === 'available' &&
  (scanRequired
    ? d.scanStatus === 'clean'
    : d.scanStatus !== 'infected' && d.scanStatus !== 'failed' && d.scanStatus !== 'pending');

export function missingKinds(
  action: ChecklistAction,
  documents: readonly DocumentForChecklist[],
  scanRequired: boolean,
): DocumentKind[] {
  const present = new Set(documents.filter((d) => usableForChecklist(d, scanRequired)).map((d) => d.kind));
  return CHECKLISTS[action].filter((k) => !present.has(k));
}

/** 422 `document_missing`, one problem item per missing kind. */
export function assertChecklist(
  action: ChecklistAction,
  documents: readonly DocumentForChecklist[],
  scanRequired: boolean,
): void {
  const missing = missingKinds(action, documents, scanRequired);
  if (missing.length === 0) return;
  throw unprocessable(`This step needs these documents first: ${missing.join(', ')}.`, {
    errors: missing.map((kind) => ({
      path: 'documents',
      code: 'document_missing',
      params: { kind },
      message: `A usable ${kind} document is missing on this ${action.split('.')[0]}.`,
    })),
  });
}

/** Who uploaded a document: its organisation, or (a newcomer without one) its identity. */
export interface Uploader {
  role: Actor['role'];
  org: string | null;
  sub?: string;
}

/** A document's record; its bytes are the object `objectKeyOf(id)` in the files bucket. */
export interface PortalDocument {
  id: string;
  status: DocumentStatus;
  kind: DocumentKind;
  subject: DocumentSubject;
  fileName: string;
  /** As the uploader declared it; `detectedType` is what the bytes are. */
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: Uploader;
  /** When the presigned upload URL stops working. */
  uploadExpiresAt: string;
  detectedType?: DetectedType;
  scanStatus: ScanStatus;
  /** Why `complete` rejected the upload. */
  rejection?: { code: string; reason: string };
  /** The object version `complete` verified: downloads serve exactly it (where the bucket keeps versions). */
  objectVersion?: string;
  /** Tenant keys of the subject's parties when the document was declared: who reads its events. */
  audience: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const objectKeyOf = (documentId: string) => `documents/${documentId}`;

export const DOCUMENT_ACTIONS = ['declare', 'accept', 'reject', 'delete'] as const;
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];
export type DocumentTransitionRow = TransitionRow<DocumentAction, DocumentStatus>;

const PEOPLE = ['enterprise', 'lender', 'insurer', 'ipoffice'] as const;

/**
 *   declare → pending_upload; pending_upload → accept → available | reject → rejected (by `complete`, which reads
 *   the bytes); pending_upload | available → delete → deleted (the uploader, while the subject allows it).
 */
export const DOCUMENT_MACHINE = new StateMachine<DocumentAction, DocumentStatus, DocumentTransitionRow>(
  [
    { action: 'declare', roles: PEOPLE, from: [null], to: 'pending_upload' },
    { action: 'accept', roles: PEOPLE, from: ['pending_upload'], to: 'available' },
    { action: 'reject', roles: PEOPLE, from: ['pending_upload'], to: 'rejected' },
    { action: 'delete', roles: PEOPLE, from: ['pending_upload', 'available'], to: 'deleted' },
  ],
  { declare: 'declared', accept: 'completed', reject: 'completed', delete: 'deleted' },
);

export const documentEventType = (row: DocumentTransitionRow): string =>
  row.action === 'declare' ? 'document.declared' : `document.${row.to}`;

/**
 * Whether `actor` acts for the document's uploader: the IP office as a whole, an organisation as a whole (any of
 * its users), a newcomer by its identity.
 */
export const isUploader = (actor: Actor, doc: Pick<PortalDocument, 'uploadedBy'>): boolean => {
  const by = doc.uploadedBy;
  if (actor.role !== by.role) return false;
  if (by.role === 'ipoffice') return true;
  if (by.org !== null) return actor.org === by.org;
  return by.sub !== undefined && actor.sub === by.sub;
};

/**
 * The states of a subject in which its documents may still be deleted: a pledge's until registration (from then on
 * they are the record of what the office registered), an organisation claim's while pending (the office decided on
 * them). Other subjects' documents may go at any time. The bucket keeps every version either way.
 */
export const DELETABLE_WHILE: Partial<Record<DocumentSubjectKind, readonly string[]>> = {
  pledge: ['submitted', 'under_review', 'approved', 'rejected', 'withdrawn', 'registration_refused'],
  org_claim: ['pending'],
};

/** Whether documents of a subject in `subjectStatus` may still be deleted. */
export const subjectAllowsDeletion = (
  subject: DocumentSubjectKind,
  subjectStatus: string | undefined,
): boolean => {
  const allowed = DELETABLE_WHILE[subject];
  return !allowed || (subjectStatus !== undefined && allowed.includes(subjectStatus));
};
