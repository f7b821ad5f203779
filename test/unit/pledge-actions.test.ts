import { describe, expect, it } from 'vitest';
import type { Asset } from '../../shared/domain/asset.js';
import { DomainError } from '../../shared/domain/errors.js';
import { defaultLendingPolicy, type LendingPolicy } from '../../shared/domain/lending-policy.js';
import { startLoan } from '../../shared/domain/loan.js';
import {
  actionChanges,
  checkDisbursementDate,
  maySee,
  newPledge,
  type Pledge,
  type PledgeInput,
  registrationDateOf,
  summarise,
  trancheAmount,
} from '../../shared/domain/pledge.js';

/**
 * The business effect of each pledge action (pledge.ts `actionChanges` and the disbursement rules), who may see a
 * pledge, and the record a submission creates. Money is checked against BigInt sums written here, dates against
 * calendar arithmetic done by hand in the comments.
 */

const ME = '91330784147123451K';
const NOW = new Date('2026-11-27T04:00:00Z');
const TODAY = '2026-11-27';

/** An approved pledge of one invention patent (expires 2037-02-28) and one trademark (expires 2030-04-30). */
const approved = (over: Partial<Pledge> = {}): Pledge => ({
  id: 'p1',
  applicant: ME,
  lenderId: 'bank1',
  assetIds: ['a1', 't1'],
  assets: [
    {
      id: 'a1',
      kind: 'patent',
      number: '201710601862.3',
      patentType: 'invention',
      ltvKind: 'invention',
      expiresOn: '2037-02-28',
    },
    { id: 't1', kind: 'trademark', number: '30000001', ltvKind: 'trademark', expiresOn: '2030-04-30' },
  ],
  appraisedValueFen: 10_000_000,
  requestedAmountFen: 2_000_000,
  termMonths: 12,
  maturesOn: '2027-11-27',
  status: 'approved',
  approvedAmountFen: 2_000_000,
  annualRateBps: 450,
  version: 3,
  createdAt: 'x',
  updatedAt: 'x',
  ...over,
});

const registered = (over: Partial<Pledge> = {}): Pledge =>
  approved({
    status: 'registered',
    registrationNumber: 'Y2026330000123',
    registeredAt: '2026-11-20T02:00:00.000Z',
    registeredOn: '2026-11-20',
    ...over,
  });

/** The thrown DomainError (fails when nothing is thrown). */
const thrown = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, nothing was thrown');
};

/** Days between two ISO dates by the UTC calendar (independent of dates.ts). */
const days = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** amount × bps × days / (360 × 10^4), rounded half up, in BigInt. */
const actual360 = (fen: number, bps: number, d: number): number => {
  const num = BigInt(fen) * BigInt(bps) * BigInt(d);
  const den = 360n * 10_000n;
  const q = num / den;
  return Number(2n * (num % den) >= den ? q + 1n : q);
};

describe('approve', () => {
  const ctx = { now: NOW, today: TODAY, policy: defaultLendingPolicy() };
  const underReview = approved({
    status: 'under_review',
    approvedAmountFen: undefined,
    annualRateBps: undefined,
  });

  it('records the amount, rate, product (default bullet), the policy’s penalty factor and the instant', () => {
    // Lowest cap of the bundle: invention 25 % of 10 000 000 = 2 500 000; requested 2 000 000.
    expect(
      actionChanges(underReview, 'approve', { approvedAmountFen: 2_000_000, annualRateBps: 450 }, ctx),
    ).toEqual({
      fields: {
        approvedAmountFen: 2_000_000,
        annualRateBps: 450,
        repaymentType: 'bullet',
        penaltyFactorBps: 15_000,
        approvedAt: '2026-11-27T04:00:00.000Z',
      },
      data: { approvedAmountFen: 2_000_000, annualRateBps: 450, maxLtvBps: 2500, repaymentType: 'bullet' },
    });
    const policy: LendingPolicy = { ...defaultLendingPolicy(), penaltyFactorBps: 13_000 };
    const chosen = actionChanges(
      underReview,
      'approve',
      { approvedAmountFen: 1_000_000, annualRateBps: 380, repaymentType: 'equal_principal' },
      { ...ctx, policy },
    );
    expect(chosen.fields).toMatchObject({ repaymentType: 'equal_principal', penaltyFactorBps: 13_000 });
    expect(chosen.data).toMatchObject({ repaymentType: 'equal_principal', approvedAmountFen: 1_000_000 });
  });

  it('refuses an amount above the cap with a 422 naming the cap and the maximum', () => {
    const request = { ...underReview, requestedAmountFen: 9_000_000 };
    const error = thrown(() =>
      actionChanges(request, 'approve', { approvedAmountFen: 2_500_001, annualRateBps: 450 }, ctx),
    );
    expect(error.kind).toBe('unprocessable');
    expect(error.extra).toMatchObject({ maxLtvBps: 2500, maxApprovedAmountFen: 2_500_000 });
    expect(error.extra.errors).toEqual([
      { path: 'approvedAmountFen', code: 'over_ltv', message: error.message },
    ]);
    // Exactly the cap passes.
    expect(
      actionChanges(request, 'approve', { approvedAmountFen: 2_500_000, annualRateBps: 450 }, ctx).fields
        .approvedAmountFen,
    ).toBe(2_500_000);
  });

  it('with per-asset appraisals caps each asset by its own kind', () => {
    // invention 4 000 000 × 25 % = 1 000 000; trademark 6 000 000 × 50 % = 3 000 000: 4 000 000 in all.
    const appraised = {
      ...underReview,
      requestedAmountFen: 9_000_000,
      appraisals: [
        { assetId: 't1', valueFen: 6_000_000, appraiser: 'x' },
        { assetId: 'a1', valueFen: 4_000_000, appraiser: 'x' },
      ],
    };
    expect(
      actionChanges(appraised, 'approve', { approvedAmountFen: 4_000_000, annualRateBps: 450 }, ctx).fields
        .approvedAmountFen,
    ).toBe(4_000_000);
    const over = thrown(() =>
      actionChanges(appraised, 'approve', { approvedAmountFen: 4_000_001, annualRateBps: 450 }, ctx),
    );
    expect(over.extra).toMatchObject({ maxApprovedAmountFen: 4_000_000 });
  });
});

describe('the other actions', () => {
  const ctx = { now: NOW, today: TODAY };

  it('reject and refuse keep the reason in their own field', () => {
    expect(actionChanges(approved({ status: 'under_review' }), 'reject', { reason: 'weak' }, ctx)).toEqual({
      fields: { rejectionReason: 'weak' },
      data: { reason: 'weak' },
    });
    expect(actionChanges(approved(), 'refuse', { reason: 'disputed' }, ctx)).toEqual({
      fields: { registrationRefusalReason: 'disputed' },
      data: { reason: 'disputed' },
    });
  });

  it('register records the number CNIPA issued, the instant and the business date', () => {
    expect(actionChanges(approved(), 'register', { registrationNumber: 'Y1' }, ctx)).toEqual({
      fields: { registrationNumber: 'Y1', registeredAt: '2026-11-27T04:00:00.000Z', registeredOn: TODAY },
      data: { registrationNumber: 'Y1', registeredAt: '2026-11-27T04:00:00.000Z' },
    });
  });

  it('default records the business date', () => {
    expect(actionChanges(approved({ status: 'active' }), 'default', {}, ctx)).toEqual({
      fields: { defaultedOn: TODAY },
      data: { defaultedOn: TODAY },
    });
  });

  it('release: of a defaulted pledge only waived, and then marked so; of a repaid one plainly', () => {
    expect(actionChanges(approved({ status: 'repaid' }), 'release', {}, ctx)).toEqual({
      fields: {},
      data: {},
    });
    expect(actionChanges(approved({ status: 'defaulted' }), 'release', { waived: true }, ctx)).toEqual({
      fields: { releaseWaived: true },
      data: { waived: true },
    });
    expect(thrown(() => actionChanges(approved({ status: 'defaulted' }), 'release', {}, ctx)).kind).toBe(
      'invalid_state',
    );
    // A disposed pledge was realised: no waiver to record.
    expect(actionChanges(approved({ status: 'disposed' }), 'release', {}, ctx)).toEqual({
      fields: {},
      data: {},
    });
  });

  it('the actions without a body change nothing but the status', () => {
    for (const action of ['submit', 'review', 'withdraw', 'repay', 'dispose'] as const)
      expect(actionChanges(approved(), action, {}, ctx)).toEqual({ fields: {}, data: {} });
  });
});

describe('the first disbursement', () => {
  const ctx = { now: NOW, today: TODAY };

  it('starts the loan on the disbursement date, maturing termMonths later, and records the tranche', () => {
    const changes = actionChanges(
      registered(),
      'disburse',
      { disbursedOn: '2026-11-25', amountFen: 1_500_000 },
      ctx,
    );
    // 2026-11-25 + 12 months = 2027-11-25 (one bullet instalment).
    expect(changes.fields).toMatchObject({
      disbursedOn: '2026-11-25',
      disbursedAmountFen: 1_500_000,
      maturesOn: '2027-11-25',
    });
    expect(changes.data).toEqual({
      disbursedOn: '2026-11-25',
      amountFen: 1_500_000,
      maturesOn: '2027-11-25',
    });
    const loan = changes.fields.loan!;
    expect(loan.repaymentType).toBe('bullet');
    expect(loan.annualRateBps).toBe(450);
    expect(loan.penaltyFactorBps).toBe(15_000); // none recorded at approval: the default +50 %
    expect(loan.tranches).toEqual([{ disbursedOn: '2026-11-25', amountFen: 1_500_000 }]);
    expect(loan.instalments).toHaveLength(1);
    const [only] = loan.instalments;
    expect(only).toMatchObject({ startOn: '2026-11-25', dueOn: '2027-11-25', principalFen: 1_500_000 });
    // 365 days at 4.5 %, actual/360.
    expect(days('2026-11-25', '2027-11-25')).toBe(365);
    expect(only!.interestFen).toBe(actual360(1_500_000, 450, 365));
    expect(only!.interestFen).toBe(68_438); // 1 500 000 × 0.045 × 365 / 360 = 68 437.5 → half up
  });

  it('defaults: today, the whole approved amount, and keeps the product and penalty factor of the approval', () => {
    const pledge = registered({ repaymentType: 'interest_only', penaltyFactorBps: 13_000, termMonths: 3 });
    const changes = actionChanges(pledge, 'disburse', {}, ctx);
    expect(changes.fields).toMatchObject({
      disbursedOn: TODAY,
      disbursedAmountFen: 2_000_000,
      maturesOn: '2027-02-27',
    });
    const loan = changes.fields.loan!;
    expect(loan.repaymentType).toBe('interest_only');
    expect(loan.penaltyFactorBps).toBe(13_000);
    expect(loan.instalments.map((i) => i.dueOn)).toEqual(['2026-12-27', '2027-01-27', '2027-02-27']);
    expect(loan.instalments.map((i) => i.principalFen)).toEqual([0, 0, 2_000_000]);
  });

  it('without a rate recorded lends at 0 %', () => {
    const loan = actionChanges(registered({ annualRateBps: undefined }), 'disburse', {}, ctx).fields.loan!;
    expect(loan.annualRateBps).toBe(0);
    expect(loan.instalments[0]!.interestFen).toBe(0);
  });

  it('re-checks every right against the new maturity: expiring on it is fine, the day before is not', () => {
    // Disbursed 2026-11-27 for 41 months: matures 2030-04-27 (trademark 2030-04-30 is fine) …
    expect(actionChanges(registered({ termMonths: 41 }), 'disburse', {}, ctx).fields.maturesOn).toBe(
      '2030-04-27',
    );
    // … 2030-04-30 exactly: the trademark's last day, still in force.
    const onTheDay = actionChanges(
      registered({ termMonths: 41 }),
      'disburse',
      { disbursedOn: '2026-11-30' },
      {
        ...ctx,
        today: '2026-11-30',
      },
    );
    expect(onTheDay.fields.maturesOn).toBe('2030-04-30');
    // 42 months: 2030-05-27, after the trademark expired.
    const error = thrown(() => actionChanges(registered({ termMonths: 42 }), 'disburse', {}, ctx));
    expect(error.kind).toBe('unprocessable');
    expect(error.message).toBe('The pledged rights do not cover the loan from this disbursement date.');
    expect(error.extra.errors).toEqual([
      {
        path: 'assetIds.1',
        code: 'expires_before_maturity',
        message: '30000001 expires on 2030-04-30, before the loan matures on 2030-05-27',
      },
    ]);
  });
});

describe('the disbursement date', () => {
  it('lies between the registration date and today, both included', () => {
    const pledge = registered();
    expect(() => checkDisbursementDate(pledge, '2026-11-20', TODAY)).not.toThrow();
    expect(() => checkDisbursementDate(pledge, TODAY, TODAY)).not.toThrow();
    const early = thrown(() => checkDisbursementDate(pledge, '2026-11-19', TODAY));
    expect(early.kind).toBe('unprocessable');
    const message = 'must lie between the registration date 2026-11-20 and today 2026-11-27';
    expect(early.message).toBe(`disbursedOn 2026-11-19 ${message}.`);
    expect(early.extra.errors).toEqual([
      { path: 'disbursedOn', code: 'disbursement_date_out_of_range', message },
    ]);
    expect(thrown(() => checkDisbursementDate(pledge, '2026-11-28', TODAY)).extra.errors).toEqual([
      { path: 'disbursedOn', code: 'disbursement_date_out_of_range', message },
    ]);
  });

  it('of a later tranche, lies on or after the last tranche', () => {
    const loan = startLoan({
      repaymentType: 'bullet',
      annualRateBps: 450,
      penaltyFactorBps: 15_000,
      termMonths: 12,
      amountFen: 500_000,
      disbursedOn: '2026-11-21',
    });
    loan.tranches.push(
      { disbursedOn: '2026-11-23', amountFen: 1 },
      { disbursedOn: '2026-11-25', amountFen: 1 },
    );
    const pledge = registered({ status: 'active', loan });
    expect(() => checkDisbursementDate(pledge, '2026-11-25', TODAY)).not.toThrow();
    // After the first and second tranches but before the last one.
    expect(thrown(() => checkDisbursementDate(pledge, '2026-11-24', TODAY)).message).toBe(
      'disbursedOn 2026-11-24 must lie between the previous tranche 2026-11-25 and today 2026-11-27.',
    );
  });

  it('with no registration date known, is today', () => {
    const pledge = approved({ status: 'registered' });
    expect(() => checkDisbursementDate(pledge, TODAY, TODAY)).not.toThrow();
    expect(() => checkDisbursementDate(pledge, '2026-11-26', TODAY)).toThrow(DomainError);
  });

  it('takes the registration date from the instant in Shanghai when only that is stored', () => {
    // 2026-11-19T17:30Z is 2026-11-20 01:30 in Shanghai (UTC+8).
    const older = registered({ registeredOn: undefined, registeredAt: '2026-11-19T17:30:00.000Z' });
    expect(registrationDateOf(older)).toBe('2026-11-20');
    expect(registrationDateOf(registered({ registeredAt: '2026-11-19T17:30:00.000Z' }))).toBe('2026-11-20');
    expect(registrationDateOf(registered({ registeredOn: '2026-11-18' }))).toBe('2026-11-18');
    expect(registrationDateOf(approved())).toBeUndefined();
    expect(() => checkDisbursementDate(older, '2026-11-20', TODAY)).not.toThrow();
    expect(() => checkDisbursementDate(older, '2026-11-19', TODAY)).toThrow(DomainError);
  });
});

describe('the tranche amount', () => {
  it('is at most what is left of the approved amount, all of it by default', () => {
    const pledge = registered({ approvedAmountFen: 1_000, disbursedAmountFen: 400 });
    expect(trancheAmount(pledge, undefined)).toBe(600);
    expect(trancheAmount(pledge, 600)).toBe(600);
    expect(trancheAmount(pledge, 1)).toBe(1);
    const over = thrown(() => trancheAmount(pledge, 601));
    expect(over.kind).toBe('unprocessable');
    expect(over.message).toBe('A tranche of 601 fen exceeds the 600 fen left of the approved amount.');
    expect(over.extra.errors).toEqual([
      {
        path: 'amountFen',
        code: 'above_approved_amount',
        message: 'exceeds the 600 fen not yet disbursed of the approved amount',
      },
    ]);
  });

  it('is positive: nothing left, zero or a negative amount is refused', () => {
    expect(
      thrown(() =>
        trancheAmount(registered({ approvedAmountFen: 1_000, disbursedAmountFen: 1_000 }), undefined),
      ).kind,
    ).toBe('unprocessable');
    expect(thrown(() => trancheAmount(registered(), 0)).kind).toBe('unprocessable');
    expect(thrown(() => trancheAmount(registered(), -5)).kind).toBe('unprocessable');
    expect(thrown(() => trancheAmount(registered({ approvedAmountFen: undefined }), undefined)).kind).toBe(
      'unprocessable',
    );
  });
});

describe('who may see a pledge', () => {
  const pledge = { applicant: ME, lenderId: 'bank1' };

  it('its applicant (the code in any case), its lender and the IP office; no one else', () => {
    expect(maySee({ role: 'ipoffice', org: null }, pledge)).toBe(true);
    expect(maySee({ role: 'enterprise', org: ME }, pledge)).toBe(true);
    expect(maySee({ role: 'enterprise', org: ME.toLowerCase() }, pledge)).toBe(true);
    expect(maySee({ role: 'enterprise', org: '91110000600037341L' }, pledge)).toBe(false);
    expect(maySee({ role: 'enterprise', org: null }, pledge)).toBe(false);
    expect(maySee({ role: 'lender', org: 'bank1' }, pledge)).toBe(true);
    expect(maySee({ role: 'lender', org: 'bank2' }, pledge)).toBe(false);
    expect(maySee({ role: 'insurer', org: 'bank1' }, pledge)).toBe(false);
    expect(maySee({ role: 'insurer', org: ME }, pledge)).toBe(false);
    expect(maySee({ role: 'system', org: null }, pledge)).toBe(false);
  });
});

describe('the submitted record', () => {
  const patent = {
    id: 'a1',
    owner: ME,
    kind: 'patent',
    number: '201710601862.3',
    title: 'T',
    patentType: 'utility_model',
    filingDate: '2017-03-01',
    grantDate: '2018-01-01',
    coOwners: [],
    status: 'granted',
    expiresOn: '2027-02-28',
    version: 1,
    createdAt: 'x',
    updatedAt: 'x',
  } as Asset;
  const mark = {
    id: 't1',
    owner: ME,
    kind: 'trademark',
    number: '30000001',
    mark: '金华火腿',
    niceClasses: [29],
    registrationDate: '2020-05-01',
    markType: 'collective',
    coOwners: [],
    status: 'registered',
    expiresOn: '2030-04-30',
    version: 1,
    createdAt: 'x',
    updatedAt: 'x',
  } as Asset;

  it('remembers each asset’s kind, number, collateral class and term; a patent its type', () => {
    expect(summarise(patent)).toEqual({
      id: 'a1',
      kind: 'patent',
      number: '201710601862.3',
      patentType: 'utility_model',
      ltvKind: 'utility_model',
      expiresOn: '2027-02-28',
    });
    expect(summarise(mark)).toStrictEqual({
      id: 't1',
      kind: 'trademark',
      number: '30000001',
      ltvKind: 'trademark',
      expiresOn: '2030-04-30',
    });
    expect(summarise(mark)).not.toHaveProperty('patentType');
  });

  const input: PledgeInput = {
    lenderId: 'bank1',
    assetIds: ['t1', 'a1'],
    appraisedValueFen: 5_000,
    requestedAmountFen: 1_000,
    termMonths: 3,
  };
  const assets = new Map([
    ['a1', patent],
    ['t1', mark],
  ]);

  it('is submitted, version 1, maturing termMonths after today, with the assets in the order given', () => {
    expect(newPledge(input, assets, { id: 'p7', applicant: ME, now: NOW, today: '2026-11-30' })).toEqual({
      id: 'p7',
      applicant: ME,
      lenderId: 'bank1',
      assetIds: ['t1', 'a1'],
      assets: [summarise(mark), summarise(patent)],
      appraisedValueFen: 5_000,
      requestedAmountFen: 1_000,
      termMonths: 3,
      maturesOn: '2027-02-28', // 2026-11-30 + 3 months, clamped to February's last day
      status: 'submitted',
      version: 1,
      createdAt: '2026-11-27T04:00:00.000Z',
      updatedAt: '2026-11-27T04:00:00.000Z',
    });
  });

  it('keeps the parties’ names, the purpose and the appraisals when given', () => {
    const appraisals = [
      { assetId: 't1', valueFen: 3_000, appraiser: 'A' },
      { assetId: 'a1', valueFen: 2_000, appraiser: 'A' },
    ];
    const pledge = newPledge({ ...input, purpose: 'working capital', appraisals }, assets, {
      id: 'p8',
      applicant: ME,
      now: NOW,
      today: TODAY,
      applicantName: '金华火腿厂',
      lenderName: '金华银行',
    });
    expect(pledge).toMatchObject({
      applicantName: '金华火腿厂',
      lenderName: '金华银行',
      purpose: 'working capital',
      appraisals,
      maturesOn: '2027-02-27',
    });
    const plain = newPledge({ ...input, purpose: '' }, assets, {
      id: 'p9',
      applicant: ME,
      now: NOW,
      today: TODAY,
      applicantName: '',
      lenderName: '',
    });
    for (const key of ['applicantName', 'lenderName', 'purpose', 'appraisals'])
      expect(plain).not.toHaveProperty(key);
  });
});
