import { sign, unsign } from 'cookie-signature';
import type { Request, RequestHandler } from 'express';
import { requestCookie } from './request-cookies';

export type Notification = { type: 'success' | 'important'; title?: string; text: string };

/**
 * A message shown once, on the next page, travels in a cookie of its own, signed with the session secret
 * so nobody can plant one: not in the session, which would then be written to the database twice per form
 * sent (once with the message before the redirect, once without it after showing it). The cookie goes out
 * with the redirect itself, so the next page cannot arrive before it.
 */
export const NOTICE_COOKIE = 'ssb.notice';
export const NOTICE_COOKIE_MINUTES = 5;

const NOTICES = Symbol('notices');
type Notices = { secret: string };
type WithNotices = Request & { [NOTICES]?: Notices };

/** Lets routes set and pages take notifications; before anything that may set one. */
export function setUpNotifications(options: { secret: string }): RequestHandler {
  return (req, _res, next) => {
    (req as WithNotices)[NOTICES] = { secret: options.secret };
    next();
  };
}

function noticesOf(req: Request): Notices {
  const notices = (req as WithNotices)[NOTICES];
  if (!notices) throw new Error('setUpNotifications must run before a notification is set or taken');
  return notices;
}

/** The notification shown on the next page this browser asks for (after a redirect). */
export function setNotification(req: Request, notification: Notification): void {
  const value = sign(JSON.stringify({ type: notification.type, title: notification.title, text: notification.text }), noticesOf(req).secret);
  req.res!.cookie(NOTICE_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: NOTICE_COOKIE_MINUTES * 60_000, path: '/' });
}

function parseNotification(json: string): Notification | null {
  try {
    const parsed = JSON.parse(json) as Partial<Notification>;
    if ((parsed.type !== 'success' && parsed.type !== 'important') || typeof parsed.text !== 'string') return null;
    return { type: parsed.type, text: parsed.text, ...(typeof parsed.title === 'string' ? { title: parsed.title } : {}) };
  } catch {
    return null;
  }
}

/** The notification waiting for this page, if one was set and its signature holds; it is shown only once. */
export function takeNotification(req: Request): Notification | null {
  const stored = requestCookie(req, NOTICE_COOKIE);
  if (stored === undefined) return null;
  req.res!.clearCookie(NOTICE_COOKIE, { path: '/' });
  const json = unsign(stored, noticesOf(req).secret);
  return json === false ? null : parseNotification(json);
}

const holdsSomething = (req: Request) => Object.keys(req.session).some((key) => key !== 'cookie');

/**
 * Saves the session before a redirect goes out. express-session saves it while the response is being
 * written, so a browser that follows the redirect as soon as the headers arrive could read the session
 * before the save lands (a draft or the school acted for, seen in browser tests on a loaded machine). The
 * store writes nothing when the session did not change.
 */
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    // A session holding nothing (a signed-out visitor sent to sign in) is not stored at all.
    if (!req.session || !holdsSomething(req)) return redirect(...args);
    req.session.save((error) => (error ? next(error) : redirect(...args)));
  }) as typeof res.redirect;
  next();
};
