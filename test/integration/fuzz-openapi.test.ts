/**
 * Property-based fuzzing of EVERY operation in the served `/openapi.json`, against the real app on
 * DynamoDB Local with real tokens. New routes are covered as soon as they are documented.
 *
 * For each operation fast-check generates bodies (from the request schema: valid-ish, wrong types,
 * extra keys, huge strings, bad money, nested junk, non-JSON), query strings, path ids (own, another
 * tenant's, random, unicode, very long), headers (If-Match, Idempotency-Key) and tokens (each role,
 * other tenant, malformed, expired, foreign key), and checks:
 * - never a 5xx;
 * - every 4xx is `application/problem+json` with type/title/status/detail and no stack trace;
 * - a 4xx changed nothing in the table (checksum of all items except `IDEM#` records);
 * - every 2xx JSON body validates against the operation's documented response schema.
 *
 * Reproduce a failure with the printed seed: `FUZZ_SEED=<seed> npx vitest run test/integration/fuzz-openapi.test.ts`.
 * `FUZZ_RUNS` changes the number of runs per operation (default 20); `FUZZ_TRACE='POST /pledges'` prints
 * every exchange of the matching operations.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ephemeralIssuer, localSubject } from '../../shared/auth/local-issuer.js';
import type { Role } from '../../shared/auth/principal.js';
import { addDays, todayInShanghai } from '../../shared/domain/dates.js';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { createApp } from '../../shared/http/app.js';
import type { PortalDeps } from '../../shared/http/context.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import {
  type OpenApiDoc,
  type Operation,
  objectBranches,
  operationsOf,
  queryParamsOf,
  requestSchemaOf,
  responseValidator,
  type Schema,
  tableChecksum,
} from '../support/openapi.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_127);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
/** `FUZZ_TRACE=<text>` prints every exchange of the operations whose `METHOD /path` contains it. */
const TRACE = process.env.FUZZ_TRACE;
const STACK_TRACE = /\bat .+\.(?:ts|js|mjs|cjs):\d+|node_modules|Error: /;

const yiwu = (org: string) => withUsccCheck(`91330782${org}`);
const A = yiwu('MA2F00001');
const B = yiwu('MA2F00002');
const patentNo = (type: number, serial: number) => {
  const digits = `2020${type}${String(serial).padStart(7, '0')}`;
  return `${digits}.${patentCheckCharacter(digits)}`;
};

const CALLERS = {
  entA: { role: 'enterprise', org: A },
  entB: { role: 'enterprise', org: B },
  lender1: { role: 'lender', org: 'fz-l1' },
  lender2: { role: 'lender', org: 'fz-l2' },
  insurer1: { role: 'insurer', org: 'fz-i1' },
  insurer2: { role: 'insurer', org: 'fz-i2' },
  ipoffice: { role: 'ipoffice', org: null },
} as const satisfies Record<string, { role: Role; org: string | null }>;
type CallerName = keyof typeof CALLERS;

/** Ids of fixture objects by the collection segment that precedes `{id}`: A's own and B's (another tenant). */
interface Pools {
  own: Record<string, string[]>;
  other: Record<string, string[]>;
}

interface Fixture {
  portal: TestPortal;
  doc: OpenApiDoc;
  pools: Pools;
  /** Authorization header values by label; `undefined` sends none. */
  tokens: Record<string, string | undefined>;
  notes: string[];
}

const today = todayInShanghai(new Date());

async function buildFixture(): Promise<Fixture> {
  const portal = await createTestPortal();
  const doc = openApiDocument(portal.app) as unknown as OpenApiDoc;
  const notes: string[] = [];
  const pools: Pools = {
    own: { enterprises: [A], institutions: ['fz-l1', 'fz-i1'], stats: [today, '2020-01-01'] },
    other: { enterprises: [B], institutions: ['fz-l2', 'fz-i2'] },
  };
  const add = (side: keyof Pools, collection: string, id: string) => {
    pools[side][collection] = [...(pools[side][collection] ?? []), id];
  };
  // Routes still being written may be missing or refuse; the fuzz runs on whatever could be built.
  const step = async (label: string, method: string, path: string, as: CallerName, body?: unknown) => {
    const res = await portal.call(method, path, { as: CALLERS[as], ...(body === undefined ? {} : { body }) });
    if (res.status >= 300)
      notes.push(`fixture ${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.status < 300 ? res.body : undefined;
  };
  for (const [id, kind] of [
    ['fz-l1', 'lender'],
    ['fz-l2', 'lender'],
    ['fz-i1', 'insurer'],
    ['fz-i2', 'insurer'],
  ] as const)
    await step(`institution ${id}`, 'PUT', `/institutions/${id}`, 'ipoffice', { kind, name: `Fuzz ${id}` });
  const ltv = { maxLtvBps: { invention: 3000, utility_model: 1500, design: 1500, trademark: 5000 } };
  await step('lending policy', 'PUT', '/institutions/fz-l1/lending-policy', 'ipoffice', ltv);
  await step('enterprise A', 'PUT', `/enterprises/${A}`, 'entA', { name: 'Fuzz A Co.' });
  await step('enterprise B', 'PUT', `/enterprises/${B}`, 'entB', { name: 'Fuzz B Co.' });

  let serial = 9_000_000;
  const patent = async (owner: 'entA' | 'entB') => {
    const body = {
      kind: 'patent',
      number: patentNo(1, ++serial),
      title: 'Fuzzed vacuum flask',
      filingDate: '2020-03-02',
      grantDate: '2022-05-10',
    };
    const created = await step('asset', 'POST', `/enterprises/${CALLERS[owner].org}/assets`, owner, body);
    if (created?.id) add(owner === 'entA' ? 'own' : 'other', 'assets', created.id);
    return created?.id as string | undefined;
  };
  const [a1, a2, a3] = [await patent('entA'), await patent('entA'), await patent('entA')];
  await patent('entA');
  const b1 = await patent('entB');
  const tm = await step('trademark', 'POST', `/enterprises/${A}/assets`, 'entA', {
    kind: 'trademark',
    number: '39000001',
    mark: 'FUZZ',
    niceClasses: [9, 42],
    registrationDate: '2021-06-01',
  });
  if (tm?.id) add('own', 'assets', tm.id);

  const pledge = async (as: 'entA' | 'entB', assetId: string | undefined) => {
    if (!assetId) return undefined;
    const body = {
      lenderId: 'fz-l1',
      assetIds: [assetId],
      appraisedValueFen: 10_000_000,
      requestedAmountFen: 1_000_000,
      termMonths: 12,
    };
    const created = await step('pledge', 'POST', '/pledges', as, body);
    if (created?.id) add(as === 'entA' ? 'own' : 'other', 'pledges', created.id);
    return created?.id as string | undefined;
  };
  const p1 = await pledge('entA', a1);
  if (p1) await step('pledge review', 'POST', `/pledges/${p1}/review`, 'lender1', {});
  await pledge('entB', b1);

  const policy = async (as: 'entA' | 'entB', assetId: string | undefined) => {
    if (!assetId) return undefined;
    const body = {
      insurerId: 'fz-i1',
      assetIds: [assetId],
      coverages: [{ line: 'enforcement_cost', sumInsuredFen: 5_000_000 }],
      periodStart: today,
      periodEnd: addDays(today, 365),
    };
    const created = await step('policy', 'POST', '/policies', as, body);
    if (created?.id) add(as === 'entA' ? 'own' : 'other', 'policies', created.id);
    return created?.id as string | undefined;
  };
  const pol1 = await policy('entA', a2);
  await policy('entA', a3);
  const polB = await policy('entB', b1);
  for (const [id, holder] of [
    [pol1, 'entA'],
    [polB, 'entB'],
  ] as const) {
    if (!id) continue;
    await step('policy issue', 'POST', `/policies/${id}/issue`, 'insurer1', { premiumFen: 10_000 });
    const claim = await step('claim', 'POST', `/policies/${id}/claims`, holder, {
      line: 'enforcement_cost',
      claimedFen: 1_000,
      incidentDate: today,
      description: 'Fuzzed infringement',
    });
    if (claim?.id) add(holder === 'entA' ? 'own' : 'other', 'claims', claim.id);
  }

  for (const [uscc, side] of [
    [A, 'own'],
    [B, 'other'],
  ] as const) {
    const body = { uscc, level: 'national_advantage', year: 2023 };
    const created = await step('designation', 'POST', '/designations', 'ipoffice', body);
    if (created?.id) add(side, 'designations', created.id);
  }

  const foreign = await ephemeralIssuer();
  const { issuer } = portal;
  const tokens: Record<string, string | undefined> = {
    anonymous: undefined,
    expired: `Bearer ${await issuer.sign({ sub: localSubject('enterprise', A) }, { ttlSeconds: -120 })}`,
    foreignKey: `Bearer ${await foreign.sign({ sub: localSubject('ipoffice') })}`,
    // Signed in, but unknown to the portal's directory: onboarding only.
    newcomer: `Bearer ${await issuer.sign({ sub: 'fuzz-newcomer', email: 'new@example.com' })}`,
    garbage: 'Bearer not.a.jwt',
    algNone: `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      '{"sub":"x"}',
    ).toString('base64url')}.`,
    basic: 'Basic dXNlcjpwYXNz',
    empty: 'Bearer ',
  };
  for (const [name, caller] of Object.entries(CALLERS))
    tokens[name] = `Bearer ${await portal.token(caller.role, caller.org)}`;
  return { portal, doc, pools, tokens, notes };
}

// ---------------------------------------------------------------- generators

const junkString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', '..', '%', '😀', '\u0000', '中文名称', '<script>', "' OR 1=1 --", 'null'),
  fc.constant('a'.repeat(3000)),
);
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  junkString,
  fc.constantFrom(null, true, -1, 1.5, 2 ** 60, -(2 ** 60), [], {}),
);
const moneyJunk = fc.constantFrom<unknown>(-1, 0.5, 1e21, 2 ** 53, -0.01, '100', null, 1e308, [], {});
const REAL_DATES = [today, addDays(today, -1), addDays(today, 30), '2020-03-02', '2022-05-10'];
const DATES = [
  today,
  addDays(today, -1),
  addDays(today, 30),
  '2020-03-02',
  '2022-05-10',
  '2025-02-30',
  '1899-12-31',
  '2200-01-01',
  '2024-13-01',
];

/** Values a real client would send for fields whose meaning the schema cannot tell. */
function hintFor(field: string, fx: Fixture): fc.Arbitrary<unknown> | undefined {
  const all = (kind: string) => [...(fx.pools.own[kind] ?? []), ...(fx.pools.other[kind] ?? [])];
  const ids = (kind: string) => fc.constantFrom(...all(kind), 'no-such-id');
  if (field === 'lenderId' || field === 'insurerId')
    return fc.constantFrom('fz-l1', 'fz-l2', 'fz-i1', 'fz-i2', 'unknown-bank');
  if (field === 'assetIds') return fc.uniqueArray(ids('assets'), { minLength: 1, maxLength: 3 });
  if (field === 'pledgeId') return ids('pledges');
  if (field === 'uscc') return fc.constantFrom(A, B, yiwu('MA2F00009'));
  if (field === 'coOwners') return fc.uniqueArray(fc.constantFrom(A, B, yiwu('MA2F00009')), { maxLength: 2 });
  if (field === 'number')
    return fc.oneof(
      fc.integer({ min: 1, max: 8_999_999 }).map((n) => patentNo(1, n)),
      fc.integer({ min: 1, max: 8_999_999 }).map((n) => `ZL ${patentNo(2, n)}`),
      fc.integer({ min: 10_000_000, max: 99_999_999 }).map(String),
    );
  if (field === 'niceClasses')
    return fc.uniqueArray(fc.integer({ min: 0, max: 46 }), { minLength: 1, maxLength: 4 });
  return undefined;
}

/** Mostly-valid values for a schema (required fields always, optional ones sometimes). */
function validish(
  doc: OpenApiDoc,
  schema: Schema | undefined,
  fx: Fixture,
  field = '',
  depth = 0,
  clean = false,
): fc.Arbitrary<unknown> {
  const sub = (schema: Schema | undefined, name: string) => validish(doc, schema, fx, name, depth + 1, clean);
  const s = objectBranches(doc, schema).length > 1 ? { oneOf: objectBranches(doc, schema) } : (schema ?? {});
  const resolved = s.$ref ? (objectBranches(doc, s)[0] ?? {}) : s;
  const hinted = hintFor(field, fx);
  if (hinted) return hinted;
  if (depth > 4) return fc.constant(null);
  if (resolved.oneOf || resolved.anyOf)
    return fc.oneof(...(resolved.oneOf ?? resolved.anyOf).map((b: Schema) => sub(b, field)));
  if (resolved.enum) return fc.constantFrom(...resolved.enum);
  const type = Array.isArray(resolved.type) ? resolved.type.find((t: string) => t !== 'null') : resolved.type;
  switch (type) {
    case 'object': {
      const props = (resolved.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(resolved.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, schema] of Object.entries(props)) record[key] = sub(schema, key);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in props) });
    }
    case 'array':
      return fc.array(sub(resolved.items, field), {
        minLength: resolved.minItems ?? 0,
        maxLength: Math.min(resolved.maxItems ?? 3, 3),
      });
    case 'integer':
      if (/Fen$/.test(field))
        return fc.oneof(fc.integer({ min: 0, max: 100_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER));
      return fc.integer({ min: resolved.minimum ?? -10, max: Math.min(resolved.maximum ?? 1000, 10_000) });
    case 'number':
      return fc.double({ min: -10, max: 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (resolved.pattern === '^\\d{4}-\\d{2}-\\d{2}$')
        return fc.constantFrom(...(clean ? REAL_DATES : DATES));
      if (clean && !resolved.pattern)
        return fc.stringMatching(
          new RegExp(`^[A-Za-z][A-Za-z0-9 ]{0,${Math.max(0, Math.min(resolved.maxLength ?? 30, 30) - 1)}}$`),
        );
      if (resolved.pattern) return fc.oneof(fc.stringMatching(new RegExp(resolved.pattern)), junkString);
      return fc.string({
        minLength: resolved.minLength ?? 0,
        maxLength: Math.max(resolved.minLength ?? 0, Math.min(resolved.maxLength ?? 30, 30)),
      });
    default:
      return junkValue;
  }
}

/** Breaks one thing in an object body. */
function mutate(body: unknown): fc.Arbitrary<unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return junkValue;
  const keys = Object.keys(body);
  const pick = keys.length ? fc.constantFrom(...keys) : fc.constant('name');
  const set = (key: string, value: unknown) => ({ ...(body as object), [key]: value });
  const deep = (levels: number) => {
    let v: unknown = 'bottom';
    // Linear nesting (a shared child would double the JSON at every level).
    for (let i = 0; i < levels; i++) v = i % 2 ? { n: v } : [v];
    return v;
  };
  return fc.oneof(
    fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), junkValue).map(([k, v]) => set(`x_${k}`, v)),
    fc.tuple(pick, junkValue).map(([k, v]) => set(k, v)),
    fc.tuple(pick, fc.constantFrom(5_000, 60_000, 70_000)).map(([k, n]) => set(k, 'é'.repeat(n))),
    fc
      .tuple(
        fc.constantFrom(
          ...(keys.filter((k) => /Fen$/.test(k)).length
            ? keys.filter((k) => /Fen$/.test(k))
            : keys.length
              ? keys
              : ['amountFen']),
        ),
        moneyJunk,
      )
      .map(([k, v]) => set(k, v)),
    fc.tuple(pick, fc.integer({ min: 30, max: 400 })).map(([k, n]) => set(k, deep(n))),
    fc.tuple(pick, fc.integer({ min: 21, max: 200 })).map(([k, n]) =>
      set(
        k,
        Array.from({ length: n }, (_, i) => `id-${i}`),
      ),
    ),
    pick.map((k) => {
      const { [k]: _dropped, ...rest } = body as Record<string, unknown>;
      return rest;
    }),
  );
}

/** A body as sent on the wire: JSON text, or anything else with its content type. */
interface WireBody {
  text: string | undefined;
  contentType: string | undefined;
}

function bodyArb(doc: OpenApiDoc, op: Schema, fx: Fixture, clean: boolean): fc.Arbitrary<WireBody> {
  const schema = requestSchemaOf(doc, op);
  const json = (v: unknown): WireBody => ({ text: JSON.stringify(v), contentType: 'application/json' });
  const good = schema ? validish(doc, schema, fx, '', 0, clean) : fc.constant({});
  const garbage = fc.oneof(
    fc.constantFrom<WireBody>(
      { text: '{"name": "unterminated', contentType: 'application/json' },
      { text: 'kind=lender&name=x', contentType: 'application/x-www-form-urlencoded' },
      { text: '<xml/>', contentType: 'text/xml' },
      { text: '', contentType: 'application/json' },
      { text: 'null', contentType: 'application/json' },
      { text: '[]', contentType: 'application/json' },
      { text: '"a string"', contentType: 'application/json' },
      { text: '123', contentType: 'application/json' },
      { text: '{}', contentType: 'text/plain' },
      { text: undefined, contentType: undefined },
      { text: '{"a":1}', contentType: 'application/json; charset=latin1' },
      { text: '\u00ff\u00fe{', contentType: 'application/json' },
    ),
    fc.string({ maxLength: 200 }).map((t) => ({ text: t, contentType: 'application/json' })),
    fc.jsonValue({ maxDepth: 3 }).map(json),
  );
  if (clean) return good.map(json);
  return fc.oneof(
    { weight: 2, arbitrary: good.map(json) },
    { weight: 4, arbitrary: good.chain(mutate).map(json) },
    { weight: 2, arbitrary: garbage },
  );
}

/** A query string: `clean` uses documented values only (no cursor); otherwise anything goes. */
function queryArb(doc: OpenApiDoc, op: Schema, fx: Fixture, clean: boolean): fc.Arbitrary<string> {
  const params = queryParamsOf(doc, op);
  const entries = params.map((p) => {
    const valid = validish(doc, p.schema, fx, p.name, 0, clean).map(String);
    if (clean) return p.name === 'cursor' ? fc.constant(undefined) : fc.option(valid, { nil: undefined });
    return fc.option(
      fc.oneof(
        { weight: 2, arbitrary: valid },
        { weight: 1, arbitrary: junkString },
        { weight: 1, arbitrary: fc.constantFrom('0', '101', '-1', '2.5', '1e3', 'abc', '') },
      ),
      { nil: undefined },
    );
  });
  const extra = clean
    ? fc.constant(undefined)
    : fc.option(fc.tuple(fc.constantFrom('colour', 'limit[]', 'status', '__proto__'), junkString), {
        freq: 3,
        nil: undefined,
      });
  return fc.tuple(fc.tuple(...entries), extra).map(([values, more]) => {
    const q = new URLSearchParams();
    params.forEach((p, i) => {
      if (values[i] !== undefined) q.append(p.name, values[i] as string);
    });
    if (more) q.append(more[0], more[1]);
    const s = q.toString();
    return s ? `?${s}` : '';
  });
}

function pathArb(path: string, fx: Fixture, clean: boolean): fc.Arbitrary<string> {
  const segments = path.split('/');
  const parts = segments.map((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (!name) return fc.constant(segment);
    const collection = name === 'uscc' ? 'enterprises' : (segments[i - 1] ?? '');
    const own = fx.pools.own[collection] ?? [];
    const other = fx.pools.other[collection] ?? [];
    const options: { weight: number; arbitrary: fc.Arbitrary<string> }[] = [
      { weight: 2, arbitrary: junkString.filter((s) => s.length > 0) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('a'.repeat(5000), '%2F..%2F', 'ASSET#x', ' 91330782', A.toLowerCase()),
      },
    ];
    if (clean && own.length) return fc.constantFrom(...own).map(encodeURIComponent);
    if (own.length) options.push({ weight: 4, arbitrary: fc.constantFrom(...own) });
    if (other.length) options.push({ weight: 2, arbitrary: fc.constantFrom(...other) });
    return fc.oneof(...options).map((v) => (v.startsWith('%') ? v : encodeURIComponent(v)));
  });
  return fc.tuple(...parts).map((p) => p.join('/'));
}

const latin1 = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});
const hostileHeaders = fc.record(
  {
    'If-Match': fc.oneof(
      fc.constantFrom('"1"', '"2"', '*', 'W/"1"', '"99999999999999999999"', '1', '""', '"-1"'),
      latin1,
    ),
    'Idempotency-Key': fc.oneof(
      fc.uuid(),
      fc.constantFrom('fuzz-key-1', '', 'k'.repeat(65), 'k'.repeat(4000), 'clé', 'with space'),
      latin1,
    ),
  },
  { requiredKeys: [] },
);
/** What a careful client sends: maybe a fresh or reused key, maybe an If-Match of a plausible version. */
const cleanHeaders = fc.record(
  {
    'If-Match': fc.constantFrom('"1"', '"2"', '*'),
    'Idempotency-Key': fc.uuid(),
  },
  { requiredKeys: [] },
);

function tokenArb(op: Schema, fx: Fixture, clean: boolean): fc.Arbitrary<string> {
  const allowed = new Set<string>(op['x-roles'] ?? []);
  const names = Object.keys(CALLERS) as CallerName[];
  const fits = allowed.has('signedIn') ? names : names.filter((n) => allowed.has(CALLERS[n].role));
  const others = Object.keys(fx.tokens).filter((n) => !fits.includes(n as CallerName));
  if (clean && fits.length) return fc.constantFrom(...fits);
  return fc.oneof(
    ...(fits.length ? [{ weight: 6, arbitrary: fc.constantFrom(...fits) as fc.Arbitrary<string> }] : []),
    { weight: 2, arbitrary: fc.constantFrom(...others) },
  );
}

// ---------------------------------------------------------------- the property

interface Sent {
  method: string;
  url: string;
  caller: string;
  headers: Record<string, string>;
  body: WireBody;
}

const describeRequest = (r: Sent) =>
  `${r.method} ${r.url.slice(0, 300)} as ${r.caller} headers=${JSON.stringify(r.headers).slice(0, 200)} ` +
  `body(${r.body.contentType})=${(r.body.text ?? '<none>').slice(0, 400)}`;

const ORDER = ['GET', 'PUT', 'POST', 'DELETE'];
const byDestructiveness = (a: Operation, b: Operation) => ORDER.indexOf(a.method) - ORDER.indexOf(b.method);

// The operation list comes from the document of an app built the same way the test portal is.
const documented = operationsOf(
  openApiDocument(await createApp({} as PortalDeps)) as unknown as OpenApiDoc,
).sort(byDestructiveness);

describe('fuzzing every documented operation', () => {
  let fx: Fixture;
  let validate: ReturnType<typeof responseValidator>;
  let checksum: string;
  const faults: string[] = [];
  /** Status codes seen per operation: printed at the end, so a reader can see what the fuzz reached. */
  const tally = new Map<string, Map<number, number>>();

  beforeAll(async () => {
    fx = await buildFixture();
    validate = responseValidator(fx.doc);
    checksum = await tableChecksum(fx.portal.deps.db, fx.portal.tableName);
    fx.portal.deps.logFault = (error) =>
      faults.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (fx.notes.length) console.info(`fuzz fixture is partial:\n  ${fx.notes.join('\n  ')}`);
  });

  afterAll(() => {
    const lines = [...tally].map(
      ([name, counts]) =>
        `${name.padEnd(48)} ${[...counts]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
    );
    console.info(`fuzz seed ${SEED}, ${RUNS} runs per operation; statuses seen:\n${lines.join('\n')}`);
  });

  it('documents operations to fuzz', () => {
    expect(documented.length).toBeGreaterThan(10);
    expect(
      operationsOf(fx.doc)
        .map((o) => `${o.method} ${o.path}`)
        .sort(),
    ).toEqual(documented.map((o) => `${o.method} ${o.path}`).sort());
  });

  it.each(documented.map((o) => [`${o.method} ${o.path}`, o] as const))('%s', async (name, operation) => {
    const { method, path, op } = operation;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    // "Clean" requests (an allowed caller, own ids, schema-shaped bodies) reach the handlers and their
    // 2xx paths; "hostile" ones mix in every kind of garbage.
    const requestOf = (clean: boolean) =>
      fc.record({
        path: pathArb(path, fx, clean),
        query: queryArb(fx.doc, op, fx, clean),
        caller: tokenArb(op, fx, clean),
        headers: hasBody ? (clean ? cleanHeaders : hostileHeaders) : fc.constant({}),
        body: hasBody
          ? bodyArb(fx.doc, op, fx, clean)
          : fc.constant<WireBody>({ text: undefined, contentType: undefined }),
      });
    const request = fc.oneof(
      { weight: 2, arbitrary: requestOf(true) },
      { weight: 3, arbitrary: requestOf(false) },
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { ...(r.headers as Record<string, string>) };
        const auth = fx.tokens[r.caller];
        if (auth !== undefined) headers.Authorization = auth;
        if (r.body.contentType) headers['Content-Type'] = r.body.contentType;
        const sent: Sent = { method, url: `${r.path}${r.query}`, caller: r.caller, headers, body: r.body };
        faults.length = 0;
        const res = await fx.portal.app.request(sent.url, { method, headers, body: r.body.text });
        const text = await res.text();
        const counts = tally.get(name) ?? new Map<number, number>();
        tally.set(name, counts.set(res.status, (counts.get(res.status) ?? 0) + 1));
        const seen = `${describeRequest(sent)}\n → ${res.status} ${res.headers.get('content-type')} ${text.slice(0, 400)}\n${faults.join('\n')}`;
        if (TRACE && name.includes(TRACE)) console.info(seen);
        expect(res.status, seen).toBeLessThan(500);
        const after = await tableChecksum(fx.portal.deps.db, fx.portal.tableName);
        if (res.status >= 400) {
          expect(res.headers.get('content-type'), seen).toBe('application/problem+json');
          const problem = JSON.parse(text);
          expect(problem, seen).toMatchObject({
            type: expect.any(String),
            title: expect.any(String),
            status: res.status,
          });
          expect(typeof problem.detail, seen).toBe('string');
          expect(text, seen).not.toMatch(STACK_TRACE);
          expect(after, `a ${res.status} changed the table: ${seen}`).toBe(checksum);
        } else {
          // A success answers an ETag exactly when its operation documents one.
          const declared = op.responses?.[String(res.status)]?.headers ?? {};
          expect(res.headers.has('etag'), `ETag as documented: ${seen}`).toBe('ETag' in declared);
          if (res.status !== 204 && res.headers.get('content-type')?.startsWith('application/json'))
            expect(validate(operation, res.status, JSON.parse(text)), seen).toBeNull();
          else if (res.status !== 204)
            expect(
              op.responses?.[String(res.status)]?.content,
              `undocumented ${res.status} body: ${seen}`,
            ).toBeDefined();
        }
        checksum = after;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
