/**
 * The bulk import deployed: a state machine per stage (the global sandbox and the China production stage) that
 * prepares the file, maps over its batches with a Distributed Map, and finishes; and the least privilege of each
 * part: which function reads and writes which objects, what the machine may invoke and read, what the API may start.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IMPORT_MAP_CONCURRENCY } from '../../infra/import-pipeline.js';
import { PortalStack } from '../../infra/portal-stack.js';
import { NO_BUNDLING, stage, TESTED_STAGES } from './stage-fixtures.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

const resources = (template: Template, type: string) =>
  Object.entries(template.findResources(type) as Record<string, Resource>);
const functionBy = (template: Template, serviceName: string): string => {
  const found = resources(template, 'AWS::Lambda::Function').filter(
    ([, fn]) =>
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
        .POWERTOOLS_SERVICE_NAME === serviceName,
  );
  expect(found, serviceName).toHaveLength(1);
  return found[0]![0];
};
const roleOf = (template: Template, fnId: string) =>
  (
    resources(template, 'AWS::Lambda::Function').find(([id]) => id === fnId)![1].Properties.Role as {
      'Fn::GetAtt': string[];
    }
  )['Fn::GetAtt'][0] as string;
const statementsOfRole = (template: Template, roleId: string): Statement[] =>
  resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
/** Object statements of a role as `action → [pattern]`, the bucket's ARN token written `<bucket>`. */
const objectGrants = (template: Template, roleId: string, bucketId: string) =>
  statementsOfRole(template, roleId)
    .filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')))
    .map((s) => [
      asList(s.Action).join(','),
      asList(s.Resource).map((r) =>
        JSON.stringify(r)
          .replace(`{"Fn::Join":["",[{"Fn::GetAtt":["${bucketId}","Arn"]},"/`, '<bucket>/')
          .replace(/"\]\]\}$/, ''),
      ),
    ]);

function definitionOf(machine: Resource): {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
} {
  const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((p) =>
      typeof p === 'string'
        ? p
        : 'Fn::GetAtt' in (p as object)
          ? `<${(p as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]}>`
          : `<${Object.values(p as object)[0]}>`,
    )
    .join('');
  return JSON.parse(text);
}

for (const stageName of TESTED_STAGES)
  describe(`bulk import on Step Functions (${stageName})`, () => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new PortalStack(app, 'ImportTest', { stage: stage(stageName) });
    const template = Template.fromStack(stack);
    const [machineId, machine] = resources(template, 'AWS::StepFunctions::StateMachine').find(([id]) =>
      id.startsWith('Imports'),
    )!;
    const definition = definitionOf(machine);
    const prepareFn = functionBy(template, 'import-prepare');
    const batchFn = functionBy(template, 'import-batch');
    const finishFn = functionBy(template, 'import-finish');
    const bucketId = stack.getLogicalId(stack.files.bucket.node.defaultChild as never);
    const apiFn = stack.getLogicalId(stack.apiFunction.function.node.defaultChild as never);

    it('prepares, maps over the manifest with a Distributed Map, one batch invocation per item, then finishes', () => {
      expect(definition.StartAt).toBe('Prepare');
      expect(definition.States.Prepare).toMatchObject({
        Type: 'Task',
        Parameters: { FunctionName: `<${prepareFn}>`, Payload: { 'importId.$': '$.importId' } },
        Next: 'Read?',
      });
      expect(definition.States['Read?']).toMatchObject({
        Type: 'Choice',
        Choices: [{ Variable: '$.batches', NumericGreaterThan: 0, Next: 'Batches' }],
        Default: 'Unreadable',
      });
      expect(definition.States.Unreadable).toMatchObject({ Type: 'Succeed' });
      const map = definition.States.Batches!;
      expect(map).toMatchObject({
        Type: 'Map',
        MaxConcurrency: IMPORT_MAP_CONCURRENCY,
        ResultPath: null,
        ItemReader: {
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: `<${bucketId}>`, 'Key.$': '$.manifestKey' },
        },
        Next: 'Finish',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'FinishFailed' }],
      });
      expect(String((map.ItemReader as { Resource: string }).Resource)).toMatch(
        /^arn:<.*>:states:::s3:getObject$/,
      );
      const processor = map.ItemProcessor as {
        ProcessorConfig: unknown;
        StartAt: string;
        States: Record<string, Record<string, unknown>>;
      };
      expect(processor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(processor.States.ApplyBatch).toMatchObject({
        Type: 'Task',
        Parameters: {
          FunctionName: `<${batchFn}>`,
          Payload: { 'importId.$': '$.importId', 'index.$': '$.index', 'key.$': '$.key' },
        },
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 4 }],
        End: true,
      });
      expect(definition.States.Finish).toMatchObject({
        Parameters: { FunctionName: `<${finishFn}>`, Payload: { 'importId.$': '$.importId' } },
        End: true,
      });
      expect(definition.States.FinishFailed).toMatchObject({
        Parameters: {
          FunctionName: `<${finishFn}>`,
          Payload: { 'importId.$': '$.importId', 'error.$': '$.error' },
        },
        End: true,
      });
    });

    it('lets the machine invoke exactly its three functions and read only the manifests', () => {
      const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
      const invokes = statementsOfRole(template, roleId).filter((s) =>
        asList(s.Action).includes('lambda:InvokeFunction'),
      );
      expect(invokes.flatMap((s) => asList(s.Resource))).toEqual([
        { 'Fn::GetAtt': [prepareFn, 'Arn'] },
        { 'Fn::GetAtt': [batchFn, 'Arn'] },
        { 'Fn::GetAtt': [finishFn, 'Arn'] },
      ]);
      expect(objectGrants(template, roleId, bucketId)).toEqual([
        ['s3:GetObject', ['<bucket>/imports/*/manifest.json']],
      ]);
    });

    it('gives each function exactly the objects it reads and writes', () => {
      expect(objectGrants(template, roleOf(template, prepareFn), bucketId)).toEqual([
        ['s3:GetObject', ['<bucket>/imports/*/source']],
        ['s3:PutObject', ['<bucket>/imports/*/batches/*', '<bucket>/imports/*/manifest.json']],
      ]);
      expect(objectGrants(template, roleOf(template, batchFn), bucketId)).toEqual([
        ['s3:GetObject', ['<bucket>/imports/*/batches/*']],
      ]);
      expect(objectGrants(template, roleOf(template, finishFn), bucketId)).toEqual([
        ['s3:PutObject', ['<bucket>/imports/*/errors.csv']],
      ]);
      // None of them scans the table.
      for (const fn of [prepareFn, batchFn, finishFn])
        expect(
          statementsOfRole(template, roleOf(template, fn)).filter((s) =>
            asList(s.Action).includes('dynamodb:Scan'),
          ),
        ).toEqual([]);
    });

    it('lets the API start executions of this machine only, sign the import upload and read what it checks', () => {
      const api = roleOf(template, apiFn);
      const starts = statementsOfRole(template, api).filter((s) =>
        asList(s.Action).includes('states:StartExecution'),
      );
      expect(starts).toEqual([
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: machineId } },
      ]);
      // The files bucket's one grant to the API (infra/file-storage.ts): its two prefixes, never the whole bucket.
      expect(objectGrants(template, api, bucketId)).toEqual([
        ['s3:GetObject,s3:PutObject,s3:DeleteObject', ['<bucket>/documents/*', '<bucket>/imports/*']],
        ['s3:GetObjectVersion', ['<bucket>/documents/*']],
        ['s3:ListBucket', [JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] })]],
      ]);
      const env = (
        resources(template, 'AWS::Lambda::Function').find(([id]) => id === apiFn)![1].Properties
          .Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(env.IMPORT_STATE_MACHINE_ARN).toEqual({ Ref: machineId });
      expect(env.FILES_BUCKET).toEqual({ Ref: bucketId });
    });

    it('keeps the files private, encrypted and behind TLS, and alarms on a failed import', () => {
      const bucket = resources(template, 'AWS::S3::Bucket').find(([id]) => id === bucketId)![1];
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: expect.anything(),
      });
      const alarms = resources(template, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) =>
          a.Properties.MetricName === 'ExecutionsFailed' &&
          JSON.stringify(a.Properties.Dimensions).includes(`"Ref":"${machineId}"`),
      );
      expect(alarms).toHaveLength(1);
    });
  });
