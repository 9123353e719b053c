import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { BSON, type ClientSession, type Db, type Document, type IndexDescription } from 'mongodb';

const { EJSON } = BSON;

const FORMAT = 'school-support-backup';
const VERSION = 1;
const BATCH = 500;

type Header = {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  database: string;
  collections: { name: string; indexes: IndexDescription[] }[];
};

export type BackupSummary = { file: string; collections: Record<string, number> };

/**
 * Collections computed from the others (the report figures): a backup leaves them out and they do not
 * count when checking that a restore's target is empty; they are rebuilt after a restore.
 */
/** derived: collections rebuilt from the rest, left out; session: a MongoDB snapshot session every read is made in. */
export type BackupOptions = { derived?: readonly string[]; session?: ClientSession };

/**
 * Writes every collection (uploads included: they live in the database) to one gzipped file of
 * canonical Extended JSON lines, with each collection's index definitions, so a restore recreates
 * the database exactly: dates, ObjectIds and binary data keep their types.
 *
 * It reads one collection after another, so on its own it is a consistent picture only of a database
 * nothing writes to: snapshot-backup.ts gives it one (a copy of the embedded database made at one
 * moment, or, on MongoDB, a snapshot `session` every read is made in).
 */
export async function writeBackup(db: Db, file: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((name) => !name.startsWith('system.') && !options.derived?.includes(name))
    .sort();
  const collections = await Promise.all(
    names.map(async (name) => ({
      name,
      indexes: (await db.collection(name).indexes())
        .filter((index) => index.name !== '_id_')
        .map(({ key, name: indexName, unique, sparse }) => ({ key, name: indexName, ...(unique ? { unique } : {}), ...(sparse ? { sparse } : {}) }) as IndexDescription),
    })),
  );
  const header: Header = { format: FORMAT, version: VERSION, createdAt: new Date().toISOString(), database: db.databaseName, collections };

  const lines = new PassThrough();
  const written = pipeline(lines, createGzip(), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  const write = async (line: string) => {
    if (!lines.write(`${line}\n`)) await once(lines, 'drain');
  };
  const counts: Record<string, number> = {};
  await write(JSON.stringify(header));
  for (const { name } of collections) {
    counts[name] = 0;
    for await (const document of db.collection(name).find({}, { session: options.session }).sort({ _id: 1 })) {
      await write(EJSON.stringify({ c: name, d: document }, { relaxed: false }));
      counts[name]++;
    }
  }
  lines.end();
  await written;
  return { file, collections: counts };
}

export class RestoreError extends Error {}

/** Loads a backup into a database that holds no documents yet, then recreates its indexes. */
export async function restoreBackup(db: Db, file: string, options: BackupOptions = {}): Promise<Record<string, number>> {
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (!name.startsWith('system.') && !options.derived?.includes(name) && (await db.collection(name).estimatedDocumentCount()) > 0) {
      throw new RestoreError(`The database "${db.databaseName}" is not empty (collection ${name} has documents). Restore only into an empty database.`);
    }
  }
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let header: Header | undefined;
  const counts: Record<string, number> = {};
  const pending = new Map<string, Document[]>();
  const flush = async (name: string) => {
    const batch = pending.get(name);
    if (batch?.length) await db.collection(name).insertMany(batch, { ordered: true });
    pending.set(name, []);
  };

  for await (const line of lines) {
    if (!line) continue;
    if (!header) {
      header = JSON.parse(line) as Header;
      if (header.format !== FORMAT || header.version !== VERSION) throw new RestoreError(`${file} is not a backup this version can read`);
      for (const { name } of header.collections) counts[name] = 0;
      continue;
    }
    const { c: name, d: document } = EJSON.parse(line, { relaxed: false }) as { c: string; d: Document };
    const batch = pending.get(name) ?? [];
    batch.push(document);
    pending.set(name, batch);
    counts[name] = (counts[name] ?? 0) + 1;
    if (batch.length >= BATCH) await flush(name);
  }
  if (!header) throw new RestoreError(`${file} is empty`);
  for (const name of pending.keys()) await flush(name);
  for (const { name, indexes } of header.collections) {
    if (!counts[name]) await db.createCollection(name).catch(() => undefined);
    if (indexes.length) await db.collection(name).createIndexes(indexes);
  }
  return counts;
}
