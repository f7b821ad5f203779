import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { LogSettings } from './data-protection.js';

export interface WebHostingProps {
  /**
   * The HTTP API the pages call; CloudFront serves it under /api/* so the pages need no CORS. Its stage is named
   * after the prefix (API_STAGE_NAME), so API Gateway itself removes it: no edge function is needed (CloudFront
   * Functions are not offered in AWS China).
   */
  api: apigw.HttpApi;
  /**
   * `cloudfront`: the distribution's default domain. `city`: the city's own ICP-filed domain and its certificate
   * in IAM (parameters WebDomainName, WebCertificateId), as CloudFront in AWS China requires: it serves no default
   * domain and takes no ACM certificate.
   */
  domain: 'cloudfront' | 'city';
  /** Origins the pages fetch from to sign in (the provider's discovery and token endpoints): the CSP allows them. */
  identityOrigins: string[];
  /** The web ACL (scope CLOUDFRONT, infra/waf.ts) in front of the distribution; absent where WAF cannot sit. */
  webAclArn?: string;
  /**
   * Sent to the API origin as ORIGIN_VERIFY_HEADER on every request (infra/origin-verify.ts): the API answers only
   * requests that carry it, so it cannot be called around CloudFront.
   */
  originVerify?: { header: string; value: string };
}

/** What `config.json` tells the pages (web/src/api.ts `PortalConfig`). */
export interface WebConfig {
  auth: 'oidc';
  issuer: string;
  clientId: string;
  apiBaseUrl: string;
  signOutUrl?: string;
}

/** The stage of the HTTP API, which is also the path prefix under which the pages' origin reaches it. */
export const API_STAGE_NAME = 'api';
export const API_PATH_PREFIX = `/${API_STAGE_NAME}`;

/** Browser features the portal never uses, denied to it and to anything it might embed. */
export const PERMISSIONS_POLICY =
  'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()';

/**
 * The web portal in AWS: the static build in a private S3 bucket read only by CloudFront (origin access control),
 * served over HTTPS with security headers; `/api/*` goes to the HTTP API (its stage of the same name), never
 * cached, the Authorization header passed through. The pages read `/config.json` (`WebConfig`), written by the
 * deployment from the stack's own values, so one build serves every stage.
 */
export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  /** Server access logs of the stack's buckets (the web bucket's, the files bucket's). */
  readonly accessLogs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  /** `https://<the portal's host>`: the city's domain, or the distribution's. */
  readonly url: string;

  constructor(
    scope: Construct,
    id: string,
    { api, domain, identityOrigins, webAclArn, originVerify }: WebHostingProps,
  ) {
    super(scope, id);
    const stack = Stack.of(this);

    // CloudFront standard logs need ACL writes, hence object-writer ownership on this bucket only.
    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogs = logs;
    Validations.of(logs.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket receives the access logs of the web bucket and the CloudFront distribution; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'web-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Current headers: no X-XSS-Protection (deprecated; the CSP does its work), isolation from other origins.
    const isolation = [
      { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
      { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
      { header: 'Cross-Origin-Resource-Policy', value: 'same-origin', override: true },
    ];
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'IP finance portal: security headers on every page',
      customHeadersBehavior: { customHeaders: isolation },
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // Same-origin (pages, config.json, /api) but for sign-in at the identity provider; no inline script.
          contentSecurityPolicy: Fn.join('', [
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ",
            Fn.join(' ', identityOrigins),
            "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
          ]),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override: true },
      },
    });
    // The API's answers are personal financial data: no cache anywhere (the API may still set its own, e.g. /docs).
    const apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'IP finance portal: security headers on every API answer',
      customHeadersBehavior: {
        customHeaders: [...isolation, { header: 'Cache-Control', value: 'no-store', override: false }],
      },
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
          override: false,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const city = domain === 'city' ? this.cityDomain() : undefined;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'IP finance portal web front end',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      ...(webAclArn ? { webAclId: webAclArn } : {}),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        // Origin access control is not offered in AWS China (no such resource type there): an identity instead.
        origin: city
          ? origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket)
          : origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      additionalBehaviors: {
        [`${API_PATH_PREFIX}/*`]: {
          origin: new origins.HttpOrigin(`${api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            // CloudFront replaces a viewer's header of the same name, so only CloudFront can send the right value.
            ...(originVerify ? { customHeaders: { [originVerify.header]: originVerify.value } } : {}),
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: apiHeaders,
        },
      },
    });
    const distribution = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
    if (city) {
      // The L2 takes only ACM certificates; CloudFront China takes a certificate uploaded to IAM.
      distribution.addPropertyOverride('DistributionConfig.Aliases', [city.domainName]);
      distribution.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: city.certificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The viewer certificate is the city’s IAM certificate with TLSv1.2_2021, set by a property override (the L2 takes ACM certificates only) that cdk-nag does not read; test/infra/web-hosting.test.ts asserts it.',
      });
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR7',
        reason:
          'Origin access control is not offered in the AWS China regions (CloudFormation has no AWS::CloudFront::OriginAccessControl there): the bucket is read through an origin access identity, still private to this distribution.',
      });
    } else {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'This stage serves on the default *.cloudfront.net domain, whose certificate and security policy CloudFront fixes; the China stages serve on the city’s domain with TLSv1.2_2021.',
      });
    }
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the portal serves enterprises, banks and insurers wherever their staff work (English is offered for that reason); access is controlled by sign-in, not by location.',
    });
    if (!webAclArn)
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'AWS WAF is offered in AWS China at a regional level only (docs.amazonaws.cn, Amazon WAF): no web ACL can be associated with CloudFront China, nor with an HTTP API. The API is reachable only through CloudFront (origin-verify header), needs a token on every non-public route and is throttled per route and capped by reserved concurrency.',
      });

    const host = city ? city.domainName : this.distribution.distributionDomainName;
    this.url = `https://${host}`;
    new CfnOutput(stack, 'WebUrl', { value: this.url });
    new CfnOutput(stack, 'WebBucketName', { value: this.bucket.bucketName });
    new CfnOutput(stack, 'WebDistributionId', { value: this.distribution.distributionId });
  }

  /**
   * `cdk deploy` uploads the pages with their `config.json`, made from the stack's own values at deploy time, and
   * invalidates the distribution, so one command deploys everything. `build`: the web build's folder; without one
   * (the infra tests, which build nothing) a placeholder page stands in. The copy runs in CDK's BucketDeployment
   * function (Python with the AWS CLI layer, an asset of the stack like any other, so it deploys in AWS China too);
   * it gets a role and a log group of ours, like every portal function (infra/portal-function.ts).
   */
  deploy(build: string | undefined, config: WebConfig, logSettings: LogSettings): s3deploy.BucketDeployment {
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logSettings.retention,
      encryptionKey: logSettings.encryptionKey,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: its logs go to this log group only. BucketDeployment adds
    // the copy's grants to it (below).
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Execution role of the web deployment (CDK BucketDeployment): uploads the pages, invalidates CloudFront',
    });
    logGroup.grantWrite(role);
    const deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [
        build
          ? s3deploy.Source.asset(build)
          : s3deploy.Source.data(
              'index.html',
              '<!doctype html><title>IP finance portal (placeholder build)</title>',
            ),
        s3deploy.Source.jsonData('config.json', config),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      // Everything: the pages' file names are hashed, but index.html and config.json are not.
      distributionPaths: ['/*'],
      // Older builds' hashed files stay a while (the bucket is versioned); pages never reference them again.
      prune: true,
      memoryLimit: 512,
      role,
      logGroup,
    });

    // What cdk-nag finds on CDK's construct, acknowledged on the resource it is about, with the reason.
    const stack = Stack.of(this);
    const webBucket = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const copy =
      'CDK’s BucketDeployment grants these to copy the build from the CDK asset bucket into the web bucket (and to ' +
      'remove files of older builds): object actions confined to those two buckets.';
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild!;
    for (const [id, reason] of [
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
        (action) => [`AwsSolutions-IAM5[Action::${action}]`, copy] as const,
      ),
      [
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*]`,
        copy,
      ],
      [`AwsSolutions-IAM5[Resource::<${webBucket}.Arn>/*]`, copy],
      [
        'AwsSolutions-IAM5[Resource::*]',
        'cloudfront:CreateInvalidation and GetInvalidation, which CDK’s BucketDeployment grants on every distribution (not configurable); its custom resource invalidates only this stack’s distribution, named in its properties.',
      ],
    ] as const)
      Validations.of(policy).acknowledge({ id, reason });
    // The function is CDK's singleton, a child of the stack (not of this construct).
    const handlers = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    for (const handler of handlers)
      for (const [id, reason] of [
        [
          'AwsSolutions-L1',
          'CDK’s BucketDeployment pins the Python runtime its AWS CLI layer is built for; a CDK upgrade moves it.',
        ],
        [
          'Serverless-LambdaLatestVersion',
          'CDK’s BucketDeployment pins the Python runtime its AWS CLI layer is built for; a CDK upgrade moves it.',
        ],
        [
          'Serverless-LambdaTracing',
          'Runs only while CloudFormation deploys the stack, copying files; its log group records each run.',
        ],
        [
          'Serverless-LambdaDLQ',
          'Invoked synchronously by CloudFormation, which turns a failure into a failed (and rolled back) deployment.',
        ],
      ] as const)
        Validations.of(handler.node.defaultChild ?? handler).acknowledge({ id, reason });
    return deployment;
  }

  /** The city's domain and the IAM server certificate for it, given at deploy time. */
  private cityDomain(): { domainName: string; certificateId: string } {
    const domainName = new CfnParameter(Stack.of(this), 'WebDomainName', {
      type: 'String',
      description:
        'The city’s ICP-filed domain for the portal (e.g. ipfinance.jinhua.gov.cn); point its CNAME at the distribution.',
      allowedPattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$',
    });
    const certificateId = new CfnParameter(Stack.of(this), 'WebCertificateId', {
      type: 'String',
      description:
        'The ID of that domain’s certificate in IAM (aws iam upload-server-certificate --path /cloudfront/ …).',
      allowedPattern: '^[A-Z0-9]+$',
    });
    return { domainName: domainName.valueAsString, certificateId: certificateId.valueAsString };
  }
}
