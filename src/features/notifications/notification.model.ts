import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model } from 'mongoose';

/** An in-app message to one user: what happened and where to act on it. */
const notificationSchema = new Schema({
  recipient: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  subject: { type: String, required: true, maxlength: 200 },
  text: { type: String, required: true, maxlength: 1000 },
  href: { type: String, required: true, maxlength: 300 },
  createdAt: { type: Date, required: true, default: () => new Date() },
});

notificationSchema.index(...scalarIndex({ recipient: 1, createdAt: -1 }));

export const Notification = model('Notification', notificationSchema);
