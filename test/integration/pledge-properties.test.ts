import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/principal.js';
import { capAmountFen, DEFAULT_MAX_LTV_BPS } from '../../shared/domain/lending-policy.js';
import {
  actionsFrom,
  holdsAssets,
  PLEDGE_ACTIONS,
  PLEDGE_TRANSITIONS,
  type PledgeAction,
  type PledgeStatus,
  replay,
  transition,
} from '../../shared/domain/pledge-state-machine.js';
import { FIXED_NOW, office, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * Random sequences of applications and actions, by random callers (right and wrong roles, right and wrong
 * tenants), through the real app on DynamoDB Local. After every step:
 *  - no asset is in two holding pledges, and each asset's encumbrance names its holding pledge (or is null);
 *  - every pledge's status equals replay(history) and its version equals the number of events;
 *  - the outcome is the one the state-machine table predicts, and a refused step changed nothing.
 */
const ENTERPRISES = [yiwu('MA2Q00001'), yiwu('MA2Q00002')] as const;
const LENDERS = ['prop-bank-1', 'prop-bank-2'] as const;
const APPRAISED = 1_000_000_00;
const REQUESTED = 200_000_00;

type Caller = { role: Role; org?: string };
const CALLERS: Caller[] = [
  { role: 'enterprise', org: ENTERPRISES[0] },
  { role: 'enterprise', org: ENTERPRISES[1] },
  { role: 'lender', org: LENDERS[0] },
  { role: 'lender', org: LENDERS[1] },
  { role: 'ipoffice' },
  { role: 'insurer', org: 'prop-insurer' },
];

type Step =
  | { kind: 'apply'; enterprise: 0 | 1; lender: 0 | 1; assets: number[] }
  | {
      kind: 'act';
      pledge: number;
      action: Exclude<PledgeAction, 'submit'>;
      caller: number;
      amount: number;
      /** Most steps take a legal action as its rightful caller, so sequences get deep into the life cycle. */
      rightful: boolean;
      choice: number;
    };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('apply' as const),
    enterprise: fc.constantFrom(0 as const, 1 as const),
    lender: fc.constantFrom(0 as const, 1 as const),
    assets: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
  }),
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('act' as const),
      pledge: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat(5)), // 0 = the latest pledge
      action: fc.constantFrom(
        ...(PLEDGE_ACTIONS.filter((a) => a !== 'submit') as Exclude<PledgeAction, 'submit'>[]),
      ),
      caller: fc.nat(CALLERS.length - 1),
      amount: fc.constantFrom(100_000_00, 150_000_00, 150_000_01, 200_000_00, 250_000_00),
      rightful: fc.constantFrom(true, true, true, false),
      choice: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat(3)), // 0 = the forward action
    }),
  },
);

const BODIES: Partial<Record<PledgeAction, (amount: number) => unknown>> = {
  approve: (amount) => ({ approvedAmountFen: amount, annualRateBps: 400 }),
  reject: () => ({ reason: 'declined' }),
  refuse: () => ({ reason: 'refused' }),
  register: () => ({ registrationNumber: 'Y2026330000123' }),
  // A defaulted pledge is released only with the waiver (or after a disposal, which this model does not take).
  release: () => ({ waived: true }),
};

const rightfulCaller = (action: PledgeAction, pledge: { enterprise: number; lender: number }): Caller => {
  const role = PLEDGE_TRANSITIONS.find((r) => r.action === action)!.roles[0]!;
  if (role === 'enterprise') return { role, org: ENTERPRISES[pledge.enterprise as 0 | 1] };
  if (role === 'lender') return { role, org: LENDERS[pledge.lender as 0 | 1] };
  return { role };
};

/** Always run once: a whole journey with wrong-tenant, wrong-role and wrong-state attempts along the way. */
const forward = (extra: Partial<Extract<Step, { kind: 'act' }>> = {}): Step => ({
  kind: 'act',
  pledge: 0,
  action: 'review',
  caller: 0,
  amount: 100_000_00,
  rightful: true,
  choice: 0,
  ...extra,
});
const JOURNEY: Step[] = [
  { kind: 'apply', enterprise: 0, lender: 0, assets: [0, 1] },
  { kind: 'apply', enterprise: 0, lender: 1, assets: [1] }, // held → 422
  forward({ rightful: false, caller: 3 }), // the other lender → 404
  forward(),
  forward({ rightful: false, action: 'register', caller: 0 }), // enterprise may not register → 403
  forward({ amount: 150_000_01 }), // above the 15 % cap of the utility model → 422
  forward(),
  forward({ rightful: false, action: 'review', caller: 2 }), // approved → 409
  forward(),
  forward(),
  forward(),
  forward(),
  { kind: 'apply', enterprise: 0, lender: 1, assets: [1] }, // released → free again
];

const FORWARD: PledgeAction[] = ['review', 'approve', 'register', 'disburse', 'repay', 'release'];

/** Which (state → action: status) combinations the runs reached, to show the walk goes deep. */
const seen = new Set<string>();

describe('pledge properties', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;

  beforeAll(async () => {
    portal = await createTestPortal({ now: () => FIXED_NOW });
    f = pledgeFixtures(portal);
    await Promise.all([...ENTERPRISES.map((e) => f.enterprise(e)), ...LENDERS.map((l) => f.institution(l))]);
    await f.institution('prop-insurer', 'insurer');
  });

  it('keeps every invariant under random action sequences', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
        // Fresh assets per run: asset 0 (invention) and 1 (utility model) of enterprise 0, asset 2 of enterprise 1.
        const assets = [
          { id: await f.patent(ENTERPRISES[0]), owner: 0, capBps: DEFAULT_MAX_LTV_BPS.invention },
          {
            id: await f.patent(ENTERPRISES[0], { type: 2 }),
            owner: 0,
            capBps: DEFAULT_MAX_LTV_BPS.utility_model,
          },
          { id: await f.patent(ENTERPRISES[1]), owner: 1, capBps: DEFAULT_MAX_LTV_BPS.invention },
        ];
        const runAssetIds = new Set(assets.map((a) => a.id));
        const pledges: { id: string; enterprise: number; lender: number; assets: number[] }[] = [];

        const officeView = async () => {
          const all: { id: string; status: PledgeStatus; assetIds: string[]; version: number }[] = [];
          let cursor: string | null = null;
          do {
            const res = await portal.call('GET', `/pledges?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
              as: office,
            });
            expect(res.status).toBe(200);
            all.push(...res.body.items);
            cursor = res.body.nextCursor;
          } while (cursor);
          return all.filter((p) => p.assetIds.some((id) => runAssetIds.has(id)));
        };
        const encumbrances = async () =>
          Promise.all(
            assets.map(
              async (a) => (await portal.call('GET', `/assets/${a.id}`, { as: office })).body.encumbrance,
            ),
          );

        const checkInvariants = async () => {
          const view = await officeView();
          expect(view.map((p) => p.id).sort()).toEqual(pledges.map((p) => p.id).sort());
          const enc = await encumbrances();
          assets.forEach((a, i) => {
            const holders = view.filter((p) => p.assetIds.includes(a.id) && holdsAssets(p.status));
            expect(holders.length).toBeLessThanOrEqual(1);
            expect(enc[i]).toEqual(holders[0] ? { pledgeId: holders[0].id } : null);
          });
          for (const p of view) {
            const detail = await portal.call('GET', `/pledges/${p.id}`, { as: office });
            expect(replay(detail.body.history)).toBe(detail.body.status);
            expect(detail.body.version).toBe(detail.body.history.length);
          }
          return { view, enc };
        };

        let state = await checkInvariants();
        for (const step of steps) {
          let succeeded = false;
          if (step.kind === 'apply') {
            const owner = step.enterprise;
            const free = step.assets.every((i) => assets[i]!.owner === owner && state.enc[i] === null);
            const res = await f.apply(ENTERPRISES[owner], {
              lenderId: LENDERS[step.lender],
              assetIds: step.assets.map((i) => assets[i]!.id),
              appraisedValueFen: APPRAISED,
              requestedAmountFen: REQUESTED,
            });
            expect(res.status, JSON.stringify(res.body)).toBe(free ? 201 : 422);
            succeeded = res.status === 201;
            if (res.status === 201)
              pledges.push({ id: res.body.id, enterprise: owner, lender: step.lender, assets: step.assets });
          } else {
            const target = pledges[pledges.length - 1 - (step.pledge % Math.max(pledges.length, 1))];
            if (!target) continue;
            const before = state.view.find((p) => p.id === target.id)!;
            const legal = actionsFrom(before.status).sort(
              (a, b) => Number(!FORWARD.includes(a)) - Number(!FORWARD.includes(b)),
            ) as Exclude<PledgeAction, 'submit'>[];
            const action =
              step.rightful && legal.length > 0 ? legal[step.choice % legal.length]! : step.action;
            const caller = step.rightful ? rightfulCaller(action, target) : CALLERS[step.caller]!;
            const outcome = transition(before.status, action, caller.role);
            const foreign =
              (caller.role === 'enterprise' && caller.org !== ENTERPRISES[target.enterprise as 0 | 1]) ||
              (caller.role === 'lender' && caller.org !== LENDERS[target.lender as 0 | 1]);
            const cap = Math.min(...target.assets.map((i) => assets[i]!.capBps));
            const maxAmount = Math.min(REQUESTED, capAmountFen(APPRAISED, cap));
            const expected =
              !outcome.ok && outcome.error === 'forbidden'
                ? 403
                : foreign
                  ? 404
                  : !outcome.ok
                    ? 409
                    : action === 'approve' && step.amount > maxAmount
                      ? 422
                      : action === 'dispose'
                        ? 201
                        : 200;
            // A disposal is its own resource (POST /pledges/{id}/disposals → 201), completed on the business date.
            const res =
              action === 'dispose'
                ? await portal.call('POST', `/pledges/${target.id}/disposals`, {
                    as: caller,
                    body: { method: 'agreed_value', recoveredFen: 0, completedOn: portal.deps.clock.today() },
                  })
                : await f.act(target.id, action, caller, BODIES[action]?.(step.amount));
            succeeded = res.status === 200 || res.status === 201;
            seen.add(`${before.status}→${action}:${res.status}`);
            expect(
              res.status,
              `${action} by ${caller.role} on ${before.status}: ${JSON.stringify(res.body)}`,
            ).toBe(expected);
            if (expected === 409) expect(res.body.currentState).toBe(before.status);
          }
          const previous = state;
          state = await checkInvariants();
          // A refused step changed nothing (same pledges, versions, states and holds); a successful one changed
          // exactly one pledge.
          const changed = state.view.filter((p) => {
            const old = previous.view.find((o) => o.id === p.id);
            return !old || old.version !== p.version || old.status !== p.status;
          });
          expect(changed).toHaveLength(succeeded ? 1 : 0);
          if (!succeeded) expect(state.enc).toEqual(previous.enc);
        }
      }),
      { numRuns: 40, examples: [[JOURNEY]] },
    );
    // The walk must have reached the end of the life cycle and exercised refusals, not just the first steps.
    expect(
      [...seen].some((k) => k.startsWith('repaid→release:200') || k.startsWith('defaulted→release:200')),
    ).toBe(true);
    expect([...seen].some((k) => k.endsWith(':403'))).toBe(true);
    expect([...seen].some((k) => k.endsWith(':404'))).toBe(true);
    expect([...seen].some((k) => k.endsWith(':409'))).toBe(true);
  });
});
