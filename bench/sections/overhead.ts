import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { configure as serverlessExpress } from '@codegenie/serverless-express';
import { mockClient } from 'aws-sdk-client-mock';
import express from 'express';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localSubject } from '../../shared/auth/local-issuer.js';
import { createIdentityVerifier } from '../../shared/auth/verify-token.js';
import { SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import { type Asset, assetView } from '../../shared/domain/asset.js';
import { todayInShanghai } from '../../shared/domain/dates.js';
import { createApp } from '../../shared/http/app.js';
import { assetKey } from '../../shared/store/keys.js';
import { toResource } from '../../shared/store/records.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { callerOf, enrolUser, rememberCaller } from '../../shared/usecases/users.js';
import { benchPortal } from '../lib/portal.js';
import { median, nextSerial, patentNumber, round, table, usccOf } from '../lib/util.js';

/**
 * Per-request overhead of the Lambda handler, in-process: `handle(await createApp(deps))` (what functions/api.ts
 * exports, minus Powertools request logging) with a document client mocked by aws-sdk-client-mock that answers
 * with items captured from a real run on DynamoDB Local — so the measured time is hono + routing + auth (RS256
 * verification) + zod validation + the handlers, not the network. Compared with a bare Hono handler through the
 * same `handle` (the floor), the same work in bare Hono (the same-work floor), and the same GET route written as
 * Express 5 behind @codegenie/serverless-express.
 */
interface Variant {
  name: string;
  invoke: () => Promise<{ statusCode?: number; body?: string }>;
  expect: number;
  /** The body must equal this variant's (checked once, before timing). */
  sameBodyAs?: string;
}

export interface OverheadResult {
  variant: string;
  rps: number;
  usPerRequest: number;
  vsFloor: number;
  rounds: number[];
}

/** An API Gateway HTTP API (payload 2.0) event. */
function apiEvent(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'api.example.com',
      'user-agent': 'bench',
      ...lower,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench-request',
      routeKey: '$default',
      stage: '$default',
      time: '27/Nov/2026:04:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const lambdaContext = {
  awsRequestId: 'bench',
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:123456789012:function:bench',
  memoryLimitInMB: '1024',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
};

export async function overhead(endpoint: string, options: { rounds: number; perRound: number }) {
  // 1. Real items: an enterprise, an asset and a submitted pledge, created through the API on DynamoDB Local.
  const real = await benchPortal(endpoint);
  const A = usccOf('MA2BENCH1'.replace(/[IOSVZ]/g, '0'));
  const ent = { role: 'enterprise' as const, org: A };
  const office = { role: 'ipoffice' as const };
  const bank = { role: 'lender' as const, org: 'bench-overhead-bank' };
  await real.call('PUT', '/institutions/bench-overhead-bank', office, { kind: 'lender', name: 'Bench Bank' });
  await real.call('PUT', `/enterprises/${A}`, ent, { name: 'Bench Co.' });
  const patent = (serial: number) => ({
    kind: 'patent',
    number: patentNumber(2020, 1, serial),
    title: 'Flask',
    filingDate: '2020-03-02',
    grantDate: '2022-05-10',
  });
  const asset = await real.call('POST', `/enterprises/${A}/assets`, ent, patent(nextSerial()));
  const pledgedAsset = await real.call('POST', `/enterprises/${A}/assets`, ent, patent(nextSerial()));
  const pledge = await real.call('POST', '/pledges', ent, {
    lenderId: 'bench-overhead-bank',
    assetIds: [pledgedAsset.body?.id],
    appraisedValueFen: 100_000_000,
    requestedAmountFen: 10_000_000,
    termMonths: 12,
  });
  const items = new Map<string, Record<string, unknown>>();
  for (const item of (await real.deps.db.send(new ScanCommand({ TableName: real.tableName }))).Items ?? [])
    items.set(`${item.pk}|${item.sk}`, item);

  // 2. The same app over a mocked client answering from those items.
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  const ddb = mockClient(db);
  const lookup = (key: Record<string, unknown>) => items.get(`${key.pk}|${key.sk}`);
  ddb.on(GetCommand).callsFake((input) => ({ Item: lookup(input.Key) }));
  ddb.on(BatchGetCommand).callsFake((input) => ({
    Responses: Object.fromEntries(
      Object.entries(input.RequestItems as Record<string, { Keys: Record<string, unknown>[] }>).map(
        ([t, r]) => [t, r.Keys.map(lookup).filter(Boolean)],
      ),
    ),
  }));
  ddb.on(QueryCommand).resolves({ Items: [], Count: 0 });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({ Attributes: {} });
  ddb.on(TransactWriteCommand).resolves({});
  const deps = { ...real.deps, db, tableName: real.tableName };
  const portalHandler = handle(await createApp(deps));
  // The directory entries are read once (real.call enrols them) and then remembered, as on a warm instance.
  const auth = async (role: 'enterprise' | 'lender', org: string) => {
    const sub = localSubject(role, org);
    const user = await enrolUser(useCaseContext(real.deps), SYSTEM_ACTOR, { sub, role, org });
    rememberCaller(useCaseContext(deps), sub, user);
    return `Bearer ${await real.issuer.sign({ sub })}`;
  };
  const entAuth = await auth('enterprise', A);
  const bankAuth = await auth(bank.role, bank.org);

  // 3. The floor: bare Hono, constant answer, same adapter.
  const floor = handle(new Hono().get('/assets/:id', (c) => c.json({ ok: true })));

  // 4. The same GET route in Express 5: verify the token, get the item, hide other tenants', answer JSON.
  const verify = createIdentityVerifier({
    keys: real.issuer.keys,
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
  });
  const ex = express();
  ex.disable('x-powered-by');
  ex.get('/assets/:id', async (req, res) => {
    try {
      const { principal } = await callerOf(useCaseContext(deps), await verify(req.headers.authorization));
      if (!principal) throw new Error('not in the directory');
      const out = await db.send(
        new GetCommand({
          TableName: real.tableName,
          Key: { pk: `ASSET#${req.params.id}`, sk: 'ASSET' },
          ConsistentRead: true,
        }),
      );
      const item = out.Item;
      if (!item || (principal.role === 'enterprise' && item.owner !== principal.org)) {
        res
          .status(404)
          .type('application/problem+json')
          .send(
            JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'not found' }),
          );
        return;
      }
      const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _e, ...rest } = item;
      res.set('ETag', `"${rest.version}"`).json({
        ...rest,
        encumbrance: rest.encumbrance ?? null,
        insuredBy: [...((rest.insuredBy as Set<string>) ?? [])],
        coOwnerConsents: rest.coOwnerConsents ?? {},
      });
    } catch {
      res.status(401).type('application/problem+json').send('{"status":401}');
    }
  });
  // The same work as the portal's GET with nothing else: the portal's own token verifier, the same GetCommand
  // on the same mocked client, the same tenant check and the same JSON (the domain's view of the asset).
  const sameWork = handle(
    new Hono().get('/assets/:id', async (c) => {
      const { principal } = await callerOf(
        useCaseContext(deps),
        await deps.verifyIdentity(c.req.header('Authorization')),
      );
      if (!principal) throw new Error('not in the directory');
      const { Item } = await db.send(
        new GetCommand({ TableName: real.tableName, Key: assetKey(c.req.param('id')), ConsistentRead: true }),
      );
      if (!Item || (principal.role === 'enterprise' && Item.owner !== principal.org))
        return c.json({ status: 404 }, 404);
      const asset = toResource<Asset>(Item);
      c.header('ETag', `"${asset.version}"`);
      return c.json(assetView(asset, todayInShanghai(new Date())));
    }),
  );
  // The floor plus the one thing every authenticated route must do: verify the RS256 token.
  const authFloor = handle(
    new Hono().get('/assets/:id', async (c) => {
      await verify(c.req.header('Authorization'));
      return c.json({ ok: true });
    }),
  );
  const expressHandler = serverlessExpress({ app: ex }) as unknown as (
    e: unknown,
    c: unknown,
  ) => Promise<{ statusCode?: number }>;

  const assetId = asset.body?.id as string;
  const pledgeId = pledge.body?.id as string | undefined;
  const getEvent = apiEvent('GET', `/assets/${assetId}`, { authorization: entAuth });
  const postEvent = () =>
    apiEvent('POST', `/enterprises/${A}/assets`, { authorization: entAuth }, patent(1234567));
  const variants: Variant[] = [
    {
      name: 'floor: bare Hono constant (handle)',
      invoke: () => floor(getEvent as never, lambdaContext as never) as never,
      expect: 200,
    },
    {
      name: 'auth floor: bare Hono + token verification',
      invoke: () => authFloor(getEvent as never, lambdaContext as never) as never,
      expect: 200,
    },
    {
      name: 'same-work floor: bare Hono + token + GetCommand + same JSON',
      invoke: () => sameWork(getEvent as never, lambdaContext as never) as never,
      expect: 200,
      sameBodyAs: 'portal GET /assets/{id}',
    },
    {
      name: 'portal GET /assets/{id}',
      invoke: () => portalHandler(getEvent as never, lambdaContext as never) as never,
      expect: 200,
    },
    {
      name: 'Express 5 GET /assets/{id}',
      invoke: () => expressHandler(getEvent, lambdaContext),
      expect: 200,
    },
    {
      name: 'portal POST /enterprises/{uscc}/assets',
      invoke: () => portalHandler(postEvent() as never, lambdaContext as never) as never,
      expect: 201,
    },
  ];
  if (pledgeId)
    variants.push({
      name: 'portal POST /pledges/{id}/review',
      invoke: () =>
        portalHandler(
          apiEvent('POST', `/pledges/${pledgeId}/review`, { authorization: bankAuth }, {}) as never,
          lambdaContext as never,
        ) as never,
      expect: 200,
    });

  // Each variant must answer as expected before it is timed.
  const problems: string[] = [];
  const bodies = new Map<string, string | undefined>();
  for (const v of variants) {
    const res = await v.invoke();
    bodies.set(v.name, res.body);
    if (res.statusCode !== v.expect)
      problems.push(
        `${v.name} answered ${res.statusCode} (expected ${v.expect}): ${JSON.stringify(res).slice(0, 300)}`,
      );
  }
  for (const v of variants)
    if (v.sameBodyAs && !sameJson(bodies.get(v.name), bodies.get(v.sameBodyAs)))
      problems.push(
        `${v.name} answers other JSON than ${v.sameBodyAs}: ${bodies.get(v.name)?.slice(0, 200)} vs ${bodies.get(v.sameBodyAs)?.slice(0, 200)}`,
      );
  const timed = variants.filter((v) => !problems.some((p) => p.startsWith(v.name)));
  for (const v of timed) for (let i = 0; i < 500; i++) await v.invoke(); // warm-up (JIT, caches)

  // Interleaved rounds, so that machine noise hits every variant alike; ratios come from the same run.
  const rates = new Map<string, number[]>(timed.map((v) => [v.name, []]));
  for (let r = 0; r < options.rounds; r++)
    for (const v of timed) {
      const start = performance.now();
      for (let i = 0; i < options.perRound; i++) await v.invoke();
      rates.get(v.name)?.push((options.perRound * 1000) / (performance.now() - start));
    }
  const floorRps = median(rates.get(variants[0]?.name ?? '') ?? []);
  const results: OverheadResult[] = timed.map((v) => {
    const rps = median(rates.get(v.name) ?? []);
    return {
      variant: v.name,
      rps: Math.round(rps),
      usPerRequest: round(1e6 / rps, 1),
      vsFloor: round(rps / floorRps, 3),
      rounds: (rates.get(v.name) ?? []).map(Math.round),
    };
  });
  const rpsOf = (name: string) => results.find((r) => r.variant.startsWith(name))?.rps ?? Number.NaN;
  const portalGet = rpsOf('portal GET');
  const expressGet = rpsOf('Express');
  const authFloorRps = rpsOf('auth floor');
  const sameWorkRps = rpsOf('same-work floor');
  const verdicts = [
    `portal GET vs same-work floor: ${round(portalGet / sameWorkRps, 3)}× (target ≥ 0.9×) — ${portalGet / sameWorkRps >= 0.9 ? 'met' : 'NOT met'}`,
    `portal GET vs floor: ${round(portalGet / floorRps, 3)}× (no target: the same-work floor is ${round(sameWorkRps / floorRps, 3)}× of it)`,
    `portal GET vs auth floor (bare Hono + RS256 verification): ${round(portalGet / authFloorRps, 3)}× — token verification alone takes ${round(1e6 / authFloorRps - 1e6 / floorRps, 1)} µs of the ${round(1e6 / portalGet, 1)} µs`,
    `portal GET vs Express 5 GET: ${round(portalGet / expressGet, 2)}× (target > 1×) — ${portalGet > expressGet ? 'met' : 'NOT met'}`,
  ];
  const text = [
    table([
      ['variant', 'req/s (median)', 'µs/req', '× floor', '× same-work floor'],
      ...results.map((r) => [r.variant, r.rps, r.usPerRequest, r.vsFloor, round(r.rps / sameWorkRps, 3)]),
    ]),
    ...verdicts,
    ...problems.map((p) => `⚠ not timed: ${p}`),
  ].join('\n');
  return { results, verdicts, problems, text, rounds: options.rounds, perRound: options.perRound };
}

/** Equal JSON documents, whatever the key order. */
function sameJson(a: string | undefined, b: string | undefined): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, w]) => [k, canonical(w)]),
          )
        : v;
  try {
    return JSON.stringify(canonical(JSON.parse(a ?? ''))) === JSON.stringify(canonical(JSON.parse(b ?? '')));
  } catch {
    return false;
  }
}
