import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IMPORT_FILES_DAYS } from '../../infra/file-storage.js';
import { PortalStack } from '../../infra/portal-stack.js';
import { STAGES, validateStage } from '../../infra/stages.js';
import { SCAN_STATUS_TAG } from '../../shared/runtime/malware-scan-event.js';
import { NO_BUNDLING, stage } from './stage-fixtures.js';

/**
 * Issue 15, "Deployed": the files bucket (documents, bulk imports) — private, TLS-only, versioned, encrypted, CORS
 * for the portal's own origin, lifecycle rules, least-privilege grants — and, where the stage has it, GuardDuty
 * Malware Protection for S3 with tag-based access and the scan-result function. AWS China has no scanner.
 */
type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

const synth = (stageName: string, change: Partial<(typeof STAGES)[string]> = {}) => {
  const stack = new PortalStack(new App({ context: NO_BUNDLING }), 'Files', {
    stage: { ...stage(stageName), ...change },
  });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, Resource> };
  const ofType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  const idOf = (type: string, prefix: string) => {
    const ids = ofType(type)
      .map(([id]) => id)
      .filter((id) => id.startsWith(prefix));
    expect(ids, `${type} ${prefix}`).toHaveLength(1);
    return ids[0]!;
  };
  const bucketId = idOf('AWS::S3::Bucket', 'FilesBucket');
  const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
  const objects = (suffix: string) => ({ 'Fn::Join': ['', [bucketArn, suffix]] });
  const bucket = json.Resources[bucketId]!;
  const bucketPolicy = ofType('AWS::S3::BucketPolicy').find(
    ([, r]) => (r.Properties.Bucket as { Ref: string }).Ref === bucketId,
  )![1];
  const bucketStatements = (bucketPolicy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  const apiFunctionId = ofType('AWS::Lambda::Function').find(
    ([, fn]) =>
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
        .POWERTOOLS_SERVICE_NAME === 'portal-api',
  )![0];
  const apiFunction = json.Resources[apiFunctionId]!;
  const apiRoleId = (apiFunction.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const statementsOfRole = (roleId: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return {
    stack,
    template,
    json,
    ofType,
    idOf,
    bucketId,
    bucketArn,
    objects,
    bucket,
    bucketStatements,
    apiFunction,
    apiRoleId,
    statementsOfRole,
  };
};

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('files bucket on a global stage (dev: GuardDuty scans the documents)', () => {
  const t = synth('dev');
  const distributionId = t.idOf('AWS::CloudFront::Distribution', 'WebDistribution');
  const webOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };
  const scanRoleId = t.idOf('AWS::IAM::Role', 'FilesScanRole');
  const scanFunctionId = t.idOf('AWS::Lambda::Function', 'FilesScanResults');
  const scanFunctionRoleId = t.idOf('AWS::IAM::Role', 'FilesScanResultsRole');

  it('is private, TLS-only, versioned, encrypted, with ACLs disabled, and stays when the stack goes', () => {
    expect(t.bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(t.bucket.DeletionPolicy).toBe('Retain');
    expect(t.bucketStatements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [t.bucketArn, t.objects('/*')],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('answers CORS to the portal’s own web address only — the one Cognito calls back to — for PUT and GET', () => {
    expect(t.bucket.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: [webOrigin],
          AllowedMethods: ['PUT', 'GET'],
          AllowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
          MaxAge: 3600,
        },
      ],
    });
    // The same address as the app client's callback, which ends with its slash.
    t.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] },
      ],
    });
  });

  it('aborts stale uploads, keeps documents (old versions as long as the logs), expires import files after 30 days', () => {
    expect(t.bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'AbortIncompleteUploads',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
        {
          Id: 'DocumentVersions',
          Status: 'Enabled',
          Prefix: 'documents/',
          NoncurrentVersionExpiration: { NoncurrentDays: stage('dev').logRetention },
        },
        {
          Id: 'ImportFiles',
          Status: 'Enabled',
          Prefix: 'imports/',
          ExpirationInDays: IMPORT_FILES_DAYS,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        },
        { Id: 'ImportDeleteMarkers', Status: 'Enabled', Prefix: 'imports/', ExpiredObjectDeleteMarker: true },
      ],
    });
    // No rule ever expires a current document.
    const rules = (t.bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    for (const rule of rules.filter((r) => r.Prefix !== 'imports/'))
      expect(rule.ExpirationInDays).toBeUndefined();
    expect(IMPORT_FILES_DAYS).toBe(30);
  });

  it('records its object-level calls as data events of the stack’s trail', () => {
    const trail = t.json.Resources[t.idOf('AWS::CloudTrail::Trail', 'AuditTrail')]!;
    expect(JSON.stringify(trail.Properties.AdvancedEventSelectors)).toContain(
      JSON.stringify({ 'Fn::Join': ['', [t.bucketArn, '/']] }),
    );
  });

  it('gives the API function its name and MALWARE_SCAN=on', () => {
    expect(
      (t.apiFunction.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ).toMatchObject({ FILES_BUCKET: { Ref: t.bucketId }, MALWARE_SCAN: 'on' });
  });

  it('lets the API function get, put (presign) and delete objects under documents/ and imports/ only (a document’s version too), and list the bucket', () => {
    const s3 = t
      .statementsOfRole(t.apiRoleId)
      .filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: [t.objects('/documents/*'), t.objects('/imports/*')],
      },
      // The download link names the verified version of a document.
      { Effect: 'Allow', Action: 's3:GetObjectVersion', Resource: t.objects('/documents/*') },
      // Only so that S3 answers 404, not 403, for a key that does not exist (yet).
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: t.bucketArn },
    ]);
    // No version deletion, tagging or bucket settings anywhere in its policy; its KMS grants are the table's only.
    const statements = t.statementsOfRole(t.apiRoleId);
    for (const action of statements.flatMap((s) => asList(s.Action)))
      expect(action).not.toMatch(/^s3:(DeleteObjectVersion|PutObjectTagging|PutBucket|\*)/);
    for (const s of statements.filter((s) => asList(s.Action).some((a) => a.startsWith('kms:'))))
      expect(JSON.stringify(s.Condition)).toContain('"kms:ViaService":{"Fn::Join":["",["dynamodb.');
  });

  it('has a GuardDuty Malware Protection plan on documents/, tagging results, under its own role', () => {
    t.template.resourceCountIs('AWS::GuardDuty::MalwareProtectionPlan', 1);
    t.template.hasResourceProperties('AWS::GuardDuty::MalwareProtectionPlan', {
      Role: { 'Fn::GetAtt': [scanRoleId, 'Arn'] },
      ProtectedResource: { S3Bucket: { BucketName: { Ref: t.bucketId }, ObjectPrefixes: ['documents/'] } },
      Actions: { Tagging: { Status: 'ENABLED' } },
    });
    const plan = t.ofType('AWS::GuardDuty::MalwareProtectionPlan')[0]![1] as Resource & {
      DependsOn?: string[];
    };
    // GuardDuty checks its access when the plan is created: the role and its policy come first.
    expect(plan.DependsOn).toEqual(
      expect.arrayContaining([scanRoleId, t.idOf('AWS::IAM::Policy', 'FilesScanRoleDefaultPolicy')]),
    );
  });

  it('gives GuardDuty’s role the permissions its guide lists, objects confined to documents/', () => {
    t.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' },
          },
        ],
      },
    });
    const statements = t.statementsOfRole(scanRoleId);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(
      [
        'AllowManagedRuleToSendS3EventsToGuardDuty',
        'AllowGuardDutyToMonitorEventBridgeManagedRule',
        'AllowPostScanTag',
        'AllowEnableS3EventBridgeEvents',
        'AllowPutValidationObject',
        'AllowCheckBucketOwnership',
        'AllowMalwareScan',
      ].sort(),
    );
    const managedRules = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:events:${stage('dev').region}:${stage('dev').account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*`,
        ],
      ],
    };
    expect(bySid.AllowManagedRuleToSendS3EventsToGuardDuty).toMatchObject({
      Action: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
      Resource: managedRules,
      Condition: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
    });
    expect(bySid.AllowGuardDutyToMonitorEventBridgeManagedRule!.Resource).toEqual(managedRules);
    expect(bySid.AllowMalwareScan).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: t.objects('/documents/*'),
    });
    expect(bySid.AllowPostScanTag!.Resource).toEqual(t.objects('/documents/*'));
    expect(bySid.AllowPutValidationObject).toMatchObject({
      Action: 's3:PutObject',
      Resource: t.objects('/malware-protection-resource-validation-object'),
    });
    for (const sid of ['AllowEnableS3EventBridgeEvents', 'AllowCheckBucketOwnership'])
      expect(bySid[sid]!.Resource, sid).toEqual(t.bucketArn);
  });

  it('sends this bucket’s scan results from the default bus to the scan-result function, failures to its queue', () => {
    const rules = t
      .ofType('AWS::Events::Rule')
      .filter(([, r]) => JSON.stringify(r.Properties.EventPattern).includes('aws.guardduty'));
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Malware Protection Object Scan Result'],
      detail: { s3ObjectDetails: { bucketName: [{ Ref: t.bucketId }] } },
    });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [scanFunctionId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FilesScanFailures/), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 24 * 3600 },
      }),
    ]);
    t.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: scanFunctionId },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FilesScanFailures'), 'Arn'] } },
      },
    });
    t.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FilesScanFailures'), 'QueueName'] },
        },
      ],
    });
    // The function records results through the use case: the table, no S3 at all.
    expect(
      (t.json.Resources[scanFunctionId]!.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables,
    ).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'document-scan',
      TABLE_NAME: { Ref: expect.stringMatching(/^Table/) },
    });
    const actions = t.statementsOfRole(scanFunctionRoleId).flatMap((s) => asList(s.Action));
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('refuses downloads of documents GuardDuty has not tagged clean (tag-based access), and lets GuardDuty alone tag', () => {
    const bySid = Object.fromEntries(t.bucketStatements.map((s) => [s.Sid, s]));
    const notClean = { StringNotEquals: { [`s3:ExistingObjectTag/${SCAN_STATUS_TAG}`]: 'NO_THREATS_FOUND' } };
    const deny = { Effect: 'Deny', Principal: { AWS: '*' }, Resource: t.objects('/documents/*') };
    // A presigned link (query-string signature) works for clean documents only, whoever signed it.
    expect(bySid.NoPresignedDownloadUnlessClean).toEqual({
      ...deny,
      Sid: 'NoPresignedDownloadUnlessClean',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Condition: { ...notClean, StringEquals: { 's3:authType': 'REST-QUERY-STRING' } },
    });
    // Any other read of an unscanned or infected document: only GuardDuty and the API function (which checks the
    // bytes server-side right after the upload, before the scan ends).
    expect(bySid.NoReadUnlessClean).toEqual({
      ...deny,
      Sid: 'NoReadUnlessClean',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Condition: {
        ...notClean,
        ArnNotEquals: {
          'aws:PrincipalArn': [{ 'Fn::GetAtt': [scanRoleId, 'Arn'] }, { 'Fn::GetAtt': [t.apiRoleId, 'Arn'] }],
        },
      },
    });
    expect(bySid.OnlyGuardDutyTagsScanResults).toMatchObject({
      ...deny,
      Action: expect.arrayContaining(['s3:PutObjectTagging', 's3:DeleteObjectTagging']),
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [scanRoleId, 'Arn'] } } },
    });
    expect(bySid.NoUploadWithScanTag).toMatchObject({
      ...deny,
      Action: 's3:PutObject',
      Condition: { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': [SCAN_STATUS_TAG] } },
    });
  });
});

describe('files bucket in AWS China (prod: no malware scanner)', () => {
  const t = synth('prod');

  it('has the same protections and CORS for the city’s domain', () => {
    expect(t.bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      CorsConfiguration: {
        CorsRules: [
          expect.objectContaining({
            AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { Ref: 'WebDomainName' }]] }],
            AllowedMethods: ['PUT', 'GET'],
          }),
        ],
      },
    });
    expect(
      (
        t.bucket.Properties.LifecycleConfiguration as {
          Rules: { Id: string; NoncurrentVersionExpiration?: unknown }[];
        }
      ).Rules.find((r) => r.Id === 'DocumentVersions')!.NoncurrentVersionExpiration,
    ).toEqual({ NoncurrentDays: 365 });
  });

  it('creates no GuardDuty plan, scan role, rule or scan function, and tells the API MALWARE_SCAN=off', () => {
    t.template.resourceCountIs('AWS::GuardDuty::MalwareProtectionPlan', 0);
    const json = JSON.stringify(t.json);
    expect(json).not.toContain('guardduty');
    expect(json).not.toContain('document-scan');
    expect(json).not.toContain(SCAN_STATUS_TAG);
    expect(
      (t.apiFunction.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ).toMatchObject({ FILES_BUCKET: { Ref: t.bucketId }, MALWARE_SCAN: 'off' });
    // Only the TLS-only statement: there is no scan tag to grant access by.
    expect(t.bucketStatements.map((s) => s.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
    ]);
  });

  it('grants the API function the same object actions on the same prefixes', () => {
    expect(
      t.statementsOfRole(t.apiRoleId).filter((s) => asList(s.Action).some((a) => a.startsWith('s3:'))),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: [t.objects('/documents/*'), t.objects('/imports/*')],
      },
      { Effect: 'Allow', Action: 's3:GetObjectVersion', Resource: t.objects('/documents/*') },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: t.bucketArn },
    ]);
  });

  it('refuses a China stage that asks for GuardDuty scanning, which is not confirmed there', () => {
    expect(() => validateStage({ ...STAGES.prod!, malwareScan: 'guardduty' })).toThrow(
      /GuardDuty Malware Protection for S3 is not confirmed in AWS China/,
    );
    expect(STAGES.staging!.malwareScan).toBe('none');
    expect(STAGES.prod!.malwareScan).toBe('none');
  });
});

describe('files bucket with an extra web origin configured on the stage', () => {
  const t = synth('dev', { extraWebOrigins: ['https://portal.example.org'] });

  it('adds it to the portal’s own origin, nothing else', () => {
    const rules = (t.bucket.Properties.CorsConfiguration as { CorsRules: { AllowedOrigins: unknown[] }[] })
      .CorsRules;
    expect(rules).toHaveLength(1);
    expect(rules[0]!.AllowedOrigins).toEqual([
      {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^WebDistribution/), 'DomainName'] }],
        ],
      },
      'https://portal.example.org',
    ]);
  });

  it('refuses an origin that is not https://host[:port]', () => {
    for (const origin of [
      'http://portal.example.org',
      'https://portal.example.org/',
      '*',
      'https://*.example.org',
    ])
      expect(() => validateStage({ ...STAGES.dev!, extraWebOrigins: [origin] }), origin).toThrow(
        /must be https:\/\/host\[:port\]/,
      );
    expect(() =>
      validateStage({ ...STAGES.dev!, extraWebOrigins: ['https://a.example.org:8443'] }),
    ).not.toThrow();
  });
});
