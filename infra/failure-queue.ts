import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue where failures end: a dead-letter queue or on-failure destination, read by an operator after its alarm.
 * Encrypted, TLS-only, kept 14 days (SQS's maximum). It is the end of the line, so it has no dead-letter queue.
 */
export function failureQueue(scope: Construct, id: string, holds: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const reason = `This queue is itself the dead-letter queue (${holds}); nothing consumes it automatically, an operator reads it after its alarm, so a queue behind it would never receive anything.`;
  Validations.of(queue.node.defaultChild!).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  Validations.of(queue.node.defaultChild!).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
  return queue;
}
