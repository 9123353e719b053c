import type { Db, MongoServerError } from 'mongodb';
import { deleteOlderThan, type IndexSpec, type PurgeTask } from '../../db/maintenance';

/** Shared by every app instance; purged by db/maintenance once older than any window (no TTL index on FerretDB). */
export const ATTEMPT_SLOTS_COLLECTION = 'sign_in_attempt_slots';

export const attemptSlotIndexes: IndexSpec[] = [
  // _scalar: our FerretDB build answers `{ key }` from this index (scalar-index.ts).
  { collection: ATTEMPT_SLOTS_COLLECTION, key: { key: 1 }, name: 'key_1_scalar' },
  { collection: ATTEMPT_SLOTS_COLLECTION, key: { at: 1 }, name: 'at_1' },
];

/** An attempt counts for the lockout period at most, which is never longer than lockoutMemoryMs. */
export function forgottenAttempts(lockoutMemoryMs: number): PurgeTask {
  return deleteOlderThan('attemptSlots', ATTEMPT_SLOTS_COLLECTION, 'at', (now) => new Date(now.getTime() - lockoutMemoryMs));
}

type Slot = { _id: string; key: string; n: number; g: number; at: Date };

export type SlotVerdict = { allowed: true; slot: string } | { allowed: false; msBeforeNext: number };

const isDuplicate = (error: unknown) => (error as MongoServerError).code === 11000;

/**
 * Counts attempts exactly across app instances, without $inc (FerretDB v1 loses concurrent increments:
 * 30 wrong passwords spread over two instances got 16 to 20 password checks where 10 were allowed).
 * A key has `points` numbered slots; an attempt is counted by inserting a document whose _id names the
 * key, a free slot and that slot's next generation (`key:n:g`). The database refuses a second document
 * with the same _id atomically, on FerretDB and MongoDB alike, so two instances can never both take one
 * slot; a slot is taken (live) for windowMs, after which its next generation may be taken. So at most
 * `points` attempts are counted in any window, however many instances count them.
 */
export class AttemptSlots {
  constructor(
    private readonly db: Db,
    private readonly points: number,
    private readonly windowMs: number,
    private readonly clock: () => Date,
  ) {}

  async consume(key: string): Promise<SlotVerdict> {
    // Each lost race means another attempt took a slot, so this ends within `points` tries or refuses.
    for (let tries = 0; tries <= this.points + 2; tries++) {
      const now = this.clock().getTime();
      const latest = new Map<number, Slot>();
      for (const slot of await this.slots().find({ key }).toArray()) {
        if ((latest.get(slot.n)?.g ?? -1) < slot.g) latest.set(slot.n, slot);
      }
      const live = (slot: Slot | undefined) => slot !== undefined && slot.at.getTime() > now - this.windowMs;
      const taken = [...latest.values()].filter(live);
      if (taken.length >= this.points) {
        return { allowed: false, msBeforeNext: Math.max(1, Math.min(...taken.map((slot) => slot.at.getTime() + this.windowMs - now))) };
      }
      const n = Array.from({ length: this.points }, (_, i) => i + 1).find((candidate) => !live(latest.get(candidate)))!;
      const g = (latest.get(n)?.g ?? -1) + 1;
      const slot = `${key}:${n}:${g}`;
      try {
        await this.slots().insertOne({ _id: slot, key, n, g, at: new Date(now) });
        return { allowed: true, slot };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
      }
    }
    return { allowed: false, msBeforeNext: this.windowMs };
  }

  /** Forgets every attempt counted under the key. */
  async forget(key: string): Promise<void> {
    await this.slots().deleteMany({ key });
  }

  private slots() {
    return this.db.collection<Slot>(ATTEMPT_SLOTS_COLLECTION);
  }
}
