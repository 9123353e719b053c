import type { Logger } from 'pino';
import { repeatEvery } from '../../../db/repeating-work';
import { claimOnce } from '../../../db/claims';
import { paths } from '../../../paths';
import { activeUserIds } from '../../accounts/accounts.service';
import { Commission } from '../commission.model';
import { notify } from '../../notifications/notifications.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reminds each school once when its feedback on completed support is overdue. A claim per commission
 * (not a flag update, which FerretDB would not apply atomically) means two instances never both remind.
 */
export async function sendFeedbackReminders(dueDays: number, now = new Date()): Promise<number> {
  const overdue = await Commission.find(
    { status: 'completed', completedAt: { $lt: new Date(now.getTime() - dueDays * DAY_MS) } },
    { school: 1, schoolName: 1, reference: 1, listingName: 1 },
  ).lean();
  let sent = 0;
  for (const commission of overdue) {
    if (!(await claimOnce(`feedback-reminder:${commission._id.toString()}`, { permanent: true }))) continue;
    const people = await activeUserIds({ role: 'school', school: commission.school });
    await notify(
      people,
      {
        subject: `Feedback due: ${commission.reference}`,
        text: `The support from ${commission.listingName} for ${commission.schoolName} has ended. Please tell us how it went: it takes two minutes and helps other schools choose.`,
        href: paths.commissions.feedback(commission._id.toString()),
        school: commission.school,
      },
    );
    sent++;
  }
  return sent;
}

export function scheduleFeedbackReminders(dueDays: number, logger: Logger, everyMs = 60 * 60_000): () => void {
  return repeatEvery(everyMs, logger, 'feedback reminders', () => sendFeedbackReminders(dueDays), (sent) => sent && logger.info({ sent }, 'feedback reminders sent'));
}
