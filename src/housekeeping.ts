import { claimsIndex, releaseOldClaims } from './db/claims';
import type { IndexSpec, PurgeTask } from './db/maintenance';
import { trimSecurityEvents } from './features/accounts/security-events';
import { purgeExpiredRateLimits, rateLimitIndexes } from './features/accounts/rate-limits';
import { forgottenLockouts } from './features/accounts/sign-in-throttle';
import { purgeExpiredSessions, sessionsIndex } from './web/session';

/**
 * What db/maintenance looks after in place of TTL indexes, gathered from the modules that own each
 * collection (composition root, beside app.ts and server.ts: the only place that may name them all).
 */
export const libraryIndexes: readonly IndexSpec[] = [...rateLimitIndexes, sessionsIndex, claimsIndex];

/**
 * securityEventsKept: how many of the latest security events to keep in the recent-events window.
 * lockoutMemoryMs: how long after a lockout ends it still counts towards a longer next one.
 */
export type Retention = { securityEventsKept: number; lockoutMemoryMs: number };

/** Expired sessions, rate-limit counters, claims and lockouts no longer remembered; the security-events window trimmed. */
export function purgeTasks(retention: Retention): PurgeTask[] {
  return [
    purgeExpiredSessions,
    purgeExpiredRateLimits,
    releaseOldClaims,
    forgottenLockouts(retention.lockoutMemoryMs),
    trimSecurityEvents(retention.securityEventsKept),
  ];
}
