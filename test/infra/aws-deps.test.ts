import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handle } from 'hono/aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import {
  awsDeps,
  readAwsSettings,
  requestLogging,
  withRequestContext,
} from '../../shared/runtime/aws-deps.js';
import { httpApiEvent, lambdaContext } from './lambda-event.js';

const ENV = {
  TABLE_NAME: 'portal-table',
  OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/',
  OIDC_CLIENT_ID: 'client-123',
};

describe('readAwsSettings', () => {
  it('reads the table, issuer (without a trailing slash) and audience', () => {
    expect(readAwsSettings(ENV)).toEqual({
      tableName: 'portal-table',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
      audience: 'client-123',
      malwareScan: false,
    });
  });

  it('reads the import state machine, whose executions run started imports', () => {
    expect(
      readAwsSettings({
        ...ENV,
        IMPORT_STATE_MACHINE_ARN: ' arn:aws-cn:states:cn-northwest-1:1:stateMachine:x ',
      }),
    ).toMatchObject({ importStateMachineArn: 'arn:aws-cn:states:cn-northwest-1:1:stateMachine:x' });
  });

  it('names every missing variable at once', () => {
    expect(() => readAwsSettings({ TABLE_NAME: ' ' })).toThrow(
      'Missing environment variable(s): TABLE_NAME, OIDC_ISSUER, OIDC_CLIENT_ID',
    );
  });

  it('rejects an issuer that is not an https URL', () => {
    expect(() => readAwsSettings({ ...ENV, OIDC_ISSUER: 'http://cognito.local/pool' })).toThrow(
      /OIDC_ISSUER must be an https URL/,
    );
  });
});

describe('the Lambda handler as composed for AWS', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  let output: string[];

  beforeEach(() => {
    ddb.reset();
    output = [];
    // Powertools writes INFO to stdout and ERROR to stderr; keep both.
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk) => {
        output.push(String(chunk));
        return true;
      });
  });
  afterEach(() => vi.restoreAllMocks());

  const buildHandler = async () => {
    const logger = new Logger({ serviceName: 'portal-api', logLevel: 'INFO' });
    const deps = awsDeps({ settings: readAwsSettings(ENV), logger });
    return { deps, handler: withRequestContext(logger, handle(await createApp(deps))) };
  };
  const logLines = () =>
    output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));

  it('serves /healthz from the configured table and logs one structured line with both request ids', async () => {
    ddb.on(GetCommand).resolves({});
    const { deps, handler } = await buildHandler();
    expect(deps.tableName).toBe('portal-table');

    const res = await handler(httpApiEvent('GET', '/healthz', { requestId: 'gw-42' }), lambdaContext('fn-7'));

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.TableName).toBe('portal-table');
    const [line, ...rest] = logLines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'Request handled',
      service: 'portal-api',
      method: 'GET',
      route: '/healthz',
      path: '/healthz',
      status: 200,
      role: 'anonymous',
      durationMs: expect.any(Number),
      apiRequestId: 'gw-42',
      function_request_id: 'fn-7',
    });
  });

  it('logs requests that no route serves and requests that fail, one line each', async () => {
    const { handler } = await buildHandler();
    expect((await handler(httpApiEvent('GET', '/no-such-route'), lambdaContext())).statusCode).toBe(404);
    expect((await handler(httpApiEvent('DELETE', '/healthz'), lambdaContext())).statusCode).toBe(405);
    expect((await handler(httpApiEvent('GET', '/institutions/x'), lambdaContext())).statusCode).toBe(401);
    expect(logLines().map((l) => [l.method, l.route, l.path, l.status])).toEqual([
      ['GET', '*', '/no-such-route', 404],
      ['DELETE', '*', '/healthz', 405],
      ['GET', '/institutions/:id', '/institutions/x', 401],
    ]);
    // No caller was verified: no subject or organisation is logged.
    for (const line of logLines()) expect(line).not.toHaveProperty('sub');
  });

  it('answers 401 to a bad token and never logs the token or the body', async () => {
    const { handler } = await buildHandler();
    const token = 'not-a-jwt.secret-part.sig';
    const body = JSON.stringify({ name: 'Confidential Bank' });

    const res = await handler(
      httpApiEvent('PUT', '/institutions/bank-1', {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
        requestId: 'gw-43',
      }),
      lambdaContext('fn-8'),
    );

    expect(res.statusCode).toBe(401);
    expect(logLines()).toEqual([expect.objectContaining({ status: 401, apiRequestId: 'gw-43' })]);
    const logged = output.join('');
    expect(logged).not.toContain('secret-part');
    expect(logged).not.toContain('Confidential');
  });

  it('answers 503 when DynamoDB is unreachable, and still logs the outcome', async () => {
    ddb.on(GetCommand).rejects(new Error('socket hang up'));
    const { handler } = await buildHandler();

    const res = await handler(httpApiEvent('GET', '/healthz', { requestId: 'gw-44' }), lambdaContext());

    expect(res.statusCode).toBe(503);
    expect(logLines().at(-1)).toMatchObject({
      message: 'Request handled',
      status: 503,
      apiRequestId: 'gw-44',
    });
  });

  it('logs a fault as an ERROR line with the method, path and error, nothing else from the request', () => {
    const logger = new Logger({ serviceName: 'portal-api', logLevel: 'INFO' });
    requestLogging(logger).logFault!(new TypeError('x is undefined'), { method: 'POST', path: '/pledges' });
    expect(logLines()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Unhandled fault',
        method: 'POST',
        path: '/pledges',
        error: expect.objectContaining({ name: 'TypeError', message: 'x is undefined' }),
      }),
    ]);
  });

  it('does not carry one invocation’s API request id into the next', async () => {
    ddb.on(GetCommand).resolves({});
    const { handler } = await buildHandler();
    await handler(httpApiEvent('GET', '/healthz', { requestId: 'gw-first' }), lambdaContext());
    output = [];
    const { requestContext, ...withoutContext } = httpApiEvent('GET', '/healthz');
    await handler(
      { ...withoutContext, requestContext: { ...requestContext, requestId: '' } },
      lambdaContext(),
    );
    expect(logLines()[0]?.apiRequestId).toBeUndefined();
  });
});
