import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STATS_SNAPSHOTS } from '../shared/store/keys.js';
import { failureQueue } from './failure-queue.js';
import { type FunctionSettings, PortalFunction, type TableAccess } from './portal-function.js';
import { AUDIT_SEGMENTS, StatsAudit } from './stats-audit.js';

interface JobSpec {
  id: string;
  entry: string;
  description: string;
  serviceName: string;
  tableAccess: TableAccess;
  /** The only partitions it writes (a `dynamodb:LeadingKeys` condition, infra/portal-function.ts). */
  writablePartitions?: readonly string[];
  /** Cron fields in Asia/Shanghai time: the city's calendar decides when a day ends. */
  cron: { minute: string; hour: string; weekDay?: string };
  timeout: Duration;
}

export interface ScheduledJobsProps {
  table: dynamodb.ITable;
  functionEntry: (name: string) => string;
  settings: FunctionSettings;
  /** Scan segments of the weekly audit (default `AUDIT_SEGMENTS`). */
  auditSegments?: number;
}

/**
 * The scheduled functions: policy expiry, renewal offers, the designation cycle, loan servicing, the collateral
 * monitor and the statistics snapshot daily,
 * the statistics audit weekly.
 * Each is idempotent, so retries are safe. A run that fails ends in one failure queue, whichever side failed:
 * Scheduler could not invoke the function (the schedule's dead-letter queue, after its retries), or the function
 * failed (its on-failure destination, after Lambda's retries of the asynchronous invocation).
 */
export class ScheduledJobs extends Construct {
  readonly functions: Record<
    | 'expirePolicies'
    | 'renewals'
    | 'designationCycle'
    | 'servicing'
    | 'monitor'
    | 'computeStats'
    | 'reconcileStats',
    PortalFunction
  >;
  readonly audit: StatsAudit;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    this.failures = failureQueue(this, 'Failures', 'of the scheduled jobs: schedules and failed runs');
    const job = (spec: JobSpec): PortalFunction => {
      const fn = new PortalFunction(this, spec.id, {
        entry: props.functionEntry(spec.entry),
        description: spec.description,
        serviceName: spec.serviceName,
        table: props.table,
        tableAccess: spec.tableAccess,
        timeout: spec.timeout,
        settings: props.settings,
        asyncFailures: { queue: this.failures, retryAttempts: 2, maxEventAge: Duration.hours(6) },
        ...(spec.writablePartitions ? { writablePartitions: spec.writablePartitions } : {}),
      });
      this.schedule(spec, fn);
      this.alarms.push(fn.errorsAlarm, fn.throttlesAlarm);
      return fn;
    };

    this.functions = {
      // Set below: the audit's combining step.
      reconcileStats: undefined as unknown as PortalFunction,
      expirePolicies: job({
        id: 'ExpirePolicies',
        entry: 'expire-policies',
        description: 'Moves active policies past their period to expired',
        serviceName: 'expire-policies',
        tableAccess: 'readWrite',
        cron: { minute: '5', hour: '0' },
        timeout: Duration.minutes(5),
      }),
      renewals: job({
        id: 'Renewals',
        entry: 'renewals',
        description: 'Renewal offers to holders of policies ending within 30 days',
        serviceName: 'renewals',
        tableAccess: 'readWrite',
        cron: { minute: '15', hour: '0' },
        timeout: Duration.minutes(5),
      }),
      designationCycle: job({
        id: 'DesignationCycle',
        entry: 'designation-cycle',
        description: 'Designation cycle: lapses titles whose validUntil has passed',
        serviceName: 'designation-cycle',
        tableAccess: 'readWrite',
        cron: { minute: '20', hour: '0' },
        timeout: Duration.minutes(5),
      }),
      servicing: job({
        id: 'Servicing',
        entry: 'servicing',
        description: 'Loan servicing: arrears, penalty interest, classification, due reminders',
        serviceName: 'servicing',
        tableAccess: 'readWrite',
        cron: { minute: '30', hour: '0' },
        timeout: Duration.minutes(10),
      }),
      monitor: job({
        id: 'Monitor',
        entry: 'monitor',
        description: 'Collateral monitor: legal-status alerts on pledged and insured rights',
        serviceName: 'monitor',
        tableAccess: 'readWrite',
        cron: { minute: '45', hour: '0' },
        timeout: Duration.minutes(10),
      }),
      computeStats: job({
        id: 'ComputeStats',
        entry: 'compute-stats',
        description: 'Daily IP-finance statistics snapshot',
        serviceName: 'compute-stats',
        tableAccess: 'readWrite',
        // It reads the facts' partitions and writes only the day's snapshot. The other jobs move aggregates of every
        // kind and tenant through the engine (their partitions are the aggregates' own), so they have no such scope.
        writablePartitions: [STATS_SNAPSHOTS],
        cron: { minute: '0', hour: '1' },
        timeout: Duration.minutes(2),
      }),
    };
    // The weekly audit fans out: a state machine started by the schedule runs one invocation per Scan segment and
    // then the one that combines and compares (reconcile-stats).
    this.audit = new StatsAudit(this, 'Audit', {
      table: props.table,
      functionEntry: props.functionEntry,
      settings: props.settings,
      totalSegments: props.auditSegments ?? AUDIT_SEGMENTS,
    });
    this.functions.reconcileStats = this.audit.combine;
    this.alarms.push(...this.audit.alarms);
    this.scheduleStateMachine(
      {
        id: 'ReconcileStats',
        description: 'Weekly audit of the statistics counters against the source items',
      },
      { minute: '0', hour: '2', weekDay: 'MON' },
      this.audit.stateMachine,
    );
    const disagreements = new logs.MetricFilter(this, 'StatsDisagreementFilter', {
      logGroup: this.functions.reconcileStats.logGroup,
      filterPattern: logs.FilterPattern.stringValue(
        '$.message',
        '=',
        'Statistics counters disagree with the source items',
      ),
      metricNamespace: 'IpFinancePortal',
      metricName: 'StatisticsDisagreements',
      metricValue: '1',
    });
    this.alarms.push(
      new cloudwatch.Alarm(this, 'StatsDisagreementAlarm', {
        alarmDescription: 'The weekly audit found statistics that differ from the source items.',
        metric: disagreements.metric({ period: Duration.days(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'FailuresAlarm', {
        alarmDescription: 'A scheduled job failed after its retries (see the jobs’ failure queue).',
        metric: this.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** The same kind of schedule, starting an execution of a state machine (Scheduler's templated target). */
  private scheduleStateMachine(
    spec: { id: string; description: string },
    cron: JobSpec['cron'],
    machine: sfn.StateMachine,
  ): void {
    const role = new iam.Role(this, `${spec.id}SchedulerRole`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler starting the ${spec.id} state machine`,
    });
    machine.grantStartExecution(role);
    this.failures.grantSendMessages(role);
    const { minute, hour, weekDay } = cron;
    new scheduler.CfnSchedule(this, `${spec.id}Schedule`, {
      description: `${spec.description} (Asia/Shanghai)`,
      scheduleExpression: `cron(${minute} ${hour} ${weekDay ? '?' : '*'} * ${weekDay ?? '?'} *)`,
      scheduleExpressionTimezone: 'Asia/Shanghai',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: machine.stateMachineArn,
        roleArn: role.roleArn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: 2 },
        deadLetterConfig: { arn: this.failures.queueArn },
      },
    });
  }

  /**
   * An EventBridge Scheduler schedule in Asia/Shanghai time, with a role that only this account's schedules may
   * assume and that may invoke exactly this function (the L2 target would also grant `<arn>:*`, a wildcard we do
   * not need) and send to the failure queue.
   */
  private schedule(spec: JobSpec, fn: PortalFunction): void {
    const role = new iam.Role(this, `${spec.id}SchedulerRole`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler invoking the ${spec.id} job`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }),
    );
    this.failures.grantSendMessages(role);
    const { minute, hour, weekDay } = spec.cron;
    new scheduler.CfnSchedule(this, `${spec.id}Schedule`, {
      description: `${spec.description} (Asia/Shanghai)`,
      scheduleExpression: `cron(${minute} ${hour} ${weekDay ? '?' : '*'} * ${weekDay ?? '?'} *)`,
      scheduleExpressionTimezone: 'Asia/Shanghai',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: fn.function.functionArn,
        roleArn: role.roleArn,
        retryPolicy: { maximumRetryAttempts: 2 },
        deadLetterConfig: { arn: this.failures.queueArn },
      },
    });
  }
}
