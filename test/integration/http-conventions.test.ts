import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/domain/clock.js';
import type { RequestLogEntry } from '../../shared/http/context.js';
import { routeTable } from '../../shared/http/route.js';
import { READINESS_TTL_MS } from '../../shared/http/routes/system.js';
import { loggingClient } from '../support/command-log.js';
import { type CallResult, createTestPortal, type TestPortal } from '../support/portal.js';

/** The contract's cross-cutting HTTP conventions, checked through the real app. */
const office = { role: 'ipoffice' as const };
const STACK_TRACE = /\bat .+\.(?:ts|js|mjs|cjs):\d+|node_modules|Error: /;

function expectProblem(res: CallResult, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
  expect(typeof res.body.detail).toBe('string');
  expect(JSON.stringify(res.body)).not.toMatch(STACK_TRACE);
}

describe('HTTP conventions', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await createTestPortal();
  });

  it('answers an unknown route with 404 problem+json', async () => {
    expectProblem(await portal.call('GET', '/no-such-thing', { as: office }), 404);
    expectProblem(await portal.call('GET', '/no-such-thing'), 404);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await portal.call('DELETE', '/institutions', { as: office });
    expectProblem(res, 405);
    expect(res.headers.get('allow')?.split(', ')).toContain('GET');
    const onItem = await portal.call('PATCH', '/institutions/some-bank', { as: office });
    expectProblem(onItem, 405);
    expect(onItem.headers.get('allow')?.split(', ')).toContain('PUT');
  });

  it('answers a trailing slash with 404, never a 405 that contradicts itself', async () => {
    for (const path of [
      '/claims/',
      '/pledges/',
      '/policies/',
      '/designations/',
      '/institutions/',
      '/enterprises/',
      '/stats/',
    ]) {
      const res = await portal.call('GET', path, { as: office });
      expectProblem(res, 404);
      expect(res.headers.get('allow'), path).toBeNull();
    }
  });

  it('reads numbers in a query only in decimal digits: 0x10, 1e1, +5 are a 400 naming the field', async () => {
    for (const limit of ['0x10', '1e1', '+5', ' 5', '5.0', '-1', '0', '101']) {
      const res = await portal.call('GET', `/institutions?limit=${encodeURIComponent(limit)}`, {
        as: office,
      });
      expectProblem(res, 400);
      expect(res.body.errors[0].path, limit).toMatch(/limit/);
    }
    expect((await portal.call('GET', '/institutions?limit=10', { as: office })).status).toBe(200);
    expectProblem(await portal.call('GET', '/programmes/interest-subsidy?year=2e3', { as: office }), 400);
  });

  it('gives every validation item a stable code and its parameters beside the English message', async () => {
    const res = await portal.call('PUT', '/institutions/coded-bank', {
      as: office,
      body: { kind: 'broker', name: 'x'.repeat(201) },
    });
    expectProblem(res, 400);
    const byPath = Object.fromEntries(res.body.errors.map((e: { path: string }) => [e.path, e]));
    expect(byPath.name).toMatchObject({
      code: 'too_big',
      params: { maximum: 200 },
      message: expect.any(String),
    });
    expect(byPath.kind).toMatchObject({ code: 'invalid_value', params: { values: 'lender, insurer' } });
  });

  it('refuses control characters (NUL, line breaks) in names with 400, storing nothing', async () => {
    for (const name of ['Bank\u0000One', 'Bank\nOne', 'Bank\u007fOne']) {
      const res = await portal.call('PUT', '/institutions/ctl-bank', {
        as: office,
        body: { kind: 'lender', name },
      });
      expectProblem(res, 400);
      expect(res.body.errors[0].path).toBe('name');
    }
    expect((await portal.call('GET', '/institutions/ctl-bank', { as: office })).status).toBe(404);
  });

  it('refuses a declared Content-Length over 64 KiB before reading a byte, and a broken upload with 400', async () => {
    const token = await portal.token('ipoffice', null);
    const never = new ReadableStream({ pull: () => new Promise(() => {}) }); // bytes that never come
    const declared = await portal.app.request(
      new Request('http://portal/institutions/big-bank', {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': '1000000',
        },
        body: never,
        duplex: 'half',
      } as RequestInit),
    );
    expect(declared.status).toBe(413);
    const faults: unknown[] = [];
    const watched = await createTestPortal({ logFault: (e) => faults.push(e) });
    const broken = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"kind":"lend'));
        controller.error(new Error('client went away'));
      },
    });
    const aborted = await watched.app.request(
      new Request('http://portal/institutions/half-bank', {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${await watched.token('ipoffice', null)}`,
          'Content-Type': 'application/json',
        },
        body: broken,
        duplex: 'half',
      } as RequestInit),
    );
    expect(aborted.status).toBe(400);
    expect(faults).toEqual([]);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const body = JSON.stringify({ kind: 'lender', name: 'x'.repeat(65 * 1024) });
    const res = await portal.call('PUT', '/institutions/big-bank', { as: office, body });
    expectProblem(res, 413);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await portal.call('PUT', '/institutions/broken', { as: office, body: '{"kind": "lender",' });
    expectProblem(res, 400);
  });

  it('refuses a non-JSON content type with 415, and no body with 400', async () => {
    const res = await portal.call('PUT', '/institutions/texty', {
      as: office,
      body: 'kind=lender&name=Texty',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    // JSON in and out (API.md): a body of another media type is 415 Unsupported Media Type (RFC 9110 §15.5.16).
    expectProblem(res, 415);
    const none = await portal.call('PUT', '/institutions/texty', { as: office });
    expectProblem(none, 400);
    // Nothing was created by either attempt.
    expectProblem(await portal.call('GET', '/institutions/texty', { as: office }), 404);
  });

  it.each(['0', '101', 'abc', '2.5', '-1'])('refuses limit=%s with 400 naming query.limit', async (limit) => {
    const res = await portal.call('GET', `/institutions?limit=${limit}`, { as: office });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'query.limit', message: expect.any(String) })]),
    );
  });

  it('accepts limit at both ends of its range', async () => {
    expect((await portal.call('GET', '/institutions?limit=1', { as: office })).status).toBe(200);
    expect((await portal.call('GET', '/institutions?limit=100', { as: office })).status).toBe(200);
  });

  it('refuses unknown query parameters and a forged cursor with 400', async () => {
    expectProblem(await portal.call('GET', '/institutions?colour=red', { as: office }), 400);
    expectProblem(await portal.call('GET', '/institutions?cursor=bm90LWEtY3Vyc29y', { as: office }), 400);
  });

  it('answers /healthz with 200 without a token', async () => {
    const res = await portal.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('marks every answer not to be cached, sniffed or read cross-origin; the reference’s scripts stay cacheable', async () => {
    const answers = [
      await portal.call('GET', '/healthz'),
      await portal.call('GET', '/institutions', { as: office }),
      await portal.call('GET', '/institutions'), // 401
      await portal.call('GET', '/no-such-route'), // 404
      await portal.call('DELETE', '/healthz'), // 405
      await portal.call('GET', '/institutions?colour=red', { as: office }), // 400
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 405, 400]);
    for (const res of answers) {
      expect(res.headers.get('cache-control'), String(res.status)).toBe('no-store');
      expect(res.headers.get('x-content-type-options'), String(res.status)).toBe('nosniff');
      expect(res.headers.get('cross-origin-resource-policy'), String(res.status)).toBe('same-origin');
    }
    const script = await portal.call('GET', '/docs/init.js');
    expect(script.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('logs each request with its caller (subject, organisation) and the path it named, never the token', async () => {
    const entries: RequestLogEntry[] = [];
    const logged = await createTestPortal({ logRequest: (e) => entries.push(e) });
    const bank = { role: 'lender' as const, org: 'log-bank' };
    const token = await logged.token(bank.role, bank.org);
    const res = await logged.call('GET', '/institutions/log-bank', { as: bank });
    expect(res.status).toBe(404);
    await logged.call('GET', '/healthz');
    expect(entries).toEqual([
      expect.objectContaining({
        method: 'GET',
        route: '/institutions/:id',
        path: '/institutions/log-bank',
        status: 404,
        role: 'lender',
        sub: expect.stringMatching(/.+/),
        org: 'log-bank',
      }),
      expect.objectContaining({ path: '/healthz', status: 200, role: null, sub: null, org: null }),
    ]);
    expect(JSON.stringify(entries)).not.toContain(token);
    expect(JSON.stringify(entries)).not.toContain(token.split('.')[2]!);
  });

  it('reads the database for /healthz at most once per 15 seconds, however many ask', async () => {
    const log = loggingClient();
    let instant = new Date('2026-06-01T02:00:00Z');
    const watched = await createTestPortal({ db: log.db, clock: systemClock(() => instant) });
    log.take();
    for (let k = 0; k < 25; k++) expect((await watched.call('GET', '/healthz')).status).toBe(200);
    expect(log.take()).toEqual(['GetItemCommand']);
    instant = new Date(instant.getTime() + READINESS_TTL_MS - 1);
    await watched.call('GET', '/healthz');
    expect(log.take()).toEqual([]);
    instant = new Date(instant.getTime() + 1);
    await watched.call('GET', '/healthz');
    expect(log.take()).toEqual(['GetItemCommand']);
  });

  it('answers 503 with Retry-After while the database cannot be reached, checking again at every call', async () => {
    const dead = loggingClient('http://127.0.0.1:9'); // nothing listens on the discard port
    const down = await createTestPortal({ db: dead.db });
    dead.take();
    for (let k = 0; k < 2; k++) {
      const res = await down.call('GET', '/healthz');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(dead.take()).toContain('GetItemCommand');
    }
  });

  it('serves an OpenAPI 3.1 document that lists every registered route', async () => {
    const res = await portal.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    const routes = routeTable(portal.app);
    expect(routes.length).toBeGreaterThan(4);
    for (const route of routes) {
      const operation = res.body.paths?.[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path} in /openapi.json`).toBeDefined();
      expect(operation['x-roles']).toEqual(
        typeof route.access === 'string' ? [route.access] : [...route.access],
      );
      expect(operation.responses).toBeDefined();
    }
  });

  it('serves /docs as Swagger UI whose every file the API serves itself, under a CSP of self', async () => {
    const res = await portal.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = res.body as string;
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/<script>|<style|https?:|\/\//i);
    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).sort();
    expect(files).toEqual([
      'docs/init.js',
      'docs/swagger-ui-bundle.js',
      'docs/swagger-ui.css',
      'openapi.json',
    ]);
    for (const file of files.filter((f) => f.startsWith('docs/'))) {
      const asset = await portal.call('GET', `/${file}`);
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get('content-type'), file).toMatch(
        file.endsWith('.css') ? /^text\/css/ : /^text\/javascript/,
      );
      expect(String(asset.body).length, file).toBeGreaterThan(100);
    }
    // The start-up script turns off the validator badge, Swagger UI's one call to another site.
    expect(String((await portal.call('GET', '/docs/init.js')).body)).toContain('validatorUrl: null');
  });

  it('serves no other file under /docs: 400 naming the parameter', async () => {
    for (const file of ['index.html', 'package.json', '..%2Fpackage.json', 'swagger-ui-bundle.js.map']) {
      const res = await portal.call('GET', `/docs/${file}`);
      expect(res.status, file).toBe(400);
      expect(res.body.errors[0].path, file).toBe('param.file');
    }
  });
});
