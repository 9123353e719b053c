import { addMonths } from '../../../lib/dates';
import type { CheckKind, DatedCheck } from './check-kinds';

/**
 * The rules of a provider check, as pure functions. A check counts only once Traded Services have verified
 * it. Its validity ends ("lapses") at the start of a day, UTC midnight like every date the service stores:
 * - DBS and safeguarding training: the check's date plus the months the LA accepts it for (a certificate
 *   dated 15 January 2024 accepted for 36 months lapses on 15 January 2027, so is valid until the 14th);
 *   with no months set, the date alone never ends it;
 * - insurance: the day after the last day of cover;
 * - a data-processing agreement: the day after its end date, if it has one.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a provider records for one check (and Traded Services verify); which fields a kind uses is in checks.schemas.ts. */
export type CheckFacts = {
  /** DBS: the certificate's date, or the latest update-service status check; training: when it was done; agreement: when signed. */
  datedOn?: Date | null;
  /** Insurance: the last day of cover (the earlier policy's); agreement: its end date, if any. */
  endsOn?: Date | null;
  updateService?: boolean | null;
  updateServiceRenewsOn?: Date | null;
};

/** The verified check (the one that counts) and a submission waiting for Traded Services, either absent. */
export type CheckRecordFacts = { verified?: CheckFacts | null; waiting?: CheckFacts | null };

/** How many months the LA accepts a dated check for; absent or null: no expiry from the date alone. */
export type AcceptedMonths = Partial<Record<DatedCheck, number | null>>;

export type CheckStatus = 'current' | 'due_soon' | 'lapsed' | 'missing' | 'unverified';

export const CHECK_STATUS_LABELS: Record<CheckStatus, string> = {
  current: 'Up to date',
  due_soon: 'Due for renewal',
  lapsed: 'Lapsed',
  missing: 'Not recorded',
  unverified: 'Waiting for Traded Services',
};

/** A check lapsing within this many days is due for renewal; its owners are reminded at each of REMINDER_DAYS before. */
export const DUE_SOON_DAYS = 30;
export const REMINDER_DAYS = [30, 7] as const;

const isDated = (kind: CheckKind): kind is DatedCheck => kind === 'dbs' || kind === 'safeguarding';

/** The moment the check stops counting, or null if nothing ends it. */
export function lapseDateOf(kind: CheckKind, facts: CheckFacts, accepted: AcceptedMonths): Date | null {
  if (isDated(kind)) {
    const months = accepted[kind];
    return facts.datedOn && months ? addMonths(new Date(facts.datedOn), months) : null;
  }
  return facts.endsOn ? new Date(new Date(facts.endsOn).getTime() + DAY_MS) : null;
}

/** The last day a check lapsing at this moment is valid (what people are shown). */
export function lastValidDay(lapsesOn: Date): Date {
  return new Date(lapsesOn.getTime() - DAY_MS);
}

export type CheckStanding = { status: CheckStatus; lapsesOn: Date | null; waiting: boolean };

/** Where one check stands now. A renewal waiting for verification leaves the verified check counting until it lapses. */
export function checkStatusOf(kind: CheckKind, record: CheckRecordFacts | undefined, accepted: AcceptedMonths, now: Date): CheckStanding {
  const waiting = Boolean(record?.waiting);
  if (!record?.verified) return { status: waiting ? 'unverified' : 'missing', lapsesOn: null, waiting };
  const lapsesOn = lapseDateOf(kind, record.verified, accepted);
  if (!lapsesOn) return { status: 'current', lapsesOn, waiting };
  if (now.getTime() >= lapsesOn.getTime()) return { status: 'lapsed', lapsesOn, waiting };
  const dueSoon = lapsesOn.getTime() - now.getTime() <= DUE_SOON_DAYS * DAY_MS;
  return { status: dueSoon ? 'due_soon' : 'current', lapsesOn, waiting };
}

/**
 * What a listing carries about its checks, so the directory decides without reading them: `state`
 * 'incomplete' while a required check has never been verified, 'verified' once all have (null when its
 * type needs none), and the moment the first required check lapses (null if none does).
 */
export type ListingCheckSummary = { state: 'verified' | 'incomplete' | null; lapsesOn: Date | null };

export function listingCheckSummary(
  required: readonly CheckKind[],
  records: ReadonlyMap<CheckKind, CheckRecordFacts>,
  accepted: AcceptedMonths,
): ListingCheckSummary {
  if (required.length === 0) return { state: null, lapsesOn: null };
  let lapsesOn: Date | null = null;
  for (const kind of required) {
    const verified = records.get(kind)?.verified;
    if (!verified) return { state: 'incomplete', lapsesOn: null };
    const lapse = lapseDateOf(kind, verified, accepted);
    if (lapse && (!lapsesOn || lapse < lapsesOn)) lapsesOn = lapse;
  }
  return { state: 'verified', lapsesOn };
}

/** The listing's own record of its checks (see ListingCheckSummary). */
export type ListingCheckFacts = { checksState?: string | null; checksLapseOn?: Date | null };

/** True when its checks keep a listing out of the directory now: a required check never verified, or one lapsed. */
export function checksHoldBack(listing: ListingCheckFacts, now: Date): boolean {
  if (listing.checksState === 'incomplete') return true;
  return Boolean(listing.checksLapseOn) && now.getTime() >= new Date(listing.checksLapseOn!).getTime();
}

/** What schools and SIPs may be told: "Checks up to date", when checks are required and all are verified and current. */
export function checksUpToDate(listing: ListingCheckFacts, now: Date): boolean {
  return listing.checksState === 'verified' && !checksHoldBack(listing, now);
}

/** Which reminder is due now for a check lapsing at this moment: 'lapsed' on and after the day, else the nearest threshold crossed. */
export function reminderDue(lapsesOn: Date, now: Date): 'lapsed' | (typeof REMINDER_DAYS)[number] | null {
  const left = lapsesOn.getTime() - now.getTime();
  if (left <= 0) return 'lapsed';
  const crossed = REMINDER_DAYS.filter((days) => left <= days * DAY_MS);
  return crossed.length > 0 ? Math.min(...crossed) as (typeof REMINDER_DAYS)[number] : null;
}
