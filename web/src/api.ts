/**
 * The typed API client. Paths, bodies and responses come from `api-types.ts`, generated from the API's
 * own OpenAPI document at build time: a page that no longer fits the API fails the type check.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Role = 'enterprise' | 'lender' | 'insurer' | 'ipoffice';

/** Who is signed in: the ID token the API is called with, and what the portal's directory says of them. */
export interface Session {
  /** The current ID token (renewals replace it). */
  token: () => string;
  /** The identity provider's subject. */
  sub: string;
  role: Role;
  org: string | null;
  /** May invite and manage its organisation's staff (a bank's or insurer's manager). */
  manager: boolean;
}

/** What the deployment tells the pages (`config.json`): its OpenID Connect provider and where the API is. */
export interface PortalConfig {
  auth: 'oidc';
  issuer: string;
  clientId: string;
  /** '' locally (same origin); '/api' behind CloudFront. */
  apiBaseUrl: string;
  /** Cognito's logout URL (it publishes no end-session endpoint); other providers sign out through discovery. */
  signOutUrl?: string;
}

export async function loadConfig(): Promise<PortalConfig> {
  const res = await fetch('./config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return (await res.json()) as PortalConfig;
}

export type ApiClient = ReturnType<typeof createClient<paths>>;

/**
 * A client that sends the bearer token, an Idempotency-Key on every POST (a network retry of the same
 * submission cannot create twice), and reports a 401 — or a 403 saying the account was disabled — so the page can
 * end the session and say why.
 */
export function createApi(
  config: PortalConfig,
  token: () => string,
  onSignedOut: (problem: Problem | null) => void,
): ApiClient {
  const client = createClient<paths>({ baseUrl: config.apiBaseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      // The current token: a renewal replaces it while the page stays.
      request.headers.set('Authorization', `Bearer ${token()}`);
      if (request.method === 'POST' && !request.headers.has('Idempotency-Key'))
        request.headers.set('Idempotency-Key', crypto.randomUUID());
    },
    async onResponse({ response }) {
      if (response.status === 401) onSignedOut(null);
      if (response.status === 403) {
        const problem = (await response
          .clone()
          .json()
          .catch(() => null)) as Problem | null;
        if (problem?.errors?.some((e) => e.code === 'account_disabled')) onSignedOut(problem);
      }
    },
  };
  client.use(auth);
  return client;
}

/** `If-Match` for a state change made from what the page shows (stale → 412 → reload). */
export const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

/** Anything the API answered that is not a success, as problem+json (network failures included). */
export function asProblem(error: unknown, status = 0): Problem {
  if (error && typeof error === 'object' && 'status' in error && 'title' in error) return error as Problem;
  return { type: 'about:blank', title: 'Network error', status, detail: String(error ?? '') };
}
