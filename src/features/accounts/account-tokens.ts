import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { claimOnce } from '../../db/claims';
import { AccountToken, type TokenPurpose } from './account-token.model';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new single-use token for this user; earlier unused ones for the same purpose stop working. */
export async function issueToken(user: Types.ObjectId, purpose: TokenPurpose, lifetimeMs: number): Promise<string> {
  const now = new Date();
  await AccountToken.updateMany({ user, purpose, usedAt: { $exists: false } }, { $set: { usedAt: now } });
  const token = randomBytes(32).toString('base64url');
  await AccountToken.create({ tokenHash: hashOf(token), user, purpose, expiresAt: new Date(now.getTime() + lifetimeMs) });
  return token;
}

export type TokenState = { state: 'usable'; purpose: TokenPurpose } | { state: 'unknown' | 'used' | 'expired'; purpose?: TokenPurpose };

/** Whether a link still works, to say so clearly before anyone types a password. */
export async function tokenState(token: string): Promise<TokenState> {
  const found = token ? await AccountToken.findOne({ tokenHash: hashOf(token) }).lean() : null;
  if (!found) return { state: 'unknown' };
  const purpose = found.purpose as TokenPurpose;
  if (found.usedAt) return { state: 'used', purpose };
  if (found.expiresAt.getTime() <= Date.now()) return { state: 'expired', purpose };
  return { state: 'usable', purpose };
}

/**
 * Spends the token. Of two uses at once exactly one wins: the spend is a permanent claim on the token
 * (FerretDB does not apply a conditional update atomically). Returns the user it was for, or null when
 * it is unknown, used or expired.
 */
export async function spendToken(token: string): Promise<{ user: Types.ObjectId; purpose: TokenPurpose } | null> {
  if (!token) return null;
  const now = new Date();
  const spent = await AccountToken.findOne({ tokenHash: hashOf(token), usedAt: { $exists: false }, expiresAt: { $gt: now } }).lean();
  if (!spent || !(await claimOnce(`account-token:${spent._id.toString()}`, { permanent: true }))) return null;
  await AccountToken.updateOne({ _id: spent._id }, { $set: { usedAt: now } });
  await AccountToken.updateMany({ user: spent.user, usedAt: { $exists: false } }, { $set: { usedAt: now } });
  return { user: spent.user, purpose: spent.purpose as TokenPurpose };
}
