import { createHash } from 'node:crypto';
import type { createRoute as CreateRoute, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { HonoRequest, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import type { ZodType } from 'zod';
import type { Role } from '../auth/principal.js';
import { tenantOf } from '../domain/actor.js';
import { forbidden, validationError } from '../domain/errors.js';
import type { AppEnv, PortalApp } from './context.js';

/** Who may call a route. There is no default: every route states it, and anything else is denied. */
export type Access = readonly Role[] | 'public';

export interface RouteEntry {
  method: string;
  /** OpenAPI-style path, e.g. `/assets/{id}`. */
  path: string;
  access: Access;
  idempotent: boolean;
  /** The route's contract as the OpenAPI document describes it (shared/http/openapi.ts). */
  documented: RouteConfig;
}

const registries = new WeakMap<PortalApp, RouteEntry[]>();

/** The route table of an app: used for 405 answers, the authorisation matrix test and the docs. */
export const routeTable = (app: PortalApp): readonly RouteEntry[] => registries.get(app) ?? [];

export interface RouteOptions {
  /** Honour `Idempotency-Key` (creating POSTs and state-changing actions). */
  idempotent?: boolean;
}

/** A route's contract (request schemas, responses, documentation), typed as `@hono/zod-openapi` types it. */
export const createRoute: typeof CreateRoute = (route) =>
  Object.defineProperty(
    { ...route, getRoutingPath: () => route.path.replaceAll(/\/{(.+?)}/g, '/:$1') },
    'getRoutingPath',
    { enumerable: false },
  ) as never;

/**
 * Registers a route with its access rule. Authentication and the role check run before request
 * validation, so an anonymous caller learns nothing about the body a route expects.
 *
 * The app is plain Hono: the request schemas become validators here, and the OpenAPI document is generated
 * from the route table apart from the app (shared/http/openapi.ts), so its generator stays out of the Lambda.
 * The validators are those `@hono/zod-openapi` would install, for the request parts the portal uses.
 */
export function addRoute<R extends RouteConfig>(
  app: PortalApp,
  access: Access,
  route: R,
  handler: RouteHandler<R, AppEnv>,
  options: RouteOptions = {},
): void {
  const { middleware: own, ...contract } = route;
  const entry: RouteEntry = {
    method: route.method.toUpperCase(),
    path: route.path,
    access,
    idempotent: !!options.idempotent,
    documented: {
      ...contract,
      security: access === 'public' ? [] : [{ bearer: [] }],
      'x-roles': access === 'public' ? ['public'] : [...access],
    } as RouteConfig,
  };
  registries.set(app, [...routeTable(app), entry]);
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (access !== 'public') middleware.push(authorize(access));
  if (options.idempotent) middleware.push(idempotency);
  app.on(
    [route.method],
    [route.path.replaceAll(/\/{(.+?)}/g, '/:$1')],
    ...middleware,
    ...(asArray(own) as MiddlewareHandler<AppEnv>[]),
    ...requestValidators(route),
    handler as never,
  );
}

function requestValidators(route: RouteConfig): MiddlewareHandler<AppEnv>[] {
  const { query, params, headers, cookies, body } = route.request ?? {};
  const media = Object.keys(body?.content ?? {});
  if (cookies || media.some((m) => m !== 'application/json'))
    throw new Error(
      `${route.method} ${route.path}: only JSON bodies, query, path and header schemas are validated.`,
    );
  const validators: MiddlewareHandler<AppEnv>[] = [];
  if (query) validators.push(validate('query', query as ZodType));
  if (params) validators.push(validate('param', params as ZodType));
  if (headers) validators.push(validate('header', headers as ZodType));
  const schema = (body?.content['application/json'] as { schema?: ZodType } | undefined)?.schema;
  if (schema) {
    validators.push(jsonOnly);
    const json = validate('json', schema);
    // An optional body may be left out entirely; the handler then sees `{}`.
    validators.push(
      body?.required
        ? json
        : async (c, next) => {
            if (c.req.header('content-type')) return json(c, next);
            c.req.addValidatedData('json', {});
            await next();
          },
    );
  }
  return validators;
}

type Target = 'query' | 'param' | 'header' | 'json';

/** Parses one part of the request; a failure is ONE 400 naming every field, never zod's raw result. */
function validate(target: Target, schema: ZodType): MiddlewareHandler<AppEnv> {
  // Header names arrive lower-cased; map them back to the schema's spelling.
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  const names =
    target === 'header' && shape ? new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k])) : undefined;
  return validator(target, async (value: Record<string, unknown>) => {
    const input = names
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [names.get(k) ?? k, v]))
      : value;
    const result = await schema.safeParseAsync(input);
    if (result.success) return result.data as never;
    throw validationError(
      result.error.issues.map((issue) => ({ path: issuePath(target, issue), message: issue.message })),
      `The request ${target === 'json' ? 'body' : target} is not valid.`,
    );
  }) as MiddlewareHandler<AppEnv>;
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
const jsonOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('content-type');
  if (type ? !JSON_MEDIA_TYPE.test(type) : await hasBody(c.req))
    throw new HTTPException(415, { message: 'Unsupported Media Type' });
  await next();
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

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const authorize =
  (roles: readonly Role[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const principal = await c.var.deps.verifyToken(c.req.header('Authorization'));
    c.set('principal', principal);
    if (!roles.includes(principal.role))
      throw forbidden(`The ${principal.role} role may not call this route.`);
    await next();
  };

const MAX_KEY_LENGTH = 64;

/**
 * Validates `Idempotency-Key` and scopes it to the caller's tenant and request. The route's use case writes the
 * record in its own transaction (`respond`), so a retry sees the stored answer or performs the write, never both.
 */
const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header('Idempotency-Key');
  if (key !== undefined) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key))
      throw validationError([
        { path: 'header.Idempotency-Key', message: `must be 1–${MAX_KEY_LENGTH} printable ASCII characters` },
      ]);
    const requestHash = createHash('sha256')
      .update(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)
      .digest('base64url');
    c.set('idempotencyKey', { tenant: tenantOf(c.var.principal), key, requestHash });
  }
  await next();
};
