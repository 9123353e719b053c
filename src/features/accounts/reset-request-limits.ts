import type { Db } from 'mongodb';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { addressKey, limiterPair, minutesToWait, refusals } from './rate-limits';

/** Requests for one email address an hour, whether or not it has an account: the reset emails are limited further (RESET_EMAILS_PER_HOUR). */
export const RESET_REQUESTS_PER_EMAIL_PER_HOUR = 5;
const HOUR_SECONDS = 60 * 60;

export type ResetRequestVerdict = { go: true } | { go: false; by: 'email' } | { go: false; by: 'ip'; retryAfterMinutes: number };

/**
 * Limits forgotten-password requests per email address and per IP, counted the same way for addresses
 * with and without an account, so neither the limit nor its timing tells them apart. Without it one
 * client could push real events out of the security-events page, which keeps only the latest.
 */
export class ResetRequestLimits {
  private readonly email: RateLimiterAbstract[];
  private readonly ip: RateLimiterAbstract[];

  constructor(db: Db, perIpPerHour: number) {
    this.email = limiterPair(db, 'reset_request_email', RESET_REQUESTS_PER_EMAIL_PER_HOUR, HOUR_SECONDS);
    this.ip = limiterPair(db, 'reset_request_ip', perIpPerHour, HOUR_SECONDS);
  }

  async request(ip: string, email: string): Promise<ResetRequestVerdict> {
    const [byEmail, byIp] = await Promise.all([refusals(this.email, addressKey(email)), refusals(this.ip, ip)]);
    if (byIp.length > 0) return { go: false, by: 'ip', retryAfterMinutes: minutesToWait(byIp) };
    if (byEmail.length > 0) return { go: false, by: 'email' };
    return { go: true };
  }
}
