import { Types } from 'mongoose';
import { generateListings } from '../seed/directory-generator';
import { Listing } from '../src/features/listings/listing.model';
import { Recommendation } from '../src/features/listings/recommendation.model';
import { School } from '../src/features/schools/school.model';

/** The directory at national scale, as the search and load benchmarks use it. */
export const NATIONAL_LISTINGS = Number(process.env.BENCH_LISTINGS ?? 10_000);
export const NATIONAL_SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 25_000);

const BATCH = 1000;

async function insertInBatches(insert: (batch: unknown[]) => Promise<unknown>, documents: unknown[]): Promise<void> {
  for (let i = 0; i < documents.length; i += BATCH) await insert(documents.slice(i, i + BATCH));
}

/** The owner of every generated listing (a published listing always has one): no one who signs in. */
export const NATIONAL_OWNER = new Types.ObjectId('000000000000000000000001');

/** Bench school number i: URNs 100000 upwards, which the demo schools (9xxxxx) never use. */
export function benchSchoolUrn(i: number): string {
  return String(100000 + i);
}

/**
 * Inserts generated published listings and schools into the connected database (after the demo data),
 * printing how long it took. The same seed always makes the same listings.
 */
export async function loadNationalDataset(options: { listings?: number; schools?: number } = {}): Promise<void> {
  const listings = options.listings ?? NATIONAL_LISTINGS;
  const schools = options.schools ?? NATIONAL_SCHOOLS;
  console.log(
    `Loading ${listings.toLocaleString('en-GB')} published listings, ${schools.toLocaleString('en-GB')} schools and two recommendations per listing ...`,
  );
  const started = performance.now();
  const schoolIds = Array.from({ length: schools }, () => new Types.ObjectId());
  // People in schools work at one (never one of the two that recommend them, below); traded services have no single base.
  const listingDocuments = generateListings(listings, 7).map((listing, i) => ({
    _id: new Types.ObjectId(),
    ...listing,
    ...(listing.providerType === 'traded_service' ? {} : { employingSchool: schoolIds[(2 * i + 2) % schools] }),
    owners: [NATIONAL_OWNER],
  }));
  await insertInBatches((batch) => Listing.insertMany(batch, { lean: true }), listingDocuments);
  // A published listing has two schools' recommendations, which its pen portrait reads.
  await insertInBatches(
    (batch) => Recommendation.insertMany(batch, { lean: true }),
    listingDocuments.flatMap((listing, i) =>
      [0, 1].map((n) => ({ listing: listing._id, school: schoolIds[(2 * i + n) % schools], status: 'given', workSeen: 'Visited', answeredAt: new Date() })),
    ),
  );
  await insertInBatches(
    (batch) => School.insertMany(batch, { lean: true }),
    schoolIds.map((_id, i) => ({
      _id,
      urn: benchSchoolUrn(i),
      name: `Bench School ${i}`,
      localAuthority: `Authority ${i % 150}`,
      phase: ['Primary', 'Secondary', 'Special', 'All-through'][i % 4],
      postcode: `BE${i % 99} ${i % 9}CH`,
      // Spread over England's part of the grid, so distances vary.
      grid: { easting: 150_000 + ((i * 7919) % 500_000), northing: 20_000 + ((i * 104_729) % 630_000) },
    })),
  );
  console.log(`Loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
