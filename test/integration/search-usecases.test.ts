import { BatchWriteCommand, DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { fixedClock } from '../../shared/domain/clock.js';
import type { Enterprise } from '../../shared/domain/enterprise.js';
import { enterpriseDoc, postingId, postingsOf, type SearchKind } from '../../shared/domain/search.js';
import {
  assetKey,
  enterpriseKey,
  partitions,
  pledgeKey,
  searchDocKey,
  searchGramCountKey,
  searchGramKey,
} from '../../shared/store/keys.js';
import { postingKey } from '../../shared/store/search-index.js';
import { Store } from '../../shared/store/toolkit.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { indexChanges, reindex, reindexAll, search } from '../../shared/usecases/search.js';
import { interleavingClient } from '../support/interleave.js';
import { FIXED_NOW, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedItem } from '../support/stored-items.js';

/**
 * Search's use case and its indexer (usecases/search.ts), pinned down for the search part of the use-case layer
 * (mutation testing): who may search and what each caller finds, the query plan (rarest bigram, number prefix),
 * paging and its cursor, and the indexer's outcomes, retries and give-up. One world of records written straight into
 * the table (the indexer reads records as stored) and indexed once with `reindexAll`.
 */
const A = yiwu('MA2S00001');
const B = yiwu('MA2S00002');
const BANK = 'srch-bank';
const OTHER_BANK = 'srch-bank-2';
const PATENT_A = '201710601862.3';
const PATENT_B = '201920123456.7';
/** Companies of one number prefix (8800…) and one bigram (zq): more than a page of postings of each. */
const FAKES = Array.from({ length: 105 }, (_, i) => `8800${String(i + 1).padStart(4, '0')}`);
const TARGET = 'ZZTARGET'; // sorts after every fake: the last posting of the common bigram's partition

const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'office-1' };
const companyA: Actor = { role: 'enterprise', org: A, sub: 'sub-a' };
const companyB: Actor = { role: 'enterprise', org: B, sub: 'sub-b' };
const bank: Actor = { role: 'lender', org: BANK, sub: 'sub-bank' };
const otherBank: Actor = { role: 'lender', org: OTHER_BANK, sub: 'sub-bank-2' };
const insurer: Actor = { role: 'insurer', org: 'srch-insurer', sub: 'sub-ins' };

let portal: TestPortal;
let store: Store;
let uc: UseCaseContext;

const put = (item: Record<string, unknown>) =>
  portal.deps.db.send(new PutCommand({ TableName: portal.tableName, Item: item }));
const enterprise = (uscc: string, name: string) => put({ ...enterpriseKey(uscc), uscc, name });
const asset = (id: string, body: Record<string, unknown>) => put({ ...assetKey(id), id, ...body });
const pledge = (id: string, body: Record<string, unknown>) =>
  put({
    ...pledgeKey(id),
    id,
    gsi1pk: partitions.enterprisePledges(String(body.applicant)),
    gsi1sk: `2026-11-27#${id}`,
    ...body,
  });

const find = (actor: Actor, q: string, opts: { kind?: SearchKind; limit?: number; cursor?: string } = {}) =>
  search(uc, actor, { q, kind: opts.kind, limit: opts.limit ?? 20, cursor: opts.cursor });
const idsOf = (page: { items: { kind: string; id: string }[] }) => page.items.map((i) => `${i.kind}:${i.id}`);
const sorted = (xs: string[]) => [...xs].sort();

/** Every page of a query, following `nextCursor` until it is null. */
async function allPages(actor: Actor, q: string, limit: number, kind?: SearchKind) {
  const pages: { ids: string[]; cursor: string | null }[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await find(actor, q, { limit, cursor, kind });
    pages.push({ ids: idsOf(page), cursor: page.nextCursor });
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
    if (pages.length > 20) throw new Error('paging does not end');
  }
}

/**
 * The look-alikes' documents, postings and bigram counts written as the indexer would write them (what it writes is
 * pinned below on records of their own): a hundred and more documents at the cost of a few batch writes.
 */
async function indexLookAlikes() {
  const items: Record<string, unknown>[] = [];
  const counts = new Map<string, number>();
  for (const id of FAKES) {
    const doc = enterpriseDoc({ uscc: id, name: 'zq' } as Enterprise);
    const postings = postingsOf(doc);
    items.push({
      ...searchDocKey('enterprise', id),
      entity: 'search-doc',
      doc,
      postings: postings.map(postingId),
      token: id,
    });
    for (const p of postings) {
      items.push({ ...postingKey(p, doc), entity: 'search-posting', kind: 'enterprise', id });
      if (p.mode === 'text')
        counts.set(`${p.scope}\u0001${p.term}`, (counts.get(`${p.scope}\u0001${p.term}`) ?? 0) + 1);
    }
  }
  for (const [k, n] of counts) {
    const [scope, term] = k.split('\u0001') as [string, string];
    items.push({ ...searchGramCountKey(scope, term), n });
  }
  for (let i = 0; i < items.length; i += 25)
    await portal.deps.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [portal.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
}

const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** A refusal whole: its kind, its words and its field issues. */
async function refused(p: Promise<unknown>) {
  const e = await refusal(p);
  return { kind: e.kind, message: e.message, extra: e.extra };
}

describe('search use case and indexer', () => {
  beforeAll(async () => {
    portal = await createTestPortal({ clock: fixedClock(FIXED_NOW) });
    store = new Store(portal.deps.db, portal.tableName);
    uc = useCaseContext({ ...portal.deps });
    await enterprise(A, '金华市永康五金制品有限公司');
    await enterprise(B, '义乌（金华）科技有限公司');
    await asset('asset-pa', { kind: 'patent', number: PATENT_A, title: '一种真空保温杯盖', owner: A });
    await asset('asset-tm1', { kind: 'trademark', number: '31234567', mark: '永康五金', owner: A });
    await asset('asset-tm2', { kind: 'trademark', number: '31239999', mark: '永康火腿', owner: A });
    await asset('asset-lb', { kind: 'patent', number: PATENT_B, title: '一种保温杯的智能锁', owner: B });
    await pledge('pledge-p1', {
      applicant: A,
      applicantName: '旧名',
      lenderId: BANK,
      lenderName: '金华银行',
      status: 'submitted',
      assets: [{ number: '31234567' }, { number: '31239999' }],
    });
    await enterprise(TARGET, 'zqxyzq');
    await indexLookAlikes();
    await reindexAll(store, [
      { kind: 'enterprise', id: A },
      { kind: 'enterprise', id: B },
      { kind: 'asset', id: 'asset-pa' },
      { kind: 'asset', id: 'asset-tm1' },
      { kind: 'asset', id: 'asset-tm2' },
      { kind: 'asset', id: 'asset-lb' },
      { kind: 'enterprise', id: TARGET },
    ]);
  }, 60_000);

  describe('who searches', () => {
    it('an insurer is refused, with the reason', async () => {
      expect(await refused(find(insurer, '永康'))).toEqual({
        kind: 'forbidden',
        message: 'Search is for the IP office, banks and companies.',
        extra: {},
      });
    });

    it('the office finds every kind; `kind` narrows', async () => {
      expect(sorted(idsOf(await find(OFFICE, '永康五金')))).toEqual(
        sorted([`enterprise:${A}`, 'asset:asset-tm1', 'pledge:pledge-p1']),
      );
      expect(idsOf(await find(OFFICE, '永康五金', { kind: 'enterprise' }))).toEqual([`enterprise:${A}`]);
      expect(idsOf(await find(OFFICE, '永康五金', { kind: 'asset' }))).toEqual(['asset:asset-tm1']);
      expect(idsOf(await find(OFFICE, '永康五金', { kind: 'pledge' }))).toEqual(['pledge:pledge-p1']);
      expect(sorted(idsOf(await find(OFFICE, '保温杯', { kind: 'asset' })))).toEqual([
        'asset:asset-lb',
        'asset:asset-pa',
      ]);
    });

    it('the whole hit: kind, id, title and subtitle', async () => {
      expect(await find(OFFICE, '五金制品')).toEqual({
        items: [
          { kind: 'enterprise', id: A, title: '金华市永康五金制品有限公司', subtitle: A },
          {
            kind: 'pledge',
            id: 'pledge-p1',
            title: '金华市永康五金制品有限公司',
            subtitle: '金华银行 · submitted',
          },
        ],
        nextCursor: null,
      });
      expect(await find(bank, '永康五金')).toEqual({
        items: [
          {
            kind: 'pledge',
            id: 'pledge-p1',
            title: '金华市永康五金制品有限公司',
            subtitle: '金华银行 · submitted',
          },
        ],
        nextCursor: null,
      });
    });

    it('a company finds only its own', async () => {
      expect(idsOf(await find(companyA, '保温杯'))).toEqual(['asset:asset-pa']);
      expect(idsOf(await find(companyB, '保温杯'))).toEqual(['asset:asset-lb']);
      expect(idsOf(await find(companyB, '永康五金'))).toEqual([]);
      expect(idsOf(await find(companyB, PATENT_A))).toEqual([]);
      expect(idsOf(await find(companyB, '有限公司'))).toEqual([`enterprise:${B}`]);
    });

    it('a bank finds its pledges, and nothing of another kind; another bank nothing', async () => {
      expect(idsOf(await find(bank, '永康'))).toEqual(['pledge:pledge-p1']);
      expect(idsOf(await find(bank, '永康', { kind: 'pledge' }))).toEqual(['pledge:pledge-p1']);
      expect(await find(bank, '永康', { kind: 'enterprise' })).toEqual({ items: [], nextCursor: null });
      expect(await find(bank, '3123', { kind: 'asset' })).toEqual({ items: [], nextCursor: null });
      expect(idsOf(await find(bank, '3123'))).toEqual(['pledge:pledge-p1']);
      expect(idsOf(await find(otherBank, '永康'))).toEqual([]);
    });

    it('a bank asking for another kind is answered empty without reading (even a foreign cursor)', async () => {
      expect(await find(bank, '永康', { kind: 'asset', cursor: 'not-a-cursor' })).toEqual({
        items: [],
        nextCursor: null,
      });
    });
  });

  describe('queries', () => {
    it('numbers in any spelling, by prefix; a middle piece is no prefix', async () => {
      for (const q of [`ZL${PATENT_A}`, `CN${PATENT_A}`, 'zl 2017 1060 1862', '2017106', 'ZL2017.1060'])
        expect(idsOf(await find(companyA, q, { kind: 'asset' })), q).toEqual(['asset:asset-pa']);
      expect(idsOf(await find(OFFICE, PATENT_A.slice(3, 10)))).toEqual([]);
      expect(idsOf(await find(OFFICE, A.slice(0, 17).toLowerCase(), { kind: 'enterprise' }))).toEqual([
        `enterprise:${A}`,
      ]);
    });

    it('full-width brackets and spaces fold away in names', async () => {
      expect(idsOf(await find(OFFICE, '(金华) 科技'))).toEqual([`enterprise:${B}`]);
    });

    it('a pledge with two numbers of one prefix is one hit', async () => {
      expect(await find(OFFICE, '3123', { kind: 'pledge' })).toEqual({
        items: [
          {
            kind: 'pledge',
            id: 'pledge-p1',
            title: '金华市永康五金制品有限公司',
            subtitle: '金华银行 · submitted',
          },
        ],
        nextCursor: null,
      });
      expect(sorted(idsOf(await find(OFFICE, '3123')))).toEqual(
        sorted(['asset:asset-tm1', 'asset:asset-tm2', 'pledge:pledge-p1']),
      );
    });

    it('a bigram no document holds: nothing, and a bigram the counts do not know is held by none', async () => {
      expect(await find(OFFICE, '永康飞龙')).toEqual({ items: [], nextCursor: null });
      // A count lost (a crash between a posting and its count): the planner trusts the counts.
      const count = searchGramCountKey(`enterprise:${B}`, '乌金');
      const before = await storedItem(portal, count.pk, count.sk);
      expect(before).toBeDefined();
      expect(idsOf(await find(companyB, '义乌金'))).toEqual([`enterprise:${B}`]);
      expect(idsOf(await find(companyB, '乌金'))).toEqual([`enterprise:${B}`]);
      await portal.deps.db.send(new DeleteCommand({ TableName: portal.tableName, Key: count }));
      try {
        expect(await find(companyB, '乌金')).toEqual({ items: [], nextCursor: null });
        expect(await find(companyB, '义乌金')).toEqual({ items: [], nextCursor: null });
      } finally {
        await put(before as Record<string, unknown>);
      }
    });

    it('the rarest bigram is read, not the first or a common one', async () => {
      const hit = { kind: 'enterprise', id: TARGET, title: 'zqxyzq', subtitle: TARGET };
      for (const q of ['zqxy', 'xyzq', 'qxyz', 'zqxyzq'])
        expect(await find(OFFICE, q, { limit: 5 }), q).toEqual({ items: [hit], nextCursor: null });
    });
  });

  describe('paging', () => {
    const fakeIds = FAKES.map((id) => `enterprise:${id}`);

    it('a number prefix, page by page: every hit once, in order, then no cursor', async () => {
      const sizes: Record<number, number[]> = {
        7: Array(15).fill(7),
        50: [50, 50, 5],
        100: [100, 5],
        105: [100, 5],
        200: [100, 5],
      };
      for (const [limit, expected] of Object.entries(sizes)) {
        const pages = await allPages(OFFICE, '8800', Number(limit));
        expect(
          pages.flatMap((p) => p.ids),
          limit,
        ).toEqual(fakeIds);
        expect(
          pages.map((p) => p.ids.length),
          limit,
        ).toEqual(expected);
      }
    });

    it('limit reached at the last posting read: a cursor only when more postings follow', async () => {
      const first = await find(OFFICE, '8800', { limit: 100 });
      expect(first.items).toHaveLength(100);
      expect(first.nextCursor).toEqual(cursorOf([`SRCH#office#N#8800`, `88000100#enterprise#88000100`]));
      const rest = await find(OFFICE, '8800', { limit: 5, cursor: first.nextCursor as string });
      expect(rest).toEqual({
        items: FAKES.slice(100).map((id) => ({ kind: 'enterprise', id, title: 'zq', subtitle: id })),
        nextCursor: null,
      });
      const two = await find(OFFICE, '8800', { limit: 2, cursor: first.nextCursor as string });
      expect(idsOf(two)).toEqual(fakeIds.slice(100, 102));
      expect(two.nextCursor).toEqual(cursorOf([`SRCH#office#N#8800`, `88000102#enterprise#88000102`]));
    });

    it('a number query reads only postings under its prefix', async () => {
      const page = await find(OFFICE, '880001', { limit: 200 });
      expect(idsOf(page)).toEqual(fakeIds.slice(99));
      expect(page.nextCursor).toBeNull();
    });

    it('a page of false candidates: no hits but a cursor, then the end', async () => {
      const first = await find(OFFICE, '8800', { kind: 'asset', limit: 10 });
      expect(first).toEqual({
        items: [],
        nextCursor: cursorOf([`SRCH#office#N#8800`, `88000100#enterprise#88000100`]),
      });
      expect(
        await find(OFFICE, '8800', { kind: 'asset', limit: 10, cursor: first.nextCursor as string }),
      ).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('a text query pages by its cursor too, and the last page has none', async () => {
      const pages = await allPages(OFFICE, '有限公司', 1);
      expect(pages.map((p) => p.ids)).toEqual([
        [`enterprise:${A}`],
        [`enterprise:${B}`],
        ['pledge:pledge-p1'],
      ]);
      expect(pages.map((p) => p.cursor === null)).toEqual([false, false, true]);
      // A cursor goes on in the partition it names, though the counts (and so the plan) changed since it was issued.
      const first = await find(OFFICE, '有限公司', { limit: 1 });
      expect(first.nextCursor).toEqual(cursorOf([`SRCH#office#G#有限`, `enterprise#${A}`]));
      const count = searchGramCountKey('office', '公司');
      const before = await storedItem(portal, count.pk, count.sk);
      await put({ ...count, n: 1 });
      try {
        expect(
          idsOf(await find(OFFICE, '有限公司', { limit: 1, cursor: first.nextCursor as string })),
        ).toEqual([`enterprise:${B}`]);
      } finally {
        await put(before as Record<string, unknown>);
      }
      // `kind` reads only that kind's postings: B is the last enterprise posting, so its page ends the paging.
      const enterprises = await allPages(OFFICE, '有限公司', 1, 'enterprise');
      expect(enterprises).toEqual([
        { ids: [`enterprise:${A}`], cursor: expect.any(String) },
        { ids: [`enterprise:${B}`], cursor: null },
      ]);
      const limited = await allPages(OFFICE, 'zq', 60, 'enterprise');
      expect(limited.flatMap((p) => p.ids)).toEqual([...fakeIds, `enterprise:${TARGET}`]);
      expect(limited.map((p) => p.ids.length)).toEqual([60, 46]);
    });
  });

  describe('cursors refused', () => {
    const check = async (actor: Actor, q: string, cursor: string) =>
      expect(await refused(find(actor, q, { cursor })), cursor).toEqual({
        kind: 'validation',
        message: 'The request is not valid.',
        extra: { errors: [{ path: 'query.cursor', message: 'is not a cursor this search issued to you' }] },
      });

    it('another caller’s, another query’s, a tampered one, and no cursor at all', async () => {
      const office = (await find(OFFICE, '有限公司', { limit: 1 })).nextCursor as string;
      await check(companyB, '有限公司', office);
      await check(OFFICE, '保温杯', office);
      await check(OFFICE, '8800', office);
      const number = (await find(OFFICE, '8800', { limit: 1 })).nextCursor as string;
      await check(OFFICE, '8801', number);
      await check(OFFICE, '有限公司', number);
      for (const bad of [
        'not-a-cursor',
        '',
        cursorOf(['SRCH#office#N#8800']),
        cursorOf(['SRCH#office#N#8800', '88000001#enterprise#88000001', 'x']),
        cursorOf(['SRCH#office#N#8800', 5]),
        cursorOf({ 0: 'SRCH#office#N#8800', 1: 'x', length: 2 }),
        cursorOf(['SRCH#office#N#8800', 'x'.repeat(513)]),
      ])
        await check(OFFICE, '8800', bad);
      // 512 characters are a cursor still.
      const long = await find(OFFICE, '8800', {
        limit: 1,
        cursor: cursorOf(['SRCH#office#N#8800', `8800${'z'.repeat(508)}`]),
      });
      expect(long).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('the indexer', () => {
    it('written, unchanged, removed, and unchanged again when neither record nor document is there', async () => {
      const ref = { kind: 'asset' as const, id: 'asset-new' };
      expect(await reindex(store, ref)).toBe('unchanged');
      await asset('asset-new', { kind: 'trademark', number: '41230001', mark: '飞龙杯业', owner: B });
      expect(await reindex(store, ref)).toBe('written');
      expect(idsOf(await find(companyB, '飞龙'))).toEqual(['asset:asset-new']);
      expect(await reindex(store, ref)).toBe('unchanged');
      await asset('asset-new', { kind: 'trademark', number: '41230001', mark: '飞龙杯', owner: B });
      expect(await reindex(store, ref)).toBe('written');
      const gone = searchGramKey('office', '杯业', 'asset', 'asset-new');
      expect(await storedItem(portal, gone.pk, gone.sk)).toBeUndefined();
      await portal.deps.db.send(
        new DeleteCommand({ TableName: portal.tableName, Key: assetKey('asset-new') }),
      );
      expect(await reindex(store, ref)).toBe('removed');
      const doc = searchDocKey('asset', 'asset-new');
      expect(await storedItem(portal, doc.pk, doc.sk)).toBeUndefined();
      const posting = searchGramKey('office', '飞龙', 'asset', 'asset-new');
      expect(await storedItem(portal, posting.pk, posting.sk)).toBeUndefined();
      expect(idsOf(await find(companyB, '飞龙'))).toEqual([]);
      expect(await reindex(store, ref)).toBe('unchanged');
    });

    it('an enterprise’s change re-indexes its pledges (by its current name), through the stream entry too', async () => {
      await enterprise(A, '浙江飞龙五金有限公司');
      await indexChanges(store, [
        { dynamodb: { Keys: { pk: { S: `ENT#${A}` }, sk: { S: 'ENT' } } } },
        { dynamodb: { Keys: { pk: { S: 'EVENT#x' }, sk: { S: 'EVENT#1' } } } },
      ]);
      expect(sorted(idsOf(await find(OFFICE, '飞龙五金')))).toEqual(
        sorted([`enterprise:${A}`, 'pledge:pledge-p1']),
      );
      expect(idsOf(await find(bank, '飞龙五金'))).toEqual(['pledge:pledge-p1']);
      await enterprise(A, '金华市永康五金制品有限公司');
      await reindex(store, { kind: 'enterprise', id: A });
      expect(idsOf(await find(bank, '飞龙五金'))).toEqual([]);
      expect(idsOf(await find(bank, '永康五金'))).toEqual(['pledge:pledge-p1']);
    });

    it('a pledge whose applicant is gone is found by the name it was applied with', async () => {
      await pledge('pledge-p2', {
        applicant: 'NOSUCHCOMPANY',
        applicantName: '消失公司',
        lenderId: BANK,
        status: 'draft',
        assets: [],
      });
      expect(await reindex(store, { kind: 'pledge', id: 'pledge-p2' })).toBe('written');
      // A posting whose document is gone (a crash between the two writes) is skipped.
      await put({
        ...searchGramKey('office', '消失', 'pledge', 'ghost'),
        entity: 'search-posting',
        kind: 'pledge',
        id: 'ghost',
      });
      expect(idsOf(await find(OFFICE, '消失'))).toEqual(['pledge:pledge-p2']);
      expect(await find(bank, '消失')).toEqual({
        items: [{ kind: 'pledge', id: 'pledge-p2', title: '消失公司', subtitle: `${BANK} · draft` }],
        nextCursor: null,
      });
    });

    /** Another indexer's write of the document, just before ours, `times` times in a row. */
    const racingIndexer = (ref: { kind: string; id: string }, times: number) => {
      const interleaving = interleavingClient();
      let left = times;
      const rewrite = async () => {
        const key = searchDocKey(ref.kind, ref.id);
        await portal.deps.db.send(
          new UpdateCommand({
            TableName: portal.tableName,
            Key: key,
            UpdateExpression: 'SET #t = :t',
            ExpressionAttributeNames: { '#t': 'token' },
            ExpressionAttributeValues: { ':t': `other-${left}` },
          }),
        );
        left--;
        if (left > 0) interleaving.beforeNext(rewrite);
      };
      interleaving.beforeNext(rewrite);
      return { store: new Store(interleaving.db, portal.tableName), left: () => left };
    };

    it('a document rewritten meanwhile: tried again; four times still converges', async () => {
      const ref = { kind: 'pledge' as const, id: 'pledge-p2' };
      await pledge('pledge-p2', {
        applicant: 'NOSUCHCOMPANY',
        applicantName: '消失公司',
        lenderId: BANK,
        status: 'submitted',
        assets: [],
      });
      const race = racingIndexer(ref, 4);
      expect(await reindex(race.store, ref)).toBe('written');
      expect(race.left()).toBe(0);
      expect((await find(bank, '消失')).items[0]?.subtitle).toBe(`${BANK} · submitted`);
    });

    it('five times: it gives up, naming the record', async () => {
      const ref = { kind: 'pledge' as const, id: 'pledge-p2' };
      await pledge('pledge-p2', {
        applicant: 'NOSUCHCOMPANY',
        applicantName: '消失公司',
        lenderId: BANK,
        status: 'approved',
        assets: [],
      });
      const race = racingIndexer(ref, 5);
      await expect(reindex(race.store, ref)).rejects.toThrow(
        /^search index: pledge pledge-p2 kept changing$/,
      );
      expect(race.left()).toBe(0);
    });

    it('a rename racing another: the postings the lost attempt added are taken back', async () => {
      const ref = { kind: 'asset' as const, id: 'asset-race' };
      await asset('asset-race', { kind: 'trademark', number: '51230001', mark: '甲乙', owner: B });
      expect(await reindex(store, ref)).toBe('written');
      await asset('asset-race', { kind: 'trademark', number: '51230001', mark: '丙丁', owner: B });
      const interleaving = interleavingClient();
      interleaving.beforeNext(async () => {
        await asset('asset-race', { kind: 'trademark', number: '51230001', mark: '戊己', owner: B });
        await reindex(store, ref);
      });
      expect(await reindex(new Store(interleaving.db, portal.tableName), ref)).toBe('written');
      expect(interleaving.waiting()).toBe(false);
      for (const gram of ['甲乙', '丙丁']) {
        const key = searchGramKey('office', gram, 'asset', 'asset-race');
        expect(await storedItem(portal, key.pk, key.sk), gram).toBeUndefined();
      }
      const kept = searchGramKey('office', '戊己', 'asset', 'asset-race');
      expect(await storedItem(portal, kept.pk, kept.sk)).toBeDefined();
      expect(idsOf(await find(companyB, '戊己'))).toEqual(['asset:asset-race']);
    });
  });
});
