import './all-models';
import { claimsIndex, releaseOldClaims } from './db/claims';
import { modelIndexSpecs, type IndexSpec } from './db/indexes';
import type { PurgeTask } from './db/maintenance';
import { attemptSlotIndexes, forgottenAttempts } from './features/accounts/attempt-slots';
import { trimSecurityEvents } from './features/accounts/security-events';
import { purgeExpiredRateLimits, rateLimitIndexes } from './features/accounts/rate-limits';
import { forgottenLockouts } from './features/accounts/sign-in-throttle';
import { purgeExpiredSessions, sessionsIndex, sessionUsersIndex } from './web/session';

/**
 * What db/maintenance looks after in place of TTL indexes, gathered from the modules that own each
 * collection (composition root, beside app.ts and server.ts: the only place that may name them all).
 */
export const libraryIndexes: readonly IndexSpec[] = [...rateLimitIndexes, sessionsIndex, sessionUsersIndex, claimsIndex, ...attemptSlotIndexes];

/**
 * Every index the app needs: those its mongoose models declare (all registered by ./all-models) and the
 * libraries' above. db/indexes' ensureIndexes builds them, and nothing else creates an index (mongoose's
 * autoIndex is off): the app at start-up, `npm run restore`, the seed and the tests all pass this list.
 */
export function appIndexSpecs(): IndexSpec[] {
  return [...modelIndexSpecs(), ...libraryIndexes];
}

/**
 * securityEventsKept: how many of the latest security events to keep in the recent-events window.
 * lockoutMemoryMs: how long after a lockout ends it still counts towards a longer next one.
 */
export type Retention = { securityEventsKept: number; lockoutMemoryMs: number };

/**
 * Expired sessions, rate-limit counters, claims, lockouts and counted sign-in attempts no longer
 * remembered; the security-events window trimmed.
 */
export function purgeTasks(retention: Retention): PurgeTask[] {
  return [
    purgeExpiredSessions,
    purgeExpiredRateLimits,
    releaseOldClaims,
    forgottenLockouts(retention.lockoutMemoryMs),
    trimSecurityEvents(retention.securityEventsKept),
    forgottenAttempts(retention.lockoutMemoryMs),
  ];
}
