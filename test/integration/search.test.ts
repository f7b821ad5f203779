/**
 * Search end to end on DynamoDB Local: the app writes, the table's stream feeds the indexer (the local stream
 * poller, as `npm start` runs it), and `GET /search` answers — per tenant, by substring, prefix and number spelling,
 * after renames, transfers and deletions, in a bounded number of requests.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import { StreamPoller } from '../../shared/local/stream-poller.js';
import { searchDocKey } from '../../shared/store/keys.js';
import { Store } from '../../shared/store/toolkit.js';
import { indexChanges, reindex } from '../../shared/usecases/search.js';
import { loggingClient } from '../support/command-log.js';
import { asEnterprise, asLender, FIXED_NOW, office, patentNo, yiwu } from '../support/pledge-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

const A = yiwu('MA2QRCH1A');
const B = yiwu('MA2QRCH2B');
const C = yiwu('MA2QRCH3C');
const BANK = 'search-bank';
const OTHER_BANK = 'search-bank-2';
const PATENT_A = patentNo(2017, 1, 601862); // 201710601862.x
const PATENT_B = patentNo(2019, 2, 123456);
const TRADEMARK_A = '31234567';

let portal: TestPortal;
let poller: StreamPoller;
let log: ReturnType<typeof loggingClient>;
const ids = { flask: '', mark: '', lock: '', pledge: '' };

const settle = () => poller.settled();
const find = async (as: CallOptions['as'], q: string, extra = '') => {
  const res = await portal.call('GET', `/search?q=${encodeURIComponent(q)}${extra}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    items: { kind: string; id: string; title: string; subtitle: string }[];
    nextCursor: string | null;
  };
};
const idsOf = (page: { items: { kind: string; id: string }[] }) =>
  page.items.map((i) => `${i.kind}:${i.id}`).sort();

beforeAll(async () => {
  log = loggingClient();
  portal = await createTestPortal({ db: log.db, clock: fixedClock(FIXED_NOW), stream: true });
  const store = new Store(portal.deps.db, portal.deps.tableName);
  poller = new StreamPoller({
    endpoint: inject('dynamoEndpoint'),
    tableName: portal.tableName,
    from: 'TRIM_HORIZON',
    intervalMs: 20,
    onEvent: async () => {},
    onChange: (record) => indexChanges(store, [record]),
  }).start();

  const put = async (path: string, body: unknown) => {
    const res = await portal.call('PUT', path, { as: office, body });
    expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  };
  await put(`/enterprises/${A}`, { name: '金华市永康五金制品有限公司' });
  await put(`/enterprises/${B}`, { name: '义乌（金华）科技有限公司' });
  await put(`/enterprises/${C}`, { name: 'Yongkang Hardware Co.' });
  await put(`/institutions/${BANK}`, { kind: 'lender', name: '金华银行' });
  await put(`/institutions/${OTHER_BANK}`, { kind: 'lender', name: '浙商银行' });
  await put('/institutions/search-insurer', { kind: 'insurer', name: '金华财产保险' });
  const asset = async (owner: string, body: unknown) => {
    const res = await portal.call('POST', `/enterprises/${owner}/assets`, { as: asEnterprise(owner), body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  ids.flask = await asset(A, {
    kind: 'patent',
    number: `ZL${PATENT_A}`,
    title: '一种真空保温杯盖',
    filingDate: '2017-06-30',
    grantDate: '2019-01-08',
  });
  ids.mark = await asset(A, {
    kind: 'trademark',
    number: TRADEMARK_A,
    mark: '永康五金',
    niceClasses: [8],
    registrationDate: '2020-05-01',
  });
  ids.lock = await asset(B, {
    kind: 'patent',
    number: PATENT_B,
    title: '一种保温杯的智能锁',
    filingDate: '2019-03-01',
    grantDate: '2020-01-08',
  });
  const pledge = await portal.call('POST', '/pledges', {
    as: asEnterprise(A),
    body: {
      lenderId: BANK,
      assetIds: [ids.mark],
      appraisedValueFen: 500_000_000,
      requestedAmountFen: 100_000_000,
      termMonths: 24,
    },
  });
  expect(pledge.status, JSON.stringify(pledge.body)).toBe(201);
  ids.pledge = pledge.body.id;
  await settle();
}, 60_000);

afterAll(async () => {
  await poller?.stop();
});

describe('what each caller finds', () => {
  it('the office finds enterprises by any Chinese substring of their names, and Latin names too', async () => {
    expect(idsOf(await find(office, '永康五金', '&kind=enterprise'))).toEqual([`enterprise:${A}`]);
    expect(idsOf(await find(office, '有限公司', '&kind=enterprise'))).toEqual(
      [`enterprise:${A}`, `enterprise:${B}`].sort(),
    );
    // Full-width brackets and spaces fold away: （金华）科技 is found as (金华)科技 and as 金华科技.
    expect(idsOf(await find(office, '(金华) 科技', '&kind=enterprise'))).toEqual([`enterprise:${B}`]);
    expect(idsOf(await find(office, 'hardware co', '&kind=enterprise'))).toEqual([`enterprise:${C}`]);
    const hit = (await find(office, '五金制品')).items.find((i) => i.kind === 'enterprise');
    expect(hit).toEqual({ kind: 'enterprise', id: A, title: '金华市永康五金制品有限公司', subtitle: A });
  });

  it('the office finds rights by title across owners, and every kind at once without `kind`', async () => {
    expect(idsOf(await find(office, '保温杯', '&kind=asset'))).toEqual(
      [`asset:${ids.flask}`, `asset:${ids.lock}`].sort(),
    );
    // 永康五金 is A's name, A's mark and (through A) the pledge's applicant.
    expect(idsOf(await find(office, '永康五金'))).toEqual(
      [`enterprise:${A}`, `asset:${ids.mark}`, `pledge:${ids.pledge}`].sort(),
    );
  });

  it('a company finds only its own enterprise, rights and pledges', async () => {
    expect(idsOf(await find(asEnterprise(A), '保温杯'))).toEqual([`asset:${ids.flask}`]);
    expect(idsOf(await find(asEnterprise(B), '保温杯'))).toEqual([`asset:${ids.lock}`]);
    expect(idsOf(await find(asEnterprise(B), '永康五金'))).toEqual([]);
    expect(idsOf(await find(asEnterprise(B), '有限公司'))).toEqual([`enterprise:${B}`]);
    // Neither by number nor by USCC does another company's right or record leak.
    expect(idsOf(await find(asEnterprise(B), PATENT_A))).toEqual([]);
    expect(idsOf(await find(asEnterprise(B), A.slice(0, 16)))).toEqual([]);
    expect(idsOf(await find(asEnterprise(B), ids.pledge.slice(0, 8)))).toEqual([]);
  });

  it('a bank finds the pledges addressed to it by applicant, USCC and right number; another bank nothing', async () => {
    expect(idsOf(await find(asLender(BANK), '永康五金'))).toEqual([`pledge:${ids.pledge}`]);
    expect(idsOf(await find(asLender(BANK), A.slice(0, 10)))).toEqual([`pledge:${ids.pledge}`]);
    expect(idsOf(await find(asLender(BANK), TRADEMARK_A))).toEqual([`pledge:${ids.pledge}`]);
    expect(idsOf(await find(asLender(BANK), '永康', '&kind=enterprise'))).toEqual([]);
    expect(idsOf(await find(asLender(BANK), '保温杯'))).toEqual([]);
    expect(idsOf(await find(asLender(OTHER_BANK), '永康五金'))).toEqual([]);
    expect(idsOf(await find(asLender(OTHER_BANK), TRADEMARK_A))).toEqual([]);
    const hit = (await find(asLender(BANK), '永康')).items[0];
    expect(hit?.title).toBe('金华市永康五金制品有限公司');
    expect(hit?.subtitle).toContain('金华银行');
  });
});

describe('numbers in any spelling, by prefix', () => {
  const spellings = [
    `ZL${PATENT_A}`,
    `CN${PATENT_A}`,
    `zl ${PATENT_A.slice(0, 4)} ${PATENT_A.slice(4, 8)} ${PATENT_A.slice(8)}`,
    PATENT_A.replace('.', ''),
    PATENT_A.slice(0, 8),
    'ZL2017.1060',
    // full-width digits
    [...PATENT_A.slice(0, 9)].map((d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join(''),
  ];
  it.each(spellings)('%s finds the patent', async (q) => {
    expect(idsOf(await find(asEnterprise(A), q, '&kind=asset'))).toEqual([`asset:${ids.flask}`]);
  });

  it('a trademark number and a USCC by prefix, and a prefix that is no number finds nothing', async () => {
    expect(idsOf(await find(office, TRADEMARK_A.slice(0, 5), '&kind=asset'))).toEqual([`asset:${ids.mark}`]);
    expect(idsOf(await find(office, A.slice(0, 16).toLowerCase(), '&kind=enterprise'))).toEqual([
      `enterprise:${A}`,
    ]);
    // A middle piece of a number is not a prefix.
    expect(idsOf(await find(office, PATENT_A.slice(3, 10), '&kind=asset'))).toEqual([]);
  });
});

describe('the index follows the records', () => {
  it('a rename: the old name is gone, the new one found — on the enterprise and its pledges', async () => {
    const res = await portal.call('PUT', `/enterprises/${A}`, {
      as: office,
      body: { name: '浙江飞龙杯业有限公司' },
    });
    expect(res.status).toBe(200);
    await settle();
    expect(idsOf(await find(office, '永康五金', '&kind=enterprise'))).toEqual([]);
    expect(idsOf(await find(office, '飞龙杯业'))).toEqual([`enterprise:${A}`, `pledge:${ids.pledge}`].sort());
    expect(idsOf(await find(asLender(BANK), '飞龙'))).toEqual([`pledge:${ids.pledge}`]);
    // The mark 永康五金 is still A's.
    expect(idsOf(await find(asEnterprise(A), '永康五金'))).toEqual([`asset:${ids.mark}`]);
  });

  it('a transfer: the right leaves the old owner’s results and joins the new owner’s', async () => {
    const res = await portal.call('POST', `/assets/${ids.flask}/legal-events`, {
      as: office,
      body: { type: 'transferred', date: '2026-11-20', toUscc: B },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await settle();
    expect(idsOf(await find(asEnterprise(A), '真空保温'))).toEqual([]);
    expect(idsOf(await find(asEnterprise(A), PATENT_A))).toEqual([]);
    expect(idsOf(await find(asEnterprise(B), '真空保温'))).toEqual([`asset:${ids.flask}`]);
    expect(idsOf(await find(asEnterprise(B), PATENT_A))).toEqual([`asset:${ids.flask}`]);
  });

  it('a deletion removes the right from every result', async () => {
    const res = await portal.call('DELETE', `/assets/${ids.lock}`, { as: asEnterprise(B) });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    await settle();
    expect(idsOf(await find(office, '智能锁'))).toEqual([]);
    expect(idsOf(await find(asEnterprise(B), PATENT_B))).toEqual([]);
    expect(
      await new Store(portal.deps.db, portal.deps.tableName).get(searchDocKey('asset', ids.lock)),
    ).toBeUndefined();
  });

  it('indexing is idempotent: a redelivered change rewrites nothing', async () => {
    const store = new Store(portal.deps.db, portal.deps.tableName);
    const before = await store.get(searchDocKey('enterprise', A));
    expect(await reindex(store, { kind: 'enterprise', id: A })).toBe('unchanged');
    expect(await reindex(store, { kind: 'asset', id: ids.lock })).toBe('unchanged');
    expect(await store.get(searchDocKey('enterprise', A))).toEqual(before);
  });
});

describe('bounded reads', () => {
  it('a page costs at most three requests, however many records share its words', async () => {
    // Forty more companies whose names hold 有限公司, and one that is the only 龙泉青瓷.
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        portal.call('PUT', `/enterprises/${yiwu(`MA2QB${String(i).padStart(4, '0')}`)}`, {
          as: office,
          body: { name: `金华第${i}号科技有限公司` },
        }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(40).fill(201));
    const unique = yiwu('MA2QBUNQ0');
    await portal.call('PUT', `/enterprises/${unique}`, {
      as: office,
      body: { name: '龙泉青瓷科技有限公司' },
    });
    await settle();
    // The caller's directory entry read afresh (its minute may have passed while the index settled): not counted.
    await portal.call('GET', '/me', { as: office });
    log.take();
    const page = await find(office, '青瓷科技有限公司');
    const sent = log.take();
    expect(idsOf(page)).toEqual([`enterprise:${unique}`]);
    // Counts of the bigrams, the postings of the rarest (青瓷: one), the candidates' documents.
    expect(sent).toEqual(['BatchGetItemCommand', 'QueryCommand', 'GetItemCommand']);

    const numberPage = await find(office, unique.slice(0, 16), '&kind=enterprise');
    expect(idsOf(numberPage)).toEqual([`enterprise:${unique}`]);
    expect(log.take()).toEqual(['QueryCommand', 'GetItemCommand']);
    // Forty companies and their index entries through the stream: slow on two busy cores, not a timed assertion.
  }, 120_000);

  it('pages through many hits with the cursor: every hit once, each page bounded', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    await portal.call('GET', '/me', { as: office });
    do {
      log.take();
      const page: Awaited<ReturnType<typeof find>> = await find(
        office,
        '科技有限',
        `&kind=enterprise&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const sent = log.take();
      expect(sent.length).toBeLessThanOrEqual(3);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    // 40 numbered companies, 龙泉青瓷科技, 义乌（金华）科技.
    expect(seen.length).toBe(42);
    expect(new Set(seen).size).toBe(42);
    expect(pages).toBeGreaterThanOrEqual(6);
  });
});

describe('bad input', () => {
  const cases: [string, string][] = [
    ['', 'query.q'],
    ['   ', 'query.q'],
    ['金', 'query.q'],
    ['-.-', 'query.q'],
    ['201', 'query.q'],
    ['金'.repeat(51), 'query.q'],
    ['金华&kind=patent', 'query.kind'],
    ['金华&limit=0', 'query.limit'],
    ['金华&cursor=nonsense', 'query.cursor'],
  ];
  it.each(cases)('q=%s → 400 naming %s', async (q, path) => {
    const [text, rest] = q.split(/&(.*)/s) as [string, string | undefined];
    const res = await portal.call('GET', `/search?q=${encodeURIComponent(text)}${rest ? `&${rest}` : ''}`, {
      as: office,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('a cursor of another caller or another query is refused', async () => {
    const page = await find(office, '科技有限', '&kind=enterprise&limit=2');
    expect(page.nextCursor).toBeTruthy();
    const other = await portal.call(
      'GET',
      `/search?q=${encodeURIComponent('科技有限')}&cursor=${page.nextCursor}`,
      {
        as: asEnterprise(B),
      },
    );
    expect(other.status).toBe(400);
    expect(other.body.errors[0].path).toBe('query.cursor');
    const otherQuery = await portal.call(
      'GET',
      `/search?q=${encodeURIComponent('青瓷')}&cursor=${page.nextCursor}`,
      {
        as: office,
      },
    );
    expect(otherQuery.status).toBe(400);
  });

  it('an insurer has no search', async () => {
    const res = await portal.call('GET', '/search?q=金华', {
      as: { role: 'insurer', org: 'search-insurer' },
    });
    expect(res.status).toBe(403);
  });
});
