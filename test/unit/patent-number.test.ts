import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PATENT_TYPES, parsePatentNumber, patentCheckCharacter } from '../../shared/domain/patent-number.js';

const WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
/** Σ(digit × weight), written independently of the module under test. */
const weightedSum = (digits: string) =>
  [...digits].reduce((s, d, i) => s + Number(d) * (WEIGHTS[i] as number), 0);

const EXAMPLE = { ok: true, number: '201710601862.3', patentType: 'invention', filingYear: 2017 };

describe('patent numbers: worked examples (DOMAIN.md)', () => {
  it('201710601862 → Σ = 157, 157 mod 11 = 3', () => {
    expect(weightedSum('201710601862')).toBe(157);
    expect(patentCheckCharacter('201710601862')).toBe('3');
  });

  it('202310123456 → Σ = 127 → check 6, so .7 is invalid', () => {
    expect(weightedSum('202310123456')).toBe(127);
    expect(patentCheckCharacter('202310123456')).toBe('6');
    expect(parsePatentNumber('202310123456.7')).toEqual({
      ok: false,
      reason: 'check digit is "7" but should be "6"',
    });
    expect(parsePatentNumber('202310123456.6')).toEqual({
      ok: true,
      number: '202310123456.6',
      patentType: 'invention',
      filingYear: 2023,
    });
  });

  it.each([
    'ZL201710601862.3',
    'CN 2017 1060 1862.3',
    'zl201710601862.3',
    'ZL 201710601862.3',
    'Zl2017 1060 1862 . 3',
    'cn201710601862.3',
    'CNZL201710601862.3',
    '2017106018623',
    '201710601862.3',
    '  201710601862.3\n',
  ])('%j canonicalises to 201710601862.3', (spelling) => {
    expect(parsePatentNumber(spelling)).toEqual(EXAMPLE);
  });
});

describe('patent numbers: X check characters', () => {
  // 202320000003: Σ = 4+0+8+15+12+0+0+0+0+0+0+15 = 54, 54 mod 11 = 10 → X.
  const xBody = '202320000003';
  it('computes X when Σ mod 11 = 10', () => {
    expect(weightedSum(xBody) % 11).toBe(10);
    expect(patentCheckCharacter(xBody)).toBe('X');
  });

  it.each([`${xBody}.X`, `${xBody}.x`, `${xBody}X`, `ZL${xBody}.x`, `cn ${xBody} x`])(
    '%j is a valid utility model with check X',
    (spelling) => {
      expect(parsePatentNumber(spelling)).toEqual({
        ok: true,
        number: `${xBody}.X`,
        patentType: 'utility_model',
        filingYear: 2023,
      });
    },
  );

  it('rejects X where a digit is expected and a digit where X is expected', () => {
    expect(parsePatentNumber('201710601862.X')).toEqual({
      ok: false,
      reason: 'check digit is "X" but should be "3"',
    });
    expect(parsePatentNumber(`${xBody}.0`)).toEqual({
      ok: false,
      reason: 'check digit is "0" but should be "X"',
    });
  });
});

describe('patent numbers: type digit', () => {
  /** Builds a valid number for a given type digit so only the type is under test. */
  const withType = (t: string) => {
    const body = `2019${t}0012345`;
    return `${body}.${patentCheckCharacter(body)}`;
  };

  it.each([
    ['1', 'invention'],
    ['8', 'invention'],
    ['2', 'utility_model'],
    ['9', 'utility_model'],
    ['3', 'design'],
  ])('type digit %s → %s', (digit, patentType) => {
    expect(parsePatentNumber(withType(digit))).toMatchObject({ ok: true, patentType, filingYear: 2019 });
  });

  it.each(['0', '4', '5', '6', '7'])('type digit %s is rejected', (digit) => {
    expect(parsePatentNumber(withType(digit))).toEqual({
      ok: false,
      reason: `type digit is "${digit}"; it must be 1 or 8 (invention), 2 or 9 (utility model) or 3 (design)`,
    });
  });
});

describe('patent numbers: malformed input', () => {
  it('rejects a 12-digit body without a check character and says what it should be', () => {
    expect(parsePatentNumber('201710601862')).toEqual({
      ok: false,
      reason: 'has no check character (it should end in ".3")',
    });
  });

  it('rejects 12-digit numbers with a filing year before 2003', () => {
    const body = '200210012345';
    expect(parsePatentNumber(`${body}.${patentCheckCharacter(body)}`)).toEqual({
      ok: false,
      reason: 'filing year 2002 is before 2003, when 12-digit numbers began',
    });
  });

  it.each([
    '',
    '   ',
    'ZL',
    '20171060186.3',
    '2017106018621.3',
    '2017-1060-1862.3',
    '201710601862..3',
    '201710601862.A',
    'XX201710601862.3',
    'ZL201710601862.3 extra',
    '２０１７１０６０１８６２.３',
  ])('rejects %j', (input) => {
    const result = parsePatentNumber(input);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: expect.any(String) });
  });

  it('quotes the input when the shape is wrong', () => {
    expect(parsePatentNumber('hello')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"hello"'),
    });
    expect(parsePatentNumber('')).toEqual({ ok: false, reason: 'is empty' });
  });
});

describe('patent numbers: pre-2003 8-digit form', () => {
  // Published examples: 97101765.4 (1997 invention), ZL95115608.X (Σ = 186), ZL88201465.X (1988 utility model).
  it.each([
    ['97101765.4', '97101765.4', 'invention', 1997],
    ['ZL95115608.X', '95115608.X', 'invention', 1995],
    ['zl 88 2 01465.x', '88201465.X', 'utility_model', 1988],
    ['CN001234560', '00123456.0', 'invention', 2000],
    ['02212005X', '02212005.X', 'utility_model', 2002],
  ])('%j → %s', (input, number, patentType, filingYear) => {
    expect(parsePatentNumber(input)).toEqual({ ok: true, number, patentType, filingYear });
  });

  it('verifies the check digit of the old form', () => {
    expect(weightedSum('95115608')).toBe(186);
    expect(parsePatentNumber('97101765.5')).toEqual({
      ok: false,
      reason: 'check digit is "5" but should be "4"',
    });
  });

  it('rejects 2-digit years that never used the 8-digit form', () => {
    const body = '84101765';
    expect(parsePatentNumber(`${body}.${patentCheckCharacter(body)}`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('outside 1985–2003'),
    });
    const late = '04101765';
    expect(parsePatentNumber(`${late}.${patentCheckCharacter(late)}`).ok).toBe(false);
  });
});

describe('patent numbers: properties', () => {
  const digitChar = fc.constantFrom(...'0123456789');
  const body = fc
    .tuple(
      fc.integer({ min: 2003, max: 2099 }),
      fc.constantFrom('1', '2', '3', '8', '9'),
      fc.array(digitChar, { minLength: 7, maxLength: 7 }),
    )
    .map(([year, type, serial]) => `${year}${type}${serial.join('')}`);
  const CHECK_CHARS = [...'0123456789X'];

  /** A citation spelling: optional prefix in any case, spaces anywhere, dot optional, check char in any case. */
  const spelling = (b: string, check: string) =>
    fc
      .record({
        prefix: fc.constantFrom('', 'ZL', 'zl', 'Zl', 'CN', 'cn', 'ZL ', 'CN ', 'CNZL'),
        spaces: fc.array(fc.constantFrom('', '', ' ', '  '), { minLength: 12, maxLength: 12 }),
        dot: fc.boolean(),
        lowerCheck: fc.boolean(),
        pad: fc.constantFrom('', ' ', '\t'),
      })
      .map(({ prefix, spaces, dot, lowerCheck, pad }) => {
        const spaced = [...b].map((d, i) => `${d}${spaces[i]}`).join('');
        const c = lowerCheck ? check.toLowerCase() : check;
        return `${pad}${prefix}${spaced}${dot ? '.' : ''}${c}${pad}`;
      });

  it('the computed check passes and its sum agrees with the independent reference', () => {
    fc.assert(
      fc.property(body, (b) => {
        const c = weightedSum(b) % 11;
        expect(patentCheckCharacter(b)).toBe(c === 10 ? 'X' : String(c));
        const result = parsePatentNumber(`${b}.${patentCheckCharacter(b)}`);
        expect(result).toMatchObject({ ok: true, filingYear: Number(b.slice(0, 4)) });
        if (result.ok) expect(PATENT_TYPES).toContain(result.patentType);
      }),
    );
  });

  it('every spelling canonicalises to the same number', () => {
    fc.assert(
      fc.property(
        body.chain((b) => fc.tuple(fc.constant(b), spelling(b, patentCheckCharacter(b)))),
        ([b, written]) => {
          const result = parsePatentNumber(written);
          expect(result).toMatchObject({ ok: true, number: `${b}.${patentCheckCharacter(b)}` });
        },
      ),
    );
  });

  it('any other check character is rejected in any spelling', () => {
    fc.assert(
      fc.property(
        body.chain((b) =>
          fc
            .constantFrom(...CHECK_CHARS.filter((c) => c !== patentCheckCharacter(b)))
            .chain((wrong) => fc.tuple(fc.constant(b), fc.constant(wrong), spelling(b, wrong))),
        ),
        ([b, wrong, written]) => {
          expect(parsePatentNumber(written)).toEqual({
            ok: false,
            reason: `check digit is "${wrong}" but should be "${patentCheckCharacter(b)}"`,
          });
        },
      ),
    );
  });

  it('a single changed digit in the body is always detected', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 11 }), digitChar, (b, position, replacement) => {
        fc.pre(b[position] !== replacement);
        const altered = `${b.slice(0, position)}${replacement}${b.slice(position + 1)}`;
        expect(parsePatentNumber(`${altered}.${patentCheckCharacter(b)}`).ok).toBe(false);
      }),
    );
  });
});
