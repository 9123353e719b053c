import type { Request } from 'express';

export type Notification = { type: 'success' | 'important'; title?: string; text: string };

declare module 'express-session' {
  interface SessionData {
    notification?: Notification;
  }
}

/**
 * A message shown once, on the next page (after a redirect). The session is saved before this
 * resolves: express-session otherwise sends the redirect's headers before its store write ends, and
 * a quick browser can ask for the next page first and miss the message.
 */
export async function setNotification(req: Request, notification: Notification): Promise<void> {
  req.session.notification = notification;
  await new Promise<void>((resolve, reject) => req.session.save((error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve())));
}

export function takeNotification(req: Request): Notification | null {
  const notification = req.session?.notification ?? null;
  if (notification) delete req.session.notification;
  return notification;
}
