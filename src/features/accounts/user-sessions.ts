import mongoose, { type Types } from 'mongoose';
import { SESSION_COLLECTION } from '../../web/session';

/**
 * Deletes every stored session of this user. Sessions of a deactivated user already stop working
 * (each request reloads the user and needs them active); deleting them also drops what they held.
 * connect-mongo stores each session as a JSON string, so this matches passport's `"user":"<id>"` in it.
 */
export async function endSessionsOf(userId: Types.ObjectId): Promise<number> {
  const pattern = `"passport":\\{"user":"${userId.toHexString()}"\\}`;
  const result = await mongoose.connection.db!.collection(SESSION_COLLECTION).deleteMany({ session: { $regex: pattern } });
  return result.deletedCount;
}
