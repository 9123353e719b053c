import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase } from '../../src/db/connect';
import { ensureLibraryIndexes } from '../../src/db/maintenance';
import { libraryIndexes } from '../../src/housekeeping';
import { RATE_LIMIT_COLLECTION } from '../../src/features/accounts/rate-limits';

/** Connects this test file to a fresh database of its own on the run's FerretDB, and drops it afterwards. */
export function useTestDatabase(): void {
  beforeAll(async () => {
    const uri = process.env.TEST_MONGODB_URI;
    if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through jest (test/support/global-setup.ts)');
    await connectDatabase(uri, `test_${randomBytes(6).toString('hex')}`);
    await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
    await ensureLibraryIndexes(mongoose.connection.db!, libraryIndexes);
  });
  afterAll(async () => {
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });
}

/** Supertest requests all come from one address, so tests that fail sign-ins start from a clean count. */
export async function resetSignInLimits(): Promise<void> {
  await mongoose.connection.db!.collection(RATE_LIMIT_COLLECTION).deleteMany({});
}
