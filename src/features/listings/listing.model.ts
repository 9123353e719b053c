import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { idsNamedBy, recordListingChange } from './listing-changes';
import { listingIdsOwnedBy, recordOwnership } from './listing-ownership';
import { Schema, model, type InferSchemaType, type Query, type Types } from 'mongoose';

export const PROVIDER_TYPES = [
  'nle',
  'lle',
  'sle',
  'ast',
  'lead_professional',
  'professional_partner',
  'traded_service',
  'good_practice_school',
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const PROVIDER_TYPE_LABELS: Record<ProviderType, string> = {
  nle: 'National Leader of Education',
  lle: 'Local Leader of Education',
  sle: 'Specialist Leader of Education',
  ast: 'Advanced Skills Teacher',
  lead_professional: 'Lead professional',
  professional_partner: 'Professional partner',
  traded_service: 'Traded service',
  good_practice_school: 'Good-practice school',
};

/** Types that hold a designation awarded for a period, which must be re-accredited. */
export const DESIGNATED_TYPES: readonly ProviderType[] = ['nle', 'lle', 'sle', 'ast'];

export const LISTING_STATUSES = ['draft', 'submitted', 'approved', 'changes_requested', 'rejected', 'suspended'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export const CAPACITY_PERIODS = ['term', 'year'] as const;

/**
 * Which of their contact details a provider publishes in the open-data feed (src/features/directory/
 * open-data.ts), for other councils and tools to reach them; none unless they tick it.
 */
export const OPEN_DATA_CONTACT_ROUTES = ['email', 'phone', 'route'] as const;
export type OpenDataContactRoute = (typeof OPEN_DATA_CONTACT_ROUTES)[number];

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
    // Bumped on every change that matters to the directory, so search indexes can tell they are stale.
    revision: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);

listingSchema.index({ owners: 1 });
listingSchema.index(...scalarIndex({ status: 1, reviewDueOn: 1 }));
listingSchema.index({ updatedAt: 1 });
listingSchema.index(...scalarIndex({ revisionState: 1 }));

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

export const LISTING_STATUS_LABELS: Record<ListingStatus, string> = {
  draft: 'Draft',
  submitted: 'Awaiting approval',
  approved: 'Published',
  changes_requested: 'Changes requested',
  rejected: 'Rejected',
  suspended: 'Suspended',
};
