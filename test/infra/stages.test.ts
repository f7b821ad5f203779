import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { PortalStack } from '../../infra/portal-stack.js';
import { resolveStage, STAGES, type StageConfig, validateStage } from '../../infra/stages.js';
import { NO_BUNDLING, TEST_ACCOUNTS } from './stage-fixtures.js';

/** The checked-in stages (infra/stages.ts): pinned account, region and partition, refused when incomplete. */
describe('stages', () => {
  it('pin every stage’s region and partition; the China stages sit in Ningxia without Cognito, SES or the default domain', () => {
    for (const stage of Object.values(STAGES)) {
      expect(stage.region, stage.name).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
      expect(stage.partition).toBe(stage.region.startsWith('cn-') ? 'aws-cn' : 'aws');
      expect(stage.logRetention).toBeGreaterThanOrEqual(180);
    }
    expect(STAGES.prod).toMatchObject({
      region: 'cn-northwest-1',
      partition: 'aws-cn',
      identity: 'oidc',
      webDomain: 'city',
      mail: 'smtp',
      logRetention: RetentionDays.ONE_YEAR,
      // Beijing: AWS Backup copies within China only between Beijing and Ningxia.
      backupCopyRegion: 'cn-north-1',
    });
  });

  it('take the account from the stage’s variable, and fail synthesis without it', () => {
    expect(resolveStage('prod', TEST_ACCOUNTS).account).toBe(TEST_ACCOUNTS.PORTAL_PROD_ACCOUNT);
    expect(() => resolveStage('prod', {})).toThrow(/set PORTAL_PROD_ACCOUNT to its 12-digit AWS account id/);
    expect(() => resolveStage('prod', { PORTAL_PROD_ACCOUNT: '1234' })).toThrow(/12-digit account id/);
    // Only the sandbox has a placeholder, so `cdk synth` runs offline; deploying to it fails at the account check.
    expect(resolveStage('dev', {}).account).toBe('000000000000');
    expect(() => resolveStage('qa', TEST_ACCOUNTS)).toThrow(
      /Unknown stage "qa": choose one of dev, staging, prod/,
    );
  });

  it('refuse a stage without region or partition, or one that asks China for what it does not offer', () => {
    const base = STAGES.prod!;
    const refused = (change: Partial<StageConfig>) => () => validateStage({ ...base, ...change });
    expect(refused({ region: '' })).toThrow(/no region/);
    expect(refused({ partition: undefined as never })).toThrow(/no partition/);
    expect(refused({ partition: 'aws' })).toThrow(/region cn-northwest-1 is not in partition aws/);
    expect(refused({ identity: 'cognito' })).toThrow(/Cognito user pools are not offered in AWS China/);
    expect(refused({ webDomain: 'cloudfront' })).toThrow(/serves no default domain/);
    expect(refused({ mail: 'ses' })).toThrow(/SES is not offered in AWS China/);
    expect(refused({ logRetention: RetentionDays.THREE_MONTHS })).toThrow(/at least 180 days/);
    expect(refused({ backupCopyRegion: 'cn-northwest-1' })).toThrow(/another region than the stage’s/);
    expect(refused({ backupCopyRegion: 'ap-northeast-1' })).toThrow(
      /backup copy region ap-northeast-1 is not in partition aws-cn/,
    );
    expect(() => validateStage(base)).not.toThrow();
  });

  it('build the stack in the stage’s own account and region', () => {
    const stage = resolveStage('prod', TEST_ACCOUNTS);
    const stack = new PortalStack(new App({ context: NO_BUNDLING }), 'Pinned', { stage });
    expect(stack.account).toBe(TEST_ACCOUNTS.PORTAL_PROD_ACCOUNT);
    expect(stack.region).toBe('cn-northwest-1');
  });

  it.each(Object.keys(STAGES))(
    'give stage %s the sign-in and malware scanning its partition offers and the one-command web deployment',
    (name) => {
      const stage = resolveStage(name, TEST_ACCOUNTS);
      const template = Template.fromStack(
        new PortalStack(new App({ context: NO_BUNDLING }), `Signin${name}`, { stage }),
      );
      const cognito = stage.identity === 'cognito';
      // The stack's own pool with managed login and its code-flow client, or the external provider's parameters.
      template.resourceCountIs('AWS::Cognito::UserPool', cognito ? 1 : 0);
      template.resourceCountIs('AWS::Cognito::UserPoolDomain', cognito ? 1 : 0);
      template.resourceCountIs('AWS::Cognito::UserPoolClient', cognito ? 1 : 0);
      const parameters = Object.keys(template.toJSON().Parameters ?? {});
      if (cognito) expect(parameters).not.toContain('OidcIssuer');
      else expect(parameters).toEqual(expect.arrayContaining(['OidcIssuer', 'OidcClientId']));
      // The files bucket everywhere; GuardDuty's malware scanning only where the stage has it (not in AWS China).
      template.resourceCountIs('AWS::S3::Bucket', 4);
      template.resourceCountIs(
        'AWS::GuardDuty::MalwareProtectionPlan',
        stage.malwareScan === 'guardduty' ? 1 : 0,
      );
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ MALWARE_SCAN: stage.malwareScan === 'guardduty' ? 'on' : 'off' }),
        },
      });
      // Every stage uploads its pages and config.json and invalidates its distribution.
      template.resourceCountIs('Custom::CDKBucketDeployment', 1);
      template.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/*'] });
    },
  );
});
