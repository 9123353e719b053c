import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../../lib/errors';
import { safeFilename } from '../../../lib/filenames';
import type { SessionUser } from '../../../web/identity';
import { recordAudit } from '../../audit/audit.service';
import { canManageSchools } from '../school-access';
import { importGias, type ImportReport } from './gias-import';
import { MalformedFileError } from './gias-reader';
import { ImportJob, type ImportJobFields } from './import-job.model';

/** A running job whose progress has not moved for this long has stopped (its server went away). */
const STALLED_AFTER_MS = 5 * 60_000;

export type UploadedGiasFile = { path: string; originalName: string; size: number };

/**
 * Starts importing an uploaded file in the background and returns at once. `finished` settles when
 * the job ends (the web layer only logs an unexpected failure; tests await it). The upload is
 * deleted afterwards.
 */
export async function startImportJob(user: SessionUser, file: UploadedGiasFile, laCodes: string[]) {
  if (!canManageSchools(user)) throw new NotAllowedError();
  const job = await ImportJob.create({
    fileName: safeFilename(file.originalName, 'establishments.csv'),
    totalBytes: file.size,
    laCodes,
    startedBy: new Types.ObjectId(user.id),
  });
  const finished = runImportJob(job._id, file.path, laCodes, user).finally(() => unlink(file.path).catch(() => undefined));
  return { id: job._id.toString(), finished };
}

async function runImportJob(jobId: Types.ObjectId, filePath: string, laCodes: string[], user: SessionUser): Promise<void> {
  try {
    const report = await importGias(() => createReadStream(filePath), {
      laCodes: laCodes.length > 0 ? new Set(laCodes) : undefined,
      onProgress: async ({ phase, bytesRead, rowsRead }) => {
        await ImportJob.updateOne({ _id: jobId, status: 'running' }, { $set: { phase, bytesRead, rowsRead } });
      },
    });
    await ImportJob.updateOne({ _id: jobId, status: 'running' }, { $set: { status: 'finished', report, finishedAt: new Date() } });
    await recordAudit({
      actor: new Types.ObjectId(user.id),
      action: 'schools_imported',
      subjectType: 'ImportJob',
      subjectId: jobId,
      changes: { created: report.created, updated: report.updated, closed: report.closed, rowsRead: report.rowsRead },
    });
  } catch (error) {
    const message =
      error instanceof MalformedFileError
        ? `${error.message} Nothing was imported; the schools already here are unchanged.`
        : 'The import stopped because of an unexpected problem. Schools imported before it stopped are kept; importing the file again is safe.';
    await ImportJob.updateOne({ _id: jobId, status: 'running' }, { $set: { status: 'failed', error: message, finishedAt: new Date() } });
    if (!(error instanceof MalformedFileError)) throw error;
  }
}

type JobView = {
  id: string;
  fileName: string;
  startedAt: Date;
  state: 'running' | 'finished' | 'failed' | 'stalled';
  phaseText: string;
  percent: number;
  rowsRead: number;
  laCodes: string[];
  report: ImportReport | undefined;
  error: string | undefined;
};

function toJobView(job: ImportJobFields & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date }): JobView {
  const stalled = job.status === 'running' && Date.now() - job.updatedAt.getTime() > STALLED_AFTER_MS;
  // Each pass reads the whole file: checking is the first half of the bar, importing the second.
  const passShare = job.totalBytes > 0 ? Math.min(1, job.bytesRead / job.totalBytes) : 1;
  const percent = job.status === 'finished' ? 100 : Math.floor((job.phase === 'checking' ? 0 : 50) + passShare * 50);
  return {
    id: job._id.toString(),
    fileName: job.fileName,
    startedAt: job.createdAt,
    state: stalled ? 'stalled' : (job.status as JobView['state']),
    phaseText: job.phase === 'checking' ? 'Checking the file' : 'Importing schools',
    percent,
    rowsRead: job.rowsRead,
    laCodes: job.laCodes,
    report: job.report as ImportReport | undefined,
    error: job.error ?? undefined,
  };
}

export async function importJob(user: SessionUser, id: string): Promise<JobView> {
  if (!canManageSchools(user)) throw new NotAllowedError();
  const job = Types.ObjectId.isValid(id) ? await ImportJob.findById(id).lean() : null;
  if (!job) throw new NotFoundError();
  return toJobView(job);
}

export async function recentImportJobs(user: SessionUser): Promise<JobView[]> {
  if (!canManageSchools(user)) throw new NotAllowedError();
  return (await ImportJob.find().sort({ createdAt: -1 }).limit(5).lean()).map(toJobView);
}
