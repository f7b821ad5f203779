import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_SECRET_ENV } from '../../shared/runtime/origin-verify.js';
import { httpApiEvent, lambdaContext } from './lambda-event.js';

/**
 * The API function as deployed behind CloudFront (functions/api.ts): with the origin-verify secret configured, a
 * request without CloudFront's header is refused before the app sees it; with it, the app answers.
 */
type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; body: string; headers: Record<string, string> }>;

describe('the API function behind CloudFront', () => {
  const secrets = mockClient(SecretsManagerClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  const saved = { ...process.env };
  let handler: Handler;

  beforeAll(async () => {
    Object.assign(process.env, {
      TABLE_NAME: 'portal-table',
      OIDC_ISSUER: 'https://idp.city.example.cn',
      OIDC_CLIENT_ID: 'portal',
      [ORIGIN_VERIFY_SECRET_ENV]: 'arn:aws-cn:secretsmanager:cn-northwest-1:333333333333:secret:ov-abc',
      AWS_REGION: 'cn-northwest-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'cloudfront-only-value' });
    ddb.on(GetCommand).resolves({});
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.resetModules();
    ({ handler } = (await import('../../functions/api.js')) as unknown as { handler: Handler });
  });
  afterAll(() => {
    process.env = saved;
    secrets.restore();
    ddb.restore();
    vi.restoreAllMocks();
  });

  it('refuses a request without the header, or with a wrong one, with 403 and no database read', async () => {
    for (const headers of [{}, { [ORIGIN_VERIFY_HEADER]: 'guess' }] as Record<string, string>[]) {
      const res = await handler(httpApiEvent('GET', '/healthz', { headers }), lambdaContext());
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 403, title: 'Forbidden' });
    }
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).toBe(
      process.env[ORIGIN_VERIFY_SECRET_ENV],
    );
  });

  it('serves a request that carries CloudFront’s header', async () => {
    const res = await handler(
      httpApiEvent('GET', '/healthz', { headers: { [ORIGIN_VERIFY_HEADER]: 'cloudfront-only-value' } }),
      lambdaContext(),
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });
});
