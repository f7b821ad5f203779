import { dirname } from 'node:path';
import { AssetHashType, DockerImage, Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GLOBAL_INDEXES } from '../shared/store/table-schema.js';
import { bundleFunction } from './bundling.js';
import type { LogSettings, PortalKeys } from './data-protection.js';

/** What every portal function of a stack shares: how its logs are kept, and the key its table is encrypted under. */
export interface FunctionSettings {
  logs: LogSettings;
  keys: PortalKeys;
}

/**
 * What a function may do with the portal table. None includes Scan: the portal never scans. `put` is for event
 * consumers, which only add items (conditionally); `none` for functions that never touch the table's items.
 */
/** `put`: items only, Puts; `write`: items only, Puts and Updates (an event consumer's counters). */
export type TableAccess = 'read' | 'readWrite' | 'put' | 'write' | 'none';

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
// TransactWriteItems is authorised per item through these same actions.
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

export interface PortalFunctionProps {
  /** Absolute path of the entry module under `functions/`. */
  entry: string;
  /** Exported handler name; defaults to `handler`. */
  handler?: string;
  description: string;
  /** Powertools service name: the `service` key of every log line. */
  serviceName: string;
  /** The portal table; its name is passed as `TABLE_NAME`. */
  table: dynamodb.ITable;
  tableAccess: TableAccess;
  settings: FunctionSettings;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * For asynchronously invoked functions (EventBridge targets, schedules): bounded retries, then the event and
   * the error go to this queue as the on-failure destination.
   */
  asyncFailures?: { queue: sqs.IQueue; retryAttempts: number; maxEventAge: Duration };
  /** Concurrency reserved for the function, which also caps it. */
  reservedConcurrency?: number;
  /**
   * The partitions (`pk` patterns, `*` for any rest) the function may write, when it writes only some: its write
   * grant carries a `dynamodb:LeadingKeys` condition, so DynamoDB refuses a write (in a transaction too: each item
   * is authorised on its own) to any other partition. Reads stay unconditioned.
   */
  writablePartitions?: readonly string[];
  /** The function is the API: build its OpenAPI document and route manifest first, route modules load on demand. */
  openApiDocument?: boolean;
}

/**
 * Every portal Lambda goes through this construct, so the defaults live in one place: Node 22 on arm64,
 * an ESM bundle with source maps, an explicit log group with retention, Powertools settings, a role
 * with no managed policies, least-privilege table grants, and error/throttle alarms.
 * Scheduled jobs reuse it: `new PortalFunction(this, 'Expiry', { entry, tableAccess: 'readWrite', ... })`.
 */
export class PortalFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly throttlesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PortalFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.settings.logs.retention,
      encryptionKey: props.settings.logs.encryptionKey,
    });

    // Our own role instead of AWSLambdaBasicExecutionRole: it may write only to this function's log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(dirname(props.entry), {
        // The asset is the bundle (infra/bundling.ts), hashed as built; the folder is only where it starts.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the local esbuild always bundles (bundleFunction throws rather than fall back).
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
          local: {
            tryBundle: (outputDir) => {
              bundleFunction(props.entry, outputDir, { api: props.openApiDocument });
              return true;
            },
          },
        },
      }),
      handler: `index.${props.handler ?? 'handler'}`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 1024,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        ...(props.tableAccess === 'none' ? {} : { TABLE_NAME: props.table.tableName }),
        ...props.environment,
      },
    });

    // Node 22 is the runtime the whole toolchain targets (ENGINEERING.md); move every function at once.
    const runtimeReason =
      'nodejs22.x is an AWS-supported LTS runtime and is pinned on purpose: the bundles target node22 and ' +
      'the dependencies are tested on it. All portal functions move to a newer runtime together, in PortalFunction.';
    Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: runtimeReason });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaLatestVersion',
      reason: runtimeReason,
    });
    // X-Ray: offered in both China regions (its developer guide and FAQ are published for them on amazonaws.cn).
    // PutTraceSegments and PutTelemetryRecords take no resource: X-Ray has no resource-level permissions for them.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (the X-Ray service authorization reference lists none): "*" is the only resource they accept.',
    });

    if (props.asyncFailures) {
      // Beside the function, not under it, so the runtime acknowledgement above covers the function alone.
      const { queue, retryAttempts, maxEventAge } = props.asyncFailures;
      new lambda.EventInvokeConfig(this, 'AsyncInvoke', {
        function: this.function,
        retryAttempts,
        maxEventAge,
        onFailure: new SqsDestination(queue),
      });
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous invocations go to the on-failure destination (EventInvokeConfig), which records the ' +
          'event with the error; a dead-letter queue as well would deliver every failure twice.',
      });
    } else {
      const reason =
        'Invoked synchronously only (by API Gateway or by an event-source mapping, which has its own on-failure ' +
        'queue): Lambda never applies a dead-letter queue or an asynchronous failure destination to such calls.';
      Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason });
      Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaAsyncFailureDestination', reason });
    }

    this.grantTable(props.table, props.tableAccess, props.writablePartitions);
    if (props.tableAccess !== 'none')
      props.settings.keys.grantTableUse(this.role, props.tableAccess !== 'read');

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${props.description}: invocations failed (unhandled errors or timeouts).`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.throttlesAlarm = new cloudwatch.Alarm(this, 'ThrottlesAlarm', {
      alarmDescription: `${props.description}: invocations were throttled (account or reserved concurrency).`,
      metric: this.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Grants exactly the item-level actions the portal uses, on the table and on each of its named
   * indexes (from the shared schema) — no `index/*` wildcard, no Scan, no table management.
   */
  grantTable(table: dynamodb.ITable, access: TableAccess, writablePartitions?: readonly string[]): void {
    if (access === 'none') return;
    const conditions = writablePartitions
      ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...writablePartitions] } }
      : undefined;
    if (access === 'put' || access === 'write') {
      // Items only, never an index: TransactWriteItems' Puts and Updates are authorised as PutItem and UpdateItem.
      const actions = access === 'put' ? ['dynamodb:PutItem'] : ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions,
          resources: [table.tableArn],
          ...(conditions ? { conditions } : {}),
        }),
      );
      return;
    }
    const resources = [
      table.tableArn,
      ...GLOBAL_INDEXES.map((index) => `${table.tableArn}/index/${index.name}`),
    ];
    if (access === 'readWrite' && conditions) {
      // Reads anywhere; writes (to the table's items: an index is never written) only in its partitions.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: READ_ACTIONS, resources }));
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: WRITE_ACTIONS, resources: [table.tableArn], conditions }),
      );
      return;
    }
    if (conditions) throw new Error('writablePartitions needs a writing table access.');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: access === 'readWrite' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS,
        resources,
      }),
    );
  }
}
