import { formatDate } from '../../lib/format';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where a SIP's licence to practise stands on a day. Seed 004 proposes "A licence to practise so that SIPs
 * are reassessed to ensure their work is of a high enough standard" and asks how long one should last, so
 * the LA records each SIP's renewal date rather than the service assuming a period. The licence holds
 * through its renewal date and has lapsed from the next day.
 */
export type LicenceState = 'not_recorded' | 'current' | 'renewal_due' | 'lapsed';
export type LicenceStanding = { state: LicenceState; renewalDate?: Date; daysLeft?: number };

/** Whole days from today (the UTC calendar day of `now`) to the renewal date: 0 on the day, negative once passed. */
function daysUntil(renewalDate: Date, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((renewalDate.getTime() - today) / DAY_MS);
}

/** `reminderDays`: how close to its renewal date a licence counts as due (SIP_LICENCE_REMINDER_DAYS). */
export function licenceStanding(renewalDate: Date | null | undefined, now: Date, reminderDays: number): LicenceStanding {
  if (!renewalDate) return { state: 'not_recorded' };
  const daysLeft = daysUntil(renewalDate, now);
  const state = daysLeft < 0 ? 'lapsed' : daysLeft <= reminderDays ? 'renewal_due' : 'current';
  return { state, renewalDate, daysLeft };
}

/** A lapsed licence keeps a SIP's existing schools but no new one is offered or given to them. */
export function mayTakeNewSchools(standing: LicenceStanding): boolean {
  return standing.state !== 'lapsed';
}

/** The standing in words, as every page shows it. */
export function licenceText(standing: LicenceStanding): string {
  const date = formatDate(standing.renewalDate);
  switch (standing.state) {
    case 'not_recorded':
      return 'Licence to practise not recorded';
    case 'current':
      return `Licence to practise current to ${date}`;
    case 'renewal_due':
      return standing.daysLeft === 0 ? `Licence to practise due for renewal today (${date})` : `Licence to practise due for renewal by ${date} (in ${standing.daysLeft} day${standing.daysLeft === 1 ? '' : 's'})`;
    case 'lapsed':
      return `Licence to practise lapsed: its renewal date, ${date}, has passed`;
  }
}

/** The short tag beside a SIP's name, or undefined when there is nothing to flag. */
export function licenceTag(standing: LicenceStanding): { text: string; colour: 'red' | 'yellow' | 'grey' } | undefined {
  switch (standing.state) {
    case 'lapsed':
      return { text: 'Licence lapsed', colour: 'red' };
    case 'renewal_due':
      return { text: 'Licence renewal due', colour: 'yellow' };
    case 'not_recorded':
      return { text: 'Licence not recorded', colour: 'grey' };
    case 'current':
      return undefined;
  }
}
