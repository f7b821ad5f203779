import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface WebHostingProps {
  /** The HTTP API the pages call; CloudFront serves it under /api/* so the pages need no CORS. */
  api: apigw.HttpApi;
}

/** Where the pages live behind CloudFront, and the path prefix under which the same origin reaches the API. */
export const API_PATH_PREFIX = '/api';

/**
 * The web portal in AWS: the static build (`npm run build:web -- --aws`) in a private S3 bucket read only by
 * CloudFront (origin access control), served over HTTPS with security headers; `/api/*` goes to the HTTP API
 * with the prefix stripped, never cached, the Authorization header passed through. The pages read
 * `/config.json` ({ auth: "cognito", apiBaseUrl: "/api", cognito: {...} }), written at upload time from the
 * stack outputs, so one build serves every stage.
 */
export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, { api }: WebHostingProps) {
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

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'IP finance portal: security headers on every response',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // Everything is same-origin (pages, config.json, /api); no inline script, no third party.
          contentSecurityPolicy:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
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
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    // /api/pledges → /pledges at the API (its routes live at the root).
    const stripApiPrefix = new cloudfront.Function(this, 'StripApiPrefix', {
      comment: 'Removes the /api prefix before the request reaches the HTTP API',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) { var r = event.request; r.uri = r.uri.replace(/^${API_PATH_PREFIX.replace(/\//g, '\\/')}(?=\\/|$)/, '') || '/'; return r; }`,
      ),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'IP finance portal web front end',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      additionalBehaviors: {
        [`${API_PATH_PREFIX}/*`]: {
          origin: new origins.HttpOrigin(`${api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
          functionAssociations: [
            { function: stripApiPrefix, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          ],
        },
      },
    });
    const distribution = this.distribution.node.defaultChild!;
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the portal serves enterprises, banks and insurers wherever their staff work (English is offered for that reason); access is controlled by Cognito sign-in, not by location.',
    });
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF web ACL yet: a CloudFront web ACL must live in us-east-1 (a separate stack); the pages are static and the API behind /api/* is throttled at the gateway and requires a Cognito token.',
    });
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'Until a custom domain and its ACM certificate are assigned, the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes; set minimumProtocolVersion TLSv1.2_2021 together with the certificate.',
    });

    new CfnOutput(stack, 'WebUrl', { value: `https://${this.distribution.distributionDomainName}` });
    new CfnOutput(stack, 'WebBucketName', { value: this.bucket.bucketName });
    new CfnOutput(stack, 'WebDistributionId', { value: this.distribution.distributionId });
  }
}
