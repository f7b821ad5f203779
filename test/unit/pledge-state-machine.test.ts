import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/auth/principal.js';
import type { Asset } from '../../shared/domain/asset.js';
import {
  capAmountFen,
  capFor,
  checkApprovedAmount,
  classificationDaysOf,
  DEFAULT_MAX_LTV_BPS,
  defaultLendingPolicy,
  effectivePolicy,
  formatBps,
  LTV_KINDS,
  lendingPolicyRefusals,
  ltvKindOf,
  penaltyFactorOf,
} from '../../shared/domain/lending-policy.js';
import {
  assetRefusals,
  missingConsents,
  NOT_YOURS,
  relatedMarkRefusals,
  rightRefusals,
  submissionRefusals,
} from '../../shared/domain/pledge.js';
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

describe('lending policy: terms, defaults and the approval’s words', () => {
  it('fills what the IP office did not set with the defaults, and keeps only what it set', () => {
    const days = { specialMention: 1, substandard: 31, doubtful: 91, loss: 181 };
    expect(
      effectivePolicy({
        maxLtvBps: { invention: 3000 } as never,
        penaltyFactorBps: 13_000,
        classificationDays: days,
        requireVerifiedRights: true,
      }),
    ).toStrictEqual({
      maxLtvBps: { invention: 3000, utility_model: 1500, design: 1500, trademark: 5000 },
      penaltyFactorBps: 13_000,
      classificationDays: days,
      requireVerifiedRights: true,
    });
    expect(effectivePolicy({ maxLtvBps: DEFAULT_MAX_LTV_BPS, requireVerifiedRights: false })).toStrictEqual({
      maxLtvBps: { ...DEFAULT_MAX_LTV_BPS },
    });
    // A factor of 0 is a setting, not an absence.
    expect(effectivePolicy({ maxLtvBps: DEFAULT_MAX_LTV_BPS, penaltyFactorBps: 0 })).toStrictEqual({
      maxLtvBps: { ...DEFAULT_MAX_LTV_BPS },
      penaltyFactorBps: 0,
    });
    expect(effectivePolicy(undefined)).toStrictEqual({ maxLtvBps: { ...DEFAULT_MAX_LTV_BPS } });
    expect(penaltyFactorOf(undefined)).toBe(15_000);
    expect(penaltyFactorOf({ maxLtvBps: DEFAULT_MAX_LTV_BPS })).toBe(15_000);
    expect(penaltyFactorOf({ maxLtvBps: DEFAULT_MAX_LTV_BPS, penaltyFactorBps: 12_000 })).toBe(12_000);
    expect(classificationDaysOf(undefined)).toEqual({
      specialMention: 1,
      substandard: 91,
      doubtful: 181,
      loss: 361,
    });
    expect(classificationDaysOf({ maxLtvBps: DEFAULT_MAX_LTV_BPS, classificationDays: days })).toBe(days);
    expect(LTV_KINDS).toEqual(['invention', 'utility_model', 'design', 'trademark']);
    // The defaults are a fresh copy each time: changing one policy leaves the next alone.
    const mine = defaultLendingPolicy();
    mine.maxLtvBps.invention = 1;
    expect(defaultLendingPolicy().maxLtvBps.invention).toBe(2500);
  });

  it('wants each classification tier to start strictly later than the one before', () => {
    const base = { maxLtvBps: DEFAULT_MAX_LTV_BPS };
    expect(lendingPolicyRefusals(base)).toEqual([]);
    expect(
      lendingPolicyRefusals({
        ...base,
        classificationDays: { specialMention: 1, substandard: 2, doubtful: 3, loss: 4 },
      }),
    ).toEqual([]);
    expect(
      lendingPolicyRefusals({
        ...base,
        classificationDays: { specialMention: 10, substandard: 10, doubtful: 9, loss: 30 },
      }),
    ).toEqual([
      {
        path: 'classificationDays.substandard',
        code: 'classification_days_not_increasing',
        message: 'must be more than specialMention (10)',
      },
      {
        path: 'classificationDays.doubtful',
        code: 'classification_days_not_increasing',
        message: 'must be more than substandard (10)',
      },
    ]);
    expect(
      lendingPolicyRefusals({
        ...base,
        classificationDays: { specialMention: 1, substandard: 91, doubtful: 181, loss: 181 },
      }),
    ).toEqual([
      {
        path: 'classificationDays.loss',
        code: 'classification_days_not_increasing',
        message: 'must be more than doubtful (181)',
      },
    ]);
  });

  it('classifies a patent of no recorded type as an invention, and takes the first of equal caps', () => {
    expect(ltvKindOf({ kind: 'patent' })).toBe('invention');
    expect(ltvKindOf({ kind: 'patent', patentType: 'utility_model' })).toBe('utility_model');
    expect(ltvKindOf({ kind: 'trademark', patentType: 'design' })).toBe('trademark');
    const policy = defaultLendingPolicy();
    expect(capFor(policy, ['design', 'utility_model'])).toEqual({ bps: 1500, kind: 'design' });
    expect(capFor(policy, ['utility_model', 'design'])).toEqual({ bps: 1500, kind: 'utility_model' });
    expect(capFor(policy, ['invention', 'trademark'])).toEqual({ bps: 2500, kind: 'invention' });
    expect(() => capFor(policy, [])).toThrow(new RangeError('a pledge has at least one asset'));
  });

  it('writes a cap in percent with up to two decimals', () => {
    expect(formatBps(0)).toBe('0%');
    expect(formatBps(10)).toBe('0.1%');
    expect(formatBps(1505)).toBe('15.05%');
    expect(formatBps(10_000)).toBe('100%');
  });

  it('says which bound an approval breaks, with the cap, the amounts and the kind', () => {
    const base = {
      requestedAmountFen: 400_000,
      appraisedValueFen: 1_000_001,
      policy: defaultLendingPolicy(),
    };
    const ltv = checkApprovedAmount({
      ...base,
      approvedAmountFen: 250_001,
      kinds: ['utility_model', 'trademark'],
    });
    expect(ltv).toEqual({
      ok: false,
      reason: 'over_ltv',
      maxApprovedAmountFen: 150_000,
      maxLtvBps: 1500,
      capKind: 'utility_model',
      detail:
        "The approved amount 250001 fen exceeds the lender's maximum loan-to-value of 15% (utility model, the " +
        'lowest cap among the pledged assets) of the appraised value 1000001 fen: at most 150000 fen may be approved.',
    });
    // Per-asset appraisals: the sum of each value × its own kind's cap, each rounded down.
    // 300 001 × 50 % = 150 000 (150 000.5 down); 700 000 × 25 % = 175 000.
    const appraisals = [
      { valueFen: 300_001, kind: 'trademark' as const },
      { valueFen: 700_000, kind: 'invention' as const },
    ];
    const each = checkApprovedAmount({
      ...base,
      approvedAmountFen: 325_001,
      kinds: ['trademark', 'invention'],
      appraisals,
    });
    expect(each).toEqual({
      ok: false,
      reason: 'over_ltv',
      maxApprovedAmountFen: 325_000,
      maxLtvBps: 2500,
      capKind: 'invention',
      detail:
        "The approved amount 325001 fen exceeds the sum of each appraised asset's value × the lender's cap for its " +
        'kind: at most 325000 fen may be approved.',
    });
    expect(
      checkApprovedAmount({
        ...base,
        approvedAmountFen: 325_000,
        kinds: ['trademark', 'invention'],
        appraisals,
      }),
    ).toEqual({ ok: true, maxApprovedAmountFen: 325_000, maxLtvBps: 2500 });
    // Above the request but within the cap.
    const requested = checkApprovedAmount({
      ...base,
      requestedAmountFen: 100_000,
      approvedAmountFen: 100_001,
      kinds: ['invention'],
    });
    expect(requested).toEqual({
      ok: false,
      reason: 'over_requested',
      maxApprovedAmountFen: 100_000,
      maxLtvBps: 2500,
      capKind: 'invention',
      detail:
        'The approved amount 100001 fen exceeds the requested amount 100000 fen: at most 100000 fen may be approved ' +
        '(loan-to-value cap 25%).',
    });
    // Exactly the cap, above the request: the request is the bound broken.
    expect(
      checkApprovedAmount({
        ...base,
        requestedAmountFen: 100_000,
        approvedAmountFen: 250_000,
        kinds: ['invention'],
      }),
    ).toMatchObject({ reason: 'over_requested', maxApprovedAmountFen: 100_000 });
    // Above both: the cap is the larger violation and is named.
    expect(
      checkApprovedAmount({
        ...base,
        requestedAmountFen: 100_000,
        approvedAmountFen: 250_001,
        kinds: ['invention'],
      }),
    ).toMatchObject({ reason: 'over_ltv', maxApprovedAmountFen: 100_000 });
    // Exactly at the cap (250 000 of 1 000 001 at 25 %), with a larger request: approved.
    expect(
      checkApprovedAmount({
        ...base,
        requestedAmountFen: 900_000,
        approvedAmountFen: 250_000,
        kinds: ['invention'],
      }),
    ).toEqual({ ok: true, maxApprovedAmountFen: 250_000, maxLtvBps: 2500 });
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
  it('names the lender and both amounts in its words; requesting exactly the appraised value is fine', () => {
    const assets = new Map([['a1', patent()]]);
    const input = {
      lenderId: 'nobank',
      assetIds: ['a1'],
      appraisedValueFen: 100,
      requestedAmountFen: 101,
      termMonths: 12,
    };
    expect(submissionRefusals(input, assets, { applicant: ME, today, lenderExists: false })).toEqual([
      { path: 'lenderId', code: 'lender_unknown', message: 'nobank is not a lender' },
      {
        path: 'requestedAmountFen',
        code: 'amount_above_appraisal',
        message: '101 fen exceeds the appraised value 100 fen',
      },
    ]);
    expect(
      submissionRefusals({ ...input, requestedAmountFen: 100 }, assets, {
        applicant: ME,
        today,
        lenderExists: true,
      }),
    ).toEqual([]);
  });

  it('for a lender taking only verified rights, refuses an unverified right of the applicant, not a missing one', () => {
    const verified = patent({
      id: 'a2',
      number: '202310123456.6',
      verification: { on: '2026-01-05', source: 'registry', reference: 'R1', by: 'staff' },
    });
    const assets = new Map([
      ['a1', patent()],
      ['a2', verified],
      ['a3', patent({ id: 'a3', owner: '91110000600037341L' })],
    ]);
    const input = {
      lenderId: 'bank1',
      assetIds: ['a1', 'a2', 'a3', 'zz'],
      appraisedValueFen: 100,
      requestedAmountFen: 10,
      termMonths: 12,
    };
    const strict = { applicant: ME, today, lenderExists: true, requireVerifiedRights: true };
    expect(submissionRefusals(input, assets, strict)).toEqual([
      {
        path: 'assetIds.0',
        code: 'right_not_verified',
        message: '201710601862.3 is not verified by the IP office, and bank1 takes only verified rights',
      },
      { path: 'assetIds.2', code: 'not_owner', message: NOT_YOURS },
      { path: 'assetIds.3', code: 'not_owner', message: NOT_YOURS },
    ]);
    // An unverified right with other grounds gets those and the verification ground too.
    const held = new Map([['a1', patent({ encumbrance: { pledgeId: 'p9' } })]]);
    expect(submissionRefusals({ ...input, assetIds: ['a1'] }, held, strict).map((i) => i.code)).toEqual([
      'already_pledged',
      'right_not_verified',
    ]);
    expect(
      submissionRefusals(input, assets, { ...strict, requireVerifiedRights: false }).map((i) => i.code),
    ).toEqual(['not_owner', 'not_owner']);
  });

  it('checks per-asset appraisals: each pledged asset once, none other, adding up to the appraised value', () => {
    const assets = new Map([
      ['a1', patent()],
      ['a2', patent({ id: 'a2' })],
    ]);
    const ctx = { applicant: ME, today, lenderExists: true };
    const base = {
      lenderId: 'bank1',
      assetIds: ['a1', 'a2'],
      appraisedValueFen: 1_000,
      requestedAmountFen: 10,
      termMonths: 12,
    };
    const by = (assetId: string, valueFen: number) => ({ assetId, valueFen, appraiser: 'A' });
    expect(submissionRefusals({ ...base, appraisals: [by('a2', 400), by('a1', 600)] }, assets, ctx)).toEqual(
      [],
    );
    expect(submissionRefusals({ ...base, appraisals: [by('a1', 600), by('a2', 399)] }, assets, ctx)).toEqual([
      {
        path: 'appraisedValueFen',
        code: 'appraised_value_mismatch',
        message: 'is 1000 fen but the appraisals add up to 999 fen',
      },
    ]);
    expect(
      submissionRefusals({ ...base, appraisals: [by('a1', 500), by('zz', 100), by('a1', 400)] }, assets, ctx),
    ).toEqual([
      { path: 'appraisals.1.assetId', code: 'not_pledged', message: 'zz is not one of assetIds' },
      { path: 'appraisals.2.assetId', code: 'duplicate_appraisal', message: 'a1 is appraised twice' },
      { path: 'appraisals', code: 'appraisal_missing', message: 'no appraisal for a2' },
    ]);
    expect(
      submissionRefusals(
        { ...base, appraisedValueFen: 0, requestedAmountFen: 0, appraisals: [] },
        assets,
        ctx,
      ),
    ).toEqual([{ path: 'appraisals', code: 'appraisal_missing', message: 'no appraisal for a1, a2' }]);
  });

  it('words each legal ground with the dates and state that make it', () => {
    const legal = (record: Partial<Asset['legal']>) =>
      patent({ legal: { events: 1, ...record } as Asset['legal'] });
    expect(
      rightRefusals(legal({ annuityPaidThrough: '2026-10-31' }), today, maturesOn, 'the policy ends'),
    ).toEqual([
      {
        code: 'annuity_grace_period',
        message:
          "201710601862.3's annuity was due after 2026-10-31; it is in its grace period until 2027-04-30",
      },
    ]);
    expect(rightRefusals(legal({ lapsedOn: '2026-11-01' }), today, maturesOn, 'x')).toEqual([
      { code: 'not_in_force', message: '201710601862.3 is not in force: it is lapsed' },
    ]);
    expect(rightRefusals(legal({ invalidated: true }), today, maturesOn, 'x')).toEqual([
      { code: 'not_in_force', message: '201710601862.3 is not in force: it is invalidated' },
    ]);
    expect(rightRefusals(patent({ expiresOn: '2027-11-26' }), today, maturesOn, 'the policy ends')).toEqual([
      {
        code: 'expires_before_maturity',
        message: '201710601862.3 expires on 2027-11-26, before the policy ends on 2027-11-27',
      },
    ]);
    expect(
      rightRefusals(
        legal({ invalidationPending: true, preserved: true, disputed: true }),
        today,
        maturesOn,
        'x',
      ),
    ).toEqual([
      { code: 'invalidation_pending', message: '201710601862.3 has an invalidation request pending' },
      { code: 'preserved', message: '201710601862.3 is under court preservation' },
      { code: 'disputed', message: '201710601862.3 is the subject of an ownership dispute' },
    ]);
  });

  it('lists every co-owner without a recorded consent, also when none was ever recorded', () => {
    const coOwned = patent({ coOwners: ['9144030071526726XG', '91350100M000100Y43'] });
    expect(missingConsents(coOwned)).toEqual(['9144030071526726XG', '91350100M000100Y43']);
    expect(assetRefusals(coOwned, ME, today, maturesOn)).toEqual([
      {
        code: 'co_owner_consent_missing',
        message:
          '201710601862.3 lacks the recorded consent of co-owner(s) 9144030071526726XG, 91350100M000100Y43',
      },
    ]);
    expect(missingConsents(patent({ coOwners: undefined as unknown as string[] }))).toEqual([]);
  });
});

describe('related marks (CNIPA 2020: identical marks in overlapping classes are pledged together)', () => {
  const ME = '91330784147123451K';
  const today = '2026-11-27';
  const mark = (id: string, text: string, niceClasses: number[], extra: Partial<Asset> = {}): Asset =>
    ({
      id,
      owner: ME,
      kind: 'trademark',
      number: `3000000${id.slice(1)}`,
      mark: text,
      niceClasses,
      registrationDate: '2020-05-01',
      markType: 'ordinary',
      coOwners: [],
      status: 'registered',
      expiresOn: '2030-04-30',
      version: 1,
      createdAt: 'x',
      updatedAt: 'x',
      ...extra,
    }) as Asset;
  const refusals = (assetIds: string[], portfolio: Asset[]) =>
    relatedMarkRefusals(assetIds, new Map(portfolio.map((a) => [a.id, a])), portfolio, today);

  it('refuses a mark whose twin in an overlapping class stays outside the pledge, naming the twins', () => {
    const t1 = mark('t1', '金华火腿', [29, 30]);
    const t2 = mark('t2', '金华 火腿', [30, 31]); // spaces do not make another mark
    const t3 = mark('t3', '金华火腿', [29]);
    expect(refusals(['t1'], [t1, t2, t3])).toEqual([
      {
        path: 'assetIds.0',
        code: 'related_marks_not_included',
        message:
          '30000001 「金华火腿」 must be pledged together with 30000002, 30000003, the same mark in an overlapping class',
      },
    ]);
    // All three together: nothing missing.
    expect(refusals(['t1', 't2', 't3'], [t1, t2, t3])).toEqual([]);
    // t3 alone misses only t1 (t2 shares no class with it); its index in assetIds is the path.
    expect(refusals(['t2', 't3'], [t1, t2, t3])).toEqual([
      {
        path: 'assetIds.0',
        code: 'related_marks_not_included',
        message:
          '30000002 「金华 火腿」 must be pledged together with 30000001, the same mark in an overlapping class',
      },
      {
        path: 'assetIds.1',
        code: 'related_marks_not_included',
        message:
          '30000003 「金华火腿」 must be pledged together with 30000001, the same mark in an overlapping class',
      },
    ]);
  });

  it('compares the text case- and width-insensitively, and not by substring', () => {
    const t1 = mark('t1', 'Jinhua', [29]);
    expect(refusals(['t1'], [t1, mark('t2', 'ＪＩＮＨＵＡ', [29])]).map((i) => i.code)).toEqual([
      'related_marks_not_included',
    ]);
    expect(refusals(['t1'], [t1, mark('t2', 'Jinhua Ham', [29])])).toEqual([]);
    expect(refusals(['t1'], [t1, mark('t2', 'Jin hua', [29])]).length).toBe(1);
    expect(refusals(['t1'], [t1, mark('t2', 'Jinhuaa', [29])])).toEqual([]);
  });

  it('ignores other classes, marks not in force, patents, and pledged patents', () => {
    const t1 = mark('t1', '金华火腿', [29]);
    const patent = {
      id: 'a1',
      owner: ME,
      kind: 'patent',
      number: '201710601862.3',
      mark: '金华火腿',
      niceClasses: [29],
      coOwners: [],
      status: 'granted',
      patentType: 'invention',
      filingDate: '2017-03-01',
      expiresOn: '2037-02-28',
    } as unknown as Asset;
    expect(refusals(['t1'], [t1, mark('t2', '金华火腿', [30, 31])])).toEqual([]);
    expect(refusals(['t1'], [t1, mark('t2', '金华火腿', [29], { expiresOn: '2026-11-26' })])).toEqual([]);
    expect(
      refusals(
        ['t1'],
        [t1, mark('t2', '金华火腿', [29], { legal: { events: 1, cancelledOn: '2026-01-01' } })],
      ),
    ).toEqual([]);
    expect(refusals(['t1'], [t1, patent])).toEqual([]);
    // A pledged patent is not a mark to check, and an unknown id is passed over.
    expect(refusals(['a1', 'zz'], [patent, mark('t2', '金华火腿', [29])])).toEqual([]);
    // A twin whose last day is today still counts.
    expect(refusals(['t1'], [t1, mark('t2', '金华火腿', [29], { expiresOn: today })]).length).toBe(1);
  });
});
