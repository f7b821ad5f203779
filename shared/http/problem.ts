import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type DomainErrorKind } from '../domain/errors.js';
import { busyError } from '../usecases/system.js';

/** Where the problem types live (RFC 9457 `type`). */
export const PROBLEM_TYPE_BASE = 'https://ip-finance-portal.example/problems';

/**
 * The one place errors become RFC 9457 problem+json. Nothing else writes an error response.
 */
const STATUS: Record<DomainErrorKind, ContentfulStatusCode> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  precondition_failed: 412,
  unprocessable: 422,
  unavailable: 503,
};

const TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const RETRY_AFTER_SECONDS = '1';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const slug = (TITLE[status] ?? 'Error').toLowerCase().replace(/ /g, '-');
  const body: Problem = {
    type: `${PROBLEM_TYPE_BASE}/${slug}`,
    title: TITLE[status] ?? 'Error',
    status,
    detail,
    instance: c.req.path,
    ...extra,
  };
  return c.body(JSON.stringify(body), status, { 'Content-Type': PROBLEM_CONTENT_TYPE, ...headers });
}

export type FaultLogger = (error: unknown, c: Context) => void;

/** Hono `onError` handler: domain errors, store back-pressure, framework errors, then a bare 500. */
export const errorToProblem =
  (logFault: FaultLogger) =>
  (error: unknown, c: Context): Response => {
    if (error instanceof DomainError) {
      const status = STATUS[error.kind];
      const headers: Record<string, string> =
        error.kind === 'unavailable' ? { 'Retry-After': RETRY_AFTER_SECONDS } : {};
      if (error.kind === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer';
      return problemResponse(c, status, error.message, error.extra, headers);
    }
    const busy = busyError(error);
    if (busy) return problemResponse(c, 503, busy.message, {}, { 'Retry-After': RETRY_AFTER_SECONDS });
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      return problemResponse(c, status, status === 413 ? 'The request body exceeds 64 KiB.' : error.message);
    }
    logFault(error, c);
    return problemResponse(c, 500, 'An unexpected error occurred; it has been logged.');
  };
