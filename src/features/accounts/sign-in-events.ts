import { Types } from 'mongoose';
import { paths } from '../../paths';
import { recordSecurityEvent } from './security-events';
import { type RequestContext } from '../../web/identity';
import type { SignInFailure } from './accounts.service';
import type { SessionUser } from '../../web/identity';
import { whenToTryAgain } from './lockout-backoff';
import { User } from './user.model';

const FAILURE_DETAIL: Record<SignInFailure, string> = {
  unknown_account: 'no account has this email address',
  no_password: 'the account has no password',
  wrong_password: 'wrong password',
  deactivated: 'the account is deactivated',
};

export async function recordSignIn(user: SessionUser, context: RequestContext): Promise<void> {
  const id = new Types.ObjectId(user.id);
  await recordSecurityEvent({ type: 'signed_in', actor: id, subject: id, context });
}

export async function recordSignOut(user: SessionUser, context: RequestContext): Promise<void> {
  const id = new Types.ObjectId(user.id);
  await recordSecurityEvent({ type: 'signed_out', actor: id, subject: id, context });
}

/** A failed sign-in: which account (or, if none, the address typed) and why. The password is never recorded. */
export async function recordSignInFailure(email: string, failure: SignInFailure, userId: Types.ObjectId | undefined, context: RequestContext): Promise<void> {
  await recordSecurityEvent({ type: 'sign_in_failed', subject: userId, email, detail: FAILURE_DETAIL[failure], context });
}

/**
 * An account has just been locked: recorded, and its owner told in the service and by email, with
 * what to do (wait, or reset the password, which lifts the lock). An address with no account is
 * locked the same way, so the page cannot tell whether it has one; there is nobody to tell.
 */
/** How an account's owner is told something (in the service and by email): the notifications feature's, passed in by createApp. */
export type Notify = (recipients: Types.ObjectId[], message: { subject: string; text: string; href: string }) => Promise<void>;

export async function recordLockout(email: string, lockedUntil: Date, lockoutNumber: number, now: Date, context: RequestContext, notify: Notify): Promise<void> {
  const user = await User.findOne({ email: email.toLowerCase() }, { _id: 1, active: 1, passwordHash: 1 }).lean();
  const until = whenToTryAgain(lockedUntil, now);
  await recordSecurityEvent({
    type: 'account_locked',
    subject: user?._id,
    email,
    detail: `lockout ${lockoutNumber} in a row, until ${until}`,
    context,
  });
  if (!user?.active || !user.passwordHash) return;
  await notify([user._id], {
    subject: 'Your account has been locked',
    text:
      `Someone tried to sign in to your account with the wrong password too many times, so it is locked until ${until}. ` +
      'If it was you, wait until then, or reset your password to sign in straight away. ' +
      'If it was not you, reset your password now and tell the Traded Services team.',
    href: paths.forgottenPassword,
  });
}
