import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.js';
import { Store } from '../store/toolkit.js';
import { Engine } from './engine.js';
import type { ObjectStorage } from './object-storage.js';

/** What every use case runs with: the store, the engine over it, the clock and the id source. */
export interface UseCaseContext {
  store: Store;
  engine: Engine;
  clock: Clock;
  newId: () => string;
  /** The files bucket (documents, imports), where the composition root has one. */
  storage?: ObjectStorage | undefined;
}

interface ContextDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  clock: Clock;
  newId: () => string;
  storage?: ObjectStorage | undefined;
}

// Built once per composition root (the app's deps live as long as the app), not on every request.
const contexts = new WeakMap<ContextDeps, UseCaseContext>();

export function useCaseContext(deps: ContextDeps): UseCaseContext {
  let uc = contexts.get(deps);
  if (!uc) {
    const store = new Store(deps.db, deps.tableName);
    uc = {
      store,
      engine: new Engine(store, () => deps.clock.now()),
      clock: deps.clock,
      newId: deps.newId,
      storage: deps.storage,
    };
    contexts.set(deps, uc);
  }
  return uc;
}

/** A scheduled job's context: its clock stands still at the run's instant, ids are random. */
export const jobContext = (
  deps: { db: DynamoDBDocumentClient; tableName: string },
  clock: Clock,
): UseCaseContext => useCaseContext({ ...deps, clock, newId: () => randomUUID() });
