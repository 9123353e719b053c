import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import mongoose from 'mongoose';
import { Binary, type Collection, type ObjectId } from 'mongodb';
import type { FiguresChange } from './contribution';
import { FigureTable, isTermSheet, type FigureRow } from './figure-table';

/**
 * Where the report figures live, kept so a report reads a few documents by `_id` instead of grouping
 * every commission:
 *
 * - **deltas**: one per status step that changes the figures, `_id` = the step's claim id
 *   (`<commission>:<version>`), so recording it twice is refused. Written after the step is claimed and
 *   before the commission changes, so a commission never shows a step the figures lack.
 * - **sheets**: the summed rows (figure-table.ts) of one term (for the whole LA) or one school (for SIP
 *   caseloads), gzipped JSON. A sheet is never changed: a fold writes a new one under a fresh `_id`.
 * - **heads**: a chain `fold:1`, `fold:2`, … Each head maps every sheet key to its current sheet and
 *   lists the deltas already in those sheets (kept for an hour, so a late duplicate of a folded delta is
 *   still recognised). A fold or rebuild takes effect by inserting the next head: of two racing, only
 *   one insert succeeds, on FerretDB and MongoDB alike. Heads are never deleted (so a number cannot be
 *   taken twice); old ones are emptied. `latest` points at (or just behind) the newest head.
 *
 * Figures = the newest head's sheets + the deltas not folded into them.
 *
 * Why compressed, and why term and school sheets apart: FerretDB v1 on SQLite finds an `_id` by
 * filtering every row in SQL (its index is on a different expression from the one it queries), so a
 * lookup costs about 1 ms per 2 MB stored in the collection, found or not. Kept small, a term sheet
 * costs a millisecond or two to find; a school sheet a few, with thousands of schools.
 */
export const FIGURE_COLLECTIONS = ['report_figure_heads', 'report_figure_term_sheets', 'report_figure_school_sheets', 'report_figure_deltas'] as const;

/** How long a folded delta's id is remembered (see the heads above). */
export const CONSUMED_RETENTION_MS = 60 * 60_000;
/** A rebuild marker older than this is taken to be abandoned (its process stopped). */
export const REBUILD_TIMEOUT_MS = 15 * 60_000;

type HeadDocument = { _id: string; seq: number; content?: Binary; rebuildingSince?: Date; at?: Date };
type SheetDocument = { _id: string; key: string; seq: number; rows: Binary };
type DeltaDocument = { _id: string; commission: ObjectId; version: number; school: string; change: string; at: Date };

const collection = <T extends { _id: string }>(name: (typeof FIGURE_COLLECTIONS)[number]): Collection<T> => mongoose.connection.db!.collection<T>(name);
const heads = () => collection<HeadDocument>('report_figure_heads');
const termSheets = () => collection<SheetDocument>('report_figure_term_sheets');
const schoolSheets = () => collection<SheetDocument>('report_figure_school_sheets');
const deltas = () => collection<DeltaDocument>('report_figure_deltas');
/** A sheet's collection, from its key (or its id, which starts with the key). */
const sheetsFor = (keyOrId: string) => (isTermSheet(keyOrId) ? termSheets() : schoolSheets());

const packed = (value: unknown) => new Binary(gzipSync(JSON.stringify(value)));
const unpacked = <T>(binary: Binary): T => JSON.parse(gunzipSync(binary.buffer).toString('utf8')) as T;

const POINTER = 'latest';
const headId = (seq: number) => `fold:${seq}`;

/** A head as read: sheet key → sheet `_id`, and folded delta id → when it was folded (ms). */
export type Head = { seq: number; sheets: Map<string, string> | null; consumed: Map<string, number>; rebuildingSince?: Date };
export type UsableHead = Head & { sheets: Map<string, string> };
type HeadContent = { sheets: [string, string][] | null; consumed: [string, number][] };

function parseHead(document: HeadDocument): Head {
  const content = document.content ? unpacked<HeadContent>(document.content) : { sheets: null, consumed: [] };
  return { seq: document.seq, sheets: content.sheets && new Map(content.sheets), consumed: new Map(content.consumed), rebuildingSince: document.rebuildingSince };
}

/** The newest head: from the pointer (which may lag or, after a race, even go back a little), up the chain. */
export async function latestHead(): Promise<Head | null> {
  let seq = (await heads().findOne({ _id: POINTER }))?.seq ?? 0;
  let newest: HeadDocument | null = null;
  for (let next = await heads().findOne({ _id: headId(seq + 1) }); next; next = await heads().findOne({ _id: headId(seq + 1) })) {
    newest = next;
    seq += 1;
  }
  newest ??= seq > 0 ? await heads().findOne({ _id: headId(seq) }) : null;
  return newest ? parseHead(newest) : null;
}

export async function headExists(seq: number): Promise<boolean> {
  return (await heads().findOne({ _id: headId(seq) }, { projection: { _id: 1 } })) !== null;
}

export function rebuildIsFresh(head: Head, now = new Date()): boolean {
  return head.rebuildingSince !== undefined && now.getTime() - head.rebuildingSince.getTime() < REBUILD_TIMEOUT_MS;
}

const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * Inserts head `seq`: true if this caller made it, false if another got there first. With `sheets`
 * null the head is a rebuild marker with no figures under it.
 */
export async function insertHead(seq: number, content: { sheets: Map<string, string> | null; consumed: Map<string, number>; rebuildingSince?: Date }): Promise<boolean> {
  const stored: HeadContent = { sheets: content.sheets && [...content.sheets], consumed: [...content.consumed] };
  try {
    await heads().insertOne({ _id: headId(seq), seq, content: packed(stored), ...(content.rebuildingSince ? { rebuildingSince: content.rebuildingSince } : {}), at: new Date() });
  } catch (error) {
    if (isDuplicate(error)) return false;
    throw error;
  }
  await heads().updateOne({ _id: POINTER }, { $set: { seq } }, { upsert: true });
  return true;
}

/** Empties a head no reader needs any more (two behind the newest), keeping it as a taken number. */
export async function emptyHead(seq: number): Promise<void> {
  if (seq > 0) await heads().updateOne({ _id: headId(seq) }, { $unset: { content: 1 } });
}

/** Empties every head before `seq` still holding content (after a rebuild: their sheets are gone). */
export async function emptyHeadsBefore(seq: number): Promise<void> {
  await heads().updateMany({ seq: { $lt: seq }, content: { $exists: true } }, { $unset: { content: 1 } });
}

/** Folded ids still within the retention window, plus `ids` folded now. */
export function consumedAfter(previous: ReadonlyMap<string, number>, ids: readonly string[], now = Date.now()): Map<string, number> {
  const kept = new Map([...previous].filter(([, at]) => now - at < CONSUMED_RETENTION_MS));
  for (const id of ids) kept.set(id, now);
  return kept;
}

const newSheetId = (key: string, seq: number) => `${key}@${seq}.${randomBytes(4).toString('hex')}`;

/** Writes new sheets for the non-empty tables (never overwriting one); returns their ids by key. */
export async function writeSheets(seq: number, tables: ReadonlyMap<string, FigureTable>): Promise<Map<string, string>> {
  const documents = [...tables].filter(([, table]) => table.size > 0).map(([key, table]) => ({ _id: newSheetId(key, seq), key, seq, rows: packed(table.toRows()) }));
  for (const kind of [termSheets(), schoolSheets()]) {
    const ofKind = documents.filter((document) => sheetsFor(document.key).collectionName === kind.collectionName);
    for (let start = 0; start < ofKind.length; start += 500) await kind.insertMany(ofKind.slice(start, start + 500), { ordered: false });
  }
  return new Map(documents.map((document) => [document.key, document._id]));
}

/** The sheets with these ids, in order; null where one is gone (a newer head replaced it). */
export async function readSheets(ids: readonly string[]): Promise<(FigureTable | null)[]> {
  return Promise.all(
    ids.map(async (id) => {
      const sheet = await sheetsFor(id).findOne({ _id: id });
      return sheet ? FigureTable.of(unpacked<FigureRow[]>(sheet.rows)) : null;
    }),
  );
}

export async function deleteSheets(ids: readonly string[]): Promise<void> {
  for (const kind of [termSheets(), schoolSheets()]) {
    const ofKind = ids.filter((id) => sheetsFor(id).collectionName === kind.collectionName);
    for (let start = 0; start < ofKind.length; start += 500) await kind.deleteMany({ _id: { $in: ofKind.slice(start, start + 500) } });
  }
}

/** Deletes every sheet written by heads up to `seq` that `keep` does not list (replaced, or left by a fold that lost). */
export async function deleteSheetsNotIn(keep: ReadonlySet<string>, seq: number): Promise<void> {
  for (const kind of [termSheets(), schoolSheets()]) {
    const stale = (await kind.find({ seq: { $lte: seq } }, { projection: { _id: 1 } }).toArray()).map((sheet) => sheet._id).filter((id) => !keep.has(id));
    for (let start = 0; start < stale.length; start += 500) await kind.deleteMany({ _id: { $in: stale.slice(start, start + 500) } });
  }
}

export type PendingDelta = { id: string; commission: ObjectId; version: number; school: string; change: FiguresChange };

/** Every delta not yet deleted (the collection holds only those since the last folds). */
export async function pendingDeltas(): Promise<PendingDelta[]> {
  const documents = await deltas().find({}).toArray();
  return documents.map((document) => ({ id: document._id, commission: document.commission, version: document.version, school: document.school, change: JSON.parse(document.change) as FiguresChange }));
}

export async function deleteDeltas(ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) await deltas().deleteMany({ _id: { $in: ids.slice(start, start + 500) } });
}

/**
 * Records a step's change to the figures (idempotent: the id is the step's). `version` is the version
 * the step brings the commission to: once the commission is at it, the change is in the commission.
 */
export async function recordFiguresChange(stepId: string, commission: ObjectId, version: number, change: FiguresChange): Promise<void> {
  try {
    await deltas().insertOne({ _id: stepId, commission, version, school: change.after.school, change: JSON.stringify(change), at: new Date() });
  } catch (error) {
    if (!isDuplicate(error)) throw error;
  }
}
