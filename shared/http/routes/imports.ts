import type { Context } from 'hono';
import { actorOf } from '../../auth/principal.js';
import {
  columnsOf,
  IMPORT_FORMATS,
  IMPORT_KINDS,
  IMPORT_STATUSES,
  MAX_COMPANY_IMPORT_BYTES,
  MAX_COMPANY_IMPORT_ROWS,
  MAX_IMPORT_BYTES,
} from '../../domain/import.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  declareImport,
  getImport,
  type ImportRunner,
  inProcessImportRunner,
  startImport,
} from '../../usecases/imports.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  IdParam,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PresignedUploadSchema,
  plainText,
  versioned,
} from '../common.js';
import type { AppEnv, PortalApp, PortalDeps } from '../context.js';
import { respond } from '../respond.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

/**
 * Bulk import of rights and legal events (API.md v2): declare, upload the file to the presigned URL, start, then
 * follow `GET /imports/{id}` until `completed` (with the counts and, when rows were rejected, the error report).
 */
const Counts = {
  rows: z.number().int().openapi({ description: 'Data rows in the file (known once it was read)' }),
  processed: z.number().int().openapi({ description: 'Rows applied so far: the progress' }),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int().openapi({ description: 'Rows refused; each reason is in the error report' }),
};

const ImportSchema = z
  .object({
    id: z.string(),
    status: z.enum(IMPORT_STATUSES).openapi({
      description: '`pending_upload` until started; `running`; then `completed` or `failed` (see `failure`)',
    }),
    kind: z.enum(IMPORT_KINDS),
    format: z.enum(IMPORT_FORMATS),
    owner: z.string().nullable().openapi({ description: 'The default owner (USCC) of the rows' }),
    fileName: z.string(),
    ...Counts,
    batches: z.number().int().optional(),
    failure: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .openapi({ description: 'Why the file could not be imported at all; nothing was written' }),
    errorReport: z.object({ url: z.string() }).optional().openapi({
      description: 'CSV (UTF-8 with BOM) `row,column,reason`; a presigned GET valid 5 minutes',
    }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Import');

const DeclaredImport = ImportSchema.extend({ upload: PresignedUploadSchema }).openapi('DeclaredImport');

const DeclareInput = z
  .strictObject({
    kind: z.enum(IMPORT_KINDS),
    format: z.enum(IMPORT_FORMATS),
    owner: z
      .string()
      .max(40)
      .optional()
      .openapi({
        description:
          'USCC of the rows’ owner when the 权利人/ownerUscc column is absent (office imports); a company imports ' +
          'only its own rights',
      }),
    fileName: plainText(255).regex(/^[^/\\]*$/, 'must not contain path separators'),
    sizeBytes: z
      .number()
      .int()
      .min(1)
      .openapi({
        description: `At most ${MAX_IMPORT_BYTES} (office) or ${MAX_COMPANY_IMPORT_BYTES} (company)`,
      }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal digits')
      .openapi({ description: 'SHA-256 of the file, hex' }),
  })
  .openapi('ImportDeclaration');

const NoBody = z.strictObject({}).openapi('ImportStartBody');

const uc = (c: Context<AppEnv>) => useCaseContext(c.get('deps'));
// One in-process runner per composition root when none is injected (npm start, the tests).
const runners = new WeakMap<PortalDeps, ImportRunner>();
const runnerOf = (c: Context<AppEnv>): ImportRunner => {
  const deps = c.get('deps');
  if (deps.importRunner) return deps.importRunner;
  let runner = runners.get(deps);
  if (!runner) {
    runner = inProcessImportRunner(useCaseContext(deps), {
      onFault: (error) => deps.logFault?.(error, { method: 'IMPORT', path: '/imports' }),
    });
    runners.set(deps, runner);
  }
  return runner;
};

const COLUMNS =
  `Rights: ${columnsOf('assets').join(', ')}. Legal events: ${columnsOf('legal_events').join(', ')}. ` +
  `A company imports only its own rights, at most ${MAX_COMPANY_IMPORT_ROWS} rows per file.`;

export function registerImportRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['ipoffice', 'enterprise'],
    createRoute({
      method: 'post',
      path: '/imports',
      summary: 'Declare a bulk import (CSV or XLSX) and get its upload URL',
      description:
        'Then PUT the file to `upload.url` with `upload.headers`, and `POST /imports/{id}/start`. ' +
        `${COLUMNS} 400 \`import_too_large\`, \`import_own_rights_only\`, \`invalid_uscc\`. Honours Idempotency-Key.`,
      tags: ['imports'],
      request: { body: jsonBody(DeclareInput) },
      responses: { 201: versioned(jsonResponse(DeclaredImport, 'Declared')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idempotency) => declareImport(uc(c), actorOf(c.get('principal')), c.req.valid('json'), idempotency),
        (r) => ({
          status: 201,
          body: { ...r.import, upload: r.upload },
          version: r.import.version,
          location: `/imports/${r.import.id}`,
        }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice', 'enterprise'],
    createRoute({
      method: 'post',
      path: '/imports/{id}/start',
      summary: 'Start an uploaded import: pending_upload → running',
      description:
        'Checks the uploaded file (422 `upload_missing`, `size_mismatch`, `checksum_mismatch`, ' +
        '`import_format_unreadable`, `import_format_mismatch`; nothing changes) and starts applying its rows in ' +
        'batches. A header it cannot map or too many rows end the import `failed` with `failure`, nothing written. ' +
        'Honours If-Match and Idempotency-Key.',
      tags: ['imports'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(NoBody, false) },
      responses: { 202: versioned(jsonResponse(ImportSchema, 'Running')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idempotency) =>
          startImport(uc(c), runnerOf(c), actorOf(c.get('principal')), {
            id: c.req.valid('param').id,
            expectedVersion: expectedVersion(c),
            idempotency,
          }),
        (imp) => ({ status: 202, body: imp, version: imp.version }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice', 'enterprise'],
    createRoute({
      method: 'get',
      path: '/imports/{id}',
      summary: 'An import’s status, progress and counts',
      description:
        'The office any import; a company its own. Once completed with rejected rows, `errorReport.url` downloads ' +
        'the report (`row,column,reason`, the header being row 1).',
      tags: ['imports'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(ImportSchema, 'The import')), ...errorResponses },
    }),
    async (c) => {
      const imp = await getImport(uc(c), actorOf(c.get('principal')), c.req.valid('param').id);
      return c.json(imp, 200, { ETag: etagOf(imp.version) });
    },
  );
}
