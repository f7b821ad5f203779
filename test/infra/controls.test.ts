import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { BackupCopyStack, backupCopyKeyAlias, backupCopyVaultName } from '../../infra/backup-copy.js';
import { PortalStack } from '../../infra/portal-stack.js';
import { partitionOf } from '../../infra/stages.js';
import { NO_BUNDLING, stage, TESTED_STAGES } from './stage-fixtures.js';

/**
 * The operational controls of issue 19 on every tested stage (the global sandbox and China production): customer
 * keys, retention, backups, alarm delivery, job failure handling, API concurrency, and partition-neutral names.
 */
type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

describe.each(TESTED_STAGES)('controls (%s stage)', (stageName) => {
  const config = stage(stageName);
  const template = Template.fromStack(
    new PortalStack(new App({ context: NO_BUNDLING }), 'Controls', { stage: config }),
  );
  const json = template.toJSON() as {
    Resources: Record<string, Resource>;
    Parameters: Record<string, unknown>;
  };
  const ofType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  const keyIds = ofType('AWS::KMS::Key').map(([id]) => id);
  const keyArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

  it('has two customer-managed keys, rotated and retained', () => {
    expect(keyIds).toHaveLength(2);
    for (const [, key] of ofType('AWS::KMS::Key')) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });

  it('encrypts the table with a customer-managed key and keeps its deletion protection', () => {
    const [[, table]] = ofType('AWS::DynamoDB::Table') as [[string, Resource]];
    expect(table.Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: keyArn(keyIds.find((id) => id.includes('DataKey'))!),
    });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it(`keeps every log group ${config.logRetention} days under the ops key, which only this account's log groups may use`, () => {
    const opsKey = keyIds.find((id) => id.includes('OpsKey'))!;
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(10);
    for (const [id, group] of groups) {
      expect(group.Properties.RetentionInDays, id).toBe(config.logRetention);
      expect(group.Properties.KmsKeyId, id).toEqual(keyArn(opsKey));
    }
    const policy = json.Resources[opsKey]!.Properties.KeyPolicy as { Statement: Statement[] };
    const logs = policy.Statement.find((s) => JSON.stringify(s.Principal).includes('logs.'))!;
    expect(logs.Principal).toEqual({
      Service: { 'Fn::Join': ['', [`logs.${config.region}.`, { Ref: 'AWS::URLSuffix' }]] },
    });
    expect(JSON.stringify(logs.Condition)).toContain(`:logs:${config.region}:${config.account}:log-group:*`);
  });

  it('backs the table up daily into a locked vault under the data key, with a role limited to this table', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      EncryptionKeyArn: keyArn(keyIds.find((id) => id.includes('DataKey'))!),
      LockConfiguration: { MinRetentionDays: config.backupRetentionDays, ChangeableForDays: 3 },
    });
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(30 2 * * ? *)',
            ScheduleExpressionTimezone: 'Asia/Shanghai',
            Lifecycle: { DeleteAfterDays: config.backupRetentionDays },
          }),
        ],
      },
    });
    const [tableId] = ofType('AWS::DynamoDB::Table')[0]!;
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }),
    });
    const [, role] = ofType('AWS::IAM::Role').find(([id]) => id.startsWith('BackupRole'))!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('sends every alarm, on alarm and on recovery, to one encrypted topic with the operators’ address as a parameter', () => {
    expect(json.Parameters.AlarmEmail).toMatchObject({ Type: 'String', AllowedPattern: expect.any(String) });
    const [[topicId, topic]] = ofType('AWS::SNS::Topic') as [[string, Resource]];
    expect(topic.Properties.KmsMasterKeyId).toEqual(keyArn(keyIds.find((id) => id.includes('OpsKey'))!));
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: { Ref: 'AlarmEmail' },
      TopicArn: { Ref: topicId },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(12);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topicId }]);
    }
  });

  it('gives every scheduled job a dead-letter queue and an on-failure destination, and an alarm on them', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(7);
    const queues = new Set<string>();
    for (const [, schedule] of schedules) {
      const target = schedule.Properties.Target as {
        Arn: { 'Fn::GetAtt': string[] } | { Ref: string };
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': string[] } };
      };
      const queue = target.DeadLetterConfig.Arn['Fn::GetAtt'][0]!;
      queues.add(queue);
      if ('Ref' in target.Arn) {
        // The weekly audit starts a state machine: a failed execution has its own alarm (stats-audit.test.ts).
        expect(ofType('AWS::StepFunctions::StateMachine').map(([id]) => id)).toContain(target.Arn.Ref);
        template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed' });
        continue;
      }
      const fn = target.Arn['Fn::GetAtt'][0]!;
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fn },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
      });
    }
    expect(queues.size).toBe(1);
    const [queue] = [...queues];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
    });
    // Scheduler's roles: only this account's schedules may assume them, and they may send to the queue.
    for (const [id, role] of ofType('AWS::IAM::Role').filter(([id]) => id.includes('SchedulerRole'))) {
      const trust = role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] };
      expect(trust.Statement[0]!.Condition, id).toEqual({
        StringEquals: { 'aws:SourceAccount': config.account },
      });
    }
  });

  it('reserves (and so caps) the API function’s concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: config.apiReservedConcurrency,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'portal-api' }) },
    });
  });

  it('grants the table key to table users through DynamoDB only', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(
      ([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const kms = statements.filter(
      (s) => asList(s.Action).includes('kms:Decrypt') && JSON.stringify(s.Resource).includes('DataKey'),
    );
    expect(kms.length).toBeGreaterThan(8);
    for (const s of kms)
      if (!JSON.stringify(s).includes('kms:CreateGrant'))
        expect(s.Condition).toEqual({
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', [`dynamodb.${config.region}.`, { Ref: 'AWS::URLSuffix' }]] },
          },
        });
  });

  it('builds every ARN and URL from the partition: no commercial ARN, no hard-coded domain but service principals', () => {
    const text = JSON.stringify(json);
    expect(text).not.toContain('arn:aws:');
    const domains = text.match(/"[^"]*amazonaws\.com[^"]*"/g) ?? [];
    // CDK renders service principals per partition (lambda.amazonaws.com is also China's); nothing else may name it.
    // (GuardDuty's malware-protection-plan.guardduty.amazonaws.com is one, on global stages only.)
    for (const d of domains) expect(d).toMatch(/^"[a-z-]+(\.guardduty)?\.amazonaws\.com"$/);
    expect(text).toContain('AWS::URLSuffix');
  });
});

describe.each(TESTED_STAGES)('backup copies to the second region (%s stage)', (stageName) => {
  const config = stage(stageName);
  const app = new App({ context: NO_BUNDLING });
  const portal = new PortalStack(app, 'Copies', { stage: config });
  const copy = new BackupCopyStack(app, 'CopyVault', config);
  const template = Template.fromStack(portal);
  const copyTemplate = Template.fromStack(copy);

  it(`copies each daily backup to ${config.backupCopyRegion}, kept ${config.backupRetentionDays} days there too`, () => {
    expect(copy.region).toBe(config.backupCopyRegion);
    expect(partitionOf(config.backupCopyRegion)).toBe(config.partition);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            CopyActions: [
              {
                DestinationBackupVaultArn: {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      `:backup:${config.backupCopyRegion}:${config.account}:backup-vault:${backupCopyVaultName(config)}`,
                    ],
                  ],
                },
                Lifecycle: { DeleteAfterDays: config.backupRetentionDays },
              },
            ],
          }),
        ],
      },
    });
  });

  it('keeps the copies in a vault of that name, locked in compliance mode under its own rotating key', () => {
    copyTemplate.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: backupCopyVaultName(config),
      LockConfiguration: { MinRetentionDays: config.backupRetentionDays, ChangeableForDays: 3 },
      EncryptionKeyArn: Match.anyValue(),
    });
    copyTemplate.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    copyTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    copyTemplate.hasResourceProperties('AWS::KMS::Alias', { AliasName: backupCopyKeyAlias(config) });
    expect(JSON.stringify(copyTemplate.toJSON())).not.toContain('arn:aws:');
  });

  it('lets the backup role copy into that vault only, and use its key only by alias and through AWS Backup there', () => {
    const json = template.toJSON() as { Resources: Record<string, Resource> };
    const statements = Object.entries(json.Resources)
      .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('BackupRole'))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const copyInto = statements.find((s) => asList(s.Action).includes('backup:CopyIntoBackupVault'))!;
    expect(JSON.stringify(copyInto.Resource)).toContain(`backup-vault:${backupCopyVaultName(config)}`);
    const key = statements.find((s) =>
      JSON.stringify(s.Resource).includes(`:kms:${config.backupCopyRegion}:`),
    )!;
    expect(key.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': backupCopyKeyAlias(config) },
      StringEquals: {
        'kms:ViaService': {
          'Fn::Join': ['', [`backup.${config.backupCopyRegion}.`, { Ref: 'AWS::URLSuffix' }]],
        },
      },
    });
  });
});

describe('the backup copy vault stack under cdk-nag', () => {
  it('passes AwsSolutions and Serverless with nothing acknowledged, on both tested stages', () => {
    for (const stageName of TESTED_STAGES) {
      const app = new App({ context: NO_BUNDLING });
      const packs = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
      Validations.of(app).addPlugins(...packs);
      new BackupCopyStack(app, 'CopyVault', stage(stageName));
      for (const pack of packs) expect(pack.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    }
  });
});
