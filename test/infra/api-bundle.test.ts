import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PortalStack } from '../../infra/portal-stack.js';
import { createApp } from '../../shared/http/app.js';
import type { PortalDeps } from '../../shared/http/context.js';
import { pathWithinStage } from '../../shared/http/raw-path.js';
import { routeTable } from '../../shared/http/route.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { httpApiEvent, lambdaContext } from './lambda-event.js';
import { stage } from './stage-fixtures.js';

type Handler = (
  event: ReturnType<typeof httpApiEvent>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

/**
 * Bundles the API function exactly as `cdk synth` does (esbuild, ESM, minified, SDK included) and runs
 * the artefact against DynamoDB Local: proves the bundle loads (createRequire banner, ESM interop) and
 * reads its configuration from the environment the stack sets.
 */
describe('the bundled API function', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'portal-synth-'));
  let handler: Handler;
  let bundleBytes = 0;
  let assetDir = '';

  beforeAll(async () => {
    const app = new App({ outdir });
    new PortalStack(app, 'BundleTest', { stage: stage('dev') });
    app.synth();
    // The API function's asset directory is named by the hash its Code points at.
    const template = JSON.parse(readFileSync(join(outdir, 'BundleTest.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        {
          Type: string;
          Properties: { Code?: { S3Key?: string }; Environment?: { Variables?: Record<string, string> } };
        }
      >;
    };
    const api = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'portal-api',
    );
    const assetHash = String(api?.Properties.Code?.S3Key).replace(/\.zip$/, '');
    expect(readdirSync(outdir)).toContain(`asset.${assetHash}`);
    assetDir = join(outdir, `asset.${assetHash}`);
    const entry = join(assetDir, 'index.mjs');
    bundleBytes = statSync(entry).size;

    const endpoint = inject('dynamoEndpoint');
    const tableName = `bundle-${randomUUID()}`;
    await ensureTable(
      new DynamoDBClient({
        endpoint,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      tableName,
    );
    // What the stack sets, plus what Lambda itself provides (region, credentials); the SDK honours
    // the service-specific endpoint variable, which points it at DynamoDB Local.
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test',
      OIDC_CLIENT_ID: 'test-client',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    ({ handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler });
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is a minified ESM entry that holds no route module; route modules and the document lie beside it', () => {
    expect(bundleBytes).toBeGreaterThan(0);
    const files = readdirSync(assetDir);
    expect(files).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map', 'openapi.json']));
    const code = files.filter((f) => f.endsWith('.mjs'));
    for (const f of code) expect(files).toContain(`${f}.map`);
    // A route module's own text (an OpenAPI summary) is in a chunk, not in what every cold start compiles.
    const summary = 'Register a patent or trademark';
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).not.toContain(summary);
    expect(code.some((f) => readFileSync(join(assetDir, f), 'utf8').includes(summary))).toBe(true);
  });

  it('loads every route group on demand: each route answers an anonymous call as its access rule says', async () => {
    const routes = routeTable(await createApp({} as PortalDeps));
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) {
      const path = route.path.replaceAll(/\{[^}]+\}/g, 'x');
      const res = await handler(httpApiEvent(route.method, path), lambdaContext());
      if (route.access === 'public')
        expect(res.statusCode, `${route.method} ${route.path}`).toBeLessThan(500);
      else expect(res.statusCode, `${route.method} ${route.path}`).toBe(401);
    }
    // The manifest answers what no route group serves: 405 with Allow, or 404.
    const wrongMethod = await handler(httpApiEvent('DELETE', '/healthz'), lambdaContext());
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow ?? wrongMethod.headers.Allow).toBe('GET');
    expect((await handler(httpApiEvent('GET', '/no-such-route'), lambdaContext())).statusCode).toBe(404);
  });

  it('refuses a path with a dot segment as API Gateway received it, before routing', async () => {
    const res = await handler(httpApiEvent('GET', '/claims/%2e%2e/healthz'), lambdaContext());
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body).errors[0].code).toBe('dot_segment');
  });

  it('routes on the path within the named stage, as API Gateway forwards it from CloudFront’s /api/*', async () => {
    const event = httpApiEvent('GET', '/api/healthz');
    const staged = { ...event, requestContext: { ...event.requestContext, stage: 'api' } };
    const res = await handler(staged, lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    const dotted = { ...staged, rawPath: '/api/claims/%2e%2e/healthz' };
    expect((await handler(dotted, lambdaContext())).statusCode).toBe(400);
  });

  it('takes only the stage’s own prefix off the path', () => {
    expect(pathWithinStage('/api/pledges/p-1', 'api')).toBe('/pledges/p-1');
    expect(pathWithinStage('/api', 'api')).toBe('/');
    expect(pathWithinStage('/apiary', 'api')).toBe('/apiary');
    expect(pathWithinStage('/pledges', 'api')).toBe('/pledges');
    expect(pathWithinStage('/api/pledges', '$default')).toBe('/api/pledges');
    expect(pathWithinStage('/api/pledges', undefined)).toBe('/api/pledges');
  });

  it('answers GET /healthz from the table named in TABLE_NAME', async () => {
    const res = await handler(httpApiEvent('GET', '/healthz'), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document', async () => {
    const res = await handler(httpApiEvent('GET', '/openapi.json'), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ openapi: '3.1.0' });
  });

  it('serves the API reference with the Swagger UI files it carries beside itself', async () => {
    expect(readdirSync(join(assetDir, 'docs')).sort()).toEqual(['swagger-ui-bundle.js', 'swagger-ui.css']);
    const page = await handler(httpApiEvent('GET', '/docs'), lambdaContext());
    expect(page.statusCode).toBe(200);
    for (const file of ['docs/swagger-ui.css', 'docs/swagger-ui-bundle.js', 'docs/init.js']) {
      expect(page.body).toContain(`"${file}"`);
      const res = await handler(httpApiEvent('GET', `/${file}`), lambdaContext());
      expect(res.statusCode, file).toBe(200);
      expect(res.body.length, file).toBeGreaterThan(100);
    }
  });

  it('verifies tokens itself: no token on a protected route is a 401 problem', async () => {
    const res = await handler(httpApiEvent('GET', '/institutions/bank-1'), lambdaContext());
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
