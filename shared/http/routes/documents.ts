import type { Context } from 'hono';
import {
  DETECTED_TYPES,
  DOCUMENT_KINDS,
  DOCUMENT_STATUSES,
  DOCUMENT_SUBJECT_KINDS,
  type DocumentSubjectKind,
  MAX_DOCUMENT_BYTES,
} from '../../domain/document.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  completeDocument,
  declareDocument,
  deleteDocument,
  getDocument,
  listDocuments,
} from '../../usecases/documents.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  IdParam,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PresignedUploadSchema,
  storedFields,
  versioned,
} from '../common.js';
import type { AppEnv, PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { type Access, actorFor, addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

/**
 * Documents: declared here, uploaded by the browser straight to the files bucket (presigned PUT), verified by
 * `complete`, downloaded through a short-lived presigned GET. Signed-in newcomers reach them too, for the business
 * licence of their organisation claim; every other subject is the business of its parties only.
 */
const Subject = z.object({ kind: z.enum(DOCUMENT_SUBJECT_KINDS), id: z.string() });

const DocumentSchema = z
  .object({
    id: z.string(),
    status: z.enum(DOCUMENT_STATUSES).openapi({
      description: '`pending_upload` until `complete` verifies the file: then `available` or `rejected`',
    }),
    kind: z.enum(DOCUMENT_KINDS),
    subject: Subject,
    fileName: z.string(),
    contentType: z.string().openapi({ description: 'As declared; `detectedType` is what the bytes are' }),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    uploadedBy: z.object({
      role: z.string(),
      org: z.string().nullable(),
      sub: z.string().optional(),
    }),
    uploadExpiresAt: z.string(),
    detectedType: z.enum(DETECTED_TYPES).optional(),
    scanStatus: z.enum(['not_scanned', 'pending', 'clean', 'infected', 'failed']).openapi({
      description:
        'The malware scan (GuardDuty Malware Protection for S3, deployed where available). `not_scanned` where ' +
        'no scanner runs (locally, AWS China): the portal never claims a file is clean that nobody scanned.',
    }),
    rejection: z.object({ code: z.string(), reason: z.string() }).optional(),
    ...storedFields,
  })
  .openapi('Document');

const DeclaredSchema = DocumentSchema.extend({ upload: PresignedUploadSchema }).openapi('DeclaredDocument');
const DocumentWithDownload = DocumentSchema.extend({
  download: z
    .object({ url: z.string(), expiresAt: z.string() })
    .optional()
    .openapi({ description: 'A presigned GET, valid 5 minutes: only once available and not found unsafe' }),
}).openapi('DocumentWithDownload');

// Shapes only: the values are checked by the domain, each with its own code (`document_too_large`, …). The
// strings are bounded well past the domain's own limits (subject id 128, file name 255 characters, digest 64), so
// that a value near them still gets the domain's code, and no request carries an unbounded string.
const DeclareInput = z
  .strictObject({
    kind: z.string().openapi({ enum: [...DOCUMENT_KINDS] }),
    subject: z.object({
      kind: z.string().openapi({ enum: [...DOCUMENT_SUBJECT_KINDS] }),
      id: z.string().max(1000),
    }),
    fileName: z.string().max(1000),
    contentType: z.string().max(255).openapi({ example: 'application/pdf' }),
    sizeBytes: z.number().openapi({ maximum: MAX_DOCUMENT_BYTES }),
    sha256: z
      .string()
      .max(256)
      .openapi({ description: '64 lowercase hexadecimal digits', example: 'e3b0c442…' }),
  })
  .openapi('DocumentDeclaration');

const LinkSchema = DocumentSchema.pick({
  id: true,
  status: true,
  kind: true,
  fileName: true,
  sizeBytes: true,
  scanStatus: true,
  uploadedBy: true,
  detectedType: true,
  version: true,
  createdAt: true,
  updatedAt: true,
});
const DocumentList = z
  .object({
    items: z.array(LinkSchema),
    checklists: z.array(
      z.object({
        action: z.string().openapi({ description: 'The step, e.g. `register`, `pay`, `settle`' }),
        needs: z.array(z.enum(DOCUMENT_KINDS)),
        missing: z.array(z.enum(DOCUMENT_KINDS)).openapi({
          description: 'What the step would refuse with 422 `document_missing` now',
        }),
      }),
    ),
  })
  .openapi('DocumentList');

const uc = (c: Context<AppEnv>) => useCaseContext(c.get('deps'));

/** The subjects whose documents are listed at `<path>/{id}/documents`. */
const MEMBERS: Access = ['enterprise', 'lender', 'insurer', 'ipoffice'];
const LISTS: {
  kind: DocumentSubjectKind;
  path: string;
  param: 'id' | 'uscc';
  tag: string;
  access: Access;
}[] = [
  { kind: 'pledge', path: '/pledges/{id}', param: 'id', tag: 'pledges', access: MEMBERS },
  { kind: 'policy', path: '/policies/{id}', param: 'id', tag: 'insurance', access: MEMBERS },
  { kind: 'claim', path: '/claims/{id}', param: 'id', tag: 'insurance', access: MEMBERS },
  { kind: 'designation', path: '/designations/{id}', param: 'id', tag: 'designations', access: MEMBERS },
  { kind: 'enterprise', path: '/enterprises/{uscc}', param: 'uscc', tag: 'enterprises', access: MEMBERS },
  { kind: 'org_claim', path: '/org-claims/{id}', param: 'id', tag: 'users', access: 'signedIn' },
];

export function registerDocumentRoutes(app: PortalApp): void {
  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'post',
      path: '/documents',
      summary: 'Declare a document and get its upload URL',
      description:
        'Any party of the subject (`mayUpload`; the IP office reads policies and claims but adds nothing to them). ' +
        'Answers a presigned PUT bound to the declared size, type and SHA-256, valid 15 minutes; then call ' +
        '`complete`. 400 with `document_kind`, `document_subject_kind`, `file_name_invalid`, `content_type_invalid`, ' +
        '`size_invalid`, `document_too_large` (over 20 MiB), `sha256_format`; 404 for a subject that is none of ' +
        'the caller’s business. Honours Idempotency-Key.',
      tags: ['documents'],
      request: { body: jsonBody(DeclareInput) },
      responses: { 201: versioned(jsonResponse(DeclaredSchema, 'Declared')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idempotency) => declareDocument(uc(c), actorFor(c), c.req.valid('json'), idempotency),
        (doc) => ({ status: 201, body: doc, version: doc.version, location: `/documents/${doc.id}` }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'post',
      path: '/documents/{id}/complete',
      summary: 'Verify an uploaded document: pending_upload → available or rejected',
      description:
        'By the uploader. Reads the stored file back: its size, SHA-256 and type by its bytes (PDF, JPEG, PNG, ' +
        'OFD). A failure deletes the file and leaves the document `rejected`: 422 `size_mismatch`, ' +
        '`checksum_mismatch`, `type_not_allowed`, `document_too_large`, `upload_expired`. 422 `upload_missing` ' +
        'while nothing was uploaded (changes nothing). Completing again answers the same.',
      tags: ['documents'],
      request: { params: IdParam, headers: IfMatchHeader },
      responses: { 200: versioned(jsonResponse(DocumentSchema, 'Available')), ...errorResponses },
    }),
    async (c) => {
      const doc = await completeDocument(uc(c), actorFor(c), {
        id: c.req.valid('param').id,
        expectedVersion: expectedVersion(c),
      });
      return c.json(doc, 200, { ETag: etagOf(doc.version) });
    },
  );

  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'get',
      path: '/documents/{id}',
      summary: 'Read a document, with a download URL',
      description:
        'The parties of its subject and the IP office; 404 for anyone else. `download` is a presigned GET valid ' +
        '5 minutes, given only for an available document no scan found unsafe.',
      tags: ['documents'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(DocumentWithDownload, 'The document')), ...errorResponses },
    }),
    async (c) => {
      const doc = await getDocument(uc(c), actorFor(c), c.req.valid('param').id);
      return c.json(doc, 200, { ETag: etagOf(doc.version) });
    },
  );

  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'delete',
      path: '/documents/{id}',
      summary: 'Delete your document',
      description:
        'By the uploader, while its subject allows: a registered pledge’s documents stay (409 ' +
        '`document_locked`). Honours If-Match.',
      tags: ['documents'],
      request: { params: IdParam, headers: IfMatchHeader },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteDocument(uc(c), actorFor(c), {
        id: c.req.valid('param').id,
        expectedVersion: expectedVersion(c),
      });
      return c.body(null, 204);
    },
  );

  for (const list of LISTS) {
    const params = list.param === 'id' ? IdParam : z.object({ uscc: z.string().min(1).max(40) });
    addRoute(
      app,
      list.access,
      createRoute({
        method: 'get',
        path: `${list.path}/documents`,
        summary: `List the documents of a ${list.kind.replace('_', ' ')}`,
        description:
          'Its parties and the IP office; 404 for anyone else. With the checklist of each step that needs ' +
          'documents: what is still missing.',
        tags: [list.tag],
        request: { params },
        responses: { 200: jsonResponse(DocumentList, 'Its documents, oldest first'), ...errorResponses },
      }),
      async (c) => {
        const raw = c.req.valid('param') as { id?: string; uscc?: string };
        const id = list.param === 'id' ? raw.id! : raw.uscc!.toUpperCase();
        return c.json(await listDocuments(uc(c), actorFor(c), { kind: list.kind, id }), 200);
      },
    );
  }
}
