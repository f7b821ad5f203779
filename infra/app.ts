import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildWeb } from '../scripts/build-web.js';
import { PortalStack } from './portal-stack.js';
import { resolveStage } from './stages.js';

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
// The web pages `cdk deploy` uploads: one build for every stage (its config.json comes from the stack).
const webBuild = fileURLToPath(new URL('../.build/web', import.meta.url));
await buildWeb({ outDir: webBuild, log: (line) => process.stderr.write(`${line}\n`) });
const stack = new PortalStack(app, `IpFinancePortal-${stage.name}`, {
  stage,
  webBuild,
  ...(emailFrom ? { emailFrom } : {}),
  description: `IP finance portal (${stage.name}, ${stage.region})`,
});
Tags.of(stack).add('project', 'ip-finance-portal');
Tags.of(stack).add('stage', stage.name);

app.synth();
