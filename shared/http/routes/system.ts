import { readFile } from 'node:fs/promises';
import { useCaseContext } from '../../usecases/context.js';
import { checkDatabase } from '../../usecases/system.js';
import { errorResponses } from '../common.js';
import type { PortalApp } from '../context.js';
import { DOCS_CSP, DOCS_FILES, DOCS_PAGE, type DocsFile, readDocsFile } from '../docs-page.js';
import type { OpenApiDocument } from '../openapi.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

/**
 * The OpenAPI document. The API bundle built by infra/bundling.ts ships it beside itself (esbuild defines
 * `process.env.PORTAL_OPENAPI_FILE` as its file name, and drops the other branch with the generator); anywhere
 * else it is generated from the app's routes.
 */
const loadDocument = async (app: PortalApp): Promise<OpenApiDocument> =>
  process.env.PORTAL_OPENAPI_FILE !== undefined
    ? JSON.parse(await readFile(new URL(process.env.PORTAL_OPENAPI_FILE, import.meta.url), 'utf8'))
    : (await import('../openapi.js')).openApiDocument(app);

/**
 * How long a successful readiness check answers `/healthz` for: anonymous callers, however many, cost one database
 * read per API instance per period. A failed check is not kept, so recovery shows at the next call.
 */
export const READINESS_TTL_MS = 15_000;

/** What a public route may answer besides its success: a method it lacks, or headers too large. */
const publicErrors = { 405: errorResponses[405], 431: errorResponses[431] };

export function registerSystemRoutes(app: PortalApp): void {
  let readyUntil = 0;
  // Every route is registered before the first request, so the document is loaded once, on first use.
  let document: Promise<OpenApiDocument> | undefined;
  const documentOnce = () => {
    document ??= loadDocument(app).catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    return document;
  };

  addRoute(
    app,
    'public',
    createRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness and database readiness',
      description:
        '200 when the API runs and its table answered a check at most 15 s ago (one read per instance per 15 s, ' +
        'however many callers); 503 with `Retry-After` when the database cannot be reached. Public, for uptime checks.',
      tags: ['system'],
      responses: {
        200: {
          description: 'Ready',
          content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
        },
        ...publicErrors,
        503: errorResponses[503],
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const now = deps.clock.now().getTime();
      if (now >= readyUntil) {
        await checkDatabase(useCaseContext(deps));
        readyUntil = now + READINESS_TTL_MS;
      }
      return c.json({ status: 'ok' as const }, 200);
    },
  );

  addRoute(
    app,
    'public',
    createRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This OpenAPI 3.1 document',
      description:
        'The contract of every route: request and response schemas, who may call it (`x-roles`), its refusals. Public; `/docs` renders it.',
      tags: ['system'],
      responses: {
        200: {
          description: 'OpenAPI 3.1 document',
          content: { 'application/json': { schema: z.object({}).passthrough() } },
        },
        ...publicErrors,
      },
    }),
    async (c) => c.json((await documentOnce()) as unknown as Record<string, unknown>, 200),
  );

  addRoute(
    app,
    'public',
    createRoute({
      method: 'get',
      path: '/docs',
      summary: 'Readable API reference (HTML)',
      description:
        'An interactive reference of this document (Swagger UI), served with its scripts and styles by the API ' +
        'itself: the page makes no request to any other site.',
      tags: ['system'],
      responses: {
        200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } },
        ...publicErrors,
      },
    }),
    (c) => c.html(DOCS_PAGE, 200, { 'Content-Security-Policy': DOCS_CSP }),
  );

  const files = new Map<DocsFile, Promise<string>>();
  addRoute(
    app,
    'public',
    createRoute({
      method: 'get',
      path: '/docs/{file}',
      summary: 'A script or style of the API reference page',
      description: 'From the installed Swagger UI package, or the page’s own start-up script.',
      tags: ['system'],
      request: { params: z.object({ file: z.enum(Object.keys(DOCS_FILES) as [DocsFile, ...DocsFile[]]) }) },
      responses: {
        200: {
          description: 'The file',
          content: {
            'text/css': { schema: z.string() },
            'text/javascript': { schema: z.string() },
          },
        },
        400: errorResponses[400],
        ...publicErrors,
      },
    }),
    async (c) => {
      const file = c.req.valid('param').file;
      if (!files.has(file))
        files.set(
          file,
          readDocsFile(file).catch((error: unknown) => {
            files.delete(file);
            throw error;
          }),
        );
      const text = await files.get(file)!;
      return c.body(text, 200, { 'Content-Type': DOCS_FILES[file], 'Cache-Control': 'public, max-age=3600' });
    },
  );
}
