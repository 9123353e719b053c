import { Types } from 'mongoose';
import { academicYearFor, academicYearLabel, termFor } from '../../lib/academic-calendar';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import type { SessionUser } from '../../web/identity';
import { findSchoolById, findSchools } from '../schools/school-reads';
import { schoolsInSipCaseload } from '../schools/sip-caseload';
import { canArrangeSupportFor, canViewPlan } from './plan-access';
import { PlanReview } from './plan-review.model';
import { AGREEMENT_LABELS, agreementState, awaitsAgreement, termlyReviewDue } from './plan-rules';
import { titledPriority } from './priority-titles';
import { SupportPlan, type SupportPlanRecord } from './support-plan.model';

// What other features read of support plans: the commission request (a priority to start from), the
// school page (a summary), reports (the needs of schools' priorities) and home pages (what waits).

/** A priority support is being arranged against, with the text a request starts from. */
export type PriorityForRequest = {
  planId: string;
  priorityId: string;
  schoolId: string;
  schoolName: string;
  title: string;
  needSlug?: string;
  objectives: string;
  successCriteria: string;
  yearLabel: string;
  planHref: string;
};

/**
 * A priority of a plan, for a request for support against it, if this user may arrange support for
 * the plan's school (the school itself, its SIP, Traded Services). Unknown ids are a 404.
 */
export async function priorityForRequest(user: SessionUser, planId: string, priorityId: string): Promise<PriorityForRequest> {
  if (!Types.ObjectId.isValid(planId) || !Types.ObjectId.isValid(priorityId)) throw new NotFoundError();
  const plan = await SupportPlan.findById(planId).lean<SupportPlanRecord>();
  const priority = plan?.priorities.find((candidate) => candidate._id.toString() === priorityId);
  if (!plan || !priority) throw new NotFoundError();
  const school = await findSchoolById(plan.school, { _id: 1, sip: 1, name: 1, urn: 1 });
  if (!school) throw new NotFoundError();
  if (!canArrangeSupportFor(user, school)) throw new NotAllowedError();
  const { title } = await titledPriority(priority);
  return {
    planId,
    priorityId,
    schoolId: school._id.toString(),
    schoolName: school.name,
    title,
    needSlug: priority.need ?? undefined,
    objectives: priority.objectives ?? '',
    successCriteria: priority.successCriteria ?? '',
    yearLabel: academicYearLabel(plan.academicYear),
    planHref: paths.plans.plan(school.urn),
  };
}

/**
 * The priorities of this year's plans a request for support could start from: the school's own, or the
 * plans of a SIP's caseload. (Traded Services start from a school's plan page instead: all schools would be too many.)
 */
export async function priorityStartingPoints(user: SessionUser, now = new Date()) {
  const ids = user.role === 'school' && user.actingSchoolId ? [user.actingSchoolId] : user.role === 'sip' ? await schoolsInSipCaseload(user.id) : [];
  if (ids.length === 0) return [];
  const schools = await findSchools(ids, { name: 1 });
  const plans = await SupportPlan.find({ school: { $in: schools.map((school) => school._id) }, academicYear: academicYearFor(now) }).lean<SupportPlanRecord[]>();
  const names = new Map(schools.map((school) => [school._id.toString(), school.name]));
  const groups = await Promise.all(
    plans
      .filter((plan) => plan.priorities.length > 0)
      .map(async (plan) => ({
        schoolName: names.get(plan.school.toString()) ?? '',
        planId: plan._id.toString(),
        priorities: await Promise.all(plan.priorities.map(async (priority) => ({ id: priority._id.toString(), title: (await titledPriority(priority)).title }))),
      })),
  );
  return groups.sort((a, b) => a.schoolName.localeCompare(b.schoolName, 'en-GB'));
}

/** What the school page shows of this year's plan, and the needs and words its suggested support is ranked against. */
export async function planSummaryFor(user: SessionUser, schoolId: string, now = new Date()) {
  const school = await findSchoolById(schoolId, { _id: 1, sip: 1, urn: 1, priorities: 1 });
  if (!school) throw new NotFoundError();
  if (!canViewPlan(user, school)) throw new NotAllowedError();
  const academicYear = academicYearFor(now);
  const plan = await SupportPlan.findOne({ school: school._id, academicYear }).lean<SupportPlanRecord>();
  const priorities = plan ? await Promise.all(plan.priorities.map(async (priority) => (await titledPriority(priority)).title)) : [];
  return {
    yearLabel: academicYearLabel(academicYear),
    href: paths.plans.plan(school.urn),
    exists: Boolean(plan),
    agreement: plan ? AGREEMENT_LABELS[agreementState(plan)] : undefined,
    priorities,
    // Before a plan exists, the priorities recorded on the school still suggest support.
    needSlugs: plan ? plan.priorities.flatMap((priority) => (priority.need ? [priority.need] : [])) : (school.priorities?.needs ?? []),
    words: plan ? plan.priorities.flatMap((priority) => (priority.words ? [priority.words] : [])).join('. ') : (school.priorities?.notes ?? ''),
  };
}
export type PlanSummary = Awaited<ReturnType<typeof planSummaryFor>>;

/**
 * The needs of each school's priorities: this year's plan's, or for a school without one the needs
 * recorded on it before plans existed. By school id.
 */
export async function priorityNeedsOfSchools(schoolIds: readonly Types.ObjectId[], now = new Date()): Promise<Map<string, string[]>> {
  if (schoolIds.length === 0) return new Map();
  const [plans, schools] = await Promise.all([
    SupportPlan.find({ school: { $in: schoolIds }, academicYear: academicYearFor(now) }, { school: 1, priorities: 1 }).lean<SupportPlanRecord[]>(),
    findSchools(schoolIds, { priorities: 1 }),
  ]);
  const needs = new Map(schools.map((school) => [school._id.toString(), school.priorities?.needs ?? []]));
  for (const plan of plans) needs.set(plan.school.toString(), plan.priorities.flatMap((priority) => (priority.need ? [priority.need] : [])));
  return needs;
}

/** For a school's home page: this year's plan, if it waits for the school to agree it (a count of 0 or 1, and where it is). */
export async function planToAgree(school: { _id: Types.ObjectId; urn: string }, now = new Date()): Promise<{ count: number; href: string }> {
  const plan = await SupportPlan.findOne({ school: school._id, academicYear: academicYearFor(now) }, { version: 1, agreed: 1, priorities: 1 }).lean<SupportPlanRecord>();
  return { count: plan && awaitsAgreement(plan) ? 1 : 0, href: paths.plans.plan(school.urn) };
}

/** For a SIP's home page: this year's plans in their caseload (the schools' ids, as the page read them) with milestones and no review yet this term. */
export async function termlyReviewsDue(caseload: readonly Types.ObjectId[], now = new Date()): Promise<number> {
  if (caseload.length === 0) return 0;
  const plans = await SupportPlan.find({ school: { $in: caseload }, academicYear: academicYearFor(now) }, { milestones: 1 }).lean<SupportPlanRecord[]>();
  const withMilestones = plans.filter((plan) => plan.milestones.length > 0);
  if (withMilestones.length === 0) return 0;
  const reviewed = await PlanReview.find({ plan: { $in: withMilestones.map((plan) => plan._id) }, termKey: termFor(now).key }, { plan: 1, termKey: 1 }).lean();
  return withMilestones.filter((plan) => termlyReviewDue(plan, reviewed.filter((review) => review.plan.equals(plan._id)).map((review) => review.termKey), now)).length;
}
