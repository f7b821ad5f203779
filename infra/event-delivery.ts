import { Duration, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_BUS_ENV, EVENT_SOURCE } from '../shared/runtime/event-bus.js';
import { EVENT_ENTITY } from '../shared/store/keys.js';
import { failureQueue } from './failure-queue.js';
import { type FunctionSettings, PortalFunction } from './portal-function.js';

/** A consumer of domain events: its Lambda entry under `functions/` (wiring one `Consumer` to `eventConsumer`). */
export interface EventConsumerSpec {
  id: string;
  entry: string;
  description: string;
  serviceName: string;
  /** What it needs: Puts only (default), Puts and Updates, or reads and writes (a consumer running use cases). */
  tableAccess?: 'put' | 'write' | 'readWrite';
  /** The only partitions it writes, its consumed markers included (a `dynamodb:LeadingKeys` condition). */
  writablePartitions?: readonly string[];
}

export interface EventDeliveryProps {
  table: dynamodb.ITable;
  functionEntry: (name: string) => string;
  consumers: readonly EventConsumerSpec[];
  settings: FunctionSettings;
  /** A sender verified in SES: notifications are also mailed to the users who opted in. */
  emailFrom?: string;
  /**
   * Or the city's SMTP relay (where SES is not offered): notifications mailed through it, from `from`, with the
   * credentials in the secret (`{"username", "password"}`).
   */
  smtp?: { from: string; host: string; port: string; credentials: secretsmanager.ISecret };
}

/** The event-source mapping's filter: inserts of event items only, so no other change of the table invokes anything. */
export const EVENT_ITEM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: [EVENT_ENTITY] } } },
};

/**
 * Deployed delivery of domain events, on services of every region, China's included (Lambda event-source mappings
 * on DynamoDB Streams with filters, EventBridge custom buses and rules, SQS; no EventBridge Pipes):
 *
 *   table stream ─(event-source mapping, filtered)→ publisher Lambda ─PutEvents→ custom bus
 *     ─(one rule per consumer)→ consumer Lambda → the consumer runner (idempotent on the event id)
 *
 * Failures are bounded everywhere and end in one queue: the mapping retries a batch from its first failed record
 * (reported per item) and then sends the batch's position to the queue (the events stay in the table: they are the
 * subjects' history); EventBridge retries a target it cannot invoke (then its dead-letter queue), and Lambda
 * retries a consumer that threw (then its on-failure destination): either way the event itself lands there.
 */
export class EventDelivery extends Construct {
  readonly bus: events.EventBus;
  readonly failures: sqs.Queue;
  readonly publisher: PortalFunction;
  readonly consumers: Record<string, PortalFunction> = {};
  /** Webhooks: the bus → a queue (its retries and backoff) → the delivering function → subscribers' systems. */
  readonly webhookQueue: sqs.Queue;
  readonly webhookDeliverer: PortalFunction;
  /** Present when the stack has an SES sender or an SMTP relay. */
  readonly mailer?: PortalFunction;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: EventDeliveryProps) {
    super(scope, id);
    if (!props.table.tableStreamArn) throw new Error('Event delivery needs the table’s stream.');
    const streamArn = props.table.tableStreamArn;

    this.failures = failureQueue(
      this,
      'Failures',
      'of event delivery: the stream mapping, rules, consumers and webhooks',
    );
    this.bus = new events.EventBus(this, 'Bus', { description: 'Domain events of the IP finance portal' });

    this.publisher = new PortalFunction(this, 'Publisher', {
      entry: props.functionEntry('publish-events'),
      description: 'Publishes the domain events of the table stream on the event bus',
      serviceName: 'publish-events',
      table: props.table,
      settings: props.settings,
      tableAccess: 'none',
      environment: { [EVENT_BUS_ENV]: this.bus.eventBusName },
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    // The stream actions on this table's stream only (CDK's grantStreamRead would add ListStreams on "*").
    this.publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    this.publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
    const mapping = new lambda.EventSourceMapping(this, 'StreamMapping', {
      target: this.publisher.function,
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      filters: [lambda.FilterCriteria.filter(EVENT_ITEM_FILTER)],
      reportBatchItemFailures: true,
      retryAttempts: 5,
      maxRecordAge: Duration.hours(12),
      onFailure: new SqsDlq(this.failures),
    });
    // The mapping needs the stream permissions before it is created.
    mapping.node.addDependency(this.publisher.role);

    for (const spec of props.consumers) {
      const consumer = new PortalFunction(this, spec.id, {
        entry: props.functionEntry(spec.entry),
        description: spec.description,
        serviceName: spec.serviceName,
        table: props.table,
        settings: props.settings,
        tableAccess: spec.tableAccess ?? 'put',
        ...(spec.writablePartitions ? { writablePartitions: spec.writablePartitions } : {}),
        asyncFailures: { queue: this.failures, retryAttempts: 2, maxEventAge: Duration.hours(6) },
      });
      new events.Rule(this, `${spec.id}Rule`, {
        description: `Every domain event → ${spec.description}`,
        eventBus: this.bus,
        eventPattern: { source: [EVENT_SOURCE] },
        targets: [
          new targets.LambdaFunction(consumer.function, {
            deadLetterQueue: this.failures,
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
      this.consumers[spec.id] = consumer;
      this.alarms.push(consumer.errorsAlarm, consumer.throttlesAlarm);
    }

    // Webhooks go through a queue: a subscriber's system that answers non-2xx is tried again after the visibility
    // timeout (the first retry within 30 s), up to 8 receives, then the event goes to the failure queue.
    this.webhookQueue = new sqs.Queue(this, 'WebhookQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(30),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.failures, maxReceiveCount: 8 },
    });
    this.webhookDeliverer = new PortalFunction(this, 'WebhookDeliverer', {
      entry: props.functionEntry('deliver-webhooks'),
      description: "Delivers domain events to subscribers' webhooks (Standard Webhooks, signed)",
      serviceName: 'deliver-webhooks',
      table: props.table,
      settings: props.settings,
      tableAccess: 'readWrite',
      // Five subscribers at five seconds each fit; the queue's visibility timeout is no shorter.
      timeout: Duration.seconds(30),
    });
    const webhookSource = new SqsEventSource(this.webhookQueue, {
      batchSize: 10,
      reportBatchItemFailures: true,
    });
    this.webhookDeliverer.function.addEventSource(webhookSource);
    Validations.of(
      this.webhookDeliverer.function.node.findChild(
        `SqsEventSource:${Names.nodeUniqueId(this.webhookQueue.node)}`,
      ),
    ).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'An SQS event-source mapping takes no on-failure destination (only stream and Kafka sources do): the webhook queue’s redrive policy moves a message to the failure queue after 8 receives.',
    });
    new events.Rule(this, 'WebhookRule', {
      description: 'Every domain event → the webhook queue',
      eventBus: this.bus,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [
        new targets.SqsQueue(this.webhookQueue, {
          deadLetterQueue: this.failures,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    if (props.emailFrom || props.smtp) {
      const region = Stack.of(this).region;
      if (props.emailFrom && !Token.isUnresolved(region) && region.startsWith('cn-'))
        throw new Error('Amazon SES is not offered in AWS China regions: deploy there without emailFrom.');
      const smtp = props.smtp;
      const mailer = new PortalFunction(this, 'Mailer', {
        entry: props.functionEntry('mail-notifications'),
        description: smtp
          ? "Mails notifications through the city's SMTP relay to the users who opted in"
          : 'Mails notifications through SES to the users who opted in',
        serviceName: 'mail-notifications',
        table: props.table,
        settings: props.settings,
        tableAccess: 'readWrite',
        environment: smtp
          ? {
              PORTAL_EMAIL_FROM: smtp.from,
              PORTAL_MAIL_TRANSPORT: 'smtp',
              SMTP_HOST: smtp.host,
              SMTP_PORT: smtp.port,
              SMTP_SECRET_ARN: smtp.credentials.secretArn,
            }
          : { PORTAL_EMAIL_FROM: props.emailFrom! },
        asyncFailures: { queue: this.failures, retryAttempts: 2, maxEventAge: Duration.hours(6) },
      });
      if (smtp) smtp.credentials.grantRead(mailer.role);
      else {
        const emailFrom = props.emailFrom!;
        mailer.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['ses:SendEmail'],
            resources: [
              Stack.of(this).formatArn({
                service: 'ses',
                resource: 'identity',
                resourceName: emailFrom.split('@')[1] ?? emailFrom,
              }),
              Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: emailFrom }),
            ],
          }),
        );
      }
      new events.Rule(this, 'MailerRule', {
        description: 'Every domain event → mail to the users who opted in',
        eventBus: this.bus,
        eventPattern: { source: [EVENT_SOURCE] },
        targets: [
          new targets.LambdaFunction(mailer.function, {
            deadLetterQueue: this.failures,
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
      this.alarms.push(mailer.errorsAlarm, mailer.throttlesAlarm);
      this.mailer = mailer;
    }

    this.alarms.push(
      this.webhookDeliverer.errorsAlarm,
      this.webhookDeliverer.throttlesAlarm,
      this.publisher.errorsAlarm,
      this.publisher.throttlesAlarm,
      new cloudwatch.Alarm(this, 'FailuresAlarm', {
        alarmDescription: 'Domain events could not be delivered (see the event-delivery failure queue).',
        metric: this.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'StreamLagAlarm', {
        alarmDescription: 'The event publisher is more than 5 minutes behind the table stream.',
        metric: this.publisher.function.metric('IteratorAge', {
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 5 * 60 * 1000,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
