import { type DomainError, unavailable } from '../domain/errors.js';

/** Error names DynamoDB uses for "busy, try again": throttling and transaction conflicts. */
const RETRYABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
]);

const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

interface CancellationReason {
  Code?: string;
}

export const cancellationReasons = (error: unknown): string[] => {
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
};

/** The code a transaction item reports when its own condition failed. */
export const CONDITION_FAILED = 'ConditionalCheckFailed';

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

export const isTransactionCancelled = (error: unknown): boolean =>
  error instanceof Error && error.name === 'TransactionCanceledException';

/**
 * Maps a DynamoDB error the client should retry to a 503 domain error. Returns undefined for
 * anything else, which the caller must handle or let surface as a server fault.
 */
export function retryableStoreError(error: unknown): DomainError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (RETRYABLE.has(error.name)) return unavailable();
  if (isTransactionCancelled(error) && cancellationReasons(error).some((code) => RETRYABLE_REASONS.has(code)))
    return unavailable();
  return undefined;
}

/**
 * The per-item reasons of a transaction that a condition cancelled. Anything else — another error, or a
 * cancellation for a retryable reason — is rethrown unchanged for the caller's error mapping.
 */
export function conditionCancellationReasons(error: unknown): string[] {
  if (!isTransactionCancelled(error) || retryableStoreError(error)) throw error;
  return cancellationReasons(error);
}
