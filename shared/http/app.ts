import { type Context, Hono, type Next } from 'hono';
import type { AppEnv, PortalApp, PortalDeps } from './context.js';
import { errorToProblem, problemResponse } from './problem.js';
import { bindDeps, honoPath, logOutcome, type ManifestRoute, routeTable, setRouteTable } from './route.js';
import { ROUTE_GROUPS, type RouteGroup } from './routes/index.js';

/**
 * Builds the portal's HTTP app. The same app runs in Lambda (hono/aws-lambda) and locally (node-server).
 *
 * Without a manifest every route module is loaded and registered before the app answers. With one (the Lambda's,
 * written at build time), every route is routed at once but its module is loaded on the first request that
 * needs it: a cold start then evaluates none of the route schemas, and a request pays only for its own group.
 */
export async function createApp(deps: PortalDeps, manifest?: readonly ManifestRoute[]): Promise<PortalApp> {
  // Request validation is installed per route by addRoute (route.ts).
  const app: PortalApp = new Hono<AppEnv>();

  // No app-wide middleware: each route's one handler (route.ts) takes its deps, limits its body and logs its
  // outcome, so Hono calls it directly instead of composing a chain for every request.
  bindDeps(app, deps);
  if (manifest) routeOnDemand(app, deps, manifest);
  else
    for (const [group, load] of Object.entries(ROUTE_GROUPS)) {
      const from = routeTable(app).length;
      (await load())(app);
      for (const entry of routeTable(app).slice(from)) entry.group = group;
    }

  // Every route is registered before the first request: compile the path patterns once, on first use.
  let patterns: { method: string; pattern: RegExp }[] | undefined;
  app.notFound((c) => {
    patterns ??= routeTable(app).map((r) => ({ method: r.method, pattern: pathPattern(r.path) }));
    const allowed = patterns.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method);
    const res =
      allowed.length > 0
        ? problemResponse(
            c,
            405,
            `${c.req.method} is not allowed here; use ${allowed.join(', ')}.`,
            {},
            {
              Allow: allowed.join(', '),
            },
          )
        : problemResponse(c, 404, `No route ${c.req.method} ${c.req.path}.`);
    return logOutcome(c, deps, res);
  });
  const toProblem = errorToProblem((error, c) =>
    deps.logFault?.(error, { method: c.req.method, path: c.req.path }),
  );
  app.onError((error, c) => logOutcome(c, deps, toProblem(error, c)));
  return app;
}

type Handler = (c: Context<AppEnv>, next: Next) => Response | Promise<Response>;

/** The manifest the Lambda bundle inlines (infra/bundling.ts defines its path); elsewhere there is none. */
export const builtRouteManifest = async (): Promise<ManifestRoute[] | undefined> =>
  process.env.PORTAL_ROUTES_JSON === undefined
    ? undefined
    : (await import(process.env.PORTAL_ROUTES_JSON, { with: { type: 'json' } })).default;

/**
 * Registers every route of the manifest with a handler that loads its group once (on a scratch app whose
 * registration hands over the real handlers) and from then on calls the route's own handler directly. Only for
 * a bundle that carries its OpenAPI document: the scratch apps cannot generate it.
 */
function routeOnDemand(app: PortalApp, deps: PortalDeps, manifest: readonly ManifestRoute[]): void {
  setRouteTable(app, [...manifest]);
  const groups = new Map<string, Promise<Map<string, Handler>>>();
  const loadGroup = (group: string) => {
    let loaded = groups.get(group);
    if (!loaded) {
      loaded = (async () => {
        const scratch: PortalApp = new Hono<AppEnv>();
        bindDeps(scratch, deps);
        (await ROUTE_GROUPS[group as RouteGroup]())(scratch);
        return new Map(scratch.routes.map((r) => [`${r.method} ${r.path}`, r.handler as unknown as Handler]));
      })();
      // A failed load (say, a throttled start) is tried again by the next request.
      loaded.catch(() => groups.delete(group));
      groups.set(group, loaded);
    }
    return loaded;
  };
  for (const route of manifest) {
    const path = honoPath(route.path);
    let handler: Handler | undefined;
    app.on([route.method], [path], async (c, next) => {
      handler ??= (await loadGroup(route.group)).get(`${route.method} ${path}`);
      if (!handler) throw new Error(`${route.method} ${route.path} is not in route group ${route.group}.`);
      return handler(c, next);
    });
  }
}

const pathPattern = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
