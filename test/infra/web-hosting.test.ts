import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PortalStack } from '../../infra/portal-stack.js';
import { PERMISSIONS_POLICY } from '../../infra/web-hosting.js';
import { NO_BUNDLING, stage } from './stage-fixtures.js';

/** The web portal's hosting (infra/web-hosting.ts): private S3 behind CloudFront, /api/* to the HTTP API. */
const synth = (stageName: string) => {
  const app = new App({ context: NO_BUNDLING });
  const template = Template.fromStack(new PortalStack(app, 'WebTest', { stage: stage(stageName) }));
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return {
    app,
    template,
    resources,
    ofType: (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type),
  };
};
const { app, template, resources, ofType } = synth('dev');
type Resource = { Type: string; Properties: Record<string, unknown> };

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
const distributionConfig = (of = ofType): DistributionConfig => {
  const [[, distribution]] = of('AWS::CloudFront::Distribution') as [[string, Resource]];
  return distribution.Properties.DistributionConfig as DistributionConfig;
};
type HeadersConfig = {
  SecurityHeadersConfig: SecurityHeaders & { XSSProtection?: unknown };
  CustomHeadersConfig: { Items: { Header: string; Value: string; Override: boolean }[] };
};
const headersOf = (policyId: string, from = resources) =>
  from[policyId]!.Properties.ResponseHeadersPolicyConfig as HeadersConfig;

describe('one-command deploy of the web portal', () => {
  it('uploads the build with a config.json made from the stack’s own values, and invalidates CloudFront', () => {
    const [[, deployment]] = ofType('Custom::CDKBucketDeployment') as [[string, Resource]];
    const distribution = ofType('AWS::CloudFront::Distribution')[0]![0];
    expect(deployment.Properties.DistributionId).toEqual({ Ref: distribution });
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    expect(deployment.Properties.Prune).toBe(true);
    // Source.jsonData: the file's deploy-time values travel as markers (the client id, the pool, the domain).
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    const client = ofType('AWS::Cognito::UserPoolClient')[0]![0];
    const pool = ofType('AWS::Cognito::UserPool')[0]![0];
    expect(markers).toContain(`"Ref":"${client}"`);
    expect(markers).toContain(`"Ref":"${pool}"`);
    const domain = ofType('AWS::Cognito::UserPoolDomain')[0]![0];
    expect(markers).toContain(`"Ref":"${domain}"`);
  });

  it('writes config.json with the keys the pages read: auth, issuer, client id, API base and sign-out', async () => {
    const { readFile, readdir } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const outdir = app.outdir;
    const assets = (await readdir(outdir)).filter((f) => f.startsWith('asset.'));
    const configs: Record<string, unknown>[] = [];
    for (const asset of assets) {
      const file = join(outdir, asset, 'config.json');
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text) configs.push(JSON.parse(text) as Record<string, unknown>);
    }
    expect(configs).toHaveLength(1);
    expect(Object.keys(configs[0]!).sort()).toEqual([
      'apiBaseUrl',
      'auth',
      'clientId',
      'issuer',
      'signOutUrl',
    ]);
    expect(configs[0]).toMatchObject({ auth: 'oidc', apiBaseUrl: '/api' });
  });
});

describe('web hosting', () => {
  it('keeps both buckets private, encrypted and reachable only over TLS', () => {
    // The web hosting's own buckets (the audit trail's bucket is tested in audit-trail.test.ts).
    const buckets = ofType('AWS::S3::Bucket').filter(([id]) => id.startsWith('Web'));
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
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // The pages may fetch from Cognito (discovery, keys) and its login domain (tokens), and nothing else.
    expect(csp).toContain("connect-src 'self' ");
    expect(csp).toContain('https://cognito-idp.ap-southeast-1.');
    expect(csp).toContain('.auth.ap-southeast-1.amazoncognito.com');
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ContentTypeOptions.Override).toBe(true);
  });

  it('sends current security headers: no X-XSS-Protection, Permissions-Policy, COOP and CORP, and no-store on the API', () => {
    const config = distributionConfig();
    const pages = headersOf(config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref);
    const api = headersOf(
      (config.CacheBehaviors[0] as unknown as { ResponseHeadersPolicyId: { Ref: string } })
        .ResponseHeadersPolicyId.Ref,
    );
    for (const policy of [pages, api]) {
      expect(policy.SecurityHeadersConfig.XSSProtection).toBeUndefined();
      expect(policy.CustomHeadersConfig.Items).toEqual(
        expect.arrayContaining([
          { Header: 'Permissions-Policy', Value: PERMISSIONS_POLICY, Override: true },
          { Header: 'Cross-Origin-Opener-Policy', Value: 'same-origin', Override: true },
          { Header: 'Cross-Origin-Resource-Policy', Value: 'same-origin', Override: true },
        ]),
      );
    }
    expect(api.CustomHeadersConfig.Items).toContainEqual({
      Header: 'Cache-Control',
      Value: 'no-store',
      Override: false,
    });
    expect(api.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(
      31_536_000,
    );
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

  it('needs no edge function: /api/* reaches the API stage named api, which API Gateway takes off the path', () => {
    template.resourceCountIs('AWS::CloudFront::Function', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'api' });
    // The Lambda adapter's half (the rest of the path) is tested on the bundle in api-bundle.test.ts.
  });

  it('outputs what the upload step needs: the site URL, the bucket and the distribution', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['WebUrl', 'WebBucketName', 'WebDistributionId']));
  });
});

describe('web hosting in AWS China (prod stage)', () => {
  const china = synth('prod');
  const [[, distribution]] = china.ofType('AWS::CloudFront::Distribution') as [[string, Resource]];
  const config = distribution.Properties.DistributionConfig as Record<string, unknown>;

  it('serves on the city’s domain with its IAM certificate and TLS 1.2 at least (no default domain there)', () => {
    china.template.hasParameter('WebDomainName', { Type: 'String' });
    china.template.hasParameter('WebCertificateId', { Type: 'String' });
    expect(config.Aliases).toEqual([{ Ref: 'WebDomainName' }]);
    expect(config.ViewerCertificate).toEqual({
      IamCertificateId: { Ref: 'WebCertificateId' },
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(china.template.toJSON().Outputs.WebUrl.Value).toEqual({
      'Fn::Join': ['', ['https://', { Ref: 'WebDomainName' }]],
    });
  });

  it('reads the private bucket through an origin access identity, and uses no resource type China lacks', () => {
    china.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    china.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
    china.template.resourceCountIs('AWS::CloudFront::Function', 0);
  });
});
