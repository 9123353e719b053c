import { checksHoldBack, type ListingCheckFacts } from './checks/check-status';
import type { ListingStatus } from './listing-vocabulary';

/** What the directory needs to know to decide whether a listing is shown. */
export type VisibilityFacts = { status: ListingStatus | string; reviewDueOn?: Date | null; recommendationState?: string | null } & ListingCheckFacts;

export const DEFAULT_REVIEW_GRACE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The moment an overdue listing leaves the directory: its review date plus the grace period. */
export function hiddenFrom(reviewDueOn: Date, reviewGraceDays: number): Date {
  return new Date(reviewDueOn.getTime() + reviewGraceDays * DAY_MS);
}

/**
 * True when the directory shows this listing: approved (so not suspended, draft or rejected), with two
 * standing recommendations (a listing short of them leaves at once: the directory's promise is that
 * every provider in it is recommended by two schools), with every check the LA requires of its type
 * verified and not lapsed (it leaves on the day one lapses: checks/check-status.ts), and not past its
 * review date by more than the grace period. Pass the configured grace (config.listings.reviewGraceDays).
 */
export function isListedInDirectory(
  listing: VisibilityFacts,
  now: Date,
  reviewGraceDays = DEFAULT_REVIEW_GRACE_DAYS,
): boolean {
  if (listing.status !== 'approved' || listing.recommendationState === 'short') return false;
  if (checksHoldBack(listing, now)) return false;
  if (!listing.reviewDueOn) return true;
  return now.getTime() < hiddenFrom(listing.reviewDueOn, reviewGraceDays).getTime();
}

export type ReviewState = 'not_due' | 'overdue' | 'hidden';

/** Where a published listing stands against its review date, for the Traded Services queue. */
export function reviewStateOf(reviewDueOn: Date | null | undefined, now: Date, reviewGraceDays: number): ReviewState {
  if (!reviewDueOn || now.getTime() < reviewDueOn.getTime()) return 'not_due';
  return now.getTime() < hiddenFrom(reviewDueOn, reviewGraceDays).getTime() ? 'overdue' : 'hidden';
}

/**
 * A listing is next due for review when its designation expires (designated types) or, failing that,
 * a set number of months after it was approved or last reviewed.
 */
export function nextReviewDate(designationExpiresOn: Date | null | undefined, reviewedAt: Date, reviewMonths: number): Date {
  // An expired designation makes the listing due at once: it needs re-accrediting, not a new period.
  if (designationExpiresOn) return designationExpiresOn;
  const due = new Date(reviewedAt);
  due.setUTCMonth(due.getUTCMonth() + reviewMonths);
  return due;
}
