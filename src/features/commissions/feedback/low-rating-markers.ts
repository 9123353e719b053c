import { claimOnce, isClaimed } from '../../../db/claims';
import { Feedback } from './feedback.model';
import { isLowRated } from './ratings';

const MARKED = 'feedback:low-ratings-marked';

/**
 * A database written before feedback carried its attention marker: marks the low-rated feedback already
 * given, so Traded Services' list finds it, then remembers that it did so later starts read nothing more.
 * Timestamps are left alone: the feedback itself did not change.
 */
export async function markLowRatedFeedbackOnce(): Promise<void> {
  if (await isClaimed(MARKED)) return;
  const low: unknown[] = [];
  for await (const feedback of Feedback.find({ attention: { $exists: false } }, { ratings: 1 }).lean().cursor()) {
    if (isLowRated(feedback.ratings)) low.push(feedback._id);
  }
  if (low.length) await Feedback.updateMany({ _id: { $in: low } }, { $set: { attention: 'low_rating' } }, { timestamps: false });
  await claimOnce(MARKED, { permanent: true });
}
