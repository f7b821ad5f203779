import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Asset } from '../../shared/domain/asset.js';
import {
  applyLegalEvent,
  LEGAL_EVENT_TYPES,
  type LegalEventInput,
  legalEventRefusals,
  legalStatusOn,
} from '../../shared/domain/legal-status.js';

/**
 * The legal status folded event by event (`applyLegalEvent`) equals a brute-force recomputation, written here
 * from the contract's table, over the whole list of accepted events — for random sequences and business dates.
 */
const PATENT: Asset = {
  id: 'a1',
  kind: 'patent',
  owner: '91330782MA2A00001X',
  number: '201510000001.2',
  title: 'A ham press',
  patentType: 'invention',
  filingDate: '2015-03-10',
  grantDate: '2017-06-01',
  coOwners: [],
  status: 'granted',
  expiresOn: '2035-03-09',
  version: 1,
  createdAt: 'x',
  updatedAt: 'x',
};
const TRADEMARK: Asset = {
  id: 'a2',
  kind: 'trademark',
  owner: '91330782MA2A00001X',
  number: '5000001',
  mark: '金华火腿',
  niceClasses: [29],
  registrationDate: '2010-03-14',
  markType: 'certification',
  coOwners: [],
  status: 'registered',
  expiresOn: '2020-03-13',
  version: 1,
  createdAt: 'x',
  updatedAt: 'x',
};

// ---- An independent calendar (UTC days), so the brute force shares no date code with the portal ---------------
const days = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / 86_400_000;
const iso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
function plusMonths(d: string, n: number): string {
  const total = +d.slice(0, 4) * 12 + (+d.slice(5, 7) - 1) + n;
  const y = Math.floor(total / 12);
  const m = total % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return `${y}-${String(m + 1).padStart(2, '0')}-${String(Math.min(+d.slice(8, 10), last)).padStart(2, '0')}`;
}

/** The contract's definitions, over the accepted events in order. */
function bruteForce(asset: Asset, events: LegalEventInput[], today: string) {
  const last = (...types: string[]) => events.filter((e) => types.includes(e.type)).at(-1);
  const invalidated = events.some((e) => e.type === 'invalidation_decided' && e.outcome === 'invalidated');
  const flags = [
    last('invalidation_filed', 'invalidation_decided')?.type === 'invalidation_filed' &&
      'invalidation_pending',
    last('preservation_ordered', 'preservation_lifted')?.type === 'preservation_ordered' && 'preserved',
    last('dispute_filed', 'dispute_resolved')?.type === 'dispute_filed' && 'disputed',
  ].filter(Boolean);
  const paidThrough = last('annuity_paid', 'restored')?.paidThrough;
  const lapse = last('lapsed', 'restored');
  const lapsedOn = lapse?.type === 'lapsed' ? lapse.date : undefined;
  const cancelledOn = last('cancelled')?.date;
  const renewals = events.filter((e) => e.type === 'renewed').length;
  const expiresOn =
    asset.kind === 'trademark'
      ? iso(days(plusMonths(asset.registrationDate, 12 * 10 * (renewals + 1))) - 1)
      : asset.expiresOn;
  const t = days(today);
  let state: string;
  if (invalidated) state = 'invalidated';
  else if (cancelledOn && days(cancelledOn) <= t) state = 'cancelled';
  else if (lapsedOn && days(lapsedOn) <= t) state = 'lapsed';
  else if (t > days(expiresOn)) state = 'expired';
  else if (paidThrough && t > days(paidThrough))
    state = t <= days(plusMonths(paidThrough, 6)) ? 'grace_period' : 'lapsed';
  else state = 'in_force';
  return { state, flags, paidThrough, expiresOn };
}

const PATENT_ONLY = ['annuity_paid', 'lapsed', 'restored', 'invalidation_filed', 'invalidation_decided'];
const TRADEMARK_ONLY = ['renewed', 'cancelled'];

/** An event as offsets from the day it is recorded: its date a little before (now and then after) that day. */
const stepArb = fc.record({
  type: fc.constantFrom(...LEGAL_EVENT_TYPES),
  back: fc.integer({ min: -3, max: 60 }),
  paidAhead: fc.option(fc.integer({ min: -250, max: 400 }), { nil: undefined }),
  outcome: fc.option(fc.constantFrom('upheld', 'partially_invalidated', 'invalidated' as const), {
    nil: undefined,
  }),
  exclusive: fc.boolean(),
  wait: fc.integer({ min: 0, max: 500 }),
});
const eventOn = (
  today: string,
  s: {
    type: LegalEventInput['type'];
    back: number;
    paidAhead?: number | undefined;
    outcome?: LegalEventInput['outcome'];
    exclusive: boolean;
  },
): LegalEventInput => ({
  type: s.type,
  date: iso(days(today) - s.back),
  ...(s.paidAhead === undefined ? {} : { paidThrough: iso(days(today) + s.paidAhead) }),
  ...(s.outcome ? { outcome: s.outcome } : {}),
  licensee: '某某公司',
  exclusive: s.exclusive,
  until: '2040-01-01',
});

describe('legal status', () => {
  it.each([
    ['patent', PATENT],
    ['trademark', TRADEMARK],
  ])('of a %s: the fold equals the brute force for random events and business dates', (_, start) => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 30 }),
        fc.integer({ min: 0, max: 3000 }),
        (steps, lookAhead) => {
          let asset = start;
          let today = '2017-07-01';
          const accepted: LegalEventInput[] = [];
          for (const step of steps) {
            today = iso(days(today) + step.wait);
            const event = eventOn(today, step);
            const refusals = legalEventRefusals(asset, event, { today, encumbered: false });
            // The contract's kinds: an event of the other kind is refused as such, whatever else it has.
            const fits = !(asset.kind === 'patent' ? TRADEMARK_ONLY : PATENT_ONLY).includes(event.type);
            if (!fits) expect(refusals.map((r) => r.code)).toEqual(['event_type_not_for_kind']);
            // Nothing from the future is ever recorded.
            else if (days(event.date) > days(today))
              expect(refusals.map((r) => r.code)).toContain('date_in_future');
            if (refusals.length > 0) continue;
            asset = applyLegalEvent(asset, event);
            accepted.push(event);
            const expected = bruteForce(start, accepted, today);
            expect(legalStatusOn(asset, today).state).toBe(expected.state);
          }
          const later = iso(days(today) + lookAhead);
          const expected = bruteForce(start, accepted, later);
          const status = legalStatusOn(asset, later);
          expect(status.state).toBe(expected.state);
          expect(status.flags).toEqual(expected.flags);
          expect(status.annuityPaidThrough).toBe(expected.paidThrough);
          expect(asset.expiresOn).toBe(expected.expiresOn);
          expect(asset.legal?.events ?? 0).toBe(accepted.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses an event that does not fit the kind, a future date, a paidThrough before filing, a renewal out of its window, a transfer while pledged', () => {
    const codes = (asset: Asset, e: Partial<LegalEventInput>, encumbered = false) =>
      legalEventRefusals(asset, { type: 'annuity_paid', date: '2026-01-05', ...e } as LegalEventInput, {
        today: '2026-01-10',
        encumbered,
      }).map((r) => [r.path, r.code]);
    expect(codes(TRADEMARK, { type: 'annuity_paid', paidThrough: '2026-03-09' })).toEqual([
      ['type', 'event_type_not_for_kind'],
    ]);
    expect(codes(PATENT, { type: 'renewed' })).toEqual([['type', 'event_type_not_for_kind']]);
    expect(codes(PATENT, { date: '2026-01-11', paidThrough: '2026-03-09' })).toEqual([
      ['date', 'date_in_future'],
    ]);
    expect(codes(PATENT, { paidThrough: '2015-03-09' })).toEqual([
      ['paidThrough', 'paid_through_before_filing'],
    ]);
    expect(codes(PATENT, {})).toEqual([['paidThrough', 'field_required']]);
    // 金华火腿, registered 2010-03-14, term to 2020-03-13: renewable 2019-03-14 … 2020-09-13.
    const mark = { ...TRADEMARK };
    expect(codes(mark, { type: 'renewed', date: '2019-03-13' })).toEqual([
      ['date', 'renewal_outside_window'],
    ]);
    expect(codes(mark, { type: 'renewed', date: '2019-03-14' })).toEqual([]);
    expect(codes(mark, { type: 'renewed', date: '2020-09-13' })).toEqual([]);
    expect(codes(mark, { type: 'renewed', date: '2020-09-14' })).toEqual([
      ['date', 'renewal_outside_window'],
    ]);
    expect(codes(PATENT, { type: 'transferred', toUscc: '91330782MA2A00002Y' }, true)).toContainEqual([
      'type',
      'right_encumbered',
    ]);
  });

  it('keeps the certification mark 金华火腿 in force through its renewals, and shows its next window', () => {
    let mark: Asset = TRADEMARK;
    for (const date of ['2019-06-01', '2029-06-01']) mark = applyLegalEvent(mark, { type: 'renewed', date });
    expect(mark.expiresOn).toBe('2040-03-13');
    expect(legalStatusOn(mark, '2026-12-04')).toEqual({
      state: 'in_force',
      flags: [],
      renewalWindow: { opens: '2039-03-14', closes: '2040-03-13', graceEnds: '2040-09-13' },
    });
    expect(legalStatusOn(TRADEMARK, '2026-12-04').state).toBe('expired');
  });
});
