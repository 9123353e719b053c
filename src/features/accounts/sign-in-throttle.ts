import type { Db } from 'mongodb';
import { RateLimiterMemory, RateLimiterMongo, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Shared by every app instance. Expired rows are purged by db/maintenance (no TTL index on FerretDB). */
export const RATE_LIMIT_COLLECTION = 'rate_limits';

export type SignInLimits = { maxFailuresPerAccount: number; maxFailuresPerIp: number; lockoutMinutes: number };
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMinutes: number };

type Counter = { name: 'account' | 'ip'; limiters: RateLimiterAbstract[] };

/**
 * Limits sign-in attempts per account (from any address) and per address (for any account), with
 * rate-limiter-flexible. Each attempt is counted before the password is checked, so guesses sent in
 * parallel cannot all pass the check; a successful sign-in takes its attempt back (and clears the
 * account), so only failures add up. Counts are kept twice: in the database, shared by every
 * instance, and in memory, which is exact within one process (FerretDB v1 loses concurrent $inc).
 */
export class SignInThrottle {
  private readonly account: Counter;
  private readonly ip: Counter;

  constructor(db: Db, limits: SignInLimits) {
    const duration = limits.lockoutMinutes * 60;
    const both = (keyPrefix: string, points: number): RateLimiterAbstract[] => [
      new RateLimiterMemory({ keyPrefix, points, duration }),
      new RateLimiterMongo({ storeClient: db, tableName: RATE_LIMIT_COLLECTION, disableIndexesCreation: true, keyPrefix, points, duration }),
    ];
    this.account = { name: 'account', limiters: both('sign_in_account', limits.maxFailuresPerAccount) };
    this.ip = { name: 'ip', limiters: both('sign_in_ip', limits.maxFailuresPerIp) };
  }

  /** Counts an attempt; refused when the account or the address has used up its attempts. */
  async attempt(ip: string, email: string): Promise<ThrottleVerdict> {
    const outcomes = await Promise.allSettled([
      ...this.account.limiters.map((limiter) => limiter.consume(email)),
      ...this.ip.limiters.map((limiter) => limiter.consume(ip)),
    ]);
    const refusals: RateLimiterRes[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue;
      if (!(outcome.reason instanceof RateLimiterRes)) throw outcome.reason;
      refusals.push(outcome.reason);
    }
    if (refusals.length === 0) return { allowed: true };
    const waitMs = Math.max(...refusals.map((refusal) => refusal.msBeforeNext));
    return { allowed: false, retryAfterMinutes: Math.max(1, Math.ceil(waitMs / 60_000)) };
  }

  /** The password was right: the account starts afresh and the address gets its attempt back. */
  async succeeded(ip: string, email: string): Promise<void> {
    await Promise.all([...this.account.limiters.map((limiter) => limiter.delete(email)), ...this.ip.limiters.map((limiter) => limiter.reward(ip))]);
  }
}
