import '../../db/mongoose-setup';
import { Schema, model } from 'mongoose';

/** Mail the service would have sent, kept here when no SMTP server is configured (demos, tests). */
const outboxMessageSchema = new Schema(
  {
    from: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
  },
  { timestamps: true },
);

outboxMessageSchema.index({ createdAt: -1 });

export const OutboxMessage = model('OutboxMessage', outboxMessageSchema);
