import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Store } from '../store/toolkit.js';
import { Engine } from './engine.js';

/** What every use case runs with: the store, the engine over it, the clock and the id source. */
export interface UseCaseContext {
  store: Store;
  engine: Engine;
  now: () => Date;
  newId: () => string;
}

export function useCaseContext(deps: {
  db: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
  newId: () => string;
}): UseCaseContext {
  const store = new Store(deps.db, deps.tableName);
  return { store, engine: new Engine(store, deps.now), now: deps.now, newId: deps.newId };
}

/** A scheduled job's context: its clock stands still at the run's instant, ids are random. */
export const jobContext = (
  deps: { db: DynamoDBDocumentClient; tableName: string },
  now: Date,
): UseCaseContext => useCaseContext({ ...deps, now: () => now, newId: () => randomUUID() });
