import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PortalStack, PUBLIC_ROUTES } from '../../infra/portal-stack.js';
import {
  EdgeWafStack,
  WAF_MANAGED_RULE_GROUPS,
  WAF_PUBLIC_RATE_LIMIT_PER_IP,
  WAF_RATE_LIMIT_PER_IP,
} from '../../infra/waf.js';
import { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_SECRET_ENV } from '../../shared/runtime/origin-verify.js';
import { NO_BUNDLING, stage, TESTED_STAGES } from './stage-fixtures.js';

/**
 * Issue 19's edge and audit controls on both tested stages: the CloudFront web ACL (global partition only; WAF is
 * regional-only in AWS China), the origin-verify header that keeps the API behind CloudFront, and the CloudTrail
 * trail with DynamoDB and S3 data events into an Object-Lock bucket.
 */
type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

describe.each(TESTED_STAGES)('edge and audit (%s stage)', (stageName) => {
  const config = stage(stageName);
  const app = new App({ context: NO_BUNDLING });
  const stack = new PortalStack(app, 'Edge', { stage: config });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as {
    Resources: Record<string, Resource>;
    Parameters: Record<string, unknown>;
  };
  const ofType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  const [[distributionId, distribution]] = ofType('AWS::CloudFront::Distribution') as [[string, Resource]];
  const distributionConfig = distribution.Properties.DistributionConfig as {
    WebACLId?: unknown;
    Origins: {
      Id: string;
      CustomOriginConfig?: unknown;
      OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
    }[];
  };

  if (config.partition === 'aws')
    it('associates CloudFront with the web ACL given as the WebAclArn parameter (us-east-1, scope CLOUDFRONT)', () => {
      const pattern = new RegExp((json.Parameters.WebAclArn as { AllowedPattern: string }).AllowedPattern);
      // Attached once given: the very first `cdk deploy --all` deploys the web ACL's stack before this one.
      expect(distributionConfig.WebACLId).toEqual({
        'Fn::If': ['HasWebAcl', { Ref: 'WebAclArn' }, { Ref: 'AWS::NoValue' }],
      });
      expect(pattern.test('')).toBe(true);
      expect(pattern.test('arn:aws:wafv2:us-east-1:111111111111:global/webacl/portal/0b1c-2d3e')).toBe(true);
      expect(pattern.test('arn:aws:wafv2:ap-southeast-1:111111111111:regional/webacl/portal/0b1c')).toBe(
        false,
      );
    });
  else
    it('has no web ACL in China, where WAF is regional only, and asks for no web ACL parameter', () => {
      expect(distributionConfig.WebACLId).toBeUndefined();
      expect(json.Parameters.WebAclArn).toBeUndefined();
      expect(ofType('AWS::WAFv2::WebACL')).toEqual([]);
    });

  it('sends a secret origin-verify header to the API origin only, and the API function checks it', () => {
    const [[secretId]] = ofType('AWS::SecretsManager::Secret').filter(([id]) =>
      id.startsWith('OriginVerify'),
    ) as [[string, Resource]];
    const apiOrigin = distributionConfig.Origins.find((o) => o.CustomOriginConfig)!;
    expect(apiOrigin.OriginCustomHeaders).toEqual([
      {
        HeaderName: ORIGIN_VERIFY_HEADER,
        HeaderValue: {
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
        },
      },
    ]);
    // The S3 origin gets no such header: the secret goes to the API only.
    for (const origin of distributionConfig.Origins.filter((o) => o !== apiOrigin))
      expect(origin.OriginCustomHeaders).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'portal-api',
          [ORIGIN_VERIFY_SECRET_ENV]: { Ref: secretId },
        }),
      },
    });
    // Only the API function may read it.
    const readers = ofType('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes(`"${secretId}"`),
    );
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]![1].Properties.Roles)).toContain('ApiFunction');
    expect(distributionId).toBeTruthy();
  });

  it(`records the table's and the buckets' data events in a validated, encrypted trail kept ${config.logRetention} days under Object Lock`, () => {
    const [[tableId]] = ofType('AWS::DynamoDB::Table') as [[string, Resource]];
    const opsKey = Object.keys(json.Resources).find((id) => id.startsWith('KeysOpsKey'))!;
    const [[trailBucketId, trailBucket]] = ofType('AWS::S3::Bucket').filter(([id]) =>
      id.startsWith('AuditTrailBucket'),
    ) as [[string, Resource]];
    expect(trailBucket.Properties.ObjectLockEnabled).toBe(true);
    expect(trailBucket.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logRetention } },
    });
    expect(trailBucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(trailBucket.DeletionPolicy).toBe('Retain');
    expect(trailBucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [opsKey, 'Arn'] },
          },
        },
      ],
    });
    const [[, trail]] = ofType('AWS::CloudTrail::Trail') as [[string, Resource]];
    expect(trail.Properties).toMatchObject({
      EnableLogFileValidation: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      KMSKeyId: { 'Fn::GetAtt': [opsKey, 'Arn'] },
      S3BucketName: { Ref: trailBucketId },
    });
    expect(trail.Properties.EventSelectors).toBeUndefined();
    const selectors = trail.Properties.AdvancedEventSelectors as {
      FieldSelectors: { Field: string; Equals?: unknown[]; StartsWith?: unknown[] }[];
    }[];
    const field = (i: number, name: string) => selectors[i]!.FieldSelectors.find((f) => f.Field === name);
    expect(field(0, 'eventCategory')!.Equals).toEqual(['Management']);
    expect(field(1, 'resources.type')!.Equals).toEqual(['AWS::DynamoDB::Table']);
    expect(field(1, 'resources.ARN')!.Equals).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
    expect(field(2, 'resources.type')!.Equals).toEqual(['AWS::S3::Object']);
    const webBucket = Object.keys(json.Resources).find(
      (id) => id.startsWith('WebAssets') && json.Resources[id]!.Type === 'AWS::S3::Bucket',
    )!;
    // The web assets and the uploaded files (documents, imports: infra/file-storage.ts).
    const filesBucket = Object.keys(json.Resources).find(
      (id) => id.startsWith('FilesBucket') && json.Resources[id]!.Type === 'AWS::S3::Bucket',
    )!;
    expect(field(2, 'resources.ARN')!.StartsWith).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [webBucket, 'Arn'] }, '/']] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [filesBucket, 'Arn'] }, '/']] },
    ]);
    // The trail's own bucket is not among them: recording its writes into itself would loop.
    expect(JSON.stringify(field(2, 'resources.ARN'))).not.toContain(trailBucketId);
    // CloudTrail may use the ops key for this account's trails only.
    const keyPolicy = json.Resources[opsKey]!.Properties.KeyPolicy as {
      Statement: { Sid?: string; Condition?: unknown }[];
    };
    expect(keyPolicy.Statement.find((s) => s.Sid === 'CloudTrailOfThisAccount')!.Condition).toEqual({
      StringLike: {
        'kms:EncryptionContext:aws:cloudtrail:arn': {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, `:cloudtrail:${config.region}:${config.account}:trail/*`],
          ],
        },
      },
      StringEquals: { 'aws:SourceAccount': config.account },
    });
  });
});

describe('the CloudFront web ACL stack (global partition, us-east-1)', () => {
  const app = new App({ context: NO_BUNDLING });
  const packs = [
    new AwsSolutionsChecks(app, { verbose: true }),
    new ServerlessChecks(app, { verbose: true }),
  ];
  Validations.of(app).addPlugins(...packs);
  const config = stage('dev');
  const waf = new EdgeWafStack(app, 'Waf', {
    account: config.account,
    publicPaths: PUBLIC_ROUTES.map((path) => `/api${path}`),
    retention: config.logRetention,
  });
  const template = Template.fromStack(waf);
  const [[aclId, acl]] = Object.entries(template.findResources('AWS::WAFv2::WebACL')) as [[string, Resource]];
  const rules = acl.Properties.Rules as {
    Name: string;
    Priority: number;
    Action?: unknown;
    OverrideAction?: unknown;
    Statement: Record<
      string,
      {
        Limit?: number;
        AggregateKeyType?: string;
        EvaluationWindowSec?: number;
        ScopeDownStatement?: unknown;
        VendorName?: string;
        Name?: string;
      }
    >;
  }[];

  it('is a CLOUDFRONT-scoped ACL in us-east-1, allowing by default', () => {
    expect(waf.region).toBe('us-east-1');
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('blocks a client IP above its rate, first across the portal, then more tightly on the anonymous routes', () => {
    const rate = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rate.map((r) => [r.Name, r.Statement.RateBasedStatement!.Limit, r.Action])).toEqual([
      ['RatePerIp', WAF_RATE_LIMIT_PER_IP, { Block: {} }],
      ['PublicRoutesRatePerIp', WAF_PUBLIC_RATE_LIMIT_PER_IP, { Block: {} }],
    ]);
    for (const r of rate) {
      expect(r.Statement.RateBasedStatement!.AggregateKeyType).toBe('IP');
      expect(r.Statement.RateBasedStatement!.EvaluationWindowSec).toBe(300);
    }
    const scope = JSON.stringify(rate[1]!.Statement.RateBasedStatement!.ScopeDownStatement);
    for (const path of PUBLIC_ROUTES) expect(scope).toContain(`"/api${path}"`);
    // Rate rules run before the managed rule groups.
    expect(Math.max(...rate.map((r) => r.Priority))).toBeLessThan(
      Math.min(...rules.filter((r) => !r.Statement.RateBasedStatement).map((r) => r.Priority)),
    );
  });

  it('applies the AWS managed rule groups: IP reputation, common rules and known bad inputs, enforcing', () => {
    const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((r) => r.Statement.ManagedRuleGroupStatement!.Name).sort()).toEqual(
      [...WAF_MANAGED_RULE_GROUPS].sort(),
    );
    for (const r of managed) {
      expect(r.Statement.ManagedRuleGroupStatement!.VendorName).toBe('AWS');
      expect(r.OverrideAction).toEqual({ None: {} });
    }
  });

  it('logs to an aws-waf-logs- group under its own rotating key, with the Authorization header redacted', () => {
    const [[groupId, group]] = Object.entries(template.findResources('AWS::Logs::LogGroup')) as [
      [string, Resource],
    ];
    expect(group.Properties.LogGroupName).toMatch(/^aws-waf-logs-/);
    expect(group.Properties.RetentionInDays).toBe(config.logRetention);
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
      LogDestinationConfigs: [Match.anyValue()],
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('arn:aws:');
    expect(groupId).toBeTruthy();
  });

  it('passes cdk-nag AwsSolutions and Serverless with nothing acknowledged', () => {
    for (const pack of packs) expect(pack.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('rules_to_suppress');
    template.hasOutput('WebAclArn', { Value: { 'Fn::GetAtt': [aclId, 'Arn'] } });
  });
});

describe('mail through the city’s SMTP relay (prod, AWS China: no SES)', () => {
  const template = Template.fromStack(
    new PortalStack(new App({ context: NO_BUNDLING }), 'Smtp', { stage: stage('prod') }),
  );
  const json = template.toJSON() as {
    Resources: Record<string, Resource>;
    Parameters: Record<string, unknown>;
  };

  it('has a mailer configured for the relay given as parameters, reading only its credentials secret', () => {
    for (const name of ['SmtpHost', 'SmtpPort', 'SmtpFrom'])
      expect(json.Parameters[name], name).toBeDefined();
    expect(json.Parameters.SmtpPort).toMatchObject({ AllowedValues: ['465', '587'] });
    const secret = Object.entries(json.Resources).find(
      ([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id.startsWith('SmtpCredentials'),
    )![0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PORTAL_MAIL_TRANSPORT: 'smtp',
          SMTP_HOST: { Ref: 'SmtpHost' },
          SMTP_PORT: { Ref: 'SmtpPort' },
          PORTAL_EMAIL_FROM: { Ref: 'SmtpFrom' },
          SMTP_SECRET_ARN: { Ref: secret },
        }),
      },
    });
    const readers = Object.values(json.Resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes(`"${secret}"`),
    );
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]!.Properties.Roles)).toContain('EventsMailer');
    expect(JSON.stringify(json)).not.toContain('ses:SendEmail');
  });
});
