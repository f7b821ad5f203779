import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import {
  applicationBody,
  asEnterprise,
  asInsurer,
  asLender,
  office,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

const clock = new Date('2026-11-27T04:00:00Z');

/** The premium of one line, worked out here from the API's words in BigInt. */
const linePremium = (sumInsured: number, rateBps: number, days: number, minimum = 0) => {
  const prorated = Number((BigInt(sumInsured) * BigInt(rateBps) * BigInt(days)) / (10_000n * 365n));
  return Math.max(prorated, minimum);
};
const share = (premium: number, bps: number) => Number((BigInt(premium) * BigInt(bps)) / 10_000n);

/** Insurers' rates and quotes, and the city's premium subsidy on issued policies. */
describe('premiums: rate tables, quotes and the premium subsidy', () => {
  let portal: TestPortal;
  let p: Parties;
  let asset: string;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    p = await setupParties(portal);
    asset = await trademark(portal, p.holder);
  });

  const setRates = (id: string, rates: unknown, as: CallOptions['as'] = asInsurer(id)) =>
    portal.call('PUT', `/institutions/${id}/rates`, { as, body: { rates } });

  it('lets an insurer set its own rates, refusing bad ones with the field named and changing nothing', async () => {
    const negative = await setRates(p.insurer, [{ line: 'enforcement_cost', rateBps: -1 }]);
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].path).toBe('rates.0.rateBps');
    const twice = await setRates(p.insurer, [
      { line: 'enforcement_cost', rateBps: 100 },
      { line: 'enforcement_cost', rateBps: 200 },
    ]);
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([
      expect.objectContaining({ path: 'rates.1.line', code: 'duplicate_line' }),
    ]);
    expect((await setRates(p.insurer, [], asInsurer(p.otherInsurer))).status).toBe(404);
    expect((await setRates(p.insurer, [], asLender(p.lender))).status).toBe(403);
    expect((await setRates(p.lender, [], office)).status).toBe(422);
    const unchanged = await portal.call('GET', `/institutions/${p.insurer}`, { as: office });
    expect(unchanged.body.rates).toBeUndefined();

    const ok = await setRates(p.insurer, [
      { line: 'enforcement_cost', rateBps: 150 },
      { line: 'infringement_loss', rateBps: 80, minimumPremiumFen: 50_000 },
    ]);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.rates).toHaveLength(2);
  });

  it('quotes an application from the rates, prorated by its days, and names a line without a rate', async () => {
    const applied = await portal.call('POST', '/policies', {
      as: asEnterprise(p.holder),
      body: applicationBody(p.insurer, [asset], { periodStart: '2026-11-01', periodEnd: '2027-04-30' }),
    });
    expect(applied.status).toBe(201);
    const q = await portal.call('GET', `/policies/${applied.body.id}/quote`, { as: asInsurer(p.insurer) });
    expect(q.status, JSON.stringify(q.body)).toBe(200);
    // 2026-11-01 … 2027-04-30: 30 + 31 + 31 + 28 + 31 + 30 days.
    const days = 30 + 31 + 31 + 28 + 31 + 30;
    const enforcement = linePremium(1_000_000, 150, days);
    const loss = linePremium(5_000_000, 80, days, 50_000);
    expect(q.body).toEqual({
      lines: [
        { line: 'enforcement_cost', premiumFen: enforcement },
        { line: 'infringement_loss', premiumFen: loss },
      ],
      premiumFen: enforcement + loss,
    });
    // The holder reads the same quote; another company is told the policy does not exist.
    expect(
      (await portal.call('GET', `/policies/${applied.body.id}/quote`, { as: asEnterprise(p.holder) })).body,
    ).toEqual(q.body);
    expect(
      (await portal.call('GET', `/policies/${applied.body.id}/quote`, { as: asEnterprise(p.other) })).status,
    ).toBe(404);

    const overseas = await portal.call('POST', '/policies', {
      as: asEnterprise(p.holder),
      body: applicationBody(p.insurer, [asset], {
        coverages: [
          { line: 'enforcement_cost', sumInsuredFen: 1_000 },
          { line: 'overseas_enforcement', sumInsuredFen: 1_000 },
        ],
      }),
    });
    const refused = await portal.call('GET', `/policies/${overseas.body.id}/quote`, {
      as: asInsurer(p.insurer),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        path: 'coverages.1.line',
        code: 'no_rate',
        params: { line: 'overseas_enforcement' },
      }),
    ]);
  });

  it('splits an issued premium between the city and the holder, and counts the subsidy in the statistics', async () => {
    const tooMuch = await portal.call('PUT', '/programmes/premium-subsidy', {
      as: office,
      body: { year: 2026, shareBps: 10_001 },
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.errors[0].path).toBe('shareBps');
    const set = await portal.call('PUT', '/programmes/premium-subsidy', {
      as: office,
      body: { year: 2026, shareBps: 4_000 },
    });
    expect(set.status).toBe(201);
    expect(
      (await portal.call('GET', '/programmes/premium-subsidy?year=2026', { as: asInsurer(p.insurer) })).body,
    ).toMatchObject({ year: 2026, shareBps: 4_000 });

    const premiums = [33_333, 12_345];
    for (const premiumFen of premiums) {
      const applied = await portal.call('POST', '/policies', {
        as: asEnterprise(p.holder),
        body: applicationBody(p.insurer, [asset]),
      });
      const quoted = await portal.call('GET', `/policies/${applied.body.id}/quote`, {
        as: asEnterprise(p.holder),
      });
      expect(quoted.body.premiumSubsidyFen).toBe(share(quoted.body.premiumFen, 4_000));
      expect(quoted.body.premiumPayableFen).toBe(quoted.body.premiumFen - quoted.body.premiumSubsidyFen);
      const issued = await portal.call('POST', `/policies/${applied.body.id}/issue`, {
        as: asInsurer(p.insurer),
        body: { premiumFen },
      });
      expect(issued.status).toBe(200);
      expect(issued.body).toMatchObject({
        premiumFen,
        premiumSubsidyFen: share(premiumFen, 4_000),
        premiumPayableFen: premiumFen - share(premiumFen, 4_000),
      });
    }
    const snapshot = await computeStats(portal.deps, fixedClock(clock));
    expect(snapshot.insurance.premiumSubsidyFen).toBe(premiums.reduce((s, x) => s + share(x, 4_000), 0));
  });
});
