import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/auth/principal.js';
import type { Asset } from '../../shared/domain/asset.js';
import {
  capAmountFen,
  capFor,
  checkApprovedAmount,
  DEFAULT_MAX_LTV_BPS,
  defaultLendingPolicy,
  effectivePolicy,
  formatBps,
  ltvKindOf,
} from '../../shared/domain/lending-policy.js';
import { assetRefusals, missingConsents, NOT_YOURS, submissionRefusals } from '../../shared/domain/pledge.js';
import {
  actionsFrom,
  holdsAssets,
  PLEDGE_ACTIONS,
  PLEDGE_STATUSES,
  type PledgeAction,
  type PledgeStatus,
  replay,
  transition,
} from '../../shared/domain/pledge-state-machine.js';

/** The contract table of API.md, written out independently of the implementation's table. */
const EXPECTED: Record<PledgeAction, { role: Role; from: (PledgeStatus | null)[]; to: PledgeStatus }> = {
  submit: { role: 'enterprise', from: [null], to: 'submitted' },
  review: { role: 'lender', from: ['submitted'], to: 'under_review' },
  approve: { role: 'lender', from: ['under_review'], to: 'approved' },
  reject: { role: 'lender', from: ['under_review'], to: 'rejected' },
  withdraw: { role: 'enterprise', from: ['submitted', 'under_review', 'approved'], to: 'withdrawn' },
  register: { role: 'ipoffice', from: ['approved'], to: 'registered' },
  refuse: { role: 'ipoffice', from: ['approved'], to: 'registration_refused' },
  disburse: { role: 'lender', from: ['registered'], to: 'active' },
  repay: { role: 'lender', from: ['active'], to: 'repaid' },
  default: { role: 'lender', from: ['active'], to: 'defaulted' },
  dispose: { role: 'lender', from: ['defaulted'], to: 'disposed' },
  release: { role: 'ipoffice', from: ['repaid', 'defaulted', 'disposed'], to: 'released' },
};

const STATES: (PledgeStatus | null)[] = [null, ...PLEDGE_STATUSES];

describe('pledge state machine', () => {
  // Every action × every state × every role: 12 × 13 × 4 = 624 cases.
  for (const action of PLEDGE_ACTIONS)
    for (const status of STATES)
      for (const role of ROLES) {
        const rule = EXPECTED[action];
        const expected =
          role !== rule.role
            ? { ok: false, error: 'forbidden' }
            : rule.from.includes(status)
              ? { ok: true, to: rule.to }
              : { ok: false, error: 'invalid_state' };
        it(`${action} by ${role} from ${status ?? '(new)'} → ${expected.ok ? expected.to : expected.error}`, () => {
          expect(transition(status, action, role)).toMatchObject(expected);
        });
      }

  it('holds assets from submitted until withdrawn, rejected, registration_refused or released', () => {
    const free = PLEDGE_STATUSES.filter((s) => !holdsAssets(s)).sort();
    expect(free).toEqual(['registration_refused', 'rejected', 'released', 'withdrawn']);
    for (const s of [
      'submitted',
      'under_review',
      'approved',
      'registered',
      'active',
      'repaid',
      'defaulted',
    ] as const)
      expect(holdsAssets(s)).toBe(true);
  });

  it('knows the actions available from each state', () => {
    expect(actionsFrom('approved').sort()).toEqual(['refuse', 'register', 'withdraw']);
    expect(actionsFrom('released')).toEqual([]);
    expect(actionsFrom('active').sort()).toEqual(['default', 'repay']);
  });

  const step = (action: PledgeAction, role: Role, from?: PledgeStatus | null, to?: PledgeStatus) => ({
    action,
    actor: { role },
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  });

  it('replays the full journey and the side exits', () => {
    expect(replay([])).toBeNull();
    expect(
      replay([
        step('submit', 'enterprise', null, 'submitted'),
        step('review', 'lender', 'submitted', 'under_review'),
        step('approve', 'lender', 'under_review', 'approved'),
        step('register', 'ipoffice', 'approved', 'registered'),
        step('disburse', 'lender', 'registered', 'active'),
        step('repay', 'lender', 'active', 'repaid'),
        step('release', 'ipoffice', 'repaid', 'released'),
      ]),
    ).toBe('released');
    expect(replay([step('submit', 'enterprise'), step('withdraw', 'enterprise')])).toBe('withdrawn');
    expect(
      replay([
        step('submit', 'enterprise'),
        step('review', 'lender'),
        step('approve', 'lender'),
        step('refuse', 'ipoffice'),
      ]),
    ).toBe('registration_refused');
  });

  it('refuses to replay an illegal or inconsistent history', () => {
    expect(() => replay([step('review', 'lender')])).toThrow(/invalid_state/);
    expect(() => replay([step('submit', 'lender')])).toThrow(/forbidden/);
    expect(() => replay([step('submit', 'enterprise'), step('approve', 'lender')])).toThrow(/invalid_state/);
    expect(() => replay([step('submit', 'enterprise', null, 'approved')])).toThrow(/records to=approved/);
    expect(() => replay([step('submit', 'enterprise'), step('review', 'lender', 'approved')])).toThrow(
      /records from/,
    );
  });
});

describe('lending policy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_MAX_LTV_BPS).toEqual({
      invention: 2500,
      utility_model: 1500,
      design: 1500,
      trademark: 5000,
    });
    expect(effectivePolicy(undefined)).toEqual(defaultLendingPolicy());
    expect(
      effectivePolicy({ maxLtvBps: { ...DEFAULT_MAX_LTV_BPS, trademark: 4000 } }).maxLtvBps.trademark,
    ).toBe(4000);
  });

  it('classifies assets and takes the lowest cap of a bundle', () => {
    expect(ltvKindOf({ kind: 'trademark' })).toBe('trademark');
    expect(ltvKindOf({ kind: 'patent', patentType: 'design' })).toBe('design');
    const policy = defaultLendingPolicy();
    expect(capFor(policy, ['trademark', 'invention'])).toEqual({ bps: 2500, kind: 'invention' });
    expect(capFor(policy, ['trademark', 'utility_model', 'invention'])).toEqual({
      bps: 1500,
      kind: 'utility_model',
    });
    expect(capFor(policy, ['trademark'])).toEqual({ bps: 5000, kind: 'trademark' });
    expect(() => capFor(policy, [])).toThrow();
  });

  it('computes the cap in exact integer fen, rounding down', () => {
    expect(capAmountFen(1_000_000, 2500)).toBe(250_000);
    expect(capAmountFen(99, 2500)).toBe(24); // 24.75 → 24
    expect(capAmountFen(1, 9999)).toBe(0);
    expect(capAmountFen(3, 3333)).toBe(0); // 0.9999
    expect(capAmountFen(10_001, 1500)).toBe(1500); // 1500.15
    // Near the safe-integer limit a float product would be off; BigInt keeps it exact.
    expect(capAmountFen(Number.MAX_SAFE_INTEGER, 2500)).toBe(2251799813685247);
    expect(capAmountFen(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
    expect(formatBps(2500)).toBe('25%');
    expect(formatBps(1250)).toBe('12.5%');
    expect(formatBps(1)).toBe('0.01%');
  });

  it('approves up to min(requested, appraised × cap) and names the cap and the maximum otherwise', () => {
    const base = {
      requestedAmountFen: 400_000,
      appraisedValueFen: 1_000_001,
      policy: defaultLendingPolicy(),
    };
    expect(checkApprovedAmount({ ...base, approvedAmountFen: 250_000, kinds: ['invention'] })).toMatchObject({
      ok: true,
      maxApprovedAmountFen: 250_000,
    });
    const over = checkApprovedAmount({ ...base, approvedAmountFen: 250_001, kinds: ['invention'] });
    expect(over).toMatchObject({
      ok: false,
      reason: 'over_ltv',
      maxLtvBps: 2500,
      maxApprovedAmountFen: 250_000,
    });
    if (!over.ok) {
      expect(over.detail).toContain('25%');
      expect(over.detail).toContain('250000 fen');
    }
    const mixed = checkApprovedAmount({
      ...base,
      approvedAmountFen: 200_000,
      kinds: ['trademark', 'design'],
    });
    expect(mixed).toMatchObject({
      ok: false,
      reason: 'over_ltv',
      maxLtvBps: 1500,
      maxApprovedAmountFen: 150_000,
    });
    const overRequested = checkApprovedAmount({ ...base, approvedAmountFen: 400_001, kinds: ['trademark'] });
    expect(overRequested).toMatchObject({
      ok: false,
      reason: 'over_requested',
      maxApprovedAmountFen: 400_000,
    });
  });
});

describe('pledge refusal rules', () => {
  const ME = '91330784147123451K';
  const today = '2026-11-27';
  const maturesOn = '2027-11-27';
  const patent = (extra: Partial<Asset> = {}): Asset =>
    ({
      id: 'a1',
      owner: ME,
      kind: 'patent',
      number: '201710601862.3',
      title: 'T',
      patentType: 'invention',
      filingDate: '2017-03-01',
      grantDate: '2018-01-01',
      coOwners: [],
      status: 'granted',
      expiresOn: '2037-02-28',
      version: 1,
      createdAt: 'x',
      updatedAt: 'x',
      ...extra,
    }) as Asset;

  it('accepts a granted, in-force, unencumbered asset of the applicant', () => {
    expect(assetRefusals(patent(), ME, today, maturesOn)).toEqual([]);
    expect(assetRefusals(patent({ expiresOn: maturesOn }), ME, today, maturesOn)).toEqual([]);
  });

  it('says the same for a missing asset and for someone else’s', () => {
    const notOwner = [{ code: 'not_owner', message: NOT_YOURS }];
    expect(assetRefusals(undefined, ME, today, maturesOn)).toEqual(notOwner);
    expect(assetRefusals(patent({ owner: '91110000600037341L' }), ME, today, maturesOn)).toEqual(notOwner);
  });

  it('names every ground: pending, lapsed, expiring before maturity, consent, held', () => {
    expect(assetRefusals(patent({ status: 'pending' }), ME, today, maturesOn)[0]).toMatchObject({
      code: 'not_granted',
      message: expect.stringMatching(/pending/),
    });
    expect(assetRefusals(patent({ expiresOn: '2026-11-26' }), ME, today, maturesOn)[0]).toEqual({
      code: 'not_in_force',
      message: '201710601862.3 is not in force: it expired on 2026-11-26',
    });
    expect(assetRefusals(patent({ expiresOn: '2027-11-26' }), ME, today, maturesOn)[0]).toEqual({
      code: 'expires_before_maturity',
      message: '201710601862.3 expires on 2027-11-26, before the loan matures on 2027-11-27',
    });
    const coOwned = patent({
      coOwners: ['9144030071526726XG', '91350100M000100Y43'],
      coOwnerConsents: { '9144030071526726XG': { recordedAt: 'x', recordedBy: 'y' } },
    });
    expect(missingConsents(coOwned)).toEqual(['91350100M000100Y43']);
    expect(assetRefusals(coOwned, ME, today, maturesOn)).toEqual([
      {
        code: 'co_owner_consent_missing',
        message: '201710601862.3 lacks the recorded consent of co-owner(s) 91350100M000100Y43',
      },
    ]);
    const held = patent({ encumbrance: { pledgeId: 'p9' } });
    expect(assetRefusals(held, ME, today, maturesOn)[0]).toMatchObject({
      code: 'already_pledged',
      message: expect.stringMatching(/already held by pledge p9/),
    });
    // Checked again at registration: the pledge's own hold is no ground.
    expect(assetRefusals(held, ME, today, maturesOn, 'p9')).toEqual([]);
  });

  it('refuses a right in its annuity grace period, lapsed, invalidated, or flagged, each with its code', () => {
    const legal = (record: Partial<Asset['legal']>) =>
      patent({ legal: { events: 1, ...record } as Asset['legal'] });
    const codes = (asset: Asset) => assetRefusals(asset, ME, today, maturesOn).map((r) => r.code);
    // today 2026-11-27: paid through 2026-10-31 → grace period until 2027-04-30.
    expect(codes(legal({ annuityPaidThrough: '2026-10-31' }))).toEqual(['annuity_grace_period']);
    expect(codes(legal({ annuityPaidThrough: '2026-05-26' }))).toEqual(['not_in_force']); // grace ended 2026-11-26
    expect(codes(legal({ annuityPaidThrough: '2027-02-28' }))).toEqual([]);
    expect(codes(legal({ lapsedOn: '2026-11-01' }))).toEqual(['not_in_force']);
    expect(codes(legal({ invalidated: true }))).toEqual(['not_in_force']);
    expect(codes(legal({ invalidationPending: true, preserved: true, disputed: true }))).toEqual([
      'invalidation_pending',
      'preserved',
      'disputed',
    ]);
  });

  it('collects lender, amount and per-asset reasons with their paths', () => {
    const assets = new Map([['a1', patent()]]);
    const issues = submissionRefusals(
      {
        lenderId: 'nobank',
        assetIds: ['zz', 'a1'],
        appraisedValueFen: 100,
        requestedAmountFen: 101,
        termMonths: 12,
      },
      assets,
      { applicant: ME, today, lenderExists: false },
    );
    expect(issues.map((i) => i.path)).toEqual(['lenderId', 'requestedAmountFen', 'assetIds.0']);
  });
});
