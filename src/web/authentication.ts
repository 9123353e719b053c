import type { RequestHandler } from 'express';
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

/** Only the user id goes into the session; the user is reloaded (and must still be active) per request. */
export function setUpAuthentication({ authenticate, findActiveUser }: UserLookup): RequestHandler[] {
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      authenticate(email, password).then((outcome) => (outcome.ok ? done(null, outcome.user) : done(null, false, { message: outcome.failure, ...outcome })), done);
    }),
  );
  passport.serializeUser<string>((user, done) => done(null, user.id));
  passport.deserializeUser<string>((id, done) => {
    findActiveUser(id).then((user) => done(null, user ?? false), done);
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
