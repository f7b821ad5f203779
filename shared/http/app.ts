import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv, PortalApp, PortalDeps } from './context.js';
import { errorToProblem, problemResponse } from './problem.js';
import { routeTable } from './route.js';
import { registerAssetRoutes } from './routes/assets.js';
import { registerClaimRoutes } from './routes/claims.js';
import { registerCoOwnerConsentRoutes } from './routes/co-owner-consents.js';
import { registerDesignationRoutes } from './routes/designations.js';
import { registerEnterpriseRoutes } from './routes/enterprises.js';
import { registerEventRoutes } from './routes/events.js';
import { registerInstitutionRoutes } from './routes/institutions.js';
import { registerLoanRoutes, registerPledgeRoutes } from './routes/pledges.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerStatsRoutes } from './routes/stats.js';
import { registerSystemRoutes } from './routes/system.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** Builds the portal's HTTP app. The same app runs in Lambda (hono/aws-lambda) and locally (node-server). */
export function createApp(deps: PortalDeps): PortalApp {
  // Request validation is installed per route by addRoute (route.ts).
  const app: PortalApp = new Hono<AppEnv>();

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: 'The request body exceeds 64 KiB.' });
    },
  });
  // One middleware, not three: every layer costs each request an async hop.
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    const started = performance.now();
    const raw = c.req.raw;
    if (raw.body) {
      // hono's bodyLimit believes a Content-Length header and then never counts; a header that understates
      // the body would let any size through. Drop it so the bytes actually sent are counted.
      if (raw.headers.has('content-length')) {
        const headers = new Headers(raw.headers);
        headers.delete('content-length');
        c.req.raw = new Request(raw, { headers, duplex: 'half' } as RequestInit);
      }
      await limitBody(c, next);
    } else await next();
    deps.logRequest?.({
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      role: c.var.principal?.role ?? null,
      durationMs: Math.round(performance.now() - started),
    });
  });

  registerSystemRoutes(app);
  registerInstitutionRoutes(app);
  registerEnterpriseRoutes(app);
  registerAssetRoutes(app);
  registerPledgeRoutes(app);
  registerLoanRoutes(app);
  registerCoOwnerConsentRoutes(app);
  registerPolicyRoutes(app);
  registerClaimRoutes(app);
  registerDesignationRoutes(app);
  registerStatsRoutes(app);
  registerEventRoutes(app);

  // Every route is registered before the first request: compile the path patterns once, on first use.
  let patterns: { method: string; pattern: RegExp }[] | undefined;
  app.notFound((c) => {
    patterns ??= routeTable(app).map((r) => ({ method: r.method, pattern: pathPattern(r.path) }));
    const allowed = patterns.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method);
    if (allowed.length > 0)
      return problemResponse(
        c,
        405,
        `${c.req.method} is not allowed here; use ${allowed.join(', ')}.`,
        {},
        {
          Allow: allowed.join(', '),
        },
      );
    return problemResponse(c, 404, `No route ${c.req.method} ${c.req.path}.`);
  });
  app.onError(
    errorToProblem((error, c) => deps.logFault?.(error, { method: c.req.method, path: c.req.path })),
  );
  return app;
}

const pathPattern = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
