/** Operations of the portal itself, not of a business object. */
import { unavailable } from '../domain/errors.js';
import { HEALTH_KEY } from '../store/keys.js';
import type { UseCaseContext } from './context.js';

/** Readiness: one small read proves the table answers (the item never exists); any failure → 503. */
export async function checkDatabase(uc: UseCaseContext): Promise<void> {
  try {
    await uc.store.get(HEALTH_KEY, { consistent: false });
  } catch {
    throw unavailable('The database is not reachable.');
  }
}

/**
 * What a store failure that reached the caller means: DynamoDB back-pressure (throttling, a conflict) → the 503
 * domain error; anything else → undefined (a fault). For the HTTP layer, which knows no store.
 */
export { retryableStoreError as busyError } from '../store/store-errors.js';
