import type { RequestHandler } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Role, SessionUser } from './identity';
import { paths } from '../paths';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

declare module 'express-session' {
  interface SessionData {
    returnTo?: string;
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
  if (req.method === 'GET') req.session.returnTo = req.originalUrl;
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

/** A path we may redirect to after sign-in: local, absolute, and not protocol-relative. */
export function safeReturnPath(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  return /^\/(?![/\\])[^\s]*$/.test(candidate) ? candidate : undefined;
}
