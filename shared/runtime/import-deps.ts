import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { systemClock } from '../domain/clock.js';
import { DEFAULT_IMPORT_BATCH_ROWS } from '../domain/import.js';
import { createDocumentClient } from '../store/dynamo-client.js';
import { type UseCaseContext, useCaseContext } from '../usecases/context.js';
import { s3Storage } from './s3-storage.js';

/** What the import state machine's functions need: the use cases (with the files bucket), a logger, the batch size. */
export interface ImportJobDeps {
  uc: UseCaseContext;
  logger: Logger;
  batchRows: number;
}

/** The composition root of the import functions; `TABLE_NAME` and `FILES_BUCKET` are set by the CDK stack. */
export function importJobDeps(env: NodeJS.ProcessEnv = process.env): ImportJobDeps {
  const tableName = env.TABLE_NAME?.trim();
  const bucket = env.FILES_BUCKET?.trim();
  const missing = [!tableName && 'TABLE_NAME', !bucket && 'FILES_BUCKET'].filter(Boolean);
  if (missing.length > 0)
    throw new Error(`Missing environment variable(s): ${missing.join(', ')} (set by the CDK stack).`);
  const batchRows = Number(env.IMPORT_BATCH_ROWS ?? DEFAULT_IMPORT_BATCH_ROWS);
  return {
    uc: useCaseContext({
      db: createDocumentClient(),
      tableName: tableName!,
      clock: systemClock(),
      newId: () => randomUUID(),
      storage: s3Storage({ bucket: bucket!, scanned: false }),
    }),
    logger: new Logger(),
    batchRows: Number.isInteger(batchRows) && batchRows > 0 ? batchRows : DEFAULT_IMPORT_BATCH_ROWS,
  };
}
