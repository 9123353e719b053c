import { Types } from 'mongoose';
import { actOnCommission } from '../../src/features/commissions/commissions.service';
import { Commission } from '../../src/features/commissions/commission.model';
import { sendFeedbackReminders } from '../../src/features/commissions/feedback/feedback-reminders';
import { OutboxMessage } from '../../src/features/mail/outbox.model';
import { Notification } from '../../src/features/notifications/notification.model';
import { createListing, requestAs, sessionUserFor } from '../support/commission-factories';
import pino from 'pino';
import { createMailer } from '../../src/features/mail/mailer';
import { NotificationEmails } from '../../src/features/notifications/notification-emails';
import { testConfig } from '../support/app';
import { useTestDatabase } from '../support/database';

useTestDatabase();

describe('feedback reminders', () => {
  it('reminds the school once when feedback on completed support is overdue, by notification and email', async () => {
    const provider = await sessionUserFor('provider');
    const school = await sessionUserFor('school');
    const listing = await createListing([new Types.ObjectId(provider.id)]);
    const { id } = await requestAs(school, listing.id as string, { days: 1 });
    await actOnCommission(provider, id, 'accept');
    await actOnCommission(provider, id, 'mark_delivered');
    await actOnCommission(school, id, 'confirm_completion');
    expect((await Commission.findById(id).lean())!.status).toBe('completed');

    const now = new Date();
    expect(await sendFeedbackReminders(14, now)).toBe(0);
    const later = new Date(now.getTime() + 15 * 24 * 60 * 60 * 1000);
    expect(await Promise.all([sendFeedbackReminders(14, later), sendFeedbackReminders(14, later)])).toEqual(expect.arrayContaining([1, 0]));
    expect(await sendFeedbackReminders(14, later)).toBe(0);
    expect(await Notification.countDocuments({ recipient: new Types.ObjectId(school.id), subject: /^Feedback due/ })).toBe(1);
    // Outside any request: the timer's sweep emails it.
    expect(await OutboxMessage.countDocuments({ to: school.email, subject: /Feedback due/ })).toBe(0);
    await new NotificationEmails({ mailer: createMailer(testConfig().mail), baseUrl: 'https://support.example', serviceName: 'Test' }, pino({ level: 'silent' })).send();
    expect(await OutboxMessage.countDocuments({ to: school.email, subject: /Feedback due/ })).toBe(1);
  });
});
