import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { BSON, type ClientSession, type Db, type Document, type IndexDescription } from 'mongodb';
import { ensureIndexes, UniqueKeyCheck, type IndexSpec } from './indexes';
import { recordRestoreState, RESTORE_PAUSE_MS, RESTORE_STATE_COLLECTION } from './restore-state';

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
/** The last line: how many documents each collection has, so a cut-short file is known as such. */
type Trailer = { end: typeof FORMAT; counts: Record<string, number> };

export type BackupSummary = { file: string; collections: Record<string, number>; uniqueKeyProblems: string[] };

/** derived: collections rebuilt from the rest (the report figures), left out; session: a MongoDB snapshot session every read is made in. */
export type BackupOptions = { derived?: readonly string[]; session?: ClientSession };

/** Collections a backup leaves out: those rebuilt from the rest, and the restore bookkeeping (it describes the database, not the data). */
const leftOut = (name: string, derived: readonly string[] = []) => name.startsWith('system.') || name === RESTORE_STATE_COLLECTION || derived.includes(name);

const specsOf = (header: Header): IndexSpec[] =>
  header.collections.flatMap(({ name, indexes }) =>
    indexes.map((index) => ({
      collection: name,
      key: index.key as IndexSpec['key'],
      name: index.name!,
      ...(index.unique ? { unique: true } : {}),
      ...(index.sparse ? { sparse: true } : {}),
    })),
  );

/**
 * Writes every collection (uploads included: they live in the database) to one gzipped file of
 * canonical Extended JSON lines, with each collection's index definitions and a last line of counts,
 * so a restore recreates the database exactly (dates, ObjectIds and binary data keep their types) and
 * knows a file that was cut short.
 *
 * It reads one collection after another, so on its own it is a consistent picture only of a database
 * nothing writes to: snapshot-backup.ts gives it one (a copy of the embedded database made at one
 * moment, or, on MongoDB, a snapshot `session` every read is made in).
 *
 * It also checks the unique keys as MongoDB would (uniqueKeyProblems), since data FerretDB accepted may
 * not build its indexes on MongoDB.
 */
export async function writeBackup(db: Db, file: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((name) => !leftOut(name, options.derived))
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
  const check = new UniqueKeyCheck(specsOf(header));

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
      check.add(name, document);
      counts[name]++;
    }
  }
  const trailer: Trailer = { end: FORMAT, counts };
  await write(JSON.stringify(trailer));
  lines.end();
  await written;
  return { file, collections: counts, uniqueKeyProblems: check.problems() };
}

export class RestoreError extends Error {}

type Entry = { kind: 'header'; header: Header } | { kind: 'document'; collection: string; document: Document } | { kind: 'trailer'; trailer: Trailer };

/** The lines of a backup, parsed; refuses a file that is not one, or that this version cannot read. */
async function* readBackup(file: string): AsyncGenerator<Entry> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let header: Header | undefined;
  try {
    for await (const line of lines) {
      if (!line) continue;
      if (!header) {
        try {
          header = JSON.parse(line) as Header;
        } catch {
          throw new RestoreError(`${file} is not a backup made by npm run backup`);
        }
        if (header.format !== FORMAT) throw new RestoreError(`${file} is not a backup made by npm run backup`);
        if (header.version !== VERSION) throw new RestoreError(`${file} is a backup of format version ${header.version}; this version reads ${VERSION}`);
        yield { kind: 'header', header };
        continue;
      }
      if (line.startsWith('{"end":')) {
        yield { kind: 'trailer', trailer: JSON.parse(line) as Trailer };
        continue;
      }
      const { c: collection, d: document } = EJSON.parse(line, { relaxed: false }) as { c: string; d: Document };
      yield { kind: 'document', collection, document };
    }
  } catch (error) {
    if (error instanceof RestoreError) throw error;
    throw new RestoreError(`${file} cannot be read (${(error as Error).message}): it may be damaged or cut short`);
  }
  if (!header) throw new RestoreError(`${file} is empty`);
}

export type BackupCheck = { header: Header; counts: Record<string, number>; complete: boolean; uniqueKeyProblems: string[] };

/**
 * Reads a whole backup without changing anything: every line parses, the counts match its last line,
 * and its unique keys (its own indexes and the app's) would build on MongoDB as on FerretDB.
 */
export async function checkBackup(file: string, appIndexes: readonly IndexSpec[] = []): Promise<BackupCheck> {
  let header: Header | undefined;
  let trailer: Trailer | undefined;
  let check = new UniqueKeyCheck([]);
  const counts: Record<string, number> = {};
  for await (const entry of readBackup(file)) {
    if (entry.kind === 'header') {
      header = entry.header;
      check = new UniqueKeyCheck([...specsOf(header), ...appIndexes]);
      for (const { name } of header.collections) counts[name] = 0;
    } else if (entry.kind === 'trailer') {
      trailer = entry.trailer;
    } else {
      if (trailer) throw new RestoreError(`${file} has documents after its last line: it is damaged`);
      counts[entry.collection] = (counts[entry.collection] ?? 0) + 1;
      check.add(entry.collection, entry.document);
    }
  }
  if (trailer) {
    for (const [name, count] of Object.entries(trailer.counts)) {
      if ((counts[name] ?? 0) !== count) throw new RestoreError(`${file} is incomplete: ${name} has ${counts[name] ?? 0} of its ${count} documents`);
    }
  }
  return { header: header!, counts, complete: Boolean(trailer), uniqueKeyProblems: check.problems() };
}

export type RestoreOptions = {
  /** Collections rebuilt from the rest: not in a backup, and emptied by a restore. */
  derived?: readonly string[];
  /** Replace whatever the database holds (`npm run restore` backs it up first). Without it, a database with data is refused. */
  replace?: boolean;
  /** The app's own indexes, built beside the backup's (one owner: ensureIndexes). */
  appIndexes?: readonly IndexSpec[];
  /** How long to wait, once running app instances have been told, before changing anything. */
  pauseMs?: number;
  /** Called once the file is checked and before data is replaced (to back that data up first). */
  beforeReplacing?: () => Promise<void>;
  say?: (line: string) => void;
};

export type RestoreSummary = { counts: Record<string, number>; replaced: Record<string, number>; indexesCreated: string[]; complete: boolean };

/** Collections holding documents, other than those rebuilt from the rest, with how many. */
export async function collectionsWithData(db: Db, derived: readonly string[] = []): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (leftOut(name, derived)) continue;
    const count = await db.collection(name).estimatedDocumentCount();
    if (count > 0) found[name] = count;
  }
  return found;
}

/**
 * Loads a backup: first reads all of it (checkBackup), so a damaged file or one whose unique keys would
 * not build changes nothing; then, into an empty database, inserts every document and builds the
 * indexes; or, with `replace`, tells running app instances (which answer "being restored" meanwhile),
 * empties every collection (keeping its indexes), loads, and tells them it is done. Indexes are built
 * by ensureIndexes only, each once: those the backup lists and those the app defines, if missing.
 */
export async function restoreBackup(db: Db, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const say = options.say ?? (() => undefined);
  const checked = await checkBackup(file, options.appIndexes);
  if (checked.uniqueKeyProblems.length) {
    const problems = checked.uniqueKeyProblems;
    throw new RestoreError(
      `${file} holds data whose unique indexes would not build on MongoDB, so it is not restored: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`,
    );
  }
  if (!checked.complete) say(`${file} has no last line of counts (made before they were written): its completeness cannot be checked.`);

  const present = await collectionsWithData(db, options.derived);
  if (Object.keys(present).length && !options.replace) {
    const [name, count] = Object.entries(present)[0]!;
    throw new RestoreError(
      `The database "${db.databaseName}" is not empty (${name} has ${count} documents), and this restore may only fill an empty one (--if-empty). Without --if-empty, npm run restore backs up its data and replaces it.`,
    );
  }

  if (Object.keys(present).length) await options.beforeReplacing?.();
  // Recorded even into an empty database, so an app already running on it reloads what it keeps in memory.
  const replacing = Object.keys(present).length > 0;
  await recordRestoreState(db, 'restoring', file);
  if (replacing) {
    say(`Told the running app (if any) that the database is being restored; waiting ${Math.round((options.pauseMs ?? RESTORE_PAUSE_MS) / 1000)} s for requests in progress to finish.`);
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? RESTORE_PAUSE_MS));
  }
  try {
    const replaced: Record<string, number> = {};
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (name.startsWith('system.') || name === RESTORE_STATE_COLLECTION) continue;
      const { deletedCount } = await db.collection(name).deleteMany({});
      if (deletedCount && !options.derived?.includes(name)) replaced[name] = deletedCount;
    }

    const counts: Record<string, number> = Object.fromEntries(checked.header.collections.map(({ name }) => [name, 0]));
    const pending = new Map<string, Document[]>();
    const flush = async (name: string) => {
      const batch = pending.get(name);
      if (batch?.length) await db.collection(name).insertMany(batch, { ordered: true });
      pending.set(name, []);
    };
    for await (const entry of readBackup(file)) {
      if (entry.kind !== 'document') continue;
      const batch = pending.get(entry.collection) ?? [];
      batch.push(entry.document);
      pending.set(entry.collection, batch);
      counts[entry.collection] = (counts[entry.collection] ?? 0) + 1;
      if (batch.length >= BATCH) await flush(entry.collection);
    }
    for (const name of pending.keys()) await flush(name);
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const { name } of checked.header.collections) if (!existing.has(name)) await db.createCollection(name);

    const indexes = await ensureIndexes(db, [...specsOf(checked.header), ...(options.appIndexes ?? [])]);
    await recordRestoreState(db, 'restored', file);
    return { counts, replaced, indexesCreated: indexes.created, complete: checked.complete };
  } catch (error) {
    await recordRestoreState(db, 'failed', file, (error as Error).message).catch(() => undefined);
    throw error;
  }
}
