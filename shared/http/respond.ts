import type { Context } from 'hono';
import type { IdempotencyRequest, StoredResponse } from '../usecases/idempotency.js';
import { Replayed } from '../usecases/idempotency.js';
import { etagOf } from './common.js';
import type { AppEnv } from './context.js';

/** How a route answers a use case's result. */
export interface Answer {
  status: number;
  body: unknown;
  version?: number;
  location?: string;
}

/**
 * Runs a use case and answers its result; with an `Idempotency-Key` the use case stores that very answer in its
 * own transaction, and a retry gets it back (`Idempotent-Replayed: true`).
 */
export async function respond<T>(
  c: Context<AppEnv>,
  run: (idempotency: IdempotencyRequest | undefined) => Promise<T>,
  answer: (result: T) => Answer,
  // `never`: the typed-route handlers accept it, and the body was rendered from the route's own schema type.
): Promise<never> {
  const key = c.get('idempotencyKey');
  const render = (result: unknown) => stored(answer(result as T));
  try {
    const result = await run(key && { ...key, render });
    return toResponse(render(result)) as never;
  } catch (error) {
    if (error instanceof Replayed)
      return toResponse(error.response, { 'Idempotent-Replayed': 'true' }) as never;
    throw error;
  }
}

function stored(a: Answer): StoredResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (a.version !== undefined) headers.etag = etagOf(a.version);
  if (a.location !== undefined) headers.location = a.location;
  return { status: a.status, headers, body: JSON.stringify(a.body) };
}

const toResponse = (r: StoredResponse, extra: Record<string, string> = {}) =>
  new Response(r.body, { status: r.status, headers: { ...r.headers, ...extra } });
