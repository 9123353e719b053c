import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';

const STATE_COLLECTION = 'directory_state';
const LISTINGS_KEY = 'listings';

type ChangeMark = { _id: string; mark: string; at: Date };

const marks = () => mongoose.connection.db!.collection<ChangeMark>(STATE_COLLECTION);

/**
 * Leaves a new mark in one small document whenever any listing is written, so every app instance can
 * tell "nothing changed" with one read by _id instead of scanning listings (FerretDB on SQLite scans a
 * collection for any filter but _id). A mark only has to differ from the last, so concurrent writes
 * that overwrite each other's mark lose nothing.
 */
export async function markListingsChanged(): Promise<void> {
  await marks().updateOne({ _id: LISTINGS_KEY }, { $set: { mark: randomUUID(), at: new Date() } }, { upsert: true });
}

/** The latest mark, or '' before any listing was ever written. */
export async function listingsChangeMark(): Promise<string> {
  return (await marks().findOne({ _id: LISTINGS_KEY }))?.mark ?? '';
}
