import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PortalStack } from '../../infra/portal-stack.js';
import { BUSINESS_METRICS_NAMESPACE } from '../../shared/runtime/business-metrics.js';
import { NO_BUNDLING, stage, TESTED_STAGES } from './stage-fixtures.js';

/** Issue 19's observability on both tested stages: X-Ray on every function, and the operators' dashboard. */
type Resource = { Type: string; Properties: Record<string, unknown> };

describe.each(TESTED_STAGES)('observability (%s stage)', (stageName) => {
  const stack = new PortalStack(new App({ context: NO_BUNDLING }), 'Obs', { stage: stage(stageName) });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  // The portal's functions; not CDK's own web-deployment function (web-hosting.test.ts), run once per deployment.
  const functions = ofType('AWS::Lambda::Function').filter(
    ([id]) => !id.startsWith('CustomCDKBucketDeployment'),
  );

  it('traces every function with X-Ray (active tracing), and may write only traces beyond its own grants', () => {
    expect(functions.length).toBeGreaterThan(10);
    for (const [id, fn] of functions) expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
  });

  const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
  // The body is a Fn::Join of JSON text and references: put a placeholder where each reference goes and parse it.
  const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'REF')).join('')) as {
    widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
  };
  const widget = (title: string) => body.widgets.find((w) => w.properties.title === title)!.properties;
  /** `Namespace/Metric` of each plain metric of a widget, and its statistic. */
  const metricsOf = (title: string) =>
    (widget(title).metrics ?? [])
      .filter((m) => typeof m[0] === 'string')
      .map((m) => ({ name: `${m[0]}/${m[1]}`, stat: (m.at(-1) as { stat?: string }).stat }));

  it('has one dashboard with the API’s traffic, latency percentiles, errors and the API function’s throttles', () => {
    expect(metricsOf('API requests and errors').map((m) => m.name)).toEqual([
      'AWS/ApiGateway/Count',
      'AWS/ApiGateway/4xx',
      'AWS/ApiGateway/5xx',
    ]);
    expect(metricsOf('API latency (ms)').map((m) => `${m.name} ${m.stat}`)).toEqual([
      'AWS/ApiGateway/Latency p50',
      'AWS/ApiGateway/Latency p90',
      'AWS/ApiGateway/Latency p99',
      'AWS/ApiGateway/IntegrationLatency p90',
    ]);
    expect(metricsOf('API function: concurrency and throttles').map((m) => m.name)).toEqual([
      'AWS/Lambda/ConcurrentExecutions',
      'AWS/Lambda/Throttles',
    ]);
  });

  it('shows every function’s errors and throttles, each job’s runs and failures, and DynamoDB throttling', () => {
    expect(metricsOf('Lambda errors, per function')).toHaveLength(functions.length);
    expect(metricsOf('Lambda throttles, per function')).toHaveLength(functions.length);
    const jobs = metricsOf('Scheduled jobs: runs and failed runs').map((m) => m.name);
    expect(jobs.filter((n) => n === 'AWS/Lambda/Invocations')).toHaveLength(7);
    expect(jobs.filter((n) => n === 'AWS/Lambda/Errors')).toHaveLength(7);
    const table = metricsOf('DynamoDB: throttled requests and system errors').map((m) => m.name);
    expect(table.filter((n) => n === 'AWS/DynamoDB/ThrottledRequests')).toHaveLength(6);
  });

  it('shows the depth of every failure queue and the business transitions per kind', () => {
    // Scheduled jobs, event delivery, and (where GuardDuty scans the files bucket) the malware-scan results.
    const queues = stage(stageName).malwareScan === 'guardduty' ? 3 : 2;
    expect(metricsOf('Failure queues: messages waiting (dead letters)').map((m) => m.name)).toEqual(
      Array.from({ length: queues }, () => 'AWS/SQS/ApproximateNumberOfMessagesVisible'),
    );
    expect(JSON.stringify(widget('Business transitions per kind (portal total)').metrics)).toContain(
      `SEARCH('{${BUSINESS_METRICS_NAMESPACE},service}`,
    );
  });
});
