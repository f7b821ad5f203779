import { importJobDeps } from '../shared/runtime/import-deps.js';
import { finishImport } from '../shared/usecases/imports.js';

/** The import state machine's last step: the error report and the final status (failed when a batch failed). */
const { uc, logger } = importJobDeps();

export const handler = async (input: { importId: string; error?: { Error?: string } }) => {
  await finishImport(
    uc,
    input.importId,
    input.error
      ? {
          code: 'import_interrupted',
          message:
            'The import stopped on a fault; the rows counted were applied. Import the file again to finish.',
        }
      : undefined,
  );
  logger.info('Import finished', { importId: input.importId, failed: input.error !== undefined });
  return { importId: input.importId };
};
