import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import { checkExtension, checkPartialRelease } from '../../shared/domain/loan-change.js';
import type { Pledge } from '../../shared/domain/pledge.js';

const asset = (id: string, expiresOn: string) => ({
  id,
  kind: 'trademark' as const,
  number: `TM-${id}`,
  ltvKind: 'trademark' as const,
  expiresOn,
});

/** A pledge maturing 2027-06-30 over two rights, without a loan schedule (v1: any later day may be asked). */
const pledge = (over: Partial<Pledge> = {}): Pledge =>
  ({
    id: 'p1',
    assetIds: ['a1', 'a2'],
    assets: [asset('a1', '2030-01-01'), asset('a2', '2028-03-31')],
    maturesOn: '2027-06-30',
    ...over,
  }) as Pledge;

/** The fields and codes a refusal names; null when the rule lets the change through. */
const refusal = (f: () => void): [string, string][] | null => {
  try {
    f();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('unprocessable');
    const errors = (error as DomainError).extra.errors as { path: string; code: string }[];
    return errors.map((e) => [e.path, e.code]);
  }
};

describe('loan extensions', () => {
  it('extends to a later day while the loan runs and every right lasts that long', () => {
    expect(refusal(() => checkExtension(pledge(), '2028-03-31', '2026-12-01'))).toBeNull();
    expect(refusal(() => checkExtension(pledge(), '2027-07-01', '2027-06-29'))).toBeNull();
  });

  it('names every reason at once: not later, the maturity passed, a right expiring first', () => {
    expect(refusal(() => checkExtension(pledge(), '2027-06-30', '2026-12-01'))).toEqual([
      ['newMaturesOn', 'not_after_maturity'],
    ]);
    expect(refusal(() => checkExtension(pledge(), '2027-01-01', '2027-06-30'))).toEqual([
      ['newMaturesOn', 'not_after_maturity'],
      ['newMaturesOn', 'maturity_passed'],
    ]);
    // One day past the second right's last day in force.
    expect(refusal(() => checkExtension(pledge(), '2028-04-01', '2026-12-01'))).toEqual([
      ['assetIds.1', 'expires_before_maturity'],
    ]);
  });
});

describe('what a refusal tells the bank and the office', () => {
  const messages = (f: () => void) => {
    try {
      f();
    } catch (error) {
      const e = error as DomainError;
      return { detail: e.message, items: (e.extra.errors as { message: string }[]).map((i) => i.message) };
    }
    throw new Error('expected a refusal');
  };

  it('names the dates and rights involved', () => {
    const late = messages(() => checkExtension(pledge(), '2027-01-01', '2027-06-30'));
    expect(late.detail).toMatch(/extension/);
    expect(late.items[0]).toContain('2027-06-30');
    expect(late.items[1]).toContain('2027-06-30');
    const expiring = messages(() => checkExtension(pledge(), '2028-04-01', '2026-12-01'));
    expect(expiring.items[0]).toBe('TM-a2 expires on 2028-03-31, before the new maturity 2028-04-01');
    const stranger = messages(() => checkPartialRelease(pledge(), ['zz']));
    expect(stranger.detail).toMatch(/partial release/);
    expect(stranger.items).toEqual(['zz is not pledged by this pledge']);
    expect(messages(() => checkPartialRelease(pledge(), ['a1', 'a2'])).items[0]).toMatch(
      /at least one right/,
    );
  });
});

describe('extensions of a monthly loan', () => {
  // Disbursed 2026-06-30 with 12 monthly instalments: the maturity is 2027-06-30; an extension keeps the rhythm.
  const monthly = (repaymentType: string) =>
    pledge({
      loan: {
        repaymentType,
        tranches: [{ disbursedOn: '2026-06-30', amountFen: 1_000_000 }],
        instalments: Array.from({ length: 12 }, () => ({})),
      },
    } as unknown as Partial<Pledge>);

  it('extends a monthly product by whole months only; a bullet loan to any later day', () => {
    expect(refusal(() => checkExtension(monthly('equal_principal'), '2027-09-30', '2026-12-01'))).toBeNull();
    expect(refusal(() => checkExtension(monthly('equal_principal'), '2027-09-29', '2026-12-01'))).toEqual([
      ['newMaturesOn', 'not_whole_months'],
    ]);
    expect(refusal(() => checkExtension(monthly('bullet'), '2027-09-29', '2026-12-01'))).toBeNull();
  });
});

describe('partial releases', () => {
  it('frees some of the pledge’s rights, keeping at least one', () => {
    expect(refusal(() => checkPartialRelease(pledge(), ['a2']))).toBeNull();
  });

  it('refuses a right not pledged (by its position) and releasing every right', () => {
    expect(refusal(() => checkPartialRelease(pledge(), ['a2', 'zz']))).toEqual([
      ['assetIds.1', 'not_pledged'],
    ]);
    expect(refusal(() => checkPartialRelease(pledge(), ['a1', 'a2']))).toEqual([
      ['assetIds', 'releases_every_asset'],
    ]);
    // A stranger among them is reported first; the "all of them" rule only applies to the pledge's own rights.
    expect(refusal(() => checkPartialRelease(pledge(), ['a1', 'a2', 'zz']))).toEqual([
      ['assetIds.2', 'not_pledged'],
    ]);
  });
});
