import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUSINESS_METRICS_NAMESPACE } from '../shared/runtime/business-metrics.js';
import type { PortalFunction } from './portal-function.js';

export interface ObservabilityProps {
  api: apigw.HttpApi;
  apiFunction: PortalFunction;
  /** The scheduled jobs, by name: each one's outcome (invocations, errors) gets its own line. */
  jobs: Readonly<Record<string, PortalFunction>>;
  /** Every other function of the stack (event delivery). */
  otherFunctions: readonly PortalFunction[];
  table: dynamodb.ITable;
  /** The queues where failures end (dead-letter queues, on-failure destinations), by what they hold. */
  failureQueues: Readonly<Record<string, sqs.IQueue>>;
}

const PERIOD = Duration.minutes(5);

/**
 * One CloudWatch dashboard for the operators (README, "Where to look"): the API's traffic, latency, errors and
 * throttling; each function's errors and throttles; each job's runs; DynamoDB throttling; the failure queues'
 * depths; and the business metrics (transitions per kind, shared/runtime/business-metrics.ts). CloudWatch
 * dashboards, metric math and SEARCH are offered in both China regions.
 */
export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const sum = { period: PERIOD, statistic: 'Sum' };
    const fnName = (fn: PortalFunction) => fn.node.path.split('/').slice(1).join('/');

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
    });
    const api = props.api;
    const allFunctions = [props.apiFunction, ...Object.values(props.jobs), ...props.otherFunctions];
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# IP finance portal (${stack.stackName})\nAPI, functions, jobs, table, failure queues and business transitions. Traces: X-Ray (service \`portal-api\`); request logs: the API function's log group, one line per request with \`sub\`, \`org\` and \`apiRequestId\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [api.metricCount(sum), api.metricClientError(sum), api.metricServerError(sum)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        left: ['p50', 'p90', 'p99'].map((statistic) => api.metricLatency({ period: PERIOD, statistic })),
        right: [api.metricIntegrationLatency({ period: PERIOD, statistic: 'p90' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'API function: concurrency and throttles',
        left: [
          props.apiFunction.function.metric('ConcurrentExecutions', { period: PERIOD, statistic: 'Maximum' }),
        ],
        right: [props.apiFunction.function.metricThrottles(sum)],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors, per function',
        left: allFunctions.map((fn) => fn.function.metricErrors({ ...sum, label: fnName(fn) })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles, per function',
        left: allFunctions.map((fn) => fn.function.metricThrottles({ ...sum, label: fnName(fn) })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Scheduled jobs: runs and failed runs',
        left: Object.entries(props.jobs).map(([name, fn]) =>
          fn.function.metricInvocations({
            period: Duration.hours(1),
            statistic: 'Sum',
            label: `${name} runs`,
          }),
        ),
        right: Object.entries(props.jobs).map(([name, fn]) =>
          fn.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum', label: `${name} errors` }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Failure queues: messages waiting (dead letters)',
        left: Object.entries(props.failureQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: name,
          }),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB: throttled requests and system errors',
        left: [
          props.table.metricThrottledRequestsForOperations({
            operations: [
              dynamodb.Operation.GET_ITEM,
              dynamodb.Operation.QUERY,
              dynamodb.Operation.PUT_ITEM,
              dynamodb.Operation.UPDATE_ITEM,
              dynamodb.Operation.DELETE_ITEM,
              dynamodb.Operation.TRANSACT_WRITE_ITEMS,
            ],
            period: PERIOD,
          }),
        ],
        right: [
          props.table.metricConsumedReadCapacityUnits(sum),
          props.table.metricConsumedWriteCapacityUnits(sum),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Business transitions per kind (portal total)',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${BUSINESS_METRICS_NAMESPACE},service} service="publish-events"', 'Sum', 3600)`,
            label: '',
            period: Duration.hours(1),
          }),
        ],
        width: 12,
      }),
    );
  }
}
