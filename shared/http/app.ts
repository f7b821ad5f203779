import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { validationError } from '../domain/errors.js';
import type { AppEnv, PortalApp, PortalDeps } from './context.js';
import { errorToProblem, problemResponse } from './problem.js';
import { routeTable } from './route.js';
import { registerInstitutionRoutes } from './routes/institutions.js';
import { registerSystemRoutes } from './routes/system.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** Builds the portal's HTTP app. The same app runs in Lambda (hono/aws-lambda) and locally (node-server). */
export function createApp(deps: PortalDeps): PortalApp {
  const app: PortalApp = new OpenAPIHono<AppEnv>({
    // Validation failures become one 400 naming every field; zod's raw result never reaches a client.
    defaultHook: (result) => {
      if (!result.success) {
        const where = (result as { target?: string }).target;
        throw validationError(
          result.error.issues.map((issue) => ({
            path: [where === 'json' ? '' : `${where}.`, issue.path.join('.')].join('') || where || '',
            message: issue.message,
          })),
          `The request ${where === 'json' ? 'body' : where} is not valid.`,
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

  app.notFound((c) => {
    const allowed = routeTable(app)
      .filter((r) => pathPattern(r.path).test(c.req.path))
      .map((r) => r.method);
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
