import type { Logger } from 'pino';
import { claimOnce } from '../../db/claims';
import { repeatEvery } from '../../db/repeating-work';
import { formatDate } from '../../lib/format';
import { paths } from '../../paths';
import { activeSips } from '../accounts/accounts.service';
import { notify } from '../notifications/notifications.service';
import { licenceStanding } from './licence-standing';
import { SipProfile } from './sip-profile.model';

/**
 * Reminds each active SIP once that their licence to practise is due for renewal, `reminderDays` before its
 * renewal date (in the service and by email). Once per renewal date: a permanent claim per SIP and date, so
 * two instances never both remind, and a renewed licence (a new date) is reminded again in its turn.
 */
export async function sendLicenceReminders(reminderDays: number, now = new Date()): Promise<number> {
  const [profiles, sips] = await Promise.all([SipProfile.find({ 'licence.renewalDate': { $exists: true } }, { user: 1, licence: 1 }).lean(), activeSips()]);
  const active = new Set(sips.map((sip) => sip.id.toString()));
  let sent = 0;
  for (const profile of profiles) {
    const renewalDate = profile.licence?.renewalDate;
    if (!renewalDate || !active.has(profile.user.toString())) continue;
    if (licenceStanding(renewalDate, now, reminderDays).state !== 'renewal_due') continue;
    if (!(await claimOnce(`sip-licence-reminder:${profile.user.toString()}:${renewalDate.toISOString()}`, { permanent: true }))) continue;
    await notify([profile.user], {
      subject: `Your licence to practise is due for renewal by ${formatDate(renewalDate)}`,
      text:
        `Your licence to practise as a School Improvement Partner is due for renewal by ${formatDate(renewalDate)}. ` +
        'Once that date has passed you stay the SIP for your schools, but cannot be given new ones until Traded Services record the renewed licence. ' +
        'Tell Traded Services when it is renewed.',
      href: paths.sips.profile(profile.user.toString()),
    });
    sent++;
  }
  return sent;
}

export function scheduleLicenceReminders(reminderDays: number, logger: Logger, everyMs = 60 * 60_000): () => void {
  return repeatEvery(everyMs, logger, 'SIP licence reminders', () => sendLicenceReminders(reminderDays), (sent) => sent && logger.info({ sent }, 'SIP licence reminders sent'));
}
