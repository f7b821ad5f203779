import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkUscc, normaliseUscc, usccCheckCharacter, withUsccCheck } from '../../shared/domain/uscc.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Σ(value × weight) over the first 17 characters, written independently of the module under test. */
const weightedSum = (first17: string) =>
  [...first17].reduce((sum, c, i) => sum + ALPHABET.indexOf(c) * (WEIGHTS[i] as number), 0);

const VALID = [
  '91110000600037341L',
  '9144030071526726XG',
  '91350100M000100Y43',
  '913307023073692596',
  '91330784147123451K',
];

describe('USCC worked examples (DOMAIN.md)', () => {
  it('91110000600037341L: Σ = 538, 538 mod 31 = 11, 31 − 11 = 20 → L', () => {
    expect(weightedSum('91110000600037341')).toBe(538);
    expect(538 % 31).toBe(11);
    expect(ALPHABET[20]).toBe('L');
    expect(usccCheckCharacter('91110000600037341')).toBe('L');
  });

  it.each(VALID)('%s is valid and reports its division code', (code) => {
    expect(checkUscc(code)).toEqual({ ok: true, uscc: code, divisionCode: code.slice(2, 8) });
  });

  it('reports the Jinhua county division code', () => {
    expect(checkUscc('91330784147123451K')).toMatchObject({ ok: true, divisionCode: '330784' });
    expect(checkUscc('913307023073692596')).toMatchObject({ ok: true, divisionCode: '330702' });
  });

  it('normalises lower case and surrounding spaces to the canonical code', () => {
    expect(normaliseUscc(' 9144030071526726xg ')).toBe('9144030071526726XG');
    expect(checkUscc('9144030071526726xg')).toEqual({
      ok: true,
      uscc: '9144030071526726XG',
      divisionCode: '440300',
    });
    expect(checkUscc('  91350100m000100y43\t')).toMatchObject({ ok: true, uscc: '91350100M000100Y43' });
  });
});

describe('USCC rejections', () => {
  it.each(['I', 'O', 'S', 'V', 'Z'])('rejects the excluded letter %s and names it', (letter) => {
    const code = `91110000600037341${letter}`;
    const result = checkUscc(code);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: expect.stringContaining(`"${letter}"`) });
  });

  it('rejects excluded letters in lower case too', () => {
    expect(checkUscc('91110000600037341o')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"O"'),
    });
  });

  it('rejects symbols', () => {
    expect(checkUscc('9111000060003734-L')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"-"'),
    });
  });

  it('rejects a wrong check character and names the expected one', () => {
    expect(checkUscc('91110000600037341M')).toEqual({
      ok: false,
      reason: 'check character is "M" but should be "L"',
    });
    expect(checkUscc('913307023073692597')).toEqual({
      ok: false,
      reason: 'check character is "7" but should be "6"',
    });
  });

  it.each([
    ['', 0],
    ['91110000600037341', 17],
    ['91110000600037341LL', 19],
  ])('rejects %j for its length %i', (code, length) => {
    expect(checkUscc(code)).toEqual({ ok: false, reason: `must be 18 characters, got ${length}` });
  });

  it('rejects a division code that is not 6 digits', () => {
    const first17 = '91A10000600037341';
    const code = `${first17}${usccCheckCharacter(first17)}`;
    expect(checkUscc(code)).toMatchObject({ ok: false, reason: expect.stringContaining('division code') });
  });
});

describe('USCC properties', () => {
  const char = fc.constantFrom(...ALPHABET);
  const digit = fc.constantFrom(...'0123456789');
  const chars = (n: number) => fc.array(char, { minLength: n, maxLength: n }).map((a) => a.join(''));
  const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(''));
  /** Any 17 characters whose characters 3–8 form a division code (the rest of the code is free). */
  const first17 = fc.tuple(chars(2), digits(6), chars(9)).map((parts) => parts.join(''));

  it('the check character makes the full weighted sum (check weight 1) divisible by 31', () => {
    fc.assert(
      fc.property(chars(17), (body) => {
        const check = usccCheckCharacter(body);
        expect(ALPHABET).toContain(check);
        expect((weightedSum(body) + ALPHABET.indexOf(check)) % 31).toBe(0);
      }),
    );
  });

  it('appending the check character yields a valid code, accepted in lower case too', () => {
    fc.assert(
      fc.property(first17, (body) => {
        const code = `${body}${usccCheckCharacter(body)}`;
        expect(checkUscc(code)).toEqual({ ok: true, uscc: code, divisionCode: code.slice(2, 8) });
        expect(checkUscc(code.toLowerCase())).toEqual({
          ok: true,
          uscc: code,
          divisionCode: code.slice(2, 8),
        });
      }),
    );
  });

  it('any other check character is rejected, naming the expected one', () => {
    fc.assert(
      fc.property(first17, char, (body, wrong) => {
        const expected = usccCheckCharacter(body);
        fc.pre(wrong !== expected);
        expect(checkUscc(`${body}${wrong}`)).toEqual({
          ok: false,
          reason: `check character is "${wrong}" but should be "${expected}"`,
        });
      }),
    );
  });

  it('changing any one of the first 17 characters invalidates the code', () => {
    fc.assert(
      fc.property(first17, fc.integer({ min: 0, max: 16 }), char, (body, position, replacement) => {
        fc.pre(body[position] !== replacement);
        const code = `${body}${usccCheckCharacter(body)}`;
        const altered = `${code.slice(0, position)}${replacement}${code.slice(position + 1)}`;
        expect(checkUscc(altered).ok).toBe(false);
      }),
    );
  });
});

describe('withUsccCheck', () => {
  it('completes every worked example from its first 17 characters', () => {
    for (const code of VALID) expect(withUsccCheck(code.slice(0, 17))).toBe(code);
  });
});
