/**
 * Search at scale and the statistics audit per Scan segment (bench/README.md, sections 6 and 7).
 *
 * Search: the office's index of N enterprises is written straight into DynamoDB Local with BatchWriteItem (the
 * documents, bigram and number postings and bigram counts the indexer would write, built by the same domain
 * functions), growing 10^4 → 10^5 (→ 10^6 with --million), and at each size the same queries run through the
 * search use case on a client that counts what DynamoDB reports (items read, read capacity). Only the office's
 * scope is loaded: a company's or a bank's postings live in partitions of their own that an office query never
 * reads, so leaving them out changes neither what is measured nor the partitions' sizes.
 *
 * Audit: N source items (rights, as the audit reads them), scanned as one segment and as S segments one after
 * another (time per segment) and all at once (the wall time of a fan-out).
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fixedClock } from '../../shared/domain/clock.js';
import type { Enterprise } from '../../shared/domain/enterprise.js';
import { enterpriseDoc, postingId, postingsOf } from '../../shared/domain/search.js';
import { scanSegment } from '../../shared/jobs/reconcile-stats.js';
import { ensureTable } from '../../shared/store/ensure-table.js';
import { assetKey, searchDocKey, searchGramCountKey, searchGramKey } from '../../shared/store/keys.js';
import { postingKey, postingOfId } from '../../shared/store/search-index.js';
import { jobContext } from '../../shared/usecases/context.js';
import { search } from '../../shared/usecases/search.js';
import { countingDocumentClient } from '../lib/counting-client.js';
import { log, median, round, table, usccOf } from '../lib/util.js';

const round2 = (n: number) => round(n, 2);
const LOCAL = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const COUNTIES = ['婺城', '金东', '兰溪', '东阳', '义乌', '永康', '浦江', '武义', '磐安'];
const INDUSTRIES = ['五金', '科技', '纺织', '食品', '电器', '工具', '服饰', '建材', '玩具', '化工'];
const SUFFIXES = ['有限公司', '股份有限公司', '有限责任公司'];
/** 100 characters for brand names: 10^4 two-character brands, each held by ~N/10^4 enterprises. */
const BRAND_CHARS =
  '龙凤华盛泰丰鑫源通达宏远恒安康瑞祥福德新兴利民顺昌永嘉信诚天宇佳美金银星光明辉荣耀东方海峰山川青云飞' +
  '鹏翔腾跃旭阳春秋雅韵博文睿智精工巧匠鼎立乾坤合众联创汇聚百川万家千禧晨曦锦绣江南北辰中正大成';

const orgCode = (i: number) => {
  let s = '';
  let n = i;
  for (let k = 0; k < 8; k++) {
    s = (USCC_ALPHABET[n % USCC_ALPHABET.length] as string) + s;
    n = Math.floor(n / USCC_ALPHABET.length);
  }
  return `M${s}`;
};

/** The i-th synthetic enterprise: 金华 county + brand + industry + legal form, e.g. 永康飞龙五金有限公司. */
function enterpriseOf(i: number): Enterprise {
  const a = BRAND_CHARS[(i * 7919) % BRAND_CHARS.length] as string;
  const b = BRAND_CHARS[Math.floor(i / BRAND_CHARS.length) % BRAND_CHARS.length] as string;
  const name = `${COUNTIES[i % COUNTIES.length]}${a}${b}${INDUSTRIES[(i >> 3) % INDUSTRIES.length]}${SUFFIXES[i % 3]}`;
  const uscc = usccOf(orgCode(i));
  return { uscc, name, divisionCode: '330782', version: 1, createdAt: '', updatedAt: '' };
}

/** The index items of enterprises [from, to) in the office scope, and their bigrams' counts. */
function indexItems(from: number, to: number, counts: Map<string, number>): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) {
    const e = enterpriseOf(i);
    const doc = enterpriseDoc(e);
    const postings = [...new Set(postingsOf(doc).map(postingId))];
    items.push({
      ...searchDocKey('enterprise', e.uscc),
      entity: 'search-doc',
      doc,
      postings,
      token: randomUUID(),
    });
    for (const id of postings) {
      const p = postingOfId(id);
      if (p.scope !== 'office') continue;
      items.push({ ...postingKey(p, doc), entity: 'search-posting', kind: 'enterprise', id: e.uscc });
      if (p.mode === 'text') counts.set(p.term, (counts.get(p.term) ?? 0) + 1);
    }
  }
  return items;
}

async function batchWrite(db: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]) {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let pending = (chunks[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0 && attempt < 8; attempt++) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

interface QueryFigures {
  name: string;
  q: string;
  ms: number;
  hits: number;
  requests: number;
  itemsRead: number;
  rcu: number;
}

export async function searchScale(
  endpoint: string,
  options: { sizes: number[]; hot?: number[]; runs: number; maxLoadSeconds: number },
): Promise<{ rows: unknown[]; text: string }> {
  const tableName = `bench-search-${randomUUID()}`;
  const admin = new DynamoDBClient({ endpoint, ...LOCAL });
  // No stream: the index is written straight in, and DynamoDB Local slows each streamed write by the stream's size.
  await ensureTable(admin, tableName, { stream: false });
  const counter = countingDocumentClient(endpoint);
  const uc = jobContext({ db: counter.db, tableName }, fixedClock(new Date()));
  const office = { role: 'ipoffice' as const, org: null };
  const target = enterpriseOf(7);
  const brand = target.name.slice(2, 6); // brand + industry, e.g. 飞龙五金
  const queries = [
    { name: 'every name has it (有限公司)', q: '有限公司' },
    { name: 'brand + industry (rare)', q: brand },
    { name: 'common words (科技有限)', q: '科技有限' },
    { name: 'USCC prefix (14)', q: target.uscc.slice(0, 14) },
    { name: 'no such name', q: '量子纠缠' },
  ];
  const measure = async (): Promise<QueryFigures[]> => {
    const figures: QueryFigures[] = [];
    for (const query of queries) {
      const ms: number[] = [];
      let page = { items: [] as unknown[] };
      let cost = counter.reset();
      for (let r = 0; r < options.runs; r++) {
        counter.reset();
        const t = performance.now();
        page = await search(uc, office, { q: query.q, limit: 20 });
        ms.push(performance.now() - t);
        cost = counter.reset();
      }
      figures.push({
        ...query,
        ms: round(median(ms), 1),
        hits: page.items.length,
        requests: Object.values(cost.commands).reduce((a, b) => a + b, 0),
        itemsRead: cost.itemsRead,
        rcu: round(cost.rcu, 1),
      });
    }
    return figures;
  };
  const counts = new Map<string, number>();
  const rows: {
    size: number | string;
    loadSeconds: number;
    itemsInTable: number;
    queries: QueryFigures[];
  }[] = [];
  const skipped: string[] = [];
  let loaded = 0;
  let itemsInTable = 0;
  try {
    for (const size of options.sizes) {
      const started = performance.now();
      const step = 10_000;
      while (loaded < size) {
        const items = indexItems(loaded, Math.min(size, loaded + step), counts);
        await batchWrite(counter.db, tableName, items);
        itemsInTable += items.length;
        loaded = Math.min(size, loaded + step);
        if ((performance.now() - started) / 1000 > options.maxLoadSeconds) break;
      }
      // The bigram counts as the indexer keeps them.
      await batchWrite(
        counter.db,
        tableName,
        [...counts].map(([gram, n]) => ({ ...searchGramCountKey('office', gram), entity: 'search-df', n })),
      );
      const loadSeconds = (performance.now() - started) / 1000;
      log(
        `  search: ${loaded} enterprises (${itemsInTable} index items) loaded in ${round(loadSeconds, 1)} s`,
      );
      const figures = await measure();
      rows.push({ size: loaded, loadSeconds: round(loadSeconds, 1), itemsInTable, queries: figures });
      if (loaded < size) {
        skipped.push(
          `Loading stopped at ${loaded} of ${size} enterprises after ${options.maxLoadSeconds} s (the loader's budget).`,
        );
        break;
      }
    }
    // The worst partitions of a 10^N city without loading all of it: the bigrams every name holds (有限, 限公, 公司)
    // grown to `hot` postings each (keys sorting after the real ones), their counts to match.
    for (const hot of options.hot ?? []) {
      const started = performance.now();
      const grams = ['有限', '限公', '公司'];
      for (const gram of grams) {
        const have = counts.get(gram) ?? 0;
        const extra = Array.from({ length: Math.max(0, hot - have) }, (_, k) => ({
          ...searchGramKey('office', gram, 'enterprise', `~hot${String(k).padStart(7, '0')}`),
          entity: 'search-posting',
          kind: 'enterprise',
          id: `~hot${k}`,
        }));
        await batchWrite(counter.db, tableName, extra);
        itemsInTable += extra.length;
        counts.set(gram, Math.max(have, hot));
      }
      await batchWrite(
        counter.db,
        tableName,
        grams.map((gram) => ({
          ...searchGramCountKey('office', gram),
          entity: 'search-df',
          n: counts.get(gram),
        })),
      );
      const loadSeconds = (performance.now() - started) / 1000;
      log(`  search: 有限/限公/公司 grown to ${hot} postings each in ${round(loadSeconds, 1)} s`);
      rows.push({
        size: `${loaded} (+ ${hot} in 有限/限公/公司)`,
        loadSeconds: round(loadSeconds, 1),
        itemsInTable,
        queries: await measure(),
      });
    }
  } finally {
    // The table stays: the bench's DynamoDB Local (in memory) goes with it at the end, and deleting 10^6 items
    // there would hold the emulator for minutes.
    counter.db.destroy();
    admin.destroy();
  }
  const text = [
    table([
      ['enterprises', 'index items', 'query', 'q', 'hits', 'median ms', 'requests', 'items read', 'RCU'],
      ...rows.flatMap((r) =>
        r.queries.map((f) => [
          r.size,
          r.itemsInTable,
          f.name,
          f.q,
          f.hits,
          f.ms,
          f.requests,
          f.itemsRead,
          f.rcu,
        ]),
      ),
    ]),
    rows.every((r) => r.queries.every((f) => f.itemsRead <= 250 && f.requests <= 3))
      ? 'Every query read at most 3 requests and 250 items at every size (bounded: 1 BatchGet of ≤ 50 bigram counts, 1 Query of ≤ 100 postings, 1 BatchGet of ≤ 100 documents).'
      : '⚠ A query read more than 3 requests or 250 items.',
    ...skipped,
  ].join('\n');
  return { rows, text };
}

/** A right as the audit reads it (granted, in force), owned by one of 1 000 enterprises. */
const assetItem = (i: number) => ({
  ...assetKey(`bench-${i}`),
  entity: 'asset',
  id: `bench-${i}`,
  owner: usccOf(orgCode(i % 1000)),
  kind: 'patent',
  patentType: 'invention',
  status: 'granted',
  grantDate: '2020-01-01',
  expiresOn: '2040-01-01',
  number: `bench-${i}`,
  title: '一种真空保温杯盖',
});

export async function reconcileSegments(
  endpoint: string,
  options: { items: number; segments: number },
): Promise<{ rows: unknown[]; text: string }> {
  const tableName = `bench-audit-${randomUUID()}`;
  const admin = new DynamoDBClient({ endpoint, ...LOCAL });
  // No stream: the index is written straight in, and DynamoDB Local slows each streamed write by the stream's size.
  await ensureTable(admin, tableName, { stream: false });
  const counter = countingDocumentClient(endpoint);
  const deps = { db: counter.db, tableName };
  const clock = fixedClock(new Date());
  const rows: Record<string, number | string>[] = [];
  try {
    const started = performance.now();
    for (let i = 0; i < options.items; i += 10_000)
      await batchWrite(
        counter.db,
        tableName,
        Array.from({ length: Math.min(10_000, options.items - i) }, (_, k) => assetItem(i + k)),
      );
    log(`  audit: ${options.items} items loaded in ${round((performance.now() - started) / 1000, 1)} s`);
    const time = async (f: () => Promise<unknown>) => {
      const t = performance.now();
      await f();
      return (performance.now() - t) / 1000;
    };
    // Two rounds, the first warming DynamoDB Local (its first full Scan is several times slower); the second counts.
    let whole = 0;
    let perSegment: number[] = [];
    let parallel = 0;
    for (let round = 0; round < 2; round++) {
      whole = await time(() => scanSegment(deps, clock, { segment: 0, totalSegments: 1 }));
      perSegment = [];
      for (let s = 0; s < options.segments; s++)
        perSegment.push(
          await time(() => scanSegment(deps, clock, { segment: s, totalSegments: options.segments })),
        );
      parallel = await time(() =>
        Promise.all(
          Array.from({ length: options.segments }, (_, segment) =>
            scanSegment(deps, clock, { segment, totalSegments: options.segments }),
          ),
        ),
      );
      log(
        `  audit round ${round + 1}: whole ${round2(whole)} s, segments ${perSegment.map(round2).join(' ')} s`,
      );
    }
    const rate = options.items / whole;
    const province = 2e7;
    // A segment must finish in half of Lambda's 15 minutes (room for a slower table, retries and growth).
    const needed = Math.ceil(province / (rate * 450));
    rows.push(
      { run: '1 segment (today’s single invocation)', seconds: round(whole, 1), 'items/s': Math.round(rate) },
      {
        run: `${options.segments} segments, one after another (median per segment)`,
        seconds: round(median(perSegment), 1),
        'items/s': Math.round(options.items / options.segments / median(perSegment)),
      },
      {
        run: `${options.segments} segments at once (wall time, 2 cores)`,
        seconds: round(parallel, 1),
        'items/s': Math.round(options.items / parallel),
      },
    );
    const text = [
      table([
        ['run', 'seconds', 'items/s'],
        ...rows.map((r) => [r.run, r.seconds, r['items/s']] as (string | number)[]),
      ]),
      `A province's ~2×10^7 items at ${Math.round(rate)} items/s per segment: ${round(province / rate / 60, 1)} min in one ` +
        `invocation; with each segment held to 7.5 min (half of Lambda's 15), at least ${needed} segments ` +
        '(the stack uses 64: infra/stats-audit.ts).',
    ].join('\n');
    return { rows: [...rows, { province, ratePerSegment: rate, segmentsNeeded: needed }], text };
  } finally {
    counter.db.destroy();
    await admin.send(new DeleteTableCommand({ TableName: tableName }));
    admin.destroy();
  }
}
