import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { stepFunctionsImportRunner } from '../../shared/runtime/step-functions-runner.js';

const ARN = 'arn:aws-cn:states:cn-northwest-1:333333333333:stateMachine:imports';

describe('the Step Functions import runner', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => sfn.reset());

  it('starts one execution named by the import, with the import id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    await stepFunctionsImportRunner(ARN, new SFNClient({ region: 'cn-northwest-1' })).start('imp-1');
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: ARN, name: 'import-imp-1', input: '{"importId":"imp-1"}' },
    ]);
  });

  it('treats an execution of that name as already started (a repeated start runs nothing twice)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(
      stepFunctionsImportRunner(ARN, new SFNClient({ region: 'cn-northwest-1' })).start('imp-1'),
    ).resolves.toBeUndefined();
  });

  it('lets any other fault through (the start then fails the import)', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('throttled'));
    await expect(
      stepFunctionsImportRunner(ARN, new SFNClient({ region: 'cn-northwest-1' })).start('imp-2'),
    ).rejects.toThrow('throttled');
  });
});
