/**
 * The statistics audit fanned out over parallel Scan segments: one scan (TotalSegments 1), N segments in-process,
 * and N segments each run as the deployed fan-out runs them (one invocation per segment, results kept in the table,
 * one combining invocation) must give the same result — figures, differences and items scanned — on the same data,
 * clean and with counters made to drift.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import {
  finishAudit,
  type ReconcileResult,
  reconcileStats,
  runAuditSegment,
} from '../../shared/jobs/reconcile-stats.js';
import { ensurePledgeDocuments } from '../support/documents.js';
import {
  activePolicy,
  approvedPledge,
  asEnterprise,
  asLender,
  office,
  patent,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const NOW = new Date('2026-11-27T04:00:00Z');
let portal: TestPortal;

beforeAll(async () => {
  portal = await createTestPortal({ clock: fixedClock(NOW) });
  // Three groups of parties: enterprises, rights this year and earlier, pledges registered and disbursed, policies.
  for (let g = 0; g < 3; g++) {
    const parties = await setupParties(portal);
    const rights = [
      await patent(portal, parties.holder, { year: 2016 }),
      await patent(portal, parties.holder, { year: 2024 }),
      await trademark(portal, parties.holder, '2026-03-01'),
      await trademark(portal, parties.other),
    ];
    const pledge = await approvedPledge(portal, parties.holder, parties.lender, rights[0] as string);
    await ensurePledgeDocuments(portal, pledge); // registration needs the pledge's four documents
    const registered = await portal.call('POST', `/pledges/${pledge}/register`, {
      as: office,
      body: { registrationNumber: `Y2026${pledge.slice(0, 8)}` },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    const disbursed = await portal.call('POST', `/pledges/${pledge}/disburse`, {
      as: asLender(parties.lender),
    });
    expect(disbursed.status, JSON.stringify(disbursed.body)).toBe(200);
    await activePolicy(portal, parties, [rights[2] as string]);
    const other = await approvedPledge(portal, parties.other, parties.lender, rights[3] as string);
    expect(
      (await portal.call('POST', `/pledges/${other}/withdraw`, { as: asEnterprise(parties.other) })).status,
    ).toBe(200);
  }
}, 120_000);

/** Everything but the instant of the actual snapshot's computation. */
const comparable = (r: ReconcileResult) => ({
  ...r,
  expected: { ...r.expected, asOf: undefined },
  actual: { ...r.actual, asOf: undefined },
});

async function deployedFanOut(totalSegments: number, run: string): Promise<ReconcileResult> {
  const audit = { run, startedAt: NOW.toISOString() };
  const done = await Promise.all(
    Array.from({ length: totalSegments }, (_, segment) =>
      runAuditSegment(portal.deps, audit, { segment, totalSegments }),
    ),
  );
  expect(done.map((d) => d.segment)).toEqual([...Array(totalSegments).keys()]);
  return finishAudit(portal.deps, audit, totalSegments);
}

describe('the audit over Scan segments', () => {
  it('gives one scan’s result on clean data, whatever the number of segments and wherever they run', async () => {
    const one = await reconcileStats(portal.deps, fixedClock(NOW));
    expect(one.differences).toEqual([]);
    expect(one.enterpriseDifferences).toEqual([]);
    expect(one.expected.financing.registeredCount).toBe(3);
    expect(one.expected.insurance.policiesIssued).toBe(3);
    expect(one.scannedItems).toBeGreaterThan(30);
    for (const n of [2, 5, 16]) {
      const split = await reconcileStats(portal.deps, fixedClock(NOW), { totalSegments: n });
      expect(comparable(split), `${n} segments`).toEqual(comparable(one));
    }
    expect(comparable(await deployedFanOut(4, 'clean-4'))).toEqual(comparable(one));
  });

  it('finds the same differences when counters drift, split or not', async () => {
    const [holder] = (await portal.call('GET', '/enterprises?limit=1', { as: office })).body.items;
    // A right stored without its counters, and an enterprise total off by one fen.
    await portal.deps.db.send(
      new PutCommand({
        TableName: portal.tableName,
        Item: {
          pk: 'ASSET#drift',
          sk: 'ASSET',
          entity: 'asset',
          id: 'drift',
          owner: holder.uscc,
          kind: 'trademark',
          status: 'registered',
          registrationDate: '2026-01-10',
          expiresOn: '2036-01-09',
        },
      }),
    );
    await portal.deps.db.send(
      new PutCommand({
        TableName: portal.tableName,
        Item: {
          pk: 'ENT#91330702MA9DRIFT0',
          sk: 'SUMMARY',
          entity: 'enterprise-summary',
          pledgeRegisteredFen: 1,
          pledgesRegistered: 1,
        },
      }),
    );
    const one = await reconcileStats(portal.deps, fixedClock(NOW));
    expect(one.differences).toEqual([
      { figure: 'portfolio.trademarksInForce', expected: 7, actual: 6 },
      { figure: 'portfolio.trademarksRegisteredThisYear', expected: 4, actual: 3 },
    ]);
    expect(one.enterpriseDifferences).toEqual(
      expect.arrayContaining([
        { figure: 'enterprise[91330702MA9DRIFT0].pledgeRegisteredFen', expected: 0, actual: 1 },
        { figure: `enterprise[${holder.uscc}].inForce[2036-01-09#trademark]`, expected: 1, actual: 0 },
      ]),
    );
    for (const n of [3, 8]) {
      const split = await reconcileStats(portal.deps, fixedClock(NOW), { totalSegments: n });
      expect(comparable(split)).toEqual(comparable(one));
    }
    expect(comparable(await deployedFanOut(3, 'drift-3'))).toEqual(comparable(one));
  });

  it('refuses to combine a run with a segment missing', async () => {
    const audit = { run: 'incomplete', startedAt: NOW.toISOString() };
    await runAuditSegment(portal.deps, audit, { segment: 0, totalSegments: 2 });
    await expect(finishAudit(portal.deps, audit, 2)).rejects.toThrow(/segment 1 has no result/);
  });
});
