import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DOCUMENTS_PREFIX,
  IMPORTS_PREFIX,
  SCAN_RESULT_DETAIL_TYPE,
  SCAN_RESULT_SOURCE,
  SCAN_STATUS_TAG,
} from '../shared/runtime/malware-scan-event.js';
import { failureQueue } from './failure-queue.js';
import { type FunctionSettings, PortalFunction } from './portal-function.js';

/** Import sources and their error reports are working files: gone this long after the import. */
export const IMPORT_FILES_DAYS = 30;
/** A multipart upload the browser never finished (presigned PUTs are single requests; this is a safety net). */
export const ABORT_INCOMPLETE_UPLOADS_DAYS = 1;
/** The env value the API reads (`shared/runtime/aws-deps.ts`): `on` only where GuardDuty scans the bucket. */
export const MALWARE_SCAN_ENV = 'MALWARE_SCAN';
export const FILES_BUCKET_ENV = 'FILES_BUCKET';

/** The value GuardDuty tags a clean object with; anything else (or no tag) is not downloadable. */
const CLEAN = 'NO_THREATS_FOUND';
/** GuardDuty Malware Protection for S3 assumes the plan's role as this service. */
const GUARDDUTY_PLAN_SERVICE = 'malware-protection-plan.guardduty.amazonaws.com';
/** GuardDuty writes this object at the bucket's root to check its access when the plan is created. */
const VALIDATION_OBJECT = 'malware-protection-resource-validation-object';
/** The EventBridge rules GuardDuty manages for a protected bucket (it creates them with the plan's role). */
const MANAGED_RULES = 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*';

export interface FileStorageProps {
  /**
   * Browser origins (`https://host`) that may PUT and GET through presigned URLs: the portal's own web address
   * (the one Cognito calls back to, `WebHosting.url`) and any extra origin the stage configures.
   */
  webOrigins: readonly string[];
  /**
   * `guardduty`: GuardDuty Malware Protection for S3 scans every new document, tags it with the result, and only
   * documents tagged clean can be downloaded; its result reaches the portal through EventBridge. `none`: no scanner
   * (AWS China, README "AWS China"): documents say `not_scanned`, never `clean`.
   */
  malwareScan: 'guardduty' | 'none';
  /**
   * Days a deleted or replaced document version stays restorable: as long as the stage keeps its logs, so a
   * version can be restored for as long as the audit trail still records who deleted it.
   */
  noncurrentVersionDays: number;
  table: dynamodb.ITable;
  functionEntry: (name: string) => string;
  settings: FunctionSettings;
}

/**
 * The bucket of uploaded files: documents (`documents/<id>`) and bulk imports (`imports/<id>/source`,
 * `imports/<id>/errors.csv`). Browsers upload and download straight through presigned URLs signed by the API
 * function, so the bucket answers CORS to the portal's origin only. Private (every public access blocked, ACLs
 * disabled), TLS only, versioned, encrypted; object-level calls are CloudTrail data events of the stack's trail.
 *
 * Encryption is SSE-S3 (AES-256, S3-managed keys), offered in both partitions: presigned PUTs and GETs and
 * GuardDuty's scanner then need no KMS grant, and the API role's grant stays the three object actions. A
 * customer-managed key would add kms:GenerateDataKey/Decrypt (via S3) for the API role and the scanner's role.
 *
 * Where the stage has a scanner: GuardDuty Malware Protection for S3 scans each new object under `documents/`,
 * tags it `GuardDutyMalwareScanStatus=<result>` and publishes the result on the default event bus; a rule sends
 * the results for this bucket to the scan-result function, which records them on the document
 * (`recordScanResult`). The bucket policy denies downloads of a document not tagged `NO_THREATS_FOUND` (AWS's
 * tag-based access control for Malware Protection for S3), so even a presigned URL issued too early is refused.
 */
export class FileStorage extends Construct {
  readonly bucket: s3.Bucket;
  /** Present where the stage has a scanner. */
  readonly scanner?: PortalFunction;
  readonly plan?: guardduty.CfnMalwareProtectionPlan;
  readonly scanRole?: iam.Role;
  readonly scanFailures?: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly malwareScan: 'guardduty' | 'none';
  /** Roles that may read a document server-side before its scan ends (header-signed requests; never a link). */
  private readonly readers: iam.IRole[] = [];

  constructor(scope: Construct, id: string, props: FileStorageProps) {
    super(scope, id);
    if (props.webOrigins.length === 0) throw new Error('The files bucket needs the portal’s web origin.');
    this.malwareScan = props.malwareScan;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      cors: [
        {
          allowedOrigins: [...props.webOrigins],
          // Upload (presigned PUT) and download (presigned GET); nothing else is ever sent from a page.
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
          // Exactly the headers the presigned PUT signs and the page sends (shared/runtime/s3-storage.ts).
          allowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        {
          id: 'AbortIncompleteUploads',
          abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOADS_DAYS),
        },
        {
          // Documents never expire: a registered pledge's documents stay current versions for good, and the portal
          // deletes a document only before registration (the uploader's own, or a rejected upload). Such a delete,
          // like an overwrite, leaves the old version behind (versioning): it stays restorable as long as the stage
          // keeps its logs (so while the trail still records who deleted it), then goes, so files users removed are
          // not kept for ever (personal data, kept no longer than needed). The API function cannot delete versions
          // (no s3:DeleteObjectVersion), so no bug or stolen session of it can destroy a document outright.
          id: 'DocumentVersions',
          prefix: DOCUMENTS_PREFIX,
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
        },
        {
          // An import's source and error report serve the import and its report link only.
          id: 'ImportFiles',
          prefix: IMPORTS_PREFIX,
          expiration: Duration.days(IMPORT_FILES_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { id: 'ImportDeleteMarkers', prefix: IMPORTS_PREFIX, expiredObjectDeleteMarker: true },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Object-level calls on this bucket are CloudTrail data events of the stack’s trail (infra/audit-trail.ts, recordBucket): who (role and session), which key and when, under log-file validation and Object Lock — more than server access logs would record.',
    });

    if (props.malwareScan === 'guardduty') {
      const scan = this.createMalwareProtection(props);
      this.scanRole = scan.role;
      this.plan = scan.plan;
      this.scanner = scan.scanner;
      this.scanFailures = scan.failures;
    }
  }

  /** The env the API function (and any function serving files) reads: the bucket and whether it is scanned. */
  get environment(): Record<string, string> {
    return {
      [FILES_BUCKET_ENV]: this.bucket.bucketName,
      [MALWARE_SCAN_ENV]: this.malwareScan === 'guardduty' ? 'on' : 'off',
    };
  }

  /**
   * Lets a function read, write (and presign uploads, which are PUTs signed with its credentials) and delete the
   * objects under `prefixes` (and read a given version of a document), nothing else: no other key, no version
   * deletion, no tagging, no bucket settings.
   * With s3:ListBucket on this bucket, so S3 answers a read of a missing key with 404 (NoSuchKey), which the
   * adapter reports as "no object"; without it S3 answers 403, indistinguishable from a real denial.
   */
  grantObjects(fn: PortalFunction, prefixes: readonly string[] = [DOCUMENTS_PREFIX, IMPORTS_PREFIX]): void {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    // A document's download link names the version that was verified (`objectVersion`): S3 authorises a GET of a
    // given version as s3:GetObjectVersion. Documents only; never DeleteObjectVersion.
    if (prefixes.includes(DOCUMENTS_PREFIX))
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObjectVersion'],
          resources: [this.bucket.arnForObjects(`${DOCUMENTS_PREFIX}*`)],
        }),
      );
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of prefixes)
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `Object keys under ${prefix} are generated per document or import (${prefix}<id>…); the grant is confined to that prefix of the files bucket and to GetObject, PutObject (presigned uploads) and DeleteObject.`,
      });
    if (this.scanRole && prefixes.includes(DOCUMENTS_PREFIX)) this.allowUnscannedReads(fn.role);
  }

  private allowUnscannedReads(role: iam.IRole): void {
    this.readers.push(role);
  }

  private createMalwareProtection(props: FileStorageProps) {
    const stack = Stack.of(this);
    const documents = this.bucket.arnForObjects(`${DOCUMENTS_PREFIX}*`);
    // The role GuardDuty assumes, with the permissions its guide lists for a protected bucket
    // (docs.aws.amazon.com/guardduty/latest/ug/malware-protection-s3-iam-policy-prerequisite.html), its object
    // reads and tagging narrowed from the whole bucket to documents/, the only prefix the plan scans.
    const role = new iam.Role(this, 'ScanRole', {
      assumedBy: new iam.ServicePrincipal(GUARDDUTY_PLAN_SERVICE),
      description: 'GuardDuty Malware Protection for S3: scans and tags new documents in the files bucket',
    });
    const managedRules = stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: MANAGED_RULES,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowManagedRuleToSendS3EventsToGuardDuty',
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [managedRules],
        conditions: { StringLike: { 'events:ManagedBy': GUARDDUTY_PLAN_SERVICE } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowGuardDutyToMonitorEventBridgeManagedRule',
        actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
        resources: [managedRules],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowPostScanTag',
        actions: [
          's3:PutObjectTagging',
          's3:GetObjectTagging',
          's3:PutObjectVersionTagging',
          's3:GetObjectVersionTagging',
        ],
        resources: [documents],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowEnableS3EventBridgeEvents',
        actions: ['s3:PutBucketNotification', 's3:GetBucketNotification'],
        resources: [this.bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowPutValidationObject',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(VALIDATION_OBJECT)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowCheckBucketOwnership',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AllowMalwareScan',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [documents],
      }),
    );
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${DOCUMENTS_PREFIX}*]`,
      reason:
        'GuardDuty scans and tags every new object under documents/ (each key generated per document): reading and tagging are confined to that prefix of the files bucket, as the Malware Protection for S3 guide prescribes for a protected bucket.',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:${stack.region}:${stack.account}:rule/${MANAGED_RULES}]`,
      reason:
        'GuardDuty names the EventBridge rule it manages for the protected bucket itself (DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3…); the guide’s policy names that prefix, and writes are limited to rules managed by the service (events:ManagedBy).',
    });

    const plan = new guardduty.CfnMalwareProtectionPlan(this, 'MalwareProtectionPlan', {
      role: role.roleArn,
      protectedResource: {
        s3Bucket: { bucketName: this.bucket.bucketName, objectPrefixes: [DOCUMENTS_PREFIX] },
      },
      actions: { tagging: { status: 'ENABLED' } },
    });
    // GuardDuty validates its access when the plan is created: the role's policy must exist first.
    plan.node.addDependency(role);

    const failures = failureQueue(this, 'ScanFailures', 'of the malware-scan results: rule and function');
    const scanner = new PortalFunction(this, 'ScanResults', {
      entry: props.functionEntry('document-scan'),
      description: 'Records the GuardDuty malware-scan result on the uploaded document',
      serviceName: 'document-scan',
      table: props.table,
      // It runs the documents use case (read the document, write its scan status with its event).
      tableAccess: 'readWrite',
      settings: props.settings,
      memorySize: 256,
      asyncFailures: { queue: failures, retryAttempts: 2, maxEventAge: Duration.hours(6) },
    });
    new events.Rule(this, 'ScanResultRule', {
      description: 'GuardDuty malware-scan results for the files bucket → the document-scan function',
      // GuardDuty publishes scan results on the account's default bus.
      eventPattern: {
        source: [SCAN_RESULT_SOURCE],
        detailType: [SCAN_RESULT_DETAIL_TYPE],
        detail: { s3ObjectDetails: { bucketName: [this.bucket.bucketName] } },
      },
      targets: [
        new targets.LambdaFunction(scanner.function, {
          deadLetterQueue: failures,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    this.alarms.push(
      scanner.errorsAlarm,
      scanner.throttlesAlarm,
      new cloudwatch.Alarm(this, 'ScanFailuresAlarm', {
        alarmDescription:
          'Malware-scan results could not be recorded (see the scan failure queue): those documents stay unusable.',
        metric: failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // The tag-based deny (AWS's recommendation for Malware Protection for S3 with tagging on), on documents/:
    // - nobody may fetch a document through a presigned (query-string signed) URL unless GuardDuty tagged it clean;
    // - nobody but GuardDuty's role and the functions granted objects here (the API reads the bytes server-side, by
    //   header-signed requests, to check size, checksum and type right after the upload, before the scan ends)
    //   may read one at all unless tagged clean;
    // - nobody but GuardDuty's role may set or remove the scan tag, nor upload an object carrying it.
    // An absent tag is "not equal" too: an object not yet scanned is refused like an infected one.
    const clean = { StringNotEquals: { [`s3:ExistingObjectTag/${SCAN_STATUS_TAG}`]: CLEAN } };
    // Resolved at synthesis, after every grant has been made.
    const exempt = Lazy.list({ produce: () => [role.roleArn, ...this.readers.map((r) => r.roleArn)] });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoPresignedDownloadUnlessClean',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [documents],
        conditions: { ...clean, StringEquals: { 's3:authType': 'REST-QUERY-STRING' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoReadUnlessClean',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [documents],
        conditions: { ...clean, ArnNotEquals: { 'aws:PrincipalArn': exempt } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyGuardDutyTagsScanResults',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
          's3:DeleteObjectTagging',
          's3:DeleteObjectVersionTagging',
        ],
        resources: [documents],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoUploadWithScanTag',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [documents],
        conditions: { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': [SCAN_STATUS_TAG] } },
      }),
    );
    return { role, plan, scanner, failures };
  }
}
