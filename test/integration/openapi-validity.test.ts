/**
 * The served `/openapi.json` is a valid OpenAPI 3.1 document, and it and the app's route table
 * describe exactly the same operations (method + path).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../shared/http/route.js';
import { type OpenApiDoc, operationsOf, requestSchemaOf, type Schema } from '../support/openapi.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

describe('OpenAPI document', () => {
  let portal: TestPortal;
  let doc: OpenApiDoc;

  beforeAll(async () => {
    portal = await createTestPortal();
    const res = await portal.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  it('validates as OpenAPI 3.1 (schema and semantics, $refs resolved)', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('lists every route of the route table, and nothing else', () => {
    const routes = routeTable(portal.app)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const documented = operationsOf(doc)
      .map((o) => `${o.method} ${o.path}`)
      .sort();
    expect(routes.length).toBeGreaterThan(4);
    expect(
      documented.filter((o) => !routes.includes(o)),
      'documented but not routed',
    ).toEqual([]);
    expect(
      routes.filter((r) => !documented.includes(r)),
      'routed but not documented',
    ).toEqual([]);
    expect(new Set(routes).size, 'a route registered twice').toBe(routes.length);
  });

  it('declares who may call each operation, and a security scheme for every non-public one', () => {
    for (const { method, path, op } of operationsOf(doc)) {
      const roles = op['x-roles'] as string[] | undefined;
      expect(roles?.length, `${method} ${path} x-roles`).toBeGreaterThan(0);
      if (!roles?.includes('public')) {
        expect(op.security, `${method} ${path} security`).toEqual([{ bearer: [] }]);
        expect(op.responses?.['401'], `${method} ${path} documents 401`).toBeDefined();
      }
    }
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('names every operation uniquely, lists its tags at the top and says where it is served', () => {
    const ids = operationsOf(doc).map(({ op }) => op.operationId as string);
    expect(ids.every((id) => /^(get|post|put|delete|patch)[A-Z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set(operationsOf(doc).flatMap(({ op }) => (op.tags ?? []) as string[]));
    expect((doc.tags ?? []).map((t: { name: string }) => t.name).sort()).toEqual([...used].sort());
    expect(doc.servers).toEqual([{ url: '.', description: 'This portal' }]);
  });

  it('declares Idempotency-Key on exactly the operations that honour it', () => {
    const declaring = operationsOf(doc)
      .filter(({ op }) =>
        (op.parameters ?? []).some((p: Schema) => p.in === 'header' && p.name === 'Idempotency-Key'),
      )
      .map(({ method, path }) => `${method} ${path}`)
      .sort();
    const honouring = routeTable(portal.app)
      .filter((r) => r.idempotent)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(honouring.length).toBeGreaterThan(10);
    expect(declaring).toEqual(honouring);
  });

  it('bounds every string and array a client may send (maxLength, pattern or enum; maxItems)', () => {
    const unbounded: string[] = [];
    const walk = (schema: Schema | undefined, where: string, depth = 0): void => {
      let s = schema;
      for (let hops = 0; s?.$ref && hops < 10; hops++)
        s = doc.components.schemas[String(s.$ref).split('/').pop() as string];
      if (!s || depth > 8) return;
      for (const branch of (s.oneOf ?? s.anyOf ?? []) as Schema[]) walk(branch, where, depth + 1);
      const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
      if (type === 'object')
        for (const [key, sub] of Object.entries((s.properties ?? {}) as Record<string, Schema>))
          walk(sub, `${where}.${key}`, depth + 1);
      if (type === 'array') {
        if (typeof s.maxItems !== 'number') unbounded.push(`${where} (array without maxItems)`);
        walk(s.items, `${where}[]`, depth + 1);
      }
      if (type === 'string' && typeof s.maxLength !== 'number' && !s.enum && !s.pattern)
        unbounded.push(`${where} (string without maxLength/pattern/enum)`);
    };
    for (const { method, path, op } of operationsOf(doc)) {
      walk(requestSchemaOf(doc, op), `${method} ${path} body`);
      for (const p of (op.parameters ?? []) as Schema[])
        if (p.in === 'query') walk(p.schema, `${method} ${path} ?${p.name}`);
    }
    expect(unbounded).toEqual([]);
  });
});
