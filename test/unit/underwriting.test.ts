import { describe, expect, it } from 'vitest';
import { type Asset, buildAsset } from '../../shared/domain/asset.js';
import type { Institution } from '../../shared/domain/institution.js';
import type { Pledge } from '../../shared/domain/pledge.js';
import { newPolicy, type PolicyApplication, underwritingIssues } from '../../shared/domain/underwriting.js';

const HOLDER = '91330784147123451K';
const TODAY = '2026-11-27';
/** A trademark registered 2020-03-01: in force through 2030-02-28. */
const mark = (id: string, owner = HOLDER): Asset =>
  buildAsset(
    {
      kind: 'trademark',
      number: `9${id.length}${id.charCodeAt(0)}`,
      mark: 'M',
      niceClasses: [9],
      registrationDate: '2020-03-01',
    },
    { id, owner, today: TODAY, now: `${TODAY}T04:00:00.000Z` },
  );
const insurer = { id: 'picc', kind: 'insurer', name: 'PICC' } as Institution;
const application = (over: Partial<PolicyApplication> = {}): PolicyApplication => ({
  insurerId: 'picc',
  assetIds: ['a1'],
  coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1_000 }],
  periodStart: '2026-12-01',
  periodEnd: '2027-11-30',
  ...over,
});
const facts = (over: Partial<{ insurer: Institution; assets: Map<string, Asset>; pledge: Pledge }> = {}) => ({
  insurer,
  assets: new Map([['a1', mark('a1')]]),
  pledge: undefined,
  ...over,
});
const paths = (issues: { path: string; code?: string }[]) =>
  issues.map((i) => (i.code ? `${i.path}:${i.code}` : i.path));
const ctx = { holder: HOLDER, today: TODAY };

describe('underwriting', () => {
  it('accepts the holder’s rights in force through the period, with a registered insurer', () => {
    expect(underwritingIssues(application(), facts(), ctx)).toEqual([]);
  });

  it('refuses an unknown insurer or a lender named as insurer', () => {
    expect(paths(underwritingIssues(application(), facts({ insurer: undefined as never }), ctx))).toEqual([
      'insurerId',
    ]);
    const bank = { ...insurer, kind: 'lender' } as Institution;
    const issues = underwritingIssues(application(), facts({ insurer: bank }), ctx);
    expect(issues).toEqual([
      { path: 'insurerId', message: 'picc is not an insurer registered in the portal' },
    ]);
  });

  it('reads a missing right and another company’s the same, by position', () => {
    const assets = new Map([['a2', mark('a2', '91330782MA2A00001X')]]);
    expect(
      paths(underwritingIssues(application({ assetIds: ['a1', 'a2'] }), facts({ assets }), ctx)),
    ).toEqual(['assetIds.0:not_owner', 'assetIds.1:not_owner']);
    // A right transferred away is no longer the holder's.
    const transferred = new Map<string, Asset>([
      [
        'a1',
        { ...mark('a1'), transferredTo: { uscc: '91330782MA2A00001X', on: '2026-11-01', pledgeId: 'p0' } },
      ],
    ]);
    expect(paths(underwritingIssues(application(), facts({ assets: transferred }), ctx))).toEqual([
      'assetIds.0:not_owner',
    ]);
  });

  it('refuses a right not in force through the end of the period', () => {
    const issues = underwritingIssues(
      application({ periodStart: '2029-03-01', periodEnd: '2030-03-01' }),
      facts(),
      ctx,
    );
    expect(issues.map((i) => i.path)).toEqual(['assetIds.0']);
    expect(issues[0]!.message).toContain('the end of the period');
  });

  it('ties a guarantee to an approved, registered or active pledge of the holder', () => {
    const guarantee = application({
      coverages: [{ line: 'pledge_guarantee', sumInsuredFen: 1_000 }],
      pledgeId: 'p1',
    });
    const pledge = (status: string, applicant = HOLDER) =>
      ({ id: 'p1', applicant, status, lenderId: 'bank-1' }) as Pledge;
    for (const status of ['approved', 'registered', 'active'])
      expect(underwritingIssues(guarantee, facts({ pledge: pledge(status) }), ctx)).toEqual([]);
    for (const status of ['submitted', 'repaid', 'defaulted']) {
      const issues = underwritingIssues(guarantee, facts({ pledge: pledge(status) }), ctx);
      expect(issues).toEqual([
        {
          path: 'pledgeId',
          message: `pledge p1 is ${status}; a pledge guarantee needs an approved, registered or active pledge`,
        },
      ]);
    }
    for (const other of [undefined, pledge('active', '91330782MA2A00001X')])
      expect(underwritingIssues(guarantee, facts({ pledge: other as never }), ctx)).toEqual([
        { path: 'pledgeId', message: 'pledge p1 was not found among your pledges' },
      ]);
  });

  it('files the policy applied, nothing paid, with the defaults and the guarantee’s beneficiary', () => {
    const now = new Date('2026-11-27T04:00:00.000Z');
    const plain = newPolicy(
      application({
        coverages: [
          { line: 'enforcement_cost', sumInsuredFen: 1_000, deductibleFen: 10, payoutRatioBps: 8_000 },
          { line: 'infringement_loss', sumInsuredFen: 2_000, perClaimLimitFen: 500 },
        ],
      }),
      facts(),
      { id: 'po1', holder: HOLDER, now },
    );
    expect(plain).toEqual({
      id: 'po1',
      holder: HOLDER,
      insurerId: 'picc',
      assetIds: ['a1'],
      coverages: [
        { line: 'enforcement_cost', sumInsuredFen: 1_000, deductibleFen: 10, payoutRatioBps: 8_000 },
        { line: 'infringement_loss', sumInsuredFen: 2_000, deductibleFen: 0, perClaimLimitFen: 500 },
      ],
      paid: { enforcement_cost: 0, infringement_loss: 0 },
      periodStart: '2026-12-01',
      periodEnd: '2027-11-30',
      status: 'applied',
      claimCount: 0,
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    const guarantee = newPolicy(
      application({ coverages: [{ line: 'pledge_guarantee', sumInsuredFen: 1 }], pledgeId: 'p1' }),
      facts({ pledge: { id: 'p1', lenderId: 'bank-1' } as Pledge }),
      { id: 'po2', holder: HOLDER, now, holderName: 'Holder Co.', insurerName: 'PICC' },
    );
    expect(guarantee).toMatchObject({
      pledgeId: 'p1',
      beneficiaryLenderId: 'bank-1',
      holderName: 'Holder Co.',
      insurerName: 'PICC',
    });
  });
});
