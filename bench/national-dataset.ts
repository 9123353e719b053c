import { Types } from 'mongoose';
import { generateListings } from '../seed/directory-generator';
import { Listing } from '../src/features/listings/listing.model';
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
  console.log(`Loading ${listings.toLocaleString('en-GB')} published listings and ${schools.toLocaleString('en-GB')} schools ...`);
  const started = performance.now();
  await insertInBatches(
    (batch) => Listing.insertMany(batch, { lean: true }),
    generateListings(listings, 7).map((listing) => ({ ...listing, owners: [NATIONAL_OWNER] })),
  );
  await insertInBatches(
    (batch) => School.insertMany(batch, { lean: true }),
    Array.from({ length: schools }, (_, i) => ({
      urn: benchSchoolUrn(i),
      name: `Bench School ${i}`,
      localAuthority: `Authority ${i % 150}`,
      phase: ['Primary', 'Secondary', 'Special', 'All-through'][i % 4],
      postcode: `BE${i % 99} ${i % 9}CH`,
    })),
  );
  console.log(`Loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
