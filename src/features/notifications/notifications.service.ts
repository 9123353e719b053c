import { Types } from 'mongoose';
import { Notification } from './notification.model';

export type NotificationMessage = { subject: string; text: string; href: string };

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

export type RecentNotification = NotificationMessage & { createdAt: Date };

export async function recentNotificationsFor(userId: string, limit = 5): Promise<RecentNotification[]> {
  const notifications = await Notification.find({ recipient: new Types.ObjectId(userId) }).sort({ createdAt: -1 }).limit(limit).lean();
  return notifications.map(({ subject, text, href, createdAt }) => ({ subject, text, href, createdAt }));
}
