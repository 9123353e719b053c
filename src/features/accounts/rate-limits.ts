import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import { RateLimiterMemory, RateLimiterMongo, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { deleteOlderThan, type IndexSpec, type PurgeTask } from '../../db/maintenance';

/** Shared by every app instance. Expired rows are purged by db/maintenance (no TTL index on FerretDB). */
export const RATE_LIMIT_COLLECTION = 'rate_limits';

/** rate-limiter-flexible's own indexes would include a TTL index, so they are turned off and these made instead. */
export const rateLimitIndexes: IndexSpec[] = [
  // _scalar: our FerretDB build finds `{ key }` (every sign-in's count) through this index (scalar-index.ts).
  { collection: RATE_LIMIT_COLLECTION, key: { key: 1 }, name: 'key_1_scalar', unique: true },
  { collection: RATE_LIMIT_COLLECTION, key: { expire: 1 }, name: 'expire_1' },
];
export const purgeExpiredRateLimits: PurgeTask = deleteOlderThan('rateLimits', RATE_LIMIT_COLLECTION, 'expire', (now) => now);

/**
 * One limit kept twice: in the database, shared by every instance, and in memory, which is exact
 * within one process (FerretDB v1 loses concurrent $inc).
 */
export function limiterPair(db: Db, keyPrefix: string, points: number, durationSeconds: number): RateLimiterAbstract[] {
  return [
    new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
    new RateLimiterMongo({ storeClient: db, tableName: RATE_LIMIT_COLLECTION, disableIndexesCreation: true, keyPrefix, points, duration: durationSeconds }),
  ];
}

/** Counts one use against every limiter; the refusals, if any. */
export async function refusals(limiters: RateLimiterAbstract[], key: string): Promise<RateLimiterRes[]> {
  const outcomes = await Promise.allSettled(limiters.map((limiter) => limiter.consume(key)));
  const refused: RateLimiterRes[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') continue;
    if (!(outcome.reason instanceof RateLimiterRes)) throw outcome.reason;
    refused.push(outcome.reason);
  }
  return refused;
}

/** Minutes until every refusing limiter lets a use through again (at least 1). */
export const minutesToWait = (refused: RateLimiterRes[]) => Math.max(1, Math.ceil(Math.max(...refused.map((refusal) => refusal.msBeforeNext)) / 60_000));

/** Email addresses are keyed by a hash of the address typed, so these collections hold no email addresses. */
export function addressKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}
