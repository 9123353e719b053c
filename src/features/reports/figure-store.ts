import '../../db/mongoose-setup';
import { randomBytes } from 'node:crypto';
import { Schema, Types, model } from 'mongoose';
import type { FiguresChange } from './contribution';
import { FigureTable, type FigureRow } from './figure-table';

/**
 * Where the report figures live, kept so a report reads a few documents by `_id` (the only lookup FerretDB
 * v1 answers from an index) instead of grouping every commission:
 *
 * - **deltas**: one per status step that changes the figures, `_id` = the step's claim id
 *   (`<commission>:<version>`), so recording it twice is refused. Written after the step is claimed and
 *   before the commission is changed, so a commission never shows a step the figures lack.
 * - **sheets**: the summed rows (figure-table.ts) of one term or one school, stored as one JSON string
 *   (FerretDB reads one long string about five times faster than the same rows as subdocuments). A
 *   sheet is never changed: a fold writes a new one under a fresh `_id`.
 * - **heads**: a chain `fold:1`, `fold:2`, … Each head maps every sheet key to its current sheet and
 *   lists the deltas already in those sheets (kept for an hour, so a late duplicate of a folded delta is
 *   still recognised). A fold or rebuild takes effect by inserting the next head: of two racing, only
 *   one insert succeeds, on FerretDB and MongoDB alike. Heads are never deleted (so a number can never
 *   be taken twice); old ones are emptied. `latest` points near the newest head.
 *
 * Figures = the newest head's sheets + the deltas not yet folded into them.
 */
export const FIGURE_COLLECTIONS = ['report_figure_heads', 'report_figure_sheets', 'report_figure_deltas'] as const;

/** How long a folded delta's id is remembered (see the heads above). */
export const CONSUMED_RETENTION_MS = 60 * 60_000;
/** A rebuild marker older than this is taken to be abandoned (its process stopped). */
export const REBUILD_TIMEOUT_MS = 15 * 60_000;

type HeadDocument = { _id: string; seq: number; sheets?: string; consumed?: string; rebuildingSince?: Date; at?: Date };
type SheetDocument = { _id: string; key: string; seq: number; rows: string };
type DeltaDocument = { _id: string; commission: Types.ObjectId; version: number; school: string; change: string; at: Date };

const HeadModel = model<HeadDocument>(
  'ReportFigureHead',
  new Schema<HeadDocument>({ _id: String, seq: Number, sheets: String, consumed: String, rebuildingSince: Date, at: Date }, { versionKey: false }),
  FIGURE_COLLECTIONS[0],
);
export const SheetModel = model<SheetDocument>(
  'ReportFigureSheet',
  new Schema<SheetDocument>({ _id: String, key: String, seq: Number, rows: String }, { versionKey: false }),
  FIGURE_COLLECTIONS[1],
);
export const DeltaModel = model<DeltaDocument>(
  'ReportFigureDelta',
  new Schema<DeltaDocument>({ _id: String, commission: Schema.Types.ObjectId, version: Number, school: String, change: String, at: Date }, { versionKey: false }),
  FIGURE_COLLECTIONS[2],
);

const POINTER = 'latest';
const headId = (seq: number) => `fold:${seq}`;

/** A head as read: sheet key → sheet `_id`, and folded delta id → when it was folded (ms). */
export type Head = { seq: number; sheets: Map<string, string> | null; consumed: Map<string, number>; rebuildingSince?: Date };
export type UsableHead = Head & { sheets: Map<string, string> };

function parseHead(document: HeadDocument): Head {
  return {
    seq: document.seq,
    sheets: document.sheets === undefined ? null : new Map(Object.entries(JSON.parse(document.sheets) as Record<string, string>)),
    consumed: new Map(document.consumed ? (JSON.parse(document.consumed) as [string, number][]) : []),
    rebuildingSince: document.rebuildingSince,
  };
}

/** The newest head: from the pointer (which may lag or, after a race, even go back a little), up the chain. */
export async function latestHead(): Promise<Head | null> {
  let seq = (await HeadModel.findById(POINTER, { seq: 1 }).lean())?.seq ?? 0;
  let newest: HeadDocument | null = null;
  for (let next = await HeadModel.findById(headId(seq + 1)).lean(); next; next = await HeadModel.findById(headId(seq + 1)).lean()) {
    newest = next;
    seq += 1;
  }
  newest ??= seq > 0 ? await HeadModel.findById(headId(seq)).lean() : null;
  return newest ? parseHead(newest) : null;
}

export async function headExists(seq: number): Promise<boolean> {
  return (await HeadModel.exists({ _id: headId(seq) })) !== null;
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
  try {
    await HeadModel.create({
      _id: headId(seq),
      seq,
      ...(content.sheets ? { sheets: JSON.stringify(Object.fromEntries(content.sheets)) } : {}),
      consumed: JSON.stringify([...content.consumed]),
      ...(content.rebuildingSince ? { rebuildingSince: content.rebuildingSince } : {}),
      at: new Date(),
    });
  } catch (error) {
    if (isDuplicate(error)) return false;
    throw error;
  }
  await HeadModel.updateOne({ _id: POINTER }, { $set: { seq } }, { upsert: true });
  return true;
}

/** Empties a head no reader needs any more (two behind the newest), keeping it as a taken number. */
export async function emptyHead(seq: number): Promise<void> {
  if (seq > 0) await HeadModel.updateOne({ _id: headId(seq) }, { $unset: { sheets: 1, consumed: 1 } });
}

/** Empties every head before `seq` still holding content (after a rebuild: their sheets are gone). */
export async function emptyHeadsBefore(seq: number): Promise<void> {
  await HeadModel.updateMany({ seq: { $lt: seq }, sheets: { $exists: true } }, { $unset: { sheets: 1, consumed: 1 } });
}

/** Folded ids still within the retention window, plus `ids` folded now. */
export function consumedAfter(previous: Map<string, number>, ids: readonly string[], now = Date.now()): Map<string, number> {
  const kept = new Map([...previous].filter(([, at]) => now - at < CONSUMED_RETENTION_MS));
  for (const id of ids) kept.set(id, now);
  return kept;
}

export const newSheetId = (key: string, seq: number) => `${key}@${seq}.${randomBytes(4).toString('hex')}`;

/** Writes new sheets (never overwriting one), in batches; returns their ids by key. */
export async function writeSheets(seq: number, tables: ReadonlyMap<string, FigureTable>): Promise<Map<string, string>> {
  const documents = [...tables].filter(([, table]) => table.size > 0).map(([key, table]) => ({ _id: newSheetId(key, seq), key, seq, rows: JSON.stringify(table.toRows()) }));
  for (let start = 0; start < documents.length; start += 200) await SheetModel.insertMany(documents.slice(start, start + 200), { ordered: false, lean: true });
  return new Map(documents.map((document) => [document.key, document._id]));
}

/** The sheets with these ids, in order; null where one is gone (a newer head replaced it). */
export async function readSheets(ids: readonly string[]): Promise<(FigureTable | null)[]> {
  return Promise.all(
    ids.map(async (id) => {
      const sheet = await SheetModel.findById(id, { rows: 1 }).lean();
      return sheet ? FigureTable.of(JSON.parse(sheet.rows) as FigureRow[]) : null;
    }),
  );
}

export async function deleteSheets(ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) await SheetModel.deleteMany({ _id: { $in: ids.slice(start, start + 500) } });
}

export type PendingDelta = { id: string; commission: Types.ObjectId; version: number; school: string; change: FiguresChange };

/** Every delta not yet deleted (the collection holds only those since the last folds). */
export async function pendingDeltas(): Promise<PendingDelta[]> {
  const documents = await DeltaModel.find({}).lean();
  return documents.map((document) => ({ id: document._id, commission: document.commission, version: document.version, school: document.school, change: JSON.parse(document.change) as FiguresChange }));
}

export async function deleteDeltas(ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) await DeltaModel.deleteMany({ _id: { $in: ids.slice(start, start + 500) } });
}

/**
 * Records a step's change to the figures (idempotent: the id is the step's). `version` is the version
 * the step brings the commission to: once the commission is at it, the change is in the commission.
 */
export async function recordFiguresChange(stepId: string, commission: Types.ObjectId, version: number, change: FiguresChange): Promise<void> {
  try {
    await DeltaModel.create({ _id: stepId, commission, version, school: change.after.school, change: JSON.stringify(change), at: new Date() });
  } catch (error) {
    if (!isDuplicate(error)) throw error;
  }
}
