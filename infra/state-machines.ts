import { type Duration, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionSettings } from './portal-function.js';

/**
 * A state machine of the portal's (the statistics audit, the bulk import): its own encrypted execution log at the
 * ALL level (without execution data), and the cdk-nag findings every such machine answers the same way.
 */
export function loggedStateMachine(
  scope: Construct,
  props: { comment: string; definition: sfn.IChainable; timeout: Duration; settings: FunctionSettings },
): sfn.StateMachine {
  const logGroup = new logs.LogGroup(scope, 'ExecutionLogs', {
    retention: props.settings.logs.retention,
    encryptionKey: props.settings.logs.encryptionKey,
  });
  const machine = new sfn.StateMachine(scope, 'StateMachine', {
    comment: props.comment,
    definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
    timeout: props.timeout,
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    tracingEnabled: false,
  });
  const resource = machine.node.defaultChild as sfn.CfnStateMachine;
  Validations.of(resource).acknowledge({
    id: 'AwsSolutions-SF2',
    reason:
      'Not yet: X-Ray tracing comes with the Powertools Tracer for every function at once (as for the Lambdas); ' +
      'the execution history and its ALL-level log show each step’s invocation.',
  });
  Validations.of(resource).acknowledge({
    id: 'Serverless-StepFunctionStateMachineXray',
    reason: 'As AwsSolutions-SF2: tracing comes with the Powertools Tracer, for every function at once.',
  });
  Validations.of(machine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'CloudWatch Logs’ log-delivery actions (logs:CreateLogDelivery, GetLogDelivery, …), which Step Functions ' +
      'needs to write its execution log, support no resource-level permissions: AWS documents Resource "*".',
  });
  return machine;
}
