import type { Request, RequestHandler } from 'express';
import type { DatabaseSessionStore } from './session-store';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Role, SessionUser } from './identity';
import { paths } from '../paths';
import { rememberReturnPath } from './return-path';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

/** How passport checks a password and reloads a user: the accounts feature's, passed in by createApp. */
export type UserLookup = {
  authenticate(email: string, password: string): Promise<{ ok: true; user: SessionUser } | { ok: false; failure: string }>;
  findActiveUser(id: string): Promise<SessionUser | null>;
};

/** Where the signed-in user is kept beside the session (web/session-store.ts). */
export type KeptUsers = Pick<DatabaseSessionStore, 'userStoredWith' | 'keepUserWith'>;

/**
 * Only the user id goes into the session itself. The user as read from the database is kept beside it and
 * used while nothing about them changes: any change to a user's record drops the copy kept with each of
 * their sessions (accounts/user-sessions.ts), so a deactivation, a new role or an unlinked school takes
 * effect on the next request, when the user is read again (and must still be active).
 */
export function setUpAuthentication({ authenticate, findActiveUser }: UserLookup, kept: KeptUsers): RequestHandler[] {
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      authenticate(email, password).then((outcome) => (outcome.ok ? done(null, outcome.user) : done(null, false, { message: outcome.failure, ...outcome })), done);
    }),
  );
  passport.serializeUser<string>((user, done) => done(null, user.id));
  passport.deserializeUser<string, Request>((req, id, done) => {
    const stored = kept.userStoredWith(req.session, id);
    if (stored) return done(null, stored);
    findActiveUser(id)
      .then(async (user) => {
        if (user) await kept.keepUserWith(req.sessionID, req.session, user);
        done(null, user ?? false);
      })
      .catch(done);
  });
  return [passport.initialize(), passport.session()];
}

/** Signed-out visitors go to sign-in and come back here afterwards (GET only, same-site paths only). */
export const requireSignIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.method === 'GET') rememberReturnPath(req, res);
  res.redirect(paths.signIn);
};

export class ForbiddenError extends Error {
  readonly status = 403;
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return requireSignIn(req, res, next);
    if (!roles.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
}
