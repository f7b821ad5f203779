import { beforeAll, describe, expect, it } from 'vitest';
import { ensureClaimEvidence } from '../support/documents.js';
import {
  activePolicy,
  applicationBody,
  asEnterprise,
  asInsurer,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const clock = new Date('2026-11-27T04:00:00Z');
const COVER = 1_000_000;

describe('insurance under concurrent writers (DynamoDB Local)', () => {
  let portal: TestPortal;
  let p: Parties;
  let asset: string;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    p = await setupParties(portal);
    asset = await trademark(portal, p.holder);
  });

  const fileClaims = async (policyId: string, n: number, claimedFen: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await portal.call('POST', `/policies/${policyId}/claims`, {
        as: asEnterprise(p.holder),
        body: {
          line: 'infringement_loss',
          claimedFen,
          incidentDate: '2026-04-01',
          description: `claim ${i}`,
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      // Each with its evidence, which paying and settling need: the races are about the cover only.
      await ensureClaimEvidence(portal, r.body.id, asEnterprise(p.holder));
      ids.push(r.body.id);
    }
    return ids;
  };

  it('10 concurrent settlements of 30% each: exactly 3 paid, the rest 422, cover never exceeded', async () => {
    const policyId = await activePolicy(portal, p, [asset], {
      coverages: [{ line: 'infringement_loss', sumInsuredFen: COVER, deductibleFen: 0 }],
    });
    const claims = await fileClaims(policyId, 10, 300_000);
    const results = await Promise.all(
      claims.map((id) =>
        portal.call('POST', `/claims/${id}/settle`, { as: asInsurer(p.insurer), body: { paidFen: 300_000 } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 422, 422, 422, 422, 422, 422, 422]);
    for (const refused of results.filter((r) => r.status === 422))
      expect(refused.body.errors[0]).toMatchObject({
        path: 'paidFen',
        code: 'above_remaining_cover',
        message: expect.stringMatching(
          /remaining cover of line infringement_loss: (100000|400000|700000) fen/,
        ),
      });

    const view = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    expect(view.body.coverages[0].paidFen).toBe(900_000);
    const paidClaims = view.body.claims.filter((c: { status: string }) => c.status === 'paid');
    expect(paidClaims).toHaveLength(3);
    expect(paidClaims.reduce((sum: number, c: { paidFen: number }) => sum + c.paidFen, 0)).toBe(900_000);
    expect(view.body.claims.filter((c: { status: string }) => c.status === 'filed')).toHaveLength(7);

    // The remaining 100 000 can still be paid, exactly once.
    const rest = await Promise.all(
      claims
        .filter((id) => !paidClaims.some((c: { id: string }) => c.id === id))
        .slice(0, 3)
        .map((id) =>
          portal.call('POST', `/claims/${id}/settle`, {
            as: asInsurer(p.insurer),
            body: { paidFen: 100_000 },
          }),
        ),
    );
    expect(rest.map((r) => r.status).sort()).toEqual([200, 422, 422]);
    const after = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    expect(after.body.coverages[0].paidFen).toBe(COVER);
  });

  it('eight concurrent payments on assessed claims against one line pay at most the cover, exactly', async () => {
    const policyId = await activePolicy(portal, p, [asset], {
      coverages: [
        { line: 'infringement_loss', sumInsuredFen: COVER, deductibleFen: 10_000, payoutRatioBps: 9_000 },
      ],
    });
    // Each claim of 400 000 may be paid floor((400 000 − 10 000) × 0.9) = 351 000; 300 000 is approved.
    const claims = await fileClaims(policyId, 8, 400_000);
    for (const id of claims) {
      const insurer = asInsurer(p.insurer);
      expect((await portal.call('POST', `/claims/${id}/investigate`, { as: insurer, body: {} })).status).toBe(
        200,
      );
      const assessed = await portal.call('POST', `/claims/${id}/assess`, {
        as: insurer,
        body: { approvedFen: 300_000 },
      });
      expect(assessed.status, JSON.stringify(assessed.body)).toBe(200);
    }
    const results = await Promise.all(
      claims.map((id) =>
        portal.call('POST', `/claims/${id}/pay`, { as: asInsurer(p.insurer), body: { amountFen: 300_000 } }),
      ),
    );
    const paid = results.filter((r) => r.status === 200);
    // ⌊1 000 000 / 300 000⌋ = 3 payments fit; the other five are refused with what was left when they ran.
    expect(paid).toHaveLength(3);
    expect(results.filter((r) => r.status === 422)).toHaveLength(5);
    for (const r of paid) expect(r.body).toMatchObject({ status: 'paid', paidFen: 300_000, reserveFen: 0 });
    const view = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    expect(view.body.coverages[0].paidFen).toBe(900_000);

    // The last 100 000 is paid in part on one claim, exactly; one more fen is refused.
    const open = claims.filter((id) => !paid.some((r) => r.body.id === id));
    const part = await Promise.all(
      open.slice(0, 3).map((id) =>
        portal.call('POST', `/claims/${id}/pay`, {
          as: asInsurer(p.insurer),
          body: { amountFen: 100_000 },
        }),
      ),
    );
    expect(part.map((r) => r.status).sort()).toEqual([200, 422, 422]);
    expect(part.find((r) => r.status === 200)!.body).toMatchObject({
      status: 'partially_paid',
      paidFen: 100_000,
      reserveFen: 200_000,
    });
    const oneMore = await portal.call('POST', `/claims/${open[3]}/pay`, {
      as: asInsurer(p.insurer),
      body: { amountFen: 1 },
    });
    expect(oneMore.status).toBe(422);
    expect(oneMore.body.remainingFen).toBe(0);
    const final = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    expect(final.body.coverages[0].paidFen).toBe(COVER);
    const byClaims = final.body.claims.reduce(
      (s: number, c: { paidFen?: number }) => s + (c.paidFen ?? 0),
      0,
    );
    expect(byClaims).toBe(COVER);
  });

  it('settles one claim at most once under concurrent settle and deny', async () => {
    const policyId = await activePolicy(portal, p, [asset]);
    const [claim] = await fileClaims(policyId, 1, 1_000);
    const results = await Promise.all([
      portal.call('POST', `/claims/${claim}/settle`, { as: asInsurer(p.insurer), body: { paidFen: 1_000 } }),
      portal.call('POST', `/claims/${claim}/settle`, { as: asInsurer(p.insurer), body: { paidFen: 1_000 } }),
      portal.call('POST', `/claims/${claim}/deny`, { as: asInsurer(p.insurer), body: { reason: 'no' } }),
    ]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    const view = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    const final = view.body.claims[0];
    expect(view.body.coverages.find((c: { line: string }) => c.line === 'infringement_loss').paidFen).toBe(
      final.status === 'paid' ? 1_000 : 0,
    );
  });

  it('issue racing cancel: exactly one wins and the assets agree with the outcome', async () => {
    for (let round = 0; round < 3; round++) {
      const applied = await portal.call('POST', '/policies', {
        as: asEnterprise(p.holder),
        body: applicationBody(p.insurer, [asset]),
      });
      const id = applied.body.id;
      const [issue, cancel] = await Promise.all([
        portal.call('POST', `/policies/${id}/issue`, { as: asInsurer(p.insurer), body: { premiumFen: 1 } }),
        portal.call('POST', `/policies/${id}/cancel`, { as: asEnterprise(p.holder) }),
      ]);
      const view = await portal.call('GET', `/policies/${id}`, { as: asEnterprise(p.holder) });
      const insuredBy: string[] = (
        await portal.call('GET', `/assets/${asset}`, { as: asEnterprise(p.holder) })
      ).body.insuredBy;
      if (issue.status === 200 && cancel.status === 200) {
        // issue first, then the holder cancelled the active policy
        expect(view.body.history.map((e: { action: string }) => e.action)).toEqual([
          'apply',
          'issue',
          'cancel',
        ]);
      } else {
        expect([issue.status, cancel.status].sort()).toEqual([200, 409]);
      }
      expect(insuredBy.includes(id)).toBe(view.body.status === 'active');
    }
  });

  it('concurrent filings on one policy are all recorded, each as one policy event', async () => {
    const policyId = await activePolicy(portal, p, [asset]);
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        portal.call('POST', `/policies/${policyId}/claims`, {
          as: asEnterprise(p.holder),
          body: { line: 'enforcement_cost', claimedFen: i, incidentDate: '2026-04-01', description: `c${i}` },
        }),
      ),
    );
    const filed = results.filter((r) => r.status === 201);
    for (const r of results) expect([201, 409]).toContain(r.status);
    const view = await portal.call('GET', `/policies/${policyId}`, { as: asEnterprise(p.holder) });
    expect(view.body.claims).toHaveLength(filed.length);
    expect(view.body.claimCount).toBe(filed.length);
    expect(view.body.history.filter((e: { action: string }) => e.action === 'file_claim')).toHaveLength(
      filed.length,
    );
    expect(filed.length).toBeGreaterThanOrEqual(1);
  });
});
