import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DESIGNATION_LEVELS } from '../../shared/domain/designation.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { interestFactKey } from '../../shared/store/keys.js';
import { claimPaidFact, policyIssuedFact } from '../../shared/store/stats-facts.js';
import type { WriteItem } from '../../shared/store/toolkit.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { statsRecords } from '../../shared/usecases/stats.js';
import { asEnterprise, asLender, office, patentNo, pledgeFixtures } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The drill-down `GET /stats/records` over a small world built through the API (loans in every place of the book,
 * patents, trademarks, designations) and facts written as their transactions write them (policies, claim payments,
 * the interest paid the subsidy reads). Each figure's records, what each adds to the figure (computed here, not by
 * the code under test), the cursor across a figure's sources (limit 1, 2 and 3 so every source boundary is crossed)
 * and the filters. Mutation testing found these unpinned (README "Mutation testing").
 */

const A = withUsccCheck('91330782MA2R00001'); // Yiwu
const B = withUsccCheck('91330702MA2R00002'); // Wucheng
const C = withUsccCheck('91330703MA2R00003'); // Jindong
const D = withUsccCheck('91330100MA2R00004'); // Hangzhou, outside the city
const BANK_A = 'rec-bank-a';
const BANK_B = 'rec-bank-b';
const YEAR = 2026;
const TODAY = '2026-06-16';

type Rec = Record<string, unknown> & { kind: string; countedFen?: number };
const fen = (xs: readonly (number | undefined)[]) => xs.reduce<bigint>((s, x) => s + BigInt(x ?? 0), 0n);
const sortBy = <T>(xs: readonly T[], key: (x: T) => string) =>
  [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** The days from `from` to `to` (UTC dates, independent of the code's date helpers). */
const daysFrom = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

describe('the records behind each figure', () => {
  let portal: TestPortal;
  let now = new Date('2026-01-05T02:00:00.000Z');

  /** The loans, as the book holds them on TODAY (computed from what was done to them below). */
  const loans: Record<
    'L1' | 'L2' | 'L3' | 'L5',
    { id: string; uscc: string; division: string; lender: string; amount: number; disbursedOn: string }
  > = {} as never;
  /** Every asset created, as the API answered. */
  const assets: {
    id: string;
    owner: string;
    number: string;
    title: string;
    type: string;
    expiresOn: string;
    grantYear?: number;
  }[] = [];

  /** Follows `nextCursor` to the end; every page holds at most `limit` records. */
  async function pages(
    query: string,
    limit: number,
  ): Promise<{ pages: Rec[][]; cursors: (string | null)[] }> {
    const out: Rec[][] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | null = null;
    do {
      const res = await portal.call(
        'GET',
        `/stats/records?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { as: office },
      );
      expect(res.status, `${query} ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      out.push(res.body.items);
      cursor = res.body.nextCursor;
      cursors.push(cursor);
      expect(out.length, query).toBeLessThan(50);
    } while (cursor);
    return { pages: out, cursors };
  }
  const records = async (query: string, limit = 100) => (await pages(query, limit)).pages.flat();
  const get = (url: string) => portal.call('GET', url, { as: office });
  /** A cursor made by hand: base64url JSON, as the issued ones are. */
  const json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const refusesCursor = async (query: string, cursor: string) => {
    const res = await get(`/stats/records?${query}&cursor=${encodeURIComponent(cursor)}`);
    expect(res.status, `${query} ${cursor} ${JSON.stringify(res.body)}`).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'query.cursor', message: 'is not a cursor this list issued to you' },
    ]);
  };

  let serial = 0;
  async function asset(owner: string, body: Record<string, unknown>, type: string, grantYear?: number) {
    const res = await portal.call('POST', `/enterprises/${owner}/assets`, { as: asEnterprise(owner), body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const a = {
      id: res.body.id as string,
      owner,
      number: res.body.number as string,
      title: (res.body.title ?? res.body.mark) as string,
      type,
      expiresOn: res.body.expiresOn as string,
      ...(grantYear === undefined ? {} : { grantYear }),
    };
    assets.push(a);
    return a.id;
  }
  const patent = (owner: string, type: 1 | 2 | 3, filingDate: string, grantDate?: string) =>
    asset(
      owner,
      {
        kind: 'patent',
        number: patentNo(Number(filingDate.slice(0, 4)), type, ++serial),
        title: `Flask ${serial}`,
        filingDate,
        ...(grantDate ? { grantDate } : {}),
      },
      ({ 1: 'invention', 2: 'utility_model', 3: 'design' } as const)[type],
      grantDate ? Number(grantDate.slice(0, 4)) : undefined,
    );
  const trademark = (owner: string, registrationDate: string) =>
    asset(
      owner,
      {
        kind: 'trademark',
        number: String(41_000_000 + ++serial),
        mark: `Ham ${serial}`,
        niceClasses: [29],
        registrationDate,
      },
      'trademark',
      Number(registrationDate.slice(0, 4)),
    );

  /** Applies, approves (equal principal over 12 months), registers and disburses today. */
  async function loan(key: keyof typeof loans, uscc: string, lender: string, amount: number) {
    const f = pledgeFixtures(portal);
    const collateral = await patent(uscc, 1, '2020-03-01', '2020-12-01');
    const applied = await f.apply(uscc, {
      assetIds: [collateral],
      lenderId: lender,
      requestedAmountFen: amount,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    expect((await f.act(id, 'review', asLender(lender))).status).toBe(200);
    const approved = await f.act(id, 'approve', asLender(lender), {
      approvedAmountFen: amount,
      annualRateBps: 435,
      repaymentType: 'equal_principal',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const registered = await f.act(id, 'register', office, { registrationNumber: `ZX${id.slice(0, 8)}` });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    const disbursed = await f.act(id, 'disburse', asLender(lender));
    expect(disbursed.status, JSON.stringify(disbursed.body)).toBe(200);
    const disbursedOn = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    loans[key] = { id, uscc, division: uscc.slice(2, 8), lender, amount, disbursedOn };
  }

  // Policies and claim payments as the insurance transactions write their facts.
  const policies = [
    {
      policyId: 'rec-q1',
      issuedAt: '2026-02-03T02:00:00.000Z',
      issuedOn: '2026-02-03',
      holder: A,
      insurerId: 'rec-ins-a',
      coverages: [
        { line: 'infringement_loss', sumInsuredFen: 1_000_000 },
        { line: 'enforcement_cost', sumInsuredFen: 500_000 },
      ],
      premiumFen: 30_000,
    },
    {
      policyId: 'rec-q2',
      issuedAt: '2026-04-20T02:00:00.000Z',
      issuedOn: '2026-04-20',
      holder: B,
      insurerId: 'rec-ins-b',
      coverages: [{ line: 'enforcement_cost', sumInsuredFen: 2_000_000 }],
      premiumFen: 45_000,
    },
  ];
  const lastYearPolicy = {
    policyId: 'rec-q0',
    issuedAt: '2025-07-01T02:00:00.000Z',
    issuedOn: '2025-07-01',
    holder: C,
    insurerId: 'rec-ins-a',
    coverages: [{ line: 'infringement_loss', sumInsuredFen: 700_000 }],
    premiumFen: 7_000,
  };
  const claims = [
    {
      claimId: 'rec-c1',
      paidAt: '2026-03-10T02:00:00.000Z',
      paidOn: '2026-03-10',
      policyId: 'rec-q1',
      insurerId: 'rec-ins-a',
      line: 'infringement_loss',
      paidFen: 120_000,
    },
    {
      claimId: 'rec-c2',
      paidAt: '2026-05-05T02:00:00.000Z',
      paidOn: '2026-05-05',
      policyId: 'rec-q2',
      insurerId: 'rec-ins-b',
      line: 'enforcement_cost',
      paidFen: 80_000,
    },
    {
      claimId: 'rec-c3',
      paidAt: '2026-05-20T02:00:00.000Z',
      paidOn: '2026-05-20',
      policyId: 'rec-q1',
      insurerId: 'rec-ins-a',
      line: 'enforcement_cost',
      paidFen: 10_000,
    },
  ];
  // The interest paid in the year, per repayment (what the subsidy list reads).
  const interest = [
    { pledgeId: 'rec-i1', uscc: A, approvedAmountFen: 100_000_00, interestFen: 30_000, paidOn: '2026-02-05' },
    { pledgeId: 'rec-i2', uscc: A, approvedAmountFen: 100_000_00, interestFen: 12_345, paidOn: '2026-03-05' },
    {
      pledgeId: 'rec-i3',
      uscc: B,
      approvedAmountFen: 100_000_00,
      interestFen: 500_000,
      paidOn: '2026-03-07',
    },
    { pledgeId: 'rec-i4', uscc: C, approvedAmountFen: 100_000_00, interestFen: 9_999, paidOn: '2026-04-01' },
    { pledgeId: 'rec-i5', uscc: D, approvedAmountFen: 100_000_00, interestFen: 70_000, paidOn: '2026-04-02' },
  ];
  const SHARE_BPS = 5000n;
  const CAP_FEN = 100_000n;
  const designations: { id: string; uscc: string; level: string; year: number; validUntil?: string }[] = [];
  let snapshot: Awaited<ReturnType<typeof computeStats>>;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => now });
    const f = pledgeFixtures(portal);
    for (const u of [A, B, C, D]) await f.enterprise(u);
    await f.institution(BANK_A);
    await f.institution(BANK_B);

    // 2026-01-05: two loans of A, one with each bank.
    await loan('L1', A, BANK_A, 120_000_00);
    await loan('L3', A, BANK_B, 80_000_00);
    await trademark(A, '2020-05-01');
    await patent(B, 2, '2019-04-01', '2019-10-01');
    await patent(C, 1, '2025-06-01'); // pending: not counted
    // 2026-05-01: one of B.
    now = new Date('2026-05-01T02:00:00.000Z');
    await loan('L5', B, BANK_A, 30_000_00);
    // TODAY: one of C; L3 defaults.
    now = new Date(`${TODAY}T02:00:00.000Z`);
    await loan('L2', C, BANK_B, 50_000_00);
    expect((await f.act(loans.L3.id, 'default', asLender(BANK_B))).status).toBe(200);
    await patent(C, 3, '2022-02-01', '2026-03-01');
    await patent(A, 2, '2021-01-04', '2026-01-20');
    await trademark(C, '2026-02-10');

    for (const d of [
      { uscc: A, level: 'national_advantage', year: 2026, validUntil: '2028-12-31' },
      { uscc: B, level: 'provincial_advantage', year: 2025 },
      { uscc: C, level: 'provincial_advantage', year: 2026 },
      { uscc: C, level: 'national_advantage', year: 2024 },
    ]) {
      const res = await portal.call('POST', '/designations', { as: office, body: d });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      designations.push({ id: res.body.id, ...d });
    }
    const revoked = await portal.call('POST', '/designations', {
      as: office,
      body: { uscc: B, level: 'national_advantage', year: 2026 },
    });
    expect(revoked.status).toBe(201);
    expect(
      (
        await portal.call('POST', `/designations/${revoked.body.id}/revoke`, {
          as: office,
          body: { reason: 'Lapsed.' },
        })
      ).status,
    ).toBe(200);

    expect(
      (
        await portal.call('PUT', '/programmes/interest-subsidy', {
          as: office,
          body: { year: YEAR, shareBps: Number(SHARE_BPS), capPerEnterpriseFen: Number(CAP_FEN) },
        })
      ).status,
    ).toBe(201);
    const t = portal.tableName;
    const writes: WriteItem[] = [
      ...[...policies, lastYearPolicy].map((p) => policyIssuedFact(p, t)),
      ...claims.map((c) => claimPaidFact(c, t)),
      ...interest.map(
        (i, n): WriteItem => ({
          Put: {
            TableName: t,
            Item: { ...interestFactKey(YEAR, i.pledgeId, n + 1), entity: 'interest-fact', ...i },
          },
        }),
      ),
    ];
    for (const w of writes) await portal.deps.db.send(new TransactWriteCommand({ TransactItems: [w] }));

    snapshot = await computeStats(portal.deps, portal.deps.clock);
  }, 60_000);

  // ---- the loan book ----------------------------------------------------------------------------------------

  /** The book on TODAY, from what was done: no repayments, so each loan still owes all it was lent. */
  function book() {
    const overdueDays = (l: { disbursedOn: string }) => {
      // Equal principal over 12 months: the first instalment falls a month after disbursement.
      const [y, m, d] = l.disbursedOn.split('-').map(Number) as [number, number, number];
      const firstDue = new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
      return Math.max(0, daysFrom(firstDue, TODAY));
    };
    return (['L1', 'L2', 'L3', 'L5'] as const).map((k) => {
      const l = loans[k];
      const active = k !== 'L3';
      const days = overdueDays(l);
      return {
        key: k,
        record: {
          pledgeId: l.id,
          lenderId: l.lender,
          divisionCode: l.division,
          outstandingPrincipalFen: active ? l.amount : 0,
          overdueFen: active && days > 0 ? l.amount : 0,
          // Substandard from 91 days overdue (the regulator's thresholds); a defaulted loan is non-performing.
          nonPerformingFen: !active || days >= 91 ? l.amount : 0,
          status: active ? 'active' : 'defaulted',
          outstandingAmountFen: active ? l.amount : 0,
          kind: 'loan',
        },
      };
    });
  }

  it('the loan book as the snapshot counts it: L1 overdue and substandard, L5 overdue, L2 current, L3 defaulted', () => {
    const b = Object.fromEntries(book().map((e) => [e.key, e.record]));
    expect([b.L1!.overdueFen, b.L1!.nonPerformingFen]).toEqual([120_000_00, 120_000_00]);
    expect([b.L5!.overdueFen, b.L5!.nonPerformingFen]).toEqual([30_000_00, 0]);
    expect([b.L2!.overdueFen, b.L2!.nonPerformingFen]).toEqual([0, 0]);
    expect([b.L3!.outstandingPrincipalFen, b.L3!.nonPerformingFen]).toEqual([0, 80_000_00]);
    expect(snapshot.financing).toMatchObject({
      outstandingAmountFen: 200_000_00,
      outstandingPrincipalFen: 200_000_00,
      overdueAmountFen: 150_000_00,
      nonPerformingAmountFen: 200_000_00,
    });
  });

  it('lists the loans each loan-book figure counts, with the part each holds, across limits and filters', async () => {
    const b = book();
    const cases: [
      string,
      keyof (typeof b)[number]['record'],
      (r: (typeof b)[number]['record']) => boolean,
    ][] = [
      ['figure=financing.outstandingAmountFen', 'outstandingAmountFen', () => true],
      ['figure=financing.outstandingPrincipalFen', 'outstandingPrincipalFen', () => true],
      [
        `figure=financing.outstandingPrincipalByLender&lender=${BANK_A}`,
        'outstandingPrincipalFen',
        (r) => r.lenderId === BANK_A,
      ],
      [
        'figure=financing.outstandingPrincipalByDivision&division=330703',
        'outstandingPrincipalFen',
        (r) => r.divisionCode === '330703',
      ],
      ['figure=financing.overdueAmountFen', 'overdueFen', () => true],
      [
        'figure=financing.overdueByDivision&division=330702',
        'overdueFen',
        (r) => r.divisionCode === '330702',
      ],
      [`figure=financing.overdueByLender&lender=${BANK_B}`, 'overdueFen', (r) => r.lenderId === BANK_B],
      ['figure=financing.nonPerformingAmountFen', 'nonPerformingFen', () => true],
      [
        `figure=financing.nonPerformingByLender&lender=${BANK_B}`,
        'nonPerformingFen',
        (r) => r.lenderId === BANK_B,
      ],
      [
        'figure=financing.nonPerformingByDivision&division=330782',
        'nonPerformingFen',
        (r) => r.divisionCode === '330782',
      ],
    ];
    for (const [query, field, narrow] of cases) {
      const expected = b
        .map((e) => e.record)
        .filter((r) => (r[field] as number) > 0 && narrow(r))
        .map((r) => ({ ...r, countedFen: r[field] as number }));
      for (const limit of [1, 2, 100]) {
        const got = await records(query, limit);
        expect(
          sortBy(got, (r) => String(r.pledgeId)),
          `${query} limit ${limit}`,
        ).toEqual(sortBy(expected, (r) => r.pledgeId));
      }
    }
    // Active loans first, then the defaulted ones.
    const nonPerforming = await records('figure=financing.nonPerformingAmountFen', 1);
    expect(nonPerforming.map((r) => r.status)).toEqual(['active', 'defaulted']);
    expect(fen(nonPerforming.map((r) => r.countedFen))).toBe(
      BigInt(snapshot.financing.nonPerformingAmountFen!),
    );
    expect(fen((await records('figure=financing.overdueAmountFen')).map((r) => r.countedFen))).toBe(
      BigInt(snapshot.financing.overdueAmountFen!),
    );
  });

  it('a non-performing cursor in the defaulted loans is foreign to the figures of the active loans alone', async () => {
    const { pages: got, cursors } = await pages('figure=financing.nonPerformingAmountFen', 1);
    const defaultedPage = got.findIndex((p) => p.some((r) => r.status === 'defaulted'));
    expect(defaultedPage).toBeGreaterThan(0);
    const inDefaulted = cursors[defaultedPage];
    expect(inDefaulted).toEqual(expect.any(String));
    // Where it was issued it goes on (to the end), ...
    const rest = await get(
      `/stats/records?figure=financing.nonPerformingAmountFen&limit=1&cursor=${encodeURIComponent(inDefaulted!)}`,
    );
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual({ items: [], nextCursor: null });
    // ... but the figures that read only the active loans have no second source.
    for (const figure of [
      'financing.outstandingAmountFen',
      'financing.outstandingPrincipalFen',
      'financing.outstandingPrincipalByLender',
      'financing.overdueAmountFen',
      'financing.overdueByDivision',
    ])
      await refusesCursor(`figure=${figure}`, inDefaulted!);
    // A cursor of another list (the year's registrations) is refused by the loan book.
    const { cursors: pledgeCursors } = await pages('figure=financing.registeredCount', 1);
    await refusesCursor('figure=financing.nonPerformingAmountFen', pledgeCursors[0]!);
  });

  // ---- registrations, policies, claim payments, loss ratios ---------------------------------------------------

  it('lists the year’s registrations (counted, not summed: no countedFen), narrowed by lender, month and division', async () => {
    const all = await records('figure=financing.registeredAmountFen', 1);
    const ids = (rs: readonly Rec[]) => rs.map((r) => String(r.pledgeId)).sort();
    const of = (...ks: (keyof typeof loans)[]) => ks.map((k) => loans[k].id).sort();
    expect(ids(all)).toEqual(of('L1', 'L2', 'L3', 'L5'));
    for (const r of all) {
      const l = Object.values(loans).find((x) => x.id === r.pledgeId)!;
      expect(r).toMatchObject({ kind: 'pledge', applicant: l.uscc, lenderId: l.lender, amountFen: l.amount });
      expect(r).not.toHaveProperty('countedFen');
    }
    expect(fen(all.map((r) => r.amountFen as number))).toBe(BigInt(snapshot.financing.registeredAmountFen));
    expect(fen(all.map((r) => r.amountFen as number))).toBe(280_000_00n);
    expect(ids(await records(`figure=financing.byLender&lender=${BANK_B}`, 2))).toEqual(of('L2', 'L3'));
    expect(ids(await records('figure=financing.byMonth&month=2026-05', 2))).toEqual(of('L5'));
    expect(ids(await records('figure=financing.byDivision&division=330782', 2))).toEqual(of('L1', 'L3'));
    expect(ids(await records('figure=financing.registeredCount&year=2025', 2))).toEqual([]);
  });

  const policyRecord = (p: (typeof policies)[number], countedFen?: number) => ({
    kind: 'policy',
    ...p,
    ...(countedFen === undefined ? {} : { countedFen }),
  });
  const claimRecord = (c: (typeof claims)[number], counted = true) => ({
    kind: 'claim',
    ...c,
    ...(counted ? { countedFen: c.paidFen } : {}),
  });

  it('lists a loss ratio’s policies (their premium) then its claim payments, in one page or across pages', async () => {
    const [q1, q2] = policies as [(typeof policies)[0], (typeof policies)[0]];
    const [c1, c2, c3] = claims as [(typeof claims)[0], (typeof claims)[0], (typeof claims)[0]];
    const expected = [
      policyRecord(q1, 30_000),
      policyRecord(q2, 45_000),
      claimRecord(c1),
      claimRecord(c2),
      claimRecord(c3),
    ];
    // One page: the policies run out and the rest of the page goes to the payments.
    const one = await get('/stats/records?figure=insurance.lossRatioBps&limit=10');
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ items: expected, nextCursor: null });
    // A page of 3 takes both policies and the first payment, and goes on in the payments.
    const three = await pages('figure=insurance.lossRatioBps', 3);
    expect(three.pages[0]).toEqual(expected.slice(0, 3));
    expect(three.pages.flat()).toEqual(expected);
    for (const limit of [1, 2]) {
      const got = await pages('figure=insurance.lossRatioBps', limit);
      expect(got.pages.flat(), `limit ${limit}`).toEqual(expected);
    }
    // The records add up to the figure's two sides.
    expect(fen(expected.slice(0, 2).map((r) => r.countedFen))).toBe(BigInt(snapshot.insurance.premiumFen));
    expect(fen(expected.slice(2).map((r) => r.countedFen))).toBe(BigInt(snapshot.insurance.claimsPaidFen));
    expect(snapshot.insurance.lossRatioBps).toBe(Number((210_000n * 10_000n) / 75_000n));
  });

  it('narrows a loss ratio by line (the premium’s share of the line) and by insurer', async () => {
    const [q1, q2] = policies as [(typeof policies)[0], (typeof policies)[0]];
    const [c1, c2, c3] = claims as [(typeof claims)[0], (typeof claims)[0], (typeof claims)[0]];
    // Q1's premium spread over its lines by sum insured: 30000 × 500000 / 1500000 on enforcement costs.
    const share = Number((30_000n * 500_000n) / 1_500_000n);
    expect(await records('figure=insurance.lossRatioBpsByLine&line=enforcement_cost', 1)).toEqual([
      policyRecord(q1, share),
      policyRecord(q2, 45_000),
      claimRecord(c2),
      claimRecord(c3),
    ]);
    expect(await records('figure=insurance.lossRatioBpsByInsurer&insurer=rec-ins-a', 2)).toEqual([
      policyRecord(q1, 30_000),
      claimRecord(c1),
      claimRecord(c3),
    ]);
    // A policy or claim figure lists its records as counted, without a share.
    expect(await records('figure=insurance.premiumByInsurer&insurer=rec-ins-b')).toEqual([policyRecord(q2)]);
    expect(await records('figure=insurance.claimsPaidByLine&line=enforcement_cost')).toEqual([
      claimRecord(c2, false),
      claimRecord(c3, false),
    ]);
    expect(await records('figure=insurance.policiesIssued&year=2025')).toEqual([
      policyRecord(lastYearPolicy),
    ]);
  });

  it('a policy figure’s records carry no countedFen at all (the use case, as the route hands it on)', async () => {
    const page = await statsRecords(
      useCaseContext(portal.deps),
      { figure: 'insurance.premiumFen', year: YEAR, filter: {} },
      { limit: 10 },
    );
    expect(page.items.map((r) => r.policyId)).toEqual(['rec-q1', 'rec-q2']);
    for (const r of page.items) expect(Object.keys(r)).not.toContain('countedFen');
  });

  // ---- the interest subsidy ----------------------------------------------------------------------------------

  /** Per city enterprise, sorted by USCC: floor(interest × share / 10000), at most the cap (BigInt). */
  function subsidy() {
    const city = new Set([
      '330700',
      '330702',
      '330703',
      '330723',
      '330726',
      '330727',
      '330781',
      '330782',
      '330783',
      '330784',
    ]);
    const paid = new Map<string, bigint>();
    for (const i of interest)
      if (city.has(i.uscc.slice(2, 8))) paid.set(i.uscc, (paid.get(i.uscc) ?? 0n) + BigInt(i.interestFen));
    return [...paid.keys()].sort().map((uscc) => {
      const interestPaid = paid.get(uscc)!;
      const raw = (interestPaid * SHARE_BPS) / 10_000n;
      const subsidyFen = Number(raw < CAP_FEN ? raw : CAP_FEN);
      return {
        kind: 'subsidy',
        uscc,
        interestPaidFen: Number(interestPaid),
        subsidyFen,
        countedFen: subsidyFen,
      };
    });
  }

  it('lists the interest subsidy one enterprise a record, paged by offset and narrowed by division', async () => {
    const expected = subsidy();
    expect(expected.map((l) => l.uscc)).toEqual([B, C, A]);
    expect(expected.map((l) => l.subsidyFen)).toEqual([100_000, 4_999, 21_172]);
    const one = await get('/stats/records?figure=subsidies.interestSubsidyFen&limit=10');
    expect(one.body).toEqual({ items: expected, nextCursor: null });
    const byOne = await pages('figure=subsidies.interestSubsidyFen', 1);
    expect(byOne.pages).toEqual(expected.map((l) => [l]));
    expect(byOne.cursors).toEqual([expect.any(String), expect.any(String), null]);
    const byTwo = await pages('figure=subsidies.interestSubsidyFen', 2);
    expect(byTwo.pages).toEqual([expected.slice(0, 2), expected.slice(2)]);
    expect(byTwo.cursors).toEqual([expect.any(String), null]);
    // Exactly a page: no further cursor.
    expect((await pages('figure=subsidies.interestSubsidyFen', 3)).cursors).toEqual([null]);
    // The list's own cursor is an offset into it (within the figure's one source): offset 1 goes on with C's line.
    const at = (offset: string, limit = 2) =>
      get(
        `/stats/records?figure=subsidies.interestSubsidyFen&limit=${limit}&cursor=${json({ s: 0, c: offset })}`,
      );
    expect((await at('1', 1)).body).toEqual({ items: [expected[1]], nextCursor: byOne.cursors[1] });
    // An offset past the end is an empty last page; one that is not an offset is refused.
    expect((await at('10')).body).toEqual({ items: [], nextCursor: null });
    // An offset that is a number rather than the string the list issued is refused too.
    expect(
      (await get(`/stats/records?figure=subsidies.interestSubsidyFen&cursor=${json({ s: 0, c: 1 })}`)).status,
    ).toBe(400);
    for (const offset of ['x1', '1x', '-1', '1.5', '1234567890', '']) {
      const res = await at(offset);
      expect(res.status, offset).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.cursor']);
    }
    // By division, a page at a time: the pages before and after A's line are empty.
    const yiwu = await pages('figure=subsidies.interestSubsidyFen&division=330782', 1);
    expect(yiwu.pages).toEqual([[], [], [expected[2]]]);
    expect(await records('figure=subsidies.interestSubsidyFen&division=330702')).toEqual([expected[0]]);
    expect(await records('figure=subsidies.interestSubsidyFen&division=other')).toEqual([]);
    expect(fen(expected.map((l) => l.countedFen))).toBe(BigInt(snapshot.subsidies.interestSubsidyFen));
  });

  // ---- assets and designations -------------------------------------------------------------------------------

  const assetRecord = (a: (typeof assets)[number]) => ({
    kind: 'asset',
    assetId: a.id,
    type: a.type,
    expiresOn: a.expiresOn,
    grantYear: a.grantYear,
    number: a.number,
    owner: a.owner,
    title: a.title,
  });
  /** In force today: granted, last day today or later; by type in the figure's order, then by expiry and id. */
  const inForce = (types: readonly string[]) =>
    types.flatMap((type) =>
      sortBy(
        assets.filter((a) => a.type === type && a.grantYear !== undefined && a.expiresOn >= TODAY),
        (a) => `${a.expiresOn}#${a.id}`,
      ).map(assetRecord),
    );

  it('lists the assets in force by type (one source a type), the trademarks, and those granted in the year', async () => {
    const patents = inForce(['invention', 'utility_model', 'design']);
    expect(patents.map((r) => r.type)).toEqual([
      'invention',
      'invention',
      'invention',
      'invention',
      'utility_model',
      'utility_model',
      'design',
    ]);
    for (const limit of [1, 2, 100])
      expect(await records('figure=portfolio.patentsInForce', limit), `limit ${limit}`).toEqual(patents);
    expect(await records('figure=portfolio.patentsInForce&type=utility_model', 1)).toEqual(
      inForce(['utility_model']),
    );
    expect(await records('figure=portfolio.patentsInForce&type=design')).toEqual(inForce(['design']));
    const trademarks = inForce(['trademark']);
    expect(trademarks.map((r) => r.title)).toEqual([
      expect.stringMatching(/^Ham \d+$/),
      expect.stringMatching(/^Ham \d+$/),
    ]);
    expect(await records('figure=portfolio.trademarksInForce', 1)).toEqual(trademarks);
    // The type narrows patents only.
    expect(await records('figure=portfolio.trademarksInForce&type=invention')).toEqual(trademarks);

    const granted = (kind: 'patent' | 'trademark') =>
      sortBy(
        assets
          .filter((a) => a.grantYear === YEAR && (a.type === 'trademark') === (kind === 'trademark'))
          .map(assetRecord),
        (r) => r.assetId,
      );
    expect(
      granted('patent')
        .map((r) => r.type)
        .sort(),
    ).toEqual(['design', 'utility_model']);
    expect(
      sortBy(await records('figure=portfolio.patentsGrantedThisYear', 1), (r) => String(r.assetId)),
    ).toEqual(granted('patent'));
    expect(await records('figure=portfolio.trademarksRegisteredThisYear')).toEqual(granted('trademark'));

    expect(snapshot.portfolio).toEqual({
      patentsInForce: { invention: 4, utility_model: 2, design: 1 },
      trademarksInForce: trademarks.length,
      patentsGrantedThisYear: granted('patent').length,
      trademarksRegisteredThisYear: granted('trademark').length,
    });
    expect([trademarks.length, granted('trademark').length]).toEqual([2, 1]);
  });

  it('lists the active designations of every level (one source a level) or of one', async () => {
    const record = (d: (typeof designations)[number]) => ({
      kind: 'designation',
      id: d.id,
      uscc: d.uscc,
      level: d.level,
      year: d.year,
      ...(d.validUntil ? { validUntil: d.validUntil } : {}),
      status: 'active',
    });
    const order = (rs: readonly Rec[]) =>
      [...rs].sort(
        (a, b) =>
          DESIGNATION_LEVELS.indexOf(a.level as never) - DESIGNATION_LEVELS.indexOf(b.level as never) ||
          String(a.id).localeCompare(String(b.id)),
      );
    const expected = order(designations.map(record));
    for (const limit of [1, 2, 100]) {
      const got = await records('figure=designations', limit);
      // Level by level in the programme's order.
      expect(
        got.map((r) => r.level),
        `limit ${limit}`,
      ).toEqual(expected.map((r) => r.level));
      expect(order(got), `limit ${limit}`).toEqual(expected);
    }
    expect(order(await records('figure=designations&level=provincial_advantage', 1))).toEqual(
      expected.filter((r) => r.level === 'provincial_advantage'),
    );
    expect(await records('figure=designations&level=national_demonstration')).toEqual([]);
    expect(snapshot.designations).toEqual({
      national_demonstration: 0,
      national_advantage: 2,
      provincial_demonstration: 0,
      provincial_advantage: 2,
    });
  });

  // ---- cursors -------------------------------------------------------------------------------------------------

  it('refuses a cursor it did not issue: not JSON, no source, a source out of range, an inner cursor not a string', async () => {
    const lossRatio = 'figure=insurance.lossRatioBps';
    for (const cursor of [
      'x',
      json(null),
      json({}),
      json({ s: '0' }),
      json({ s: 0.5 }),
      json({ s: -1 }),
      json({ s: 2 }),
      json({ s: 0, c: 5 }),
      json({ s: 1, c: json({ pk: 'FACT#POLICY_ISSUED#2026', sk: 'x' }) }),
    ])
      await refusesCursor(lossRatio, cursor);
    // A single-source figure has no source 1.
    await refusesCursor('figure=insurance.premiumFen', json({ s: 1 }));
    // A source named without its own cursor starts at its beginning: a loss ratio's payments.
    const payments = await get(`/stats/records?${lossRatio}&cursor=${json({ s: 1 })}`);
    expect(payments.status).toBe(200);
    expect(payments.body.items.map((r: Rec) => r.claimId)).toEqual(['rec-c1', 'rec-c2', 'rec-c3']);
  });
});

describe('the history and the stored snapshots', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await createTestPortal({ now: () => new Date('2026-06-16T02:00:00.000Z') });
  });
  const get = (url: string) => portal.call('GET', url, { as: { role: 'ipoffice' } });

  it('refuses a range upside down or longer than 366 days, naming query.to; one day or 365 days are fine', async () => {
    const upsideDown = await get('/stats/history?from=2026-02-01&to=2026-01-31');
    expect(upsideDown.status).toBe(400);
    expect(upsideDown.body.errors).toEqual([
      { path: 'query.to', code: 'before_from', message: 'must not be before from (2026-02-01)' },
    ]);
    expect(daysFrom('2024-01-01', '2025-01-01')).toBe(366);
    const tooLong = await get('/stats/history?from=2024-01-01&to=2025-01-01');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([
      {
        path: 'query.to',
        code: 'range_too_long',
        params: { maximum: 366 },
        message: 'the range may span at most 366 days',
      },
    ]);
    for (const [from, to] of [
      ['2026-03-01', '2026-03-01'],
      ['2024-01-01', '2024-12-31'],
    ]) {
      const ok = await get(`/stats/history?from=${from}&to=${to}`);
      expect(ok.status, `${from}..${to}`).toBe(200);
      expect(ok.body).toEqual({ items: [] });
    }
  });

  it('says which snapshot is missing: none yet, or none of that day', async () => {
    const none = await get('/stats');
    expect(none.status).toBe(404);
    expect(none.body.detail).toBe(
      'There is no statistics snapshot yet: the scheduled statistics job has not run.',
    );
    const day = await get('/stats/2026-03-01');
    expect(day.status).toBe(404);
    expect(day.body.detail).toBe('The statistics snapshot of 2026-03-01 was not found.');
  });
});
