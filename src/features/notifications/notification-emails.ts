import type { RequestHandler } from 'express';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { claimEach } from '../../db/claims';
import { repeatEvery } from '../../db/repeating-work';
import type { BackgroundWork } from '../../web/background-work';
import { activeEmailsOf } from '../accounts/accounts.service';
import type { Mailer } from '../mail/mailer';
import { Notification } from './notification.model';

type WaitingNotification = { _id: Types.ObjectId; recipient: Types.ObjectId; emailAttempts?: number | null; subject: string; text: string; href: string };

const idsOf = (notifications: readonly WaitingNotification[]) => notifications.map((notification) => notification._id);

/** The items grouped by key, in the order the keys first appear. */
function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups];
}

export type EmailDelivery = { mailer: Mailer; baseUrl: string; serviceName: string };

/** How the sweep after a request is named in the background work (and its log lines). */
export const NOTIFICATION_EMAILS = 'notification emails';
const BATCH = 100;
const MAX_ATTEMPTS = 5;
const RETRY_AFTER_MS = 10 * 60_000;

/**
 * Emails each notification waiting for its email (SMTP, or the outbox). Apart from the step that made the
 * notification, so a mail server that is down never fails a commission step or loses the email: a failed
 * send is tried again 10, 20, 30 and 40 minutes later, then given up (and logged).
 * Every app instance may send: each attempt is claimed first, so one instance makes it (and an attempt cut
 * short by a crash is made again once its claim is released, db/claims).
 */
export class NotificationEmails {
  private sending: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly delivery: EmailDelivery,
    private readonly logger: Logger,
  ) {}

  /** Sends what is waiting; asked while sending, it goes round once more, so nothing new waits for the timer. */
  async send(): Promise<number> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    this.sending = this.sendUntilDone().finally(() => (this.sending = null));
    return this.sending;
  }

  private async sendUntilDone(): Promise<number> {
    let sent = 0;
    let more: boolean;
    do {
      this.again = false;
      const batch = await this.sendBatch(new Date());
      sent += batch.sent;
      more = batch.more;
    } while (this.again || more);
    return sent;
  }

  /**
   * `more` when there may be more due than one batch took (and this one got somewhere: others' claims stop it).
   * A batch is a few writes whatever its size: its claims, the messages (one write into the outbox), and the
   * notifications marked by outcome.
   */
  private async sendBatch(now: Date): Promise<{ sent: number; more: boolean }> {
    const waiting = await Notification.find({ email: 'waiting', emailDueAt: { $lte: now } }).sort({ emailDueAt: 1 }).limit(BATCH).lean();
    if (waiting.length === 0) return { sent: 0, more: false };
    const attemptOf = (notification: WaitingNotification) => (notification.emailAttempts ?? 0) + 1;
    const claimed = await claimEach(waiting.map((notification) => `notification-email:${notification._id.toString()}:${attemptOf(notification)}`));
    const ours = waiting.filter((_, i) => claimed[i]);
    if (ours.length === 0) return { sent: 0, more: false };
    const addresses = await activeEmailsOf(ours.map((notification) => notification.recipient));
    const addressOf = (notification: WaitingNotification) => addresses.get(notification.recipient.toString());
    // Deactivated or erased since: nobody to email.
    const nobody = ours.filter((notification) => !addressOf(notification));
    const toSend = ours.filter((notification) => addressOf(notification));
    const outcomes = await this.delivery.mailer.sendAll(toSend.map((notification) => ({ to: addressOf(notification)!, ...this.message(notification) })));
    const sent = toSend.filter((_, i) => outcomes[i]!.status === 'fulfilled');
    const failed = toSend.flatMap((notification, i) => (outcomes[i]!.status === 'rejected' ? [{ notification, error: (outcomes[i] as PromiseRejectedResult).reason }] : []));
    await Promise.all([
      nobody.length > 0 && Notification.updateMany({ _id: { $in: idsOf(nobody) } }, { $unset: { email: 1, emailDueAt: 1, emailAttempts: 1 } }),
      ...groupBy(sent, attemptOf).map(([attempt, notifications]) =>
        Notification.updateMany({ _id: { $in: idsOf(notifications) } }, { $set: { email: 'sent', emailAttempts: attempt }, $unset: { emailDueAt: 1 } }),
      ),
      ...failed.map(({ notification, error }) => {
        const attempt = attemptOf(notification);
        this.logger.warn({ err: error, notification: notification._id, attempt }, 'notification email not sent');
        const retry = attempt < MAX_ATTEMPTS ? { email: 'waiting', emailDueAt: new Date(now.getTime() + RETRY_AFTER_MS * attempt) } : { email: 'failed' };
        return Notification.updateOne({ _id: notification._id }, { $set: { ...retry, emailAttempts: attempt } });
      }),
    ]);
    return { sent: sent.length, more: waiting.length === BATCH };
  }

  private message(notification: { subject: string; text: string; href: string }) {
    const { baseUrl, serviceName } = this.delivery;
    return { subject: `${serviceName}: ${notification.subject}`, text: `${notification.text}\n\n${baseUrl}${notification.href}\n` };
  }
}

/**
 * A POST may have left notifications waiting (a refused sign-in too: the lockout notice), so their emails go
 * once it has answered. Cheap when there are none (one indexed read), and never more than one sweep and one
 * more queued at a time, however many posts arrive.
 */
export function emailNotificationsAfterChanges(emails: NotificationEmails, background: BackgroundWork): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'POST') res.on('finish', () => background.run(NOTIFICATION_EMAILS, () => emails.send()));
    next();
  };
}

/** Notifications made outside a request (reminders, steps finished after a stop) and emails to try again. */
export function scheduleNotificationEmails(emails: NotificationEmails, logger: Logger, everyMs = 60_000): () => void {
  return repeatEvery(everyMs, logger, 'notification emails', () => emails.send(), (sent) => sent && logger.info({ sent }, 'notification emails sent'));
}
