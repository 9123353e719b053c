import { Types } from 'mongoose';
import type { SessionUser } from '../../web/identity';
import { Notification } from './notification.model';

/** school: the school it concerns, for a message to that school's users. */
export type NotificationMessage = { subject: string; text: string; href: string; school?: Types.ObjectId };

// The ONE way the app tells people something: an in-app notification for each recipient, and its email,
// which NotificationEmails sends (and tries again) apart from the step that made it.

/** A notification to send later, with its ids fixed now (one per recipient), so sending it twice sends it once. */
export type PlannedNotice = { recipients: Types.ObjectId[]; ids: Types.ObjectId[]; message: NotificationMessage };

export function planNotice(recipients: readonly Types.ObjectId[], message: NotificationMessage): PlannedNotice {
  const unique = [...new Set(recipients.map(String))].map((id) => new Types.ObjectId(id));
  return { recipients: unique, ids: unique.map(() => new Types.ObjectId()), message };
}

/** Records a planned notice unless it has been: each recipient's notification, its email waiting to go. */
export async function sendNoticeOnce(notice: PlannedNotice): Promise<void> {
  if (notice.recipients.length === 0) return;
  try {
    await Notification.insertMany(
      notice.recipients.map((recipient, i) => ({ _id: notice.ids[i], recipient, ...notice.message, email: 'waiting', emailDueAt: new Date() })),
      { ordered: false },
    );
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return;
    throw error;
  }
}

/** Tells each person it is their turn: in the service ("waiting for you") and by email. */
export async function notify(recipients: readonly Types.ObjectId[], message: NotificationMessage): Promise<void> {
  await sendNoticeOnce(planNotice(recipients, message));
}

export type RecentNotification = Omit<NotificationMessage, 'school'> & { createdAt: Date };

/** What the user may see of their latest notifications: a school user, those about the school they act for or about no school. */
export async function recentNotificationsFor(user: Pick<SessionUser, 'id' | 'role' | 'actingSchoolId'>, limit = 5): Promise<RecentNotification[]> {
  const recipient = new Types.ObjectId(user.id);
  // One query per kind, each by the recipient index, rather than one $or, which FerretDB answers by reading every notification.
  const filters =
    user.role === 'school'
      ? [{ recipient, school: { $exists: false } }, ...(user.actingSchoolId ? [{ recipient, school: new Types.ObjectId(user.actingSchoolId) }] : [])]
      : [{ recipient }];
  const found = await Promise.all(filters.map((filter) => Notification.find(filter).sort({ createdAt: -1 }).limit(limit).lean()));
  return found
    .flat()
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, limit)
    .map(({ subject, text, href, createdAt }) => ({ subject, text, href, createdAt }));
}
