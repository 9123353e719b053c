import type { RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';

export const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';

/** Synchronizer-token CSRF protection: the token lives in the session and in every POST form (views call csrfToken()). */
export function setUpCsrf(): RequestHandler[] {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const token: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
    errorConfig: { statusCode: 403, message: 'Invalid CSRF token', code: CSRF_ERROR_CODE },
  });
  // Made only when a page shows a form: creating it stores the session, and a page without a form
  // (a 404, a redirect to sign in) has no reason to store one.
  const exposeToken: RequestHandler = (req, res, next) => {
    let token: string | undefined;
    res.locals.csrfToken = () => (token ??= generateToken(req));
    next();
  };
  return [csrfSynchronisedProtection, exposeToken];
}
