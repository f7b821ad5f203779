import { useCaseContext } from '../../usecases/context.js';
import { checkDatabase } from '../../usecases/system.js';
import type { PortalApp } from '../context.js';
import { renderDocsPage } from '../docs-page.js';
import type { OpenApiDocument } from '../openapi.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

/**
 * The OpenAPI document. A bundle built by infra/bundling.ts has it inlined (esbuild defines
 * `process.env.PORTAL_OPENAPI_JSON` as the path of the JSON written at build time, and drops the other
 * branch with the generator); anywhere else it is generated from the app's routes.
 */
const loadDocument = async (app: PortalApp): Promise<OpenApiDocument> =>
  process.env.PORTAL_OPENAPI_JSON !== undefined
    ? (await import(process.env.PORTAL_OPENAPI_JSON, { with: { type: 'json' } })).default
    : (await import('../openapi.js')).openApiDocument(app);

export function registerSystemRoutes(app: PortalApp): void {
  // Every route is registered before the first request, so the document is loaded once, on first use.
  let document: Promise<OpenApiDocument> | undefined;
  let docsPage: string | undefined;
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
      tags: ['system'],
      responses: {
        200: {
          description: 'Ready',
          content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
        },
        503: { description: 'The database is not reachable' },
      },
    }),
    async (c) => {
      await checkDatabase(useCaseContext(c.var.deps));
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
      tags: ['system'],
      responses: {
        200: {
          description: 'OpenAPI 3.1 document',
          content: { 'application/json': { schema: z.object({}).passthrough() } },
        },
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
      tags: ['system'],
      responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
    }),
    async (c) => {
      docsPage ??= renderDocsPage(await documentOnce());
      return c.html(docsPage);
    },
  );
}
