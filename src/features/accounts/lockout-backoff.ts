import { plural } from '../../lib/format';

/** What an account's lockouts so far say about the next one. */
export type LockoutHistory = { lockouts: number; lockedUntil?: Date | null };

/**
 * How long the nth lockout in a row lasts: the first lockout's length, doubled for each repeat
 * (15, 30, 60, 120 … minutes), never longer than the cap.
 */
export function lockoutMinutes(lockoutNumber: number, firstMinutes: number, maxMinutes: number): number {
  const doublings = Math.min(Math.max(lockoutNumber, 1) - 1, 30);
  return Math.min(firstMinutes * 2 ** doublings, Math.max(maxMinutes, firstMinutes));
}

/**
 * Which lockout in a row this one is. A lockout counts as a repeat when it follows the end of the
 * previous one within `memoryMs` (the longest lockout); after a quiet spell that long, or a successful
 * sign-in or password reset (which set lockouts to 0), it is the first again.
 */
export function nextLockoutNumber(history: LockoutHistory | null, now: Date, memoryMs: number): number {
  if (!history?.lockouts || !history.lockedUntil) return 1;
  return now.getTime() - history.lockedUntil.getTime() <= memoryMs ? history.lockouts + 1 : 1;
}

const clockTime = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', timeZone: 'Europe/London' });
const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'Europe/London' });
const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** "3:45pm (in 15 minutes)", or "9:00am on 4 March (in about 18 hours)", as GOV.UK writes times. */
export function whenToTryAgain(until: Date, now: Date): string {
  const time = clockTime.format(until).replace(/\s/g, '').toLowerCase();
  const day = londonDay.format(until) === londonDay.format(now) ? '' : ` on ${dayMonth.format(until)}`;
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  const wait = minutes < 120 ? plural(minutes, 'minute') : `about ${plural(Math.ceil(minutes / 60), 'hour')}`;
  return `${time}${day} (in ${wait})`;
}
