import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { EVENT_ITEM_FILTER } from '../../infra/event-delivery.js';
import { PortalStack } from '../../infra/portal-stack.js';
import type { StageConfig } from '../../infra/stages.js';
import { EVENT_BUS_ENV, EVENT_SOURCE } from '../../shared/runtime/event-bus.js';
import { NO_BUNDLING, stage } from './stage-fixtures.js';

/** Deployed delivery of domain events: stream → filtered mapping → publisher → custom bus → rule → consumer. */

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function synth(stageName = 'dev', emailFrom?: string, change: Partial<StageConfig> = {}) {
  const app = new App({ context: NO_BUNDLING });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  const stack = new PortalStack(app, 'EventsTest', {
    stage: { ...stage(stageName), ...change },
    ...(emailFrom ? { emailFrom } : {}),
  });
  return { app, nag, template: Template.fromStack(stack) };
}

const only = (template: Template, type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type) as Record<string, Resource>);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const functionBy = (template: Template, serviceName: string): [string, Resource] => {
  const found = Object.entries(
    template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
  ).filter(
    ([, fn]) =>
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
        .POWERTOOLS_SERVICE_NAME === serviceName,
  );
  expect(found, serviceName).toHaveLength(1);
  return found[0]!;
};
/** Every statement of the policies attached to a function's role. */
const statementsOf = (template: Template, fn: Resource): Statement[] => {
  const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};
const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

describe('event delivery (PortalStack)', () => {
  const { template } = synth();
  const [tableId] = only(template, 'AWS::DynamoDB::Table');
  const streamArn = { 'Fn::GetAtt': [tableId, 'StreamArn'] };
  const [busId] = only(template, 'AWS::Events::EventBus');
  const busArn = { 'Fn::GetAtt': [busId, 'Arn'] };
  // The failure queue of event delivery (the jobs and the alarm topic have their own).
  const [queueId] = Object.entries(
    template.findResources('AWS::SQS::Queue') as Record<string, Resource>,
  ).find(([id, q]) => q.Properties.RedrivePolicy === undefined && id.startsWith('EventsFailures'))!;
  const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };
  const [publisherId, publisher] = functionBy(template, 'publish-events');

  it('streams the table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('maps the stream to the publisher, filtered to event-item inserts, with bounded retries and a failure queue', () => {
    const [, mapping] = Object.entries(
      template.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>,
    ).find(([, m]) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: publisherId }))!;
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: streamArn,
      FunctionName: { Ref: publisherId },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 12 * 3600,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['domain-event'] } } } },
    ]);
    expect(EVENT_ITEM_FILTER.dynamodb.NewImage.entity.S).toEqual(['domain-event']);
  });

  it('publishes onto a custom bus named in the publisher’s environment', () => {
    expect(only(template, 'AWS::Events::EventBus')[1].Properties.Name).not.toBe('default');
    expect(
      (publisher.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ).toMatchObject({
      [EVENT_BUS_ENV]: { Ref: busId },
    });
  });

  it.each(['audit-feed', 'notifier', 'guarantee-claims'])(
    'routes every portal event on the bus to the %s consumer, with retries and the failure queue',
    (name) => {
      const [consumerId, consumer] = functionBy(template, name);
      const rules = Object.values(
        template.findResources('AWS::Events::Rule') as Record<string, Resource>,
      ).filter((r) =>
        (r.Properties.Targets as { Arn: unknown }[]).some(
          (t) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [consumerId, 'Arn'] }),
        ),
      );
      expect(rules).toHaveLength(1);
      const [rule] = rules;
      expect(rule!.Properties).toMatchObject({
        EventBusName: { Ref: busId },
        EventPattern: { source: [EVENT_SOURCE] },
        State: 'ENABLED',
      });
      expect(rule!.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [consumerId, 'Arn'] },
          DeadLetterConfig: { Arn: queueArn },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 24 * 3600 },
        }),
      ]);
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [consumerId, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      });
      // A consumer that throws: two more tries, then the failure queue as its on-failure destination.
      expect(consumer.Properties.DeadLetterConfig).toBeUndefined();
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: consumerId },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: queueArn } },
      });
    },
  );

  it('lets the publisher read only this stream, put events only on this bus, and touch no table item', () => {
    const grants = statementsOf(template, publisher).filter(
      // Logs, the table key and X-Ray traces are every function's; the rest is this function's own.
      (s) => !asList(s.Action).some((a) => /^(logs|kms|xray):/.test(a)),
    );
    const byService = (prefix: string) =>
      grants.filter((s) => asList(s.Action).some((a) => a.startsWith(prefix)));
    expect(byService('events:')).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }]);
    expect(byService('dynamodb:')).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        Resource: streamArn,
      },
    ]);
    for (const s of byService('sqs:')) expect(s.Resource).toEqual(queueArn);
    expect(grants.length).toBe(
      byService('events:').length + byService('dynamodb:').length + byService('sqs:').length,
    );
    expect(
      (publisher.Properties.Environment as { Variables: Record<string, unknown> }).Variables.TABLE_NAME,
    ).toBeUndefined();
  });

  it.each([
    ['audit-feed', ['dynamodb:PutItem'], ['AUDIT#*', 'CONSUMED#audit-feed#*']],
    ['notifier', ['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['INBOX#*', 'CONSUMED#notifier#*']],
  ])(
    'lets the %s consumer only write items (%j, never an index) in its partitions %j, and dead-letter into the queue',
    (name, actions, partitions) => {
      const [, consumer] = functionBy(template, name);
      const grants = statementsOf(template, consumer).filter(
        // Logs, the table key and X-Ray traces are every function's; the rest is this function's own.
        (s) => !asList(s.Action).some((a) => /^(logs|kms|xray):/.test(a)),
      );
      expect(grants.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')))).toEqual([
        {
          Effect: 'Allow',
          Action: actions.length === 1 ? actions[0] : actions,
          Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions } },
        },
      ]);
      const others = grants.filter((s) => !asList(s.Action).some((a) => a.startsWith('dynamodb:')));
      // The on-failure destination: sending to the failure queue (CDK's grant adds the two reads SendMessage needs).
      expect(others).toEqual([
        {
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Resource: queueArn,
        },
      ]);
    },
  );

  it('keeps the failure queue encrypted and TLS-only, and alarms on it and on stream lag', () => {
    expect(
      (template.findResources('AWS::SQS::Queue') as Record<string, Resource>)[queueId]!.Properties,
    ).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: publisherId } }],
    });
  });
  it('sends every event through a queue to the webhook deliverer: retried after 30 s, 8 receives, then the failure queue', () => {
    const [queueId2, queue] = Object.entries(
      template.findResources('AWS::SQS::Queue') as Record<string, Resource>,
    ).find(([, q]) => q.Properties.RedrivePolicy !== undefined)!;
    expect(queue.Properties).toMatchObject({
      VisibilityTimeout: 30,
      RedrivePolicy: { deadLetterTargetArn: queueArn, maxReceiveCount: 8 },
    });
    const [delivererId, deliverer] = functionBy(template, 'deliver-webhooks');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId2, 'Arn'] },
      FunctionName: { Ref: delivererId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [queueId2, 'Arn'] }, DeadLetterConfig: { Arn: queueArn } }),
      ],
    });
    expect((deliverer.Properties.Timeout as number) <= 30).toBe(true);
  });
});

describe('event delivery in an AWS China region (prod stage, Ningxia)', () => {
  const { app, nag, template } = synth('prod');
  // aws-cdk-lib checks the template against CloudFormation's resource types of the target region when it
  // synthesises, and writes what the region lacks into the assembly's validation report.
  const report = JSON.parse(readFileSync(join(app.synth().directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { description: string }[] }[];
  };
  const missing = report.pluginReports
    .flatMap((r) => r.violations)
    .flatMap(
      (v) => /Resource type '([^']+)' does not exist in 'cn-northwest-1'/.exec(v.description)?.[1] ?? [],
    );
  const DELIVERY_TYPES = [
    'AWS::DynamoDB::Table',
    'AWS::Lambda::Function',
    'AWS::Lambda::EventSourceMapping',
    'AWS::Lambda::EventInvokeConfig',
    'AWS::Lambda::Permission',
    'AWS::Events::EventBus',
    'AWS::Events::Rule',
    'AWS::SQS::Queue',
    'AWS::SQS::QueuePolicy',
  ];

  it('uses only resource types Ningxia has, in the whole stack (the check itself does flag what is missing there)', () => {
    for (const type of DELIVERY_TYPES)
      expect(Object.keys(template.findResources(type)), type).not.toHaveLength(0);
    expect(missing).toEqual([]);
    template.resourceCountIs('AWS::Pipes::Pipe', 0);
    // Negative control: a Cognito user pool, which AWS's China documentation says is not offered there.
    const control = new App({ context: NO_BUNDLING });
    new cognito.UserPool(
      new Stack(control, 'Control', { env: { account: '123456789012', region: 'cn-northwest-1' } }),
      'Pool',
    );
    const controlReport = readFileSync(join(control.synth().directory, 'validation-report.json'), 'utf8');
    expect(controlReport).toContain(
      "Resource type 'AWS::Cognito::UserPool' does not exist in 'cn-northwest-1'",
    );
  });

  it('synthesises for the aws-cn partition with cdk-nag clean and no commercial-partition ARN', () => {
    expect(nag.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toContain('arn:aws:');
    expect(json).toContain('AWS::Partition');
  });
});

describe('e-mail through SES (global regions, when a sender is configured)', () => {
  it('adds the mailer: every event → its function, SendEmail on the sender’s identities only, the failure queue after retries', () => {
    const { app, nag, template } = synth('dev', 'notify@portal.example');
    const [mailerId, mailer] = functionBy(template, 'mail-notifications');
    expect((mailer.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject(
      {
        PORTAL_EMAIL_FROM: 'notify@portal.example',
      },
    );
    const ses = statementsOf(template, mailer).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]!.Action).toBe('ses:SendEmail');
    expect(JSON.stringify(ses[0]!.Resource)).toContain(':identity/portal.example');
    expect(JSON.stringify(ses[0]!.Resource)).toContain(':identity/notify@portal.example');
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [mailerId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
    expect(nag.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('has no mailer without a sender, and refuses one in the China regions (SES is not offered there)', () => {
    const services = Object.values(
      synth('dev', undefined, { mail: 'none' }).template.findResources('AWS::Lambda::Function') as Record<
        string,
        Resource
      >,
    ).map(
      (fn) =>
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
          .POWERTOOLS_SERVICE_NAME,
    );
    expect(services).toContain('notifier');
    expect(services).not.toContain('mail-notifications');
    expect(() => synth('prod', 'notify@portal.example.cn')).toThrow(/sends no e-mail through SES/);
  });
});
