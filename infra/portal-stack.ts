import { fileURLToPath } from 'node:url';
import {
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { auditFeedPartition, consumedKey, inboxPartition } from '../shared/store/keys.js';
import { GLOBAL_INDEXES, STREAM_VIEW, TABLE_KEYS, TTL_ATTRIBUTE } from '../shared/store/table-schema.js';
import { AlarmNotifications } from './alarm-notifications.js';
import { AuditTrail } from './audit-trail.js';
import { backupCopyKeyAlias, backupCopyVaultName } from './backup-copy.js';
import { PortalKeys, TableBackup } from './data-protection.js';
import { EventDelivery } from './event-delivery.js';
import { FileStorage } from './file-storage.js';
import { ImportPipeline } from './import-pipeline.js';
import { Observability } from './observability.js';
import { OriginVerify } from './origin-verify.js';
import { type FunctionSettings, PortalFunction } from './portal-function.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { SearchIndexer } from './search-indexer.js';
import { smtpRelay } from './smtp-relay.js';
import type { ResolvedStage } from './stages.js';
import { webAclParameter } from './waf.js';
import { API_PATH_PREFIX, API_STAGE_NAME, WebHosting } from './web-hosting.js';

export interface PortalStackProps extends Omit<StackProps, 'env'> {
  /**
   * The stage (infra/stages.ts): its account, region and partition become the stack's environment; the rest
   * chooses the services its partition offers. Physical names are generated, so stages can share an account.
   */
  stage: ResolvedStage;
  /** The web build to upload (`infra/app.ts` builds it); absent in tests, where a placeholder page stands in. */
  webBuild?: string;
  /**
   * A sender address verified in Amazon SES: with it, users who opt in also get their notifications by e-mail
   * (stages whose mail is `ses`). SES is not offered in AWS's China regions.
   */
  emailFrom?: string;
}

/** Paths served without a token. Everything else needs a valid ID token at the gateway. */
export const PUBLIC_ROUTES = ['/openapi.json', '/docs', '/healthz'] as const;

/** Per client of a whole stage; the public routes get far less (they are anonymous and cheap to abuse). */
export const API_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 10, burstLimit: 20 } as const;

/** Who issues the ID tokens the gateway and the app accept, and where the pages sign out there. */
interface Identity {
  issuer: string;
  audience: string;
  signOutUrl?: string;
}

/** `https://host` of a URL known only at deploy time (a parameter). */
const originOf = (url: string): string => Fn.join('', ['https://', Fn.select(2, Fn.split('/', url))]);

const functionEntry = (name: string) => fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

/**
 * The whole portal in one stack: the single table, the identity provider (the stack's Cognito user pool, or an
 * external OpenID Connect provider where Cognito is not offered), the HTTP API routed to one Lambda (which
 * verifies the token again itself), the scheduled jobs, event delivery, the web front end, backups and alarms.
 */
export class PortalStack extends Stack {
  readonly table: dynamodb.Table;
  /** Present on stages whose identity is `cognito`. */
  readonly userPool?: cognito.UserPool;
  userPoolClient?: cognito.UserPoolClient;
  readonly api: apigw.HttpApi;
  readonly apiFunction: PortalFunction;
  readonly web: WebHosting;
  readonly events: EventDelivery;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly keys: PortalKeys;
  readonly backup: TableBackup;
  readonly alarmNotifications: AlarmNotifications;
  /** The CloudFront web ACL's ARN (a parameter), on stages in the global partition; China has none (infra/waf.ts). */
  readonly webAclArn?: string;
  readonly originVerify: OriginVerify;
  readonly auditTrail: AuditTrail;
  readonly observability: Observability;
  /** The bucket of uploaded documents and import files, and (where offered) its malware scanning. */
  readonly files: FileStorage;
  /** Bulk imports: a Step Functions Distributed Map over an uploaded file's batches. */
  readonly imports: ImportPipeline;
  private readonly stage: ResolvedStage;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    const { stage } = props;
    super(scope, id, { ...props, env: { account: stage.account, region: stage.region } });
    this.stage = stage;
    // A stack without a concrete account and region would be deployed wherever the deployer's profile points.
    if (Token.isUnresolved(this.account) || Token.isUnresolved(this.region))
      throw new Error(`Stage "${stage.name}" must pin its account and region.`);
    if (stage.mail !== 'ses' && props.emailFrom)
      throw new Error(
        `Stage "${stage.name}" sends no e-mail through SES (mail: "${stage.mail}"): drop emailFrom.`,
      );

    this.keys = new PortalKeys(this, 'Keys');
    const settings: FunctionSettings = {
      logs: { retention: stage.logRetention, encryptionKey: this.keys.opsKey },
      keys: this.keys,
    };
    this.table = this.createTable();
    this.backup = new TableBackup(this, 'Backup', {
      table: this.table,
      encryptionKey: this.keys.dataKey,
      retentionDays: stage.backupRetentionDays,
      copyTo: {
        region: stage.backupCopyRegion,
        vaultName: backupCopyVaultName(stage),
        keyAlias: backupCopyKeyAlias(stage),
      },
    });
    // The stack's own Cognito pool (its app client comes once the web address is known), or the city's provider.
    const external = stage.identity === 'oidc' ? this.oidcIdentity() : undefined;
    if (!external) this.userPool = this.createUserPool(props.emailFrom);
    const issuer = external?.issuer ?? this.cognitoIssuer(this.userPool!);

    // No dynamodb:LeadingKeys scope for the API function: it serves every route, and its partitions are those of
    // every aggregate (PLEDGE#, POLICY#, CLAIM#, …), tenant (ENT#, INST#, INBOX#) and lock item (ASSETNO#, IDEM#)
    // in shared/store/keys.ts; partition keys carry aggregate ids, not the caller's organisation, so no condition
    // could confine a request to its tenant. Tenancy is enforced per object in the use cases (another tenant: 404).
    this.apiFunction = new PortalFunction(this, 'ApiFunction', {
      entry: functionEntry('api'),
      description: 'IP finance portal HTTP API',
      serviceName: 'portal-api',
      table: this.table,
      tableAccess: 'readWrite',
      openApiDocument: true,
      settings,
      reservedConcurrency: stage.apiReservedConcurrency,
      environment: {
        OIDC_ISSUER: issuer,
        ...(this.userPool ? { USER_POOL_ID: this.userPool.userPoolId } : {}),
      },
    });
    // Invitations create, and disabling disables, the person's account in the pool: these three actions only.
    if (this.userPool)
      this.apiFunction.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminDisableUser',
            'cognito-idp:AdminEnableUser',
          ],
          resources: [this.userPool.userPoolArn],
        }),
      );
    this.alarms.push(this.apiFunction.errorsAlarm, this.apiFunction.throttlesAlarm);
    const jobs = new ScheduledJobs(this, 'Jobs', { table: this.table, functionEntry, settings });
    this.alarms.push(...jobs.alarms);
    // Domain events: table stream → publisher → custom bus → one rule and Lambda per consumer.
    this.events = new EventDelivery(this, 'Events', {
      table: this.table,
      functionEntry,
      settings,
      consumers: [
        {
          id: 'AuditFeed',
          entry: 'audit-feed',
          description: 'Audit feed: copies every domain event into its day',
          serviceName: 'audit-feed',
          // The day's audit partition and its own consumed markers (shared/usecases/consumers/audit-feed.ts).
          writablePartitions: [`${auditFeedPartition('')}*`, `${consumedKey('audit-feed', '').pk}*`],
        },
        {
          id: 'Notifier',
          entry: 'notifier',
          description: "Notifications: each party's inbox for the events it must know",
          serviceName: 'notifier',
          // The inbox's unread count is an Update; it writes inboxes and its own consumed markers only.
          tableAccess: 'write',
          writablePartitions: [`${inboxPartition('')}*`, `${consumedKey('notifier', '').pk}*`],
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
      ...(stage.mail === 'smtp' ? { smtp: smtpRelay(this) } : {}),
    });
    this.alarms.push(...this.events.alarms);
    // Search: its own mapping on the stream, filtered to enterprises, rights and pledges.
    const search = new SearchIndexer(this, 'Search', {
      table: this.table,
      functionEntry,
      settings,
      failures: this.events.failures,
    });
    this.alarms.push(...search.alarms);

    this.api = this.createApi(settings);
    // The edge. Global partition: a WAF web ACL on CloudFront. China: WAF is regional only there and attaches
    // neither to CloudFront China nor to an HTTP API, so what protects the API is the origin-verify header (only
    // CloudFront reaches it), the JWT authorizer on every non-public route, per-route throttles and the API
    // function's reserved concurrency (README, "AWS China").
    if (stage.partition === 'aws') this.webAclArn = webAclParameter(this);
    this.originVerify = new OriginVerify(this, 'OriginVerify');
    this.originVerify.enforceOn(this.apiFunction);
    // The web portal: static pages on S3 behind CloudFront, reaching this API under /api/*.
    this.web = new WebHosting(this, 'Web', {
      api: this.api,
      domain: stage.webDomain,
      identityOrigins: external ? [originOf(external.issuer)] : this.cognitoOrigins(),
      ...(this.webAclArn ? { webAclArn: this.webAclArn } : {}),
      originVerify: this.originVerify.originHeader,
    });
    // The app client calls back to the web address, which exists only now; the gateway, the function and the pages'
    // configuration all take its id from here. No cycle: the client depends on the distribution's domain, the
    // distribution on the HTTP API resource (its id) only, and the routes, their JWT authorizer and the function's
    // OIDC_CLIENT_ID on the client; nothing the distribution needs depends on the function. (A cycle would fail
    // every infra test: aws-cdk-lib's Template.fromStack refuses an undeployable template.)
    const identity: Identity = external ?? this.cognitoIdentity(this.userPool!, issuer);
    // Uploads and downloads go from the pages straight to S3 (presigned URLs): CORS for the portal's own address,
    // the one the identity provider calls back to, and the stage's extra origins only.
    this.files = new FileStorage(this, 'Files', {
      webOrigins: [this.web.url, ...(stage.extraWebOrigins ?? [])],
      malwareScan: stage.malwareScan,
      noncurrentVersionDays: stage.logRetention,
      table: this.table,
      functionEntry,
      settings,
    });
    this.files.grantObjects(this.apiFunction);
    for (const [name, value] of Object.entries(this.files.environment))
      this.apiFunction.function.addEnvironment(name, value);
    this.alarms.push(...this.files.alarms);
    this.routeApi(identity);
    this.apiFunction.function.addEnvironment('OIDC_CLIENT_ID', identity.audience);
    this.web.deploy(
      props.webBuild,
      {
        auth: 'oidc',
        issuer: identity.issuer,
        clientId: identity.audience,
        apiBaseUrl: API_PATH_PREFIX,
        ...(identity.signOutUrl ? { signOutUrl: identity.signOutUrl } : {}),
      },
      settings.logs,
    );
    this.imports = new ImportPipeline(this, 'Imports', {
      table: this.table,
      bucket: this.files.bucket,
      functionEntry,
      settings,
    });
    this.imports.grantStart(this.apiFunction);
    this.alarms.push(...this.imports.alarms);
    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      table: this.table,
      buckets: [this.web.bucket, this.files.bucket],
      encryptionKey: this.keys.opsKey,
      retentionDays: stage.logRetention,
    });
    this.createTableAlarms();
    this.alarmNotifications = new AlarmNotifications(this, 'Alarms', { encryptionKey: this.keys.opsKey });
    this.alarmNotifications.notify(this.alarms);
    this.observability = new Observability(this, 'Observability', {
      api: this.api,
      apiFunction: this.apiFunction,
      jobs: jobs.functions,
      otherFunctions: [
        search.indexer,
        jobs.audit.segment,
        jobs.audit.combine,
        this.events.publisher,
        ...Object.values(this.events.consumers),
        this.events.webhookDeliverer,
        ...(this.events.mailer ? [this.events.mailer] : []),
        ...(this.files.scanner ? [this.files.scanner] : []),
        this.imports.prepare,
        this.imports.batch,
        this.imports.finish,
      ],
      table: this.table,
      failureQueues: {
        'Scheduled jobs': jobs.failures,
        'Event delivery': this.events.failures,
        ...(this.files.scanFailures ? { 'Malware-scan results': this.files.scanFailures } : {}),
      },
    });

    new CfnOutput(this, 'Stage', { value: stage.name });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'Issuer', { value: issuer });
  }

  /** The stack's own user pool's issuer URL, built from the partition's domain. */
  private cognitoIssuer(userPool: cognito.UserPool): string {
    return `https://cognito-idp.${this.region}.${this.urlSuffix}/${userPool.userPoolId}`;
  }

  /** Where the pages talk to Cognito: discovery and keys at the issuer, the token endpoint on the login domain. */
  private cognitoOrigins(): string[] {
    return [`https://cognito-idp.${this.region}.${this.urlSuffix}`, this.loginDomain().baseUrl()];
  }

  /**
   * The pool's managed login, on a Cognito domain named after the stack (unique per account and region), and the
   * web portal's app client: a public client (no secret) of the authorization-code flow with PKCE only, calling
   * back to the portal's own address. It reads the address and name; it can write no attribute but the name.
   */
  private cognitoIdentity(userPool: cognito.UserPool, issuer: string): Identity {
    const web = `${this.web.url}/`;
    const client = userPool.addClient('WebClient', {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [web],
        logoutUrls: [web],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        emailVerified: true,
        fullname: true,
      }),
      // The portal's directory holds role and organisation; the address is the invitation's key: never writable.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    // Managed login only: without this, Cognito would also take passwords straight from a client (SRP, custom auth).
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    new cognito.CfnManagedLoginBranding(this, 'ManagedLoginBranding', {
      userPoolId: userPool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.userPoolClient = client;
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    return {
      issuer,
      audience: client.userPoolClientId,
      // Cognito publishes no end-session endpoint; its logout page takes client_id and logout_uri.
      signOutUrl: `${this.loginDomain().baseUrl()}/logout`,
    };
  }

  private domain?: cognito.UserPoolDomain;
  /** The pool's Cognito domain for managed login (one per stack). */
  private loginDomain(): cognito.UserPoolDomain {
    this.domain ??= this.userPool!.addDomain('LoginDomain', {
      cognitoDomain: { domainPrefix: `ip-finance-${this.stage.name}-${this.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    return this.domain;
  }

  /**
   * An external OpenID Connect provider (the city's, or a Chinese identity service), given at deploy time: the
   * gateway and the app accept its ID tokens for this client. How its claims carry role and organisation is the
   * sign-in issue's part.
   */
  private oidcIdentity(): Identity {
    const issuer = new CfnParameter(this, 'OidcIssuer', {
      type: 'String',
      description:
        'Issuer URL of the OpenID Connect provider (https, no trailing slash): its ID tokens sign users in.',
      allowedPattern: '^https://[^\\s]+[^/\\s]$',
    });
    const audience = new CfnParameter(this, 'OidcClientId', {
      type: 'String',
      description:
        'The portal’s client id at that provider: the audience of the ID tokens the portal accepts.',
      minLength: 1,
    });
    return { issuer: issuer.valueAsString, audience: audience.valueAsString };
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
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.keys.dataKey,
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

  /**
   * The default identity provider where Cognito is offered: sign-in by e-mail, self sign-up with a verified address
   * (companies onboard themselves), TOTP MFA. Who may do what is not here: the portal's own directory holds it.
   */
  private createUserPool(emailFrom?: string): cognito.UserPool {
    return new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      // Sign-up codes and invitations: Cognito's own mailer sends only a few dozen a day; with the stage's verified
      // SES sender, the pool sends through SES from that address instead.
      ...(emailFrom ? { email: cognito.UserPoolEmail.withSES({ fromEmail: emailFrom }) } : {}),
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
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createApi(settings: FunctionSettings): apigw.HttpApi {
    const api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'IP finance portal API',
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: settings.logs.retention,
      encryptionKey: settings.logs.encryptionKey,
    });
    // Named after the path prefix CloudFront reaches it under: API Gateway removes the stage from the path.
    const stage = api.addStage('ApiStage', {
      stageName: API_STAGE_NAME,
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // Request metadata only: never bodies, headers or tokens.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            // The caller as the gateway verified it (empty on public routes); never the token itself. The caller's
            // organisation is not a claim of every provider's token (the portal's user directory holds it), so it is
            // in the API function's request log line (`org`, with `sub` and `apiRequestId` = this requestId).
            sub: '$context.authorizer.claims.sub',
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

    // Anonymous routes get a tight limit of their own, so they cannot use up the stage's. RouteSettings is a
    // JSON map in CloudFormation, written as the API expects it (the L1 does not translate its keys).
    (stage.node.defaultChild as apigw.CfnStage).routeSettings = Object.fromEntries(
      PUBLIC_ROUTES.map((path) => [
        `GET ${path}`,
        {
          ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit,
          ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit,
        },
      ]),
    );

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

  /** The routes: everything behind the gateway's check of the provider's ID tokens, but the public few. */
  private routeApi(identity: Identity): void {
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction.function);
    const authorizer = new HttpJwtAuthorizer('IdTokenJwt', identity.issuer, {
      jwtAudience: [identity.audience],
      identitySource: ['$request.header.Authorization'],
    });
    this.api.addRoutes({ path: '/{proxy+}', methods: [apigw.HttpMethod.ANY], integration, authorizer });
    for (const path of PUBLIC_ROUTES) {
      const [route] = this.api.addRoutes({ path, methods: [apigw.HttpMethod.GET], integration });
      // On the CfnRoute itself, so the acknowledgement cannot cover anything else under the route.
      Validations.of(route!.node.defaultChild!).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `GET ${path} is public by design (API contract): liveness and API documentation carry no tenant data.`,
      });
    }
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
