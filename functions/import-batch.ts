import { importJobDeps } from '../shared/runtime/import-deps.js';
import { applyImportBatchObject, type BatchRef } from '../shared/usecases/imports.js';

/** One Distributed Map iteration of an import: a batch of rows through the use cases (`applyImportBatch`). */
const { uc, logger } = importJobDeps();

export const handler = async (ref: BatchRef) => {
  const counts = await applyImportBatchObject(uc, ref);
  logger.info('Import batch applied', { importId: ref.importId, batch: ref.index, ...counts });
  return counts;
};
