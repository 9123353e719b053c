import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { claimOnce } from '../../db/claims';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { AuditEntry } from '../audit/audit.model';
import { SecurityEvent } from '../accounts/security-event.model';
import { recordSecurityEvent } from '../accounts/security-events';
import { type RequestContext } from '../../web/identity';
import { setListingSuspended } from '../listings/listing-decisions.service';
import { Listing, listingsOwnedBy } from '../listings/listing.model';
import { StoredFile } from '../listings/stored-file.model';
import { eraseChecksOf } from '../listings/checks/checks.service';
import { OutboxMessage } from '../mail/outbox.model';
import { Nomination } from '../nominations/nomination.model';
import { Notification } from '../notifications/notification.model';
import { AccountToken } from '../accounts/account-token.model';
import { SipFeedback } from '../sips/sip-feedback.model';
import { SipProfile } from '../sips/sip-profile.model';
import { canManageUsers, type SessionUser } from '../../web/identity';
import type { EraseUserForm } from '../accounts/accounts.schemas';
import { User } from '../accounts/user.model';
import { endSessionsOf } from '../accounts/user-sessions';

export const SUSPENDED_ON_ERASURE =
  'The provider who kept this listing up to date has left: their account was closed and their personal data erased. ' +
  'Reinstate it once someone keeps it up to date.';

/** Whoever manages users may erase anyone but themselves. */
export function canEraseUser(actor: SessionUser, userId: string): boolean {
  return canManageUsers(actor) && actor.id !== userId;
}

/** The user whose erasure is being confirmed: refused for oneself, not found for an unknown id. */
export async function userToErase(actor: SessionUser, userId: string): Promise<{ id: string; name: string; erased: boolean }> {
  if (!canManageUsers(actor)) throw new NotAllowedError();
  if (!Types.ObjectId.isValid(userId)) throw new NotFoundError();
  if (!canEraseUser(actor, userId)) throw new NotAllowedError('You cannot erase your own account');
  const user = await User.findById(userId, { name: 1, erasedAt: 1 }).lean();
  if (!user) throw new NotFoundError();
  return { id: userId, name: user.name, erased: Boolean(user.erasedAt) };
}

export type ErasureResult = { ok: true; placeholder: string; suspendedListings: number } | { ok: false };

/** What erasing needs from outside the database layer: forgetting the sign-in counts kept for the address. */
export type ErasureDependencies = { forgetSignInAttempts: (email: string) => Promise<void> };

/**
 * Erases a departed user's personal data and keeps the history that refers to them. The user record
 * stays (audit entries, commissions, feedback, recommendations and listings point at it) but becomes
 * anonymous: name "Former user 7f3a9c", an unusable email, no password, deactivated, sessions ended.
 * What was theirs alone goes: notifications, mail to them, one-time links, sign-in counts, the address
 * typed at failed sign-ins, a SIP's profile and heads' comments about them, their name, email and phone as
 * a listing's contact, and on the listings
 * they owned, their photo and their name as the listing's name. A published
 * listing left with no active owner is suspended (nobody could keep it true). Refused for oneself;
 * done once (a permanent claim) however often it is asked for; itself a security event.
 */
export async function eraseUser(
  actor: SessionUser,
  userId: string,
  form: EraseUserForm,
  dependencies: ErasureDependencies,
  context: RequestContext,
): Promise<ErasureResult> {
  const target = await userToErase(actor, userId);
  if (target.erased || !(await claimOnce(`user-erasure:${userId}`, { permanent: true }))) return { ok: false };
  const user = (await User.findById(userId).lean())!;
  const placeholder = `Former user ${randomBytes(3).toString('hex')}`;

  await User.updateOne(
    { _id: user._id },
    {
      $set: { name: placeholder, email: `erased-${userId}@erased.invalid`, active: false, mustChangePassword: false, erasedAt: new Date() },
      // The schools a person worked for go too: the commissions and recommendations keep which school did what.
      $unset: { passwordHash: 1, lastSignInAt: 1, invitedAt: 1, schools: 1 },
    },
  );
  await Promise.all([
    endSessionsOf(user._id),
    Notification.deleteMany({ recipient: user._id }),
    OutboxMessage.deleteMany({ to: user.email }),
    AccountToken.deleteMany({ user: user._id }),
    // A SIP's profile is theirs alone; what heads wrote about them goes too, and the ratings stay.
    SipProfile.deleteMany({ user: user._id }),
    SipFeedback.updateMany({ sip: user._id, comment: { $exists: true } }, { $unset: { comment: 1 } }),
    SecurityEvent.updateMany({ email: user.email }, { $unset: { email: 1 } }),
    // Invitations recorded by earlier versions kept the address in the audit entry.
    AuditEntry.updateMany({ subjectType: 'User', subjectId: user._id, 'changes.email': { $exists: true } }, { $unset: { 'changes.email': 1 } }),
    dependencies.forgetSignInAttempts(user.email),
    removeFromListingContacts(user),
    Nomination.updateMany({ 'contact.email': user.email }, { $unset: { contact: 1 } }),
    removeFromOwnListings(user, placeholder),
  ]);
  const suspendedListings = await suspendListingsLeftWithoutOwner(actor, user._id);

  await recordSecurityEvent({
    type: 'user_erased',
    actor: new Types.ObjectId(actor.id),
    subject: user._id,
    reason: form.reason,
    detail: suspendedListings ? `${suspendedListings} published listing${suspendedListings === 1 ? '' : 's'} suspended` : undefined,
    context,
  });
  return { ok: true, placeholder, suspendedListings };
}

/** A listing whose contact is this person (by email or name) loses that contact's name, email and phone; its contact route stays. */
async function removeFromListingContacts(user: { _id: Types.ObjectId; name: string; email: string }): Promise<void> {
  await Listing.updateMany(
    { owners: user._id, $or: [{ 'contact.email': user.email }, { 'contact.name': user.name }] },
    { $unset: { 'contact.name': 1, 'contact.email': 1, 'contact.phone': 1 } },
  );
}

/**
 * On each listing they owned: the photo goes (a pen portrait's photo is of its provider; it was still
 * served after erasure), and a listing named after them takes the placeholder name, in its waiting
 * revision too, and loses its checks (their DBS certificate and training record are theirs). An
 * organisation's listing keeps its name and checks.
 */
async function removeFromOwnListings(user: { _id: Types.ObjectId; name: string }, placeholder: string): Promise<void> {
  const sameName = (name: unknown) => typeof name === 'string' && name.trim().toLowerCase() === user.name.trim().toLowerCase();
  for (const listing of await listingsOwnedBy(user._id)) {
    const named = sameName(listing.name);
    const revisionNamed = sameName((listing.pendingRevision as { fields?: { name?: unknown } } | undefined)?.fields?.name);
    if (!listing.photo && !named && !revisionNamed) continue;
    if (listing.photo) await StoredFile.deleteOne({ _id: listing.photo });
    if (named) await eraseChecksOf(listing._id);
    await Listing.updateOne(
      { _id: listing._id },
      {
        $set: { ...(named ? { name: placeholder } : {}), ...(revisionNamed ? { 'pendingRevision.fields.name': placeholder } : {}) },
        $unset: { photo: 1 },
        $inc: { revision: 1 },
      },
    );
  }
}

async function suspendListingsLeftWithoutOwner(actor: SessionUser, userId: Types.ObjectId): Promise<number> {
  const published = (await listingsOwnedBy(userId)).filter((listing) => listing.status === 'approved');
  let suspended = 0;
  for (const listing of published) {
    const others = listing.owners.filter((owner) => !owner.equals(userId));
    const keptByOthers = others.length > 0 && (await User.exists({ _id: { $in: others }, active: true }));
    if (keptByOthers) continue;
    if ((await setListingSuspended(actor, listing._id.toString(), true, SUSPENDED_ON_ERASURE)).ok) suspended++;
  }
  return suspended;
}
