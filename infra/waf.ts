import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * Requests one client IP may make in any five minutes, across the portal (pages and API), before WAF blocks it
 * until its rate falls below. A signed-in user's busiest page loads ~30 requests; 1,500 in five minutes is
 * five per second sustained: a script, not a person. The API stage's throttles still apply per route behind it.
 */
export const WAF_RATE_LIMIT_PER_IP = 1500;
/** The anonymous routes get a much lower limit of their own (per IP, five minutes). */
export const WAF_PUBLIC_RATE_LIMIT_PER_IP = 300;

/** AWS managed rule groups, in priority order: OWASP-style common rules, known bad inputs, IP reputation. */
export const WAF_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

export interface EdgeWafStackProps extends Omit<StackProps, 'env'> {
  account: string;
  /** Paths (CloudFront's, e.g. `/api/healthz`) served without a token: rate-limited more tightly. */
  publicPaths: readonly string[];
  retention: logs.RetentionDays;
}

/**
 * The web ACL in front of CloudFront, for the stages in AWS's global partition.
 *
 * Where WAF can sit, and why here (checked on docs.aws.amazon.com and docs.amazonaws.cn, December 2026):
 * - The API is an HTTP API (API Gateway v2). WAF attaches to REST APIs, not HTTP APIs, so it cannot sit on the
 *   API stage; it sits on the CloudFront distribution in front of both the pages and `/api/*`.
 * - A web ACL for CloudFront must be created in us-east-1 with scope CLOUDFRONT, whatever the stack's region:
 *   hence this small stack of its own (`IpFinancePortal-<stage>-Waf`), deployed first; its output `WebAclArn` is
 *   the portal stack's parameter of the same name. CDK's cross-region references would pass it automatically,
 *   but through a custom-resource Lambda on another runtime, with a managed policy and an unencrypted log group
 *   kept forever: not what this stack allows itself elsewhere.
 * - In AWS China WAF is offered "at a regional level only" (Beijing, Ningxia): no web ACL on CloudFront China,
 *   and none on an HTTP API. The China stages therefore have no WAF; see PortalStack for what protects them.
 */
export class EdgeWafStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdgeWafStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.account, region: 'us-east-1' },
    });

    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = WAF_MANAGED_RULE_GROUPS.map(
      (name, index): wafv2.CfnWebACL.RuleProperty => ({
        name,
        priority: 10 + index,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: visibility(name),
      }),
    );
    const perIp = (
      name: string,
      limit: number,
      priority: number,
      scopeDown?: wafv2.CfnWebACL.StatementProperty,
    ) => ({
      name,
      priority,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit,
          evaluationWindowSec: 300,
          aggregateKeyType: 'IP',
          ...(scopeDown ? { scopeDownStatement: scopeDown } : {}),
        },
      },
      visibilityConfig: visibility(name),
    });
    const publicPath = (path: string): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        searchString: path,
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'EXACTLY',
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    const publicScope: wafv2.CfnWebACL.StatementProperty =
      props.publicPaths.length === 1
        ? publicPath(props.publicPaths[0]!)
        : { orStatement: { statements: props.publicPaths.map(publicPath) } };

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description: 'IP finance portal: CloudFront, pages and the API',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('IpFinancePortal'),
      rules: [
        // Rate limits first, so a flood is cut before the managed rules spend capacity on it.
        perIp('RatePerIp', WAF_RATE_LIMIT_PER_IP, 0),
        perIp('PublicRoutesRatePerIp', WAF_PUBLIC_RATE_LIMIT_PER_IP, 1, publicScope),
        ...managed,
      ],
    });

    // WAF logs go to a log group whose name starts with aws-waf-logs-, in the ACL's region, under a key of its own
    // (the portal's ops key lives in the portal's region). The Authorization header is redacted.
    const key = new kms.Key(this, 'LogsKey', {
      description: 'IP finance portal: WAF logs of the CloudFront web ACL',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // WAF requires this prefix; the rest is generated per stack so stages can share an account.
      logGroupName: `aws-waf-logs-${this.stackName}`,
      retention: props.retention,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The log group's ARN without the trailing `:*` CloudFormation's Arn attribute carries.
      logDestinationConfigs: [
        `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:${this.logGroup.logGroupName}`,
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
  }
}

/** The portal stack's parameter naming the web ACL above (global stages): CloudFront is associated with it. */
export function webAclParameter(stack: Stack): string {
  const arn = new CfnParameter(stack, 'WebAclArn', {
    type: 'String',
    default: '',
    description:
      'ARN of the CloudFront web ACL: the output WebAclArn of the stack IpFinancePortal-<stage>-Waf (us-east-1), ' +
      'which `cdk deploy --all` deploys first. Empty on the very first deployment: deploy again with it to attach.',
    allowedPattern: '^(arn:[a-z-]+:wafv2:us-east-1:\\d{12}:global/webacl/[^\\s]+)?$',
  });
  const attached = new CfnCondition(stack, 'HasWebAcl', {
    expression: Fn.conditionNot(Fn.conditionEquals(arn, '')),
  });
  return Fn.conditionIf(attached.logicalId, arn.valueAsString, Aws.NO_VALUE).toString();
}
