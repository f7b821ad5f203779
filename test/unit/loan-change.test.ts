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

/** The codes (and fields) a refusal names; none when the rule lets it through. */
const refusal = (f: () => void): [string, string][] => {
  try {
    f();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('unprocessable');
    const errors = (error as DomainError).extra.errors as { path: string; code: string }[];
    return errors.map((e) => [e.path, e.code]);
  }
};

describe('loan extensions', () => {
  it('extends to a later day while the loan runs and every right lasts that long', () => {
    expect(refusal(() => checkExtension(pledge(), '2028-03-31', '2026-12-01'))).toEqual([]);
    expect(refusal(() => checkExtension(pledge(), '2027-07-01', '2027-06-29'))).toEqual([]);
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

describe('partial releases', () => {
  it('frees some of the pledge’s rights, keeping at least one', () => {
    expect(refusal(() => checkPartialRelease(pledge(), ['a2']))).toEqual([]);
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
