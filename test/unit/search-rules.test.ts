import { describe, expect, it } from 'vitest';
import type { Asset } from '../../shared/domain/asset.js';
import type { Enterprise } from '../../shared/domain/enterprise.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { Pledge } from '../../shared/domain/pledge.js';
import {
  assetDoc,
  bigrams,
  docMatches,
  enterpriseDoc,
  normalizeNumber,
  normalizeText,
  numberShard,
  parseSearchQuery,
  pledgeDoc,
  postingId,
  postingsOf,
  type SearchDoc,
  sameDoc,
  scopeOf,
} from '../../shared/domain/search.js';

/** The search rules on their own (the index and the route are tested in test/integration/search.test.ts). */

const issuesOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('validation');
    expect((e as DomainError).message).toBe('The search query is not valid.');
    return (e as DomainError).extra.errors;
  }
  throw new Error('expected a validation error');
};

describe('one spelling for comparison', () => {
  it('folds full-width forms, lower-cases and keeps only letters and digits', () => {
    expect(normalizeText('ＺＬ ２０１7 1060 1862.3')).toBe('zl2017106018623');
    expect(normalizeText('（金华）Ab-Ｃ')).toBe('金华abc');
    expect(normalizeText(' .-/ ')).toBe('');
  });

  it('drops the CN and ZL citation prefixes of a number, only at its start and only before a digit', () => {
    expect(normalizeNumber('CN ZL 2017.1')).toBe('20171');
    expect(normalizeNumber('ZL2017')).toBe('2017');
    expect(normalizeNumber('cn2017')).toBe('2017');
    expect(normalizeNumber('zlx1')).toBe('zlx1');
    expect(normalizeNumber('cnzl')).toBe('cnzl');
    expect(normalizeNumber('XZL1')).toBe('xzl1');
    expect(normalizeNumber('91330100')).toBe('91330100');
  });
});

describe('reading a query', () => {
  it('a query without a digit is text: its term normalised, with its distinct bigrams', () => {
    expect(parseSearchQuery(' 金华 市 ')).toEqual({ mode: 'text', term: '金华市', grams: ['金华', '华市'] });
    expect(parseSearchQuery('ab')).toEqual({ mode: 'text', term: 'ab', grams: ['ab'] });
  });

  it('a query with a digit is a number, its citation prefix removed', () => {
    expect(parseSearchQuery('ZL 2017.1')).toEqual({ mode: 'number', term: '20171' });
    expect(parseSearchQuery('9133')).toEqual({ mode: 'number', term: '9133' });
  });

  it('a text needs two characters (code points), a number four once its prefix is gone', () => {
    expect(issuesOf(() => parseSearchQuery('a'))).toEqual([
      {
        path: 'query.q',
        code: 'too_small',
        params: { minimum: 2 },
        message: 'must have at least 2 letters or digits',
      },
    ]);
    // One astral CJK character: two UTF-16 units, one character.
    expect(issuesOf(() => parseSearchQuery('𠀀'))).toEqual([expect.objectContaining({ code: 'too_small' })]);
    expect(issuesOf(() => parseSearchQuery('ZL201'))).toEqual([
      {
        path: 'query.q',
        code: 'too_small',
        params: { minimum: 4 },
        message: 'a number must be given with at least 4 letters and digits',
      },
    ]);
    expect(issuesOf(() => parseSearchQuery('a1'))).toEqual([
      expect.objectContaining({ params: { minimum: 4 } }),
    ]);
  });

  it('at most 50 letters and digits, and at most 100 characters as typed; too long is the one issue', () => {
    expect(parseSearchQuery('a'.repeat(50)).term).toBe('a'.repeat(50));
    const tooBig = {
      path: 'query.q',
      code: 'too_big',
      params: { maximum: 50 },
      message: 'must be at most 50 letters and digits',
    };
    expect(issuesOf(() => parseSearchQuery('a'.repeat(51)))).toEqual([tooBig]);
    expect(parseSearchQuery(`${' '.repeat(98)}ab`).term).toBe('ab');
    expect(issuesOf(() => parseSearchQuery(`${' '.repeat(99)}ab`))).toEqual([tooBig]);
    // Too long and, normalised, too short: only the length is reported.
    expect(issuesOf(() => parseSearchQuery('-'.repeat(101)))).toEqual([tooBig]);
  });
});

describe('bigrams and shards', () => {
  it('the distinct pairs of neighbouring characters, by code point', () => {
    expect(bigrams('abcab')).toEqual(['ab', 'bc', 'ca']);
    expect(bigrams('𠀀𠀁x')).toEqual(['𠀀𠀁', '𠀁x']);
    expect(bigrams('a')).toEqual([]);
    expect(bigrams('')).toEqual([]);
  });

  it("a number's shard is its first four characters", () => {
    expect(numberShard('201710601862')).toBe('2017');
    expect(numberShard('𠀀𠀀𠀀𠀀𠀀')).toBe('𠀀𠀀𠀀𠀀');
    expect(numberShard('12')).toBe('12');
  });
});

describe('who searches where', () => {
  it('the office everywhere, a company and a bank in their own scope, an insurer nowhere', () => {
    expect(scopeOf({ role: 'ipoffice', org: null })).toBe('office');
    expect(scopeOf({ role: 'enterprise', org: '91330100mA27XL0Q7K' })).toBe('enterprise:91330100MA27XL0Q7K');
    expect(scopeOf({ role: 'lender', org: 'bank-1' })).toBe('lender:bank-1');
    expect(scopeOf({ role: 'insurer', org: 'ins-1' })).toBeUndefined();
  });
});

const USCC = '91330100MA27XL0Q7K';

describe('the search documents', () => {
  it('an enterprise: found by its name and USCC, by the office and itself', () => {
    const e = { uscc: USCC, name: '金华 Tech（集团）', divisionCode: '330100' } as Enterprise;
    expect(enterpriseDoc(e)).toEqual({
      kind: 'enterprise',
      id: USCC,
      title: '金华 Tech（集团）',
      subtitle: USCC,
      texts: ['金华tech集团'],
      numbers: ['91330100ma27xl0q7k'],
      scopes: ['office', `enterprise:${USCC}`],
    });
  });

  it('a patent by its title and number (shown with ZL), a trademark by its mark', () => {
    const patent = {
      kind: 'patent',
      id: 'a1',
      title: 'A Valve',
      number: '201710601862.3',
      owner: USCC,
    } as Asset;
    expect(assetDoc(patent)).toEqual({
      kind: 'asset',
      id: 'a1',
      title: 'A Valve',
      subtitle: `ZL201710601862.3 · ${USCC}`,
      texts: ['avalve'],
      numbers: ['2017106018623'],
      scopes: ['office', `enterprise:${USCC}`],
    });
    const mark = { kind: 'trademark', id: 'a2', mark: 'Lotus', number: '12345678', owner: USCC } as Asset;
    expect(assetDoc(mark)).toMatchObject({
      title: 'Lotus',
      subtitle: `12345678 · ${USCC}`,
      texts: ['lotus'],
      numbers: ['12345678'],
    });
  });

  const pledge = {
    id: 'PL-0001',
    applicant: USCC,
    applicantName: 'Old Name',
    lenderId: 'bank-1',
    lenderName: 'First Bank',
    status: 'registered',
    registrationNumber: 'ZY-2026-1',
    assets: [{ number: '201710601862.3' }, { number: '12345678' }],
  } as unknown as Pledge;

  it("a pledge: by its applicant's current name, its lender, its numbers; seen by the office, applicant and lender", () => {
    expect(pledgeDoc(pledge, 'New Name')).toEqual({
      kind: 'pledge',
      id: 'PL-0001',
      title: 'New Name',
      subtitle: 'ZY-2026-1 · First Bank · registered',
      texts: ['newname', 'firstbank'],
      numbers: ['91330100ma27xl0q7k', 'zy20261', 'pl0001', '2017106018623', '12345678'],
      scopes: ['office', `enterprise:${USCC}`, 'lender:bank-1'],
    });
  });

  it('falls back to the name at application, then the USCC; no registration number or lender name is left out', () => {
    expect(pledgeDoc(pledge).title).toBe('Old Name');
    const bare = {
      ...pledge,
      applicantName: undefined,
      lenderName: undefined,
      registrationNumber: undefined,
    } as unknown as Pledge;
    expect(pledgeDoc(bare)).toMatchObject({
      title: USCC,
      subtitle: 'bank-1 · registered',
      texts: ['91330100ma27xl0q7k'],
      numbers: ['91330100ma27xl0q7k', 'pl0001', '2017106018623', '12345678'],
    });
  });

  it('a text or number that normalises to nothing, or twice to the same, is listed once or not at all', () => {
    const p = { ...pledge, lenderName: '（）', assets: [{ number: '12345678' }, { number: '1234 5678' }] };
    const doc = pledgeDoc(p as unknown as Pledge, 'Old-Name');
    expect(doc.texts).toEqual(['oldname']);
    expect(doc.numbers).toEqual(['91330100ma27xl0q7k', 'zy20261', 'pl0001', '12345678']);
  });
});

const doc = (over: Partial<SearchDoc> = {}): SearchDoc => ({
  kind: 'pledge',
  id: 'p1',
  title: 'T',
  subtitle: 'S',
  texts: ['abc'],
  numbers: ['2017', '123'],
  scopes: ['office', 'lender:b'],
  ...over,
});

describe('postings', () => {
  it('one per bigram and per number of four characters or more, in each scope', () => {
    expect(postingsOf(doc({ texts: ['abc', 'bcd'] }))).toEqual([
      { scope: 'office', mode: 'text', term: 'ab' },
      { scope: 'office', mode: 'text', term: 'bc' },
      { scope: 'office', mode: 'text', term: 'cd' },
      { scope: 'office', mode: 'number', term: '2017' },
      { scope: 'lender:b', mode: 'text', term: 'ab' },
      { scope: 'lender:b', mode: 'text', term: 'bc' },
      { scope: 'lender:b', mode: 'text', term: 'cd' },
      { scope: 'lender:b', mode: 'number', term: '2017' },
    ]);
  });

  it('a posting id joins scope, mode and term with U+0001', () => {
    expect(postingId({ scope: 'office', mode: 'number', term: '2017' })).toBe('office\u0001number\u00012017');
  });
});

describe('verifying a candidate', () => {
  const text = (term: string) => ({ mode: 'text' as const, term, grams: bigrams(term) });
  const number = (term: string) => ({ mode: 'number' as const, term });

  it('only in a scope the document is seen in, and only of the kind asked', () => {
    expect(docMatches(doc(), 'office', text('bc'))).toBe(true);
    expect(docMatches(doc(), 'enterprise:X', text('bc'))).toBe(false);
    expect(docMatches(doc(), 'office', text('bc'), 'pledge')).toBe(true);
    expect(docMatches(doc(), 'office', text('bc'), 'asset')).toBe(false);
  });

  it('a text anywhere in a text, a number only as a prefix of a number', () => {
    expect(docMatches(doc(), 'office', text('ab'))).toBe(true);
    expect(docMatches(doc(), 'office', text('ac'))).toBe(false);
    expect(docMatches(doc(), 'office', number('201'))).toBe(true);
    expect(docMatches(doc(), 'office', number('017'))).toBe(false);
    // The modes do not mix: a number is not looked for in the texts, nor a text in the numbers.
    expect(docMatches(doc({ texts: ['x2017'], numbers: [] }), 'office', number('2017'))).toBe(false);
    expect(docMatches(doc({ texts: [], numbers: ['abc'] }), 'office', text('bc'))).toBe(false);
  });
});

describe('re-indexing only what changed', () => {
  it('any difference in display, texts, numbers or scopes counts', () => {
    expect(sameDoc(doc(), doc())).toBe(true);
    expect(sameDoc(doc(), doc({ id: 'other' }))).toBe(true);
    expect(sameDoc(doc(), doc({ title: 'U' }))).toBe(false);
    expect(sameDoc(doc(), doc({ subtitle: 'U' }))).toBe(false);
    expect(sameDoc(doc(), doc({ texts: ['abd'] }))).toBe(false);
    expect(sameDoc(doc(), doc({ numbers: ['2017'] }))).toBe(false);
    expect(sameDoc(doc(), doc({ scopes: ['office'] }))).toBe(false);
  });
});
