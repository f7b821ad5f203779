import { createRoute, z } from '@hono/zod-openapi';
import { useCaseContext } from '../../usecases/context.js';
import { checkDatabase } from '../../usecases/system.js';
import type { PortalApp } from '../context.js';
import { renderDocsPage } from '../docs-page.js';
import { addRoute } from '../route.js';

export const API_INFO = {
  title: 'IP Finance Portal API',
  version: '1.0.0',
  description:
    'IP pledge financing, full-chain IP insurance and IP-office statistics. Authenticate with `Authorization: Bearer <JWT>`.',
};

export function openApiDocument(app: PortalApp) {
  return app.getOpenAPI31Document({ openapi: '3.1.0', info: API_INFO });
}

export function registerSystemRoutes(app: PortalApp): void {
  // Every route is registered before the first request, so the document is built once, on first use.
  let document: ReturnType<typeof openApiDocument> | undefined;
  let docsPage: string | undefined;
  const documentOnce = () => {
    document ??= openApiDocument(app);
    return document;
  };
  const docsPageOnce = () => {
    docsPage ??= renderDocsPage(documentOnce());
    return docsPage;
  };
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });

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
    (c) => c.json(documentOnce() as unknown as Record<string, unknown>, 200),
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
    (c) => c.html(docsPageOnce()),
  );
}
