import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PortalStack, PUBLIC_ROUTES } from '../../infra/portal-stack.js';
import { ROLES } from '../../shared/auth/principal.js';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table-schema.js';

// Skipping bundling keeps these tests fast; test/infra/api-bundle.test.ts bundles for real.
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const synthStack = (pack?: (app: App) => AwsSolutionsChecks) => {
  const app = new App({ context: NO_BUNDLING });
  const nag = pack?.(app);
  if (nag) Validations.of(app).addPlugins(nag);
  const stack = new PortalStack(app, 'PortalTest', { stage: 'test' });
  return { app, stack, nag };
};

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);
const logicalIdOf = (template: Template, type: string): string => {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

describe('PortalStack resources', () => {
  const template = Template.fromStack(synthStack().stack);
  const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table');
  const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };

  describe('DynamoDB table', () => {
    it('is the one table, keyed exactly as the shared schema says', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
        ],
      });
      const [, table] = resourcesOf(template, 'AWS::DynamoDB::Table')[0]!;
      const defined = (
        table.Properties!.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]
      )
        .map((a) => `${a.AttributeName}:${a.AttributeType}`)
        .sort();
      const expected = [
        TABLE_KEYS.partition,
        TABLE_KEYS.sort,
        ...GLOBAL_INDEXES.flatMap((i) => [i.partition, i.sort]),
      ]
        .map((name) => `${name}:S`)
        .sort();
      expect(defined).toEqual(expected);
    });

    it('has every global index of the shared schema, projecting all attributes', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partition, KeyType: 'HASH' },
            { AttributeName: index.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      });
    });

    it('is on-demand with point-in-time recovery, deletion protection, a stream and TTL', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      });
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });
  });

  describe('Cognito', () => {
    it('has exactly the four role groups', () => {
      const groups = resourcesOf(template, 'AWS::Cognito::UserPoolGroup').map(
        ([, g]) => g.Properties!.GroupName,
      );
      expect(groups.sort()).toEqual([...ROLES].sort());
    });

    it('has the org custom attribute, no self sign-up, a strong password policy and required TOTP MFA', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'org', AttributeDataType: 'String', Mutable: true }),
        ]),
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        DeletionProtection: 'ACTIVE',
      });
    });

    it('has a public app client that can read custom:org but never write it', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        ReadAttributes: Match.arrayWith(['custom:org']),
        WriteAttributes: Match.not(Match.arrayWith(['custom:org'])),
      });
    });
  });

  describe('HTTP API', () => {
    const authorizerId = logicalIdOf(template, 'AWS::ApiGatewayV2::Authorizer');
    const poolId = logicalIdOf(template, 'AWS::Cognito::UserPool');
    const clientId = logicalIdOf(template, 'AWS::Cognito::UserPoolClient');

    it('has a JWT authorizer for the user pool issuer and the app client audience', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [{ Ref: clientId }],
          Issuer: {
            'Fn::Join': [
              '',
              ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }],
            ],
          },
        },
      });
    });

    it('attaches the authorizer to the catch-all proxy route', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: 'ANY /{proxy+}',
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    });

    it('leaves only GET /openapi.json, /docs and /healthz unauthenticated', () => {
      for (const path of PUBLIC_ROUTES)
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: `GET ${path}`,
          AuthorizationType: 'NONE',
          AuthorizerId: Match.absent(),
        });
      const open = resourcesOf(template, 'AWS::ApiGatewayV2::Route')
        .filter(([, r]) => r.Properties!.AuthorizationType !== 'JWT')
        .map(([, r]) => r.Properties!.RouteKey)
        .sort();
      expect(open).toEqual(PUBLIC_ROUTES.map((p) => `GET ${p}`).sort());
    });

    it('has a default stage with throttling and access logs to a log group with retention', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: Match.anyValue(),
          ThrottlingBurstLimit: Match.anyValue(),
        },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
      });
      const [, stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage')[0]!;
      const logGroupId = (
        stage.Properties!.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': string[] } }
      ).DestinationArn['Fn::GetAtt'][0]!;
      expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBeGreaterThan(0);
    });
  });

  describe('Lambda functions', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function');

    it('are all arm64 on nodejs22.x, logging to their own log group with retention', () => {
      expect(functions.length).toBeGreaterThan(0);
      for (const [, fn] of functions) {
        expect(fn.Properties!.Runtime).toBe('nodejs22.x');
        expect(fn.Properties!.Architectures).toEqual(['arm64']);
        const logGroup = (fn.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(template.toJSON().Resources[logGroup].Properties.RetentionInDays).toBeGreaterThan(0);
      }
    });

    it('give the API function its table, issuer, audience, Powertools and source-map settings', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: tableId },
            USER_POOL_ISSUER: Match.anyValue(),
            USER_POOL_CLIENT_ID: { Ref: logicalIdOf(template, 'AWS::Cognito::UserPoolClient') },
            POWERTOOLS_SERVICE_NAME: 'portal-api',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    });
  });

  describe('scheduled jobs', () => {
    const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule').map(([, s]) => s.Properties!);
    const entryOf = (serviceName: string) => {
      const [id] = resourcesOf(template, 'AWS::Lambda::Function').find(
        ([, fn]) =>
          (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables
            .POWERTOOLS_SERVICE_NAME === serviceName,
      )!;
      return { 'Fn::GetAtt': [id, 'Arn'] };
    };

    it('run expiry, renewal offers, the designation cycle, loan servicing, the collateral monitor and the snapshot daily and the audit weekly, in Shanghai time, with retries', () => {
      expect(
        schedules.map((s) => [
          s.ScheduleExpression,
          s.ScheduleExpressionTimezone,
          (s.Target as { Arn: unknown }).Arn,
        ]),
      ).toEqual([
        ['cron(5 0 * * ? *)', 'Asia/Shanghai', entryOf('expire-policies')],
        ['cron(15 0 * * ? *)', 'Asia/Shanghai', entryOf('renewals')],
        ['cron(20 0 * * ? *)', 'Asia/Shanghai', entryOf('designation-cycle')],
        ['cron(30 0 * * ? *)', 'Asia/Shanghai', entryOf('servicing')],
        ['cron(45 0 * * ? *)', 'Asia/Shanghai', entryOf('monitor')],
        ['cron(0 1 * * ? *)', 'Asia/Shanghai', entryOf('compute-stats')],
        ['cron(0 2 ? * MON *)', 'Asia/Shanghai', entryOf('reconcile-stats')],
      ]);
      for (const s of schedules)
        expect(s.Target).toMatchObject({
          RetryPolicy: { MaximumRetryAttempts: 2 },
          RoleArn: expect.anything(),
        });
    });

    it('alarm when the audit finds statistics that disagree with the source items', () => {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: '{ $.message = "Statistics counters disagree with the source items" }',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'StatisticsDisagreements' });
    });
  });

  describe('IAM', () => {
    type Statement = { Action: string | string[]; Resource: unknown };
    const policies = resourcesOf(template, 'AWS::IAM::Policy');
    const statementsOf = (ps: typeof policies) =>
      ps.flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
    const statements = statementsOf(policies);
    // The event-delivery functions' grants (stream reads, Puts only) are asserted in event-delivery.test.ts.
    const ofEventDelivery = ([, p]: (typeof policies)[number]) =>
      (p.Properties!.Roles as { Ref: string }[]).every((r) => r.Ref.startsWith('Events'));
    const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

    it('grants DynamoDB item actions only on the table and its named indexes, Scan only to the audit', () => {
      const dynamo = statementsOf(policies.filter((p) => !ofEventDelivery(p))).filter((s) =>
        asList(s.Action).some((a) => a.startsWith('dynamodb:')),
      );
      const itemGrants = dynamo.filter((s) => !asList(s.Action).includes('dynamodb:Scan'));
      // API, expiry, renewal offers, designation cycle, servicing, monitor, stats snapshot, stats audit: one
      // item-level grant each; all but the audit write.
      expect(itemGrants).toHaveLength(8);
      for (const grant of itemGrants) {
        expect(asList(grant.Action)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
        for (const action of asList(grant.Action)) expect(action).not.toContain('*');
        expect(grant.Resource).toEqual([
          tableArn,
          ...GLOBAL_INDEXES.map((i) => ({ 'Fn::Join': ['', [tableArn, `/index/${i.name}`]] })),
        ]);
      }
      const writers = itemGrants.filter((g) => asList(g.Action).includes('dynamodb:PutItem'));
      expect(writers).toHaveLength(7);
      const scans = dynamo.filter((s) => asList(s.Action).includes('dynamodb:Scan'));
      expect(scans).toEqual([{ Effect: 'Allow', Action: 'dynamodb:Scan', Resource: tableArn }]);
    });

    it('has no wildcard resource and no managed policy anywhere', () => {
      for (const s of statements)
        for (const r of asList(s.Resource)) expect(JSON.stringify(r)).not.toContain('*');
      for (const [, role] of resourcesOf(template, 'AWS::IAM::Role'))
        expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    });
  });

  describe('alarms', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    const metricsOf = (alarm: Record<string, unknown>) => [
      ...(alarm.MetricName ? [`${alarm.Namespace}/${alarm.MetricName}`] : []),
      ...((alarm.Metrics as { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[]) ?? [])
        .filter((m) => m.MetricStat)
        .map((m) => `${m.MetricStat!.Metric.Namespace}/${m.MetricStat!.Metric.MetricName}`),
    ];
    const watched = new Set(alarms.flatMap(metricsOf));

    it('watch API 5xx, Lambda errors and throttles, and DynamoDB throttling and system errors', () => {
      for (const metric of [
        'AWS/ApiGateway/5xx',
        'AWS/Lambda/Errors',
        'AWS/Lambda/Throttles',
        'AWS/DynamoDB/ThrottledRequests',
        'AWS/DynamoDB/SystemErrors',
      ])
        expect(watched, metric).toContain(metric);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalIdOf(template, 'AWS::ApiGatewayV2::Api') } }],
      });
    });
  });

  it('hard-codes no physical names, so stages can share an account', () => {
    const physicalNames = [
      'TableName',
      'UserPoolName',
      'FunctionName',
      'LogGroupName',
      'RoleName',
      'AlarmName',
    ];
    // A reference to a generated name is fine (e.g. a permission's FunctionName); a literal is not.
    for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Resource>))
      for (const name of physicalNames)
        expect(typeof resource.Properties?.[name], `${id}.${name}`).not.toBe('string');
  });
});

describe('cdk-nag AwsSolutions', () => {
  const { app, stack, nag } = synthStack(
    (a) => new AwsSolutionsChecks(a, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  const template = Template.fromStack(stack);

  it('reports no unacknowledged error or warning', () => {
    const report = nag!.validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only APIG4 on the public routes, L1 on each function and the web hosting findings, each with a reason', () => {
    const acknowledged = Object.values(template.toJSON().Resources as Record<string, Resource>).flatMap(
      (r) => {
        const rules = (
          r.Metadata?.cdk_nag as { rules_to_suppress: { id: string; reason: string }[] } | undefined
        )?.rules_to_suppress;
        return (rules ?? []).map((rule) => ({
          ...rule,
          where: `${r.Type} ${r.Properties?.RouteKey ?? ''}`.trim(),
        }));
      },
    );
    expect(acknowledged.map((a) => `${a.id} ${a.where}`).sort()).toEqual(
      [
        ...PUBLIC_ROUTES.map((p) => `AwsSolutions-APIG4 AWS::ApiGatewayV2::Route GET ${p}`),
        // the API, the seven scheduled jobs, the event publisher, the three consumers (audit feed, notifier,
        // guarantee claims) and the webhook deliverer, whose queue mapping sits under it
        ...Array(13).fill('AwsSolutions-L1 AWS::Lambda::Function'),
        'AwsSolutions-L1 AWS::Lambda::EventSourceMapping',
        // web hosting (infra/web-hosting.ts): the access-log bucket, the distribution without WAF, geo
        // restriction or custom certificate, and CDK's own note on the log bucket's LogDeliveryWrite ACL
        'AwsSolutions-S1 AWS::S3::Bucket',
        'AwsSolutions-CFR1 AWS::CloudFront::Distribution',
        'AwsSolutions-CFR2 AWS::CloudFront::Distribution',
        'AwsSolutions-CFR4 AWS::CloudFront::Distribution',
        'CloudFormation-Validate::W3045 AWS::S3::Bucket',
        'CloudFormation-Validate::W3045 AWS::S3::BucketPolicy',
      ].sort(),
    );
    for (const a of acknowledged) expect(a.reason.length).toBeGreaterThan(40);
  });

  it('fails synthesis for a stack with findings (negative control)', () => {
    const bad = new App();
    Validations.of(bad).addPlugins(new AwsSolutionsChecks(bad));
    new dynamodb.Table(new Stack(bad, 'Bad'), 'NoRecovery', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    expect(() => bad.synth()).toThrow(/AwsSolutions-DDB3/);
  });
});
