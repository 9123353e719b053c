import { Types } from 'mongoose';
import { User } from './user.model';

/**
 * A database written before school users could work across schools held one `school` per school user.
 * Each is moved into `schools` and the old field removed, by one update conditional on the old value: so
 * running it again (every start, and after a restore of an older backup) finds nothing to do, and two
 * instances starting together write the same result. Reads the users collection directly: the model no
 * longer knows the old field. Returns how many users it converted.
 */
export async function convertSingleSchoolLinks(): Promise<number> {
  const users = User.collection;
  const old = await users.find({ school: { $exists: true } }, { projection: { school: 1 } }).toArray();
  for (const user of old) {
    const school: unknown = user.school;
    const update = school instanceof Types.ObjectId ? { $addToSet: { schools: school }, $unset: { school: '' } } : { $unset: { school: '' } };
    await users.updateOne({ _id: user._id, school }, update);
  }
  return old.length;
}
