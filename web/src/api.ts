/**
 * The typed API client. Paths, bodies and responses come from `api-types.ts`, generated from the API's
 * own OpenAPI document at build time: a page that no longer fits the API fails the type check.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Role = 'enterprise' | 'lender' | 'insurer' | 'ipoffice';

export interface Session {
  token: string;
  role: Role;
  org: string | null;
}

export interface PortalConfig {
  auth: 'local' | 'cognito';
  /** '' locally (same origin); '/api' behind CloudFront. */
  apiBaseUrl: string;
  cognito?: { region: string; userPoolId: string; clientId: string };
}

const SESSION_KEY = 'portal.session';

export const loadSession = (): Session | null => {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
};
export const storeSession = (session: Session | null): void => {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
};

export async function loadConfig(): Promise<PortalConfig> {
  const res = await fetch('./config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return (await res.json()) as PortalConfig;
}

export type ApiClient = ReturnType<typeof createClient<paths>>;

/**
 * A client that sends the bearer token, an Idempotency-Key on every POST (a network retry of the same
 * submission cannot create twice), and reports 401s so the page can ask the user to sign in again.
 */
export function createApi(config: PortalConfig, session: Session, onUnauthorized: () => void): ApiClient {
  const client = createClient<paths>({ baseUrl: config.apiBaseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${session.token}`);
      if (request.method === 'POST' && !request.headers.has('Idempotency-Key'))
        request.headers.set('Idempotency-Key', crypto.randomUUID());
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
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

/** The local portal's sign-in (never in the deployed build). */
export async function localSignIn(
  role: Role,
  org: string,
): Promise<{ ok: true; session: Session } | { ok: false; problem: Problem }> {
  const res = await fetch('./local/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(role === 'ipoffice' ? { role } : { role, org }),
  });
  const body = (await res.json()) as { token: string; role: Role; org: string | null } | Problem;
  if (!res.ok || !('token' in body)) return { ok: false, problem: body as Problem };
  return { ok: true, session: { token: body.token, role: body.role, org: body.org } };
}

export async function localOrganisations(): Promise<{
  institutions: { id: string; kind: 'lender' | 'insurer'; name: string }[];
  enterprises: { uscc: string; name: string }[];
}> {
  const res = await fetch('./local/organisations');
  return res.ok ? await res.json() : { institutions: [], enterprises: [] };
}
