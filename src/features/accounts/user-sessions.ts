import mongoose, { type Types } from 'mongoose';
import { SESSION_COLLECTION } from '../../web/session';

/**
 * Deletes every stored session of this user but the one named in `except` (the browser that changed the
 * password stays signed in). Sessions of a deactivated user already stop working (each request reloads
 * the user and needs them active); deleting them also drops what they held. connect-mongo stores each
 * session as a JSON string, so this matches passport's `"user":"<id>"` in it.
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
