/**
 * Typed domain errors. The HTTP layer maps each kind to an RFC 9457 problem in exactly one place
 * (`http/problem.ts`); the domain itself knows nothing of HTTP.
 */
export interface FieldIssue {
  path: string;
  /** A stable machine code (API.md v2) for pages to render in the user's language. */
  code?: string;
  /** What the code's sentence needs (a bound, the allowed values), so that it reads whole in any language. */
  params?: Record<string, string | number>;
  message: string;
}

export type DomainErrorKind =
  | 'validation' // 400: malformed input
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'invalid_state' // 409 with the current state
  | 'precondition_failed' // 412
  | 'unprocessable' // 422: well-formed but refused by a business rule
  | 'unavailable'; // 503: retry later

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationError = (issues: FieldIssue[], detail = 'The request is not valid.') =>
  new DomainError('validation', detail, { errors: issues });

export const notFound = (what: string) => new DomainError('not_found', `${what} was not found.`);

export const forbidden = (detail = 'Your role may not perform this operation.') =>
  new DomainError('forbidden', detail);

export const conflict = (detail: string, extra: Record<string, unknown> = {}) =>
  new DomainError('conflict', detail, extra);

export const invalidState = (detail: string, currentState: string) =>
  new DomainError('invalid_state', detail, { currentState });

export const unprocessable = (detail: string, extra: Record<string, unknown> = {}) =>
  new DomainError('unprocessable', detail, extra);

export const preconditionFailed = (currentVersion: number) =>
  new DomainError(
    'precondition_failed',
    `If-Match does not match the current version ${currentVersion}; reload and retry.`,
    { currentVersion },
  );

/** If-Match: a caller who names another version than the current one (`expected`, when given) gets 412. */
export function checkExpectedVersion(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw preconditionFailed(current);
}

export const unavailable = (detail = 'The database is busy; retry shortly.') =>
  new DomainError('unavailable', detail);

/**
 * A refusal that settles the matter (the state moved on, the rule says no, it was done already), as opposed to a
 * fault worth retrying (`unavailable`, a busy table): a consumer or job may pass over the first, never the second.
 */
export const isSettledRefusal = (error: unknown): boolean =>
  error instanceof DomainError &&
  (error.kind === 'conflict' ||
    error.kind === 'invalid_state' ||
    error.kind === 'unprocessable' ||
    error.kind === 'not_found');
