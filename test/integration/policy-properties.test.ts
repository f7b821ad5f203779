import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/principal.js';
import { fixedClock } from '../../shared/domain/clock.js';
import {
  type ClaimAction,
  claimTransition,
  type PolicyAction,
  policyTransition,
  replayClaim,
  replayPolicy,
} from '../../shared/domain/policy-state-machine.js';
import { expirePolicies } from '../../shared/jobs/expire-policies.js';
import {
  applicationBody,
  asEnterprise,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

const clock = new Date('2026-11-27T04:00:00Z');
const COVERAGES = [
  { line: 'enforcement_cost', sumInsuredFen: 1_000, deductibleFen: 100 },
  { line: 'infringement_loss', sumInsuredFen: 500, deductibleFen: 0 },
];

type Who = 'holder' | 'other' | 'insurer' | 'otherInsurer' | 'lender' | 'office';
type Command =
  | { kind: 'policy'; action: 'issue' | 'decline' | 'cancel'; who: Who }
  | { kind: 'file'; who: Who; line: string; claimedFen: number }
  | { kind: 'claim'; action: 'settle' | 'deny'; who: Who; index: number; paidFen: number }
  | { kind: 'expire' };

/**
 * Mostly the party the action belongs to, so that sequences get far into the life cycle; every other caller
 * often enough to probe 403/404.
 */
const ALL: Who[] = ['holder', 'other', 'insurer', 'otherInsurer', 'lender', 'office'];
const mostly = (party: Who) =>
  fc.oneof({ arbitrary: fc.constant(party), weight: 4 }, { arbitrary: fc.constantFrom(...ALL), weight: 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('policy' as const),
      action: fc.constantFrom('issue', 'issue', 'decline', 'cancel'),
      who: fc.constantFrom<Who>('holder', 'insurer', 'insurer', 'other', 'otherInsurer', 'lender', 'office'),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('file' as const),
      who: mostly('holder'),
      line: fc.constantFrom('enforcement_cost', 'infringement_loss', 'overseas_enforcement'),
      claimedFen: fc.integer({ min: 1, max: 700 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      action: fc.constantFrom('settle', 'settle', 'deny'),
      who: mostly('insurer'),
      index: fc.nat(5),
      paidFen: fc.integer({ min: 1, max: 400 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 1 },
);

describe('insurance properties (random actions by random roles)', () => {
  let portal: TestPortal;
  let p: Parties;
  let asset: string;
  const as = (w: Who): NonNullable<CallOptions['as']> =>
    ({
      holder: { role: 'enterprise', org: p.holder },
      other: { role: 'enterprise', org: p.other },
      insurer: { role: 'insurer', org: p.insurer },
      otherInsurer: { role: 'insurer', org: p.otherInsurer },
      lender: { role: 'lender', org: p.lender },
      office: { role: 'ipoffice' },
    })[w] as NonNullable<CallOptions['as']>;
  const isParty = (w: Who) => w === 'holder' || w === 'insurer';

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => clock });
    p = await setupParties(portal);
    asset = await trademark(portal, p.holder);
  });

  /** The whole observable state of one policy: the policy, its claims, their histories. */
  const snapshot = async (policyId: string) => {
    const view = await portal.call('GET', `/policies/${policyId}`, { as: { role: 'ipoffice' } });
    expect(view.status).toBe(200);
    const claims = await Promise.all(
      view.body.claims.map(
        async (c: { id: string }) =>
          (await portal.call('GET', `/claims/${c.id}`, { as: { role: 'ipoffice' } })).body,
      ),
    );
    return { policy: view.body, claims };
  };

  const checkInvariants = (state: Awaited<ReturnType<typeof snapshot>>) => {
    const { policy, claims } = state;
    expect(replayPolicy(policy.history)).toBe(policy.status);
    for (const claim of claims) expect(replayClaim(claim.history)).toBe(claim.status);
    for (const coverage of policy.coverages) {
      expect(coverage.paidFen).toBeGreaterThanOrEqual(0);
      expect(coverage.paidFen).toBeLessThanOrEqual(coverage.sumInsuredFen - coverage.deductibleFen);
      const paid = claims
        .filter((c: { line: string; status: string }) => c.line === coverage.line && c.status === 'paid')
        .reduce((sum: number, c: { paidFen: number }) => sum + c.paidFen, 0);
      expect(coverage.paidFen).toBe(paid);
    }
    expect(policy.claimCount).toBe(claims.length);
    expect(policy.history.filter((e: { action: string }) => e.action === 'file_claim')).toHaveLength(
      claims.length,
    );
  };

  it('keeps paid ≤ cover per line, status = replay(history), and refused actions change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(command, { minLength: 3, maxLength: 10 }),
        async (issued, commands) => {
          const applied = await portal.call('POST', '/policies', {
            as: asEnterprise(p.holder),
            body: applicationBody(p.insurer, [asset], { coverages: COVERAGES }),
          });
          expect(applied.status).toBe(201);
          const policyId: string = applied.body.id;
          if (issued) {
            const issue = await portal.call('POST', `/policies/${policyId}/issue`, {
              as: { role: 'insurer', org: p.insurer },
              body: { premiumFen: 10 },
            });
            expect(issue.status).toBe(200);
          }
          const claimIds: string[] = [];
          let before = await snapshot(policyId);
          for (const cmd of commands) {
            let status: number;
            let expected: 'forbidden' | 'not_found' | 'invalid_state' | 'maybe';
            /** What a permitted action may answer: success, or the business refusal API.md gives it. */
            let permitted: number[];
            if (cmd.kind === 'expire') {
              await expirePolicies(
                { db: portal.deps.db, tableName: portal.tableName },
                fixedClock(new Date('2027-01-02T00:00:00Z')),
              );
              const after = await snapshot(policyId);
              checkInvariants(after);
              if (before.policy.status !== 'active') expect(after).toEqual(before);
              else expect(after.policy.status).toBe('expired');
              before = after;
              continue;
            }
            const role = as(cmd.who).role as Role;
            if (cmd.kind === 'policy') {
              const res = await portal.call('POST', `/policies/${policyId}/${cmd.action}`, {
                as: as(cmd.who),
                body:
                  cmd.action === 'issue'
                    ? { premiumFen: 10 }
                    : cmd.action === 'decline'
                      ? { reason: 'r' }
                      : undefined,
              });
              status = res.status;
              permitted = [200];
              const decision = policyTransition(before.policy.status, cmd.action as PolicyAction, role);
              expected =
                !decision.ok && decision.error === 'forbidden'
                  ? 'forbidden'
                  : !isParty(cmd.who)
                    ? 'not_found'
                    : decision.ok
                      ? 'maybe'
                      : 'invalid_state';
            } else if (cmd.kind === 'file') {
              const res = await portal.call('POST', `/policies/${policyId}/claims`, {
                as: as(cmd.who),
                body: {
                  line: cmd.line,
                  claimedFen: cmd.claimedFen,
                  incidentDate: '2026-06-01',
                  description: 'p',
                },
              });
              status = res.status;
              if (res.status === 201) claimIds.push(res.body.id);
              // The line must be covered (incident date and amount are always valid here).
              permitted = COVERAGES.some((c) => c.line === cmd.line) ? [201] : [422];
              const decision = policyTransition(before.policy.status, 'file_claim', role);
              expected =
                !decision.ok && decision.error === 'forbidden'
                  ? 'forbidden'
                  : !isParty(cmd.who)
                    ? 'not_found'
                    : decision.ok
                      ? 'maybe'
                      : 'invalid_state';
            } else {
              if (claimIds.length === 0) continue;
              const claimId = claimIds[cmd.index % claimIds.length]!;
              const res = await portal.call('POST', `/claims/${claimId}/${cmd.action}`, {
                as: as(cmd.who),
                body: cmd.action === 'settle' ? { paidFen: cmd.paidFen } : { reason: 'r' },
              });
              status = res.status;
              // A settlement over the remaining cover (or over the claimed amount) is refused with 422.
              permitted = cmd.action === 'settle' ? [200, 422] : [200];
              const claim = before.claims.find((c: { id: string }) => c.id === claimId);
              const decision = claimTransition(claim.status, cmd.action as ClaimAction, role);
              expected =
                !decision.ok && decision.error === 'forbidden'
                  ? 'forbidden'
                  : !isParty(cmd.who)
                    ? 'not_found'
                    : decision.ok
                      ? 'maybe'
                      : 'invalid_state';
            }
            const after = await snapshot(policyId);
            checkInvariants(after);
            if (expected === 'forbidden') expect(status).toBe(403);
            if (expected === 'not_found') expect(status).toBe(404);
            if (expected === 'invalid_state') expect(status).toBe(409);
            if (expected === 'maybe')
              expect(permitted, `${JSON.stringify(cmd)} → ${status}`).toContain(status);
            if (status >= 400) expect(after).toEqual(before);
            else expect(after).not.toEqual(before);
            before = after;
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 120_000);
});
