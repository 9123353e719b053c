const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a listing shows in the directory: approved (a suspended listing is not), and not past its
 * review date by more than the grace period. An overdue listing stays visible during the grace days
 * so Traded Services can re-accredit it without a gap.
 */
export function isListedInDirectory(listing: { status: string; reviewDueOn?: Date | null }, now: Date, graceDays: number): boolean {
  if (listing.status !== 'approved') return false;
  if (!listing.reviewDueOn) return true;
  return now.getTime() <= listing.reviewDueOn.getTime() + graceDays * DAY_MS;
}
