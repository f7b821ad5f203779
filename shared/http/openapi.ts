import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { PortalApp } from './context.js';
import { routeTable } from './route.js';

export const API_INFO = {
  title: 'IP Finance Portal API',
  version: '1.0.0',
  description:
    'IP pledge financing, full-chain IP insurance and IP-office statistics. Authenticate with `Authorization: Bearer <JWT>`.',
};

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/**
 * The one generator of the OpenAPI 3.1 document: every route of the route table, as registered. The local
 * server and the tests run it on first request; the Lambda bundle carries its output instead, written at
 * build time (scripts/openapi.ts, infra/bundling.ts), so neither this code nor its run reaches a cold start.
 */
export function openApiDocument(app: PortalApp): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const route of routeTable(app)) {
    if (!route.documented)
      throw new Error(`${route.method} ${route.path}: an app built from a manifest has no contracts.`);
    registry.registerPath(route.documented);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info: API_INFO });
}
