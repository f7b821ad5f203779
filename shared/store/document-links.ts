/**
 * A document's link in its subject's partition: what a list and a checklist need (kind, status, scan), read with the
 * subject's other items and strongly consistent, so a step's checklist and its transaction see the same documents.
 */
import type { DocumentForChecklist, DocumentSubject, PortalDocument } from '../domain/document.js';
import { DOCUMENT_LINK_PREFIX, documentLinkKey, documentSubjectPartition } from './keys.js';
import type { Item, Store } from './toolkit.js';

export const DOCUMENT_LINK_ENTITY = 'document-link';

/** The fields a link repeats from its document (every transition rewrites it). */
export type DocumentLink = Pick<
  PortalDocument,
  | 'id'
  | 'status'
  | 'kind'
  | 'fileName'
  | 'sizeBytes'
  | 'scanStatus'
  | 'uploadedBy'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
> &
  Partial<Pick<PortalDocument, 'detectedType'>>;

export const linkItem = (doc: PortalDocument): Item => ({
  ...documentLinkKey(doc.subject, doc.id),
  entity: DOCUMENT_LINK_ENTITY,
  id: doc.id,
  status: doc.status,
  kind: doc.kind,
  fileName: doc.fileName,
  sizeBytes: doc.sizeBytes,
  scanStatus: doc.scanStatus,
  uploadedBy: doc.uploadedBy,
  ...(doc.detectedType ? { detectedType: doc.detectedType } : {}),
  version: doc.version,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

const toLink = (i: Item): DocumentLink & DocumentForChecklist => ({
  id: String(i.id),
  status: i.status as DocumentLink['status'],
  kind: i.kind as DocumentLink['kind'],
  fileName: String(i.fileName),
  sizeBytes: Number(i.sizeBytes),
  scanStatus: i.scanStatus as DocumentLink['scanStatus'],
  uploadedBy: i.uploadedBy as DocumentLink['uploadedBy'],
  ...(i.detectedType ? { detectedType: i.detectedType as DocumentLink['detectedType'] } : {}),
  version: Number(i.version),
  createdAt: String(i.createdAt),
  updatedAt: String(i.updatedAt),
});

/** The links among a subject partition's items (when the step read the partition anyway). */
export const documentLinksIn = (items: readonly Item[]) =>
  items
    .filter((i) => i.entity === DOCUMENT_LINK_ENTITY)
    .map(toLink)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

/** A subject's documents, oldest first: one Query of its partition's links. */
export async function documentLinksOf(store: Store, subject: DocumentSubject) {
  return documentLinksIn(await store.queryPartition(documentSubjectPartition(subject), DOCUMENT_LINK_PREFIX));
}
