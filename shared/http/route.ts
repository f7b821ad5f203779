import { createHash } from 'node:crypto';
import type { createRoute as CreateRoute, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context, HonoRequest, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ZodIssue, ZodType } from 'zod';
import { actorOf, type Role } from '../auth/principal.js';
import { tenantOf } from '../domain/actor.js';
import { DomainError, forbidden, validationError } from '../domain/errors.js';
import { useCaseContext } from '../usecases/context.js';
import { claimantActor } from '../usecases/org-claims.js';
import { callerOf } from '../usecases/users.js';
import type { AppEnv, PortalApp, PortalDeps } from './context.js';

/**
 * Who may call a route. There is no default: every route states it, and anything else is denied. `signedIn`: any
 * verified identity, also one the directory does not know yet (onboarding: who am I, claim an organisation).
 */
/** The caller as an actor: a directory user, or a newcomer known only by its identity (the `signedIn` routes). */
export const actorFor = (c: Context<AppEnv>) => {
  const principal = c.get('principal');
  return principal ? actorOf(principal) : claimantActor(c.get('identity'));
};

export type Access = readonly Role[] | 'public' | 'signedIn';

export interface RouteEntry {
  method: string;
  /** OpenAPI-style path, e.g. `/assets/{id}`. */
  path: string;
  access: Access;
  idempotent: boolean;
  /** The route module that registers it (routes/index.ts); set when the app registers its groups. */
  group?: string;
  /** The route's contract as the OpenAPI document describes it (shared/http/openapi.ts); absent in a manifest. */
  documented?: RouteConfig;
}

/** What an app built from a manifest knows of each route before its group is loaded. */
export type ManifestRoute = Omit<RouteEntry, 'documented'> & { group: string };

const registries = new WeakMap<PortalApp, RouteEntry[]>();
const bound = new WeakMap<PortalApp, PortalDeps>();

/** The dependencies an app's routes run with (set once by createApp). */
export const bindDeps = (app: PortalApp, deps: PortalDeps): void => {
  bound.set(app, deps);
};

export const MAX_BODY_BYTES = 64 * 1024;

const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new HTTPException(413, { message: 'The request body exceeds 64 KiB.' });
  },
});

/**
 * Reads a route's body at most 64 KiB far (413 beyond), before anything parses or hashes it. A declared length over
 * the limit is refused before a byte is read; a body the client stopped sending is a 400, not a fault of ours.
 */
const limitedBody: Step = (c) => {
  const raw = c.req.raw;
  if (!raw.body) return undefined;
  const declared = raw.headers.get('content-length');
  if (declared !== null) {
    if (Number(declared) > MAX_BODY_BYTES)
      throw new HTTPException(413, { message: 'The request body exceeds 64 KiB.' });
    // hono's bodyLimit believes a Content-Length header and then never counts; a header that understates the body
    // would let any size through. Drop it so the bytes actually sent are counted.
    const headers = new Headers(raw.headers);
    headers.delete('content-length');
    c.req.raw = new Request(raw, { headers, duplex: 'half' } as RequestInit);
  }
  return (limitBody(c, async () => {}) as Promise<void>).catch((error: unknown) => {
    if (error instanceof HTTPException) throw error;
    throw new HTTPException(400, { message: 'The request body was not received completely.' });
  });
};

/** One log line per request (when the deps log requests) with its outcome; answers `res`. */
/**
 * Headers of every API answer, wherever it is reached from (CloudFront adds its own, but the API Gateway endpoint and
 * the local server answer directly): never kept by a shared cache, never sniffed, read only by the portal's origin.
 * An answer that sets one itself (the reference page's scripts are cacheable) keeps its own.
 */
const API_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** The one exit of every answer (routes, 404/405, errors): the API's headers, then the request log line. */
export function logOutcome(c: Context<AppEnv>, deps: PortalDeps, res: Response): Response {
  for (const [name, value] of Object.entries(API_HEADERS))
    if (!res.headers.has(name)) res.headers.set(name, value);
  deps.logRequest?.({
    method: c.req.method,
    // A request no route matched has no route path: `*`.
    route: c.req.matchedRoutes.length > 0 ? c.req.routePath : '*',
    path: c.req.path,
    status: res.status,
    role: c.get('principal')?.role ?? null,
    sub: c.get('principal')?.sub ?? null,
    org: c.get('principal')?.org ?? null,
    durationMs: Math.round(performance.now() - (c.get('started') ?? performance.now())),
  });
  return res;
}

/** The route table of an app: used for 405 answers, the authorisation matrix test and the docs. */
export const routeTable = (app: PortalApp): readonly RouteEntry[] => registries.get(app) ?? [];

/** Records routes known without registering them (an app built from a manifest), or the group of routes added. */
export const setRouteTable = (app: PortalApp, entries: RouteEntry[]): void => {
  registries.set(app, entries);
};

/** The manifest a Lambda routes by (written at build time by scripts/openapi.ts). */
export const routeManifest = (app: PortalApp): ManifestRoute[] =>
  routeTable(app).map(({ method, path, access, idempotent, group }) => {
    if (group === undefined) throw new Error(`${method} ${path} was registered outside a route group.`);
    return { method, path, access, idempotent, group };
  });

/** Hono's form of an OpenAPI path: `/assets/{id}` → `/assets/:id`. */
export const honoPath = (path: string) => path.replaceAll(/\/{(.+?)}/g, '/:$1');

export interface RouteOptions {
  /** Honour `Idempotency-Key` (creating POSTs and state-changing actions). */
  idempotent?: boolean;
}

/** A route's contract (request schemas, responses, documentation), typed as `@hono/zod-openapi` types it. */
export const createRoute: typeof CreateRoute = (route) =>
  Object.defineProperty({ ...route, getRoutingPath: () => honoPath(route.path) }, 'getRoutingPath', {
    enumerable: false,
  }) as never;

/**
 * Registers a route with its access rule. Authentication and the role check run before request
 * validation, so an anonymous caller learns nothing about the body a route expects.
 *
 * The app is plain Hono: the request schemas are parsed here, and the OpenAPI document is generated from the
 * route table apart from the app (shared/http/openapi.ts), so its generator stays out of the Lambda. The checks
 * are those `@hono/zod-openapi` installs, for the request parts the portal uses, run in ONE Hono handler: every
 * middleware layer costs an async hop per request.
 */
export function addRoute<R extends RouteConfig>(
  app: PortalApp,
  access: Access,
  route: R,
  handler: RouteHandler<R, AppEnv>,
  options: RouteOptions = {},
): void {
  const entry: RouteEntry = {
    method: route.method.toUpperCase(),
    path: route.path,
    access,
    idempotent: !!options.idempotent,
    documented: {
      ...route,
      security: access === 'public' ? [] : [{ bearer: [] }],
      'x-roles': typeof access === 'string' ? [access] : [...access],
    } as RouteConfig,
  };
  registries.set(app, [...routeTable(app), entry]);
  const steps: Step[] = [];
  if (access !== 'public') steps.push(authorize(access));
  const parsers = requestParsers(route);
  // Only a route that reads its body (to parse or to hash it) reads it at all, and within the limit.
  if (options.idempotent || route.request?.body) steps.push(limitedBody);
  if (options.idempotent) steps.push(idempotency);
  steps.push(...parsers);
  const run = handler as unknown as (c: Context<AppEnv>, next: Next) => Response | Promise<Response>;
  // The route's one handler: Hono calls it directly, with no middleware chain to compose per request.
  app.on([route.method], [honoPath(route.path)], async (c, next) => {
    const deps = bound.get(app)!;
    if (deps.logRequest) c.set('started', performance.now());
    c.set('deps', deps);
    // A step that needs no I/O answers synchronously; awaiting only promises spares each request its hops.
    for (const step of steps) {
      const pending = step(c);
      if (pending) await pending;
    }
    return logOutcome(c, deps, await run(c, next));
  });
}

/** One check a route runs before its handler; it throws to answer. */
type Step = (c: Context<AppEnv>) => Promise<void> | undefined;

function requestParsers(route: RouteConfig): Step[] {
  const { query, params, headers, cookies, body } = route.request ?? {};
  const media = Object.keys(body?.content ?? {});
  if (route.middleware || cookies || media.some((m) => m !== 'application/json'))
    throw new Error(
      `${route.method} ${route.path}: only JSON bodies, query, path and header schemas are supported.`,
    );
  const steps: Step[] = [];
  if (query) steps.push(parser('query', query as ZodType, queryValue));
  if (params) steps.push(parser('param', params as ZodType, (c) => c.req.param()));
  if (headers) steps.push(parser('header', headers as ZodType, headerValue(headers as ZodType)));
  const schema = (body?.content['application/json'] as { schema?: ZodType } | undefined)?.schema;
  if (schema) {
    steps.push(jsonOnly);
    const json = parser('json', schema, jsonValue);
    // An optional body may be left out entirely; the handler then sees `{}`.
    steps.push(
      body?.required
        ? json
        : (c) => {
            if (c.req.header('content-type')) return json(c);
            c.req.addValidatedData('json', {});
            return undefined;
          },
    );
  }
  return steps;
}

type Target = 'query' | 'param' | 'header' | 'json';

/** The bounds and choices a validation message names, for the pages to say it in the reader's language. */
function paramsOf(issue: ZodIssue): { params?: Record<string, string | number> } {
  const params: Record<string, string | number> = {};
  const i = issue as unknown as Record<string, unknown>;
  for (const key of ['minimum', 'maximum', 'expected', 'format'])
    if (typeof i[key] === 'number' || typeof i[key] === 'string') params[key] = i[key] as string | number;
  if (Array.isArray(i.values)) params.values = i.values.map(String).join(', ');
  if (Array.isArray(i.keys)) params.keys = i.keys.map(String).join(', ');
  return Object.keys(params).length > 0 ? { params } : {};
}

/** Parses one part of the request; a failure is ONE 400 naming every field, never zod's raw result. */
function parser(
  target: Target,
  schema: ZodType,
  read: (c: Context<AppEnv>) => unknown | Promise<unknown>,
): Step {
  // The portal's schemas have no async refinements: parse synchronously.
  const parse = (c: Context<AppEnv>, value: unknown) => {
    const result = schema.safeParse(value);
    if (!result.success)
      throw validationError(
        result.error.issues.map((issue) => ({
          path: issuePath(target, issue),
          code: issue.code,
          ...paramsOf(issue),
          message: issue.message,
        })),
        `The request ${target === 'json' ? 'body' : target} is not valid.`,
      );
    c.req.addValidatedData(target, result.data as object);
  };
  return (c) => {
    const value = read(c);
    if (value instanceof Promise) return value.then((v) => parse(c, v));
    parse(c, value);
    return undefined;
  };
}

// What hono's validator hands a schema, part by part.
const queryValue = (c: Context<AppEnv>) =>
  Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));

/** Header names arrive lower-cased; map them back to the schema's spelling. */
function headerValue(schema: ZodType) {
  const shape = (schema as { shape?: Record<string, unknown> }).shape ?? {};
  const names = new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
  return (c: Context<AppEnv>) =>
    Object.fromEntries(Object.entries(c.req.header()).map(([k, v]) => [names.get(k) ?? k, v]));
}

const JSON_BODY = /^application\/([\w.-]+\+)?json$/i;

async function jsonValue(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_BODY.test(type)) return {};
  try {
    return await c.req.json();
  } catch {
    throw new HTTPException(400, { message: 'Malformed JSON in request body' });
  }
}

/** Body fields are named bare (`name`); others by where they came from (`query.limit`, `param.id`). */
function issuePath(target: Target, issue: { path: PropertyKey[]; code: string; keys?: string[] }): string {
  const segments = issue.path.map(String);
  // Unknown keys are reported on the object holding them; name the offending key instead.
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) segments.push(issue.keys.join(','));
  const field = segments.join('.');
  if (target === 'json') return field || 'body';
  return field ? `${target}.${field}` : target;
}

const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/** A route taking JSON refuses any other media type, and a body sent without one, with 415. */
const jsonOnly: Step = async (c) => {
  const type = c.req.header('content-type');
  if (type ? !JSON_MEDIA_TYPE.test(type) : await hasBody(c.req))
    throw new HTTPException(415, { message: 'Unsupported Media Type' });
};

async function hasBody(req: HonoRequest): Promise<boolean> {
  const { raw } = req;
  if (raw.body === null) return false;
  // Read already (the idempotency middleware hashes it): hono keeps the bytes.
  if (raw.bodyUsed) return (await req.arrayBuffer()).byteLength > 0;
  const body = raw.clone().body;
  if (!body) return false;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      if (value.byteLength > 0) return true;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * The provider says who the bearer is; the portal's directory says what they may do. A signed-in identity the
 * directory does not know may reach only the onboarding routes (`signedIn`).
 */
const authorize =
  (access: Exclude<Access, 'public'>): Step =>
  async (c) => {
    const deps = c.get('deps');
    const identity = await deps.verifyIdentity(c.req.header('Authorization'));
    const { principal } = await callerOf(useCaseContext(deps), identity);
    c.set('identity', identity);
    if (principal) c.set('principal', principal);
    if (access === 'signedIn') return;
    if (!principal) throw onboardingRequired();
    if (!access.includes(principal.role))
      throw forbidden(`The ${principal.role} role may not call this route.`);
  };

const onboardingRequired = () => {
  const message = 'your sign-in is not linked to an organisation yet';
  return new DomainError(
    'forbidden',
    'Your sign-in is not linked to an organisation yet: claim your enterprise (POST /org-claims) or ask your ' +
      'administrator for an invitation.',
    { errors: [{ path: 'header.Authorization', code: 'onboarding_required', message }] },
  );
};

export const MAX_IDEMPOTENCY_KEY_LENGTH = 64;

/**
 * Validates `Idempotency-Key` and scopes it to the caller's tenant and request. The route's use case writes the
 * record in its own transaction (`respond`), so a retry sees the stored answer or performs the write, never both.
 */
const idempotency: Step = async (c) => {
  const key = c.req.header('Idempotency-Key');
  if (key !== undefined) {
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key))
      throw validationError([
        {
          path: 'header.Idempotency-Key',
          message: `must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`,
        },
      ]);
    const requestHash = createHash('sha256')
      .update(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)
      .digest('base64url');
    const principal = c.get('principal');
    const tenant = principal ? tenantOf(principal) : `identity:${c.get('identity').sub}`;
    c.set('idempotencyKey', { tenant, key, requestHash });
  }
};
