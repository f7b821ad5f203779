import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type FunctionSettings, PortalFunction } from './portal-function.js';
import { loggedStateMachine } from './state-machines.js';

/**
 * Scan segments of the weekly audit. The bench (`npm run bench -- --only=reconcile`, DynamoDB Local, 2 busy cores)
 * scanned 10^5 items as one segment at ~4 700 items/s and as 4 segments at ~28 000 items/s each (the emulator's
 * Scan slows with the size of what it pages through). At the slower rate a province's ~2×10^7 items take ~70 min in
 * one invocation; 64 segments of ~3×10^5 items take ~1 minute each, well inside Lambda's 15 minutes, with room for
 * a slower table, retries and several-fold growth before the count must rise.
 */
export const AUDIT_SEGMENTS = 64;
/** Segments scanned at once: bounds the audit's read rate on the table (on-demand capacity) and Lambda concurrency. */
export const AUDIT_CONCURRENCY = 16;

export interface StatsAuditProps {
  table: dynamodb.ITable;
  functionEntry: (name: string) => string;
  settings: FunctionSettings;
  totalSegments: number;
}

/**
 * The weekly statistics audit, fanned out (shared/jobs/reconcile-stats.ts): a Step Functions state machine (offered
 * in the China regions; only its HTTPS-endpoint tasks are not, and none is used) maps over the segment numbers, one
 * `reconcile-segment` invocation per parallel-Scan segment (each keeps its result in the table), then one
 * `reconcile-stats` invocation combines them and compares with the counters. Every segment computes as of the
 * execution's start time, and the run is named by the execution, so a retried segment rewrites its own result.
 */
export class StatsAudit extends Construct {
  readonly segment: PortalFunction;
  readonly combine: PortalFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly alarms: cloudwatch.Alarm[];

  /** A Lambda-invoke task state (the optimised integration), its result the function's answer alone. */
  private invoke(id: string, fn: PortalFunction, parameters: Record<string, unknown>): sfn.CustomState {
    return new sfn.CustomState(this, id, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::lambda:invoke`,
        Parameters: { FunctionName: fn.function.functionArn, ...parameters },
        ResultSelector: { 'result.$': '$.Payload' },
        OutputPath: '$.result',
      },
    });
  }

  constructor(scope: Construct, id: string, props: StatsAuditProps) {
    super(scope, id);
    const n = props.totalSegments;
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      throw new Error(`Audit segments: ${n} is not 1–10^6.`);

    this.segment = new PortalFunction(this, 'Segment', {
      entry: props.functionEntry('reconcile-segment'),
      description: 'Weekly statistics audit: one parallel-Scan segment of the table',
      serviceName: 'reconcile-segment',
      table: props.table,
      // Reads its segment, writes its result (RECON# items).
      tableAccess: 'readWrite',
      timeout: Duration.minutes(15),
      memorySize: 1769,
      settings: props.settings,
    });
    // The audit recomputes from every source item, so its segments alone may Scan (offline, never a request path).
    this.segment.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [props.table.tableArn] }),
    );
    this.combine = new PortalFunction(this, 'Combine', {
      entry: props.functionEntry('reconcile-stats'),
      description: 'Weekly audit of the statistics counters against the source items (combines the segments)',
      serviceName: 'reconcile-stats',
      table: props.table,
      tableAccess: 'read',
      timeout: Duration.minutes(15),
      memorySize: 3008,
      settings: props.settings,
    });

    const plan = new sfn.Pass(this, 'Plan', {
      comment: 'The segment numbers 0 … totalSegments − 1',
      parameters: { segments: Array.from({ length: n }, (_, i) => i) },
    });
    const segments = new sfn.Map(this, 'Segments', {
      comment: 'One invocation per Scan segment',
      itemsPath: '$.segments',
      maxConcurrency: AUDIT_CONCURRENCY,
      itemSelector: {
        run: sfn.JsonPath.stringAt('$$.Execution.Name'),
        startedAt: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
        totalSegments: n,
        segment: sfn.JsonPath.numberAt('$$.Map.Item.Value'),
      },
      resultPath: '$.scanned',
    });
    segments.itemProcessor(
      this.invoke('ScanSegment', this.segment, { 'Payload.$': '$' }).addRetry({
        errors: ['States.ALL'],
        maxAttempts: 2,
        interval: Duration.seconds(30),
        backoffRate: 2,
      }),
    );
    const combine = this.invoke('CombineAndCompare', this.combine, {
      Payload: {
        'run.$': '$$.Execution.Name',
        'startedAt.$': '$$.Execution.StartTime',
        totalSegments: n,
      },
    }).addRetry({ errors: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], maxAttempts: 3 });
    const fail = new sfn.Fail(this, 'AuditFailed', { comment: 'A segment or the comparison failed' });
    segments.addCatch(fail, { resultPath: '$.error' });
    combine.addCatch(fail, { resultPath: '$.error' });

    this.stateMachine = loggedStateMachine(this, {
      comment: 'Weekly statistics audit over parallel Scan segments',
      definition: plan.next(segments).next(combine),
      timeout: Duration.hours(6),
      settings: props.settings,
    });
    // Exactly the two functions (CDK's LambdaInvoke task would also grant `<arn>:*`, a wildcard we do not need).
    this.stateMachine.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.segment.function.functionArn, this.combine.function.functionArn],
      }),
    );
    this.alarms = [
      new cloudwatch.Alarm(this, 'FailedAlarm', {
        alarmDescription: 'The weekly statistics audit failed (a segment or the comparison, after retries).',
        metric: this.stateMachine.metricFailed({ period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      this.segment.errorsAlarm,
      this.segment.throttlesAlarm,
      this.combine.errorsAlarm,
      this.combine.throttlesAlarm,
    ];
  }
}
