import MongoStore from 'connect-mongo';
import session from 'express-session';
import type { Connection } from 'mongoose';
import { deleteOlderThan, type IndexSpec, type PurgeTask } from '../db/maintenance';

export const SESSION_COLLECTION = 'sessions';

export const sessionsIndex: IndexSpec = { collection: SESSION_COLLECTION, key: { expires: 1 }, name: 'expires_1' };
/** connect-mongo runs with autoRemove disabled (its TTL index): expired sessions are purged here. */
export const purgeExpiredSessions: PurgeTask = deleteOlderThan('sessions', SESSION_COLLECTION, 'expires', (now) => now);
export const SESSION_COOKIE = 'ssb.sid';

/**
 * Sessions live in the database so every app instance shares them. connect-mongo's own expiry
 * needs a TTL index, which FerretDB lacks, so autoRemove is off and db/maintenance purges them.
 * rolling + maxAge makes the cookie an idle timeout.
 */
export function setUpSession(options: { connection: Connection; secret: string; idleMinutes: number; secure: boolean }) {
  return session({
    name: SESSION_COOKIE,
    secret: options.secret,
    store: MongoStore.create({
      client: options.connection.getClient(),
      dbName: options.connection.db?.databaseName,
      collectionName: SESSION_COLLECTION,
      autoRemove: 'disabled',
      touchAfter: 60,
    }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: options.idleMinutes * 60_000 },
  });
}
