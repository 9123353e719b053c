import { Router, type Request, type Response } from 'express';
import { plural } from '../../lib/format';
import { paths } from '../../paths';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import type { BackgroundWork } from '../../web/background-work';
import { forgottenPasswordSchema, PASSWORD_MIN_LENGTH, setPasswordSchema } from './accounts.schemas';
import { tokenState, type TokenState } from './account-tokens';
import { requestPasswordReset, setPasswordWithLink, type AccountLinks } from './invitations.service';
import type { PasswordChecks } from './passwords';
import type { ResetRequestLimits } from './reset-request-limits';
import type { SignInThrottle } from './sign-in-throttle';
import { signedOutNotice } from './user-sessions';
import { requestContext } from '../../web/request-context';

export type ResetRequestHandling = { limits: ResetRequestLimits; background: BackgroundWork };

/** Setting a password from a one-time link (invitation or reset), and asking for a reset link. */
export function passwordLinksRoutes(links: AccountLinks, throttle: SignInThrottle, resets: ResetRequestHandling, checks: PasswordChecks): Router {
  const router = Router();

  router.get(paths.setPassword, async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const state = await tokenState(token);
    if (state.state !== 'usable') return renderLinkProblem(res, state);
    renderSetPassword(res, token, state.purpose === 'invitation');
  });

  router.post(paths.setPassword, async (req, res) => {
    const parsed = setPasswordSchema.safeParse(req.body);
    const token = typeof req.body?.token === 'string' ? (req.body.token as string) : '';
    if (!parsed.success) {
      const state = await tokenState(token);
      if (state.state !== 'usable') return renderLinkProblem(res, state);
      return renderSetPassword(res, token, state.purpose === 'invitation', formErrorsFrom(parsed.error, ['newPassword', 'confirmPassword']));
    }
    const state = await tokenState(parsed.data.token);
    const account = await setPasswordWithLink(parsed.data.token, parsed.data.newPassword, requestContext(req), checks);
    if (!account) return renderLinkProblem(res, state.state === 'usable' ? { state: 'used', purpose: state.purpose } : state);
    // Whoever can read the account's email may sign in now: a reset lifts a lock and forgets earlier lockouts.
    await throttle.startAfresh(account.email);
    setNotification(req, { type: 'success', text: `Your password has been set. ${signedOutNotice(account.sessionsEnded)} Sign in with your new password now.` });
    res.redirect(paths.signIn);
  });

  router.get(paths.forgottenPassword, (req, res) => renderForgotten(req, res));

  router.post(paths.forgottenPassword, async (req, res) => {
    const parsed = forgottenPasswordSchema.safeParse(req.body);
    if (!parsed.success) return renderForgotten(req, res, formErrorsFrom(parsed.error));
    const verdict = await resets.limits.request(req.ip ?? '', parsed.data.email);
    if (!verdict.go && verdict.by === 'ip') {
      res.setHeader('Retry-After', String(verdict.retryAfterMinutes * 60));
      const wait = plural(verdict.retryAfterMinutes, 'minute');
      return renderForgotten(req, res, fieldErrors({ email: `There have been too many requests to reset a password from your network. Wait ${wait}, then try again` }), 429);
    }
    // The same answer, at once, for every address: whether it has an account is found out after the page is sent.
    res.render('accounts/reset-sent', { pageTitle: 'Check your email', minutes: links.passwordResetMinutes });
    if (verdict.go) {
      const context = requestContext(req);
      resets.background.run('password reset request', () => requestPasswordReset(parsed.data.email, links, context));
    }
  });

  return router;
}

function renderSetPassword(res: Response, token: string, invitation: boolean, errors?: FormErrors): void {
  res.status(errors ? 400 : 200).render('accounts/set-password', {
    pageTitle: invitation ? 'Choose your password' : 'Choose a new password',
    token,
    errors,
    values: {},
    minLength: PASSWORD_MIN_LENGTH,
  });
}

/** A clear page for a link that no longer works, saying what to do instead. 410 Gone: it will not work again. */
function renderLinkProblem(res: Response, state: TokenState): void {
  const title = { unknown: 'This link is not valid', used: 'This link has already been used', expired: 'This link has expired', usable: '' }[state.state];
  res.status(410).render('accounts/link-problem', { pageTitle: title, invitation: state.purpose === 'invitation', reason: state.state });
}

function renderForgotten(req: Request, res: Response, errors?: FormErrors, status = 400): void {
  res.status(errors ? status : 200).render('accounts/forgotten-password', { pageTitle: 'Reset your password', errors, values: valuesToRedisplay(req.body) });
}
