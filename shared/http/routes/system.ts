import { readFile } from 'node:fs/promises';
import { useCaseContext } from '../../usecases/context.js';
import { checkDatabase } from '../../usecases/system.js';
import type { PortalApp } from '../context.js';
import { renderDocsPage } from '../docs-page.js';
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
      await checkDatabase(useCaseContext(c.get('deps')));
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
