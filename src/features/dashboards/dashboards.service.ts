import { Types } from 'mongoose';
import { NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import type { CommissionStatus } from '../commissions/commission-status';
import { countCommissionsWaitingFor } from '../commissions/commissions.service';
import { feedbackNeedingAttention } from '../commissions/feedback/feedback.service';
import { approvalQueue, type ReviewDates } from '../listings/listing-pages.service';
import type { ListingRules } from '../listings/listings.service';
import { checksQueue, countListingsNeedingChecks, type CheckDates } from '../listings/checks/checks.service';
import { recommendationsOfSchool } from '../listings/recommendations.service';
import type { SessionUser } from '../../web/identity';
import { ROLES, ROLE_LABELS } from '../../web/identity';
import { activeUsersWithRole } from '../accounts/accounts.service';
import { LRUCache } from 'lru-cache';
import { countListingsWithStatus, listingsOwnedBy } from '../listings/listing-reads';
import { countListingsBelowTwoRecommendations } from '../listings/recommendation-standing';
import { LISTING_STATUSES, type ListingStatus, PROVIDER_TYPE_LABELS } from '../listings/listing-vocabulary';
import { countSchools, findSchoolById } from '../schools/school-reads';
import { schoolChoicesAmong, urnOfOwnSchool, type sipCaseload } from '../schools/schools.service';
import { countNominationsAwaitingSchool, countNominationsToInvite } from '../nominations/nominations.service';
import { planToAgree, termlyReviewsDue } from '../plans/plan-reads';
import { sipFeedbackOwed } from '../sips/sip-feedback.service';
import { countLapsedLicences, ownLicenceNeedsRenewal, type SipRules } from '../sips/sips.service';

export async function schoolDashboard(user: SessionUser) {
  const school = user.actingSchoolId ? await findSchoolById(user.actingSchoolId) : null;
  if (!school) throw new NotFoundError('This account is not linked to a school');
  return { school: { name: school.name, urn: school.urn, localAuthority: school.localAuthority, phase: school.phase } };
}

export async function providerDashboard(user: SessionUser) {
  const listings = await listingsOwnedBy(user.id);
  return {
    listings: listings.map((listing) => ({
      name: listing.name,
      type: PROVIDER_TYPE_LABELS[listing.providerType],
      status: listing.status,
    })),
  };
}

/**
 * Counts that read most of a big collection on FerretDB (every school; the published listings: about
 * 0.5 s and 1.1 s at national scale), kept for a minute and shared by every request meanwhile. The
 * small counts (listings waiting for a decision, users by role) use an index and are always current.
 */
const LARGE_COUNT_SECONDS = 60;
const largeCounts = new LRUCache<'schools' | 'approved', number>({
  max: 2,
  ttl: LARGE_COUNT_SECONDS * 1000,
  allowStale: true,
  fetchMethod: (key) => (key === 'schools' ? countSchools() : countListingsWithStatus('approved')),
});

const countListings = async (status: ListingStatus) =>
  status === 'approved' ? ((await largeCounts.fetch('approved')) ?? 0) : countListingsWithStatus(status);

export async function tradedServicesDashboard() {
  const [usersByRole, listingsByStatus, schools] = await Promise.all([
    Promise.all(ROLES.map(async (role) => ({ label: ROLE_LABELS[role], count: await activeUsersWithRole(role) }))),
    Promise.all(LISTING_STATUSES.map(async (status) => ({ status, count: await countListings(status) }))),
    largeCounts.fetch('schools').then((count) => count ?? 0),
  ]);
  return { usersByRole, listingsByStatus: listingsByStatus.filter((row) => row.count > 0), schools };
}

/** One kind of thing waiting for the user: how many, and the page that lists them. */
export type WaitingItem = { text: string; count: number; href: string };

/** What the waiting lists of listings, feedback and SIP licences need from the app's settings. */
export type WaitingSettings = { rules: ListingRules; reviewDates: ReviewDates & CheckDates; feedbackDueDays: number; sips: SipRules };

/** A SIP's caseload as their home page shows it. */
export type CaseloadRows = Awaited<ReturnType<typeof sipCaseload>>['schools'];

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

async function commissionsWaiting(user: SessionUser): Promise<WaitingItem[]> {
  return (await countCommissionsWaitingFor(user)).map(({ status, count }) => ({ text: COMMISSIONS_WAITING[status]!, count, href: paths.commissions.list }));
}

/**
 * Every kind of pending action of the user's role, with its count and where to act (docs/features/dashboards.md).
 * A SIP's come from the caseload their home page already read.
 */
export async function waitingFor(user: SessionUser, settings: WaitingSettings, caseload: CaseloadRows = [], now = new Date()): Promise<WaitingItem[]> {
  const items: WaitingItem[] = [];
  switch (user.role) {
    case 'school': {
      const [recommendations, nominations, plan] = await Promise.all([recommendationsOfSchool(user), countNominationsAwaitingSchool(user), planToAgree(user)]);
      items.push({ text: 'Requests to recommend a provider', count: recommendations.waiting.length, href: paths.recommendations.inbox });
      items.push({ text: 'Support plan to agree', count: plan.count, href: plan.href });
      items.push(...(await commissionsWaiting(user)));
      items.push({ text: 'Feedback on your SIP this term', count: await sipFeedbackOwed(user, now), href: paths.sips.feedback });
      if (nominations > 0) {
        items.push({ text: 'Good practice identified at your school: say who will lead its listing', count: nominations, href: paths.schools.goodPractice(await urnOfOwnSchool(user)) });
      }
      break;
    }
    case 'provider':
      items.push(...(await commissionsWaiting(user)));
      items.push({ text: 'Listings with checks to record or renew', count: await countListingsNeedingChecks(user), href: paths.listings.own });
      break;
    case 'traded_services': {
      const [queue, feedback, commissions, shortOfRecommendations, nominations, checks, lapsedLicences] = await Promise.all([
        approvalQueue(user, settings.rules, settings.reviewDates),
        feedbackNeedingAttention(user, settings.feedbackDueDays),
        commissionsWaiting(user),
        countListingsBelowTwoRecommendations(),
        countNominationsToInvite(user),
        checksQueue(user, settings.reviewDates),
        countLapsedLicences(settings.sips, now),
      ]);
      items.push(
        { text: 'Listings awaiting a decision', count: queue.submitted.length, href: paths.listings.queue },
        { text: 'Live listings with fewer than two recommendations', count: shortOfRecommendations, href: paths.listings.queue },
        { text: 'Changes to published listings, to review', count: queue.revisions.length, href: paths.listings.queue },
        { text: 'Listings due for review', count: queue.overdue.length, href: paths.listings.queue },
        { text: 'Provider checks to verify', count: checks.toVerify.length, href: paths.listings.queue },
        { text: 'Listings with checks due or lapsed', count: checks.dueOrLapsed.length, href: paths.listings.queue },
        ...commissions,
        { text: 'Low ratings to look into', count: feedback.lowRated.length, href: paths.feedbackAttention },
        { text: 'Feedback overdue', count: feedback.overdue.length, href: paths.feedbackAttention },
        { text: 'Good-practice nominations, to invite', count: nominations, href: paths.admin.nominations },
        { text: 'SIPs whose licence to practise has lapsed', count: lapsedLicences, href: paths.sips.list },
      );
      break;
    }
    case 'sip': {
      const open = caseload.filter((school) => !school.closed);
      items.push(
        { text: 'Support level reviews due for your schools', count: open.filter((school) => school.reviewOverdue).length, href: paths.schools.yourSchools },
        { text: 'Support plans due a termly review', count: await termlyReviewsDue(user), href: paths.schools.yourSchools },
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
export async function otherSchoolsWaiting(user: SessionUser, settings: WaitingSettings): Promise<OtherSchool[]> {
  if (user.role !== 'school' || user.schoolIds.length < 2) return [];
  const others = await schoolChoicesAmong(user.schoolIds.filter((id) => id !== user.actingSchoolId).map((id) => new Types.ObjectId(id)));
  return Promise.all(
    others.map(async (school) => {
      const items = await waitingFor({ ...user, actingSchoolId: school.id }, settings);
      return { id: school.id, name: school.name, waiting: items.reduce((sum, item) => sum + item.count, 0) };
    }),
  );
}
