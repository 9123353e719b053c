import type { Model, Types } from 'mongoose';

/** Our FerretDB build answers `_id: { $in }` from the index for up to this many ids (tools/ferretdb/patches/02-*). */
const IDS_PER_QUERY = 500;

/** Lean documents for any number of ids, in the order given (missing ones left out), a query per 500 ids. */
export async function findInOrder<T>(model: Model<T>, ids: readonly string[]): Promise<(T & { _id: Types.ObjectId })[]> {
  const groups: string[][] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) groups.push(ids.slice(start, start + IDS_PER_QUERY));
  const found = (await Promise.all(groups.map((group) => model.find({ _id: { $in: group } }).lean<(T & { _id: Types.ObjectId })[]>()))).flat();
  const byId = new Map(found.map((document) => [document._id.toString(), document]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
