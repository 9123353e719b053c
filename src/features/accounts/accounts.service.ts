import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { recordSecurityEvent } from './security-events';
import { type RequestContext } from '../../web/identity';
import type { ChangePasswordForm } from './accounts.schemas';
import { hashNeedsUpgrade, type PasswordChecks } from './passwords';
import { actingSchoolFor, canManageUsers, ROLES, type Role, type SessionUser } from '../../web/identity';
import { countsBy } from '../../db/counts-by';
import { User, type UserFields } from './user.model';
import { endSessionsOf, signedOutElsewhere } from './user-sessions';

type StoredUser = Pick<UserFields, 'name' | 'email' | 'role' | 'schools' | 'mustChangePassword'> & { _id: Types.ObjectId };

/** The signed-in user as the app sees them; a school user acts for their only school, or for none until they choose (web/acting-school.ts). */
export function toSessionUser(user: StoredUser): SessionUser {
  const schoolIds = user.role === 'school' ? (user.schools ?? []).map(String) : [];
  return {
    id: user._id.toString(),
    name: user.name,
    email: user.email,
    role: user.role as Role,
    schoolIds,
    actingSchoolId: actingSchoolFor(schoolIds, undefined),
    mustChangePassword: user.mustChangePassword,
  };
}

export type SignInFailure = 'unknown_account' | 'no_password' | 'wrong_password' | 'deactivated';
export type SignInOutcome = { ok: true; user: SessionUser } | { ok: false; failure: SignInFailure; userId?: Types.ObjectId };

/** Whether these credentials sign someone in, and if not why (for the security events; the user is told the same either way). */
export async function authenticate(email: string, password: string, checks: PasswordChecks): Promise<SignInOutcome> {
  const user = await User.findOne({ email: email.toLowerCase() });
  if (!user) {
    await checks.spendVerificationTime(password);
    return { ok: false, failure: 'unknown_account' };
  }
  // Someone invited who has not yet set a password (or whose account was erased) cannot sign in with any.
  if (!user.passwordHash) {
    await checks.spendVerificationTime(password);
    return { ok: false, failure: 'no_password', userId: user._id };
  }
  if (!(await checks.verify(user.passwordHash, password))) return { ok: false, failure: 'wrong_password', userId: user._id };
  if (!user.active) return { ok: false, failure: 'deactivated', userId: user._id };
  await User.updateOne({ _id: user._id }, { $set: { lastSignInAt: new Date() } });
  if (hashNeedsUpgrade(user.passwordHash)) await upgradeHash(user._id, user.passwordHash, await checks.hash(password));
  return { ok: true, user: toSessionUser(user) };
}

/** Re-made with today's settings; only if the password has not been changed meanwhile. */
async function upgradeHash(userId: Types.ObjectId, oldHash: string, newHash: string): Promise<void> {
  await User.updateOne({ _id: userId, passwordHash: oldHash }, { $set: { passwordHash: newHash } });
}

/** Used on every request: a deactivated or deleted user's sessions stop working at once, and a school unlinked from them is theirs no more. */
export async function findActiveUser(id: string): Promise<SessionUser | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const user = await User.findOne({ _id: id, active: true }, { name: 1, email: 1, role: 1, schools: 1, mustChangePassword: 1 }).lean();
  return user ? toSessionUser(user) : null;
}

export type ChangePasswordResult = { ok: true; otherSessionsEnded: number } | { ok: false; field: 'currentPassword'; message: string };

/** Changes the password and signs the account out everywhere but this browser (its session id). */
export async function changeOwnPassword(
  actor: SessionUser,
  form: ChangePasswordForm,
  context: RequestContext,
  thisSession: string,
  checks: PasswordChecks,
): Promise<ChangePasswordResult> {
  const user = await User.findOne({ _id: actor.id, active: true });
  if (!user) throw new NotFoundError();
  if (!user.passwordHash || !(await checks.verify(user.passwordHash, form.currentPassword))) {
    return { ok: false, field: 'currentPassword', message: 'Your current password is not right' };
  }
  await User.updateOne(
    { _id: user._id },
    { $set: { passwordHash: await checks.hash(form.newPassword), mustChangePassword: false } },
  );
  const otherSessionsEnded = await endSessionsOf(user._id, { except: thisSession });
  await recordSecurityEvent({ type: 'password_changed', actor: user._id, subject: user._id, context, detail: signedOutElsewhere(otherSessionsEnded) });
  return { ok: true, otherSessionsEnded };
}

/** Deactivate or reactivate, as one conditional update so a double click records one change. An erased account stays deactivated. */
export async function setUserActive(actor: SessionUser, userId: string, active: boolean, context: RequestContext): Promise<void> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(userId)) throw new NotFoundError();
  if (userId === actor.id) throw new NotAllowedError('You cannot deactivate your own account');
  const changed = await User.findOneAndUpdate({ _id: userId, active: !active, erasedAt: { $exists: false } }, { $set: { active } });
  if (!changed) {
    if (!(await User.exists({ _id: userId }))) throw new NotFoundError();
    return;
  }
  if (!active) await endSessionsOf(changed._id);
  await recordSecurityEvent({ type: active ? 'user_reactivated' : 'user_deactivated', actor: new Types.ObjectId(actor.id), subject: changed._id, context });
}

export type UserSummary = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  /** Invited, and has not yet set a password with the link. */
  awaitingPassword: boolean;
  /** Their personal data was erased: the record stays, anonymous, for the history that refers to it. */
  erasedAt: Date | undefined;
  /** A school user's schools, by name. */
  schools: LinkedSchool[];
  lastSignInAt: Date | undefined;
};

export type LinkedSchool = { id: string; name: string; urn: string };

/** A linked school as populate gives it: null for one that no longer exists. */
type LinkedSchoolRecord = { _id: Types.ObjectId; name: string; urn: string } | null;

type UserWithSchool = {
  _id: Types.ObjectId;
  name: string;
  email: string;
  role: string;
  active: boolean;
  passwordHash?: string | null;
  lastSignInAt?: Date | null;
  erasedAt?: Date | null;
  schools?: LinkedSchoolRecord[] | null;
};

function toUserSummary(user: UserWithSchool): UserSummary {
  return {
    id: user._id.toString(),
    name: user.name,
    email: user.erasedAt ? '' : user.email,
    role: user.role as Role,
    active: user.active,
    awaitingPassword: !user.passwordHash && !user.erasedAt,
    erasedAt: user.erasedAt ?? undefined,
    schools: (user.schools ?? [])
      .filter((school) => school !== null)
      .map((school) => ({ id: school._id.toString(), name: school.name, urn: school.urn }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    lastSignInAt: user.lastSignInAt ?? undefined,
  };
}

export async function listUsers(actor: SessionUser): Promise<UserSummary[]> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  const users = await User.find().sort({ name: 1 }).populate<{ schools: LinkedSchoolRecord[] | null }>('schools', 'name urn').lean();
  return users.map(toUserSummary);
}

export async function getUser(actor: SessionUser, userId: string): Promise<UserSummary> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(userId)) throw new NotFoundError();
  const user = await User.findById(userId).populate<{ schools: LinkedSchoolRecord[] | null }>('schools', 'name urn').lean();
  if (!user) throw new NotFoundError();
  return toUserSummary(user);
}

// What other features may know of users: these look-ups, never the User model itself.

/** The active users with a role (and, for school users, linked to one school, whatever other schools they have): the people a notice goes to. */
export async function activeUserIds(filter: { role: Role; school?: Types.ObjectId }): Promise<Types.ObjectId[]> {
  const users = await User.find({ role: filter.role, ...(filter.school ? { schools: filter.school } : {}), active: true }, { _id: 1 }).lean();
  return users.map((user) => user._id);
}

/** The email address of each active user among these, by id. */
export async function activeEmailsOf(ids: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  const people = await User.find({ _id: { $in: ids }, active: true }, { email: 1 }).lean();
  return new Map(people.map((person) => [person._id.toString(), person.email]));
}

/** Active SIPs by name, for choosing one. */
export async function activeSips(): Promise<{ id: Types.ObjectId; name: string }[]> {
  const sips = await User.find({ role: 'sip', active: true }, { name: 1 }).sort({ name: 1 }).lean();
  return sips.map((sip) => ({ id: sip._id, name: sip.name }));
}

/** The id of an active SIP, or null for any other id. */
export async function activeSipId(id: string): Promise<Types.ObjectId | null> {
  const found = Types.ObjectId.isValid(id) ? await User.exists({ _id: id, role: 'sip', active: true }) : null;
  return found?._id ?? null;
}

/** A user's name as history and shortlists show it (a placeholder once erased), or undefined for no such user. */
export async function userName(id: Types.ObjectId): Promise<string | undefined> {
  return (await User.findById(id, { name: 1 }).lean())?.name;
}

/** How many active users each role has, in one read. */
export async function activeUsersByRole(): Promise<Record<Role, number>> {
  const counts = await countsBy(User, 'role', { role: { $in: [...ROLES] }, active: true });
  return Object.fromEntries(ROLES.map((role) => [role, counts.get(role) ?? 0])) as Record<Role, number>;
}

/** Who holds this email address, if anyone: enough to decide whether to invite them or reuse the account. */
export async function accountWithEmail(email: string): Promise<{ _id: Types.ObjectId; role: Role; active: boolean } | null> {
  return User.findOne({ email: email.toLowerCase() }, { role: 1, active: 1 }).lean<{ _id: Types.ObjectId; role: Role; active: boolean }>();
}
