import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { PortalApp } from './context.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH, routeTable } from './route.js';

export const API_INFO = {
  title: 'IP Finance Portal API',
  version: '1.0.0',
  description:
    'IP pledge financing, full-chain IP insurance and IP-office statistics. Authenticate with `Authorization: Bearer <JWT>`.',
  contact: { name: 'The portal team of the city IP office' },
};

/** What each tag groups, for the reference's table of contents. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  assets: 'A company’s patents and trademarks, their legal status and co-owners.',
  documents:
    'Contracts, forms, appraisals and evidence: uploaded straight to the files bucket, verified, listed per subject.',
  designations: 'National and provincial demonstration and advantage enterprises, and their yearly reviews.',
  enterprises: 'The companies registered with the portal.',
  events: 'The audit feed: every domain event, by subject or by day.',
  institutions: 'The banks and insurers of the city’s directory, their rates and credit terms.',
  insurance: 'Full-chain IP insurance: quotes, policies, claims and guarantee insurance.',
  loans: 'A pledge loan after disbursement: its schedule, repayments and changes.',
  notifications: 'What happened to your applications, in the portal and by e-mail.',
  pledges: 'IP pledge loans from application to registration, release, default and disposal.',
  programmes: 'The city’s subsidy programmes: interest and premium subsidies.',
  search: 'Finding enterprises, rights and pledges by name, title or number.',
  imports: 'Bulk import of rights and legal events from CSV or XLSX files.',
  statistics: 'The coverage and financing totals the scheduled jobs compute for the IP office.',
  system: 'Health, this document and its reference page.',
  users: 'The portal’s user directory (roles, organisations, invitations) and company onboarding.',
  webhooks: 'Event deliveries to a bank’s or insurer’s own systems.',
};

/** The header an idempotent route reads; declared on each such operation. */
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  description:
    'Send a request again with the same key (kept a day, per caller) to get its first answer instead of acting ' +
    'twice; the same key with another request → 422.',
  schema: {
    type: 'string' as const,
    minLength: 1,
    maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
    pattern: '^[\\x21-\\x7e]+$',
  },
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
    const { parameters = [], ...documented } = route.documented as typeof route.documented & {
      parameters?: unknown[];
    };
    registry.registerPath({
      operationId: operationIdOf(route.method, route.path),
      ...documented,
      ...(route.idempotent ? { parameters: [...parameters, IDEMPOTENCY_KEY] } : {}),
    } as typeof route.documented);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: API_INFO,
    // Relative to the document's own URL (OpenAPI 3.1): the API it describes, at `/` locally and on API Gateway,
    // and at `/api/` behind CloudFront, where `/docs` then calls the same `/api/` paths.
    servers: [{ url: '.', description: 'This portal' }],
    tags: [...tags].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name })),
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
