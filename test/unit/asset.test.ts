import { describe, expect, it } from 'vitest';
import { type Asset, assetReadRule, assetView, buildAsset, isOwnedBy } from '../../shared/domain/asset.js';
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

describe('the stored asset, field by field', () => {
  const OWNER = ctx.owner;
  const CO_A = '9144030071526726XG';
  const CO_B = '91350100M000100Y43';

  it('a granted patent: canonical number, type from the number, term from the filing date', () => {
    const asset = buildAsset(
      {
        kind: 'patent',
        number: `ZL ${number('201710601862')}`,
        title: 'A vacuum flask',
        filingDate: '2017-03-01',
        grantDate: '2018-01-01',
        coOwners: [CO_A.toLowerCase(), CO_B],
      },
      ctx,
    );
    expect(asset).toStrictEqual({
      id: 'a-1',
      owner: OWNER,
      version: 1,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      kind: 'patent',
      number: '201710601862.3',
      title: 'A vacuum flask',
      patentType: 'invention',
      filingDate: '2017-03-01',
      grantDate: '2018-01-01',
      coOwners: [CO_A, CO_B],
      status: 'granted',
      expiresOn: '2037-02-28',
    });
  });

  it('a trademark: registered, ordinary unless said, its classes sorted, ten years', () => {
    const mark = buildAsset(
      {
        kind: 'trademark',
        number: ' 0030000001',
        mark: '金华火腿',
        niceClasses: [35, 29],
        registrationDate: '2015-03-14',
      },
      ctx,
    );
    expect(mark).toStrictEqual({
      id: 'a-1',
      owner: OWNER,
      version: 1,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      kind: 'trademark',
      number: '30000001',
      mark: '金华火腿',
      niceClasses: [29, 35],
      registrationDate: '2015-03-14',
      markType: 'ordinary',
      coOwners: [],
      status: 'registered',
      expiresOn: '2025-03-13',
    });
    expect(
      buildAsset(
        {
          kind: 'trademark',
          number: '1',
          mark: 'M',
          niceClasses: [29],
          registrationDate: '2020-01-01',
          markType: 'certification',
        },
        ctx,
      ),
    ).toMatchObject({ markType: 'certification' });
  });

  it('names each bad field of a trademark, all at once', () => {
    expect(
      issuesOf(() =>
        buildAsset(
          { kind: 'trademark', number: '12a', mark: 'M', niceClasses: [46], registrationDate: '2026-11-28' },
          ctx,
        ),
      ),
    ).toEqual([
      { path: 'number', message: 'must contain digits only' },
      { path: 'niceClasses', message: '46 is not a Nice class (integers 1–45)' },
      { path: 'registrationDate', message: '2026-11-28 is in the future (today is 2026-11-27)' },
    ]);
    for (const bad of [{ number: '0' }, { niceClasses: [] as number[] }, { registrationDate: '2026-11-28' }])
      expect(() =>
        buildAsset(
          {
            kind: 'trademark',
            number: '1',
            mark: 'M',
            niceClasses: [29],
            registrationDate: '2020-01-01',
            ...bad,
          },
          ctx,
        ),
      ).toThrow(DomainError);
    // Today itself is not the future.
    expect(
      buildAsset(
        { kind: 'trademark', number: '1', mark: 'M', niceClasses: [29], registrationDate: '2026-11-27' },
        ctx,
      ),
    ).toMatchObject({ registrationDate: '2026-11-27' });
  });

  it('words the patent refusals: future dates, grant before filing, the filing year, co-owners', () => {
    const patent = (over: object) =>
      issuesOf(() =>
        buildAsset(
          { kind: 'patent', number: number('202310123456'), title: 'T', filingDate: '2023-01-05', ...over },
          ctx,
        ),
      );
    expect(patent({ grantDate: '2023-01-04' })).toEqual([
      { path: 'grantDate', message: '2023-01-04 is before the filing date 2023-01-05' },
    ]);
    expect(patent({ grantDate: '2026-11-28' })).toEqual([
      { path: 'grantDate', message: '2026-11-28 is in the future (today is 2026-11-27)' },
    ]);
    expect(patent({ filingDate: '2022-12-31' })).toEqual([
      {
        path: 'filingDate',
        message: 'is in 2022, but application number 202310123456.6 was filed in 2023; one of them is wrong',
      },
    ]);
    expect(patent({ coOwners: [OWNER.toLowerCase(), CO_A, CO_A.toLowerCase(), 'x'] })).toEqual([
      { path: 'coOwners.0', message: 'is the owner itself; list only the other owners' },
      { path: 'coOwners.2', message: `${CO_A} is listed twice` },
      { path: 'coOwners.3', message: 'must be 18 characters, got 1' },
    ]);
    // Granted the day it was filed, today: fine.
    expect(
      buildAsset(
        {
          kind: 'patent',
          number: number('202610123456'),
          title: 'T',
          filingDate: '2026-11-27',
          grantDate: '2026-11-27',
        },
        ctx,
      ).status,
    ).toBe('granted');
  });

  it('a PCT entry’s international filing lies in the year of entry or up to 3 years before', () => {
    const pct = (filingDate: string) =>
      buildAsset({ kind: 'patent', number: number('202180000001'), title: 'T', filingDate }, ctx);
    expect(pct('2018-01-01')).toMatchObject({ filingDate: '2018-01-01' });
    expect(pct('2021-12-31')).toMatchObject({ filingDate: '2021-12-31' });
    const message =
      'but the PCT national-phase number 202180000001.' +
      patentCheckCharacter('202180000001') +
      ' was entered in 2021; the international filing date must be in 2018–2021';
    expect(issuesOf(() => pct('2017-12-31'))).toEqual([
      { path: 'filingDate', message: `is in 2017, ${message}` },
    ]);
    expect(issuesOf(() => pct('2022-01-01'))).toEqual([
      { path: 'filingDate', message: `is in 2022, ${message}` },
    ]);
  });

  it('reads the type digit of an old 8-digit number (1989–2003) from its third place', () => {
    // 99 2 12345: a utility model filed in 1999; its year must match too.
    const old = `ZL${number('99212345')}`;
    expect(
      buildAsset({ kind: 'patent', number: old, title: 'T', filingDate: '1999-09-06' }, ctx),
    ).toMatchObject({ patentType: 'utility_model' });
    expect(
      issuesOf(() => buildAsset({ kind: 'patent', number: old, title: 'T', filingDate: '2000-01-01' }, ctx)),
    ).toEqual([
      {
        path: 'filingDate',
        message: `is in 2000, but application number ${number('99212345')} was filed in 1999; one of them is wrong`,
      },
    ]);
  });
});

describe('the refusal itself', () => {
  it('is one 400 for the asset, with every field', () => {
    let error: unknown;
    try {
      buildAsset(
        { kind: 'trademark', number: 'x', mark: 'M', niceClasses: [29], registrationDate: '2020-01-01' },
        ctx,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'validation', message: 'The asset is not valid.' });
  });

  it('does not take an old number’s fifth digit for a PCT type digit', () => {
    // 98 1 08123: an invention filed in 1998 (its fifth digit, 8, is part of the serial).
    expect(
      issuesOf(() =>
        buildAsset({ kind: 'patent', number: number('98108123'), title: 'T', filingDate: '1996-05-01' }, ctx),
      ),
    ).toEqual([
      {
        path: 'filingDate',
        message: `is in 1996, but application number ${number('98108123')} was filed in 1998; one of them is wrong`,
      },
    ]);
  });
});

describe('the asset as shown', () => {
  const mark = buildAsset(
    {
      kind: 'trademark',
      number: '30000001',
      mark: '金华火腿',
      niceClasses: [29],
      registrationDate: '2016-12-01',
    },
    ctx,
  );

  it('hides the legal record, shows the status and what the owner must do', () => {
    // Term to 2026-11-30: its renewal window is open on 2026-11-27.
    const stored: Asset = {
      ...mark,
      legal: { events: 1, preserved: true },
      coOwnerConsents: { [ctx.owner]: { recordedAt: 'x', recordedBy: 'y' } },
    };
    const view = assetView(stored, '2026-11-27');
    expect(view).not.toHaveProperty('legal');
    expect(view).toMatchObject({
      inForce: true,
      coOwnerConsents: { [ctx.owner]: { recordedAt: 'x', recordedBy: 'y' } },
      legalStatus: { state: 'in_force', flags: ['preserved'] },
      reminders: [{ type: 'renewal_window', dueOn: '2026-11-30' }],
    });
    // A flag is no reminder of something to pay or renew.
    expect(assetView({ ...mark, legal: { events: 1, preserved: true } }, '2020-01-01').reminders).toEqual([]);
  });

  it('shows co-owners as an empty list on an item stored without them', () => {
    const stored = { ...mark, coOwners: undefined } as unknown as Asset;
    expect(assetView(stored, '2026-11-27').coOwners).toEqual([]);
  });

  it('reminds of an annuity falling due and of the grace period', () => {
    const patent = buildAsset(
      {
        kind: 'patent',
        number: number('201710601862'),
        title: 'T',
        filingDate: '2017-03-01',
        grantDate: '2018-01-01',
      },
      ctx,
    );
    const paid = { ...patent, legal: { events: 1, annuityPaidThrough: '2026-12-31' } } as Asset;
    expect(assetView(paid, '2026-11-27').reminders).toEqual([{ type: 'annuity_due', dueOn: '2027-01-01' }]);
    expect(assetView(paid, '2027-01-05')).toMatchObject({
      inForce: true,
      reminders: [{ type: 'grace_period', dueOn: '2027-06-30' }],
    });
    // Lapsed: an alert for the bank, no reminder for the owner.
    expect(assetView(paid, '2027-07-01')).toMatchObject({ inForce: false, reminders: [] });
  });
});

describe('who may read an asset, and who holds it', () => {
  const CO = '9144030071526726XG';
  const asset = buildAsset(
    {
      kind: 'patent',
      number: number('201710601862'),
      title: 'T',
      filingDate: '2017-03-01',
      grantDate: '2018-01-01',
      coOwners: [CO],
    },
    ctx,
  );

  it('its owner and co-owners (any case), the office; a lender through a pledge, an insurer through a policy', () => {
    expect(assetReadRule({ role: 'ipoffice', org: null }, asset)).toEqual({ allowed: true });
    expect(assetReadRule({ role: 'enterprise', org: ctx.owner.toLowerCase() }, asset)).toEqual({
      allowed: true,
    });
    expect(assetReadRule({ role: 'enterprise', org: CO }, asset)).toEqual({ allowed: true });
    expect(assetReadRule({ role: 'enterprise', org: '91110000600037341L' }, asset)).toEqual({
      allowed: false,
    });
    expect(
      assetReadRule(
        { role: 'enterprise', org: CO },
        { ...asset, coOwners: undefined as unknown as string[] },
      ),
    ).toEqual({
      allowed: false,
    });
    expect(assetReadRule({ role: 'lender', org: 'bank1' }, asset)).toEqual({ allowed: false });
    const held = { ...asset, encumbrance: { pledgeId: 'p1' } };
    expect(assetReadRule({ role: 'lender', org: 'bank1' }, held)).toEqual({
      ifLenderOfPledge: 'p1',
      lenderId: 'bank1',
    });
    expect(assetReadRule({ role: 'lender', org: null }, held)).toEqual({ allowed: false });
    expect(assetReadRule({ role: 'insurer', org: 'ins1' }, asset)).toEqual({ ifInsurerOfAPolicy: 'ins1' });
    expect(assetReadRule({ role: 'insurer', org: null }, asset)).toEqual({ allowed: false });
    expect(assetReadRule({ role: 'system', org: null }, asset)).toEqual({ allowed: false });
  });

  it('its owner holds it until a disposal transferred it', () => {
    expect(isOwnedBy(asset, ctx.owner)).toBe(true);
    expect(isOwnedBy(asset, CO)).toBe(false);
    expect(
      isOwnedBy({ ...asset, transferredTo: { uscc: CO, on: '2026-01-01', pledgeId: 'p1' } }, ctx.owner),
    ).toBe(false);
  });
});
