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

/**
 * The `config.json` the deployment writes, as CloudFormation will resolve it: Source.jsonData puts a marker where a
 * deploy-time value goes and lists the markers' values on the custom resource; here each string with markers
 * becomes the same Fn::Join (or Ref) the template uses elsewhere, so it compares with the authorizer's and the
 * function's settings.
 */
const deployedConfig = async (of: typeof ofType, outdir: string): Promise<Record<string, unknown>> => {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const [[, deployment]] = of('Custom::CDKBucketDeployment') as [[string, Resource]];
  const keys = deployment.Properties.SourceObjectKeys as string[];
  const markers = deployment.Properties.SourceMarkers as Record<string, unknown>[];
  const found: Record<string, unknown>[] = [];
  for (const [i, key] of keys.entries()) {
    const file = join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const resolve = (value: unknown): unknown => {
      if (typeof value !== 'string') return value;
      const parts = value
        .split(/(<<marker:0xbaba:\d+>>)/)
        .filter((part) => part !== '')
        .map((part) => (part in markers[i]! ? markers[i]![part] : part));
      return parts.length === 1 ? parts[0] : { 'Fn::Join': ['', parts] };
    };
    const config = JSON.parse(text) as Record<string, unknown>;
    found.push(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, resolve(v)])));
  }
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** What the gateway and the API function trust: they and the pages must name the same issuer and client. */
const trusted = (of: typeof ofType) => {
  const [[, authorizer]] = of('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
  const jwt = authorizer.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
  const [, api] = of('AWS::Lambda::Function').find(
    ([, fn]) =>
      (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
        ?.POWERTOOLS_SERVICE_NAME === 'portal-api',
  )!;
  const env = (api.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  expect(jwt.Audience).toHaveLength(1);
  expect(env.OIDC_ISSUER).toEqual(jwt.Issuer);
  expect(env.OIDC_CLIENT_ID).toEqual(jwt.Audience[0]);
  return { issuer: jwt.Issuer, clientId: jwt.Audience[0] };
};

describe('one-command deploy of the web portal', () => {
  it('uploads the build and a config.json into the web bucket, then invalidates CloudFront and waits for it', () => {
    const [[, deployment]] = ofType('Custom::CDKBucketDeployment') as [[string, Resource]];
    const distribution = ofType('AWS::CloudFront::Distribution')[0]![0];
    const bucket = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('WebAssets'))![0];
    expect(deployment.Properties.DestinationBucketName).toEqual({ Ref: bucket });
    // The build (a placeholder page here: the infra tests build nothing) and the generated config.json.
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(deployment.Properties.DistributionId).toEqual({ Ref: distribution });
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    expect(deployment.Properties.WaitForDistributionInvalidation).toBe(true);
    expect(deployment.Properties.Prune).toBe(true);
  });

  it('writes config.json from the stack’s own values: the pool’s issuer and the web client, the API under /api, Cognito’s logout page', async () => {
    const config = await deployedConfig(ofType, app.outdir);
    const { issuer, clientId } = trusted(ofType);
    const pool = ofType('AWS::Cognito::UserPool')[0]![0];
    const client = ofType('AWS::Cognito::UserPoolClient')[0]![0];
    const domain = ofType('AWS::Cognito::UserPoolDomain')[0]![0];
    expect(clientId).toEqual({ Ref: client });
    expect(issuer).toEqual({
      'Fn::Join': [
        '',
        ['https://cognito-idp.ap-southeast-1.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: pool }],
      ],
    });
    expect(config).toEqual({
      auth: 'oidc',
      issuer,
      clientId,
      apiBaseUrl: '/api',
      // Cognito publishes no end_session_endpoint: the pages sign out on the managed login domain's /logout.
      signOutUrl: {
        'Fn::Join': ['', ['https://', { Ref: domain }, '.auth.ap-southeast-1.amazoncognito.com/logout']],
      },
    });
  });

  it('runs CDK’s copy function under a role of ours, logging to its own encrypted log group with retention', () => {
    const [[, fn]] = ofType('AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    ) as [[string, Resource]];
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(role).toMatch(/^WebDeploymentRole/);
    expect(resources[role]!.Properties.ManagedPolicyArns).toBeUndefined();
    const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resources[logGroup]!.Properties.RetentionInDays).toBeGreaterThanOrEqual(180);
    expect(resources[logGroup]!.Properties.KmsKeyId).toBeDefined();
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

  it('gets the same one-command deployment, its config.json naming the external provider given as parameters', async () => {
    const [[, deployment]] = china.ofType('Custom::CDKBucketDeployment') as [[string, Resource]];
    const distribution = china.ofType('AWS::CloudFront::Distribution')[0]![0];
    expect(deployment.Properties.DistributionId).toEqual({ Ref: distribution });
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    const config = await deployedConfig(china.ofType, china.app.outdir);
    expect(trusted(china.ofType)).toEqual({
      issuer: { Ref: 'OidcIssuer' },
      clientId: { Ref: 'OidcClientId' },
    });
    // No sign-out URL: the pages take the provider's end_session_endpoint from its discovery document.
    expect(config).toEqual({
      auth: 'oidc',
      issuer: { Ref: 'OidcIssuer' },
      clientId: { Ref: 'OidcClientId' },
      apiBaseUrl: '/api',
    });
    china.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    china.template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
  });

  it('reads the private bucket through an origin access identity, and uses no resource type China lacks', () => {
    china.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    china.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
    china.template.resourceCountIs('AWS::CloudFront::Function', 0);
  });
});
