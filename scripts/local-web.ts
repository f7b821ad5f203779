/**
 * The local portal's front door (`npm start` only, never the Lambda app): the built web portal at `/`, its
 * `config.json` naming the local OpenID Connect provider, and every other request handed to the API app unchanged.
 * The deployed stack serves the same build from S3/CloudFront with a config.json naming its own provider.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { LOCAL_AUDIENCE } from '../shared/auth/local-issuer.js';
import type { PortalApp } from '../shared/http/context.js';

/** Where `npm run build:web` puts the portal (Vite output of web/). */
export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Web portal not built</title>
<p>The web portal has not been built yet. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it when needed), then reload.</p>
<p>The API is served here as usual; its reference is at <a href="/docs">/docs</a>.</p>`;

export function withLocalWeb(api: PortalApp, providerIssuer: string, webDist: string = WEB_DIST): Hono {
  const host = new Hono();
  const index = join(webDist, 'index.html');

  host.get('/config.json', (c) =>
    c.json({ auth: 'oidc', issuer: providerIssuer, clientId: LOCAL_AUDIENCE, apiBaseUrl: '' }),
  );

  // Created on first use: a portal started before the first build must not complain about a missing folder.
  let assets: ReturnType<typeof serveStatic> | undefined;
  host.get('/web-assets/*', (c, next) => {
    assets ??= existsSync(webDist) ? serveStatic({ root: webDist }) : undefined;
    return assets ? assets(c, next) : next();
  });
  host.get('/', (c, next) =>
    existsSync(index) ? serveStatic({ path: index })(c, next) : Promise.resolve(c.html(NOT_BUILT, 503)),
  );
  host.all('*', (c) => api.fetch(c.req.raw, c.env));
  return host;
}
