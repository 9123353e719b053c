import { User } from '../src/features/accounts/user.model';
import { Listing } from '../src/features/listings/listing.model';
import { recordOwnership } from '../src/features/listings/listing-ownership';
import { generateListings } from './directory-generator';

/** About forty approved pen portraits of fictional Anyshire providers, so search has something to show. */
export const DEMO_DIRECTORY_SIZE = 40;
const DEMO_OWNERS = ['provider@demo.example', 'literacy.team@demo.example'];

/** Idempotent: a listing already there (matched by name) is left as it is. */
export async function seedDemoDirectory(): Promise<void> {
  const owners = await User.find({ email: { $in: DEMO_OWNERS } }, { _id: 1, email: 1 }).lean();
  if (owners.length === 0) return;
  const listings = generateListings(DEMO_DIRECTORY_SIZE, 4242);
  await Listing.bulkWrite(
    listings.map((listing, i) => {
      const owner = owners[listing.providerType === 'traded_service' ? owners.length - 1 : i % owners.length]!;
      return { updateOne: { filter: { name: listing.name }, update: { $setOnInsert: { ...listing, owners: [owner._id] } }, upsert: true } };
    }),
  );
  // bulkWrite runs no document hooks, so the owners are recorded here.
  await recordOwnership(await Listing.find({ name: { $in: listings.map((listing) => listing.name) } }, { owners: 1 }).lean());
}
