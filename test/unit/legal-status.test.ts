import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Asset } from '../../shared/domain/asset.js';
import {
  ANNUITY_GRACE_MONTHS,
  applyLegalEvent,
  EVENT_FIELDS,
  eventFields,
  eventTypesFor,
  graceEndsOf,
  isLegallyInForce,
  LEGAL_EVENT_TYPES,
  type LegalEventInput,
  type LegalRecord,
  legalEventRefusals,
  legalStatusOn,
  OWNER_EVENT_TYPES,
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

describe('each legal event: its refusals, word for word', () => {
  const OWNER = '91330784147123451K';
  const TODAY = '2026-01-10';
  const patent = (legal?: Partial<LegalRecord>, extra: Partial<Asset> = {}): Asset =>
    ({
      ...PATENT,
      owner: OWNER,
      ...(legal ? { legal: { events: 1, ...legal } } : {}),
      ...extra,
    }) as Asset;
  const mark = (legal?: Partial<LegalRecord>): Asset =>
    ({
      ...TRADEMARK,
      owner: OWNER,
      expiresOn: '2026-03-13',
      ...(legal ? { legal: { events: 1, ...legal } } : {}),
    }) as Asset;
  const refusals = (asset: Asset, e: Partial<LegalEventInput>, encumbered = false) =>
    legalEventRefusals(asset, { date: '2026-01-05', ...e } as LegalEventInput, { today: TODAY, encumbered });

  it('kind, date and grant', () => {
    expect(refusals(TRADEMARK, { type: 'lapsed', date: '2026-01-11' })).toEqual([
      {
        path: 'type',
        code: 'event_type_not_for_kind',
        message: 'lapsed concerns a patent, and 5000001 is a trademark',
      },
    ]);
    expect(refusals(PATENT, { type: 'cancelled' })[0]!.message).toBe(
      'cancelled concerns a trademark, and 201510000001.2 is a patent',
    );
    // An event of either kind passes the kind check on both.
    expect(refusals(TRADEMARK, { type: 'dispute_filed' })).toEqual([]);
    expect(refusals(PATENT, { type: 'dispute_filed' })).toEqual([]);
    expect(refusals(PATENT, { type: 'dispute_filed', date: '2026-01-11' })).toEqual([
      { path: 'date', code: 'date_in_future', message: '2026-01-11 is after today 2026-01-10' },
    ]);
    expect(refusals(PATENT, { type: 'dispute_filed', date: TODAY })).toEqual([]);
    expect(refusals(patent(undefined, { status: 'pending' }), { type: 'dispute_filed' })).toEqual([
      {
        path: 'type',
        code: 'right_not_granted',
        message: '201510000001.2 is pending: no legal event before the grant',
      },
    ]);
  });

  it('annuity paid and restored: paidThrough required, after the filing date, later than the last one', () => {
    expect(refusals(PATENT, { type: 'annuity_paid' })).toEqual([
      { path: 'paidThrough', code: 'field_required', message: 'annuity_paid needs paidThrough' },
    ]);
    expect(refusals(PATENT, { type: 'annuity_paid', paidThrough: '2015-03-09' })).toEqual([
      {
        path: 'paidThrough',
        code: 'paid_through_before_filing',
        message: '2015-03-09 is before the filing date 2015-03-10',
      },
    ]);
    expect(refusals(PATENT, { type: 'annuity_paid', paidThrough: '2015-03-10' })).toEqual([]);
    const paid = patent({ annuityPaidThrough: '2026-03-09' });
    const notLater = [
      {
        path: 'paidThrough',
        code: 'paid_through_not_later',
        message: 'the annuity is already paid through 2026-03-09',
      },
    ];
    expect(refusals(paid, { type: 'annuity_paid', paidThrough: '2026-03-09' })).toEqual(notLater);
    expect(refusals(paid, { type: 'annuity_paid', paidThrough: '2026-03-08' })).toEqual(notLater);
    expect(refusals(paid, { type: 'annuity_paid', paidThrough: '2027-03-09' })).toEqual([]);
    // Paid through a day long past, but no earlier payment recorded: only the filing date bounds it.
    expect(refusals(PATENT, { type: 'annuity_paid', paidThrough: '2016-03-09' })).toEqual([]);
  });

  it('a lapsed patent is restored, not paid; only a lapsed one is restored', () => {
    const lapsed = patent({ annuityPaidThrough: '2025-03-09', lapsedOn: '2025-03-10' });
    expect(refusals(lapsed, { type: 'annuity_paid', paidThrough: '2026-03-09' })).toEqual([
      {
        path: 'type',
        code: 'right_lapsed',
        message: '201510000001.2 has lapsed: it is restored (restored), not paid',
      },
    ]);
    expect(refusals(lapsed, { type: 'restored', paidThrough: '2026-03-09' })).toEqual([]);
    expect(refusals(PATENT, { type: 'restored', paidThrough: '2026-03-09' })).toEqual([
      {
        path: 'type',
        code: 'not_lapsed',
        message: '201510000001.2 is in_force: only a lapsed patent is restored',
      },
    ]);
    // In its grace period the annuity is still paid, not restored.
    const late = patent({ annuityPaidThrough: '2025-12-31' });
    expect(refusals(late, { type: 'annuity_paid', paidThrough: '2026-12-31' })).toEqual([]);
    expect(refusals(late, { type: 'restored', paidThrough: '2026-12-31' }).map((r) => r.code)).toEqual([
      'not_lapsed',
    ]);
    // Lapsed by an unpaid annuity beyond its grace (no lapse recorded): restored too.
    const unpaid = patent({ annuityPaidThrough: '2025-03-09' });
    expect(refusals(unpaid, { type: 'restored', paidThrough: '2026-03-09' })).toEqual([]);
    expect(refusals(unpaid, { type: 'annuity_paid', paidThrough: '2026-03-09' }).map((r) => r.code)).toEqual([
      'right_lapsed',
    ]);
    expect(refusals(lapsed, { type: 'lapsed' })).toEqual([
      { path: 'type', code: 'already_lapsed', message: '201510000001.2 lapsed on 2025-03-10' },
    ]);
    expect(refusals(PATENT, { type: 'lapsed' })).toEqual([]);
  });

  it('invalidation: one request at a time; a decision needs one pending and an outcome', () => {
    const pending = patent({ invalidationPending: true });
    expect(refusals(pending, { type: 'invalidation_filed' })).toEqual([
      { path: 'type', code: 'invalidation_already_pending', message: 'a request is already pending' },
    ]);
    expect(refusals(PATENT, { type: 'invalidation_filed' })).toEqual([]);
    expect(refusals(pending, { type: 'invalidation_decided', outcome: 'upheld' })).toEqual([]);
    expect(refusals(PATENT, { type: 'invalidation_decided' })).toEqual([
      { path: 'outcome', code: 'field_required', message: 'invalidation_decided needs outcome' },
      {
        path: 'type',
        code: 'no_invalidation_pending',
        message: 'no invalidation request is pending for this right',
      },
    ]);
  });

  it('preservation and dispute: lifted or resolved only when open', () => {
    expect(refusals(PATENT, { type: 'preservation_lifted' })).toEqual([
      { path: 'type', code: 'not_preserved', message: '201510000001.2 is not under court preservation' },
    ]);
    expect(refusals(patent({ preserved: true }), { type: 'preservation_lifted' })).toEqual([]);
    expect(refusals(PATENT, { type: 'dispute_resolved' })).toEqual([
      { path: 'type', code: 'not_disputed', message: '201510000001.2 has no ownership dispute open' },
    ]);
    expect(refusals(patent({ disputed: true }), { type: 'dispute_resolved' })).toEqual([]);
    expect(refusals(PATENT, { type: 'preservation_ordered', court: '金华中院' })).toEqual([]);
  });

  it('renewal: inside its window, never of a cancelled mark; a cancelled mark is not cancelled again', () => {
    // Term to 2026-03-13: window 2025-03-14 … 2026-09-13.
    expect(refusals(mark(), { type: 'renewed', date: '2025-03-13' })).toEqual([
      {
        path: 'date',
        code: 'renewal_outside_window',
        message: 'a renewal of the term ending 2026-03-13 is filed between 2025-03-14 and 2026-09-13',
      },
    ]);
    expect(refusals(mark(), { type: 'renewed' })).toEqual([]);
    const cancelled = mark({ cancelledOn: '2025-12-01' });
    const wasCancelled = [
      { path: 'type', code: 'right_cancelled', message: '5000001 was cancelled on 2025-12-01' },
    ];
    expect(refusals(cancelled, { type: 'renewed' })).toEqual(wasCancelled);
    expect(refusals(cancelled, { type: 'cancelled' })).toEqual(wasCancelled);
    expect(refusals(mark(), { type: 'cancelled' })).toEqual([]);
  });

  it('transfer: to a valid code other than the owner’s, and never while pledged', () => {
    expect(refusals(PATENT, { type: 'transferred' })).toEqual([
      { path: 'toUscc', code: 'field_required', message: 'transferred needs toUscc' },
    ]);
    expect(refusals(patent(), { type: 'transferred', toUscc: '91110000600037341L' })).toEqual([]);
    expect(refusals(patent(), { type: 'transferred', toUscc: '91110000600037341A' })).toEqual([
      { path: 'toUscc', code: 'invalid_uscc', message: 'check character is "A" but should be "L"' },
    ]);
    expect(refusals(patent(), { type: 'transferred', toUscc: OWNER.toLowerCase() })).toEqual([
      { path: 'toUscc', code: 'transfer_to_owner', message: 'is already the owner' },
    ]);
    expect(
      refusals(
        patent(undefined, { encumbrance: { pledgeId: 'p9' } }),
        { type: 'transferred', toUscc: '91110000600037341L' },
        true,
      ),
    ).toEqual([
      {
        path: 'type',
        code: 'right_encumbered',
        message: '201510000001.2 is held by pledge p9: it cannot be transferred until released',
      },
    ]);
  });

  it('licence: licensee, exclusivity and end date required; it does not end before it starts', () => {
    expect(refusals(PATENT, { type: 'licensed' })).toEqual([
      { path: 'licensee', code: 'field_required', message: 'licensed needs licensee' },
      { path: 'exclusive', code: 'field_required', message: 'licensed needs exclusive' },
      { path: 'until', code: 'field_required', message: 'licensed needs until' },
    ]);
    const licence = { type: 'licensed' as const, licensee: 'X', exclusive: false };
    expect(refusals(PATENT, { ...licence, until: '2026-01-04' })).toEqual([
      { path: 'until', code: 'licence_ends_before_it_starts', message: '2026-01-04 is before 2026-01-05' },
    ]);
    expect(refusals(PATENT, { ...licence, until: '2026-01-05' })).toEqual([]);
  });
});

describe('the fold of each event', () => {
  const at = (asset: Asset, ...events: Partial<LegalEventInput>[]) =>
    events.reduce((a, e) => applyLegalEvent(a, { date: '2026-01-05', ...e } as LegalEventInput), asset);

  it('counts events and records each in the legal record', () => {
    expect(at(PATENT, { type: 'annuity_paid', paidThrough: '2026-03-09' }).legal).toEqual({
      events: 1,
      annuityPaidThrough: '2026-03-09',
    });
    expect(at(PATENT, { type: 'lapsed' }, { type: 'restored', paidThrough: '2027-03-09' }).legal).toEqual({
      events: 2,
      annuityPaidThrough: '2027-03-09',
    });
    expect(at(PATENT, { type: 'lapsed', date: '2025-04-01' }).legal).toEqual({
      events: 1,
      lapsedOn: '2025-04-01',
    });
    expect(at(PATENT, { type: 'invalidation_filed' }).legal).toEqual({
      events: 1,
      invalidationPending: true,
    });
    expect(
      at(PATENT, { type: 'invalidation_filed' }, { type: 'invalidation_decided', outcome: 'upheld' }).legal,
    ).toEqual({
      events: 2,
    });
    expect(
      at(
        PATENT,
        { type: 'invalidation_filed' },
        { type: 'invalidation_decided', outcome: 'partially_invalidated' },
      ).legal,
    ).toEqual({ events: 2 });
    expect(
      at(PATENT, { type: 'invalidation_filed' }, { type: 'invalidation_decided', outcome: 'invalidated' })
        .legal,
    ).toEqual({ events: 2, invalidated: true });
    expect(at(PATENT, { type: 'preservation_ordered' }).legal).toEqual({ events: 1, preserved: true });
    expect(at(PATENT, { type: 'preservation_ordered' }, { type: 'preservation_lifted' }).legal).toEqual({
      events: 2,
    });
    expect(at(PATENT, { type: 'dispute_filed' }).legal).toEqual({ events: 1, disputed: true });
    expect(at(PATENT, { type: 'dispute_filed' }, { type: 'dispute_resolved' }).legal).toEqual({ events: 2 });
    expect(at(TRADEMARK, { type: 'cancelled', date: '2026-01-02' }).legal).toEqual({
      events: 1,
      cancelledOn: '2026-01-02',
    });
  });

  it('a payment records only the payment: it restores nothing (restoration is its own event)', () => {
    const lapsedInvalid = {
      ...PATENT,
      legal: { events: 2, lapsedOn: '2025-04-01', invalidated: true },
    } as Asset;
    expect(at(lapsedInvalid, { type: 'annuity_paid', paidThrough: '2026-03-09' }).legal).toEqual({
      events: 3,
      lapsedOn: '2025-04-01',
      invalidated: true,
      annuityPaidThrough: '2026-03-09',
    });
  });

  it('keeps every licence', () => {
    const licensed = at(
      PATENT,
      { type: 'licensed', licensee: 'A', exclusive: true, until: '2030-01-01' },
      { type: 'licensed', licensee: 'B', exclusive: false, until: '2031-01-01' },
    );
    expect(licensed.legal?.licences).toEqual([
      { licensee: 'A', exclusive: true, until: '2030-01-01' },
      { licensee: 'B', exclusive: false, until: '2031-01-01' },
    ]);
  });

  it('a transfer changes the owner and drops the old owner’s verification; a renewal adds ten years', () => {
    const verified = {
      ...PATENT,
      verification: { on: '2025-01-01', source: 'registry', reference: 'R', by: 'x' },
    } as Asset;
    const moved = at(verified, { type: 'transferred', toUscc: '91110000600037341L' });
    expect(moved.owner).toBe('91110000600037341L');
    expect(moved).not.toHaveProperty('verification');
    expect(moved.legal).toEqual({ events: 1 });
    expect(PATENT.owner).toBe('91330782MA2A00001X');
    // 2020-03-13 + 10 years = 2030-03-13.
    expect(at(TRADEMARK, { type: 'renewed' }).expiresOn).toBe('2030-03-13');
    // Events leave the term alone otherwise.
    expect(at(TRADEMARK, { type: 'dispute_filed' }).expiresOn).toBe('2020-03-13');
  });
});

describe('the status of a right on a day', () => {
  it('shows the annuity paid through and, once late, the end of the grace period', () => {
    const paid = { ...PATENT, legal: { events: 1, annuityPaidThrough: '2026-03-09' } } as Asset;
    expect(legalStatusOn(paid, '2026-03-09')).toEqual({
      state: 'in_force',
      flags: [],
      annuityPaidThrough: '2026-03-09',
    });
    // 6 months after 2026-03-09.
    expect(legalStatusOn(paid, '2026-03-10')).toEqual({
      state: 'grace_period',
      flags: [],
      annuityPaidThrough: '2026-03-09',
      graceEndsOn: '2026-09-09',
    });
    expect(legalStatusOn(paid, '2026-09-09').state).toBe('grace_period');
    expect(legalStatusOn(paid, '2026-09-10').state).toBe('lapsed');
    expect(ANNUITY_GRACE_MONTHS).toBe(6);
    expect(graceEndsOf('2026-08-31')).toBe('2027-02-28');
    expect(legalStatusOn(PATENT, '2026-03-09')).toEqual({ state: 'in_force', flags: [] });
  });

  it('is pending before the grant; lapses, cancellations take effect on their day', () => {
    expect(legalStatusOn({ ...PATENT, status: 'pending' } as Asset, '2026-01-01').state).toBe('pending');
    const lapsing = { ...PATENT, legal: { events: 1, lapsedOn: '2026-02-01' } } as Asset;
    expect(legalStatusOn(lapsing, '2026-01-31').state).toBe('in_force');
    expect(legalStatusOn(lapsing, '2026-02-01').state).toBe('lapsed');
    const renewed = { ...TRADEMARK, expiresOn: '2030-03-13' } as Asset;
    const cancelling = { ...renewed, legal: { events: 1, cancelledOn: '2026-02-01' } } as Asset;
    expect(legalStatusOn(cancelling, '2026-01-31').state).toBe('in_force');
    expect(legalStatusOn(cancelling, '2026-02-01').state).toBe('cancelled');
    expect(legalStatusOn(TRADEMARK, '2020-03-13').state).toBe('in_force');
    expect(legalStatusOn(TRADEMARK, '2020-03-14').state).toBe('expired');
  });

  it('counts only an in-force right or one in its grace period as in force', () => {
    const inForce = ['in_force', 'grace_period'];
    for (const state of [
      'pending',
      'in_force',
      'grace_period',
      'lapsed',
      'invalidated',
      'cancelled',
      'expired',
    ] as const)
      expect(isLegallyInForce({ state, flags: [] }), state).toBe(inForce.includes(state));
  });
});

describe('the event catalogue', () => {
  it('lists each kind’s events in the contract’s order', () => {
    expect(eventTypesFor('patent')).toEqual([
      'annuity_paid',
      'lapsed',
      'restored',
      'invalidation_filed',
      'invalidation_decided',
      'preservation_ordered',
      'preservation_lifted',
      'dispute_filed',
      'dispute_resolved',
      'transferred',
      'licensed',
    ]);
    expect(eventTypesFor('trademark')).toEqual([
      'preservation_ordered',
      'preservation_lifted',
      'dispute_filed',
      'dispute_resolved',
      'renewed',
      'cancelled',
      'transferred',
      'licensed',
    ]);
    expect([...OWNER_EVENT_TYPES].sort()).toEqual(['annuity_paid', 'renewed']);
  });

  it('keeps only the fields an event’s type carries, and only those given', () => {
    const all: LegalEventInput = {
      type: 'licensed',
      date: '2026-01-05',
      reference: 'R1',
      note: 'n',
      paidThrough: '2027-01-01',
      outcome: 'upheld',
      court: 'C',
      toUscc: 'T',
      licensee: 'L',
      exclusive: false,
      until: '2030-01-01',
    };
    expect(eventFields(all)).toEqual({
      type: 'licensed',
      date: '2026-01-05',
      reference: 'R1',
      note: 'n',
      licensee: 'L',
      exclusive: false,
      until: '2030-01-01',
    });
    expect(eventFields({ ...all, type: 'annuity_paid' })).toEqual({
      type: 'annuity_paid',
      date: '2026-01-05',
      reference: 'R1',
      note: 'n',
      paidThrough: '2027-01-01',
    });
    expect(eventFields({ ...all, type: 'lapsed' })).toEqual({
      type: 'lapsed',
      date: '2026-01-05',
      reference: 'R1',
      note: 'n',
    });
    const bare = eventFields({ type: 'transferred', date: '2026-01-05', toUscc: 'T', note: undefined });
    expect(bare).toEqual({ type: 'transferred', date: '2026-01-05', toUscc: 'T' });
    expect(Object.keys(bare)).toEqual(['type', 'date', 'toUscc']);
    expect(EVENT_FIELDS.preservation_ordered).toEqual(['court']);
  });
});
