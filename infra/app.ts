import { App, type Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildWeb, WEB_DIST, webBuildIsStale } from '../scripts/build-web.js';
import { BackupCopyStack } from './backup-copy.js';
import { PortalStack, PUBLIC_ROUTES } from './portal-stack.js';
import { resolveStage } from './stages.js';
import { EdgeWafStack } from './waf.js';
import { API_PATH_PREFIX } from './web-hosting.js';

const app = new App();
// `-c stage=prod`: the stage's account comes from its variable (e.g. PORTAL_PROD_ACCOUNT), its region and
// partition from infra/stages.ts; an unknown stage or a missing account fails here, before anything is built.
const stage = resolveStage(String(app.node.tryGetContext('stage') ?? 'dev'), process.env);

// Every finding must be fixed or acknowledged with a reason where it arises; synth fails otherwise.
// Acknowledgements are also written into the template's Metadata, so the deployed stack shows them.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);

// `-c emailFrom=notify@example.org`: a sender verified in SES, for users who opt in to e-mail (stages with mail "ses").
const emailFrom = app.node.tryGetContext('emailFrom') as string | undefined;
// The web pages `cdk deploy` uploads: the same build `npm start` serves, one for every stage (its config.json
// comes from the stack). Rebuilt only when missing or older than its sources (scripts/build-web.ts), so a `cdk diff`
// after an unchanged build costs nothing; the infra tests pass no build at all (a placeholder page stands in).
if (webBuildIsStale()) await buildWeb({ log: (line) => process.stderr.write(`${line}\n`) });
const webBuild = WEB_DIST;
const stack = new PortalStack(app, `IpFinancePortal-${stage.name}`, {
  stage,
  webBuild,
  ...(emailFrom ? { emailFrom } : {}),
  description: `IP finance portal (${stage.name}, ${stage.region})`,
});
// `cdk deploy --all` deploys the stacks the portal stack depends on first: the vault for the backup copies, in the
// stage's second region (infra/backup-copy.ts), and, in the global partition only, the CloudFront web ACL in
// us-east-1 (infra/waf.ts), whose ARN the portal stack takes as its WebAclArn parameter.
const backupCopy = new BackupCopyStack(app, `IpFinancePortal-${stage.name}-BackupCopy`, stage);
stack.addDependency(backupCopy);
const stacks: Stack[] = [stack, backupCopy];
if (stage.partition === 'aws') {
  const waf = new EdgeWafStack(app, `IpFinancePortal-${stage.name}-Waf`, {
    account: stage.account,
    publicPaths: PUBLIC_ROUTES.map((path) => `${API_PATH_PREFIX}${path}`),
    retention: stage.logRetention,
    description: `IP finance portal (${stage.name}): the CloudFront web ACL`,
  });
  stack.addDependency(waf);
  stacks.push(waf);
}
for (const s of stacks) {
  Tags.of(s).add('project', 'ip-finance-portal');
  Tags.of(s).add('stage', stage.name);
}

app.synth();
