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
import { ensureClaimEvidence } from '../support/documents.js';
import {
  applicationBody,
  asEnterprise,
  type Parties,
  setupParties,
  trademark,
} from '../support/insurance-fixtures.js';
import { type CallOptions, createTestPortal, type TestPortal } from '../support/portal.js';

const clock = new Date('2026-11-27T04:00:00Z');

/** Random coverage terms: the two lines' aggregates, per-claim deductibles, payout ratios and limits. */
const terms = fc.tuple(
  ...(['enforcement_cost', 'infringement_loss'] as const).map((line) =>
    fc
      .record({
        sumInsuredFen: fc.integer({ min: 200, max: 1_500 }),
        deductibleFen: fc.integer({ min: 0, max: 150 }),
        payoutRatioBps: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
        perClaimLimitFen: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
      })
      .map((c) => ({
        line,
        ...c,
        deductibleFen: Math.min(c.deductibleFen, c.sumInsuredFen),
        ...(c.perClaimLimitFen === undefined
          ? {}
          : { perClaimLimitFen: Math.min(c.perClaimLimitFen, c.sumInsuredFen) }),
      })),
  ),
);
type Coverage = {
  line: string;
  sumInsuredFen: number;
  deductibleFen: number;
  payoutRatioBps?: number | undefined;
  perClaimLimitFen?: number | undefined;
};

/**
 * What one claim may be paid, computed here in BigInt from the API's words (never above the line's sum insured),
 * not by the code under test.
 */
const payable = (c: Coverage, claimedFen: number): number => {
  const above = BigInt(Math.max(0, claimedFen - c.deductibleFen));
  const afterRatio = (above * BigInt(c.payoutRatioBps ?? 10_000)) / 10_000n;
  let payable = afterRatio;
  for (const cap of [c.perClaimLimitFen, c.sumInsuredFen])
    if (cap !== undefined && BigInt(cap) < payable) payable = BigInt(cap);
  return Number(payable);
};

type Who = 'holder' | 'other' | 'insurer' | 'otherInsurer' | 'lender' | 'office';
type ClaimStep = 'investigate' | 'assess' | 'pay' | 'settle' | 'deny' | 'reopen';
/** The step that moves a claim on from its status, by the party whose step it is. */
const NEXT: Record<string, { action: ClaimStep; who: Who }> = {
  filed: { action: 'investigate', who: 'insurer' },
  under_investigation: { action: 'assess', who: 'insurer' },
  assessed: { action: 'pay', who: 'insurer' },
  partially_paid: { action: 'pay', who: 'insurer' },
  paid: { action: 'reopen', who: 'holder' },
  denied: { action: 'reopen', who: 'holder' },
};
type Command =
  | { kind: 'policy'; action: 'issue' | 'decline' | 'cancel' | 'terminate'; who: Who }
  | { kind: 'file'; who: Who; line: string; claimedFen: number }
  | { kind: 'claim'; action: ClaimStep | 'next'; who: Who; index: number; amount: Amount }
  | { kind: 'expire' };

/** An amount: any, or one at a boundary the rules draw (exactly a limit, or one fen over it). */
type Amount = number | { at: 'payable' | 'unpaid' | 'remaining'; plus: 0 | 1 };
const amount: fc.Arbitrary<Amount> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 700 }), weight: 1 },
  fc.record({
    at: fc.constantFrom('payable', 'unpaid', 'remaining'),
    plus: fc.constantFrom(0, 1),
  }) as fc.Arbitrary<Amount>,
);

/**
 * Mostly the party the action belongs to, so that sequences get far into the life cycle; every other caller
 * often enough to probe 403/404.
 */
const ALL: Who[] = ['holder', 'other', 'insurer', 'otherInsurer', 'lender', 'office'];
const mostly = (party: Who) =>
  fc.oneof({ arbitrary: fc.constant(party), weight: 6 }, { arbitrary: fc.constantFrom(...ALL), weight: 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('policy' as const),
      action: fc.constantFrom('issue', 'issue', 'issue', 'decline', 'cancel', 'terminate'),
      who: fc.constantFrom<Who>('holder', 'insurer', 'insurer', 'other', 'otherInsurer', 'lender', 'office'),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('file' as const),
      who: mostly('holder'),
      line: fc.constantFrom(
        'enforcement_cost',
        'infringement_loss',
        'enforcement_cost',
        'overseas_enforcement',
      ),
      claimedFen: fc.integer({ min: 1, max: 900 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      action: fc.constantFrom<ClaimStep | 'next'>(
        'next',
        'next',
        'next',
        'next',
        'next',
        'investigate',
        'investigate',
        'assess',
        'assess',
        'pay',
        'pay',
        'pay',
        'settle',
        'deny',
        'reopen',
      ),
      who: fc.oneof(
        { arbitrary: fc.constant<Who>('insurer'), weight: 5 },
        { arbitrary: fc.constantFrom(...ALL), weight: 2 },
      ),
      // Mostly the first claim, so that one claim gets through investigation, assessment and payments.
      index: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.nat(5), weight: 1 }),
      amount,
    }),
    weight: 8,
  },
  { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 1 },
);

/** The route's roles (a wrong role is refused before anything is read). */
const ROUTE_ROLES: Record<string, Role[]> = {
  file: ['enterprise', 'lender'],
  investigate: ['insurer'],
  assess: ['insurer'],
  pay: ['insurer'],
  settle: ['insurer'],
  deny: ['insurer'],
  reopen: ['enterprise', 'lender'],
};

/** The test's own model of a claim, kept from the answers the portal gave. */
interface ModelClaim {
  id: string;
  line: string;
  claimedFen: number;
  status: string;
  approvedFen: number;
  paidFen: number;
}

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

  const checkInvariants = (
    state: Awaited<ReturnType<typeof snapshot>>,
    model: ModelClaim[],
    coverages: Coverage[],
  ) => {
    const { policy, claims } = state;
    expect(replayPolicy(policy.history)).toBe(policy.status);
    for (const claim of claims) expect(replayClaim(claim.history)).toBe(claim.status);
    expect(claims.map((c: { id: string }) => c.id).sort()).toEqual(model.map((c) => c.id).sort());
    for (const claim of claims) {
      const m = model.find((x) => x.id === claim.id)!;
      const cover = coverages.find((c) => c.line === claim.line)!;
      // The brute force: what the model says was paid, and every limit.
      expect(claim.status).toBe(m.status);
      expect(claim.paidFen ?? 0).toBe(m.paidFen);
      expect((claim.payments ?? []).reduce((s: number, x: { amountFen: number }) => s + x.amountFen, 0)).toBe(
        m.paidFen,
      );
      expect(claim.paidFen ?? 0).toBeLessThanOrEqual(payable(cover, claim.claimedFen));
      if (claim.approvedFen !== undefined) {
        expect(claim.approvedFen).toBe(m.approvedFen);
        expect(claim.paidFen ?? 0).toBeLessThanOrEqual(claim.approvedFen);
      }
    }
    for (const coverage of policy.coverages) {
      const paid = model.filter((c) => c.line === coverage.line).reduce((sum, c) => sum + c.paidFen, 0);
      expect(coverage.paidFen).toBe(paid);
      expect(coverage.paidFen).toBeLessThanOrEqual(coverage.sumInsuredFen);
    }
    expect(policy.claimCount).toBe(claims.length);
    expect(policy.history.filter((e: { action: string }) => e.action === 'file_claim')).toHaveLength(
      claims.length,
    );
  };

  it('never pays more than any limit; paid totals equal the model; every answer is the one expected', async () => {
    await fc.assert(
      fc.asyncProperty(
        terms,
        fc.constantFrom(true, true, true, false),
        fc.array(command, { minLength: 8, maxLength: 24 }),
        async (coverages, issued, commands) => {
          const applied = await portal.call('POST', '/policies', {
            as: asEnterprise(p.holder),
            body: applicationBody(p.insurer, [asset], { coverages }),
          });
          expect(applied.status, JSON.stringify(applied.body)).toBe(201);
          const policyId: string = applied.body.id;
          if (issued) {
            const issue = await portal.call('POST', `/policies/${policyId}/issue`, {
              as: { role: 'insurer', org: p.insurer },
              body: { premiumFen: 10 },
            });
            expect(issue.status).toBe(200);
          }
          const model: ModelClaim[] = [];
          let before = await snapshot(policyId);
          for (const cmd of commands) {
            if (cmd.kind === 'expire') {
              await expirePolicies(
                { db: portal.deps.db, tableName: portal.tableName },
                fixedClock(new Date('2027-01-02T00:00:00Z')),
              );
              const after = await snapshot(policyId);
              checkInvariants(after, model, coverages);
              if (before.policy.status !== 'active') expect(after).toEqual(before);
              else expect(after.policy.status).toBe('expired');
              before = after;
              continue;
            }
            const role = as(cmd.who).role as Role;
            const policy = before.policy;
            let res: Awaited<ReturnType<TestPortal['call']>>;
            let expected: number;
            if (cmd.kind === 'policy') {
              res = await portal.call('POST', `/policies/${policyId}/${cmd.action}`, {
                as: as(cmd.who),
                body:
                  cmd.action === 'issue'
                    ? { premiumFen: 10 }
                    : cmd.action === 'decline' || cmd.action === 'terminate'
                      ? { reason: 'r' }
                      : undefined,
              });
              const decision = policyTransition(policy.status, cmd.action as PolicyAction, role);
              expected =
                !decision.ok && decision.error === 'forbidden'
                  ? 403
                  : !isParty(cmd.who)
                    ? 404
                    : decision.ok
                      ? 200
                      : 409;
            } else if (cmd.kind === 'file') {
              res = await portal.call('POST', `/policies/${policyId}/claims`, {
                as: as(cmd.who),
                body: {
                  line: cmd.line,
                  claimedFen: cmd.claimedFen,
                  incidentDate: '2026-06-01',
                  description: 'p',
                },
              });
              // Occurrence cover: active, expired, or cancelled after the incident (06-01, before today).
              const gaveCover =
                policy.status === 'active' ||
                policy.status === 'expired' ||
                (policy.status === 'cancelled' && policy.cancelledOn !== undefined);
              expected = !ROUTE_ROLES.file!.includes(role)
                ? 403
                : !isParty(cmd.who)
                  ? 404
                  : !gaveCover
                    ? 409
                    : coverages.some((c) => c.line === cmd.line)
                      ? 201
                      : 422;
              // Each filed claim gets its evidence at once (paying and settling need it): the property is about
              // the amounts and the answers, which the model predicts for a claim that has it.
              if (res.status === 201) await ensureClaimEvidence(portal, res.body.id, as('holder'));
              if (res.status === 201)
                model.push({
                  id: res.body.id,
                  line: cmd.line,
                  claimedFen: cmd.claimedFen,
                  status: 'filed',
                  approvedFen: 0,
                  paidFen: 0,
                });
            } else {
              if (model.length === 0) continue;
              const m = model[cmd.index % model.length]!;
              const { action, who } =
                cmd.action === 'next' ? NEXT[m.status]! : { action: cmd.action, who: cmd.who };
              const role = as(who).role as Role;
              const cover = coverages.find((c) => c.line === m.line)!;
              const linePaid = model.filter((c) => c.line === m.line).reduce((s, c) => s + c.paidFen, 0);
              const remaining = cover.sumInsuredFen - linePaid;
              const bound = {
                payable: payable(cover, m.claimedFen),
                unpaid: m.approvedFen - m.paidFen,
                remaining,
              };
              const x =
                typeof cmd.amount === 'number'
                  ? cmd.amount
                  : Math.max(1, bound[cmd.amount.at] + cmd.amount.plus);
              const body =
                action === 'investigate'
                  ? typeof cmd.amount === 'number'
                    ? {}
                    : { reserveFen: x }
                  : action === 'assess'
                    ? { approvedFen: x }
                    : action === 'pay'
                      ? { amountFen: x }
                      : action === 'settle'
                        ? { paidFen: x }
                        : { reason: 'r' };
              res = await portal.call('POST', `/claims/${m.id}/${action}`, { as: as(who), body });
              const machineAction: ClaimAction =
                action === 'pay' ? (m.paidFen + x === m.approvedFen ? 'pay_in_full' : 'pay_in_part') : action;
              const decision = claimTransition(m.status as never, machineAction, role);
              const refused =
                (action === 'investigate' &&
                  typeof cmd.amount !== 'number' &&
                  x > payable(cover, m.claimedFen)) ||
                (action === 'assess' && (x > payable(cover, m.claimedFen) || x < m.paidFen)) ||
                (action === 'pay' && (x > m.approvedFen - m.paidFen || x > remaining)) ||
                (action === 'settle' && (x > payable(cover, m.claimedFen) - m.paidFen || x > remaining));
              expected = !ROUTE_ROLES[action]!.includes(role)
                ? 403
                : !isParty(who)
                  ? 404
                  : !decision.ok
                    ? decision.error === 'forbidden'
                      ? 403
                      : 409
                    : refused
                      ? 422
                      : 200;
              if (res.status === 200) {
                m.status = res.body.status;
                if (action === 'assess') m.approvedFen = x;
                if (action === 'pay') m.paidFen += x;
                if (action === 'settle') {
                  m.paidFen += x;
                  m.approvedFen = m.paidFen;
                }
                expect(m.status).toBe(decision.ok ? decision.to : 'unreachable');
              }
            }
            expect(res.status, `${JSON.stringify(cmd)} → ${JSON.stringify(res.body)}`).toBe(expected);
            const after = await snapshot(policyId);
            checkInvariants(after, model, coverages);
            if (res.status >= 400) expect(after).toEqual(before);
            else expect(after).not.toEqual(before);
            before = after;
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});
