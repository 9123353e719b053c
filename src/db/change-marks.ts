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
}

/** The latest mark, or '' before the first change. */
export async function changeMark(key: string): Promise<string> {
  return (await marks().findOne({ _id: key }))?.mark ?? '';
}
