import type { Types } from 'mongoose';
import { formatDate } from '../../lib/format';
import { paths } from '../../paths';
import type { SessionUser } from '../../web/identity';
import type { PrioritySupport } from '../plans/plan-page';
import type { PriorityForRequest } from '../plans/plan-reads';
import { resolveTerms } from '../taxonomy/taxonomy.service';
import { STATUS_LABELS, STATUS_TAG_COLOURS, type CommissionStatus } from './commission-status';
import { Commission } from './commission.model';
import type { commissionableListing } from './commissions.service';
import { Feedback } from './feedback/feedback.model';
import { OBJECTIVES_MET_LABELS, type ObjectivesMet } from './feedback/ratings';

/**
 * The support arranged against each priority of a plan, by priority id, with the school's rated impact
 * once it has given feedback: how far the objectives were met, and its rating of the impact on pupils.
 * Shown on the plan, which only the school, its SIP and Traded Services see (as they see the commissions).
 */
export async function supportAgainstPlan(planId: Types.ObjectId): Promise<Map<string, PrioritySupport[]>> {
  const commissions = await Commission.find({ plan: planId }, { reference: 1, listingName: 1, status: 1, startOn: 1, planPriority: 1 }).sort({ startOn: 1 }).lean();
  const feedback = commissions.length
    ? await Feedback.find({ commission: { $in: commissions.map((commission) => commission._id) } }, { commission: 1, ratings: 1, objectivesMet: 1 }).lean()
    : [];
  const feedbackOf = new Map(feedback.map((row) => [row.commission.toString(), row]));
  const byPriority = new Map<string, PrioritySupport[]>();
  for (const commission of commissions) {
    if (!commission.planPriority) continue;
    const status = commission.status as CommissionStatus;
    const rated = feedbackOf.get(commission._id.toString());
    const rows = byPriority.get(commission.planPriority.toString()) ?? [];
    rows.push({
      href: paths.commissions.commission(commission._id.toString()),
      reference: commission.reference,
      listingName: commission.listingName,
      status: STATUS_LABELS[status],
      statusColour: STATUS_TAG_COLOURS[status],
      startOn: formatDate(commission.startOn),
      objectivesMet: rated?.objectivesMet ? `objectives ${OBJECTIVES_MET_LABELS[rated.objectivesMet as ObjectivesMet].toLowerCase()}` : undefined,
      impact: rated ? `impact on pupils’ outcomes rated ${rated.ratings.impact} out of 5` : undefined,
    });
    byPriority.set(commission.planPriority.toString(), rows);
  }
  return byPriority;
}

/**
 * A request's starting answers against a priority, so nothing is typed twice: the priority as the need,
 * its objectives and success criteria (editable), and the areas its need maps to that the listing covers.
 */
export async function valuesFromPriority(user: SessionUser, listing: Awaited<ReturnType<typeof commissionableListing>>, priority: PriorityForRequest): Promise<Record<string, unknown>> {
  const need = priority.needSlug ? (await resolveTerms('need', [priority.needSlug]))[0] : undefined;
  const expertise = listing.expertise ?? [];
  const categories = (need?.categories ?? []).filter((category) => expertise.length === 0 || expertise.includes(category));
  return {
    listing: listing._id.toString(),
    plan: priority.planId,
    priority: priority.priorityId,
    school: user.role === 'school' ? undefined : priority.schoolId,
    need: priority.title,
    categories,
    objectives: priority.objectives,
    successCriteria: priority.successCriteria,
  };
}

/**
 * Every completed piece of support (completed or evaluated), for the "moved up a level" figure: which
 * listing, which school, when it started and was completed. Within these schools, if given.
 */
export async function completedSupport(schoolScope?: readonly Types.ObjectId[]) {
  const commissions = await Commission.find(
    { status: { $in: ['completed', 'evaluated'] }, ...(schoolScope ? { school: { $in: schoolScope } } : {}) },
    { listing: 1, listingName: 1, school: 1, startOn: 1, completedAt: 1 },
  ).lean();
  return commissions
    .filter((commission) => commission.completedAt)
    .map((commission) => ({
      listing: commission.listing.toString(),
      listingName: commission.listingName,
      school: commission.school.toString(),
      startOn: commission.startOn,
      completedAt: commission.completedAt!,
    }));
}
