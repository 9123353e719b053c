import { LRUCache } from 'lru-cache';
import { NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import type { SessionUser } from '../../web/identity';
import { ROLES, ROLE_LABELS } from '../../web/identity';
import { activeUsersByRole } from '../accounts/accounts.service';
import { waitingForYouBlock } from '../commissions/commission-page';
import type { CommissionStatus } from '../commissions/commission-status';
import { commissionsWaitingOverview, type CommissionsWaiting } from '../commissions/commissions.service';
import { feedbackNeedingAttention } from '../commissions/feedback/feedback.service';
import { checksQueue, countListingsNeedingChecks, type CheckDates } from '../listings/checks/checks.service';
import type { ListingRecord } from '../listings/listing.model';
import { approvalQueue, type ReviewDates } from '../listings/listing-pages.service';
import { countListingsByStatus, listingsOwnedBy } from '../listings/listing-reads';
import { LISTING_STATUSES, PROVIDER_TYPE_LABELS } from '../listings/listing-vocabulary';
import type { ListingRules } from '../listings/listings.service';
import { recommendationsOfSchool } from '../listings/recommendations.service';
import { countNominationsAwaitingSchool, countNominationsToInvite } from '../nominations/nominations.service';
import { planToAgree, termlyReviewsDue } from '../plans/plan-reads';
import { countSchools, findSchoolById, findSchools } from '../schools/school-reads';
import type { sipCaseload } from '../schools/schools.service';
import { sipFeedbackOwed } from '../sips/sip-feedback.service';
import { countLapsedLicences, ownLicenceNeedsRenewal, type SipRules } from '../sips/sips.service';

/** What a school's home page reads of it: its heading, and what waits there (the plan's link, its SIP). */
const HOME_SCHOOL_FIELDS = { name: 1, urn: 1, localAuthority: 1, phase: 1, sip: 1 } as const;
type HomeSchool = NonNullable<Awaited<ReturnType<typeof findSchoolById>>>;

/** What a home page has already read, so working out what waits reads none of it again. */
export type HomeReads = { school?: HomeSchool; listings?: ListingRecord[]; caseload?: Awaited<ReturnType<typeof sipCaseload>> };

export async function schoolDashboard(user: SessionUser) {
  const school = user.actingSchoolId ? await findSchoolById(user.actingSchoolId, HOME_SCHOOL_FIELDS) : null;
  if (!school) throw new NotFoundError('This account is not linked to a school');
  return { school: { name: school.name, urn: school.urn, localAuthority: school.localAuthority, phase: school.phase }, reads: { school } };
}

export async function providerDashboard(user: SessionUser) {
  const listings = await listingsOwnedBy(user.id);
  return {
    listings: listings.map((listing) => ({
      name: listing.name,
      type: PROVIDER_TYPE_LABELS[listing.providerType],
      status: listing.status,
    })),
    reads: { listings },
  };
}

/**
 * Counting every school reads the whole collection on FerretDB (about 0.5 s at national scale): kept for
 * a minute and shared by every request meanwhile. The other counts use an index or the directory keeper.
 */
const SCHOOL_COUNT_SECONDS = 60;
const schoolCount = new LRUCache<'schools', number>({ max: 1, ttl: SCHOOL_COUNT_SECONDS * 1000, allowStale: true, fetchMethod: () => countSchools() });

/**
 * Counts the schools once at start, so the first Traded Services home after it (and every visit made
 * while that count ran, seconds at national scale) does not wait for it; later counts are refreshed
 * behind the figure shown (allowStale).
 */
export function countSchoolsAhead(onError: (error: unknown) => void): void {
  schoolCount.fetch('schools').catch(onError);
}

/** The directory keeper follows every listing, so it knows how many are published without a count. */
export type PublishedListings = { approvedListingCount(): Promise<number> };

const COUNTED_STATUSES = LISTING_STATUSES.filter((status) => status !== 'approved');

export async function tradedServicesDashboard(published: PublishedListings) {
  const [users, byStatus, approved, schools] = await Promise.all([
    activeUsersByRole(),
    countListingsByStatus(COUNTED_STATUSES),
    published.approvedListingCount(),
    schoolCount.fetch('schools').then((count) => count ?? 0),
  ]);
  return {
    usersByRole: ROLES.map((role) => ({ label: ROLE_LABELS[role], count: users[role] })),
    listingsByStatus: LISTING_STATUSES.map((status) => ({ status, count: status === 'approved' ? approved : (byStatus.get(status) ?? 0) })).filter((row) => row.count > 0),
    schools,
  };
}

/** One kind of thing waiting for the user: how many, and the page that lists them. */
export type WaitingItem = { text: string; count: number; href: string };

/** What the waiting lists of listings, feedback and SIP licences need from the app's settings. */
export type WaitingSettings = { rules: ListingRules; directory: ReviewDates & CheckDates & PublishedListings; feedbackDueDays: number; sips: SipRules };

const COMMISSIONS_WAITING: Partial<Record<CommissionStatus, string>> = {
  awaiting_school: 'Support arranged for your school, to confirm',
  change_proposed: 'Changes a provider proposed, to accept or turn down',
  delivered: 'Delivered support, to confirm as completed',
  completed: 'Feedback due on completed support',
  requested: 'Requests for support, to answer',
  accepted: 'Accepted support, to start',
  in_progress: 'Support under way, to record as delivered',
  awaiting_approval: 'LA-funded days beyond an entitlement, to approve or refuse',
  awaiting_la: 'Requests for support the LA deploys, to arrange or refuse',
};

/** How many commissions a home page lists under "Waiting for you" (the counts cover them all). */
const COMMISSIONS_LISTED = 10;

/**
 * The "Waiting for you" block of a home page: every kind of pending action with its count and where to act,
 * the oldest commissions waiting and the recent notifications.
 */
export async function homeWaiting(user: SessionUser, settings: WaitingSettings, reads: HomeReads, now: Date) {
  const commissions = await commissionsWaitingOverview(user, COMMISSIONS_LISTED, reads.listings?.map((listing) => listing._id));
  const [block, items] = await Promise.all([waitingForYouBlock(user, commissions), waitingFor(user, settings, reads, commissions, now)]);
  return { ...block, items };
}

/**
 * Every kind of pending action of the user's role, with its count and where to act (docs/features/dashboards.md),
 * from what the page has read already where it can.
 */
async function waitingFor(user: SessionUser, settings: WaitingSettings, reads: HomeReads, commissions: CommissionsWaiting, now: Date): Promise<WaitingItem[]> {
  const items: WaitingItem[] = [];
  const commissionItems = commissions.counts.map(({ status, count }) => ({ text: COMMISSIONS_WAITING[status]!, count, href: paths.commissions.list }));
  switch (user.role) {
    case 'school': {
      const school = reads.school ?? (user.actingSchoolId ? await findSchoolById(user.actingSchoolId, HOME_SCHOOL_FIELDS) : null);
      if (!school) break;
      const [recommendations, nominations, plan, sipFeedback] = await Promise.all([
        recommendationsOfSchool(user),
        countNominationsAwaitingSchool(user),
        planToAgree(school, now),
        sipFeedbackOwed(user, school, now),
      ]);
      items.push({ text: 'Requests to recommend a provider', count: recommendations.waiting.length, href: paths.recommendations.inbox });
      items.push({ text: 'Support plan to agree', count: plan.count, href: plan.href });
      items.push(...commissionItems);
      items.push({ text: 'Feedback on your SIP this term', count: sipFeedback, href: paths.sips.feedback });
      // Shown only when there is one: most schools are never nominated.
      if (nominations > 0) items.push({ text: 'Good practice identified at your school: say who will lead its listing', count: nominations, href: paths.schools.goodPractice(school.urn) });
      break;
    }
    case 'provider':
      items.push(...commissionItems);
      items.push({ text: 'Listings with checks to record or renew', count: await countListingsNeedingChecks(user, reads.listings ?? (await listingsOwnedBy(user.id)), now), href: paths.listings.own });
      break;
    case 'traded_services': {
      const [queue, feedback, nominations, checks, lapsedLicences] = await Promise.all([
        approvalQueue(user, settings.rules, settings.directory),
        feedbackNeedingAttention(user, settings.feedbackDueDays),
        countNominationsToInvite(user),
        checksQueue(user, settings.directory),
        countLapsedLicences(settings.sips, now),
      ]);
      items.push(
        { text: 'Listings awaiting a decision', count: queue.submitted.length, href: paths.listings.queue },
        { text: 'Live listings with fewer than two recommendations', count: queue.short.length, href: paths.listings.queue },
        { text: 'Changes to published listings, to review', count: queue.revisions.length, href: paths.listings.queue },
        { text: 'Listings due for review', count: queue.overdue.length, href: paths.listings.queue },
        { text: 'Provider checks to verify', count: checks.toVerify.length, href: paths.listings.queue },
        { text: 'Listings with checks due or lapsed', count: checks.dueOrLapsed.length, href: paths.listings.queue },
        ...commissionItems,
        { text: 'Low ratings to look into', count: feedback.lowRatedCount, href: paths.feedbackAttention },
        { text: 'Feedback overdue', count: feedback.overdue.length, href: paths.feedbackAttention },
        { text: 'Good-practice nominations, to invite', count: nominations, href: paths.admin.nominations },
        { text: 'SIPs whose licence to practise has lapsed', count: lapsedLicences, href: paths.sips.list },
      );
      break;
    }
    case 'sip': {
      const open = (reads.caseload?.schools ?? []).filter((school) => !school.closed);
      items.push(
        { text: 'Support level reviews due for your schools', count: open.filter((school) => school.reviewOverdue).length, href: paths.schools.yourSchools },
        { text: 'Support plans due a termly review', count: await termlyReviewsDue(reads.caseload?.schoolIds ?? [], now), href: paths.schools.yourSchools },
        {
          text: 'Schools with LA-funded days and no support arranged, to broker for',
          count: open.filter((school) => (school.entitlementDays ?? 0) > 0 && school.openCommissions === 0).length,
          href: paths.schools.yourSchools,
        },
        { text: 'Your licence to practise, to renew', count: (await ownLicenceNeedsRenewal(user, settings.sips, now)) ? 1 : 0, href: paths.sips.profile(user.id) },
      );
      break;
    }
  }
  return items.filter((item) => item.count > 0);
}

/** Another school someone works for, and how many things wait for them there. */
export type OtherSchool = { id: string; name: string; waiting: number };

/**
 * For someone linked to several schools: each school they are not acting for now, with the count its home
 * page would show, so they can see where they are needed and switch to it.
 */
export async function otherSchoolsWaiting(user: SessionUser, settings: WaitingSettings, now: Date): Promise<OtherSchool[]> {
  if (user.role !== 'school' || user.schoolIds.length < 2) return [];
  const others = await findSchools(user.schoolIds.filter((id) => id !== user.actingSchoolId), HOME_SCHOOL_FIELDS);
  const counted = await Promise.all(
    others.map(async (school) => {
      const atSchool = { ...user, actingSchoolId: school._id.toString() };
      const items = await waitingFor(atSchool, settings, { school }, await commissionsWaitingOverview(atSchool, 0), now);
      return { id: school._id.toString(), name: school.name, waiting: items.reduce((sum, item) => sum + item.count, 0) };
    }),
  );
  return counted.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}
