import type { Types } from 'mongoose';
import type { RequestContext } from '../../web/identity';
import { recordAudit } from '../audit/audit.service';
import type { PurgeTask } from '../../db/maintenance';
import { SECURITY_EVENTS_COLLECTION, SecurityEvent } from './security-event.model';

/** Every kind of security event, with the words the Security events page uses for it. */
export const SECURITY_EVENT_LABELS = {
  signed_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  account_locked: 'Account locked',
  signed_out: 'Signed out',
  password_changed: 'Password changed',
  password_reset_requested: 'Password reset asked for',
  password_reset: 'Password reset',
  user_invited: 'Invitation sent',
  invitation_resent: 'Invitation sent again',
  password_set_from_invitation: 'Invitation accepted',
  user_deactivated: 'Account deactivated',
  user_reactivated: 'Account reactivated',
  school_linked: 'School linked',
  school_unlinked: 'School unlinked',
  user_erased: 'Personal data erased',
  personal_data_downloaded: 'Personal data downloaded',
} as const;

export type SecurityEventType = keyof typeof SECURITY_EVENT_LABELS;
export const SECURITY_EVENT_TYPES = Object.keys(SECURITY_EVENT_LABELS) as SecurityEventType[];

/** Where a request came from. The address is kept whole: it is what an investigation needs. */


export type SecurityEventInput = {
  type: SecurityEventType;
  context: RequestContext;
  /** Who did it; unset for someone not signed in (a failed sign-in, a reset asked for). */
  actor?: Types.ObjectId;
  /** The account it is about, when there is one. */
  subject?: Types.ObjectId;
  /** The address typed, kept only when it names no account. */
  email?: string;
  /** A short fact for the list ("wrong password", "locked until 3:45pm"); never a password. */
  detail?: string;
  /** Kept in the audit entry only. */
  reason?: string;
  changes?: Record<string, unknown>;
};

/**
 * Records a security event twice: in the recent-events window the Security events page reads, and,
 * when it is about an account, as that account's audit entry, which is kept for good.
 */
export async function recordSecurityEvent(event: SecurityEventInput): Promise<void> {
  const { type, context, actor, subject, detail } = event;
  await Promise.all([
    SecurityEvent.create({ at: new Date(), type, actor, subject, email: subject ? undefined : event.email, detail, ...context }),
    subject
      ? recordAudit({
          actor,
          action: type,
          subjectType: 'User',
          subjectId: subject,
          reason: event.reason,
          changes: detail ? { ...event.changes, detail } : event.changes,
          ...context,
        })
      : undefined,
  ]);
}

/** Keeps the newest `kept` security events (by time; events sharing the oldest kept time all stay). Two scans on FerretDB. */
export function trimSecurityEvents(kept: number): PurgeTask {
  return {
    name: 'securityEvents',
    purge: async (db) => {
      const events = db.collection<{ at: Date }>(SECURITY_EVENTS_COLLECTION);
      const [oldestKept] = await events.find({}, { projection: { at: 1 } }).sort({ at: -1, _id: -1 }).skip(kept - 1).limit(1).toArray();
      if (!oldestKept) return 0;
      return (await events.deleteMany({ at: { $lt: oldestKept.at } })).deletedCount;
    },
  };
}
