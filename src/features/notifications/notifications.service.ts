import { Types } from 'mongoose';
import { Notification } from './notification.model';

export type NotificationMessage = { subject: string; text: string; href: string };

/**
 * The ONE way the app tells people something: every notification goes through here. It records an in-app
 * notification for each recipient; email delivery (SMTP or the outbox) is to be added here by the lead.
 */
export async function notify(recipients: readonly Types.ObjectId[], message: NotificationMessage): Promise<void> {
  const unique = [...new Set(recipients.map(String))];
  if (unique.length === 0) return;
  await Notification.insertMany(unique.map((id) => ({ recipient: new Types.ObjectId(id), ...message })));
}

export type RecentNotification = NotificationMessage & { createdAt: Date };

export async function recentNotificationsFor(userId: string, limit = 5): Promise<RecentNotification[]> {
  const notifications = await Notification.find({ recipient: new Types.ObjectId(userId) }).sort({ createdAt: -1 }).limit(limit).lean();
  return notifications.map(({ subject, text, href, createdAt }) => ({ subject, text, href, createdAt }));
}
