import type { Types } from 'mongoose';
import { User } from '../src/features/accounts/user.model';
import { Listing } from '../src/features/listings/listing.model';
import { Recommendation } from '../src/features/listings/recommendation.model';
import { recordOwnership } from '../src/features/listings/listing-ownership';
import { School } from '../src/features/schools/school.model';
import { latLongFromGrid } from '../src/features/schools/gias/british-national-grid';
import { employingSchoolOf, generateListings, type GeneratedListing } from './directory-generator';

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
 * The generated providers' employing schools (their organisations), as open Anyshire schools with URNs from
 * 910001 in order of name, each placed on the grid; by name, their ids. Traded services have none.
 */
async function seedEmployingSchools(listings: readonly GeneratedListing[]): Promise<Map<string, Types.ObjectId>> {
  const schools = [...new Map(listings.flatMap((listing) => employingSchoolOf(listing) ?? []).map((school) => [school.name, school])).values()].sort((a, b) =>
    a.name.localeCompare(b.name, 'en-GB'),
  );
  await School.bulkWrite(
    schools.map((school, i) => {
      const location = latLongFromGrid(school.grid.easting, school.grid.northing) ?? undefined;
      const urn = String(910001 + i);
      return { updateOne: { filter: { urn }, update: { $setOnInsert: { urn, name: school.name, localAuthority: 'Anyshire', phase: school.phase, status: 'open', grid: school.grid, location } }, upsert: true } };
    }),
  );
  const saved = await School.find({ name: { $in: schools.map((school) => school.name) } }, { name: 1 }).lean();
  return new Map(saved.map((school) => [school.name, school._id]));
}

/**
 * Idempotent: a listing already there (matched by name) is left as it is. Every generated listing is
 * published, so each gets the two recommendations the two-school rule asks for, from two different
 * demo schools (`recommenders`, taken in turn; never a listing's employing school, which is one of its own).
 */
export async function seedDemoDirectory(recommenders: readonly Types.ObjectId[]): Promise<void> {
  const owners = await User.find({ email: { $in: DEMO_OWNERS } }, { _id: 1, email: 1 }).lean();
  if (owners.length === 0 || recommenders.length < 2) return;
  const listings = generateListings(DEMO_DIRECTORY_SIZE, 4242);
  const employingSchools = await seedEmployingSchools(listings);
  await Listing.bulkWrite(
    listings.map((listing, i) => {
      const owner = owners[listing.providerType === 'traded_service' ? owners.length - 1 : i % owners.length]!;
      const employingSchool = employingSchools.get(employingSchoolOf(listing)?.name ?? '');
      return { updateOne: { filter: { name: listing.name }, update: { $setOnInsert: { ...listing, employingSchool, owners: [owner._id] } }, upsert: true } };
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
