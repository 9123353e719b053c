import type { Request, Response } from 'express';
import { requestCookie } from './request-cookies';

/**
 * Where a signed-out visitor was going, kept in a short-lived cookie of its own rather than the session,
 * so that being sent to sign in stores nothing on the server (a session is stored only when it holds
 * something: a form's CSRF secret, a signed-in user, a message).
 */
export const RETURN_COOKIE = 'ssb.return';
export const RETURN_COOKIE_MINUTES = 30;
const KEPT_MS = RETURN_COOKIE_MINUTES * 60_000;

export function rememberReturnPath(req: Request, res: Response): void {
  res.cookie(RETURN_COOKIE, req.originalUrl, { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: KEPT_MS, path: '/' });
}

/** The remembered path, if it is a safe one, forgetting it. */
export function takeReturnPath(req: Request, res: Response): string | undefined {
  const stored = requestCookie(req, RETURN_COOKIE);
  if (stored === undefined) return undefined;
  res.clearCookie(RETURN_COOKIE, { path: '/' });
  return safeReturnPath(stored);
}

/** A path we may redirect to after sign-in: local, absolute, and not protocol-relative. */
export function safeReturnPath(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  return /^\/(?![/\\])[^\s]*$/.test(candidate) ? candidate : undefined;
}
