import { Types } from 'mongoose';
import { activeEmailsOf } from '../accounts/accounts.service';
import type { Mailer } from '../mail/mailer';
import { Notification } from './notification.model';

export type NotificationMessage = { subject: string; text: string; href: string };

// The ONE way the app tells people something: an in-app notification and an email for each recipient.
type EmailDelivery = { mailer: Mailer; baseUrl: string; serviceName: string };
let emailDelivery: EmailDelivery | undefined;

/** Set once by createApp: every notification is then also emailed (SMTP, or the outbox). */
export function deliverNotificationsByEmail(delivery: EmailDelivery): void {
  emailDelivery = delivery;
}

/** A notification to send later, with its ids fixed now (one per recipient), so sending it twice sends it once. */
export type PlannedNotice = { recipients: Types.ObjectId[]; ids: Types.ObjectId[]; message: NotificationMessage };

export function planNotice(recipients: readonly Types.ObjectId[], message: NotificationMessage): PlannedNotice {
  const unique = [...new Set(recipients.map(String))].map((id) => new Types.ObjectId(id));
  return { recipients: unique, ids: unique.map(() => new Types.ObjectId()), message };
}

/** Sends a planned notice unless it has been sent: its emails go only with the first send. */
export async function sendNoticeOnce(notice: PlannedNotice): Promise<void> {
  if (notice.recipients.length === 0) return;
  try {
    await Notification.insertMany(notice.recipients.map((recipient, i) => ({ _id: notice.ids[i], recipient, ...notice.message })), { ordered: false });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return;
    throw error;
  }
  await email(notice.recipients, notice.message);
}

/** Tells each person it is their turn: in the service ("waiting for you") and by email. */
export async function notify(recipients: readonly Types.ObjectId[], message: NotificationMessage): Promise<void> {
  await sendNoticeOnce(planNotice(recipients, message));
}

async function email(recipients: Types.ObjectId[], message: NotificationMessage): Promise<void> {
  if (!emailDelivery) return;
  const { mailer, baseUrl, serviceName } = emailDelivery;
  const emails = await activeEmailsOf(recipients);
  await Promise.all(
    emails.map((to) =>
      mailer.send({ to, subject: `${serviceName}: ${message.subject}`, text: `${message.text}\n\n${baseUrl}${message.href}\n` }),
    ),
  );
}

export type RecentNotification = NotificationMessage & { createdAt: Date };

export async function recentNotificationsFor(userId: string, limit = 5): Promise<RecentNotification[]> {
  const notifications = await Notification.find({ recipient: new Types.ObjectId(userId) }).sort({ createdAt: -1 }).limit(limit).lean();
  return notifications.map(({ subject, text, href, createdAt }) => ({ subject, text, href, createdAt }));
}
