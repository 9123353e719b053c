import type { Types } from 'mongoose';
import { User } from '../src/features/accounts/user.model';
import { Listing } from '../src/features/listings/listing.model';
import { Recommendation } from '../src/features/listings/recommendation.model';
import { recordOwnership } from '../src/features/listings/listing-ownership';
import { generateListings } from './directory-generator';

/** About forty approved pen portraits of fictional Anyshire providers, so search has something to show. */
export const DEMO_DIRECTORY_SIZE = 40;
const DEMO_OWNERS = ['provider@demo.example', 'literacy.team@demo.example'];

const MONTH = 30 * 24 * 60 * 60 * 1000;

/** A demo school's standing recommendation of a demo listing (left as it is when the school already answered). */
export async function recommendAsDemoSchool(listing: Types.ObjectId, school: Types.ObjectId, now = Date.now()): Promise<void> {
  await Recommendation.updateOne(
    { listing, school },
    { $setOnInsert: { status: 'given', statement: 'We worked with them over two terms and saw clear improvement.', workSeen: '2024 to 2025', answeredAt: new Date(now - 3 * MONTH) } },
    { upsert: true },
  );
}

/**
 * Idempotent: a listing already there (matched by name) is left as it is. Every generated listing is
 * published, so each gets the two recommendations the two-school rule asks for, from two different
 * demo schools (`recommenders`, taken in turn; generated listings have no employing school).
 */
export async function seedDemoDirectory(recommenders: readonly Types.ObjectId[]): Promise<void> {
  const owners = await User.find({ email: { $in: DEMO_OWNERS } }, { _id: 1, email: 1 }).lean();
  if (owners.length === 0 || recommenders.length < 2) return;
  const listings = generateListings(DEMO_DIRECTORY_SIZE, 4242);
  await Listing.bulkWrite(
    listings.map((listing, i) => {
      const owner = owners[listing.providerType === 'traded_service' ? owners.length - 1 : i % owners.length]!;
      return { updateOne: { filter: { name: listing.name }, update: { $setOnInsert: { ...listing, owners: [owner._id] } }, upsert: true } };
    }),
  );
  const saved = await Listing.find({ name: { $in: listings.map((listing) => listing.name) } }, { owners: 1, name: 1 }).lean();
  // bulkWrite runs no document hooks, so the owners are recorded here.
  await recordOwnership(saved);
  const position = new Map(listings.map((listing, i) => [listing.name, i]));
  for (const listing of saved) {
    const i = position.get(listing.name)!;
    await recommendAsDemoSchool(listing._id, recommenders[i % recommenders.length]!);
    await recommendAsDemoSchool(listing._id, recommenders[(i + 1) % recommenders.length]!);
  }
}
