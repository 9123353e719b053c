import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { School } from '../school.model';
import { markSchoolPlacesChanged } from '../school-places';
import { readGiasRecords } from './gias-reader';
import { SKIP_REASONS, schoolFromGiasRecord, type ImportedSchool, type RowOptions, type SkipReason } from './gias-row';

export const FAILURES_KEPT = 10;
const BATCH_SIZE = 1000;
const PROGRESS_EVERY_ROWS = 2000;

export type ImportReport = {
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Schools newly recorded as closed (created closed, or open before and closed now). */
  closed: number;
  skipped: { reason: string; count: number }[];
  failed: number;
  failures: { line: number; problem: string }[];
};

export type ImportPhase = 'checking' | 'importing';
export type ImportProgress = { phase: ImportPhase; bytesRead: number; rowsRead: number };

export type ImportOptions = RowOptions & { onProgress?: (progress: ImportProgress) => void | Promise<void> };

/** The School fields the import owns; it never touches caseloads, priorities or support levels. */
const IMPORTED_FIELDS = [
  'name',
  'localAuthority',
  'laCode',
  'phase',
  'type',
  'status',
  'openedOn',
  'closedOn',
  'address',
  'postcode',
  'location',
  'grid',
  'trust',
  'headName',
  'pupils',
  'website',
] as const satisfies readonly (keyof ImportedSchool)[];

/**
 * Imports a GIAS establishment CSV in two streamed passes: the first reads the whole file and
 * stops with a MalformedFileError (before anything is written) if it cannot be read; the second
 * upserts by URN in batches. `open` is called once per pass and must return a fresh stream.
 */
export async function importGias(open: () => Readable, options: ImportOptions = {}): Promise<ImportReport> {
  const report = await checkGias(open, options);
  await applyGias(open, options, report);
  if (report.created + report.updated > 0) await markSchoolPlacesChanged();
  return report;
}

async function* outcomes(open: () => Readable, phase: ImportPhase, options: ImportOptions) {
  let bytesRead = 0;
  let rowsRead = 0;
  for await (const { line, record } of readGiasRecords(open(), (bytes) => (bytesRead += bytes))) {
    rowsRead++;
    if (rowsRead % PROGRESS_EVERY_ROWS === 0) await options.onProgress?.({ phase, bytesRead, rowsRead });
    yield { line, outcome: schoolFromGiasRecord(record, options) };
  }
  await options.onProgress?.({ phase, bytesRead, rowsRead });
}

async function checkGias(open: () => Readable, options: ImportOptions): Promise<ImportReport> {
  const skipped = new Map<SkipReason, number>();
  const report: ImportReport = { rowsRead: 0, created: 0, updated: 0, unchanged: 0, closed: 0, skipped: [], failed: 0, failures: [] };
  for await (const { line, outcome } of outcomes(open, 'checking', options)) {
    report.rowsRead++;
    if (outcome.kind === 'skipped') skipped.set(outcome.reason, (skipped.get(outcome.reason) ?? 0) + 1);
    if (outcome.kind === 'failed') {
      report.failed++;
      if (report.failures.length < FAILURES_KEPT) report.failures.push({ line, problem: outcome.problem });
    }
  }
  report.skipped = [...skipped].map(([reason, count]) => ({ reason: SKIP_REASONS[reason], count }));
  return report;
}

type Existing = { id: Types.ObjectId; facts: string; closed: boolean };

/**
 * What is already stored, by URN, read once with one streamed query: FerretDB on SQLite scans a
 * collection for any filter but `_id`, so looking schools up by URN per batch would be quadratic.
 * About 100 bytes a school (5 MB for every school in England).
 */
async function existingSchools(): Promise<Map<string, Existing>> {
  const existing = new Map<string, Existing>();
  const cursor = School.find({}, { urn: 1, ...Object.fromEntries(IMPORTED_FIELDS.map((field) => [field, 1])) }).lean().cursor({ batchSize: 2000 });
  for await (const school of cursor) {
    existing.set(school.urn, { id: school._id, facts: factsKey(school as unknown as Partial<ImportedSchool>), closed: school.status === 'closed' });
  }
  return existing;
}

async function applyGias(open: () => Readable, options: ImportOptions, report: ImportReport): Promise<void> {
  const existing = await existingSchools();
  let batch: ImportedSchool[] = [];
  for await (const { outcome } of outcomes(open, 'importing', options)) {
    if (outcome.kind !== 'school') continue;
    batch.push(outcome.school);
    if (batch.length >= BATCH_SIZE) {
      await applyBatch(batch, existing, report);
      batch = [];
    }
  }
  if (batch.length > 0) await applyBatch(batch, existing, report);
}

/** Writes only new and changed schools, so a repeated import changes nothing. Updates go by `_id`. */
async function applyBatch(batch: ImportedSchool[], existing: Map<string, Existing>, report: ImportReport): Promise<void> {
  const importedAt = new Date();
  const inserts: Record<string, unknown>[] = [];
  const updates: { updateOne: { filter: { _id: Types.ObjectId }; update: Record<string, Record<string, unknown>> } }[] = [];
  for (const school of batch) {
    const before = existing.get(school.urn);
    const facts = factsKey(school);
    if (before?.facts === facts) {
      report.unchanged++;
      continue;
    }
    if (school.status === 'closed' && !before?.closed) report.closed++;
    if (!before) {
      report.created++;
      const id = new Types.ObjectId();
      existing.set(school.urn, { id, facts, closed: school.status === 'closed' });
      inserts.push({ _id: id, urn: school.urn, importedAt, ...definedFields(school) });
      continue;
    }
    report.updated++;
    existing.set(school.urn, { id: before.id, facts, closed: school.status === 'closed' });
    const unset: Record<string, 1> = Object.fromEntries(IMPORTED_FIELDS.filter((field) => school[field] === undefined).map((field) => [field, 1 as const]));
    updates.push({
      updateOne: {
        filter: { _id: before.id },
        update: { $set: { importedAt, ...definedFields(school) }, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
      },
    });
  }
  if (inserts.length > 0) await School.insertMany(inserts, { ordered: false, lean: true });
  if (updates.length > 0) await School.bulkWrite(updates, { ordered: false });
}

function definedFields(school: ImportedSchool): Record<string, unknown> {
  return Object.fromEntries(IMPORTED_FIELDS.filter((field) => school[field] !== undefined).map((field) => [field, school[field]]));
}

/** A digest of the imported facts (dates as ISO strings; empty and missing alike), to spot changes. */
function factsKey(school: Partial<ImportedSchool>): string {
  return createHash('sha1').update(JSON.stringify(IMPORTED_FIELDS.map((field) => normalise(school[field])))).digest('base64');
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  // A location or grid reference, compared by its figures in a fixed order whatever order they were stored in.
  if (typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) {
    return Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
  }
  return value;
}
