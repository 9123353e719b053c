import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { RATE_LIMIT_COLLECTION } from '../features/accounts/sign-in-throttle';
import { SESSION_COLLECTION } from '../web/session';
import { CLAIMS_COLLECTION } from './claims';

/** A claim is spent once its record has changed; one this old whose change never landed is released. */
const CLAIM_LIFETIME_MS = 10 * 60_000;

/** Indexes for collections that libraries own (they would otherwise create TTL indexes FerretDB refuses). */
export async function ensureLibraryIndexes(db: Db): Promise<void> {
  await db.collection(RATE_LIMIT_COLLECTION).createIndex({ key: 1 }, { unique: true });
  await db.collection(RATE_LIMIT_COLLECTION).createIndex({ expire: 1 });
  await db.collection(SESSION_COLLECTION).createIndex({ expires: 1 });
  await db.collection(CLAIMS_COLLECTION).createIndex({ at: 1 });
}

/** Stands in for TTL indexes: deletes expired sessions, rate-limit counters and claims, acknowledged. */
export async function purgeExpired(db: Db, now = new Date()): Promise<{ sessions: number; rateLimits: number; claims: number }> {
  const [sessions, rateLimits, claims] = await Promise.all([
    db.collection(SESSION_COLLECTION).deleteMany({ expires: { $lt: now } }),
    db.collection(RATE_LIMIT_COLLECTION).deleteMany({ expire: { $lt: now } }),
    db.collection(CLAIMS_COLLECTION).deleteMany({ at: { $lt: new Date(now.getTime() - CLAIM_LIFETIME_MS) } }),
  ]);
  return { sessions: sessions.deletedCount, rateLimits: rateLimits.deletedCount, claims: claims.deletedCount };
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
