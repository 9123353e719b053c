import '../../db/mongoose-setup';
import { Schema, Types, model } from 'mongoose';
import { scalarIndex } from '../../db/scalar-index';

/**
 * Who owns which listing, one document per owner and listing, so "this provider's listings" is found
 * through an index: a listing's `owners` is an array, and FerretDB scans the whole collection for any
 * filter on an array field (2 s over 10,000 listings). Written whenever a listing is saved or inserted
 * (owners are only ever set then); the _id makes writing it again harmless.
 */
const ownershipSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: Schema.Types.ObjectId, required: true },
    listing: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
ownershipSchema.index(...scalarIndex({ owner: 1 }));

const ListingOwnership = model('ListingOwnership', ownershipSchema, 'listing_owners');

type Owned = { _id: Types.ObjectId; owners?: Types.ObjectId[] | null };

export async function recordOwnership(listings: readonly Owned[]): Promise<void> {
  const documents = listings.flatMap((listing) =>
    (listing.owners ?? []).map((owner) => ({ _id: `${owner.toString()}:${listing._id.toString()}`, owner, listing: listing._id })),
  );
  if (documents.length === 0) return;
  try {
    await ListingOwnership.insertMany(documents, { ordered: false });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}

/** The ids of the listings a user owns. */
export async function listingIdsOwnedBy(owner: Types.ObjectId | string): Promise<Types.ObjectId[]> {
  const rows = await ListingOwnership.find({ owner: new Types.ObjectId(String(owner)) }, { listing: 1 }).lean();
  return rows.map((row) => row.listing);
}

/** Fills the collection from the listings when it is empty (a database from before it existed, or a restore without it). */
export async function ensureOwnershipRecorded(readListings: () => Promise<Owned[]>): Promise<void> {
  if (await ListingOwnership.exists({})) return;
  await recordOwnership(await readListings());
}
