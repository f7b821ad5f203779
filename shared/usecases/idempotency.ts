import { unprocessable } from '../domain/errors.js';
import type { StoredRecord, StoredResponse } from '../store/idempotency-store.js';

export type { IdempotencyRequest, StoredResponse } from '../store/idempotency-store.js';

/** Thrown by a use case that found its `Idempotency-Key` already answered: the HTTP layer replays the response. */
export class Replayed extends Error {
  constructor(readonly response: StoredResponse) {
    super('replayed');
    this.name = 'Replayed';
  }
}

/** Nothing stored → go on; the same request stored → `Replayed`; another request under the key → 422. */
export function replayIfStored(stored: StoredRecord | undefined, requestHash: string): void {
  if (!stored) return;
  if (stored.requestHash !== requestHash)
    throw unprocessable('This Idempotency-Key was already used with a different request.');
  throw new Replayed(stored.response);
}
