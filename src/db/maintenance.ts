import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { IndexSpec } from './indexes';
import { pausedForRestore } from './restore-state';

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
  const timer = setInterval(() => {
    if (pausedForRestore()) return;
    purgeExpired(db, tasks)
      .then((removed) => logger.debug(removed, `purged expired records: ${tasks.map((task) => task.name).join(', ')}`))
      .catch((error: unknown) => logger.warn({ err: error }, 'purge of expired records failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Runs `work` every `everyMs` (never while a restore is under way), logging what it did when it did
 * something and a warning when it failed. Returns the function that stops it.
 */
export function scheduleWork(logger: Logger, work: { run(): Promise<number>; did: string; failed: string; level?: 'info' | 'warn' }, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (pausedForRestore()) return;
    work
      .run()
      .then((count) => count > 0 && logger[work.level ?? 'info']({ count }, work.did))
      .catch((error: unknown) => logger.warn({ err: error }, work.failed));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
