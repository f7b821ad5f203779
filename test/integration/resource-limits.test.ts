/**
 * Resource limits, driven by the served OpenAPI document: body size (64 KiB, however the body arrives),
 * `limit` on every list, and every documented `maxLength`/`maxItems` of every request body.
 * A new route is covered as soon as it is documented.
 */
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/principal.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { createApp } from '../../shared/http/app.js';
import type { PortalDeps } from '../../shared/http/context.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { MAX_BODY_BYTES } from '../../shared/http/route.js';
import {
  type Hint,
  type OpenApiDoc,
  type Operation,
  objectBranches,
  operationsOf,
  queryParamsOf,
  requestSchemaOf,
  type Schema,
  sampleValue,
  tableChecksum,
} from '../support/openapi.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const first17 = '91330782MA2L00001';
const A = withUsccCheck(first17);
const ORG: Record<Role, string | null> = {
  enterprise: A,
  lender: 'rl-bank',
  insurer: 'rl-insurer',
  ipoffice: null,
};

const doc = openApiDocument(await createApp({} as PortalDeps)) as unknown as OpenApiDoc;
const operations = operationsOf(doc);
const withBody = operations.filter((o) => requestSchemaOf(doc, o.op));
const lists = operations.filter((o) => queryParamsOf(doc, o.op).some((p) => p.name === 'limit'));

/** A caller the route admits: validation runs only after the role check (anyone signed in: the office). */
const callerFor = (o: Operation) => {
  const roles = (o.op['x-roles'] ?? []) as string[];
  const role = roles.includes('signedIn') ? 'ipoffice' : (roles.find((r) => r in ORG) as Role | undefined);
  return role ? { role, org: ORG[role] } : null;
};

/** Path parameters that pass their own validation, so the body is what gets judged. */
const fillPath = (path: string) =>
  path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === 'uscc'
      ? A
      : name === 'date'
        ? '2026-01-01'
        : name === 'n'
          ? '1'
          : name === 'year'
            ? '2026'
            : 'rl-bank',
  );

/** Values that satisfy format rules the schema cannot express. */
const hint: Hint = (field) => (field === 'uscc' ? A : field === 'number' ? '201710601862.3' : undefined);

interface Limit {
  operation: Operation;
  /** Top-level body field. */
  field: string;
  kind: 'maxLength' | 'maxItems' | 'itemMaxLength';
  max: number;
  base: Record<string, unknown>;
  oversized: unknown;
}

/** Every bounded field of every request body, each with a minimal valid body of its branch. */
function limitsOf(o: Operation): Limit[] {
  return objectBranches(doc, requestSchemaOf(doc, o.op)).flatMap((branch) => {
    const base = sampleValue(doc, branch, '', hint) as Record<string, unknown>;
    return Object.entries((branch.properties ?? {}) as Record<string, Schema>).flatMap(([field, raw]) => {
      const s = objectBranches(doc, raw).length
        ? raw
        : raw.$ref
          ? (doc.components.schemas[raw.$ref.split('/').pop()] as Schema)
          : raw;
      const out: Limit[] = [];
      if (s.type === 'string' && typeof s.maxLength === 'number')
        out.push({
          operation: o,
          field,
          kind: 'maxLength',
          max: s.maxLength,
          base,
          oversized: 'x'.repeat(s.maxLength + 1),
        });
      if (s.type === 'array' && typeof s.maxItems === 'number') {
        const item = sampleValue(doc, s.items, field, hint);
        const items = Array.from({ length: s.maxItems + 1 }, (_, i) =>
          typeof item === 'string' ? `${item}-${i}` : typeof item === 'number' ? (i % 45) + 1 : item,
        );
        out.push({ operation: o, field, kind: 'maxItems', max: s.maxItems, base, oversized: items });
        if (s.items?.type === 'string' && typeof s.items.maxLength === 'number')
          out.push({
            operation: o,
            field,
            kind: 'itemMaxLength',
            max: s.items.maxLength,
            base,
            oversized: ['x'.repeat(s.items.maxLength + 1)],
          });
      }
      return out;
    });
  });
}

const limits = withBody.flatMap(limitsOf);
const PROBLEM = 'application/problem+json';

describe('resource limits', () => {
  let portal: TestPortal;
  const send = async (o: Operation, init: RequestInit & { headers?: Record<string, string> }) => {
    const caller = callerFor(o);
    const headers: Record<string, string> = { ...init.headers };
    if (caller) headers.Authorization = `Bearer ${await portal.token(caller.role, caller.org)}`;
    const res = await portal.app.request(fillPath(o.path), { ...init, method: o.method, headers });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    };
  };

  beforeAll(async () => {
    portal = await createTestPortal();
    // Every caller is in the directory before any table checksum is taken (a first token enrols its user).
    for (const [role, org] of Object.entries(ORG)) await portal.token(role as Role, org);
  });

  it('finds bodies, lists and bounded fields in the document', () => {
    expect(withBody.length).toBeGreaterThan(5);
    expect(lists.length).toBeGreaterThan(2);
    expect(limits.length).toBeGreaterThan(10);
  });

  describe('bodies over 64 KiB → 413 problem+json, and nothing stored', () => {
    const big = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) });
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode('x'.repeat(8 * 1024));
          controller.enqueue(new TextEncoder().encode('{"name":"'));
          for (let i = 0; i < 9; i++) controller.enqueue(chunk);
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        },
      });

    it.each(withBody.map((o) => [`${o.method} ${o.path}`, o] as const))('%s', async (_name, o) => {
      const before = await tableChecksum(portal.deps.db, portal.tableName);
      const declared = await send(o, { body: big, headers: { 'Content-Type': 'application/json' } });
      // A Content-Length that understates the body must not let it through.
      const lying = await send(o, {
        body: big,
        headers: { 'Content-Type': 'application/json', 'Content-Length': '20' },
      });
      // Streamed without any Content-Length (chunked).
      const streamed = await send(o, {
        body: chunked(),
        headers: { 'Content-Type': 'application/json' },
        duplex: 'half',
      } as RequestInit & { headers: Record<string, string> });
      for (const [how, res] of Object.entries({ declared, lying, streamed })) {
        expect(res.status, `${how}: ${JSON.stringify(res.body)}`).toBe(413);
        expect(res.type).toBe(PROBLEM);
        expect(res.body).toMatchObject({
          status: 413,
          title: expect.any(String),
          detail: expect.any(String),
        });
      }
      expect(await tableChecksum(portal.deps.db, portal.tableName)).toBe(before);
    });

    it('over a real socket: chunked transfer without Content-Length → 413', async () => {
      const o = withBody.find((x) => x.method === 'PUT' && x.path === '/institutions/{id}') ?? withBody[0];
      if (!o) throw new Error('no operation with a body');
      const token = await portal.token('ipoffice');
      const server = serve({ fetch: portal.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => server.once('listening', r));
      const { port } = server.address() as { port: number };
      try {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          let data = '';
          socket.on('data', (d) => {
            data += d.toString();
          });
          socket.on('close', () => resolve(data));
          socket.on('error', (e: NodeJS.ErrnoException) =>
            e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(data) : reject(e),
          );
          socket.write(
            `PUT ${fillPath(o.path)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
              'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
          );
          const chunk = 'x'.repeat(16 * 1024);
          for (let i = 0; i < 6; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
          socket.end('0\r\n\r\n');
        });
        expect(answer).toMatch(/^HTTP\/1\.1 413 /);
        expect(answer.toLowerCase()).toContain(`content-type: ${PROBLEM}`);
      } finally {
        server.close();
      }
    });
  });

  describe('limit outside 1–100 → 400 naming query.limit', () => {
    const cases = lists.flatMap((o) =>
      ['0', '101', '1000000', 'abc', '-5', '2.5', ''].map((v) => [`${o.method} ${o.path}`, v, o] as const),
    );
    it.each(cases)('%s ?limit=%j', async (_name, value, o) => {
      const caller = callerFor(o);
      const res = await portal.call(o.method, `${fillPath(o.path)}?limit=${encodeURIComponent(value)}`, {
        as: caller,
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe(PROBLEM);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'query.limit' })]),
      );
    });
  });

  describe('fields over their documented bound → 400 naming the field', () => {
    it('documents the contract limits: 20 pledge assets, 50 policy assets, 45 Nice classes', () => {
      const bound = (method: string, path: string, field: string) =>
        limits.find(
          (l) =>
            l.operation.method === method &&
            l.operation.path === path &&
            l.field === field &&
            l.kind === 'maxItems',
        )?.max;
      expect(bound('POST', '/pledges', 'assetIds')).toBe(20);
      expect(bound('POST', '/policies', 'assetIds')).toBe(50);
      expect(bound('POST', '/enterprises/{uscc}/assets', 'niceClasses')).toBe(45);
    });

    const cases = limits.map(
      (l) => [`${l.operation.method} ${l.operation.path}`, l.field, l.kind, l.max, l] as const,
    );
    it.each(cases)('%s %s (%s %d)', async (_name, field, _kind, _max, l) => {
      const before = await tableChecksum(portal.deps.db, portal.tableName);
      const body = JSON.stringify({ ...l.base, [field]: l.oversized });
      const res = await send(l.operation, { body, headers: { 'Content-Type': 'application/json' } });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.type).toBe(PROBLEM);
      const paths = ((res.body.errors ?? []) as { path: string }[]).map((e) => e.path);
      expect(
        paths.some((p) => p === field || p.startsWith(`${field}.`)),
        `errors name ${field}: ${paths}`,
      ).toBe(true);
      expect(await tableChecksum(portal.deps.db, portal.tableName)).toBe(before);
    });
  });
});
