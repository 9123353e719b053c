import { AccountToken } from './account-token.model';
import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import { recordSecurityEvent } from './security-events';
import { type RequestContext } from '../../web/identity';
import type { Mailer } from '../mail/mailer';
import { canManageUsers, type SessionUser } from '../../web/identity';
import type { InviteUserForm } from './accounts.schemas';
import { issueToken, spendToken } from './account-tokens';
import type { PasswordChecks } from './passwords';
import { ROLE_LABELS, type Role } from '../../web/identity';
import { User } from './user.model';
import { endSessionsOf, signedOutElsewhere } from './user-sessions';

/** What sending one-time links needs: where to send from, the service's address and the link lifetimes. */
export type AccountLinks = {
  mailer: Mailer;
  baseUrl: string;
  serviceName: string;
  invitationHours: number;
  passwordResetMinutes: number;
};

/** How an invitation (or a link added later) finds a school user's school: the schools feature's, passed in by createApp. */
export type SchoolLookup = {
  findOpenSchoolByUrn(urn: string): Promise<{ id: string; name: string } | null>;
  schoolNameOf(id: string): Promise<string | undefined>;
};

const setPasswordLink = (links: AccountLinks, token: string) => `${links.baseUrl}${paths.setPassword}?token=${token}`;

async function sendInvitation(user: { _id: Types.ObjectId; name: string; email: string; role: string }, links: AccountLinks): Promise<void> {
  const token = await issueToken(user._id, 'invitation', links.invitationHours * 3_600_000);
  await links.mailer.send({
    to: user.email,
    subject: `You have been invited to ${links.serviceName}`,
    text: [
      `Dear ${user.name},`,
      '',
      `You have been given an account on ${links.serviceName} as ${ROLE_LABELS[user.role as Role]}.`,
      'Choose your password with this link. It works once and expires in ' + `${links.invitationHours} hours:`,
      '',
      setPasswordLink(links, token),
      '',
      'If you were not expecting this, you can ignore this email.',
    ].join('\n'),
  });
}

export type InviteResult = { ok: true; id: string } | { ok: false; field: 'email' | 'school'; message: string };

/** Creates the account without a password and emails its one-time link to set one. */
export async function inviteUser(actor: SessionUser, form: InviteUserForm, links: AccountLinks, context: RequestContext, schools: SchoolLookup): Promise<InviteResult> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  const linked: Types.ObjectId[] = [];
  for (const urn of form.schoolUrns) {
    const found = await schools.findOpenSchoolByUrn(urn);
    if (!found) return { ok: false, field: 'school', message: `There is no open school with URN ${urn}` };
    linked.push(new Types.ObjectId(found.id));
  }
  const duplicate = { ok: false as const, field: 'email' as const, message: 'A user with this email address already exists' };
  if (await User.exists({ email: form.email })) return duplicate;
  let user;
  try {
    user = await User.create({ name: form.name, email: form.email, role: form.role, schools: form.role === 'school' ? linked : undefined, invitedAt: new Date() });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return duplicate;
    throw error;
  }
  await recordSecurityEvent({ type: 'user_invited', actor: new Types.ObjectId(actor.id), subject: user._id, changes: { role: form.role }, context });
  await sendInvitation(user, links);
  return { ok: true, id: user.id as string };
}

/** A fresh link for someone who has not set a password yet; the earlier link stops working. */
export async function resendInvitation(actor: SessionUser, userId: string, links: AccountLinks, context: RequestContext): Promise<void> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  const user = Types.ObjectId.isValid(userId) ? await User.findOne({ _id: userId, active: true, passwordHash: { $exists: false } }).lean() : null;
  if (!user) throw new NotFoundError();
  await sendInvitation(user, links);
  await recordSecurityEvent({ type: 'invitation_resent', actor: new Types.ObjectId(actor.id), subject: user._id, context });
}

/** Reset emails one account may be sent an hour: enough for a lost email, too few to flood an inbox. */
export const RESET_EMAILS_PER_HOUR = 3;

/** Emails a reset link if this is an active account with a password; says nothing either way. */
export async function requestPasswordReset(email: string, links: AccountLinks, context: RequestContext): Promise<void> {
  const user = await User.findOne({ email, active: true, passwordHash: { $exists: true } }).lean();
  if (!user) return;
  const lastHour = new Date(Date.now() - 60 * 60_000);
  // The page says the same either way, so neither this limit nor an unknown address can be told apart.
  const limited = (await AccountToken.countDocuments({ user: user._id, purpose: 'password_reset', createdAt: { $gt: lastHour } })) >= RESET_EMAILS_PER_HOUR;
  await recordSecurityEvent({
    type: 'password_reset_requested',
    subject: user._id,
    detail: limited ? `not sent: ${RESET_EMAILS_PER_HOUR} links already sent in the last hour` : 'link emailed',
    context,
  });
  if (limited) return;
  const token = await issueToken(user._id, 'password_reset', links.passwordResetMinutes * 60_000);
  await links.mailer.send({
    to: user.email,
    subject: `Reset your password for ${links.serviceName}`,
    text: [
      `Dear ${user.name},`,
      '',
      `Someone asked to reset the password of your ${links.serviceName} account. Choose a new password with this link.`,
      `It works once and expires in ${links.passwordResetMinutes} minutes:`,
      '',
      setPasswordLink(links, token),
      '',
      'If you did not ask for this, ignore this email: your password has not changed.',
    ].join('\n'),
  });
}

/**
 * Sets the password with a one-time link and signs the account out everywhere (whoever knew the old
 * password is out). Returns the account's email address (whose sign-in lock the caller lifts), or null
 * when the link is unknown, used, expired or its user deactivated.
 */
export async function setPasswordWithLink(
  token: string,
  password: string,
  context: RequestContext,
  checks: PasswordChecks,
): Promise<{ email: string; sessionsEnded: number } | null> {
  // Hashed before the link is spent, so a busy refusal leaves the link working.
  const passwordHash = await checks.hash(password);
  const spent = await spendToken(token);
  if (!spent) return null;
  const updated = await User.findOneAndUpdate({ _id: spent.user, active: true }, { $set: { passwordHash, mustChangePassword: false } }).lean();
  if (!updated) return null;
  const sessionsEnded = await endSessionsOf(spent.user);
  const type = spent.purpose === 'invitation' ? 'password_set_from_invitation' : 'password_reset';
  await recordSecurityEvent({ type, actor: spent.user, subject: spent.user, context, detail: sessionsEnded > 0 ? signedOutElsewhere(sessionsEnded) : undefined });
  return { email: updated.email, sessionsEnded };
}
