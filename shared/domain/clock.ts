/**
 * The one clock: `now()` is the real instant (audit timestamps, token lifetimes, idempotency records) and
 * `today()` the business date every rule, default date and job runs "as of" (Fineract's business date). In
 * production both come from the system clock, the business date being the Asia/Shanghai calendar day; locally and
 * in tests the business date may be pinned (`PORTAL_TODAY`) while the instant stays real.
 */
import { type IsoDate, todayInShanghai } from './dates.js';

export interface Clock {
  now(): Date;
  today(): IsoDate;
}

/** Business date = the Shanghai calendar day of the instant. */
export const systemClock = (instant: () => Date = () => new Date()): Clock => ({
  now: instant,
  today: () => todayInShanghai(instant()),
});

/** A clock stopped at one instant (tests, and jobs invoked for an explicit moment). */
export const fixedClock = (at: Date): Clock => systemClock(() => at);

/** A pinned business date over a running (or given) instant. */
export const businessDateClock = (today: IsoDate, instant: () => Date = () => new Date()): Clock => ({
  now: instant,
  today: () => today,
});

/** A business date that moves only when told to: the seed loads a city's past months in-process, then today. */
export function movableClock(
  start: IsoDate,
  instant: () => Date = () => new Date(),
): Clock & {
  moveTo(date: IsoDate): void;
} {
  let today = start;
  return {
    now: instant,
    today: () => today,
    moveTo: (date) => {
      today = date;
    },
  };
}
