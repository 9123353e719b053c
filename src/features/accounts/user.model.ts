import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { ROLES } from '../../web/identity';

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true, maxlength: 254 },
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

userSchema.index(...scalarIndex({ role: 1, name: 1 }));

export type UserFields = InferSchemaType<typeof userSchema>;
export type UserDocument = HydratedDocument<UserFields>;
export const User = model('User', userSchema);
