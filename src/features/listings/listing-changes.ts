import mongoose, { Types } from 'mongoose';

const LOG_COLLECTION = 'listing_changes';
const STATE_COLLECTION = 'directory_state';
const HEAD_KEY = 'listing-changes-head';

/** One write to listings: the ids it touched, or null when a bulk write's filter does not say which. */
export type ListingChange = { _id: string; seq: number; ids: string[] | null; at: Date };

const log = () => mongoose.connection.db!.collection<ListingChange>(LOG_COLLECTION);
const state = () => mongoose.connection.db!.collection<{ _id: string; seq: number }>(STATE_COLLECTION);

/**
 * Appends an entry numbered one past the last. The number is claimed by inserting it as the entry's _id
 * (the only write FerretDB v1 makes atomic), so two writers never share one and the numbers have no
 * gaps: a writer only tries n + 1 once n exists. Every app instance reads the log forward by _id, the
 * one look-up FerretDB answers from an index, so "what changed since entry n?" costs one read when
 * nothing has. The head document is only a hint of where the log ends (it may lag; writers probe on).
 */
export async function recordListingChange(ids: string[] | null): Promise<number> {
  let seq = (await headHint()) + 1;
  for (;;) {
    try {
      await log().insertOne({ _id: String(seq), seq, ids, at: new Date() });
      break;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      seq += 1;
    }
  }
  await state().updateOne({ _id: HEAD_KEY }, { $max: { seq } }, { upsert: true });
  return seq;
}

/** The number of the last entry in the log (0 before any listing was written). */
export async function lastListingChange(): Promise<number> {
  let seq = await headHint();
  while (await log().findOne({ _id: String(seq + 1) }, { projection: { _id: 1 } })) seq += 1;
  return seq;
}

/**
 * Entries after `afterSeq`, in order. `gap` means entries this reader has not seen were pruned
 * (it fell too far behind), so it must rebuild from the listings themselves.
 */
export async function listingChangesAfter(afterSeq: number): Promise<{ changes: ListingChange[]; gap: boolean }> {
  const changes: ListingChange[] = [];
  for (let seq = afterSeq + 1; ; seq++) {
    const change = await log().findOne({ _id: String(seq) });
    if (!change) break;
    changes.push(change);
  }
  if (changes.length > 0 || (await headHint()) <= afterSeq) return { changes, gap: false };
  // The head moved past us: either the next entry was pruned, or it was written just after we looked.
  const arrived = await log().findOne({ _id: String(afterSeq + 1) }, { projection: { _id: 1 } });
  return arrived ? listingChangesAfter(afterSeq) : { changes, gap: true };
}

/** Drops entries before `beforeSeq` (readers that still needed them rebuild instead). */
export async function pruneListingChanges(beforeSeq: number): Promise<number> {
  return (await log().deleteMany({ seq: { $lt: beforeSeq } })).deletedCount;
}

async function headHint(): Promise<number> {
  return (await state().findOne({ _id: HEAD_KEY }))?.seq ?? 0;
}

/** The listing ids a query's filter names, if it names them by _id; otherwise null (any listing may have changed). */
export function idsNamedBy(filter: Record<string, unknown>): string[] | null {
  const id = filter._id;
  if (typeof id === 'string' || id instanceof Types.ObjectId) return [String(id)];
  const ids = (id as { $in?: unknown } | undefined)?.$in;
  if (Array.isArray(ids) && ids.every((each) => typeof each === 'string' || each instanceof Types.ObjectId)) return ids.map(String);
  return null;
}
