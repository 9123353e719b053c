import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { claimOnce } from '../../db/claims';
import { repeatEvery } from '../../db/repeating-work';
import type { BackgroundWork } from '../../web/background-work';
import { activeEmailsOf } from '../accounts/accounts.service';
import type { Mailer } from '../mail/mailer';
import { Notification } from './notification.model';

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

  /** `more` when there may be more due than one batch took (and this one got somewhere: others' claims stop it). */
  private async sendBatch(now: Date): Promise<{ sent: number; more: boolean }> {
    const waiting = await Notification.find({ email: 'waiting', emailDueAt: { $lte: now } }).sort({ emailDueAt: 1 }).limit(BATCH).lean();
    if (waiting.length === 0) return { sent: 0, more: false };
    const addresses = await activeEmailsOf(waiting.map((notification) => notification.recipient));
    let sent = 0;
    let claimed = 0;
    for (const notification of waiting) {
      const attempt = (notification.emailAttempts ?? 0) + 1;
      if (!(await claimOnce(`notification-email:${notification._id.toString()}:${attempt}`))) continue;
      claimed += 1;
      const to = addresses.get(notification.recipient.toString());
      if (!to) {
        // Deactivated or erased since: nobody to email.
        await Notification.updateOne({ _id: notification._id }, { $unset: { email: 1, emailDueAt: 1, emailAttempts: 1 } });
        continue;
      }
      try {
        await this.delivery.mailer.send({ to, ...this.message(notification) });
        await Notification.updateOne({ _id: notification._id }, { $set: { email: 'sent', emailAttempts: attempt }, $unset: { emailDueAt: 1 } });
        sent += 1;
      } catch (error) {
        this.logger.warn({ err: error, notification: notification._id, attempt }, 'notification email not sent');
        const retry = attempt < MAX_ATTEMPTS ? { email: 'waiting', emailDueAt: new Date(now.getTime() + RETRY_AFTER_MS * attempt) } : { email: 'failed' };
        await Notification.updateOne({ _id: notification._id }, { $set: { ...retry, emailAttempts: attempt } });
      }
    }
    return { sent, more: waiting.length === BATCH && claimed > 0 };
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
