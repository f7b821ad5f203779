import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ROLES } from '../shared/auth/principal.js';
import { GLOBAL_INDEXES, STREAM_VIEW, TABLE_KEYS, TTL_ATTRIBUTE } from '../shared/store/table-schema.js';
import { EventDelivery } from './event-delivery.js';
import { PortalFunction } from './portal-function.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { WebHosting } from './web-hosting.js';

export interface PortalStackProps extends StackProps {
  /** Deployment stage (dev, test, prod…). Only tags and outputs use it: physical names are generated. */
  stage: string;
  /**
   * A sender address verified in Amazon SES: with it, users who opt in also get their notifications by e-mail.
   * SES is not offered in AWS's China regions, where the portal notifies through its inbox and webhooks only.
   */
  emailFrom?: string;
}

/** Paths served without a token. Everything else needs a valid Cognito ID token at the gateway. */
export const PUBLIC_ROUTES = ['/openapi.json', '/docs', '/healthz'] as const;

/** The custom user attribute holding a user's organisation (USCC or institution id). */
export const ORG_ATTRIBUTE = 'org';

const functionEntry = (name: string) => fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

/**
 * The whole portal in one stack: the single table, the Cognito user pool, the HTTP API routed to one
 * Lambda (which verifies the token again itself), and the alarms.
 */
export class PortalStack extends Stack {
  readonly table: dynamodb.Table;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly api: apigw.HttpApi;
  readonly apiFunction: PortalFunction;
  readonly web: WebHosting;
  readonly events: EventDelivery;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, props);

    this.table = this.createTable();
    ({ userPool: this.userPool, client: this.userPoolClient } = this.createUserPool());
    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`;

    this.apiFunction = new PortalFunction(this, 'ApiFunction', {
      entry: functionEntry('api'),
      description: 'IP finance portal HTTP API',
      serviceName: 'portal-api',
      table: this.table,
      tableAccess: 'readWrite',
      openApiDocument: true,
      environment: {
        USER_POOL_ISSUER: issuer,
        USER_POOL_CLIENT_ID: this.userPoolClient.userPoolClientId,
      },
    });
    this.alarms.push(this.apiFunction.errorsAlarm, this.apiFunction.throttlesAlarm);
    const jobs = new ScheduledJobs(this, 'Jobs', { table: this.table, functionEntry });
    this.alarms.push(...jobs.alarms);
    // Domain events: table stream → publisher → custom bus → one rule and Lambda per consumer.
    this.events = new EventDelivery(this, 'Events', {
      table: this.table,
      functionEntry,
      consumers: [
        {
          id: 'AuditFeed',
          entry: 'audit-feed',
          description: 'Audit feed: copies every domain event into its day',
          serviceName: 'audit-feed',
        },
        {
          id: 'Notifier',
          entry: 'notifier',
          description: "Notifications: each party's inbox for the events it must know",
          serviceName: 'notifier',
          // The inbox's unread count is an Update.
          tableAccess: 'write',
        },
        {
          id: 'GuaranteeClaims',
          entry: 'guarantee-claims',
          description: "Guarantee claims: a defaulted loan's claim on each of its guarantee policies",
          serviceName: 'guarantee-claims',
          // It reads the loan and its policies and files the claims through the use case.
          tableAccess: 'readWrite',
        },
      ],
      ...(props.emailFrom ? { emailFrom: props.emailFrom } : {}),
    });
    this.alarms.push(...this.events.alarms);

    this.api = this.createApi(issuer);
    // The web portal: static pages on S3 behind CloudFront, reaching this API under /api/*.
    this.web = new WebHosting(this, 'Web', { api: this.api });
    this.createTableAlarms();

    new CfnOutput(this, 'Stage', { value: props.stage });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'UserPoolIssuer', { value: issuer });
  }

  /** The one table, built from the shared schema so it cannot drift from DynamoDB Local's. */
  private createTable(): dynamodb.Table {
    const text = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: text(TABLE_KEYS.partition),
      sortKey: text(TABLE_KEYS.sort),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      stream: dynamodb.StreamViewType[STREAM_VIEW],
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });
    for (const index of GLOBAL_INDEXES) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: text(index.partition),
        sortKey: text(index.sort),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  private createUserPool(): { userPool: cognito.UserPool; client: cognito.UserPoolClient } {
    const userPool = new cognito.UserPool(this, 'UserPool', {
      // Accounts are provisioned by the IP office (AdminCreateUser), which also sets each user's group and org.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Financial data behind every account: a second factor is mandatory; TOTP apps only (no SMS role).
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: {
        // Mutable so an admin can correct it; the app client below cannot write it.
        [ORG_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: userPool.userPoolId,
        groupName: role,
        description: `Portal role "${role}"`,
      });
    }

    const client = userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      // ID tokens carry what the client may read: custom:org is readable; cognito:groups is always present.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(ORG_ATTRIBUTE),
      // …but a user can never change their own organisation: custom:org is absent here.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    return { userPool, client };
  }

  private createApi(issuer: string): apigw.HttpApi {
    const api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'IP finance portal API',
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // Request metadata only: never bodies, headers or tokens.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction.function);
    const authorizer = new HttpJwtAuthorizer('CognitoJwt', issuer, {
      jwtAudience: [this.userPoolClient.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    api.addRoutes({ path: '/{proxy+}', methods: [apigw.HttpMethod.ANY], integration, authorizer });
    for (const path of PUBLIC_ROUTES) {
      const [route] = api.addRoutes({ path, methods: [apigw.HttpMethod.GET], integration });
      // On the CfnRoute itself, so the acknowledgement cannot cover anything else under the route.
      Validations.of(route!.node.defaultChild!).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `GET ${path} is public by design (API contract): liveness and API documentation carry no tenant data.`,
      });
    }

    this.alarms.push(
      new cloudwatch.Alarm(this, 'Api5xxAlarm', {
        alarmDescription: 'HTTP API answered 5xx (Lambda faults, timeouts or 503s from DynamoDB throttling).',
        metric: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    return api;
  }

  /** Throttling and service errors on the operations the portal uses (on-demand tables can still throttle). */
  private createTableAlarms(): void {
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.QUERY,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.DELETE_ITEM,
      dynamodb.Operation.TRANSACT_WRITE_ITEMS,
    ];
    const period = Duration.minutes(5);
    this.alarms.push(
      new cloudwatch.Alarm(this, 'TableThrottlesAlarm', {
        alarmDescription: 'DynamoDB throttled portal requests (clients get 503 with Retry-After).',
        metric: this.table.metricThrottledRequestsForOperations({ operations, period }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'TableSystemErrorsAlarm', {
        alarmDescription: 'DynamoDB returned HTTP 500 errors to the portal.',
        metric: this.table.metricSystemErrorsForOperations({ operations, period }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
