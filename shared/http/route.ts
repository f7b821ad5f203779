import { createHash } from 'node:crypto';
import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
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
}

const registries = new WeakMap<PortalApp, RouteEntry[]>();

/** The route table of an app: used for 405 answers, the authorisation matrix test and the docs. */
export const routeTable = (app: PortalApp): readonly RouteEntry[] => registries.get(app) ?? [];

export interface RouteOptions {
  /** Honour `Idempotency-Key` (creating POSTs and state-changing actions). */
  idempotent?: boolean;
}

/**
 * Registers a route with its access rule. Authentication and the role check run before request
 * validation, so an anonymous caller learns nothing about the body a route expects.
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
  };
  registries.set(app, [...routeTable(app), entry]);
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (access !== 'public') middleware.push(authorize(access));
  if (options.idempotent) middleware.push(idempotency);
  const documented = {
    ...route,
    middleware: [...middleware, ...asArray(route.middleware)],
    security: access === 'public' ? [] : [{ bearer: [] }],
    'x-roles': access === 'public' ? ['public'] : [...access],
  };
  app.openapi(documented as R, handler as never);
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
