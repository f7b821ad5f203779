import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DEFAULT_IMPORT_BATCH_ROWS } from '../shared/domain/import.js';
import { type FunctionSettings, PortalFunction } from './portal-function.js';
import { loggedStateMachine } from './state-machines.js';

/**
 * Batches applied at once. Each batch Lambda writes ~1–3 items per row (a right: its item, its number claim, the
 * portfolio counters, in one transaction) with up to 8 rows in flight; 10 batches in parallel is ~80 transactions at
 * a time, a write rate on-demand capacity absorbs from a cold table, while leaving the API its share. Raising it
 * raises throughput until the table throttles (then the store's 503 makes the batch retry).
 */
export const IMPORT_MAP_CONCURRENCY = 10;

/**
 * Exactly `actions` on the objects matching `patterns` (keys under `imports/<id>/`): no CDK grant, whose action
 * wildcards (s3:GetObject*, s3:List*, s3:Abort*) reach further. The `*` of each pattern is the import id.
 */
export function grantImportObjects(
  role: iam.IRole,
  bucket: s3.IBucket,
  actions: ('s3:GetObject' | 's3:PutObject')[],
  patterns: string[],
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions, resources: patterns.map((p) => bucket.arnForObjects(p)) }),
  );
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  for (const pattern of patterns)
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${pattern}]`,
      reason: `The keys of imports (${pattern}): the * stands for the import id, unknown until an import is declared.`,
    });
}

export interface ImportPipelineProps {
  table: dynamodb.ITable;
  /** The files bucket: `imports/<id>/source` uploaded by the browser, batches, manifest and error report beside it. */
  bucket: s3.IBucket;
  functionEntry: (name: string) => string;
  settings: FunctionSettings;
}

/**
 * A bulk import deployed (shared/usecases/imports.ts): a Step Functions state machine, one execution per started
 * import, named by it. `Prepare` reads the file and writes its batches and a manifest to the bucket; a
 * **Distributed Map** reads the manifest (ItemReader) and hands each batch to one `import-batch` invocation (the
 * same `applyImportBatch` the local runner calls), at most IMPORT_MAP_CONCURRENCY at once; `Finish` writes the error
 * report and the final status, also after a batch failed for good (then `failed`).
 *
 * AWS China: docs.amazonaws.cn (Getting Started with AWS in China → Step Functions) lists Step Functions in Beijing
 * and Ningxia with one difference only — tasks calling HTTPS APIs are not available. Distributed Map, its S3
 * ItemReader and the optimised Lambda integration are not listed as differences, and none of this machine's states
 * calls an HTTPS endpoint; every ARN is built from the partition (`aws-cn`). Not yet run on a China account.
 */
export class ImportPipeline extends Construct {
  readonly prepare: PortalFunction;
  readonly batch: PortalFunction;
  readonly finish: PortalFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly alarms: cloudwatch.Alarm[];

  /** A Lambda-invoke task (the optimised integration), its result the function's answer alone. */
  private invoke(
    id: string,
    fn: PortalFunction,
    payload: Record<string, unknown>,
    retry: Record<string, unknown> = {
      ErrorEquals: [
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
        'Lambda.SdkClientException',
      ],
      IntervalSeconds: 2,
      MaxAttempts: 3,
      BackoffRate: 2,
    },
  ): sfn.CustomState {
    return new sfn.CustomState(this, id, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::lambda:invoke`,
        Parameters: { FunctionName: fn.function.functionArn, Payload: payload },
        ResultSelector: { 'result.$': '$.Payload' },
        OutputPath: '$.result',
        Retry: [retry],
      },
    });
  }

  constructor(scope: Construct, id: string, props: ImportPipelineProps) {
    super(scope, id);
    const environment = {
      FILES_BUCKET: props.bucket.bucketName,
      IMPORT_BATCH_ROWS: String(DEFAULT_IMPORT_BATCH_ROWS),
    };
    const fn = (fid: string, name: string, description: string, timeout: Duration, memorySize: number) =>
      new PortalFunction(this, fid, {
        entry: props.functionEntry(name),
        description,
        serviceName: name,
        table: props.table,
        // Through the use cases: asset, number claim, counters, enterprise, events, the import and its batches.
        tableAccess: 'readWrite',
        settings: props.settings,
        environment,
        timeout,
        memorySize,
      });
    this.prepare = fn(
      'PrepareFunction',
      'import-prepare',
      'Bulk import: reads the uploaded file and cuts it into batches',
      Duration.minutes(5),
      3008,
    );
    this.batch = fn(
      'BatchFunction',
      'import-batch',
      'Bulk import: applies one batch of rows through the use cases',
      Duration.minutes(5),
      1024,
    );
    this.finish = fn(
      'FinishFunction',
      'import-finish',
      'Bulk import: writes the error report and the final status',
      Duration.minutes(2),
      1024,
    );
    // Objects: each function exactly the keys it reads and writes under imports/<id>/.
    grantImportObjects(this.prepare.role, props.bucket, ['s3:GetObject'], ['imports/*/source']);
    grantImportObjects(
      this.prepare.role,
      props.bucket,
      ['s3:PutObject'],
      ['imports/*/batches/*', 'imports/*/manifest.json'],
    );
    grantImportObjects(this.batch.role, props.bucket, ['s3:GetObject'], ['imports/*/batches/*']);
    grantImportObjects(this.finish.role, props.bucket, ['s3:PutObject'], ['imports/*/errors.csv']);

    const prepare = this.invoke('Prepare', this.prepare, { 'importId.$': '$.importId' });
    const map = new sfn.DistributedMap(this, 'Batches', {
      comment: 'One import-batch invocation per batch object listed in the manifest',
      itemReader: new sfn.S3JsonItemReader({
        // By name (not `bucket`): CDK would otherwise grant s3:GetObject on the whole bucket; the grant below
        // names the manifests only.
        bucketNamePath: props.bucket.bucketName,
        key: sfn.JsonPath.stringAt('$.manifestKey'),
      }),
      maxConcurrency: IMPORT_MAP_CONCURRENCY,
      toleratedFailurePercentage: 0,
      resultPath: sfn.JsonPath.DISCARD,
      mapExecutionType: sfn.StateMachineType.STANDARD,
    });
    map.itemProcessor(
      // Any fault of a batch (a busy table's 503 included) is retried: its rows are idempotent and its counts are
      // written once (the batch marker), so a retry repeats nothing.
      this.invoke(
        'ApplyBatch',
        this.batch,
        { 'importId.$': '$.importId', 'index.$': '$.index', 'key.$': '$.key' },
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 2 },
      ),
    );
    const finish = this.invoke('Finish', this.finish, { 'importId.$': '$.importId' });
    const finishFailed = this.invoke('FinishFailed', this.finish, {
      'importId.$': '$.importId',
      'error.$': '$.error',
    });
    map.addCatch(finishFailed, { resultPath: '$.error' });
    const unreadable = new sfn.Succeed(this, 'Unreadable', {
      comment: 'The file could not be read at all: Prepare has failed the import with the reason',
    });
    const read = new sfn.Choice(this, 'Read?')
      .when(sfn.Condition.numberGreaterThan('$.batches', 0), map.next(finish))
      .otherwise(unreadable);

    this.stateMachine = loggedStateMachine(this, {
      comment: 'Bulk import: prepare → Distributed Map over the batches → finish',
      definition: prepare.next(read),
      timeout: Duration.hours(12),
      settings: props.settings,
    });
    const role = this.stateMachine.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [
          this.prepare.function.functionArn,
          this.batch.function.functionArn,
          this.finish.function.functionArn,
        ],
      }),
    );
    grantImportObjects(role, props.bucket, ['s3:GetObject'], ['imports/*/manifest.json']);
    // The Distributed Map runs each batch as a child execution of this machine: CDK grants describing and stopping
    // those executions, named by Step Functions (hence the wildcards), of this machine only.
    const stack = Stack.of(this);
    const machineId = stack.getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const machineName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}`;
    const mapPolicy = this.stateMachine.node.findChild('DistributedMapPolicy');
    for (const suffix of [':*', '/*:*'])
      Validations.of(mapPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${machineName}${suffix}]`,
        reason:
          'The Distributed Map’s child executions of this state machine (one per batch), whose names Step Functions ' +
          'chooses: DescribeExecution and StopExecution on this machine’s executions only.',
      });
    this.alarms = [
      new cloudwatch.Alarm(this, 'FailedAlarm', {
        alarmDescription: 'A bulk import execution failed (prepare or finish, after retries).',
        metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      ...[this.prepare, this.batch, this.finish].flatMap((f) => [f.errorsAlarm, f.throttlesAlarm]),
    ];
  }

  /** The API starts executions (one per started import) and nothing else on the machine. */
  grantStart(fn: PortalFunction): void {
    this.stateMachine.grantStartExecution(fn.role);
    fn.function.addEnvironment('IMPORT_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
  }
}
