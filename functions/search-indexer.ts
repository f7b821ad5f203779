import { searchIndexer } from '../shared/runtime/event-handlers.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { Store } from '../shared/store/toolkit.js';

/** The table stream's records of enterprises, rights and pledges (filtered by the mapping) → the search index. */
const { db, tableName } = jobDeps();

export const handler = searchIndexer(new Store(db, tableName));
