import { BSON, type Db, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { isScalarIndexName } from './scalar-index';

/**
 * The one owner of every index: the app at start-up (with src/housekeeping.ts's appIndexSpecs()), `npm run
 * restore` after loading, and the tests all go through ensureIndexes, and nothing else asks the database to create an index (mongoose's autoIndex
 * is off, see mongoose-setup.ts). It lists what exists and creates only what is missing, one index at a
 * time: FerretDB v1.24.2 panics ("slice bounds out of range") when one createIndexes command names
 * several indexes that already exist, which is what a restore used to send after mongoose had made them.
 *
 * A failure is an error, not a log line: an index that cannot be built (duplicates under a unique key,
 * a same-named index with another definition) stops start-up with a message that says what to do.
 */
export type IndexSpec = { collection: string; key: Record<string, 1 | -1>; name: string; unique?: boolean; sparse?: boolean };

export class IndexError extends Error {}

/** The name MongoDB gives an index when none is given: `field_1_other_-1`. */
export const defaultIndexName = (key: Record<string, unknown>) =>
  Object.entries(key)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');

/**
 * Every index the registered mongoose models declare. The whole list (every model, via src/all-models.ts,
 * and the indexes of collections that libraries own) is src/housekeeping.ts's appIndexSpecs().
 */
export function modelIndexSpecs(connection: mongoose.Connection = mongoose.connection): IndexSpec[] {
  const specs: IndexSpec[] = [];
  for (const name of connection.modelNames()) {
    const model = connection.model(name);
    for (const [fields, options] of model.schema.indexes()) {
      const key = Object.fromEntries(Object.entries(fields).map(([field, direction]) => [field, Number(direction) as 1 | -1]));
      if (Object.values(key).some((direction) => direction !== 1 && direction !== -1)) {
        throw new IndexError(`${name}: only ascending and descending indexes are supported (${JSON.stringify(fields)})`);
      }
      const opts = options as { name?: string; unique?: boolean; sparse?: boolean; expires?: unknown; expireAfterSeconds?: unknown; partialFilterExpression?: unknown };
      if (opts.expires !== undefined || opts.expireAfterSeconds !== undefined || opts.partialFilterExpression !== undefined) {
        throw new IndexError(`${name}: TTL and partial indexes do not work on FerretDB v1 (${JSON.stringify(fields)})`);
      }
      specs.push({
        collection: model.collection.collectionName,
        key,
        name: opts.name ?? defaultIndexName(key),
        ...(opts.unique ? { unique: true } : {}),
        ...(opts.sparse ? { sparse: true } : {}),
      });
    }
  }
  return specs;
}

const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).map(([field, direction]) => [field, Number(direction)])) ===
  JSON.stringify(Object.entries(b).map(([field, direction]) => [field, Number(direction)]));

/** What exists already, by collection; a collection that does not exist yet has none. */
async function existingIndexes(db: Db, collection: string): Promise<Document[]> {
  try {
    return await db.collection(collection).indexes();
  } catch (error) {
    if ((error as { codeName?: string; code?: number }).codeName === 'NamespaceNotFound' || (error as { code?: number }).code === 26) return [];
    throw error;
  }
}

export type EnsureIndexesResult = { created: string[]; present: number };

/**
 * Creates, one at a time, every index in specs that the database lacks; refuses an index that exists
 * under the same name with another definition. Before a unique index is built, the collection's data
 * is checked as MongoDB would (every document has the whole key, no key holds an array, no two documents
 * share it), because FerretDB accepts some of what MongoDB refuses: data that builds here must build there.
 */
export async function ensureIndexes(db: Db, specs: readonly IndexSpec[]): Promise<EnsureIndexesResult> {
  const byCollection = new Map<string, IndexSpec[]>();
  for (const spec of specs) byCollection.set(spec.collection, [...(byCollection.get(spec.collection) ?? []), spec]);
  const created: string[] = [];
  let present = 0;
  for (const [collection, wanted] of [...byCollection].sort(([a], [b]) => a.localeCompare(b))) {
    const existing = await existingIndexes(db, collection);
    const seen = new Set<string>();
    for (const spec of wanted) {
      if (seen.has(spec.name)) continue;
      seen.add(spec.name);
      const same = existing.find((index) => index.name === spec.name);
      if (same) {
        if (!sameKey(same.key as Record<string, unknown>, spec.key) || Boolean(same.unique) !== Boolean(spec.unique)) {
          throw new IndexError(
            `The index ${spec.name} on ${collection} exists with another definition (${describe(same)}; the app needs ${describe(spec)}). ` +
              `Drop it (db.${collection}.dropIndex("${spec.name}")) and start again: the app then builds it as it needs it.`,
          );
        }
        present++;
        continue;
      }
      const sameUnderAnotherName = existing.find((index) => sameKey(index.key as Record<string, unknown>, spec.key) && Boolean(index.unique) === Boolean(spec.unique));
      if (sameUnderAnotherName && !isScalarIndexName(spec.name)) {
        present++; // the same index under another name (made by hand, or by an older version): it does the job
        continue;
      }
      // Our FerretDB build uses an index for equality only under a *_scalar name (scalar-index.ts), so one
      // an older version built under another name is built again under this one.
      if (sameUnderAnotherName) await db.collection(collection).dropIndex(sameUnderAnotherName.name as string);
      if (spec.unique) {
        const problems = await uniqueKeyProblems(db, spec);
        if (problems.length) {
          throw new IndexError(`Cannot build the unique index ${spec.name} on ${collection}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}.`);
        }
      }
      try {
        await db.collection(collection).createIndex(spec.key, { name: spec.name, ...(spec.unique ? { unique: true } : {}), ...(spec.sparse ? { sparse: true } : {}) });
      } catch (error) {
        throw new IndexError(`Cannot build the index ${spec.name} on ${collection}: ${(error as Error).message}`);
      }
      created.push(`${collection}.${spec.name}`);
    }
  }
  return { created, present };
}

const describe = (index: { key?: unknown; unique?: unknown }) => `${JSON.stringify(index.key)}${index.unique ? ' unique' : ''}`;

/** Reads a dotted path (`a.b`) of a document. */
function valueAt(document: Document, path: string): unknown {
  let value: unknown = document;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Collects what would stop a unique index from building on MongoDB, or mean something else there than
 * on FerretDB: a document missing part of the key (MongoDB counts two such as duplicates; FerretDB
 * accepts them), a key part that is an array (MongoDB indexes each element), two documents with one key.
 */
export class UniqueKeyCheck {
  private readonly keys = new Map<string, Map<string, unknown>>();
  private readonly found: string[] = [];
  private readonly indexes: IndexSpec[];

  /** The same index named twice (the backup's and the app's) is checked once. */
  constructor(indexes: readonly IndexSpec[]) {
    const byName = new Map(indexes.filter((index) => index.unique).map((index) => [`${index.collection}.${index.name}`, index]));
    this.indexes = [...byName.values()];
  }

  add(collection: string, document: Document): void {
    for (const index of this.indexes) {
      if (index.collection !== collection) continue;
      const fields = Object.keys(index.key);
      const values = fields.map((field) => valueAt(document, field));
      const id = BSON.EJSON.stringify(document._id as never);
      const missing = fields.filter((_, i) => values[i] === undefined || values[i] === null);
      if (missing.length && !index.sparse) {
        this.found.push(`${collection} ${id} has no ${missing.join(', ')}`);
        continue;
      }
      if (values.some(Array.isArray)) {
        this.found.push(`${collection} ${id} holds a list in ${fields.filter((_, i) => Array.isArray(values[i])).join(', ')}`);
        continue;
      }
      const seen = this.keys.get(`${collection}.${index.name}`) ?? new Map<string, unknown>();
      this.keys.set(`${collection}.${index.name}`, seen);
      const key = BSON.EJSON.stringify(values as never, { relaxed: false });
      const other = seen.get(key);
      if (other !== undefined) this.found.push(`${collection} ${id} and ${BSON.EJSON.stringify(other as never)} share ${fields.join(', ')} ${key}`);
      else seen.set(key, document._id);
    }
  }

  problems(): string[] {
    return this.found;
  }
}

/** Reads the key fields of every document in the index's collection and reports what would break it. */
export async function uniqueKeyProblems(db: Db, spec: IndexSpec): Promise<string[]> {
  const check = new UniqueKeyCheck([spec]);
  const projection = Object.fromEntries(Object.keys(spec.key).map((field) => [field, 1]));
  for await (const document of db.collection(spec.collection).find({}, { projection })) check.add(spec.collection, document);
  return check.problems();
}
