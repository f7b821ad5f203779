import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCity } from '../../scripts/seed-city.js';
import { movableClock } from '../../shared/domain/clock.js';
import type { StatsSnapshot } from '../../shared/domain/statistics.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The records behind every figure that has them, on the seeded city (a loan book with arrears and defaults,
 * policies and claims, designations, a portfolio) with an interest subsidy set: each figure's records, paged to the
 * end, add up to the snapshot's figure. The sums are the test's own, in BigInt over the records' own fields (not
 * the `countedFen` the portal adds), so a wrong filter or a lost page shows as a difference in fen.
 */
const TODAY = '2026-10-15';
const YEAR = 2026;
const office = { role: 'ipoffice' } as const;
type Rec = Record<string, unknown> & { kind: string };

let dynamo: RunningDynamoDb;
let portal: TestPortal;
let s: StatsSnapshot;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  const clock = movableClock(TODAY);
  portal = await createTestPortal({ clock }, dynamo.endpoint);
  await seedCity(portal.call, { today: TODAY, setToday: clock.moveTo, concurrency: 12 });
  const terms = await portal.call('PUT', '/programmes/interest-subsidy', {
    as: office,
    body: { year: YEAR, shareBps: 5000, capPerEnterpriseFen: 2_000_000 },
  });
  expect([200, 201]).toContain(terms.status);
  s = await computeStats(portal.deps, clock);
}, 300_000);
afterAll(() => dynamo?.stop());

/** Every record of a figure, following `nextCursor` to the end. */
async function records(query: string, limit = 100): Promise<Rec[]> {
  const all: Rec[] = [];
  let cursor: string | null = null;
  do {
    const url = `/stats/records?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await portal.call('GET', url, { as: office });
    expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    all.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}

const sum = (items: readonly Rec[], field: string): bigint =>
  items.reduce((total, r) => total + BigInt(r[field] as number), 0n);

const divisionOf = (uscc: string) => {
  const code = uscc.slice(2, 8);
  return code === '330700' || /^3307(0[23]|2[367]|8[1-4])$/.test(code) ? code : 'other';
};

describe('the records behind the loan-book figures', () => {
  const figures = [
    ['financing.outstandingPrincipalFen', 'outstandingPrincipal', 'outstandingPrincipalFen'],
    ['financing.overdueAmountFen', 'overdue', 'overdueFen'],
    ['financing.nonPerformingAmountFen', 'nonPerforming', 'nonPerformingFen'],
  ] as const;

  it('add up to each total, and per lender and per division to each part', async () => {
    const f = s.financing as unknown as Record<string, number | Record<string, number>>;
    expect(f.overdueAmountFen).toBeGreaterThan(0);
    expect(f.nonPerformingAmountFen).toBeGreaterThan(0);
    for (const [total, prefix, field] of figures) {
      const all = await records(`figure=${total}`);
      expect(all.every((r) => r.kind === 'loan' && (r[field] as number) > 0)).toBe(true);
      expect(new Set(all.map((r) => r.pledgeId)).size, total).toBe(all.length);
      expect(sum(all, field), total).toBe(BigInt(f[total.slice('financing.'.length)] as number));
      for (const [lender, fen] of Object.entries(f[`${prefix}ByLender`] as Record<string, number>)) {
        const part = await records(`figure=financing.${prefix}ByLender&lender=${lender}`);
        expect(part.every((r) => r.lenderId === lender)).toBe(true);
        expect(sum(part, field), `${prefix} ${lender}`).toBe(BigInt(fen));
      }
      for (const [division, fen] of Object.entries(f[`${prefix}ByDivision`] as Record<string, number>)) {
        const part = await records(`figure=financing.${prefix}ByDivision&division=${division}`);
        expect(part.every((r) => divisionOf(`91${r.divisionCode}`) === division)).toBe(true);
        expect(sum(part, field), `${prefix} ${division}`).toBe(BigInt(fen));
      }
    }
  }, 120_000);

  it('list the active loans behind the outstanding amount, with their approved amounts', async () => {
    const all = await records('figure=financing.outstandingAmountFen');
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((r) => r.status === 'active')).toBe(true);
    expect(sum(all, 'outstandingAmountFen')).toBe(BigInt(s.financing.outstandingAmountFen));
    // Each one is the pledge as the portal shows it: active, with that approved amount.
    const one = all[0]!;
    const pledge = await portal.call('GET', `/pledges/${one.pledgeId}`, { as: office });
    expect(pledge.body).toMatchObject({ status: 'active', approvedAmountFen: one.outstandingAmountFen });
  });
});

describe('the records behind the loss ratio', () => {
  const ratio = (paid: bigint, premium: bigint) => (premium > 0n ? (paid * 10_000n) / premium : 0n);

  it('are the year’s premiums and claim payments it divides, in all, per insurer and per line', async () => {
    const all = await records('figure=insurance.lossRatioBps');
    const policies = all.filter((r) => r.kind === 'policy');
    const claims = all.filter((r) => r.kind === 'claim');
    expect(policies.length + claims.length).toBe(all.length);
    expect(policies).toHaveLength(s.insurance.policiesIssued);
    expect(sum(policies, 'premiumFen')).toBe(BigInt(s.insurance.premiumFen));
    expect(sum(claims, 'paidFen')).toBe(BigInt(s.insurance.claimsPaidFen));
    expect(s.insurance.claimsPaidFen).toBeGreaterThan(0);
    expect(ratio(sum(claims, 'paidFen'), sum(policies, 'premiumFen'))).toBe(BigInt(s.insurance.lossRatioBps));

    for (const [insurer, bps] of Object.entries(s.insurance.lossRatioBpsByInsurer)) {
      const part = await records(`figure=insurance.lossRatioBpsByInsurer&insurer=${insurer}`);
      expect(part.every((r) => r.insurerId === insurer)).toBe(true);
      const premium = sum(
        part.filter((r) => r.kind === 'policy'),
        'premiumFen',
      );
      const paid = sum(
        part.filter((r) => r.kind === 'claim'),
        'paidFen',
      );
      expect(premium, insurer).toBe(BigInt(s.insurance.premiumByInsurer[insurer] ?? 0));
      expect(ratio(paid, premium), insurer).toBe(BigInt(bps));
    }

    // A line bears floor(premium × its sum insured / the policy's), the floors' rest going to the first line.
    const lineShare = (p: Rec, line: string): bigint => {
      const coverages = p.coverages as { line: string; sumInsuredFen: number }[];
      const total = coverages.reduce((t, c) => t + BigInt(c.sumInsuredFen), 0n);
      const premium = BigInt(p.premiumFen as number);
      const shares = coverages.map((c) => (premium * BigInt(c.sumInsuredFen)) / total);
      const rest = premium - shares.reduce((a, b) => a + b, 0n);
      return coverages.reduce(
        (t, c, i) => (c.line === line ? t + shares[i]! + (i === 0 ? rest : 0n) : t),
        0n,
      );
    };
    for (const [line, bps] of Object.entries(s.insurance.lossRatioBpsByLine)) {
      const part = await records(`figure=insurance.lossRatioBpsByLine&line=${line}`);
      const premium = part.filter((r) => r.kind === 'policy').reduce((t, p) => t + lineShare(p, line), 0n);
      const paid = sum(
        part.filter((r) => r.kind === 'claim'),
        'paidFen',
      );
      expect(premium, line).toBe(BigInt(s.insurance.premiumByLine[line] ?? 0));
      expect(paid, line).toBe(BigInt(s.insurance.claimsPaidByLine[line] ?? 0));
      expect(ratio(paid, premium), line).toBe(BigInt(bps));
    }
  }, 60_000);

  it('count policies and claim payments in the month of their business date, not of the wall clock', async () => {
    // The seed issues the policies and pays the claims on the city's first business day, 1 January.
    const january = await records(`figure=insurance.lossRatioBps&month=${YEAR}-01`);
    expect(january.filter((r) => r.kind === 'policy')).toHaveLength(s.insurance.policiesIssued);
    expect(
      sum(
        january.filter((r) => r.kind === 'claim'),
        'paidFen',
      ),
    ).toBe(BigInt(s.insurance.claimsPaidFen));
    expect(january.every((r) => String(r.issuedOn ?? r.paidOn).startsWith(`${YEAR}-01-`))).toBe(true);
    const october = await records(`figure=insurance.policiesIssued&month=${YEAR}-10`);
    expect(october).toEqual([]);
  }, 60_000);
});

describe('the records behind the other figures', () => {
  it('the interest subsidy: one line per enterprise, adding up to what the year pays', async () => {
    const all = await records('figure=subsidies.interestSubsidyFen');
    expect(s.subsidies.interestSubsidyFen).toBeGreaterThan(0);
    expect(new Set(all.map((r) => r.uscc)).size).toBe(all.length);
    expect(sum(all, 'subsidyFen')).toBe(BigInt(s.subsidies.interestSubsidyFen));
    // Each line: floor(interest paid × 50 %), capped at 2万元.
    for (const r of all)
      expect(BigInt(r.subsidyFen as number)).toBe(
        [(BigInt(r.interestPaidFen as number) * 5000n) / 10_000n, 2_000_000n].reduce((a, b) =>
          a < b ? a : b,
        ),
      );
    const subsidies = await portal.call('GET', `/subsidies?year=${YEAR}`, { as: office });
    expect(BigInt(subsidies.body.totalFen)).toBe(sum(all, 'subsidyFen'));
  });

  it('patents and trademarks in force and granted this year: one record per asset counted', async () => {
    for (const type of ['invention', 'utility_model', 'design'] as const) {
      const all = await records(`figure=portfolio.patentsInForce&type=${type}`);
      expect(all.every((r) => r.kind === 'asset' && r.type === type && String(r.expiresOn) >= TODAY)).toBe(
        true,
      );
      expect(all, type).toHaveLength(s.portfolio.patentsInForce[type]);
    }
    const patents = await records('figure=portfolio.patentsInForce');
    const p = s.portfolio.patentsInForce;
    expect(patents).toHaveLength(p.invention + p.utility_model + p.design);
    expect(await records('figure=portfolio.trademarksInForce')).toHaveLength(s.portfolio.trademarksInForce);
    const granted = await records('figure=portfolio.patentsGrantedThisYear');
    expect(granted).toHaveLength(s.portfolio.patentsGrantedThisYear);
    expect(granted.every((r) => r.grantYear === YEAR)).toBe(true);
    expect(await records('figure=portfolio.trademarksRegisteredThisYear')).toHaveLength(
      s.portfolio.trademarksRegisteredThisYear,
    );
    // A record names the asset as the portal shows it.
    const one = patents[0]!;
    const asset = await portal.call('GET', `/assets/${one.assetId}`, { as: office });
    expect(asset.body).toMatchObject({ id: one.assetId, number: one.number, owner: one.owner });
  }, 60_000);

  it('designations: the active titles of each level', async () => {
    let total = 0;
    for (const [level, n] of Object.entries(s.designations)) {
      const all = await records(`figure=designations&level=${level}`);
      expect(all.every((r) => r.kind === 'designation' && r.level === level && r.status === 'active')).toBe(
        true,
      );
      expect(all, level).toHaveLength(n);
      total += n;
    }
    expect(s.designations.national_demonstration).toBe(9);
    expect(await records('figure=designations')).toHaveLength(total);
  });

  it('pages through figures whose records lie in several partitions with small pages, none lost or repeated', async () => {
    const key = (r: Rec) => JSON.stringify([r.kind, r.id, r.policyId, r.claimId, r.seq, r.assetId]);
    for (const [query, limit] of [
      ['figure=designations', 2],
      ['figure=insurance.lossRatioBpsByLine&line=infringement_loss', 7],
      ['figure=portfolio.patentsInForce', 33],
    ] as const) {
      const whole = (await records(query)).map(key);
      const paged = (await records(query, limit)).map(key);
      expect(paged, query).toEqual(whole);
      expect(new Set(paged).size, query).toBe(paged.length);
    }
  }, 60_000);

  it('refuses a cursor it did not issue', async () => {
    for (const cursor of ['x', Buffer.from('{"s":9}').toString('base64url'), '12'])
      expect(
        (
          await portal.call('GET', `/stats/records?figure=financing.overdueAmountFen&cursor=${cursor}`, {
            as: office,
          })
        ).status,
      ).toBe(400);
  });
});
