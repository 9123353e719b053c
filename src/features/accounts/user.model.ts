import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType, type HydratedDocument, type MongooseQueryMiddleware, type Types } from 'mongoose';
import { forgetKeptUsers } from './user-sessions';
import { ROLES } from '../../web/identity';

const userSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    role: { type: String, required: true, enum: ROLES },
    // A school user's schools: one, or several for someone who works across schools (a trust's school-improvement
    // lead, an executive head). Databases from before this held one `school`: school-links.ts converts them at start.
    schools: { type: [{ type: Schema.Types.ObjectId, ref: 'School' }], default: undefined },
    // Unset until an invited user sets a password with their one-time link.
    passwordHash: { type: String },
    invitedAt: { type: Date },
    active: { type: Boolean, required: true, default: true },
    mustChangePassword: { type: Boolean, required: true, default: false },
    lastSignInAt: { type: Date },
    // Set when Traded Services erase a departed user's personal data (erasure.service.ts).
    erasedAt: { type: Date },
  },
  { timestamps: true },
);

userSchema.index(...scalarIndex({ email: 1 }, { unique: true }));
userSchema.index(...scalarIndex({ role: 1, name: 1 }));

/** What a session keeps of its user (web/session-store.ts): a change to any of these is seen on the next request. */
const KEPT_WITH_SESSIONS = ['email', 'name', 'role', 'schools', 'active', 'mustChangePassword', 'erasedAt'];

function changesKeptFields(update: unknown): boolean {
  if (!update || typeof update !== 'object') return false;
  if (Array.isArray(update)) return true; // an aggregation pipeline: it could change anything
  return Object.entries(update).some(([key, value]) => (key.startsWith('$') ? changesKeptFields(value) : KEPT_WITH_SESSIONS.includes(key.split('.')[0]!)));
}

// Every way the app (or a test, or a script) changes users goes through one of these, so each session's copy
// of its user is dropped after any change that matters; the ids are found before the write, dropped after it.
const changedUsers = new WeakMap<object, Types.ObjectId[]>();
const QUERY_WRITES: MongooseQueryMiddleware[] = ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'];
userSchema.pre(QUERY_WRITES, { document: false, query: true }, async function () {
  const deleting = (this as { op?: string }).op?.toLowerCase().includes('delete');
  if (!deleting && !changesKeptFields(this.getUpdate())) return;
  const users = await this.model.find(this.getFilter(), { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  changedUsers.set(this, users.map((user) => user._id));
});
userSchema.post(QUERY_WRITES, { document: false, query: true }, async function () {
  const ids = changedUsers.get(this);
  if (ids?.length) await forgetKeptUsers(ids);
});
userSchema.pre('save', function () {
  if (!this.isNew && KEPT_WITH_SESSIONS.some((field) => this.isModified(field))) changedUsers.set(this, [this._id]);
});
userSchema.post('save', async function () {
  const ids = changedUsers.get(this);
  if (ids) await forgetKeptUsers(ids);
});

export type UserFields = InferSchemaType<typeof userSchema>;
export type UserDocument = HydratedDocument<UserFields>;
export const User = model('User', userSchema);
