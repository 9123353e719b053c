import type { Db } from 'mongodb';
import { RateLimiterMongo } from 'rate-limiter-flexible';

/** Shared by every app instance. Expired rows are purged by db/maintenance (no TTL index on FerretDB). */
export const RATE_LIMIT_COLLECTION = 'rate_limits';

export type SignInLimits = { maxFailuresPerAccount: number; maxFailuresPerIp: number; lockoutMinutes: number };
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMinutes: number };

/**
 * Counts failed sign-ins per account (whatever the IP) and per IP (whatever the account), with
 * rate-limiter-flexible's Mongo store. Once either count reaches its limit, sign-in is refused
 * until the window ends. A successful sign-in clears the account's count.
 */
export class SignInThrottle {
  private readonly store: { byAccount: RateLimiterMongo; byIp: RateLimiterMongo };

  constructor(
    db: Db,
    private readonly limits: SignInLimits,
  ) {
    const shared = {
      storeClient: db,
      tableName: RATE_LIMIT_COLLECTION,
      disableIndexesCreation: true,
      duration: limits.lockoutMinutes * 60,
    };
    this.store = {
      byAccount: new RateLimiterMongo({ ...shared, keyPrefix: 'sign_in_account', points: limits.maxFailuresPerAccount }),
      byIp: new RateLimiterMongo({ ...shared, keyPrefix: 'sign_in_ip', points: limits.maxFailuresPerIp }),
    };
  }

  async check(ip: string, email: string): Promise<ThrottleVerdict> {
    const { byAccount, byIp } = this.store;
    const [account, address] = await Promise.all([byAccount.get(email), byIp.get(ip)]);
    const blocked = [
      account && account.consumedPoints >= this.limits.maxFailuresPerAccount ? account : null,
      address && address.consumedPoints >= this.limits.maxFailuresPerIp ? address : null,
    ].filter((result) => result !== null);
    if (blocked.length === 0) return { allowed: true };
    const waitMs = Math.max(...blocked.map((result) => result.msBeforeNext));
    return { allowed: false, retryAfterMinutes: Math.max(1, Math.ceil(waitMs / 60_000)) };
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    // consume() rejects once over the limit; the count is what matters, not the rejection.
    const { byAccount, byIp } = this.store;
    await Promise.all([byAccount.consume(email).catch(ignoreLimitReached), byIp.consume(ip).catch(ignoreLimitReached)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.store.byAccount.delete(email);
  }
}

function ignoreLimitReached(reason: unknown): void {
  if (reason instanceof Error) throw reason;
}
