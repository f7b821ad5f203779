import { describe, expect, it } from 'vitest';
import { type Asset, assetView, buildAsset } from '../../shared/domain/asset.js';
import { DomainError } from '../../shared/domain/errors.js';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';

const ctx = { id: 'a-1', owner: '91330784147123451K', today: '2026-11-27', now: '2026-11-27T04:00:00.000Z' };
const number = (digits: string) => `${digits}.${patentCheckCharacter(digits)}`;

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).extra.errors;
  }
  throw new Error('expected a validation error');
};

describe('buildAsset', () => {
  it('utility model filed 1999-09-06 is in force through 2009-09-05', () => {
    const asset = buildAsset(
      {
        kind: 'patent',
        number: `ZL${number('99212345')}`,
        title: 'T',
        filingDate: '1999-09-06',
        grantDate: '2000-03-01',
      },
      ctx,
    );
    expect(asset).toMatchObject({ patentType: 'utility_model', status: 'granted', expiresOn: '2009-09-05' });
    expect(assetView(asset, '2009-09-05').inForce).toBe(true);
    expect(assetView(asset, '2009-09-06').inForce).toBe(false);
  });

  it('pending patents are never in force; absent state is explicit in the view', () => {
    const asset = buildAsset(
      { kind: 'patent', number: number('202310123456'), title: 'T', filingDate: '2023-01-05' },
      ctx,
    );
    expect(asset.status).toBe('pending');
    expect(asset).not.toHaveProperty('grantDate');
    const view = assetView(asset, '2026-11-27');
    expect(view).toMatchObject({
      inForce: false,
      encumbrance: null,
      coOwners: [],
      coOwnerConsents: {},
      insuredBy: [],
    });
  });

  it('shows a stored string set of policies as a sorted array', () => {
    const asset = buildAsset(
      { kind: 'trademark', number: '123', mark: 'M', niceClasses: [3], registrationDate: '2020-02-29' },
      ctx,
    );
    const stored: Asset = {
      ...asset,
      insuredBy: new Set(['po-2', 'po-1']),
      encumbrance: { pledgeId: 'pl-1' },
    };
    expect(assetView(stored, '2026-11-27')).toMatchObject({
      insuredBy: ['po-1', 'po-2'],
      encumbrance: { pledgeId: 'pl-1' },
      expiresOn: '2030-02-28',
      markType: 'ordinary',
    });
  });

  it('requires the filing year in the number to match the filing date, except PCT entries (up to 3 years later)', () => {
    expect(
      issuesOf(() =>
        buildAsset(
          { kind: 'patent', number: number('202110000001'), title: 'T', filingDate: '2020-12-31' },
          ctx,
        ),
      ),
    ).toEqual([{ path: 'filingDate', message: expect.stringContaining('filed in 2021') }]);
    // PCT invention entering China in 2021 with an international filing date in 2019.
    const pct = buildAsset(
      { kind: 'patent', number: number('202180000001'), title: 'T', filingDate: '2019-06-01' },
      ctx,
    );
    expect(pct).toMatchObject({ patentType: 'invention', expiresOn: '2039-05-31' });
    expect(
      issuesOf(() =>
        buildAsset(
          { kind: 'patent', number: number('202190000001'), title: 'T', filingDate: '2022-01-01' },
          ctx,
        ),
      ),
    ).toEqual([{ path: 'filingDate', message: expect.stringContaining('PCT') }]);
  });

  it('collects every issue at once', () => {
    expect(
      issuesOf(() =>
        buildAsset(
          {
            kind: 'patent',
            number: '202310123456.7',
            title: 'T',
            filingDate: '2027-01-01',
            grantDate: '2026-12-31',
            coOwners: ['bad'],
          },
          ctx,
        ),
      ),
    ).toEqual([
      { path: 'number', message: 'check digit is "7" but should be "6"' },
      { path: 'filingDate', message: expect.stringContaining('future') },
      { path: 'grantDate', message: expect.stringContaining('future') },
      { path: 'grantDate', message: expect.stringContaining('before the filing date') },
      { path: 'coOwners.0', message: expect.stringContaining('18 characters') },
    ]);
  });
});
