import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { RATE_LIMIT_COLLECTION } from '../features/accounts/sign-in-throttle';
import { SESSION_COLLECTION } from '../web/session';

/** Indexes for collections that libraries own (they would otherwise create TTL indexes FerretDB refuses). */
export async function ensureLibraryIndexes(db: Db): Promise<void> {
  await db.collection(RATE_LIMIT_COLLECTION).createIndex({ key: 1 }, { unique: true });
  await db.collection(RATE_LIMIT_COLLECTION).createIndex({ expire: 1 });
  await db.collection(SESSION_COLLECTION).createIndex({ expires: 1 });
}

/** Stands in for TTL indexes: deletes expired sessions and rate-limit counters, acknowledged. */
export async function purgeExpired(db: Db, now = new Date()): Promise<{ sessions: number; rateLimits: number }> {
  const [sessions, rateLimits] = await Promise.all([
    db.collection(SESSION_COLLECTION).deleteMany({ expires: { $lt: now } }),
    db.collection(RATE_LIMIT_COLLECTION).deleteMany({ expire: { $lt: now } }),
  ]);
  return { sessions: sessions.deletedCount, rateLimits: rateLimits.deletedCount };
}

export function schedulePurge(db: Db, logger: Logger, everyMs = 10 * 60_000): () => void {
  const timer = setInterval(() => {
    purgeExpired(db)
      .then((removed) => logger.debug(removed, 'purged expired sessions and rate limits'))
      .catch((error: unknown) => logger.warn({ err: error }, 'purge of expired records failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
