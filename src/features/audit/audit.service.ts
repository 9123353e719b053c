import type { Types } from 'mongoose';
import { AuditEntry } from './audit.model';

export type AuditInput = {
  actor: Types.ObjectId | undefined;
  action: string;
  subjectType: string;
  subjectId: Types.ObjectId;
  reason?: string;
  changes?: Record<string, unknown>;
  ip?: string;
  userAgent?: string;
};

export async function recordAudit(entry: AuditInput): Promise<void> {
  await AuditEntry.create(entry);
}

/** Records the entry under an id chosen in advance, once: recording it again changes nothing. */
export async function recordAuditOnce(id: Types.ObjectId, at: Date, entry: AuditInput): Promise<void> {
  try {
    await AuditEntry.create({ _id: id, at, ...entry });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}

/** A record's history newest first (ties by newest entry), with each actor's name. */
export async function historyOf(subjectType: string, subjectId: Types.ObjectId) {
  return AuditEntry.find({ subjectType, subjectId }).sort({ at: -1, _id: -1 }).populate<{ actor: { name: string } | null }>('actor', 'name').lean();
}

export async function auditTrailFor(subjectType: string, subjectId: Types.ObjectId) {
  return AuditEntry.find({ subjectType, subjectId }).sort({ at: -1 }).populate('actor', 'name').lean();
}
