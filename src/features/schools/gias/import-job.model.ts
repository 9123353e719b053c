import '../../../db/mongoose-setup';
import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One GIAS import started from the upload page. Its progress and report live here, not in the
 * memory of the instance running it, so any instance can show the progress page.
 */
const importJobSchema = new Schema(
  {
    status: { type: String, enum: ['running', 'finished', 'failed'], required: true, default: 'running' },
    phase: { type: String, enum: ['checking', 'importing'], required: true, default: 'checking' },
    fileName: { type: String, required: true, maxlength: 255 },
    totalBytes: { type: Number, required: true, min: 0 },
    bytesRead: { type: Number, required: true, default: 0 },
    rowsRead: { type: Number, required: true, default: 0 },
    laCodes: { type: [String], default: [] },
    startedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    finishedAt: { type: Date },
    report: { type: Schema.Types.Mixed },
    error: { type: String, maxlength: 1000 },
  },
  { timestamps: true },
);

importJobSchema.index({ createdAt: -1 });

export type ImportJobFields = InferSchemaType<typeof importJobSchema>;
export const ImportJob = model('ImportJob', importJobSchema);
