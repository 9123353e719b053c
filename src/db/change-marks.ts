import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';

const COLLECTION = 'directory_state';

type ChangeMark = { _id: string; mark: string; at: Date };

const marks = () => mongoose.connection.db!.collection<ChangeMark>(COLLECTION);

/**
 * Leaves a new mark in one small document whenever a kind of record changes, so any app instance can
 * tell "nothing changed" with one read by _id instead of reading the records. A mark only has to differ
 * from the last, so concurrent writes that overwrite each other's mark lose nothing.
 */
export async function markChanged(key: string): Promise<void> {
  await marks().updateOne({ _id: key }, { $set: { mark: randomUUID(), at: new Date() } }, { upsert: true });
  recentlyRead.delete(key);
}

/** The latest mark, or '' before the first change. */
export async function changeMark(key: string): Promise<string> {
  return (await marks().findOne({ _id: key }))?.mark ?? '';
}

const recentlyRead = new Map<string, { mark: Promise<string>; at: number }>();

/**
 * The latest mark as read at most maxAgeMs ago (callers meanwhile share one read), for a check made on
 * every request: another instance's change shows within maxAgeMs, and a change made through this process
 * (markChanged) at once.
 */
export function recentChangeMark(key: string, maxAgeMs: number): Promise<string> {
  const known = recentlyRead.get(key);
  if (known && Date.now() - known.at < maxAgeMs) return known.mark;
  const mark = changeMark(key);
  const entry = { mark, at: Date.now() };
  recentlyRead.set(key, entry);
  mark.catch(() => {
    if (recentlyRead.get(key) === entry) recentlyRead.delete(key);
  });
  return mark;
}

/** Several marks in one read, by key ('' for a key never marked). */
export async function changeMarks<K extends string>(keys: readonly K[]): Promise<Record<K, string>> {
  const found = await marks().find({ _id: { $in: [...keys] } }).toArray();
  const byKey = new Map(found.map((mark) => [mark._id, mark.mark]));
  return Object.fromEntries(keys.map((key) => [key, byKey.get(key) ?? ''])) as Record<K, string>;
}
