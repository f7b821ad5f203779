/**
 * The local portal's front door (`npm start` only, never the Lambda app): the built web portal at `/`,
 * the local sign-in endpoints under `/local/`, and every other request handed to the API app unchanged.
 * The deployed stack serves the same build from S3/CloudFront and signs users in through Cognito.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { LocalIssuer } from '../shared/auth/local-issuer.js';
import { isRole, ROLES } from '../shared/auth/principal.js';
import { INSTITUTION_ID_PATTERN } from '../shared/domain/institution.js';
import { checkUscc } from '../shared/domain/uscc.js';
import type { PortalApp } from '../shared/http/context.js';

/** Where `npm run build:web` puts the portal (Vite output of web/). */
export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

/** A working day; the page signs in again when a token has expired. */
const TOKEN_TTL_SECONDS = 12 * 60 * 60;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Web portal not built</title>
<p>The web portal has not been built yet. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it when needed), then reload.</p>
<p>The API is served here as usual; its reference is at <a href="/docs">/docs</a>.</p>`;

type TokenRequest = { role?: unknown; org?: unknown };

/** Validates a sign-in request exactly as `npm run token` does; returns the claims or a message. */
function claimsOf(body: TokenRequest): { role: (typeof ROLES)[number]; org: string | null } | string {
  const { role, org } = body;
  if (!isRole(role)) return `role must be one of ${ROLES.join(', ')}`;
  if (role === 'ipoffice') return org ? 'an ipoffice user has no organisation' : { role, org: null };
  if (typeof org !== 'string' || !org.trim()) return `a ${role} user needs an organisation`;
  if (role === 'enterprise') {
    const check = checkUscc(org);
    return check.ok ? { role, org: check.uscc } : `not a valid USCC: ${check.reason}`;
  }
  return INSTITUTION_ID_PATTERN.test(org.trim())
    ? { role, org: org.trim() }
    : 'an institution id is 2–40 of a-z, 0-9 and -';
}

export function withLocalWeb(api: PortalApp, issuer: LocalIssuer, webDist: string = WEB_DIST): Hono {
  const host = new Hono();
  const index = join(webDist, 'index.html');

  host.get('/config.json', (c) => c.json({ auth: 'local', apiBaseUrl: '' }));

  host.post('/local/token', async (c) => {
    const body = (await c.req.json().catch(() => null)) as TokenRequest | null;
    const claims = body && typeof body === 'object' ? claimsOf(body) : 'expected a JSON body { role, org }';
    if (typeof claims === 'string') {
      return c.json(
        {
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: claims,
          errors: [{ path: 'org', message: claims }],
        },
        400,
        { 'Content-Type': 'application/problem+json' },
      );
    }
    const sub = claims.org ? `local-${claims.role}-${claims.org}` : `local-${claims.role}`;
    const token = await issuer.sign(claims.role, claims.org, { ttlSeconds: TOKEN_TTL_SECONDS, sub });
    return c.json({ token, role: claims.role, org: claims.org, expiresIn: TOKEN_TTL_SECONDS });
  });

  // The organisations a local user can sign in as, so the sign-in page offers a list instead of a blank.
  host.get('/local/organisations', async (c) => {
    const auth = { Authorization: `Bearer ${await issuer.sign('ipoffice', null, { ttlSeconds: 60 })}` };
    const list = async (path: string) => {
      const res = await api.request(path, { headers: auth });
      return res.ok ? ((await res.json()) as { items: Record<string, unknown>[] }).items : [];
    };
    const [institutions, enterprises] = await Promise.all([
      list('/institutions?limit=100'),
      list('/enterprises?limit=100'),
    ]);
    return c.json({
      institutions: institutions.map((i) => ({ id: i.id, kind: i.kind, name: i.name })),
      enterprises: enterprises.map((e) => ({ uscc: e.uscc, name: e.name })),
    });
  });

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
