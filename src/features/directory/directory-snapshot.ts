import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { DirectoryDocument } from './directory-document';
import type { GridReference } from '../../lib/grid-distance';

const COLLECTION = 'directory_snapshots';
const CURRENT = 'current';
/** Bump when DirectoryDocument changes shape, so an older snapshot is ignored rather than misread. */
const FORMAT = 2;
/** Well under the 16 MB document limit, and small enough to read several at once. */
const CHUNK_CHARS = 2_000_000;

type SnapshotHead = { _id: string; format: number; seq: number; takenAt: Date; chunkIds: string[] };
type SnapshotChunk = { _id: string; json: string };

export type DirectorySnapshot = { seq: number; takenAt: Date; documents: DirectoryDocument[] };

const collection = <T extends { _id: string }>() => mongoose.connection.db!.collection<T>(COLLECTION);

/**
 * The listed providers as of listing-change entry `seq`, stored as a few large JSON strings. Reading
 * 10,000 listings back from FerretDB takes about 2 s (it decodes every field of every document); these
 * few strings take about 0.15 s, so an app instance starts from the snapshot and replays the change
 * log after `seq`. Chunks are written first and the head switched last, so a reader never sees half.
 */
export async function saveDirectorySnapshot(seq: number, documents: readonly DirectoryDocument[]): Promise<void> {
  const json = JSON.stringify(documents);
  const id = randomUUID();
  const chunkIds: string[] = [];
  for (let start = 0; start < json.length || chunkIds.length === 0; start += CHUNK_CHARS) {
    const chunkId = `${id}:${chunkIds.length}`;
    await collection<SnapshotChunk>().insertOne({ _id: chunkId, json: json.slice(start, start + CHUNK_CHARS) });
    chunkIds.push(chunkId);
  }
  const previous = await collection<SnapshotHead>().findOne({ _id: CURRENT });
  await collection<SnapshotHead>().replaceOne(
    { _id: CURRENT },
    { format: FORMAT, seq, takenAt: new Date(), chunkIds },
    { upsert: true },
  );
  for (const chunkId of previous?.chunkIds ?? []) await collection<SnapshotChunk>().deleteOne({ _id: chunkId });
}

/** The latest snapshot, or null if there is none, it is of an older format, or it was replaced while being read. */
export async function loadDirectorySnapshot(): Promise<DirectorySnapshot | null> {
  const head = await collection<SnapshotHead>().findOne({ _id: CURRENT });
  if (!head || head.format !== FORMAT) return null;
  const chunks = await Promise.all(head.chunkIds.map((chunkId) => collection<SnapshotChunk>().findOne({ _id: chunkId })));
  if (chunks.some((chunk) => !chunk)) return null;
  const documents = (JSON.parse(chunks.map((chunk) => chunk!.json).join('')) as DirectoryDocument[]).map(reviveDates);
  return { seq: head.seq, takenAt: head.takenAt, documents };
}

/** The seq of the latest snapshot, without reading it. */
export async function directorySnapshotSeq(): Promise<number | null> {
  const head = await collection<SnapshotHead>().findOne({ _id: CURRENT }, { projection: { seq: 1, format: 1 } });
  return head && head.format === FORMAT ? head.seq : null;
}

const date = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

function reviveDates(document: DirectoryDocument): DirectoryDocument {
  return {
    ...document,
    designation: { awardedOn: date(document.designation.awardedOn), expiresOn: date(document.designation.expiresOn) },
    reviewDueOn: date(document.reviewDueOn),
    checksLapseOn: date(document.checksLapseOn),
    publishedAt: date(document.publishedAt),
    updatedAt: new Date(document.updatedAt),
  };
}

const SCHOOL_GRIDS = 'school-grids';

type SchoolGridsDocument = { _id: string; mark: string; json: string };
/** [school id, easting, northing], or [school id] where GIAS gives no location. */
type SchoolGridEntry = [string, number, number] | [string];

/**
 * The providers' employing schools' grid references as of the schools' change mark, so a starting instance
 * reads one document instead of thousands of schools (FerretDB on SQLite took about 2.5 s for 8,000).
 * About 50 bytes a school.
 */
export async function saveSchoolGrids(mark: string, grids: ReadonlyMap<string, GridReference | null>): Promise<void> {
  const entries: SchoolGridEntry[] = [...grids].map(([id, grid]) => (grid ? [id, grid.easting, grid.northing] : [id]));
  await collection<SchoolGridsDocument>().replaceOne({ _id: SCHOOL_GRIDS }, { mark, json: JSON.stringify(entries) }, { upsert: true });
}

/** The saved grid references, or null when there are none or they are from before the schools last changed. */
export async function loadSchoolGrids(mark: string): Promise<Map<string, GridReference | null> | null> {
  const saved = await collection<SchoolGridsDocument>().findOne({ _id: SCHOOL_GRIDS });
  if (!saved || saved.mark !== mark) return null;
  const entries = JSON.parse(saved.json) as SchoolGridEntry[];
  return new Map(entries.map(([id, easting, northing]) => [id, easting === undefined ? null : { easting, northing: northing! }]));
}
