import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * Where each stage deploys, in one checked-in place: its account, region and partition are pinned, so a stage can
 * never land in whatever region the deployer's profile names. `cdk deploy` refuses credentials of another account.
 *
 * Services differ between the partitions (README, "AWS China"): the China stages sign users in through an external
 * OpenID Connect provider (Cognito user pools are not offered there), serve the web portal on the city's own
 * ICP-filed domain with its certificate (CloudFront China has no default domain), and send no e-mail through SES
 * (not offered there: the city's SMTP relay instead).
 */
export type Partition = 'aws' | 'aws-cn';

export interface StageConfig {
  readonly name: string;
  /** The environment variable holding the stage's 12-digit account id (account ids are kept out of git). */
  readonly accountVariable: string;
  /** Only for a sandbox: used when the variable is unset, so `cdk synth` runs offline; deploying to it fails. */
  readonly placeholderAccount?: string;
  readonly region: string;
  readonly partition: Partition;
  /** Lambda, API access and audit logs: at least six months (Cybersecurity Law art. 21); a year in production. */
  readonly logRetention: RetentionDays;
  /** `cognito`: the stack's own user pool; `oidc`: an external OpenID Connect provider, given as parameters. */
  readonly identity: 'cognito' | 'oidc';
  /** `cloudfront`: the distribution's default domain; `city`: the city's own domain and certificate (parameters). */
  readonly webDomain: 'cloudfront' | 'city';
  /**
   * E-mail notifications: `ses` (needs `-c emailFrom=`), `smtp` (the city's relay, given as parameters; its
   * credentials in a Secrets Manager secret, infra/smtp-relay.ts), or `none` (the inbox and webhooks only).
   */
  readonly mail: 'ses' | 'smtp' | 'none';
  /** Daily backups are kept this long in the stage's locked vault (and their copies as long in the copy vault). */
  readonly backupRetentionDays: number;
  /**
   * Another region of the same partition where each daily backup is copied (AWS Backup copies across regions only
   * within a partition; in China only between Beijing and Ningxia). Its vault is the stack
   * `IpFinancePortal-<stage>-BackupCopy` (infra/backup-copy.ts), deployed there first.
   */
  readonly backupCopyRegion: string;
  /** Concurrency reserved for (and capping) the API function. */
  readonly apiReservedConcurrency: number;
  /**
   * Malware scanning of uploaded documents: `guardduty` (GuardDuty Malware Protection for S3, infra/file-storage.ts)
   * or `none`, where documents say `not_scanned` and are never called clean. AWS China: `none` until AWS's China
   * documentation confirms the feature there (README, "AWS China").
   */
  readonly malwareScan: 'guardduty' | 'none';
  /**
   * Browser origins (`https://host[:port]`) allowed to upload and download files besides the portal's own web
   * address (CORS of the files bucket), e.g. a second domain of the city's; usually none.
   */
  readonly extraWebOrigins?: readonly string[];
}

/** A stage with its account resolved: what the stack is built from. */
export interface ResolvedStage extends StageConfig {
  readonly account: string;
}

const CHINA = {
  partition: 'aws-cn',
  identity: 'oidc',
  webDomain: 'city',
  mail: 'smtp',
  // GuardDuty Malware Protection for S3 is not confirmed for Beijing or Ningxia: AWS's China guide
  // (docs.amazonaws.cn/en_us/aws/latest/userguide/guardduty.html) lists GuardDuty in both regions, and the
  // feature's own pages and CloudFormation type are mirrored on docs.amazonaws.cn, but the guide's "Feature
  // Availability and Implementation Differences" does not say it is offered there, and no China account has
  // confirmed it. Unconfirmed means off: no scanner, documents `not_scanned` (README, "AWS China").
  malwareScan: 'none',
} as const;

export const STAGES: Readonly<Record<string, StageConfig>> = {
  // Synthetic data only: a developer's sandbox in a global region.
  dev: {
    name: 'dev',
    accountVariable: 'PORTAL_DEV_ACCOUNT',
    placeholderAccount: '000000000000',
    region: 'ap-southeast-1',
    partition: 'aws',
    logRetention: RetentionDays.SIX_MONTHS,
    identity: 'cognito',
    webDomain: 'cloudfront',
    mail: 'ses',
    backupRetentionDays: 35,
    backupCopyRegion: 'ap-northeast-1',
    apiReservedConcurrency: 20,
    malwareScan: 'guardduty',
  },
  // The city's personal financial data stays in mainland China: staging and production in Ningxia.
  staging: {
    name: 'staging',
    accountVariable: 'PORTAL_STAGING_ACCOUNT',
    region: 'cn-northwest-1',
    ...CHINA,
    logRetention: RetentionDays.SIX_MONTHS,
    backupRetentionDays: 35,
    backupCopyRegion: 'cn-north-1',
    apiReservedConcurrency: 20,
  },
  prod: {
    name: 'prod',
    accountVariable: 'PORTAL_PROD_ACCOUNT',
    region: 'cn-northwest-1',
    ...CHINA,
    logRetention: RetentionDays.ONE_YEAR,
    backupRetentionDays: 365,
    backupCopyRegion: 'cn-north-1',
    apiReservedConcurrency: 100,
  },
};

/** Stage names become part of the stack name; keep them short and DNS-safe. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const MIN_LOG_RETENTION_DAYS = 180;
const WEB_ORIGIN_PATTERN = /^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

export const partitionOf = (region: string): Partition => (region.startsWith('cn-') ? 'aws-cn' : 'aws');

/**
 * Checks a stage's configuration against what its partition offers; throws naming every problem at once.
 * Exported for the tests, which prove each refusal.
 */
export function validateStage(stage: StageConfig): void {
  const problems: string[] = [];
  if (!STAGE_PATTERN.test(stage.name))
    problems.push('the name must be 1–16 lower-case letters, digits or hyphens');
  if (!stage.region) problems.push('no region');
  if (!stage.partition) problems.push('no partition');
  else if (stage.region && partitionOf(stage.region) !== stage.partition)
    problems.push(`region ${stage.region} is not in partition ${stage.partition}`);
  if (!stage.backupCopyRegion) problems.push('no region for the backup copies');
  else if (stage.backupCopyRegion === stage.region)
    problems.push('the backup copies must go to another region than the stage’s');
  else if (stage.partition && partitionOf(stage.backupCopyRegion) !== stage.partition)
    problems.push(`backup copy region ${stage.backupCopyRegion} is not in partition ${stage.partition}`);
  if (stage.logRetention < MIN_LOG_RETENTION_DAYS)
    problems.push(`logs must be kept at least ${MIN_LOG_RETENTION_DAYS} days`);
  if (stage.partition === 'aws-cn') {
    if (stage.identity === 'cognito')
      problems.push('Cognito user pools are not offered in AWS China: use identity "oidc"');
    if (stage.webDomain === 'cloudfront')
      problems.push('CloudFront in AWS China serves no default domain: use webDomain "city"');
    if (stage.mail === 'ses')
      problems.push('Amazon SES is not offered in AWS China: use mail "smtp" or "none"');
    if (stage.malwareScan === 'guardduty')
      problems.push(
        'GuardDuty Malware Protection for S3 is not confirmed in AWS China (README, "AWS China"): use malwareScan "none"',
      );
  }
  for (const origin of stage.extraWebOrigins ?? [])
    if (!WEB_ORIGIN_PATTERN.test(origin))
      problems.push(`extra web origin "${origin}" must be https://host[:port], lower-case, without a path`);
  if (problems.length > 0) throw new Error(`Stage "${stage.name}": ${problems.join('; ')}.`);
}

/**
 * The stage to synthesise, with its account from the environment. Unknown stages, a missing account and a stage
 * that does not fit its partition all fail synthesis with a message saying what to set.
 */
export function resolveStage(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  stages: Readonly<Record<string, StageConfig>> = STAGES,
): ResolvedStage {
  const stage = Object.hasOwn(stages, name) ? stages[name] : undefined;
  if (!stage)
    throw new Error(`Unknown stage "${name}": choose one of ${Object.keys(stages).join(', ')} (-c stage=…).`);
  validateStage(stage);
  const account = env[stage.accountVariable]?.trim() || stage.placeholderAccount;
  if (!account)
    throw new Error(
      `Stage "${name}" has no account: set ${stage.accountVariable} to its 12-digit AWS account id (${stage.partition} partition).`,
    );
  if (!ACCOUNT_PATTERN.test(account))
    throw new Error(
      `Stage "${name}": ${stage.accountVariable} must be a 12-digit account id, got "${account}".`,
    );
  return { ...stage, account };
}
