import '../../db/mongoose-setup';
import { Schema, model } from 'mongoose';

/** One run of the retention purge that removed something: when, and how many of each kind (also in the audit trail). */
const retentionPurgeSchema = new Schema({
  at: { type: Date, required: true },
  removed: { type: Schema.Types.Mixed, required: true },
});

retentionPurgeSchema.index({ at: -1 });

export const RetentionPurge = model('RetentionPurge', retentionPurgeSchema, 'retention_purges');
