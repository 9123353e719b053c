import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model } from 'mongoose';

/** Append-only record of who did what, when and why. */
const auditEntrySchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  actor: { type: Schema.Types.ObjectId, ref: 'User' },
  action: { type: String, required: true },
  subjectType: { type: String, required: true },
  subjectId: { type: Schema.Types.ObjectId, required: true },
  reason: { type: String, maxlength: 2000 },
  changes: { type: Schema.Types.Mixed },
  // Security events only: where the request came from (see security-events.ts).
  ip: { type: String, maxlength: 100 },
  userAgent: { type: String, maxlength: 100 },
});

auditEntrySchema.index(...scalarIndex({ subjectId: 1, at: -1 }));

export const AuditEntry = model('AuditEntry', auditEntrySchema);
