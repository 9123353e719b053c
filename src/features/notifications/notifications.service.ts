import { Types } from 'mongoose';
import { User } from '../accounts/user.model';
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

/** Tells each person it is their turn: in the service ("waiting for you") and by email. */
export async function notify(recipients: readonly Types.ObjectId[], message: NotificationMessage): Promise<void> {
  const unique = [...new Set(recipients.map(String))];
  if (unique.length === 0) return;
  await Notification.insertMany(unique.map((id) => ({ recipient: new Types.ObjectId(id), ...message })));
  if (!emailDelivery) return;
  const { mailer, baseUrl, serviceName } = emailDelivery;
  const people = await User.find({ _id: { $in: unique }, active: true }, { email: 1 }).lean();
  await Promise.all(
    people.map((person) =>
      mailer.send({ to: person.email, subject: `${serviceName}: ${message.subject}`, text: `${message.text}\n\n${baseUrl}${message.href}\n` }),
    ),
  );
}

export type RecentNotification = NotificationMessage & { createdAt: Date };

export async function recentNotificationsFor(userId: string, limit = 5): Promise<RecentNotification[]> {
  const notifications = await Notification.find({ recipient: new Types.ObjectId(userId) }).sort({ createdAt: -1 }).limit(limit).lean();
  return notifications.map(({ subject, text, href, createdAt }) => ({ subject, text, href, createdAt }));
}
