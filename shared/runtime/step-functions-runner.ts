import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ImportRunner } from '../usecases/imports.js';

/**
 * Deployed: a started import is one execution of the import state machine (infra/import-pipeline.ts), named by
 * the import, so a repeated start cannot run it twice.
 */
export function stepFunctionsImportRunner(stateMachineArn: string, client = new SFNClient({})): ImportRunner {
  return {
    async start(importId) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: `import-${importId}`,
            input: JSON.stringify({ importId }),
          }),
        );
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}
