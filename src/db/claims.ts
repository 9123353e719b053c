import { MongoBulkWriteError } from 'mongodb';
import mongoose from 'mongoose';
import { deleteOlderThan, type IndexSpec, type PurgeTask } from './maintenance';

export const CLAIMS_COLLECTION = 'claims';

/** A claim is spent once its record has changed; one this old whose change never landed is released. */
const CLAIM_LIFETIME_MS = 10 * 60_000;

export const claimsIndex: IndexSpec = { collection: CLAIMS_COLLECTION, key: { at: 1 }, name: 'at_1' };
/** Permanent claims have no `at`, so they are never purged. */
export const releaseOldClaims: PurgeTask = deleteOlderThan('claims', CLAIMS_COLLECTION, 'at', (now) => new Date(now.getTime() - CLAIM_LIFETIME_MS));

/**
 * True for exactly one caller per key, however many ask at once. FerretDB v1 does not apply a
 * conditional update atomically (measured: two concurrent `updateOne({ _id, status: 'submitted' })`
 * calls both modify the document), but it does enforce the unique _id, so the first insert of a key
 * wins and every other gets a duplicate-key error. On MongoDB this is equally correct.
 */
export async function claimOnce(key: string, options: { permanent?: boolean } = {}): Promise<boolean> {
  try {
    // A claim on a record's version is released after a while (db/maintenance); a permanent one never is.
    await mongoose.connection.db!
      .collection<{ _id: string; at?: Date; permanent?: true }>(CLAIMS_COLLECTION)
      .insertOne(options.permanent ? { _id: key, permanent: true } : { _id: key, at: new Date() });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
}

/** claimOnce for many keys in one write: for each key, in order, whether this caller claimed it. */
export async function claimEach(keys: readonly string[]): Promise<boolean[]> {
  if (keys.length === 0) return [];
  const at = new Date();
  try {
    await mongoose.connection.db!
      .collection<{ _id: string; at: Date }>(CLAIMS_COLLECTION)
      .insertMany(keys.map((_id) => ({ _id, at })), { ordered: false });
    return keys.map(() => true);
  } catch (error) {
    const refused = refusedIndexes(error);
    if (!refused) throw error;
    return keys.map((_, i) => !refused.has(i));
  }
}

/** The positions of an unordered insert's documents refused as duplicates; undefined if anything else went wrong. */
function refusedIndexes(error: unknown): Set<number> | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const writeErrors = [error.writeErrors].flat();
  if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== 11000)) return undefined;
  return new Set(writeErrors.map((writeError) => writeError.index));
}

/** Whether a key has been claimed (and, for a claim that is released, not released yet). */
export async function isClaimed(key: string): Promise<boolean> {
  return (await mongoose.connection.db!.collection<{ _id: string }>(CLAIMS_COLLECTION).findOne({ _id: key }, { projection: { _id: 1 } })) !== null;
}
