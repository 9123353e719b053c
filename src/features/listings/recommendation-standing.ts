import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { repeatEvery } from '../../db/repeating-work';
import { paths } from '../../paths';
import { activeUserIds } from '../accounts/accounts.service';
import { recordAudit } from '../audit/audit.service';
import { notify } from '../notifications/notifications.service';
import { openSchoolIdsAmong } from '../schools/school-reads';
import { Listing, type ListingRecord } from './listing.model';
import { claimListingChange, RECOMMENDATIONS_NEEDED, standingRecommendationCount } from './listings.service';
import { Recommendation } from './recommendation.model';

/**
 * The two-school rule after approval. A live listing (published or suspended) that falls below two
 * standing recommendations (one withdrawn, or a recommending school closed) is marked `short`: it
 * leaves the directory at once (isListedInDirectory), appears on Traded Services' queue, and its owners
 * are asked to seek another recommendation. When a second school recommends it again, the mark goes and
 * the approved listing is back in the directory without another approval: the pen portrait itself was
 * already approved, only the recommendations were missing.
 */

const LIVE_STATUSES = ['approved', 'suspended'];

export type StandingChange = 'marked_short' | 'restored' | 'unchanged';

/** Re-counts one listing's standing recommendations and marks or clears it; tells people once per change. */
export async function checkRecommendationStanding(listingId: Types.ObjectId, actor?: Types.ObjectId): Promise<StandingChange> {
  const listing = await Listing.findById(listingId).lean<ListingRecord>();
  if (!listing || !LIVE_STATUSES.includes(listing.status)) return 'unchanged';
  const standing = await standingRecommendationCount(listing);
  const short = standing < RECOMMENDATIONS_NEEDED;
  const marked = listing.recommendationState === 'short';
  if (short === marked) return 'unchanged';
  const update = short
    ? { $set: { recommendationState: 'short', recommendationsShortSince: new Date() }, $inc: { revision: 1 } }
    : { $unset: { recommendationState: 1, recommendationsShortSince: 1 }, $inc: { revision: 1 } };
  const changed =
    (await claimListingChange(listing)) &&
    (await Listing.findOneAndUpdate({ _id: listing._id, recommendationState: marked ? 'short' : { $ne: 'short' } }, update));
  if (!changed) return 'unchanged';
  await recordAudit({
    actor,
    action: short ? 'listing_short_of_recommendations' : 'listing_recommendations_restored',
    subjectType: 'Listing',
    subjectId: listing._id,
    changes: { standing },
  });
  const href = paths.listings.status(listing._id.toString());
  if (short) {
    await notify(await activeUserIds({ role: 'traded_services' }), {
      subject: `${listing.name} has ${standing} of ${RECOMMENDATIONS_NEEDED} recommendations`,
      text: `${listing.name} no longer has two standing recommendations, so it has left the directory. It is on your Listings queue until a second school recommends it.`,
      href,
    });
  }
  await notify(listing.owners ?? [], {
    subject: short ? `Ask another school to recommend ${listing.name}` : `${listing.name} is back in the directory`,
    text: short
      ? `${listing.name} now has ${standing} of ${RECOMMENDATIONS_NEEDED} standing recommendations, so it is not shown in the directory. Ask another school (not your own) to recommend it: it returns as soon as two recommendations stand.`
      : `${listing.name} has two standing recommendations again and is back in the directory.`,
    href,
  });
  return short ? 'marked_short' : 'restored';
}

/** Live listings short of recommendations, longest first: found by an index on the marker, then checked. */
export async function listingsBelowTwoRecommendations(): Promise<ListingRecord[]> {
  const listings = await Listing.find({ recommendationState: 'short' }).lean<ListingRecord[]>();
  return listings
    .filter((listing) => LIVE_STATUSES.includes(listing.status))
    .sort((a, b) => (a.recommendationsShortSince?.getTime() ?? 0) - (b.recommendationsShortSince?.getTime() ?? 0));
}

/**
 * Marks the live listings whose recommendations lapsed because a recommending school closed (the GIAS
 * import records closures). Run by the maintenance timer; returns how many listings it marked.
 */
export async function markListingsOfClosedSchools(): Promise<number> {
  const given = await Recommendation.find({ status: 'given' }, { school: 1, listing: 1 }).lean();
  const open = new Set((await openSchoolIdsAmong([...new Set(given.map((row) => row.school.toString()))])).map(String));
  const affected = new Set(given.filter((row) => !open.has(row.school.toString())).map((row) => row.listing.toString()));
  let marked = 0;
  for (const id of affected) if ((await checkRecommendationStanding(new Types.ObjectId(id))) === 'marked_short') marked++;
  return marked;
}

/** Every 10 minutes: a school the GIAS import closed stops counting within that time. */
export function scheduleClosedSchoolCheck(logger: Logger, everyMs = 10 * 60_000): () => void {
  return repeatEvery(everyMs, logger, 'checking recommendations of closed schools', () => markListingsOfClosedSchools(), (count) =>
    count > 0 && logger.info({ count }, 'listings left the directory: a recommending school closed'),
  );
}
