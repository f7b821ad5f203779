/**
 * The clock (the instant and the business date in Asia/Shanghai) and the identity and history view of a domain
 * event. Shanghai is UTC+8 all year: the expected days are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { businessDateClock, fixedClock, movableClock, systemClock } from '../../shared/domain/clock.js';
import { type DomainEvent, eventId, historyEntry } from '../../shared/domain/domain-event.js';

describe('the clock', () => {
  it('the system clock’s business date is the Shanghai day of its instant', () => {
    // 2026-12-31T16:00Z is 2027-01-01 00:00 in Shanghai; a second earlier it is still 2026-12-31.
    let instant = new Date('2026-12-31T15:59:59.999Z');
    const clock = systemClock(() => instant);
    expect(clock.today()).toBe('2026-12-31');
    expect(clock.now()).toBe(instant);
    instant = new Date('2026-12-31T16:00:00.000Z');
    expect(clock.today()).toBe('2027-01-01');
    expect(clock.now()).toBe(instant);
  });

  it('without an instant given, runs on the real time', () => {
    const before = Date.now();
    const clock = systemClock();
    const now = clock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    const shanghai = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const day = clock.today();
    // Unless the Shanghai day turned between the two readings, they agree.
    expect([shanghai, new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)]).toContain(day);
    const pinned = businessDateClock('2026-03-01');
    expect(Math.abs(pinned.now().getTime() - Date.now())).toBeLessThan(60_000);
    const moving = movableClock('2026-03-01');
    expect(Math.abs(moving.now().getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('a fixed clock stays at its instant', () => {
    const at = new Date('2026-06-30T20:00:00.000Z'); // 2026-07-01 04:00 in Shanghai
    const clock = fixedClock(at);
    expect(clock.now()).toBe(at);
    expect(clock.today()).toBe('2026-07-01');
    expect(clock.today()).toBe('2026-07-01');
  });

  it('a business-date clock keeps its date whatever the instant', () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const clock = businessDateClock('2026-03-01', () => at);
    expect(clock.today()).toBe('2026-03-01');
    expect(clock.now()).toBe(at);
  });

  it('a movable clock moves only when told', () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const clock = movableClock('2026-01-31', () => at);
    expect(clock.today()).toBe('2026-01-31');
    expect(clock.now()).toBe(at);
    clock.moveTo('2026-02-28');
    expect(clock.today()).toBe('2026-02-28');
    expect(clock.now()).toBe(at);
  });
});

describe('domain events', () => {
  it('are identified by kind, id and version', () => {
    expect(eventId({ kind: 'pledge', id: 'p-1' }, 3)).toBe('pledge:p-1:3');
    expect(eventId({ kind: 'designation', id: 'd9' }, 1)).toBe('designation:d9:1');
  });

  it('show as a history entry without their id, type, subject or audience', () => {
    const event: DomainEvent = {
      id: 'pledge:p-1:2',
      type: 'pledge.under_review',
      subject: { kind: 'pledge', id: 'p-1' },
      version: 2,
      at: '2026-11-27T04:00:00.000Z',
      actor: { role: 'lender', org: 'bank1', sub: 'u1' },
      data: { note: 'x' },
      audience: ['enterprise:X', 'lender:bank1'],
      action: 'review',
      from: 'submitted',
      to: 'under_review',
    };
    expect(historyEntry(event)).toStrictEqual({
      version: 2,
      at: '2026-11-27T04:00:00.000Z',
      action: 'review',
      from: 'submitted',
      to: 'under_review',
      actor: { role: 'lender', org: 'bank1', sub: 'u1' },
      data: { note: 'x' },
    });
  });
});
