import type { Readable } from 'node:stream';
import { School } from '../school.model';
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

async function applyGias(open: () => Readable, options: ImportOptions, report: ImportReport): Promise<void> {
  let batch: ImportedSchool[] = [];
  for await (const { outcome } of outcomes(open, 'importing', options)) {
    if (outcome.kind !== 'school') continue;
    batch.push(outcome.school);
    if (batch.length >= BATCH_SIZE) {
      await applyBatch(batch, report);
      batch = [];
    }
  }
  if (batch.length > 0) await applyBatch(batch, report);
}

/** Writes only new and changed schools, so a repeated import changes nothing. */
async function applyBatch(batch: ImportedSchool[], report: ImportReport): Promise<void> {
  const existing = await School.find({ urn: { $in: batch.map((school) => school.urn) } }, { urn: 1, ...projection() }).lean();
  const byUrn = new Map(existing.map((school) => [school.urn, school as unknown as Partial<ImportedSchool>]));
  const importedAt = new Date();
  const writes = [];
  for (const school of batch) {
    const before = byUrn.get(school.urn);
    if (before && sameFacts(before, school)) {
      report.unchanged++;
      continue;
    }
    if (before) report.updated++;
    else report.created++;
    if (school.status === 'closed' && before?.status !== 'closed') report.closed++;
    byUrn.set(school.urn, school);
    const set: Record<string, unknown> = { importedAt };
    const unset: Record<string, 1> = {};
    for (const field of IMPORTED_FIELDS) {
      if (school[field] === undefined) unset[field] = 1;
      else set[field] = school[field];
    }
    writes.push({
      updateOne: {
        filter: { urn: school.urn },
        update: { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
        upsert: true,
      },
    });
  }
  if (writes.length > 0) await School.bulkWrite(writes, { ordered: false });
}

function projection(): Record<string, 1> {
  return Object.fromEntries(IMPORTED_FIELDS.map((field) => [field, 1]));
}

/** Compares the imported facts as JSON (dates become ISO strings; empty and missing are alike). */
function sameFacts(before: Partial<ImportedSchool>, after: ImportedSchool): boolean {
  return IMPORTED_FIELDS.every((field) => JSON.stringify(normalise(before[field])) === JSON.stringify(normalise(after[field])));
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  if (typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) {
    const { latitude, longitude } = value as { latitude?: number; longitude?: number };
    return { latitude, longitude };
  }
  return value;
}
