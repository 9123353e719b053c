import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { BoundedWork } from '../../lib/bounded-work';

/**
 * argon2id at 19 MiB, 2 passes, 1 lane: the first of OWASP's equivalent settings (Password Storage Cheat
 * Sheet). The library's default (64 MiB, 3 passes, 4 lanes) costs about ten times as much per sign-in for
 * the same resistance per second of an attacker's hardware. Hashes made with other settings still verify,
 * and are re-made with these at the owner's next sign-in.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes at once, unqueued: for the demo data, tests and benchmarks. Requests go through PasswordChecks. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** A hash that is not argon2 is simply wrong. */
function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

/** True when the hash was made with other settings than today's. */
export function hashNeedsUpgrade(hash: string): boolean {
  return argon2.needsRehash(hash, HASH_OPTIONS);
}

/**
 * Every hash and check a request makes, run one per core at a time (libuv has four threads, and other work
 * needs them too); about a second's worth may wait, and beyond that a check is refused with BusyError, so
 * a rush of sign-ins is told to try again in a moment rather than left waiting for many seconds.
 */
export class PasswordChecks {
  private decoyHash?: Promise<string>;

  constructor(private readonly work = new BoundedWork(Math.min(4, availableParallelism()), 64)) {}

  /** True when a check asked for now would be refused. */
  get busy(): boolean {
    return this.work.full;
  }

  hash(password: string): Promise<string> {
    return this.work.run(() => hashPassword(password));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.work.run(() => verifyPassword(hash, password));
  }

  /** Verifying against a decoy when the email is unknown makes both failures take the same time. */
  async spendVerificationTime(password: string): Promise<void> {
    this.decoyHash ??= hashPassword('decoy password that nobody has');
    await this.verify(await this.decoyHash, password);
  }
}
