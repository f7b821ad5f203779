import { importJobDeps } from '../shared/runtime/import-deps.js';
import { prepareImportObjects } from '../shared/usecases/imports.js';

/** The import state machine's first step: read the uploaded file, cut it into batch objects and their manifest. */
const { uc, logger, batchRows } = importJobDeps();

export const handler = async (input: { importId: string }) => {
  const prepared = await prepareImportObjects(uc, input.importId, batchRows);
  logger.info('Import prepared', { importId: input.importId, batches: prepared.batches });
  return prepared;
};
