import { randomUUID } from 'node:crypto';
import { Store, type SessionData } from 'express-session';
import type { Request } from 'express';
import type { Collection, UpdateFilter } from 'mongodb';
import type { SessionUser } from './identity';

/**
 * One stored session. `session`, `expires` and `lastModified` are as connect-mongo wrote them (sessions from
 * before this store keep working). `userId` is the signed-in user's id, written with every save; `user` is
 * that user as last read, kept so a request needs no read of the user, and `userMark` changes whenever
 * something about the user changes (forgetStoredUsers), so a copy read before the change is never kept.
 */
/** The signed-in user as kept with a session: all but the school they act for, which is decided per request (web/acting-school.ts). */
export type KeptUser = Omit<SessionUser, 'actingSchoolId'>;

export type SessionDocument = {
  _id: string;
  session: string;
  expires: Date;
  lastModified?: Date;
  userId?: string;
  user?: KeptUser;
  userMark?: string;
};

/** What the store read, kept on the request's session (out of sight of express-session and JSON). */
type AsStored = { body: string; lastModified: Date | undefined; user: KeptUser | undefined; userMark: string | undefined };
const AS_STORED = Symbol('session as stored');
type WithStored = { [AS_STORED]?: AsStored };

type Callback = (error?: unknown, session?: SessionData | null) => void;

/** The session's contents without its cookie, whose expiry moves on every request of a rolling session. */
function bodyOf(session: SessionData): string {
  return JSON.stringify({ ...session, cookie: undefined });
}

function signedInUserId(session: SessionData): string | undefined {
  const user = (session as { passport?: { user?: unknown } }).passport?.user;
  return typeof user === 'string' ? user : undefined;
}

/**
 * express-session's store, on the database. Written for this app rather than using connect-mongo because a
 * request then costs one read: the session comes with the signed-in user (see userStoredWith), and a session
 * whose contents did not change is not written again until touchAfterMs has passed (connect-mongo rewrote it
 * on every explicit save, and twice on a redirect, because its own save changes the session it saves).
 */
export class DatabaseSessionStore extends Store {
  constructor(
    private readonly sessions: () => Collection<SessionDocument>,
    private readonly touchAfterMs: number,
    private readonly idleMs: number,
  ) {
    super();
  }

  override get(sid: string, callback: Callback): void {
    this.sessions()
      .findOne({ _id: sid, expires: { $gt: new Date() } })
      .then((document) => {
        if (!document) return callback(null, null);
        const session = JSON.parse(document.session) as SessionData & WithStored;
        session[AS_STORED] = { body: bodyOf(session), lastModified: document.lastModified, user: document.user, userMark: document.userMark };
        callback(null, session);
      }, callback);
  }

  /** express-session copies only the enumerable fields into its Session: what was stored goes across here. */
  override createSession(req: Request, data: SessionData & WithStored) {
    const stored = data[AS_STORED];
    const session = super.createSession(req, data);
    if (stored) Object.defineProperty(session, AS_STORED, { value: stored, enumerable: false, writable: true });
    return session;
  }

  override set(sid: string, session: SessionData & WithStored, callback: (error?: unknown) => void = () => {}): void {
    const stored = session[AS_STORED];
    const body = bodyOf(session);
    const now = new Date();
    if (stored && stored.body === body && !this.touchDue(stored, now)) return callback();
    const userId = signedInUserId(session);
    const fields = { session: JSON.stringify(session), expires: this.expiresOf(session, now), lastModified: now };
    const update: UpdateFilter<SessionDocument> = userId ? { $set: { ...fields, userId } } : { $set: fields, $unset: { userId: true, user: true, userMark: true } };
    this.sessions()
      .updateOne({ _id: sid }, update, { upsert: true })
      .then(() => {
        if (stored) Object.assign(stored, { body, lastModified: now });
        // A session made in this request (signing in regenerates it) is saved by passport, then before the
        // redirect, then at the end: as stored now, only a change is written again.
        else Object.defineProperty(session, AS_STORED, { value: { body, lastModified: now, user: undefined, userMark: undefined }, enumerable: false, writable: true });
        callback();
      }, callback);
  }

  override touch(sid: string, session: SessionData & WithStored, callback: (error?: unknown) => void = () => {}): void {
    const stored = session[AS_STORED];
    const now = new Date();
    if (stored && !this.touchDue(stored, now)) return callback();
    this.sessions()
      .updateOne({ _id: sid }, { $set: { expires: this.expiresOf(session, now), lastModified: now } })
      .then(() => {
        if (stored) stored.lastModified = now;
        callback();
      }, callback);
  }

  override destroy(sid: string, callback: (error?: unknown) => void = () => {}): void {
    this.sessions()
      .deleteOne({ _id: sid })
      .then(() => callback(), callback);
  }

  /**
   * The user as stored with this session, if it is the one signed in and nothing about them has changed
   * since it was stored. A fresh copy each request (the request may add to it).
   */
  userStoredWith(session: SessionData | undefined, userId: string): SessionUser | undefined {
    const user = (session as WithStored | undefined)?.[AS_STORED]?.user;
    return user?.id === userId ? { ...user, schoolIds: [...user.schoolIds], actingSchoolId: undefined } : undefined;
  }

  /**
   * Keeps the user just read with the session, unless their record changed since the session was read (the
   * mark moved on) or the session is no longer theirs: then the next request reads them again.
   */
  async keepUserWith(sid: string, session: SessionData | undefined, user: SessionUser): Promise<void> {
    const stored = (session as WithStored | undefined)?.[AS_STORED];
    if (!stored) return;
    const kept: KeptUser = { id: user.id, name: user.name, email: user.email, role: user.role, schoolIds: user.schoolIds, mustChangePassword: user.mustChangePassword };
    await this.sessions().updateOne({ _id: sid, userId: user.id, userMark: stored.userMark ?? { $exists: false } }, { $set: { user: kept } });
  }

  /** After these users' records change: every session of theirs reads them afresh on its next request. */
  static async forgetStoredUsers(sessions: Collection<SessionDocument>, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await sessions.updateMany({ userId: { $in: [...userIds] } }, { $set: { userMark: randomUUID() }, $unset: { user: true } });
  }

  private touchDue(stored: AsStored, now: Date): boolean {
    return !stored.lastModified || now.getTime() - stored.lastModified.getTime() >= this.touchAfterMs;
  }

  private expiresOf(session: SessionData, now: Date): Date {
    return session.cookie?.expires ? new Date(session.cookie.expires) : new Date(now.getTime() + this.idleMs);
  }
}
