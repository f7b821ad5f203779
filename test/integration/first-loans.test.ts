import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { asLender, office, pledgeFixtures } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const BANK = 'first-loan-bank';
const COMPANY = withUsccCheck('91330782MA4F00001');

/** First-time borrowing (首贷): one company's concurrent registrations count it once, and never fail for it. */
describe('first-time borrowers under concurrent registrations', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;

  beforeAll(async () => {
    portal = await createTestPortal();
    f = pledgeFixtures(portal);
    await f.enterprise(COMPANY);
    await f.institution(BANK);
  });

  const approved = async () => {
    const patent = await f.patent(COMPANY);
    const id = (
      await f.apply(COMPANY, {
        assetIds: [patent],
        lenderId: BANK,
        appraisedValueFen: 10_000_000,
        requestedAmountFen: 1_000_000,
        termMonths: 12,
      })
    ).body.id as string;
    await f.act(id, 'review', asLender(BANK));
    const res = await f.act(id, 'approve', asLender(BANK), {
      approvedAmountFen: 1_000_000,
      annualRateBps: 400,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return id;
  };

  it('registers four of its pledges at once: all succeed, exactly one is its first', async () => {
    const ids = await Promise.all([approved(), approved(), approved(), approved()]);
    const results = await Promise.all(
      ids.map((id, i) =>
        f.act(id, 'register', office, { registrationNumber: `Y2026${String(i).padStart(8, '0')}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(results.filter((r) => r.body.firstRegistration === true)).toHaveLength(1);
    const snapshot = await computeStats(portal.deps, {
      now: () => new Date(),
      today: () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
    });
    expect(snapshot.financing.registeredCount).toBe(4);
    expect(snapshot.financing.firstTimeBorrowers).toBe(1);
    // A later registration is not a first either.
    const later = await f.act(await approved(), 'register', office, { registrationNumber: 'Y202600000099' });
    expect(later.status).toBe(200);
    expect(later.body.firstRegistration).toBeUndefined();
  });
});
