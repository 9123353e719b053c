import { Types } from 'mongoose';
import pino from 'pino';
import { claimEach } from '../../src/db/claims';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { createMailer, sendOneByOne, type Mailer, type MailMessage } from '../../src/features/mail/mailer';
import { User } from '../../src/features/accounts/user.model';
import { Notification } from '../../src/features/notifications/notification.model';
import { NotificationEmails } from '../../src/features/notifications/notification-emails';
import { notify } from '../../src/features/notifications/notifications.service';
import { commandsSentDuring, useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';
import { testConfig } from '../support/app';

useTestDatabase({ monitorCommands: true });

const MESSAGE = { subject: 'Support requested', text: 'A school asked for support.', href: '/commissions/abc' };

/** A mail server that is down until told otherwise, and keeps what it was given. */
class TestMailer implements Mailer {
  readonly via = 'smtp' as const;
  readonly sent: MailMessage[] = [];
  down = false;
  async send(message: MailMessage): Promise<void> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    this.sent.push(message);
  }
  sendAll(messages: readonly MailMessage[]) {
    return sendOneByOne((message) => this.send(message), messages);
  }
}

const emailsVia = (mailer: Mailer) => new NotificationEmails({ mailer, baseUrl: 'https://support.example', serviceName: 'School support' }, pino({ level: 'silent' }));
const emailState = async (recipient: Types.ObjectId) => Notification.findOne({ recipient }, { email: 1, emailAttempts: 1, emailDueAt: 1 }).lean();

describe('notification emails', () => {
  it('emails each notification once, with the service name and the link, even when two instances send at once', async () => {
    const user = await createUser('school');
    await notify([user._id], MESSAGE);
    const mailer = new TestMailer();
    const [first, second] = await Promise.all([emailsVia(mailer).send(), emailsVia(mailer).send()]);
    expect(first + second).toBe(1);
    expect(mailer.sent).toEqual([{ to: user.email, subject: 'School support: Support requested', text: 'A school asked for support.\n\nhttps://support.example/commissions/abc\n' }]);
    expect(await emailState(user._id)).toMatchObject({ email: 'sent', emailAttempts: 1 });
    expect(await emailsVia(mailer).send()).toBe(0);
  });

  it('keeps the notification when the mail server is down, and tries its email again later, up to five times', async () => {
    const user = await createUser('provider');
    await notify([user._id], MESSAGE);
    const mailer = new TestMailer();
    mailer.down = true;
    const emails = emailsVia(mailer);
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await emails.send()).toBe(0);
      const state = await emailState(user._id);
      expect(state).toMatchObject({ email: attempt < 5 ? 'waiting' : 'failed', emailAttempts: attempt });
      if (attempt < 5) {
        expect(state!.emailDueAt!.getTime()).toBeGreaterThan(Date.now() + (attempt * 10 - 1) * 60_000);
        // Not tried again before it is due; then, as if the time had come.
        expect(await emails.send()).toBe(0);
        expect((await emailState(user._id))!.emailAttempts).toBe(attempt);
        await Notification.updateOne({ recipient: user._id }, { $set: { emailDueAt: new Date() } });
      }
    }
    expect(mailer.sent).toEqual([]);

    const again = await createUser('provider');
    await notify([again._id], MESSAGE);
    mailer.down = false;
    expect(await emails.send()).toBe(1);
    expect(mailer.sent.map((message) => message.to)).toEqual([again.email]);
  });

  it('emails nobody who has been deactivated since, and leaves the notification in the service', async () => {
    const user = await createUser('sip');
    await notify([user._id], MESSAGE);
    await User.updateOne({ _id: user._id }, { $set: { active: false } });
    const mailer = new TestMailer();
    expect(await emailsVia(mailer).send()).toBe(0);
    expect(mailer.sent).toEqual([]);
    const state = await emailState(user._id);
    expect(state).not.toBeNull();
    expect(state!.email).toBeUndefined();
  });
});

describe('notification emails in bulk', () => {
  it('sends every notification waiting, more than one batch of them, in one go', async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => createUser('school')));
    for (let i = 0; i < 70; i++) await notify(users.map((user) => user._id), { ...MESSAGE, subject: `Notice ${i}` });
    const mailer = new TestMailer();
    expect(await emailsVia(mailer).send()).toBe(210);
    expect(await Notification.countDocuments({ email: 'waiting' })).toBe(0);
  });

  it('writes a few times a batch, however many it sends: the claims, the outbox and the notifications once each', async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => createUser('school')));
    for (let i = 0; i < 10; i++) await notify(users.map((user) => user._id), { ...MESSAGE, subject: `Notice ${i}` });
    const sent = await commandsSentDuring(async () => expect(await emailsVia(createMailer(testConfig().mail)).send()).toBe(30));
    const writes = sent.filter((command) => /^(insert|update|delete) /.test(command));
    expect(writes.sort()).toEqual(['insert claims', 'insert outboxmessages', 'update notifications']);
    expect(await OutboxMessage.countDocuments({ subject: 'School support: Notice 9' })).toBe(3);
  });

  it('sends only what it claimed when another instance claimed some of the batch first', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => createUser('school')));
    await notify(users.map((user) => user._id), MESSAGE);
    const taken = await Notification.find({ recipient: { $in: [users[0]!._id, users[2]!._id] } }).lean();
    expect(await claimEach(taken.map((notification) => `notification-email:${notification._id.toString()}:1`))).toEqual([true, true]);
    const mailer = new TestMailer();
    expect(await emailsVia(mailer).send()).toBe(2);
    expect(mailer.sent.map((message) => message.to).sort()).toEqual([users[1]!.email, users[3]!.email].sort());
  });
});
