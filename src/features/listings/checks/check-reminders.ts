import type { Logger } from 'pino';
import { claimOnce } from '../../../db/claims';
import { findInOrder } from '../../../db/id-lookups';
import { repeatEvery } from '../../../db/repeating-work';
import { formatDate } from '../../../lib/format';
import { paths } from '../../../paths';
import { notify } from '../../notifications/notifications.service';
import { Listing, type ListingRecord } from '../listing.model';
import { CHECK_NAMES, type CheckKind } from './check-kinds';
import { currentRequirements, requiredKindsFor } from './check-requirements';
import { lapseDateOf, lastValidDay, reminderDue } from './check-status';
import { ProviderCheck, type ProviderCheckRecord } from './provider-check.model';

const LIVE_STATUSES = ['approved', 'suspended'];

/**
 * Tells the owners of a live listing, once each, that a required check runs out in 30 days, in 7 days,
 * and that it has lapsed (the listing left the directory that day). A claim per check, lapse date and
 * reminder means two instances never both send one, and a renewed check (a new lapse date) is reminded
 * afresh. While a renewal waits for Traded Services, only the lapse is told.
 */
export async function sendCheckReminders(now = new Date()): Promise<number> {
  const requirements = await currentRequirements();
  const records = await ProviderCheck.find({}, { listing: 1, kind: 1, verified: 1, waitingState: 1 }).lean<ProviderCheckRecord[]>();
  const due = records.flatMap((record) => {
    const lapsesOn = record.verified ? lapseDateOf(record.kind as CheckKind, record.verified, requirements.accepted) : null;
    const reminder = lapsesOn ? reminderDue(lapsesOn, now) : null;
    if (!lapsesOn || !reminder || (reminder !== 'lapsed' && record.waitingState === 'waiting')) return [];
    return [{ record, lapsesOn, reminder }];
  });
  if (due.length === 0) return 0;
  const listings = new Map(
    (await findInOrder(Listing, [...new Set(due.map(({ record }) => record.listing.toString()))])).map((listing) => [listing._id.toString(), listing as ListingRecord]),
  );
  let sent = 0;
  for (const { record, lapsesOn, reminder } of due) {
    const listing = listings.get(record.listing.toString());
    const kind = record.kind as CheckKind;
    if (!listing || !LIVE_STATUSES.includes(listing.status) || !requiredKindsFor(requirements, listing.providerType).includes(kind)) continue;
    if (!(await claimOnce(`check-reminder:${record._id.toString()}:${lapsesOn.getTime()}:${reminder}`, { permanent: true }))) continue;
    const until = formatDate(lastValidDay(lapsesOn));
    await notify(
      listing.owners ?? [],
      reminder === 'lapsed'
        ? {
            subject: `${listing.name} has left the directory: the ${CHECK_NAMES[kind]} has lapsed`,
            text: `The ${CHECK_NAMES[kind]} for ${listing.name} was valid until ${until}, so ${listing.name} is no longer shown in the directory. It returns as soon as Traded Services verify the renewed check.`,
            href: paths.listings.checks(listing._id.toString()),
          }
        : {
            subject: `The ${CHECK_NAMES[kind]} for ${listing.name} runs out on ${until}`,
            text: `The ${CHECK_NAMES[kind]} for ${listing.name} is valid until ${until}. Send Traded Services the renewed check before then, so ${listing.name} stays in the directory.`,
            href: paths.listings.recordCheck(listing._id.toString(), kind),
          },
    );
    sent++;
  }
  return sent;
}

/** Every hour: a reminder goes out within the hour its day begins. */
export function scheduleCheckReminders(logger: Logger, everyMs = 60 * 60_000): () => void {
  return repeatEvery(everyMs, logger, 'check reminders', () => sendCheckReminders(), (sent) => sent > 0 && logger.info({ sent }, 'check reminders sent'));
}
