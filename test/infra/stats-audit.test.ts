/**
 * The weekly audit's fan-out (a state machine mapping over Scan segments) and the search indexer's stream mapping,
 * on the global sandbox and the China production stage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PortalStack } from '../../infra/portal-stack.js';
import { SEARCHED_ITEM_FILTER } from '../../infra/search-indexer.js';
import { AUDIT_CONCURRENCY, AUDIT_SEGMENTS } from '../../infra/stats-audit.js';
import { NO_BUNDLING, stage, TESTED_STAGES } from './stage-fixtures.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

function synth(stageName: string) {
  const app = new App({ context: NO_BUNDLING });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  const stack = new PortalStack(app, 'AuditTest', { stage: stage(stageName) });
  return { app, nag, template: Template.fromStack(stack) };
}

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
const statementsOfRole = (template: Template, roleId: string): Statement[] =>
  resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
const roleOf = (template: Template, fnId: string) =>
  (
    resources(template, 'AWS::Lambda::Function').find(([id]) => id === fnId)![1].Properties.Role as {
      'Fn::GetAtt': string[];
    }
  )['Fn::GetAtt'][0] as string;

/** The state machine's definition, with the function ARNs' tokens replaced by their logical ids. */
function definitionOf(machine: Resource): Record<string, unknown> {
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
  describe(`the weekly audit fans out (${stageName})`, () => {
    const { app, nag, template } = synth(stageName);
    // The stack's other state machine is the bulk import's (import-pipeline.test.ts).
    const machines = resources(template, 'AWS::StepFunctions::StateMachine');
    const [machineId, machine] = machines.find(([id]) => !id.startsWith('Imports'))!;
    const segmentFn = functionBy(template, 'reconcile-segment');
    const combineFn = functionBy(template, 'reconcile-stats');
    const definition = definitionOf(machine) as {
      StartAt: string;
      States: Record<string, Record<string, unknown>>;
    };

    it('maps over every segment number, one segment function invocation each, then combines', () => {
      expect(machines.map(([id]) => id.startsWith('Imports'))).toEqual(expect.arrayContaining([true, false]));
      expect(machines).toHaveLength(2);
      expect(definition.StartAt).toBe('Plan');
      const plan = definition.States.Plan!;
      expect(plan.Parameters).toEqual({ segments: [...Array(AUDIT_SEGMENTS).keys()] });
      expect(plan.Next).toBe('Segments');
      const map = definition.States.Segments!;
      expect(map).toMatchObject({
        Type: 'Map',
        ItemsPath: '$.segments',
        MaxConcurrency: AUDIT_CONCURRENCY,
        ItemSelector: {
          'run.$': '$$.Execution.Name',
          'startedAt.$': '$$.Execution.StartTime',
          totalSegments: AUDIT_SEGMENTS,
          'segment.$': '$$.Map.Item.Value',
        },
        Next: 'CombineAndCompare',
      });
      const inner = (map.ItemProcessor as { States: Record<string, Record<string, unknown>> }).States
        .ScanSegment!;
      expect(inner).toMatchObject({
        Type: 'Task',
        Parameters: { FunctionName: `<${segmentFn}>`, 'Payload.$': '$' },
        Retry: [expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 })],
      });
      expect(String(inner.Resource)).toMatch(/^arn:<.*>:states:::lambda:invoke$/);
      expect(definition.States.CombineAndCompare).toMatchObject({
        Type: 'Task',
        Parameters: {
          FunctionName: `<${combineFn}>`,
          Payload: {
            'run.$': '$$.Execution.Name',
            'startedAt.$': '$$.Execution.StartTime',
            totalSegments: 64,
          },
        },
        End: true,
      });
    });

    it('is started weekly by the schedule, which may start only it', () => {
      const schedule = resources(template, 'AWS::Scheduler::Schedule').find(
        ([, s]) =>
          JSON.stringify((s.Properties.Target as { Arn: unknown }).Arn) ===
          JSON.stringify({ Ref: machineId }),
      )?.[1];
      expect(schedule?.Properties).toMatchObject({
        ScheduleExpression: 'cron(0 2 ? * MON *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
      });
      const roleId = (schedule!.Properties.Target as { RoleArn: { 'Fn::GetAtt': string[] } }).RoleArn[
        'Fn::GetAtt'
      ][0]!;
      const starts = statementsOfRole(template, roleId).filter((s) =>
        asList(s.Action).includes('states:StartExecution'),
      );
      expect(starts).toEqual([
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: machineId } },
      ]);
    });

    it('lets only the segments Scan, and the machine invoke exactly the two functions', () => {
      const scans = (fnId: string) =>
        statementsOfRole(template, roleOf(template, fnId)).filter((s) =>
          asList(s.Action).includes('dynamodb:Scan'),
        );
      expect(scans(segmentFn)).toHaveLength(1);
      expect(scans(combineFn)).toEqual([]);
      const machineRole = (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
      const invokes = statementsOfRole(template, machineRole).filter((s) =>
        asList(s.Action).includes('lambda:InvokeFunction'),
      );
      expect(invokes.flatMap((s) => asList(s.Resource))).toEqual([
        { 'Fn::GetAtt': [segmentFn, 'Arn'] },
        { 'Fn::GetAtt': [combineFn, 'Arn'] },
      ]);
    });

    it('logs every execution and alarms on a failed one', () => {
      expect(machine.Properties.LoggingConfiguration).toMatchObject({
        Level: 'ALL',
        IncludeExecutionData: false,
      });
      const alarms = resources(template, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) =>
          a.Properties.MetricName === 'ExecutionsFailed' &&
          JSON.stringify(a.Properties.Dimensions).includes(`"Ref":"${machineId}"`),
      );
      expect(alarms).toHaveLength(1);
    });

    it('maps the stream to the search indexer, filtered to enterprises, rights and pledges', () => {
      const indexer = functionBy(template, 'search-indexer');
      const mapping = resources(template, 'AWS::Lambda::EventSourceMapping').find(
        ([, m]) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: indexer }),
      )?.[1];
      expect(mapping?.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 5,
      });
      const filters = (mapping!.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
      expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
        { dynamodb: { Keys: { sk: { S: ['ENT', 'ASSET', 'PLEDGE'] } } } },
      ]);
      expect(SEARCHED_ITEM_FILTER.dynamodb.Keys.sk.S).toEqual(['ENT', 'ASSET', 'PLEDGE']);
    });

    it('synthesises with cdk-nag clean and only resource types the region has', () => {
      expect(nag.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
      const report = readFileSync(join(app.synth().directory, 'validation-report.json'), 'utf8');
      expect(report).not.toMatch(/Resource type '[^']+' does not exist/);
    });
  });
