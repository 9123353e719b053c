import { Router, type Request, type RequestHandler, type Response } from 'express';
import passport from 'passport';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';
import { takeReturnPath } from '../../web/return-path';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { requestContext } from '../../web/request-context';
import { plural } from '../../lib/format';
import { BusyError } from '../../lib/errors';
import type { RequestContext } from '../../web/identity';
import { changePasswordSchema, signInSchema, PASSWORD_MIN_LENGTH } from './accounts.schemas';
import { changeOwnPassword, type SignInOutcome } from './accounts.service';
import type { PasswordChecks } from './passwords';
import { type SessionUser } from '../../web/identity';
import { signedOutNotice } from './user-sessions';
import { whenToTryAgain } from './lockout-backoff';
import { dashboardPathFor } from '../../web/identity';
import { recordLockout, recordSignIn, recordSignInFailure, recordSignOut, type Notify } from './sign-in-events';
import type { SignInThrottle, ThrottleVerdict } from './sign-in-throttle';

type RefusedVerdict = Exclude<ThrottleVerdict, { allowed: true }>;

const SIGN_IN_FAILED = 'Enter a correct email address and password';
const SIGN_IN_BUSY = 'The service is very busy right now. Wait a few seconds, then sign in again';
const BUSY_RETRY_SECONDS = 5;

export function accountsRoutes(throttle: SignInThrottle, clock: () => Date, notify: Notify, checks: PasswordChecks): Router {
  const router = Router();

  router.get(paths.root, (req, res) => res.redirect(req.user ? dashboardPathFor(req.user.role) : paths.signIn));

  router.get(paths.signIn, (req, res) => {
    if (req.user) return res.redirect(dashboardPathFor(req.user.role));
    renderSignIn(res);
  });

  router.post(paths.signIn, async (req, res) => {
    const parsed = signInSchema.safeParse(req.body);
    if (!parsed.success) return renderSignIn(res, req, formErrorsFrom(parsed.error, ['email', 'password']));
    const { email } = parsed.data;
    const context = requestContext(req);

    // Refused before the attempt counts, so a rush never brings anyone nearer a lockout.
    if (checks.busy) return renderBusy(req, res);
    const verdict = await throttle.attempt(context.ip, email);
    if (!verdict.allowed) return refuseAttempt(req, res, verdict, clock(), context, notify);

    const outcome = await authenticateWithPassport(req, res).catch((error: unknown) => {
      if (error instanceof BusyError) return null;
      throw error;
    });
    if (!outcome) return renderBusy(req, res);
    if (!outcome.ok) {
      await recordSignInFailure(email, outcome.failure, outcome.userId, context);
      return renderSignIn(res, req, fieldErrors({ email: SIGN_IN_FAILED, password: SIGN_IN_FAILED }, ['email', 'password']));
    }
    const { user } = outcome;
    await throttle.succeeded(context.ip, email);
    const returnTo = takeReturnPath(req, res);
    await logIn(req, user);
    await recordSignIn(user, context);
    res.redirect(user.mustChangePassword ? paths.changePassword : (returnTo ?? dashboardPathFor(user.role)));
  });

  router.post(paths.signOut, async (req, res, next) => {
    if (req.user) await recordSignOut(req.user, requestContext(req));
    req.logout((logoutError) => {
      if (logoutError) return next(logoutError);
      req.session.destroy((destroyError) => {
        if (destroyError) return next(destroyError);
        res.clearCookie('ssb.sid');
        res.redirect(paths.signIn);
      });
    });
  });

  router.get(paths.changePassword, requireSignIn, (req, res) => renderChangePassword(req, res));

  router.post(paths.changePassword, requireSignIn, async (req, res) => {
    const parsed = changePasswordSchema.safeParse(req.body);
    const order = ['currentPassword', 'newPassword', 'confirmPassword'];
    if (!parsed.success) return renderChangePassword(req, res, formErrorsFrom(parsed.error, order));
    const result = await changeOwnPassword(req.user!, parsed.data, requestContext(req), req.sessionID, checks);
    if (!result.ok) return renderChangePassword(req, res, fieldErrors({ [result.field]: result.message }, order));
    setNotification(req, { type: 'success', text: `Your password has been changed. ${signedOutNotice(result.otherSessionsEnded)}` });
    res.redirect(dashboardPathFor(req.user!.role));
  });

  return router;
}

/** Until someone given a temporary password chooses their own, every page sends them to do that. */
export const requirePasswordChangeFirst: RequestHandler = (req, res, next) => {
  if (req.user?.mustChangePassword && req.path !== paths.changePassword && req.path !== paths.signOut) {
    return res.redirect(paths.changePassword);
  }
  next();
};

/**
 * A locked account is told until when, and that resetting the password lifts the lock; an address
 * that has tried too many accounts is told how long to wait. Both are 429 with Retry-After.
 */
async function refuseAttempt(req: Request, res: Response, verdict: RefusedVerdict, now: Date, context: RequestContext, notify: Notify): Promise<void> {
  if (verdict.by === 'address') {
    res.setHeader('Retry-After', String(verdict.retryAfterMinutes * 60));
    const wait = plural(verdict.retryAfterMinutes, 'minute');
    return renderSignIn(res, req, fieldErrors({ email: `There have been too many failed attempts to sign in from your network. Wait ${wait}, then try again` }), 429);
  }
  if (verdict.startedLockout) await recordLockout(req.body.email as string, verdict.lockedUntil, verdict.startedLockout, now, context, notify);
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil((verdict.lockedUntil.getTime() - now.getTime()) / 1000))));
  const message = `This account is locked after too many failed attempts to sign in. You can try again after ${whenToTryAgain(verdict.lockedUntil, now)}`;
  renderSignIn(res, req, fieldErrors({ email: message }), 429, true);
}

function renderSignIn(res: Response, req?: Request, errors?: FormErrors, status = 400, locked = false): void {
  res.status(errors ? status : 200).render('accounts/sign-in', {
    pageTitle: 'Sign in',
    errors,
    locked,
    values: req ? valuesToRedisplay(req.body, ['password']) : {},
  });
}

/** 503 with Retry-After, the email kept: too many password checks are already waiting. */
function renderBusy(req: Request, res: Response): void {
  res.setHeader('Retry-After', String(BUSY_RETRY_SECONDS));
  renderSignIn(res, req, fieldErrors({ password: SIGN_IN_BUSY }, ['email', 'password']), 503);
}

function renderChangePassword(req: Request, res: Response, errors?: FormErrors): void {
  res.status(errors ? 400 : 200).render('accounts/change-password', {
    pageTitle: 'Change your password',
    errors,
    values: {},
    mustChange: req.user?.mustChangePassword ?? false,
    minLength: PASSWORD_MIN_LENGTH,
  });
}

/** The strategy (web/authentication.ts) hands back a failed outcome as passport's "info". */
function authenticateWithPassport(req: Request, res: Response): Promise<SignInOutcome> {
  return new Promise((resolve, reject) => {
    passport.authenticate('local', { session: false }, (error: unknown, user: SessionUser | false, failure: SignInOutcome | undefined) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      resolve(user ? { ok: true, user } : (failure ?? { ok: false, failure: 'wrong_password' }));
    })(req, res, reject);
  });
}

/** passport regenerates the session id here, so a session fixed before sign-in is worthless. */
function logIn(req: Request, user: SessionUser): Promise<void> {
  return new Promise((resolve, reject) => req.login(user, (error) => (error ? reject(error) : resolve())));
}
