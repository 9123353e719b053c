import { Router, type Request, type RequestHandler, type Response } from 'express';
import passport from 'passport';
import { paths } from '../../paths';
import { requireSignIn, safeReturnPath } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { changePasswordSchema, signInSchema, PASSWORD_MIN_LENGTH } from './accounts.schemas';
import { changeOwnPassword, type SessionUser } from './accounts.service';
import { dashboardPathFor } from './roles';
import type { SignInThrottle } from './sign-in-throttle';

const SIGN_IN_FAILED = 'Enter a correct email address and password';

export function accountsRoutes(throttle: SignInThrottle): Router {
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
    const ip = req.ip ?? 'unknown';

    const verdict = await throttle.attempt(ip, email);
    if (!verdict.allowed) {
      const wait = `${verdict.retryAfterMinutes} minute${verdict.retryAfterMinutes === 1 ? '' : 's'}`;
      res.setHeader('Retry-After', String(verdict.retryAfterMinutes * 60));
      return renderSignIn(
        res,
        req,
        fieldErrors({ email: `You have tried to sign in too many times. Wait ${wait}, then try again` }),
        429,
      );
    }

    const user = await authenticateWithPassport(req, res);
    if (!user) {
      return renderSignIn(res, req, fieldErrors({ email: SIGN_IN_FAILED, password: SIGN_IN_FAILED }, ['email', 'password']));
    }
    await throttle.succeeded(ip, email);
    const returnTo = safeReturnPath(req.session.returnTo);
    await logIn(req, user);
    res.redirect(user.mustChangePassword ? paths.changePassword : (returnTo ?? dashboardPathFor(user.role)));
  });

  router.post(paths.signOut, (req, res, next) => {
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
    const result = await changeOwnPassword(req.user!, parsed.data);
    if (!result.ok) return renderChangePassword(req, res, fieldErrors({ [result.field]: result.message }, order));
    setNotification(req, { type: 'success', text: 'Your password has been changed.' });
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

function renderSignIn(res: Response, req?: Request, errors?: FormErrors, status = 400): void {
  res.status(errors ? status : 200).render('accounts/sign-in', {
    pageTitle: 'Sign in',
    errors,
    values: req ? valuesToRedisplay(req.body, ['password']) : {},
  });
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

function authenticateWithPassport(req: Request, res: Response): Promise<SessionUser | false> {
  return new Promise((resolve, reject) => {
    passport.authenticate('local', { session: false }, (error: unknown, user: SessionUser | false) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(user),
    )(req, res, reject);
  });
}

/** passport regenerates the session id here, so a session fixed before sign-in is worthless. */
function logIn(req: Request, user: SessionUser): Promise<void> {
  return new Promise((resolve, reject) => req.login(user, (error) => (error ? reject(error) : resolve())));
}
