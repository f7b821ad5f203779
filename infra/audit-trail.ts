import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AuditTrailProps {
  /** The table whose item-level calls (reads and writes) are recorded. */
  table: dynamodb.ITable;
  /** Buckets whose object-level calls are recorded (the web assets; the documents bucket adds itself). */
  buckets: readonly s3.IBucket[];
  /** Encrypts the log files (CloudTrail's own SSE-KMS) and the bucket. */
  encryptionKey: kms.IKey;
  /** Days every log file is locked against deletion and overwriting (compliance mode), then expired. */
  retentionDays: number;
}

/**
 * A CloudTrail trail of who called what: management events of every region, and data events on the portal table
 * (GetItem, Query, PutItem, TransactWriteItems… by role and session) and on the portal's buckets. CloudTrail, its
 * advanced event selectors and S3 Object Lock are offered in both China regions (docs.amazonaws.cn, Amazon
 * CloudTrail; Amazon S3). Log files are validated (digest files), encrypted under the ops key and kept in a bucket
 * with Object Lock in compliance mode: nobody, the account root included, can delete or replace them before
 * `retentionDays`.
 */
export class AuditTrail extends Construct {
  readonly bucket: s3.Bucket;
  readonly trail: cloudtrail.Trail;
  private readonly dataBuckets: s3.IBucket[] = [];
  private readonly table: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.table = props.table;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: Duration.days(props.retentionDays + 1), noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket holds the CloudTrail log files; access to it is itself an API call CloudTrail records as a management event, and its objects are locked in compliance mode. Server access logs of it would need a further, unlocked bucket.',
    });

    // CloudTrail encrypts each log file with the key; the condition confines it to this account's trails.
    const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: '*' });
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.bucket,
      encryptionKey: props.encryptionKey,
      enableFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
    });
    for (const bucket of props.buckets) this.recordBucket(bucket);
    // Advanced event selectors (the L2 has no DynamoDB data events; basic and advanced selectors cannot be mixed).
    const cfn = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    cfn.addPropertyDeletionOverride('EventSelectors');
    cfn.addPropertyOverride(
      'AdvancedEventSelectors',
      // Produced at synthesis, after every bucket has been added.
      Lazy.any({ produce: () => this.selectors() }),
    );
  }

  /** Records object-level calls on another bucket of the stack (e.g. the documents bucket). */
  recordBucket(bucket: s3.IBucket): void {
    this.dataBuckets.push(bucket);
  }

  private selectors() {
    return [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'Portal table items',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
          { Field: 'resources.ARN', Equals: [this.table.tableArn] },
        ],
      },
      ...(this.dataBuckets.length > 0
        ? [
            {
              Name: 'Portal bucket objects',
              FieldSelectors: [
                { Field: 'eventCategory', Equals: ['Data'] },
                { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
                {
                  Field: 'resources.ARN',
                  StartsWith: this.dataBuckets.map((b) => `${b.bucketArn}/`),
                },
              ],
            },
          ]
        : []),
    ];
  }
}
