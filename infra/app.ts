import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PortalStack } from './portal-stack.js';

/** Stage names become part of the stack name; keep them short and DNS-safe. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!STAGE_PATTERN.test(stage))
  throw new Error(
    `Invalid stage "${stage}": use 1–16 lower-case letters, digits or hyphens (e.g. -c stage=dev).`,
  );

// Every finding must be fixed or acknowledged with a reason where it arises; synth fails otherwise.
// Acknowledgements are also written into the template's Metadata, so the deployed stack shows them.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));

// `-c emailFrom=notify@example.cn`: a sender verified in SES, for users who opt in to e-mail (global regions only).
const emailFrom = app.node.tryGetContext('emailFrom') as string | undefined;
const stack = new PortalStack(app, `IpFinancePortal-${stage}`, {
  stage,
  ...(emailFrom ? { emailFrom } : {}),
  description: `IP finance portal (${stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Tags.of(stack).add('project', 'ip-finance-portal');
Tags.of(stack).add('stage', stage);

app.synth();
