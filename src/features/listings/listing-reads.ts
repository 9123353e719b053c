import type { ProjectionType, Types } from 'mongoose';
import type { ListingStatus } from './listing-vocabulary';
import { countsBy } from '../../db/counts-by';
import { Listing } from './listing.model';

// Reads of listings for other features: they call these, never the Listing model (eslint/layers.mjs).

type Id = string | Types.ObjectId;
type Projection = ProjectionType<unknown> | undefined;

export { currentListingIdsOf, listingsOwnedBy, ownsListingNow } from './listing.model';

export const findApprovedListing = (id: Id) => Listing.findOne({ _id: id, status: 'approved' }).lean();
export const findListingById = (id: Id, projection?: Projection) => Listing.findById(id, projection).lean();
export const findListings = (ids: readonly Id[], projection?: Projection) => Listing.find({ _id: { $in: ids } }, projection).lean();
export const findApprovedListings = (projection?: Projection) => Listing.find({ status: 'approved' }, projection).lean();
/** Listings written at or after this time (the directory's fallback when a change-log entry names none). */
export const findListingsUpdatedSince = (since: Date) => Listing.find({ updatedAt: { $gte: since } }, { _id: 1, updatedAt: 1, revision: 1 }).lean();
/** How many listings are in each of these statuses, in one read. */
export async function countListingsByStatus(statuses: readonly ListingStatus[]): Promise<Map<ListingStatus, number>> {
  return (await countsBy(Listing, 'status', { status: { $in: [...statuses] } })) as Map<ListingStatus, number>;
}

/** Something the directory shows about this listing changed outside it (its impact ratings): the index re-reads it. */
export async function noteListingChanged(id: Id): Promise<void> {
  await Listing.updateOne({ _id: id }, { $inc: { revision: 1 } });
}
