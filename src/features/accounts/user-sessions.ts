import mongoose, { type Types } from 'mongoose';
import { SESSION_COLLECTION, sessionDocuments } from '../../web/session';
import { DatabaseSessionStore } from '../../web/session-store';

/**
 * Deletes every stored session of this user but the one named in `except` (the browser that changed the
 * password stays signed in). Sessions of a deactivated user already stop working (their record changed, so
 * the next request reads it again and needs them active); deleting them also drops what they held. Each session is stored as a JSON
 * string (web/session-store.ts), so this matches passport's `"user":"<id>"` in it.
 */
export async function endSessionsOf(userId: Types.ObjectId, options: { except?: string } = {}): Promise<number> {
  const pattern = `"passport":\\{"user":"${userId.toHexString()}"\\}`;
  const filter = { session: { $regex: pattern }, ...(options.except ? { _id: { $ne: options.except } } : {}) };
  const result = await mongoose.connection.db!.collection<{ _id: string }>(SESSION_COLLECTION).deleteMany(filter);
  return result.deletedCount;
}

/** For the security log: how many other sessions a password change ended. */
export const signedOutElsewhere = (sessions: number) => (sessions === 1 ? '1 other session signed out' : `${sessions} other sessions signed out`);

/** What a password change or reset tells the user about their other browsers and devices. */
export function signedOutNotice(sessionsEnded: number): string {
  if (sessionsEnded === 0) return 'You were not signed in anywhere else.';
  return `You have been signed out of ${sessionsEnded === 1 ? 'the 1 other browser or device' : `the ${sessionsEnded} other browsers or devices`} where you were signed in.`;
}

/** Each of these users' sessions reads them afresh on its next request (user.model.ts calls this after every change to a user). */
export async function forgetKeptUsers(userIds: readonly Types.ObjectId[]): Promise<void> {
  await DatabaseSessionStore.forgetStoredUsers(sessionDocuments(mongoose.connection), userIds.map(String));
}
