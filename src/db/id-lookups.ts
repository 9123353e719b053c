import mongoose, { type Model, type Query, type Schema, type Types } from 'mongoose';

const MAX_IDS = 200;

type Filter = Record<string, unknown>;

/** `{ _id: { $in: [...] } }` and nothing else: the shape populate() and id lists use. */
function idList(filter: Filter): unknown[] | undefined {
  if (Object.keys(filter).length !== 1) return undefined;
  const condition = filter._id as Record<string, unknown> | undefined;
  if (!condition || typeof condition !== 'object' || Object.keys(condition).length !== 1) return undefined;
  const ids = condition.$in;
  return Array.isArray(ids) && ids.length <= MAX_IDS ? ids : undefined;
}

/**
 * FerretDB v1 on SQLite answers `_id: { $in: [...] }` by scanning the whole collection (360 ms for
 * 25,000 schools), though it finds a single _id through its index in a millisecond. populate() asks
 * in exactly that shape, so this plugin answers such finds one _id at a time, in parallel, keeping
 * the order the database would give (_id order) and the query's projection and lean option. Finds
 * with a sort, skip or limit are left alone. On MongoDB it is merely unnecessary, never wrong.
 */
export function lookUpIdsOneAtATime(schema: Schema): void {
  schema.pre<Query<unknown, unknown>>('find', function (next) {
    const ids = idList(this.getFilter() as Filter);
    const options = this.getOptions() as { sort?: unknown; skip?: unknown; limit?: unknown };
    if (!ids || options.sort || options.skip || options.limit) return next();
    const model = this.model;
    const castIds = (this.cast(model, { _id: { $in: ids } }) as { _id: { $in: unknown[] } })._id.$in;
    const projection = (this.projection() as Record<string, unknown> | undefined) ?? undefined;
    const lean = Boolean(this.mongooseOptions().lean);
    Promise.all(castIds.map((id) => model.collection.findOne({ _id: id } as never, projection ? { projection } : {})))
      .then((found) => {
        const documents = found.filter((document) => document !== null).sort((a, b) => String(a!._id).localeCompare(String(b!._id)));
        // Mongoose's documented way for a pre hook to answer in place of the query.
        const answer = mongoose.skipMiddlewareFunction(lean ? documents : documents.map((document) => model.hydrate(document)));
        (next as (result: unknown) => void)(answer);
      })
      .catch(next);
  });
}

/** Lean documents for any number of ids, in the order given (missing ones left out), in groups the plugin above answers by index. */
export async function findInOrder<T>(model: Model<T>, ids: readonly string[]): Promise<(T & { _id: Types.ObjectId })[]> {
  const groups: string[][] = [];
  for (let start = 0; start < ids.length; start += MAX_IDS) groups.push(ids.slice(start, start + MAX_IDS));
  const found = (await Promise.all(groups.map((group) => model.find({ _id: { $in: group } }).lean<(T & { _id: Types.ObjectId })[]>()))).flat();
  const byId = new Map(found.map((document) => [document._id.toString(), document]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
