import session from 'express-session';
import type { Connection } from 'mongoose';
import { deleteOlderThan, type IndexSpec, type PurgeTask } from '../db/maintenance';
import { DatabaseSessionStore, type SessionDocument } from './session-store';

export const SESSION_COLLECTION = 'sessions';

export const sessionsIndex: IndexSpec = { collection: SESSION_COLLECTION, key: { expires: 1 }, name: 'expires_1' };
/** Finds a user's sessions when their record changes (a string, never an array: see db/scalar-index.ts). */
export const sessionUsersIndex: IndexSpec = { collection: SESSION_COLLECTION, key: { userId: 1 }, name: 'userId_1_scalar' };
/** Expired sessions are purged here (FerretDB has no TTL index). */
export const purgeExpiredSessions: PurgeTask = deleteOlderThan('sessions', SESSION_COLLECTION, 'expires', (now) => now);
export const SESSION_COOKIE = 'ssb.sid';

/** A session's expiry in the database is moved on at most this often; the browser's cookie on every request. */
const TOUCH_AFTER_MS = 60_000;

export const sessionDocuments = (connection: Connection) => connection.db!.collection<SessionDocument>(SESSION_COLLECTION);

/**
 * Sessions live in the database so every app instance shares them. rolling + maxAge makes the cookie an
 * idle timeout. The store is returned too: authentication reads the signed-in user kept with the session.
 */
export function setUpSession(options: { connection: Connection; secret: string; idleMinutes: number; secure: boolean }) {
  const store = new DatabaseSessionStore(() => sessionDocuments(options.connection), TOUCH_AFTER_MS, options.idleMinutes * 60_000);
  const middleware = session({
    name: SESSION_COOKIE,
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: options.idleMinutes * 60_000 },
  });
  return { middleware, store };
}
