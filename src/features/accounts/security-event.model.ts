import '../../db/mongoose-setup';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/**
 * The latest security events, newest first by _id, for Traded Services' Security events page. It is a
 * window, not the record: db/maintenance keeps only the newest SECURITY_EVENTS_KEPT, because FerretDB
 * on SQLite scans a collection for any query but one _id, so the page's cost is the window's size.
 * Every event about an account is also an audit entry, kept for good.
 */
const securityEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    type: { type: String, required: true },
    actor: { type: Schema.Types.ObjectId, ref: 'User' },
    subject: { type: Schema.Types.ObjectId, ref: 'User' },
    // Only for sign-in attempts naming no account: the address that was typed.
    email: { type: String, maxlength: 254 },
    detail: { type: String, maxlength: 300 },
    ip: { type: String, required: true, maxlength: 100 },
    userAgent: { type: String, required: true, maxlength: 100 },
  },
  { versionKey: false },
);

// Used by MongoDB; FerretDB on SQLite scans whatever the query.
securityEventSchema.index({ at: -1 });

export const SECURITY_EVENTS_COLLECTION = 'securityevents';
export type SecurityEventFields = InferSchemaType<typeof securityEventSchema>;
export type SecurityEventRecord = SecurityEventFields & { _id: Types.ObjectId };
export const SecurityEvent = model('SecurityEvent', securityEventSchema, SECURITY_EVENTS_COLLECTION);
