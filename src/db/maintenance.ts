import { pausedForRestore } from './restore-state';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { ATTEMPT_SLOTS_COLLECTION } from '../features/accounts/attempt-slots';
import { LOCKOUT_COLLECTION, RATE_LIMIT_COLLECTION } from '../features/accounts/sign-in-throttle';
import { SESSION_COLLECTION } from '../web/session';
import { CLAIMS_COLLECTION } from './claims';
import { SECURITY_EVENTS_COLLECTION } from '../features/audit/security-event.model';

/** A claim is spent once its record has changed; one this old whose change never landed is released. */
const CLAIM_LIFETIME_MS = 10 * 60_000;

/**
 * securityEventsKept: how many of the latest security events to keep in the recent-events window.
 * lockoutMemoryMs: how long after a lockout ends it still counts towards a longer next one.
 */
export type Retention = { securityEventsKept: number; lockoutMemoryMs: number };

/**
 * Stands in for TTL indexes: deletes expired sessions, rate-limit counters, claims, lockouts and counted
 * sign-in attempts no longer remembered, and trims the security-events window to its newest events. Acknowledged.
 */
export async function purgeExpired(db: Db, retention: Retention, now = new Date()) {
  const [sessions, rateLimits, claims, lockouts, securityEvents, attemptSlots] = await Promise.all([
    db.collection(SESSION_COLLECTION).deleteMany({ expires: { $lt: now } }),
    db.collection(RATE_LIMIT_COLLECTION).deleteMany({ expire: { $lt: now } }),
    db.collection(CLAIMS_COLLECTION).deleteMany({ at: { $lt: new Date(now.getTime() - CLAIM_LIFETIME_MS) } }),
    db.collection(LOCKOUT_COLLECTION).deleteMany({ lockedUntil: { $lt: new Date(now.getTime() - retention.lockoutMemoryMs) } }),
    trimSecurityEvents(db, retention.securityEventsKept),
    // An attempt counts for the lockout period at most, which is never longer than this.
    db.collection(ATTEMPT_SLOTS_COLLECTION).deleteMany({ at: { $lt: new Date(now.getTime() - retention.lockoutMemoryMs) } }),
  ]);
  return {
    sessions: sessions.deletedCount,
    rateLimits: rateLimits.deletedCount,
    claims: claims.deletedCount,
    lockouts: lockouts.deletedCount,
    securityEvents,
    attemptSlots: attemptSlots.deletedCount,
  };
}

/** Keeps the newest `kept` security events (by time; events sharing the oldest kept time all stay). Two scans on FerretDB. */
async function trimSecurityEvents(db: Db, kept: number): Promise<number> {
  const events = db.collection<{ at: Date }>(SECURITY_EVENTS_COLLECTION);
  const [oldestKept] = await events.find({}, { projection: { at: 1 } }).sort({ at: -1, _id: -1 }).skip(kept - 1).limit(1).toArray();
  if (!oldestKept) return 0;
  return (await events.deleteMany({ at: { $lt: oldestKept.at } })).deletedCount;
}

export function schedulePurge(db: Db, logger: Logger, retention: Retention, everyMs = 10 * 60_000): () => void {
  const timer = setInterval(() => {
    if (pausedForRestore()) return;
    purgeExpired(db, retention)
      .then((removed) => logger.debug(removed, 'purged expired sessions, rate limits, claims and lockouts; trimmed security events'))
      .catch((error: unknown) => logger.warn({ err: error }, 'purge of expired records failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
