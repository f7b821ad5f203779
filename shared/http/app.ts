import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { validationError } from '../domain/errors.js';
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
  const app: PortalApp = new OpenAPIHono<AppEnv>({
    // Validation failures become one 400 naming every field; zod's raw result never reaches a client.
    defaultHook: (result) => {
      if (!result.success) {
        const target = (result as { target?: string }).target ?? 'request';
        throw validationError(
          result.error.issues.map((issue) => ({ path: issuePath(target, issue), message: issue.message })),
          `The request ${target === 'json' ? 'body' : target} is not valid.`,
        );
      }
    },
  });

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    const started = performance.now();
    await next();
    deps.logRequest?.({
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      role: c.var.principal?.role ?? null,
      durationMs: Math.round(performance.now() - started),
    });
  });
  // hono's bodyLimit believes a Content-Length header and then never counts; a header that understates
  // the body would let any size through. Drop it so the bytes actually sent are counted.
  app.use('*', async (c, next) => {
    const raw = c.req.raw;
    if (raw.body && raw.headers.has('content-length')) {
      const headers = new Headers(raw.headers);
      headers.delete('content-length');
      c.req.raw = new Request(raw, { headers, duplex: 'half' } as RequestInit);
    }
    await next();
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: 'The request body exceeds 64 KiB.' });
      },
    }),
  );

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

/** Body fields are named bare (`name`); others by where they came from (`query.limit`, `param.id`). */
function issuePath(target: string, issue: { path: PropertyKey[]; code: string; keys?: string[] }): string {
  const segments = issue.path.map(String);
  // Unknown keys are reported on the object holding them; name the offending key instead.
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) segments.push(issue.keys.join(','));
  const field = segments.join('.');
  if (target === 'json') return field || 'body';
  return field ? `${target}.${field}` : target;
}

const pathPattern = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
