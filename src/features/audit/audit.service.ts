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

export async function auditTrailFor(subjectType: string, subjectId: Types.ObjectId) {
  return AuditEntry.find({ subjectType, subjectId }).sort({ at: -1 }).populate('actor', 'name').lean();
}
