import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, compareDates, isLeapYear } from '../../shared/domain/dates.js';
import { PATENT_TYPES, type PatentType } from '../../shared/domain/patent-number.js';
import {
  anniversary,
  isInForce,
  loanMaturity,
  patentExpiresOn,
  patentTermYears,
  trademarkExpiresOn,
  trademarkRenewalWindow,
} from '../../shared/domain/terms.js';

const DAY_MS = 86_400_000;
const anyDate = fc
  .integer({ min: Date.UTC(1985, 0, 1) / DAY_MS, max: Date.UTC(2100, 11, 31) / DAY_MS })
  .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));

describe('patent terms (DOMAIN.md examples)', () => {
  it('utility model filed 1999-09-06 is in force through 2009-09-05', () => {
    expect(patentExpiresOn('utility_model', '1999-09-06')).toBe('2009-09-05');
  });

  it.each([
    ['invention', '2017-10-20', '2037-10-19'],
    ['utility_model', '2023-01-01', '2032-12-31'],
    ['design', '2010-07-01', '2020-06-30'],
    ['design', '2023-03-15', '2038-03-14'],
  ] as const)('%s filed %s expires %s', (type, filed, expires) => {
    expect(patentExpiresOn(type, filed)).toBe(expires);
  });

  it('designs filed before 2021-06-01 get 10 years, on or after it 15', () => {
    expect(patentTermYears('design', '2021-05-31')).toBe(10);
    expect(patentExpiresOn('design', '2021-05-31')).toBe('2031-05-30');
    expect(patentTermYears('design', '2021-06-01')).toBe(15);
    expect(patentExpiresOn('design', '2021-06-01')).toBe('2036-05-31');
  });

  it('the 2021 boundary applies to designs only', () => {
    expect(patentExpiresOn('invention', '2021-05-31')).toBe('2041-05-30');
    expect(patentExpiresOn('utility_model', '2021-06-01')).toBe('2031-05-31');
  });
});

describe('Feb 29 filing and registration dates', () => {
  it.each([
    // anniversary in a leap year: Feb 29 itself, so the last day is Feb 28
    ['invention', '2004-02-29', '2024-02-28'],
    ['invention', '2000-02-29', '2020-02-28'],
    // anniversary in a non-leap year is Mar 1, so the last day is still Feb 28
    ['utility_model', '2004-02-29', '2014-02-28'],
    ['design', '2024-02-29', '2039-02-28'],
    ['design', '2016-02-29', '2026-02-28'],
    // 2100 is not a leap year
    ['invention', '2080-02-29', '2100-02-28'],
  ] as const)('%s filed %s expires %s', (type, filed, expires) => {
    expect(patentExpiresOn(type, filed)).toBe(expires);
  });

  it('a trademark registered on Feb 29 is valid through Feb 28 ten years later', () => {
    expect(trademarkExpiresOn('2016-02-29')).toBe('2026-02-28');
    expect(anniversary('2016-02-29', 10)).toBe('2026-03-01');
    expect(anniversary('2016-02-29', 8)).toBe('2024-02-29');
  });

  it('a term starting Feb 28 or Mar 1 is not affected', () => {
    expect(patentExpiresOn('utility_model', '2004-02-28')).toBe('2014-02-27');
    expect(patentExpiresOn('utility_model', '2004-03-01')).toBe('2014-02-28');
  });
});

describe('trademark terms', () => {
  it('registered 2015-03-14 → valid to 2025-03-13', () => {
    expect(trademarkExpiresOn('2015-03-14')).toBe('2025-03-13');
  });

  it('renewal window: 12 months before the term ends, grace 6 months after', () => {
    expect(trademarkRenewalWindow('2025-03-13')).toEqual({
      opens: '2024-03-14',
      closes: '2025-03-13',
      graceEnds: '2025-09-13',
    });
  });

  it('renewal window counts from the day the term ends, also at month ends', () => {
    // registered 2015-03-01 → expires 2025-02-28, term ends 2025-03-01
    expect(trademarkRenewalWindow(trademarkExpiresOn('2015-03-01'))).toEqual({
      opens: '2024-03-01',
      closes: '2025-02-28',
      graceEnds: '2025-08-31',
    });
    // registered 2016-02-29 → expires 2026-02-28
    expect(trademarkRenewalWindow('2026-02-28')).toEqual({
      opens: '2025-03-01',
      closes: '2026-02-28',
      graceEnds: '2026-08-31',
    });
  });
});

describe('isInForce', () => {
  const granted = { status: 'granted', expiresOn: '2009-09-05' };

  it('is in force through the last day and not the day after', () => {
    expect(isInForce(granted, '1999-09-06')).toBe(true);
    expect(isInForce(granted, '2009-09-05')).toBe(true);
    expect(isInForce(granted, '2009-09-06')).toBe(false);
  });

  it('requires the right to exist: granted or registered, never pending', () => {
    expect(isInForce({ status: 'registered', expiresOn: '2025-03-13' }, '2025-03-13')).toBe(true);
    expect(isInForce({ status: 'pending', expiresOn: '2043-01-01' }, '2026-01-01')).toBe(false);
    expect(isInForce({ status: 'lapsed', expiresOn: '2043-01-01' }, '2026-01-01')).toBe(false);
  });
});

describe('loanMaturity', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-05-10', 36, '2029-05-10'],
    ['2026-05-10', 60, '2031-05-10'],
  ])('%s + %i months → %s', (today, months, maturity) => {
    expect(loanMaturity(today, months)).toBe(maturity);
  });

  it('a 3-year loan against a utility model expiring before maturity is detectable', () => {
    const expiresOn = patentExpiresOn('utility_model', '2016-06-01'); // 2026-05-31
    expect(compareDates(loanMaturity('2026-01-15', 36), expiresOn)).toBe(1);
  });
});

describe('term properties', () => {
  const anyType = fc.constantFrom<PatentType>(...PATENT_TYPES);

  it('a patent expires after its filing date', () => {
    fc.assert(
      fc.property(anyType, anyDate, (type, filed) => {
        expect(compareDates(patentExpiresOn(type, filed), filed)).toBe(1);
      }),
    );
  });

  it('the day after expiry is exactly the N-th anniversary (Mar 1 for Feb 29 in a non-leap year)', () => {
    fc.assert(
      fc.property(anyType, anyDate, (type, filed) => {
        const years = patentTermYears(type, filed);
        const [y, m, d] = filed.split('-').map(Number) as [number, number, number];
        const target = y + years;
        const expected =
          m === 2 && d === 29 && !isLeapYear(target) ? `${target}-03-01` : `${target}${filed.slice(4)}`;
        expect(addDays(patentExpiresOn(type, filed), 1)).toBe(expected);
      }),
    );
  });

  it('term lengths follow the type and the 2021-06-01 design rule', () => {
    fc.assert(
      fc.property(anyType, anyDate, (type, filed) => {
        const expected =
          type === 'invention' ? 20 : type === 'utility_model' ? 10 : filed >= '2021-06-01' ? 15 : 10;
        expect(patentTermYears(type, filed)).toBe(expected);
      }),
    );
  });

  it('a trademark expires the day before its 10th anniversary', () => {
    fc.assert(
      fc.property(anyDate, (registered) => {
        const expires = trademarkExpiresOn(registered);
        expect(addDays(expires, 1)).toBe(anniversary(registered, 10));
        expect(Number(expires.slice(0, 4)) - Number(registered.slice(0, 4))).toBeGreaterThanOrEqual(9);
      }),
    );
  });

  it('the renewal window brackets the expiry date', () => {
    fc.assert(
      fc.property(anyDate, (expiresOn) => {
        const w = trademarkRenewalWindow(expiresOn);
        expect(compareDates(w.opens, expiresOn)).toBe(-1);
        expect(w.closes).toBe(expiresOn);
        expect(compareDates(w.graceEnds, expiresOn)).toBe(1);
      }),
    );
  });
});
