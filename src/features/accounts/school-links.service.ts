import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { canManageUsers, type RequestContext, type SessionUser } from '../../web/identity';
import type { LinkSchoolForm } from './accounts.schemas';
import type { SchoolLookup } from './invitations.service';
import { recordSecurityEvent } from './security-events';
import { User } from './user.model';

// Traded Services link a school user to the schools they work for: one, or several for someone who works
// across schools. Every request reads the links afresh (findActiveUser), so a change applies at once.

export type LinkResult = { ok: true; schoolName: string; alreadyLinked: boolean } | { ok: false; field: 'urn'; message: string };
export type UnlinkResult = { ok: true; schoolName: string } | { ok: false; message: string };

export const LAST_SCHOOL_MESSAGE = 'A school user must be linked to at least one school. To stop them using the service, deactivate their account instead';

/** The school user whose links Traded Services may change: not an erased record, not another role. */
async function linkableUser(actor: SessionUser, userId: string) {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(userId)) throw new NotFoundError();
  const user = await User.findById(userId, { role: 1, schools: 1, erasedAt: 1 }).lean();
  if (!user) throw new NotFoundError();
  if (user.role !== 'school' || user.erasedAt) throw new NotAllowedError('Only school users are linked to schools');
  return { _id: user._id, schools: (user.schools ?? []).map(String) };
}

export async function linkSchool(actor: SessionUser, userId: string, form: LinkSchoolForm, schools: SchoolLookup, context: RequestContext): Promise<LinkResult> {
  const user = await linkableUser(actor, userId);
  const school = await schools.findOpenSchoolByUrn(form.urn);
  if (!school) return { ok: false, field: 'urn', message: `There is no open school with URN ${form.urn}` };
  if (user.schools.includes(school.id)) return { ok: true, schoolName: school.name, alreadyLinked: true };
  const schoolId = new Types.ObjectId(school.id);
  await User.updateOne({ _id: user._id, role: 'school' }, { $addToSet: { schools: schoolId } });
  await recordSecurityEvent({
    type: 'school_linked',
    actor: new Types.ObjectId(actor.id),
    subject: user._id,
    detail: `${school.name} (URN ${form.urn})`.slice(0, 300),
    changes: { school: schoolId },
    context,
  });
  return { ok: true, schoolName: school.name, alreadyLinked: false };
}

/** Refused for the last school: a school user with none could do nothing, and deactivating says so plainly. */
export async function unlinkSchool(actor: SessionUser, userId: string, schoolId: string, schools: SchoolLookup, context: RequestContext): Promise<UnlinkResult> {
  const user = await linkableUser(actor, userId);
  if (!Types.ObjectId.isValid(schoolId) || !user.schools.includes(schoolId)) throw new NotFoundError();
  const name = (await schools.schoolNameOf(schoolId)) ?? 'A school that no longer exists';
  if (user.schools.length === 1) return { ok: false, message: LAST_SCHOOL_MESSAGE };
  const school = new Types.ObjectId(schoolId);
  await User.updateOne({ _id: user._id }, { $pull: { schools: school } });
  await recordSecurityEvent({ type: 'school_unlinked', actor: new Types.ObjectId(actor.id), subject: user._id, detail: name.slice(0, 300), changes: { school }, context });
  return { ok: true, schoolName: name };
}
