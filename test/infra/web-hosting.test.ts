import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PortalStack } from '../../infra/portal-stack.js';

/** The web portal's hosting (infra/web-hosting.ts): private S3 behind CloudFront, /api/* to the HTTP API. */
const template = Template.fromStack(
  new PortalStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'WebTest', { stage: 'test' }),
);
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The parts of the synthesized distribution these tests read. */
interface DistributionConfig {
  DefaultRootObject: string;
  Logging: { Bucket: unknown };
  DefaultCacheBehavior: { ViewerProtocolPolicy: string; ResponseHeadersPolicyId: { Ref: string } };
  CacheBehaviors: {
    PathPattern: string;
    ViewerProtocolPolicy: string;
    AllowedMethods: string[];
    CachePolicyId: string;
    OriginRequestPolicyId: string;
    TargetOriginId: string;
  }[];
  Origins: { Id: string; DomainName: unknown; CustomOriginConfig: { OriginProtocolPolicy: string } }[];
}
interface SecurityHeaders {
  ContentSecurityPolicy: { ContentSecurityPolicy: string };
  StrictTransportSecurity: { AccessControlMaxAgeSec: number };
  FrameOptions: { FrameOption: string };
  ContentTypeOptions: { Override: boolean };
}
const distributionConfig = (): DistributionConfig => {
  const [[, distribution]] = ofType('AWS::CloudFront::Distribution') as [[string, Resource]];
  return distribution.Properties.DistributionConfig as DistributionConfig;
};

describe('web hosting', () => {
  it('keeps both buckets private, encrypted and reachable only over TLS', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets).toHaveLength(2);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption, id).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('lets only the distribution read the pages, through origin access control', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('serves HTTPS only, with logging and security headers on every response', () => {
    const config = distributionConfig();
    expect(config.DefaultRootObject).toBe('index.html');
    // Access logs go to one of the stack's own (private, encrypted) buckets.
    const bucketIds = ofType('AWS::S3::Bucket').map(([id]) => id);
    expect(config.Logging.Bucket).toEqual({ 'Fn::GetAtt': [expect.any(String), 'RegionalDomainName'] });
    expect(bucketIds).toContain(
      (config.Logging.Bucket as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
    );
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const policyId = config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref;
    const headers = (
      resources[policyId]!.Properties.ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: SecurityHeaders;
      }
    ).SecurityHeadersConfig;
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toContain("default-src 'self'");
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ContentTypeOptions.Override).toBe(true);
  });

  it('sends /api/* to the HTTP API uncached, with every viewer header (Authorization) passed on', () => {
    const config = distributionConfig();
    const api = config.CacheBehaviors[0]!;
    expect(api.PathPattern).toBe('/api/*');
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.AllowedMethods).toContain('POST');
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
    const origin = config.Origins.find((o) => o.Id === api.TargetOriginId)!;
    expect(JSON.stringify(origin.DomainName)).toContain('execute-api');
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });

  it('strips the /api prefix before the API sees the path', () => {
    const [[, fn]] = ofType('AWS::CloudFront::Function') as [[string, Resource]];
    // CloudFront Functions are plain JavaScript: run the deployed code on sample requests.
    const handler = new Function(`${fn.Properties.FunctionCode as string}; return handler;`)() as (e: {
      request: { uri: string };
    }) => { uri: string };
    const uri = (path: string) => handler({ request: { uri: path } }).uri;
    expect(uri('/api/pledges/p-1/approve')).toBe('/pledges/p-1/approve');
    expect(uri('/api')).toBe('/');
    expect(uri('/api/')).toBe('/');
    expect(uri('/apiary')).toBe('/apiary');
  });

  it('outputs what the upload step needs: the site URL, the bucket and the distribution', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['WebUrl', 'WebBucketName', 'WebDistributionId']));
  });
});
