import type { Request, RequestHandler } from 'express';

export type Notification = { type: 'success' | 'important'; title?: string; text: string };

declare module 'express-session' {
  interface SessionData {
    notification?: Notification;
  }
}

/** A message shown once, on the next page (after a redirect; see saveSessionBeforeRedirect). */
export function setNotification(req: Request, notification: Notification): void {
  req.session.notification = notification;
}

export function takeNotification(req: Request): Notification | null {
  const notification = req.session?.notification ?? null;
  if (notification) delete req.session.notification;
  return notification;
}

const holdsSomething = (req: Request) => Object.keys(req.session).some((key) => key !== 'cookie');

/**
 * Saves the session before a redirect goes out. express-session saves it while the response is being
 * written, so a browser that follows the redirect as soon as the headers arrive can read the session
 * before the save lands and lose the notification (seen in browser tests on a loaded machine).
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
