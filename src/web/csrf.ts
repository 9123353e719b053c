import type { RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';

export const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';

/** Synchronizer-token CSRF protection: the token lives in the session and in every POST form. */
export function setUpCsrf(): RequestHandler[] {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const token: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
    errorConfig: { statusCode: 403, message: 'Invalid CSRF token', code: CSRF_ERROR_CODE },
  });
  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    next();
  };
  return [csrfSynchronisedProtection, exposeToken];
}
