import '../../db/mongoose-setup';
import { scalarIndex } from '../../db/scalar-index';
import { Schema, model } from 'mongoose';

export const TOKEN_PURPOSES = ['invitation', 'password_reset'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/**
 * A one-time link to set a password. Only the SHA-256 of the token is stored, so the database
 * alone cannot be used to take over an account. Used and expired tokens are kept (no TTL index
 * on FerretDB); a used one is marked with `usedAt`.
 */
const accountTokenSchema = new Schema(
  {
    tokenHash: { type: String, required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    purpose: { type: String, enum: TOKEN_PURPOSES, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
  },
  { timestamps: true },
);

accountTokenSchema.index(...scalarIndex({ tokenHash: 1 }, { unique: true }));
accountTokenSchema.index(...scalarIndex({ user: 1, purpose: 1 }));

export const AccountToken = model('AccountToken', accountTokenSchema);
