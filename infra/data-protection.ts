import {
  ArnFormat,
  type CfnElement,
  Duration,
  RemovalPolicy,
  Stack,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What every log group of the stack is created with. */
export interface LogSettings {
  retention: logs.RetentionDays;
  encryptionKey: kms.IKey;
}

/**
 * The stack's customer-managed keys, rotated yearly by KMS:
 * - `dataKey` encrypts the table (and its stream and backups' vault): personal financial data.
 * - `opsKey` encrypts the log groups and the alarm topic: operational records that may name a caller.
 * Both stay with the stack when it is deleted (RETAIN): data encrypted under them must stay readable.
 */
export class PortalKeys extends Construct {
  readonly dataKey: kms.Key;
  readonly opsKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'IP finance portal: the table and its backups',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.opsKey = new kms.Key(this, 'OpsKey', {
      description: 'IP finance portal: log groups and alarm notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs' principal is regional and carries the partition's domain (logs.cn-northwest-1.amazonaws.com.cn
    // in China); the encryption context confines it to this account's and region's log groups.
    this.opsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  /** What a function needs to read (and, with `write`, write) the table encrypted under `dataKey`, via DynamoDB only. */
  grantTableUse(grantee: iam.IGrantable, write: boolean): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: write
          ? [
              'kms:Decrypt',
              'kms:DescribeKey',
              'kms:Encrypt',
              'kms:GenerateDataKey',
              'kms:ReEncryptFrom',
              'kms:ReEncryptTo',
            ]
          : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [this.dataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }
}

export interface TableBackupProps {
  table: dynamodb.ITable;
  encryptionKey: kms.IKey;
  retentionDays: number;
  /** Each backup is also copied into this vault of another region (infra/backup-copy.ts), kept as long. */
  copyTo?: { region: string; vaultName: string; keyAlias: string };
}

/**
 * Daily AWS Backup of the table into a vault under the data key, with a vault lock in compliance mode: after a
 * three-day grace period nobody (the account's administrators included) can delete a recovery point before
 * `retentionDays`, nor shorten that. Point-in-time recovery (35 days) stays on the table beside it.
 */
export class TableBackup extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const copyVault = props.copyTo
      ? backup.BackupVault.fromBackupVaultArn(
          this,
          'CopyVault',
          stack.formatArn({
            service: 'backup',
            region: props.copyTo.region,
            resource: 'backup-vault',
            resourceName: props.copyTo.vaultName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        )
      : undefined;
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: {
        minRetention: Duration.days(props.retentionDays),
        changeableFor: Duration.days(3),
      },
    });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          // After the night's jobs, in the city's time.
          scheduleExpression: events.Schedule.cron({ minute: '30', hour: '2' }),
          scheduleExpressionTimezone: TimeZone.ASIA_SHANGHAI,
          deleteAfter: Duration.days(props.retentionDays),
          ...(copyVault
            ? {
                copyActions: [
                  { destinationBackupVault: copyVault, deleteAfter: Duration.days(props.retentionDays) },
                ],
              }
            : {}),
        }),
      ],
    });

    // Our own role instead of AWS Backup's managed policy: exactly the DynamoDB backup actions on this table.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup taking the daily backup of the portal table',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:DescribeTable',
          'dynamodb:CreateBackup',
          'dynamodb:StartAwsBackupJob',
          'dynamodb:ListTagsOfResource',
        ],
        resources: [props.table.tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // A backup's ARN is generated by DynamoDB under the table's ARN; nothing narrower exists.
        actions: ['dynamodb:DescribeBackup', 'dynamodb:DeleteBackup'],
        resources: [`${props.table.tableArn}/backup/*`],
      }),
    );
    // cdk-nag names each wildcard finding after the resource pattern, with the table's logical id in it.
    const tableId = Stack.of(this).getLogicalId(props.table.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/backup/*]`,
      reason:
        'DynamoDB names each backup itself, under the table’s ARN (<table>/backup/<generated id>): the role may ' +
        'describe and expire the backups of this table only, and no narrower resource can exist beforehand.',
    });
    if (props.copyTo && copyVault) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['backup:CopyIntoBackupVault'],
          resources: [copyVault.backupVaultArn],
        }),
      );
      // The copy vault's key, known by its alias (its id is generated in the other region's stack), used through
      // AWS Backup in that region only.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'kms:Decrypt',
            'kms:DescribeKey',
            'kms:GenerateDataKey',
            'kms:CreateGrant',
            'kms:Encrypt',
          ],
          resources: [
            stack.formatArn({
              service: 'kms',
              region: props.copyTo.region,
              resource: 'key',
              resourceName: '*',
            }),
          ],
          conditions: {
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': props.copyTo.keyAlias },
            StringEquals: { 'kms:ViaService': `backup.${props.copyTo.region}.${stack.urlSuffix}` },
          },
        }),
      );
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${props.copyTo.region}:${stack.account}:key/*]`,
        reason:
          'The copy vault’s key is created in another region’s stack, so its id cannot be referenced here: the grant names it by its alias (kms:ResourceAliases) and only through AWS Backup in that region (kms:ViaService).',
      });
    }
    props.encryptionKey.grant(
      role,
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:GenerateDataKey',
      'kms:CreateGrant',
    );
    new backup.CfnBackupSelection(this, 'Selection', {
      backupPlanId: this.plan.backupPlanId,
      backupSelection: {
        selectionName: 'PortalTable',
        iamRoleArn: role.roleArn,
        resources: [props.table.tableArn],
      },
    });
  }
}
