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
  const tags = new Set<string>();
  for (const route of routeTable(app)) {
    if (!route.documented)
      throw new Error(`${route.method} ${route.path}: an app built from a manifest has no contracts.`);
    for (const tag of route.documented.tags ?? []) tags.add(tag);
    registry.registerPath({
      operationId: operationIdOf(route.method, route.path),
      ...route.documented,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: API_INFO,
    // Relative: the document is served by the API it describes, locally or behind API Gateway.
    servers: [{ url: '/', description: 'This portal' }],
    tags: [...tags].sort().map((name) => ({ name })),
  });
}

/** `GET /pledges/{id}/schedule` → `getPledgesIdSchedule`: unique per method and path, stable across builds. */
export const operationIdOf = (method: string, path: string): string =>
  method.toLowerCase() +
  path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
