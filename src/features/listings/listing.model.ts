import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { idsNamedBy, recordListingChange } from './listing-changes';
import { listingIdsOwnedBy, recordOwnership } from './listing-ownership';
import { Schema, model, type InferSchemaType, type Query, type Types } from 'mongoose';
import { CAPACITY_PERIODS, LISTING_STATUSES, OPEN_DATA_CONTACT_ROUTES, PROVIDER_TYPES } from './listing-vocabulary';

export { CAPACITY_PERIODS, DESIGNATED_TYPES, LISTING_STATUS_LABELS, LISTING_STATUSES, OPEN_DATA_CONTACT_ROUTES, PROVIDER_TYPE_LABELS, PROVIDER_TYPES } from './listing-vocabulary';
export type { ListingStatus, OpenDataContactRoute, ProviderType } from './listing-vocabulary';


/**
 * A provider's pen portrait. The top-level fields are the version users see (the approved one once
 * published); a material edit to a published listing waits in pendingRevision until approved.
 * Taxonomy fields hold term slugs (see features/taxonomy).
 */
const listingSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    providerType: { type: String, required: true, enum: PROVIDER_TYPES },
    organisation: { type: String, trim: true, maxlength: 200 },
    // The provider's own school, if any: it may never recommend this listing.
    employingSchool: { type: Schema.Types.ObjectId, ref: 'School' },
    summary: { type: String, trim: true, maxlength: 400 },
    experience: { type: String, trim: true, maxlength: 5000 },
    expertise: { type: [String], default: [] },
    phases: { type: [String], default: [] },
    subjects: { type: [String], default: [] },
    contexts: { type: [String], default: [] },
    offers: { type: [String], default: [] },
    areas: { type: [String], default: [] },
    capacity: {
      days: { type: Number, min: 0, max: 365 },
      period: { type: String, enum: CAPACITY_PERIODS },
    },
    fundedByLa: { type: Boolean, required: true, default: false },
    // Deployed through the LA (seed 001: ASTs and lead professionals): schools ask the LA, which arranges it.
    arrangedByLa: { type: Boolean, default: false },
    dailyRatePence: { type: Number, min: 0, max: 1_000_000 },
    contact: {
      name: { type: String, trim: true, maxlength: 100 },
      email: { type: String, trim: true, lowercase: true, maxlength: 254 },
      phone: { type: String, trim: true, maxlength: 30 },
      route: { type: String, trim: true, maxlength: 400 },
      openData: { type: [{ type: String, enum: OPEN_DATA_CONTACT_ROUTES }], default: undefined },
    },
    designation: {
      awardedOn: { type: Date },
      expiresOn: { type: Date },
    },
    photo: { type: Schema.Types.ObjectId, ref: 'StoredFile' },
    evidence: { type: [{ type: Schema.Types.ObjectId, ref: 'StoredFile' }], default: [] },
    owners: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    status: { type: String, required: true, enum: LISTING_STATUSES, default: 'draft' },
    statusReason: { type: String, trim: true, maxlength: 2000 },
    publishedAt: { type: Date },
    lastReviewedAt: { type: Date },
    reviewDueOn: { type: Date },
    // { fields: the proposed pen portrait fields, submittedAt, submittedBy } while a material edit waits.
    pendingRevision: { type: Schema.Types.Mixed },
    // 'waiting' exactly while pendingRevision is set: an indexed marker for Traded Services' queue,
    // because FerretDB answers `pendingRevision: { $exists }` by reading every listing.
    revisionState: { type: String, enum: ['waiting'] },
    // 'short' while a live listing has fewer than two standing recommendations (the two-school rule):
    // it is out of the directory and on Traded Services' queue; an indexed marker, like revisionState.
    recommendationState: { type: String, enum: ['short'] },
    recommendationsShortSince: { type: Date },
    // Its required checks (features/listings/checks), summed up so the directory need not read them:
    // 'incomplete' while one was never verified (out of the directory; an indexed marker for the queue),
    // 'verified' once all were, unset when its type needs none; and when the first of them lapses.
    checksState: { type: String, enum: ['verified', 'incomplete'] },
    checksLapseOn: { type: Date },
    // Bumped on every change that matters to the directory, so search indexes can tell they are stale.
    revision: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);

listingSchema.index({ owners: 1 });
listingSchema.index(...scalarIndex({ status: 1, reviewDueOn: 1 }));
listingSchema.index({ updatedAt: 1 });
listingSchema.index(...scalarIndex({ revisionState: 1 }));
listingSchema.index(...scalarIndex({ recommendationState: 1 }));
listingSchema.index(...scalarIndex({ checksState: 1 }));

// Every way a listing can be written is logged, so every app's directory index can follow (listing-changes.ts).
// Owners are set when a listing is created, so only a new listing's are recorded (isNew is gone by post-save).
listingSchema.pre('save', function () {
  this.$locals.created = this.isNew;
});
listingSchema.post('save', async function () {
  if (this.$locals.created) await recordOwnership([this]);
  await recordListingChange([this._id.toString()]);
});
listingSchema.post('insertMany', async (listings: { _id: Types.ObjectId; owners: Types.ObjectId[] }[]) => {
  await recordOwnership(listings);
  await recordListingChange(listings.map((listing) => listing._id.toString()));
});
listingSchema.post(
  ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace', 'deleteOne', 'deleteMany', 'findOneAndDelete'],
  { document: false, query: true },
  function (this: Query<unknown, unknown>) {
    return recordListingChange(idsNamedBy(this.getFilter()));
  },
);

export type ListingFields = InferSchemaType<typeof listingSchema>;
export type ListingRecord = ListingFields & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const Listing = model('Listing', listingSchema);

/**
 * A user's listings by name, found through listing_owners (an index, then one read by _id each) rather
 * than by the `owners` array (a scan of every listing on FerretDB).
 */
export async function listingsOwnedBy(owner: Types.ObjectId | string): Promise<ListingRecord[]> {
  const ids = await listingIdsOwnedBy(owner);
  if (ids.length === 0) return [];
  const listings = await Listing.find({ _id: { $in: ids } }).lean<ListingRecord[]>();
  return listings.filter((listing) => (listing.owners ?? []).some((each) => each.toString() === String(owner))).sort((a, b) => a.name.localeCompare(b.name));
}

/** The ids of the listings this user owns now: listing_owners narrows them, each listing's own owners decide. */
export async function currentListingIdsOf(owner: Types.ObjectId | string): Promise<Types.ObjectId[]> {
  const ids = await listingIdsOwnedBy(owner);
  if (ids.length === 0) return [];
  const listings = await Listing.find({ _id: { $in: ids } }, { owners: 1 }).lean();
  return listings.filter((listing) => (listing.owners ?? []).some((each) => each.toString() === String(owner))).map((listing) => listing._id);
}

/** Whether this user owns the listing now (ownership may have moved since a commission copied it). */
export async function ownsListingNow(owner: string, listingId: Types.ObjectId): Promise<boolean> {
  const listing = await Listing.findById(listingId, { owners: 1 }).lean();
  return (listing?.owners ?? []).some((each) => each.toString() === owner);
}
