import type { Request } from 'express';

export type Notification = { type: 'success' | 'important'; title?: string; text: string };

declare module 'express-session' {
  interface SessionData {
    notification?: Notification;
  }
}

/** A message shown once, on the next page (after a redirect). */
export function setNotification(req: Request, notification: Notification): void {
  req.session.notification = notification;
}

export function takeNotification(req: Request): Notification | null {
  const notification = req.session?.notification ?? null;
  if (notification) delete req.session.notification;
  return notification;
}
