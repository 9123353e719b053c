import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { claimOnce } from '../../db/claims';
import { deleteOlderThan, type PurgeTask } from '../../db/maintenance';
import { AttemptSlots } from './attempt-slots';
import { lockoutMinutes, nextLockoutNumber } from './lockout-backoff';
import { addressKey as accountKey, limiterPair, minutesToWait, refusals } from './rate-limits';

/** One document per account (by a hash of its email): its lockouts in a row and the current counting period. */
export const LOCKOUT_COLLECTION = 'sign_in_lockouts';


/** lockoutMemoryMs: how long after a lockout ends it still counts towards a longer next one. */
export function forgottenLockouts(lockoutMemoryMs: number): PurgeTask {
  return deleteOlderThan('lockouts', LOCKOUT_COLLECTION, 'lockedUntil', (now) => new Date(now.getTime() - lockoutMemoryMs));
}

export type SignInLimits = { maxFailuresPerAccount: number; maxFailuresPerIp: number; lockoutMinutes: number; maxLockoutMinutes: number };
export type ThrottleVerdict =
  | { allowed: true }
  /** startedLockout: this attempt locked the account, as the nth lockout in a row (tell its owner). */
  | { allowed: false; by: 'account'; lockedUntil: Date; startedLockout?: number }
  | { allowed: false; by: 'address'; retryAfterMinutes: number };

type LockoutState = { _id: string; period: string; lockouts: number; lockedUntil?: Date };

const FIRST_PERIOD = 'first';

/**
 * Limits sign-in attempts per account (from any address) and per address (for any account). Each
 * attempt is counted before the password is checked, so guesses sent in parallel cannot all pass the
 * check; a successful sign-in starts the account afresh and gives the address its attempt back, so
 * only failures add up. An account's attempts are counted exactly across every instance by taking
 * numbered slots (attempt-slots.ts: unique _ids, no $inc, which FerretDB v1 loses when concurrent), in
 * windows of the lockout period on the throttle's clock. An address's are counted with
 * rate-limiter-flexible, in the database and in memory (exact within one process).
 *
 * When an account uses up its attempts it is locked, and each lockout in a row lasts twice as long as
 * the one before (lockout-backoff.ts). The lock and the run of lockouts live in LOCKOUT_COLLECTION,
 * read by _id on every attempt. Failures are counted per "period", a random name that changes at each
 * lockout, successful sign-in and password reset: so a reset on any instance gives fresh counts on
 * every instance, and a lock ending (by the clock, which tests may set) starts a fresh count. The
 * writes are plain replacements; of many attempts refused at once, a claim on the period lets exactly
 * one start the lockout, so its owner is told once.
 */
export class SignInThrottle {
  private readonly account: AttemptSlots;
  private readonly ip: RateLimiterAbstract[];

  constructor(
    private readonly db: Db,
    private readonly limits: SignInLimits,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const duration = limits.lockoutMinutes * 60;
    this.account = new AttemptSlots(db, limits.maxFailuresPerAccount, limits.lockoutMinutes * 60_000, clock);
    this.ip = limiterPair(db, 'sign_in_ip', limits.maxFailuresPerIp, duration);
  }

  /** Counts an attempt; refused while the account is locked, when this attempt locks it, or when the address has used up its attempts. */
  async attempt(ip: string, email: string): Promise<ThrottleVerdict> {
    const key = accountKey(email);
    const state = await this.lockouts().findOne({ _id: key });
    const now = this.clock();
    if (state?.lockedUntil && state.lockedUntil > now) return { allowed: false, by: 'account', lockedUntil: state.lockedUntil };

    const period = state?.period ?? FIRST_PERIOD;
    const [accountVerdict, ipRefusals] = await Promise.all([this.account.consume(`${key}:${period}`), refusals(this.ip, ip)]);
    if (!accountVerdict.allowed) return this.lockOut(key, state, period, now);
    if (ipRefusals.length > 0) return { allowed: false, by: 'address', retryAfterMinutes: minutesToWait(ipRefusals) };
    return { allowed: true };
  }

  /** The password was right: the account starts afresh (no lockouts in a row) and the address gets its attempt back. */
  async succeeded(ip: string, email: string): Promise<void> {
    await Promise.all([this.startAfresh(email), ...this.ip.map((limiter) => limiter.reward(ip))]);
  }

  /**
   * After a password reset: the lock (if any) is lifted and the run of lockouts forgotten. Attempts are
   * counted per period, so those counted before are no longer counted (and are purged with age).
   */
  async startAfresh(email: string): Promise<void> {
    await this.putState(accountKey(email), { period: newPeriod(), lockouts: 0 });
  }

  /** Everything kept about this address (for an erased account). */
  async forget(email: string): Promise<void> {
    const key = accountKey(email);
    await this.forgetCounts(key);
    await this.lockouts().deleteOne({ _id: key });
  }

  private async lockOut(key: string, state: LockoutState | null, period: string, now: Date): Promise<ThrottleVerdict> {
    const number = nextLockoutNumber(state, now, this.limits.maxLockoutMinutes * 60_000);
    const lockedUntil = new Date(now.getTime() + lockoutMinutes(number, this.limits.lockoutMinutes, this.limits.maxLockoutMinutes) * 60_000);
    if (!(await claimOnce(`sign-in-lockout:${key}:${period}`))) return { allowed: false, by: 'account', lockedUntil };
    await this.putState(key, { period: newPeriod(), lockouts: number, lockedUntil });
    return { allowed: false, by: 'account', lockedUntil, startedLockout: number };
  }

  private async forgetCounts(key: string): Promise<void> {
    const state = await this.lockouts().findOne({ _id: key });
    await this.account.forget(`${key}:${state?.period ?? FIRST_PERIOD}`);
  }

  /**
   * Replaces the account's record, or adds it. Two upserts of one _id at once (one login shared by a school
   * office) can both find nothing and one insert fail on the duplicate _id, on FerretDB and MongoDB alike:
   * the record is there by then, so once more replaces it.
   */
  private async putState(key: string, state: Omit<LockoutState, '_id'>): Promise<void> {
    const put = () => this.lockouts().replaceOne({ _id: key }, state, { upsert: true });
    await put().catch((error: unknown) => {
      if ((error as { code?: number }).code !== 11000) throw error;
      return put();
    });
  }

  private lockouts() {
    return this.db.collection<LockoutState>(LOCKOUT_COLLECTION);
  }
}

const newPeriod = () => randomBytes(8).toString('hex');
