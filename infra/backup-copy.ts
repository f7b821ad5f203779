import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { ResolvedStage } from './stages.js';

/** Names of the copy vault and its key's alias: fixed per stage, so the portal stack can build their ARNs. */
export const backupCopyVaultName = (stage: Pick<ResolvedStage, 'name'>) =>
  `ip-finance-portal-${stage.name}-copy`;
export const backupCopyKeyAlias = (stage: Pick<ResolvedStage, 'name'>) =>
  `alias/ip-finance-portal-${stage.name}-backup-copy`;

/**
 * The vault in the stage's second region that receives a copy of every daily backup (AWS Backup cross-region copy;
 * in AWS China only between Beijing and Ningxia, docs.amazonaws.cn, Amazon Backup). Same lock as the primary
 * vault: compliance mode, `backupRetentionDays`. Its own customer-managed key (a KMS key never leaves its region).
 *
 * Deploy it before the portal stack: `cdk deploy IpFinancePortal-<stage>-BackupCopy`. Cross-region copies of
 * DynamoDB backups need AWS Backup's advanced features for DynamoDB turned on in the account (AWS Backup console,
 * Settings; once per account and region).
 */
export class BackupCopyStack extends Stack {
  readonly vault: backup.BackupVault;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, stage: ResolvedStage, props: Omit<StackProps, 'env'> = {}) {
    super(scope, id, { ...props, env: { account: stage.account, region: stage.backupCopyRegion } });
    this.key = new kms.Key(this, 'Key', {
      description: `IP finance portal (${stage.name}): copies of the table's backups`,
      alias: backupCopyKeyAlias(stage),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: backupCopyVaultName(stage),
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: {
        minRetention: Duration.days(stage.backupRetentionDays),
        changeableFor: Duration.days(3),
      },
      // Only this account may copy into it.
      accessPolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['backup:CopyIntoBackupVault'],
            resources: ['*'],
            conditions: { StringNotEquals: { 'aws:PrincipalAccount': stage.account } },
          }),
        ],
      }),
    });
    new CfnOutput(this, 'CopyVaultArn', { value: this.vault.backupVaultArn });
  }
}
