import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { repeatEvery } from './repeating-work';
import type { IndexSpec } from './indexes';

/**
 * Stands in for TTL indexes, which FerretDB v1 does not have: each owner of a collection that would need
 * one (sessions in web/, claims here, sign-in counts and lockouts and the security-events window in
 * accounts/) describes its index and its purge, and the composition root (src/housekeeping.ts) hands the
 * whole list to these functions. This module knows no collection of its own.
 */

/** An index for a collection a library owns (it would otherwise create a TTL index FerretDB refuses); built by ensureIndexes. */
export type { IndexSpec };

/** One kind of expired record: `purge` deletes them (acknowledged) and says how many went. */
export type PurgeTask = { name: string; purge(db: Db, now: Date): Promise<number> };

/** A purge task that deletes the documents whose `field` is before `cutoff(now)`. */
export function deleteOlderThan(name: string, collection: string, field: string, cutoff: (now: Date) => Date): PurgeTask {
  return { name, purge: async (db, now) => (await db.collection(collection).deleteMany({ [field]: { $lt: cutoff(now) } })).deletedCount };
}

/** Runs every purge at once; the counts, by task name. */
export async function purgeExpired(db: Db, tasks: readonly PurgeTask[], now = new Date()): Promise<Record<string, number>> {
  const counts = await Promise.all(tasks.map((task) => task.purge(db, now)));
  return Object.fromEntries(tasks.map((task, i) => [task.name, counts[i]!]));
}

export function schedulePurge(db: Db, logger: Logger, tasks: readonly PurgeTask[], everyMs = 10 * 60_000): () => void {
  return repeatEvery(everyMs, logger, 'purge of expired records', () => purgeExpired(db, tasks), (removed) =>
    logger.debug(removed, `purged expired records: ${tasks.map((task) => task.name).join(', ')}`),
  );
}
