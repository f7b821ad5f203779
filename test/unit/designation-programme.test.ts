import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Designation, DesignationEvent, Objection } from '../../shared/domain/designation.js';
import {
  confirmRefusal,
  designationFor,
  eligibilityOf,
  MINIMUM_SCORE,
  NOTICE_DAYS,
  noticePeriod,
  objectionRefusal,
  resolved,
} from '../../shared/domain/designation-programme.js';

const portfolio = (
  invention: number,
  utility: number,
  design: number,
  trademarks: number,
  fen = 0,
  insured = 0,
) => ({
  patentsInForce: { invention, utility_model: utility, design },
  trademarksInForce: trademarks,
  pledgeFinancingRegisteredFen: fen,
  sumInsuredFen: insured,
});

describe('eligibility', () => {
  it('scores examples worked out by hand', () => {
    // 3 inventions: 24; share 3/4 of 20 = 15; 1 other: 1; 4 trademarks: 8; financing 10; no insurance.
    expect(eligibilityOf('provincial_advantage', portfolio(3, 1, 0, 4, 100)).score).toBe(58);
    // Caps: 40 for inventions, 10 for others, 10 for trademarks; share 10/25 of 20 = 8.
    expect(eligibilityOf('national_demonstration', portfolio(10, 10, 5, 9, 1, 1))).toEqual({
      score: 40 + 8 + 10 + 10 + 10 + 10,
      minimum: 70,
      parts: {
        inventionPatents: 40,
        inventionShare: 8,
        otherPatents: 10,
        trademarks: 10,
        financing: 10,
        insurance: 10,
      },
    });
    expect(eligibilityOf('provincial_advantage', portfolio(0, 0, 0, 0)).score).toBe(0);
    // 1 of 3 patents an invention: 20/3 rounds down to 6.
    expect(eligibilityOf('provincial_advantage', portfolio(1, 1, 1, 0)).parts.inventionShare).toBe(6);
  });

  it('equals an independent sum in integers over any portfolio, within 0–100, never falling as inventions grow', () => {
    const count = fc.integer({ min: 0, max: 60 });
    fc.assert(
      fc.property(count, count, count, count, fc.boolean(), fc.boolean(), (inv, util, des, tm, fin, ins) => {
        const patents = inv + util + des;
        let expected = Math.min(40, inv * 8) + Math.min(10, util + des) + Math.min(10, tm * 2);
        // floor(20 × inv / patents) by integer division: repeated subtraction.
        let share = 0;
        for (let rest = 20 * inv; patents > 0 && rest >= patents; rest -= patents) share++;
        expected += share + (fin ? 10 : 0) + (ins ? 10 : 0);
        const e = eligibilityOf(
          'national_advantage',
          portfolio(inv, util, des, tm, fin ? 1 : 0, ins ? 1 : 0),
        );
        expect(e.score).toBe(expected);
        expect(e.score).toBeGreaterThanOrEqual(0);
        expect(e.score).toBeLessThanOrEqual(100);
        const more = eligibilityOf(
          'national_advantage',
          portfolio(inv + 1, util, des, tm, fin ? 1 : 0, ins ? 1 : 0),
        );
        expect(more.score).toBeGreaterThanOrEqual(e.score);
      }),
    );
  });

  it('asks more of national titles than provincial ones, and of demonstration than advantage', () => {
    expect(MINIMUM_SCORE.national_demonstration).toBeGreaterThan(MINIMUM_SCORE.national_advantage);
    expect(MINIMUM_SCORE.national_demonstration).toBeGreaterThan(MINIMUM_SCORE.provincial_demonstration);
    expect(MINIMUM_SCORE.provincial_demonstration).toBeGreaterThan(MINIMUM_SCORE.provincial_advantage);
    expect(eligibilityOf('provincial_advantage', portfolio(0, 0, 0, 0)).minimum).toBe(30);
  });
});

describe('the public notice', () => {
  it('runs seven calendar days from the day it is published, across month and year ends', () => {
    expect(NOTICE_DAYS).toBe(7);
    expect(noticePeriod('2026-03-02')).toEqual({ noticeStartsOn: '2026-03-02', noticeEndsOn: '2026-03-08' });
    expect(noticePeriod('2026-12-28')).toEqual({ noticeStartsOn: '2026-12-28', noticeEndsOn: '2027-01-03' });
    expect(noticePeriod('2028-02-25').noticeEndsOn).toBe('2028-03-02'); // 2028 is a leap year
  });

  const objection = (n: number, status: Objection['status']): Objection => ({
    n,
    reason: `r${n}`,
    at: 't',
    by: { role: 'lender', org: 'bank' },
    status,
  });

  it('confirms only after the last day, with every objection resolved', () => {
    const d = { noticeEndsOn: '2026-03-08', objections: [objection(1, 'dismissed')] };
    expect(confirmRefusal(d, '2026-03-08')).toEqual({
      code: 'notice_running',
      message: 'the public notice runs until 2026-03-08',
      params: { noticeEndsOn: '2026-03-08' },
    });
    expect(confirmRefusal(d, '2026-03-09')).toBeUndefined();
    const open = {
      ...d,
      objections: [objection(1, 'dismissed'), objection(2, 'open'), objection(3, 'open')],
    };
    expect(confirmRefusal(open, '2026-03-09')).toEqual({
      code: 'objection_open',
      message: 'objection 2, 3 is not resolved yet',
      params: { objections: '2, 3' },
    });
    expect(confirmRefusal({ noticeEndsOn: '2026-03-08' }, '2026-03-09')).toBeUndefined();
  });

  it('takes objections through the last day, from anyone but the candidate', () => {
    const d = { noticeEndsOn: '2026-03-08', uscc: 'U1' };
    expect(objectionRefusal(d, { role: 'lender', org: 'bank' }, '2026-03-08')).toBeUndefined();
    expect(objectionRefusal(d, { role: 'lender', org: 'bank' }, '2026-03-09')).toEqual({
      code: 'notice_ended',
      message: 'the public notice ended on 2026-03-08',
    });
    expect(objectionRefusal(d, { role: 'enterprise', org: 'U1' }, '2026-03-02')).toEqual({
      code: 'own_candidacy',
      message: 'a candidate does not object to its own candidacy',
    });
    expect(objectionRefusal(d, { role: 'enterprise', org: 'U2' }, '2026-03-02')).toBeUndefined();
    // An institution whose id happened to equal the USCC is not the candidate.
    expect(objectionRefusal(d, { role: 'insurer', org: 'U1' }, '2026-03-02')).toBeUndefined();
  });

  it('resolves an open objection once, leaving the others as they were', () => {
    const list = [objection(1, 'open'), objection(2, 'open')];
    const after = resolved(list, 2, 'upheld', 'proved', 'at2');
    expect(after).toEqual([
      list[0],
      { ...list[1], status: 'upheld', resolution: 'proved', resolvedAt: 'at2' },
    ]);
    expect(resolved(after!, 2, 'dismissed', 'again', 'at3')).toBeUndefined();
    expect(resolved(list, 3, 'dismissed', 'none', 'at3')).toBeUndefined();
  });
});

describe('who reads what of a candidacy', () => {
  const bank = { role: 'lender', org: 'bank' } as const;
  const other = { role: 'lender', org: 'bank-2' } as const;
  const candidate = { role: 'enterprise', org: 'U1' } as const;
  const d = {
    id: 'd1',
    uscc: 'U1',
    level: 'provincial_advantage',
    year: 2026,
    status: 'in_notice',
    reviews: [],
    eligibility: { score: 60, minimum: 30, parts: {} },
    objections: [
      { n: 1, reason: 'mine', at: 't', by: bank, status: 'open' },
      { n: 2, reason: 'theirs', at: 't', by: other, status: 'open' },
    ],
    history: [
      {
        at: 't',
        action: 'publish',
        from: 'nominated',
        to: 'in_notice',
        actor: { role: 'ipoffice', org: null },
      },
      { at: 't', action: 'object', from: 'in_notice', to: 'in_notice', actor: bank, reason: 'mine' },
      { at: 't', action: 'object', from: 'in_notice', to: 'in_notice', actor: other, reason: 'theirs' },
    ],
    version: 4,
    createdAt: 't',
    updatedAt: 't',
  } as unknown as Designation & { history: DesignationEvent[] };

  it('shows the office everything', () => {
    expect(designationFor({ role: 'ipoffice', org: null }, d)).toEqual(d);
  });

  it('shows the candidate every objection and its score, but no objector', () => {
    const seen = designationFor(candidate, d);
    expect(seen.eligibility).toEqual(d.eligibility);
    expect(seen.objections?.map((o) => o.reason)).toEqual(['mine', 'theirs']);
    expect(JSON.stringify(seen)).not.toMatch(/bank/);
    expect(seen.history?.map((h) => h.action)).toEqual(['publish', 'object', 'object']);
    expect(seen.history?.[1]?.actor).toEqual({ role: 'lender', org: null });
  });

  it('does not take another company, or an institution with the same id, for the candidate', () => {
    for (const viewer of [
      { role: 'enterprise', org: 'U2' },
      { role: 'insurer', org: 'U1' },
    ] as const) {
      const seen = designationFor(viewer, d);
      expect(seen, viewer.role).not.toHaveProperty('eligibility');
      expect(seen.objections, viewer.role).toEqual([]);
    }
    // An objection is the viewer's own only if both its role and its organisation match.
    expect(designationFor({ role: 'insurer', org: 'bank' }, d).objections).toEqual([]);
  });

  it('reads a designation without its history (an enterprise’s list) without inventing one', () => {
    const { history: _, ...bare } = d;
    const seen = designationFor(candidate, bare as typeof d);
    expect(seen).not.toHaveProperty('history');
    expect(seen.objections).toHaveLength(2);
  });

  it('shows anyone else only its own objection, no score, and not others’ objections in the history', () => {
    const seen = designationFor(bank, d);
    expect(seen).not.toHaveProperty('eligibility');
    expect(seen.objections).toEqual([d.objections![0]]);
    expect(seen.history?.map((h) => h.reason ?? h.action)).toEqual(['publish', 'mine']);
    expect(JSON.stringify(seen)).not.toContain('bank-2');
  });
});
