import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { recordAudit } from '../audit/audit.service';
import { School } from '../schools/school.model';
import type { ChangePasswordForm, CreateUserForm } from './accounts.schemas';
import { hashPassword, spendVerificationTime, verifyPassword } from './passwords';
import type { Role } from './roles';
import { User, type UserFields } from './user.model';

/** What the rest of the app knows about the signed-in person. */
export type SessionUser = {
  id: string;
  name: string;
  email: string;
  role: Role;
  schoolId: string | undefined;
  mustChangePassword: boolean;
};

type StoredUser = Pick<UserFields, 'name' | 'email' | 'role' | 'school' | 'mustChangePassword'> & { _id: Types.ObjectId };

export function toSessionUser(user: StoredUser): SessionUser {
  return {
    id: user._id.toString(),
    name: user.name,
    email: user.email,
    role: user.role as Role,
    schoolId: user.school?.toString(),
    mustChangePassword: user.mustChangePassword,
  };
}

export function canManageUsers(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

/** The user for these credentials, or null. Deactivated users cannot sign in. */
export async function authenticate(email: string, password: string): Promise<SessionUser | null> {
  const user = await User.findOne({ email: email.toLowerCase() });
  if (!user) {
    await spendVerificationTime(password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password)) || !user.active) return null;
  await User.updateOne({ _id: user._id }, { $set: { lastSignInAt: new Date() } });
  return toSessionUser(user);
}

/** Used on every request: a deactivated or deleted user's sessions stop working at once. */
export async function findActiveUser(id: string): Promise<SessionUser | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const user = await User.findOne({ _id: id, active: true }, { name: 1, email: 1, role: 1, school: 1, mustChangePassword: 1 }).lean();
  return user ? toSessionUser(user) : null;
}

export type ChangePasswordResult = { ok: true } | { ok: false; field: 'currentPassword'; message: string };

export async function changeOwnPassword(actor: SessionUser, form: ChangePasswordForm): Promise<ChangePasswordResult> {
  const user = await User.findOne({ _id: actor.id, active: true });
  if (!user) throw new NotFoundError();
  if (!(await verifyPassword(user.passwordHash, form.currentPassword))) {
    return { ok: false, field: 'currentPassword', message: 'Your current password is not right' };
  }
  await User.updateOne(
    { _id: user._id },
    { $set: { passwordHash: await hashPassword(form.newPassword), mustChangePassword: false } },
  );
  await recordAudit({ actor: user._id, action: 'password_changed', subjectType: 'User', subjectId: user._id });
  return { ok: true };
}

export type CreateUserResult = { ok: true; id: string } | { ok: false; field: keyof CreateUserForm; message: string };

export async function createUser(actor: SessionUser, form: CreateUserForm): Promise<CreateUserResult> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  let school: Types.ObjectId | undefined;
  if (form.role === 'school') {
    const found = Types.ObjectId.isValid(form.school ?? '') ? await School.findById(form.school) : null;
    if (!found) return { ok: false, field: 'school', message: 'Select the school this person works at' };
    school = found._id;
  }
  if (await User.exists({ email: form.email })) {
    return { ok: false, field: 'email', message: 'A user with this email address already exists' };
  }
  try {
    const user = await User.create({
      name: form.name,
      email: form.email,
      role: form.role,
      school,
      passwordHash: await hashPassword(form.password),
      mustChangePassword: true,
    });
    await recordAudit({
      actor: new Types.ObjectId(actor.id),
      action: 'user_created',
      subjectType: 'User',
      subjectId: user._id,
      changes: { role: form.role, email: form.email },
    });
    return { ok: true, id: user.id as string };
  } catch (error) {
    if ((error as { code?: number }).code === 11000) {
      return { ok: false, field: 'email', message: 'A user with this email address already exists' };
    }
    throw error;
  }
}

/** Deactivate or reactivate, as one conditional update so a double click records one change. */
export async function setUserActive(actor: SessionUser, userId: string, active: boolean): Promise<void> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(userId)) throw new NotFoundError();
  if (userId === actor.id) throw new NotAllowedError('You cannot deactivate your own account');
  const changed = await User.findOneAndUpdate({ _id: userId, active: !active }, { $set: { active } });
  if (!changed) {
    if (!(await User.exists({ _id: userId }))) throw new NotFoundError();
    return;
  }
  await recordAudit({
    actor: new Types.ObjectId(actor.id),
    action: active ? 'user_reactivated' : 'user_deactivated',
    subjectType: 'User',
    subjectId: changed._id,
  });
}

export type UserSummary = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  schoolName: string | undefined;
  lastSignInAt: Date | undefined;
};

type UserWithSchool = {
  _id: Types.ObjectId;
  name: string;
  email: string;
  role: string;
  active: boolean;
  lastSignInAt?: Date | null;
  school?: { name: string } | null;
};

function toUserSummary(user: UserWithSchool): UserSummary {
  return {
    id: user._id.toString(),
    name: user.name,
    email: user.email,
    role: user.role as Role,
    active: user.active,
    schoolName: user.school?.name,
    lastSignInAt: user.lastSignInAt ?? undefined,
  };
}

export async function listUsers(actor: SessionUser): Promise<UserSummary[]> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  const users = await User.find().sort({ name: 1 }).populate<{ school: { name: string } | null }>('school', 'name').lean();
  return users.map(toUserSummary);
}

export async function getUser(actor: SessionUser, userId: string): Promise<UserSummary> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(userId)) throw new NotFoundError();
  const user = await User.findById(userId).populate<{ school: { name: string } | null }>('school', 'name').lean();
  if (!user) throw new NotFoundError();
  return toUserSummary(user);
}
