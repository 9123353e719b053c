import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model } from 'mongoose';

/** An in-app message to one user: what happened and where to act on it. */
const notificationSchema = new Schema({
  recipient: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  subject: { type: String, required: true, maxlength: 200 },
  text: { type: String, required: true, maxlength: 1000 },
  href: { type: String, required: true, maxlength: 300 },
  /** The school it concerns, if any: someone linked to several schools sees it while acting for that one. */
  school: { type: Schema.Types.ObjectId, ref: 'School' },
  createdAt: { type: Date, required: true, default: () => new Date() },
  /** Its email: waiting to go (or to be tried again), sent, or given up on. Absent for notices kept in-app only. */
  email: { type: String, enum: ['waiting', 'sent', 'failed'] },
  /** When its email is next to be tried: at once, then later after each failure. */
  emailDueAt: { type: Date },
  emailAttempts: { type: Number },
});

notificationSchema.index(...scalarIndex({ recipient: 1, createdAt: -1 }));
notificationSchema.index(...scalarIndex({ email: 1, emailDueAt: 1 }));

export const Notification = model('Notification', notificationSchema);
