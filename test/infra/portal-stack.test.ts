import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PortalStack, PUBLIC_ROUTES } from '../../infra/portal-stack.js';
import { STATS_SNAPSHOTS } from '../../shared/store/keys.js';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table-schema.js';
import { NO_BUNDLING, stage, TESTED_STAGES } from './stage-fixtures.js';

const synthStack = (stageName: string, verbose = false) => {
  const app = new App({ context: NO_BUNDLING });
  const packs = [
    new AwsSolutionsChecks(app, { verbose, writeSuppressionsToCloudFormation: true }),
    new ServerlessChecks(app, { verbose, writeSuppressionsToCloudFormation: true }),
  ];
  Validations.of(app).addPlugins(...packs);
  const stack = new PortalStack(app, 'PortalTest', { stage: stage(stageName) });
  return { app, stack, packs };
};

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
/** CDK's own function that uploads the web build at deploy time, and its role (asserted in web-hosting.test.ts). */
const ofWebDeployment = (logicalId: string) =>
  logicalId.startsWith('CustomCDKBucketDeployment') || logicalId.startsWith('WebDeploymentRole');

const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);
const logicalIdOf = (template: Template, type: string): string => {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

describe.each(TESTED_STAGES)('PortalStack resources (%s stage)', (stageName) => {
  const template = Template.fromStack(synthStack(stageName).stack);
  const cognito = stage(stageName).identity === 'cognito';
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

  if (cognito)
    describe('Cognito', () => {
      it('keeps no role or organisation: no groups, no custom attributes (the portal’s directory holds them)', () => {
        template.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
        const [, pool] = resourcesOf(template, 'AWS::Cognito::UserPool')[0]!;
        const schema = (pool.Properties!.Schema ?? []) as { Name: string }[];
        expect(schema.filter((a) => !['email', 'name'].includes(a.Name))).toEqual([]);
      });

      it('lets companies sign themselves up with a verified e-mail, with a strong password and required TOTP MFA', () => {
        template.hasResourceProperties('AWS::Cognito::UserPool', {
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
          AutoVerifiedAttributes: ['email'],
          UsernameAttributes: ['email'],
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

      it('sends its e-mail through SES from the stage’s verified sender when one is given, else Cognito’s own', () => {
        template.hasResourceProperties('AWS::Cognito::UserPool', {
          EmailConfiguration: Match.absent(),
        });
        const app = new App({ context: NO_BUNDLING });
        const withSes = Template.fromStack(
          new PortalStack(app, 'SesTest', { stage: stage(stageName), emailFrom: 'notify@example.org' }),
        );
        withSes.hasResourceProperties('AWS::Cognito::UserPool', {
          EmailConfiguration: {
            EmailSendingAccount: 'DEVELOPER',
            From: 'notify@example.org',
            SourceArn: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  `:ses:${stage(stageName).region}:${stage(stageName).account}:identity/notify@example.org`,
                ],
              ],
            },
          },
        });
      });

      it('has managed login on a Cognito domain of the stack', () => {
        template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
          Domain: `ip-finance-${stageName}-${stage(stageName).account}`,
          ManagedLoginVersion: 2,
        });
        template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 1);
      });

      it('has one public client of the code flow only, calling back to the CloudFront URL, writing no attribute that matters', () => {
        template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
        const distribution = logicalIdOf(template, 'AWS::CloudFront::Distribution');
        const web = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] };
        template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
          GenerateSecret: false,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid', 'email', 'profile'],
          CallbackURLs: [web],
          LogoutURLs: [web],
          SupportedIdentityProviders: ['COGNITO'],
          ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        });
        const [, client] = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[0]!;
        // Public: no secret, no client-credentials or implicit grant, no password flows (managed login only).
        expect(client.Properties!.ClientSecret).toBeUndefined();
        expect(client.Properties!.ReadAttributes).toEqual(['email', 'email_verified', 'name']);
        // The address is the invitation's key and its verification is Cognito's: no client may write either, nor
        // any custom attribute (the pool has none; role and organisation are the portal directory's).
        const writable = client.Properties!.WriteAttributes as string[];
        expect(writable).toEqual(['name']);
        for (const attribute of writable) {
          expect(['email', 'email_verified', 'phone_number_verified']).not.toContain(attribute);
          expect(attribute).not.toMatch(/^custom:/);
        }
      });

      it('gives the client short-lived tokens, revocable refresh tokens and no user-existence answers', () => {
        template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
          IdTokenValidity: 60,
          AccessTokenValidity: 60,
          RefreshTokenValidity: 12 * 60,
          TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
          EnableTokenRevocation: true,
          PreventUserExistenceErrors: 'ENABLED',
        });
      });

      it('lets the API function create, disable and enable accounts in its own pool, nothing more', () => {
        const pool = logicalIdOf(template, 'AWS::Cognito::UserPool');
        const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(
          ([, p]) =>
            (p.Properties!.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
              .Statement,
        );
        const cognitoStatements = statements.filter((st) =>
          JSON.stringify(st.Action).includes('cognito-idp'),
        );
        expect(cognitoStatements).toEqual([
          expect.objectContaining({
            Action: [
              'cognito-idp:AdminCreateUser',
              'cognito-idp:AdminDisableUser',
              'cognito-idp:AdminEnableUser',
            ],
            Resource: { 'Fn::GetAtt': [pool, 'Arn'] },
          }),
        ]);
      });
    });

  describe('HTTP API', () => {
    const authorizerId = logicalIdOf(template, 'AWS::ApiGatewayV2::Authorizer');

    if (cognito)
      it('has a JWT authorizer for the user pool issuer (partition domain) and the app client audience', () => {
        const poolId = logicalIdOf(template, 'AWS::Cognito::UserPool');
        const clientId = logicalIdOf(template, 'AWS::Cognito::UserPoolClient');
        template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: {
            Audience: [{ Ref: clientId }],
            Issuer: {
              'Fn::Join': [
                '',
                [
                  `https://cognito-idp.${stage(stageName).region}.`,
                  { Ref: 'AWS::URLSuffix' },
                  '/',
                  { Ref: poolId },
                ],
              ],
            },
          },
        });
      });

    if (!cognito)
      it('has a JWT authorizer for the external OpenID Connect provider given as parameters', () => {
        template.resourceCountIs('AWS::Cognito::UserPool', 0);
        template.hasParameter('OidcIssuer', {
          Type: 'String',
          AllowedPattern: Match.stringLikeRegexp('https'),
        });
        template.hasParameter('OidcClientId', { Type: 'String' });
        template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          AuthorizerType: 'JWT',
          JwtConfiguration: { Audience: [{ Ref: 'OidcClientId' }], Issuer: { Ref: 'OidcIssuer' } },
        });
        template.hasResourceProperties('AWS::Lambda::Function', {
          Environment: {
            Variables: Match.objectLike({
              OIDC_ISSUER: { Ref: 'OidcIssuer' },
              OIDC_CLIENT_ID: { Ref: 'OidcClientId' },
            }),
          },
        });
        // No pool: no pool id for any function and no Cognito action in any policy.
        for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function'))
          expect(
            (fn.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
              ?.USER_POOL_ID,
          ).toBeUndefined();
        expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('cognito-idp');
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

    it('has one stage, named for the /api prefix, with throttling, tighter limits on public routes, and access logs with the caller', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: 'api',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
        RouteSettings: Object.fromEntries(
          PUBLIC_ROUTES.map((p) => [`GET ${p}`, { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }]),
        ),
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.authorizer\\.claims\\.sub'),
        },
      });
      const [, stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage')[0]!;
      const logGroupId = (
        stage.Properties!.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': string[] } }
      ).DestinationArn['Fn::GetAtt'][0]!;
      expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBeGreaterThanOrEqual(180);
      expect(template.toJSON().Resources[logGroupId].Properties.KmsKeyId).toBeDefined();
    });
  });

  describe('Lambda functions', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) => !ofWebDeployment(id));

    it('are all arm64 on nodejs22.x, logging to their own log group with retention', () => {
      expect(functions.length).toBeGreaterThan(0);
      for (const [, fn] of functions) {
        expect(fn.Properties!.Runtime).toBe('nodejs22.x');
        expect(fn.Properties!.Architectures).toEqual(['arm64']);
        const logGroup = (fn.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(template.toJSON().Resources[logGroup].Properties.RetentionInDays).toBeGreaterThanOrEqual(180);
      }
    });

    if (cognito)
      it('give the API function its table, issuer, audience, Powertools and source-map settings', () => {
        template.hasResourceProperties('AWS::Lambda::Function', {
          Handler: 'index.handler',
          Environment: {
            Variables: {
              TABLE_NAME: { Ref: tableId },
              OIDC_ISSUER: Match.anyValue(),
              OIDC_CLIENT_ID: { Ref: logicalIdOf(template, 'AWS::Cognito::UserPoolClient') },
              // Invitations create the person's account in the pool (the Admin* grants above).
              USER_POOL_ID: { Ref: logicalIdOf(template, 'AWS::Cognito::UserPool') },
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
        // The audit starts its state machine, which fans out over Scan segments (stats-audit.test.ts).
        [
          'cron(0 2 ? * MON *)',
          'Asia/Shanghai',
          {
            Ref: Object.keys(template.findResources('AWS::StepFunctions::StateMachine')).find(
              (id) => !id.startsWith('Imports'),
            ),
          },
        ],
      ]);
      for (const s of schedules)
        expect(s.Target).toMatchObject({
          RetryPolicy: { MaximumRetryAttempts: 2 },
          RoleArn: expect.anything(),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
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
    const statements = statementsOf(
      policies.filter(
        ([, p]) => !(p.Properties!.Roles as { Ref: string }[]).every((r) => ofWebDeployment(r.Ref)),
      ),
    );
    // The event-delivery functions' grants (stream reads, Puts only) are asserted in event-delivery.test.ts.
    const ofEventDelivery = ([, p]: (typeof policies)[number]) =>
      (p.Properties!.Roles as { Ref: string }[]).every((r) => r.Ref.startsWith('Events'));
    // The backup role's grants (infra/data-protection.ts) are asserted in controls.test.ts.
    const ofBackup = ([, p]: (typeof policies)[number]) =>
      (p.Properties!.Roles as { Ref: string }[]).every((r) => r.Ref.startsWith('Backup'));
    const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

    it('grants DynamoDB item actions only on the table and its named indexes, Scan only to the audit', () => {
      // The search indexer's stream reads are asserted in stats-audit.test.ts (its mapping).
      const dynamo = statementsOf(policies.filter((p) => !ofEventDelivery(p) && !ofBackup(p))).filter(
        (s) =>
          asList(s.Action).some((a) => a.startsWith('dynamodb:')) &&
          !asList(s.Action).includes('dynamodb:GetRecords'),
      );
      // The statistics snapshot's writes, scoped to its partition, are a statement of their own (below).
      const scoped = dynamo.filter((s) => (s as { Condition?: unknown }).Condition);
      expect(scoped).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:ConditionCheckItem',
          ],
          Resource: tableArn,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [STATS_SNAPSHOTS] } },
        },
      ]);
      const itemGrants = dynamo.filter(
        (s) => !asList(s.Action).includes('dynamodb:Scan') && !scoped.includes(s),
      );
      // API, expiry, renewal offers, designation cycle, servicing, monitor, stats snapshot, the audit's segments
      // and its combining step, the search indexer, the bulk import's prepare, batch and finish steps (and, where
      // GuardDuty scans the files bucket, the scan-result function): one item-level grant each; all but the
      // snapshot (scoped above) and the combining step write through it.
      const scanner = stage(stageName).malwareScan === 'guardduty' ? 1 : 0;
      expect(itemGrants).toHaveLength(13 + scanner);
      for (const grant of itemGrants) {
        expect(asList(grant.Action)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
        for (const action of asList(grant.Action)) expect(action).not.toContain('*');
        expect(grant.Resource).toEqual([
          tableArn,
          ...GLOBAL_INDEXES.map((i) => ({ 'Fn::Join': ['', [tableArn, `/index/${i.name}`]] })),
        ]);
      }
      const writers = itemGrants.filter((g) => asList(g.Action).includes('dynamodb:PutItem'));
      expect(writers).toHaveLength(11 + scanner);
      const scans = dynamo.filter((s) => asList(s.Action).includes('dynamodb:Scan'));
      expect(scans).toEqual([{ Effect: 'Allow', Action: 'dynamodb:Scan', Resource: tableArn }]);
    });

    it('has no wildcard resource but the backups of the table, the copy vault key, X-Ray, log delivery, the files bucket’s prefixes and GuardDuty’s managed rule, and no managed policy anywhere', () => {
      const xray = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
      for (const s of statements)
        for (const r of asList(s.Resource))
          if (asList(s.Action).every((a) => xray.includes(a))) expect(r).toBe('*');
          // Object keys under documents/ and imports/ of the files bucket (asserted in file-storage.test.ts).
          else if (
            asList(s.Action).every((a) => a.startsWith('s3:')) &&
            /FilesBucket.*\*/.test(JSON.stringify(r))
          )
            expect(JSON.stringify(r)).toMatch(/"\/(documents|imports)\/\*[\w./*-]*"\]\]\}$/);
          // The EventBridge rule GuardDuty names itself for the protected bucket (file-storage.test.ts).
          else if (asList(s.Action).every((a) => a.startsWith('events:')) && JSON.stringify(r).includes('*'))
            expect(JSON.stringify(r)).toContain(':rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*');
          else if (asList(s.Action).includes('kms:CreateGrant') && JSON.stringify(r).includes(':key/*'))
            // The backup copy vault's key in the other region, named by its alias (controls.test.ts).
            expect(JSON.stringify(s)).toContain('kms:ResourceAliases');
          // Log delivery (a state machine's execution log) has no resource-level permissions.
          // An import's objects, keyed by its id (imports/<id>/…), and the bulk import's Distributed Map child
          // executions, named by Step Functions (import-pipeline.test.ts asserts each exactly).
          else if (/"\/imports\/\*\/(source|batches\/\*|manifest\.json|errors\.csv)"/.test(JSON.stringify(r)))
            expect(asList(s.Action).every((a) => a === 's3:GetObject' || a === 's3:PutObject')).toBe(true);
          else if (
            JSON.stringify(r).includes(':execution:') &&
            JSON.stringify(r).includes('ImportsStateMachine')
          )
            expect(asList(s.Action).every((a) => a.startsWith('states:'))).toBe(true);
          else if (
            !asList(s.Action).some((a) => a === 'dynamodb:DeleteBackup' || a === 'logs:CreateLogDelivery')
          )
            expect(JSON.stringify(r)).not.toContain('*');
      // The web deployment's function too runs under a role of ours (infra/web-hosting.ts).
      for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role'))
        expect(role.Properties!.ManagedPolicyArns, id).toBeUndefined();
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

describe.each(TESTED_STAGES)('cdk-nag AwsSolutions and Serverless (%s stage)', (stageName) => {
  const { app, stack, packs } = synthStack(stageName, true);
  const template = Template.fromStack(stack);
  const china = stage(stageName).partition === 'aws-cn';

  it('reports no unacknowledged error or warning', () => {
    for (const pack of packs) {
      const report = pack.validateScope(app);
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  it('acknowledges only the findings with a reason stated where they arise', () => {
    // CDK's own web-deployment function is acknowledged as a whole (asserted in web-hosting.test.ts).
    const acknowledged = Object.entries(template.toJSON().Resources as Record<string, Resource>).flatMap(
      ([id, r]) => {
        if (ofWebDeployment(id)) return [];
        const rules = (
          r.Metadata?.cdk_nag as { rules_to_suppress: { id: string; reason: string }[] } | undefined
        )?.rules_to_suppress;
        return (rules ?? []).map((rule) => ({ ...rule, type: r.Type }));
      },
    );
    const ids = [...new Set(acknowledged.map((a) => `${a.id.replace(/\[.*\]$/, '[…]')} ${a.type}`))].sort();
    expect(ids).toEqual(
      [
        ...PUBLIC_ROUTES.slice(0, 1).map(() => 'AwsSolutions-APIG4 AWS::ApiGatewayV2::Route'),
        // every function (infra/portal-function.ts): the pinned runtime, and the DLQ that
        // a synchronous or destination-handled invocation does not use; the mapping under the webhook deliverer
        'AwsSolutions-L1 AWS::Lambda::Function',
        'AwsSolutions-L1 AWS::Lambda::EventSourceMapping',
        'Serverless-LambdaLatestVersion AWS::Lambda::Function',
        'Serverless-LambdaLatestVersion AWS::Lambda::EventSourceMapping',
        'Serverless-LambdaDLQ AWS::Lambda::Function',
        'Serverless-LambdaDLQ AWS::Lambda::EventSourceMapping',
        'Serverless-LambdaAsyncFailureDestination AWS::Lambda::Function',
        'Serverless-LambdaAsyncFailureDestination AWS::Lambda::EventSourceMapping',
        'Serverless-LambdaEventSourceMappingDestination AWS::Lambda::EventSourceMapping',
        // the failure queues are the end of the line (infra/failure-queue.ts)
        'AwsSolutions-SQS3 AWS::SQS::Queue',
        'Serverless-SQSRedrivePolicy AWS::SQS::Queue',
        // the backup role may manage the backups DynamoDB names under the table; X-Ray's actions take no resource
        'AwsSolutions-IAM5[…] AWS::IAM::Role',
        'AwsSolutions-IAM5[…] AWS::IAM::Policy',
        // the audit's state machine (infra/stats-audit.ts): tracing comes with every function's; log delivery
        'AwsSolutions-SF2 AWS::StepFunctions::StateMachine',
        'Serverless-StepFunctionStateMachineXray AWS::StepFunctions::StateMachine',
        // web hosting (infra/web-hosting.ts)
        'AwsSolutions-S1 AWS::S3::Bucket',
        'AwsSolutions-CFR1 AWS::CloudFront::Distribution',
        // WAF cannot be associated with CloudFront China (regional only there): China alone has no web ACL
        ...(china ? ['AwsSolutions-CFR2 AWS::CloudFront::Distribution'] : []),
        // the origin-verify secret is rotated by a redeploy, since CloudFront holds its value (infra/origin-verify.ts)
        'AwsSolutions-SMG4 AWS::SecretsManager::Secret',
        'AwsSolutions-CFR4 AWS::CloudFront::Distribution',
        ...(china ? ['AwsSolutions-CFR7 AWS::CloudFront::Distribution'] : []),
        'CloudFormation-Validate::W3045 AWS::S3::Bucket',
        'CloudFormation-Validate::W3045 AWS::S3::BucketPolicy',
      ].sort(),
    );
    for (const a of acknowledged) expect(a.reason.length, a.id).toBeGreaterThan(40);
    const apig4 = acknowledged.filter((a) => a.id === 'AwsSolutions-APIG4');
    expect(apig4).toHaveLength(PUBLIC_ROUTES.length);
  });

  it('acknowledges on CDK’s web-deployment function and its policy only what that construct needs, with reasons', () => {
    const resources = Object.entries(template.toJSON().Resources as Record<string, Resource>);
    const rulesOf = (r: Resource) =>
      (r.Metadata?.cdk_nag as { rules_to_suppress: { id: string; reason: string }[] } | undefined)
        ?.rules_to_suppress ?? [];
    const [[, fn]] = resources.filter(
      ([id, r]) => ofWebDeployment(id) && r.Type === 'AWS::Lambda::Function',
    ) as [[string, Resource]];
    expect(
      rulesOf(fn)
        .map((r) => r.id)
        .sort(),
    ).toEqual(
      [
        'AwsSolutions-L1',
        'Serverless-LambdaDLQ',
        'Serverless-LambdaLatestVersion',
        'Serverless-LambdaTracing',
      ].sort(),
    );
    const [[, policy]] = resources.filter(
      ([id, r]) => ofWebDeployment(id) && r.Type === 'AWS::IAM::Policy',
    ) as [[string, Resource]];
    const policyRules = rulesOf(policy).map((r) => r.id);
    expect(policyRules.every((id) => id.startsWith('AwsSolutions-IAM5['))).toBe(true);
    // The only wildcard resource is CloudFront's invalidation actions; S3 actions stay on the two buckets.
    const statements = (
      policy.Properties!.PolicyDocument as { Statement: { Action: string[]; Resource: unknown }[] }
    ).Statement;
    for (const st of statements.filter((st) => st.Resource === '*'))
      expect(st.Action.sort()).toEqual(['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation']);
    for (const st of statements.filter((st) => st.Action.some((a) => a.startsWith('s3:'))))
      expect(JSON.stringify(st.Resource)).toMatch(/cdk-hnb659fds-assets|WebAssets/);
    for (const rule of [...rulesOf(fn), ...rulesOf(policy)])
      expect(rule.reason.length, rule.id).toBeGreaterThan(40);
    // Nothing else of the deployment is acknowledged (its role has no finding: no managed policy).
    const others = resources.filter(
      ([id, r]) => ofWebDeployment(id) && r !== fn && r !== policy && rulesOf(r).length > 0,
    );
    expect(others.map(([id]) => id)).toEqual([]);
  });

  it('fails synthesis for a stack with findings (negative control)', () => {
    const bad = new App();
    Validations.of(bad).addPlugins(new AwsSolutionsChecks(bad), new ServerlessChecks(bad));
    new dynamodb.Table(new Stack(bad, 'Bad'), 'NoRecovery', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    expect(() => bad.synth()).toThrow(/AwsSolutions-DDB3/);
  });
});
