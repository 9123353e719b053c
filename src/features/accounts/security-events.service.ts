import { Types, type FilterQuery } from 'mongoose';
import { NotAllowedError } from '../../lib/errors';
import { canManageUsers, type SessionUser } from '../../web/identity';
import { User } from './user.model';
import { SecurityEvent, type SecurityEventRecord } from './security-event.model';
import { SECURITY_EVENT_LABELS, type SecurityEventType } from './security-events';
import type { SecurityEventsQuery } from './security-events.schemas';

export const SECURITY_EVENTS_PER_PAGE = 50;

type Person = { id: string; name: string; email: string | undefined };

export type SecurityEventRow = {
  at: Date;
  label: string;
  /** The account the event is about; or, for an attempt naming no account, the address typed. */
  subject: Person | undefined;
  typedEmail: string | undefined;
  /** Who did it, when that was someone other than the account itself. */
  actor: Person | undefined;
  detail: string | undefined;
  ip: string;
  userAgent: string;
};

export type SecurityEventsPage = {
  rows: SecurityEventRow[];
  page: number;
  hasOlder: boolean;
  /** The account the events are filtered to, when one was asked for and found. */
  filteredTo: Person | undefined;
};

/**
 * The latest security events, newest first, optionally of one type and about one account (found by
 * email address or id). On FerretDB each page reads the whole recent-events window (a scan, bounded
 * by SECURITY_EVENTS_KEPT); the page asks for one more event than it shows to know if there are older.
 */
export async function securityEventsPage(viewer: SessionUser, query: SecurityEventsQuery): Promise<SecurityEventsPage> {
  if (!canManageUsers(viewer)) throw new NotAllowedError();
  const filter: FilterQuery<SecurityEventRecord> = {};
  if (query.type) filter.type = query.type;
  const account = query.user
    ? await User.findById(query.user, { name: 1, email: 1, erasedAt: 1 }).lean()
    : query.email
      ? await User.findOne({ email: query.email }, { name: 1, email: 1, erasedAt: 1 }).lean()
      : null;
  if (account) filter.$or = [{ subject: account._id }, { actor: account._id }];
  else if (query.user) filter.subject = new Types.ObjectId(query.user);
  else if (query.email) filter.email = query.email;

  const events = await SecurityEvent.find(filter)
    .sort({ at: -1, _id: -1 })
    .skip((query.page - 1) * SECURITY_EVENTS_PER_PAGE)
    .limit(SECURITY_EVENTS_PER_PAGE + 1)
    .lean<SecurityEventRecord[]>();
  const shown = events.slice(0, SECURITY_EVENTS_PER_PAGE);
  const people = await peopleIn(shown);
  return {
    rows: shown.map((event) => ({
      at: event.at,
      label: SECURITY_EVENT_LABELS[event.type as SecurityEventType] ?? event.type,
      subject: event.subject ? people.get(event.subject.toString()) : undefined,
      typedEmail: event.email ?? undefined,
      actor: event.actor && !event.actor.equals(event.subject ?? undefined) ? people.get(event.actor.toString()) : undefined,
      detail: event.detail ?? undefined,
      ip: event.ip,
      userAgent: event.userAgent,
    })),
    page: query.page,
    hasOlder: events.length > SECURITY_EVENTS_PER_PAGE,
    filteredTo: account ? toPerson(account) : undefined,
  };
}

type StoredPerson = { _id: Types.ObjectId; name: string; email: string; erasedAt?: Date | null };

const toPerson = (user: StoredPerson): Person => ({ id: user._id.toString(), name: user.name, email: user.erasedAt ? undefined : user.email });

/** The accounts a page of events names, looked up by _id. */
async function peopleIn(events: SecurityEventRecord[]): Promise<Map<string, Person>> {
  const ids = [...new Set(events.flatMap((event) => [event.subject, event.actor]).filter((id) => id).map(String))];
  const users = ids.length ? await User.find({ _id: { $in: ids } }, { name: 1, email: 1, erasedAt: 1 }).lean<StoredPerson[]>() : [];
  return new Map(users.map((user) => [user._id.toString(), toPerson(user)]));
}
