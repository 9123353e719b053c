import { claimOnce, isClaimed } from '../../db/claims';
import { Listing } from './listing.model';

const MARKED = 'listings:waiting-revisions-marked';

/**
 * A database written before listings carried revisionState: marks the revisions already waiting, so
 * Traded Services' queue finds them, then remembers that it did so later starts read nothing more.
 * Timestamps are left alone: nothing about the listings changed.
 */
export async function markWaitingRevisionsOnce(): Promise<void> {
  if (await isClaimed(MARKED)) return;
  await Listing.updateMany({ pendingRevision: { $exists: true }, revisionState: { $exists: false } }, { $set: { revisionState: 'waiting' } }, { timestamps: false });
  await claimOnce(MARKED, { permanent: true });
}
