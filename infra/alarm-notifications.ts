import { CfnParameter, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { failureQueue } from './failure-queue.js';

export interface AlarmNotificationsProps {
  /** Encrypts the topic; CloudWatch is allowed to use it to publish. */
  encryptionKey: kms.IKey;
}

/**
 * Every alarm of the stack notifies one encrypted, TLS-only SNS topic, on alarm and on recovery; the operators'
 * address is a deploy-time parameter (`--parameters AlarmEmail=ops@city.example`), confirmed once by e-mail.
 */
export class AlarmNotifications extends Construct {
  readonly topic: sns.Topic;
  readonly email: CfnParameter;

  constructor(scope: Construct, id: string, props: AlarmNotificationsProps) {
    super(scope, id);
    this.email = new CfnParameter(Stack.of(this), 'AlarmEmail', {
      type: 'String',
      description:
        'The operators’ e-mail address: every alarm of the portal is sent there (confirm the subscription).',
      allowedPattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
      constraintDescription: 'an e-mail address',
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'IP finance portal alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // CloudWatch alarms publish to an encrypted topic only if they may use its key.
    props.encryptionKey.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    new sns.Subscription(this, 'Operators', {
      topic: this.topic,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: this.email.valueAsString,
      // An alarm that could not be mailed is kept, not lost.
      deadLetterQueue: failureQueue(this, 'Undelivered', 'of alarm e-mails SNS could not deliver'),
    });
  }

  /** Sends the alarm's state changes (into ALARM and back to OK) to the topic. */
  notify(alarms: readonly cloudwatch.Alarm[]): void {
    const action = new SnsAction(this.topic);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
