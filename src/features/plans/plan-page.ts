import type { Types } from 'mongoose';
import { academicYearFor, academicYearLabel, previousAcademicYear, termsOfYear } from '../../lib/academic-calendar';
import { formatDate } from '../../lib/format';
import { paths } from '../../paths';
import type { SessionUser } from '../../web/identity';
import { userName } from '../accounts/accounts.service';
import { levelMove, LEVEL_MOVE_LABELS } from '../schools/level-order';
import { supportHistoriesOf } from '../schools/school-reads';
import { currentScheme } from '../schools/support-scheme.service';
import { canAgreePlan, canArrangeSupportFor, canEditPlan, canReviewPlan } from './plan-access';
import {
  AGREEMENT_LABELS,
  agreementState,
  latestStatusByTerm,
  MILESTONE_STATUS_COLOURS,
  MILESTONE_STATUS_LABELS,
  PLAN_LIMITS,
  startingPriorities,
  type MilestoneStatus,
} from './plan-rules';
import { findPlan, reviewsOf, schoolWithViewablePlan, type PlanSchool } from './plans.service';
import { titledPriority } from './priority-titles';
import { SupportPlan, type SupportPlanRecord } from './support-plan.model';

/** A commission arranged against a priority, as the plan shows it (the commissions feature provides these). */
export type PrioritySupport = {
  href: string;
  reference: string;
  listingName: string;
  status: string;
  statusColour: string;
  startOn: string;
  /** The school's feedback, once given: how far the objectives were met, and the impact rating. */
  objectivesMet?: string;
  impact?: string;
};
/** Support arranged against each priority of a plan, by priority id. */
export type SupportAgainstPlan = (planId: Types.ObjectId) => Promise<Map<string, PrioritySupport[]>>;

/** Everything the plan page shows for one school and year, for anyone who may see the plan. */
export async function planPage(user: SessionUser, urn: string, options: { year?: string; supportAgainstPlan: SupportAgainstPlan; now?: Date }) {
  const now = options.now ?? new Date();
  const school = await schoolWithViewablePlan(user, urn);
  const currentYear = academicYearFor(now);
  const academicYear = options.year ?? currentYear;
  const isCurrentYear = academicYear === currentYear;
  const [plan, years, levels] = await Promise.all([findPlan(school._id, academicYear), yearsWithPlans(school._id), levelHistory(school._id)]);
  const editable = isCurrentYear && canEditPlan(user, school);
  return {
    school: { urn: school.urn, name: school.name },
    academicYear,
    yearLabel: academicYearLabel(academicYear),
    isCurrentYear,
    otherYears: years.filter((year) => year !== academicYear).map((year) => ({ label: academicYearLabel(year), href: paths.plans.planForYear(school.urn, year) })),
    terms: termsOfYear(academicYear).map((term) => ({ key: term.key, label: term.label })),
    levels,
    plan: plan ? await planView(user, school, plan, options.supportAgainstPlan, editable) : null,
    startingFrom: !plan && editable ? await startingTitles(school, academicYear) : [],
    can: {
      start: !plan && editable,
      edit: Boolean(plan) && editable,
      addPriority: Boolean(plan) && editable && plan!.priorities.length < PLAN_LIMITS.priorities,
      agree: Boolean(plan) && isCurrentYear && canAgreePlan(user, school) && plan!.priorities.length > 0 && agreementState(plan!) !== 'agreed',
      review: Boolean(plan) && isCurrentYear && canReviewPlan(user, school) && plan!.milestones.length > 0,
      arrangeSupport: Boolean(plan) && isCurrentYear && canArrangeSupportFor(user, school),
    },
  };
}

async function planView(user: SessionUser, school: PlanSchool, plan: SupportPlanRecord, supportAgainstPlan: SupportAgainstPlan, editable: boolean) {
  const [reviews, support] = await Promise.all([reviewsOf(plan._id), supportAgainstPlan(plan._id)]);
  const [agreedBy, editedBy] = await Promise.all([plan.agreed ? userName(plan.agreed.by) : undefined, plan.editedBy ? userName(plan.editedBy) : undefined]);
  const statuses = latestStatusByTerm(
    reviews.map((review) => ({
      termKey: review.termKey,
      reviewedAt: review.reviewedAt,
      entries: review.entries.map((entry) => ({ milestone: entry.milestone.toString(), status: entry.status as MilestoneStatus, note: entry.note ?? '' })),
    })),
  );
  const terms = termsOfYear(plan.academicYear);
  const state = agreementState(plan);
  const priorities = await Promise.all(
    plan.priorities.map(async (priority, index) => {
      const { title, needLabel: label } = await titledPriority(priority);
      const id = priority._id.toString();
      return {
        id,
        number: index + 1,
        title,
        needLabel: label && label !== title ? label : undefined,
        objectives: priority.objectives ?? '',
        successCriteria: priority.successCriteria ?? '',
        editHref: editable ? paths.plans.priority(school.urn, id) : undefined,
        supportHref: paths.plans.prioritySupport(school.urn, id),
        support: support.get(id) ?? [],
        milestones: plan.milestones
          .filter((milestone) => milestone.priority.equals(priority._id))
          .map((milestone) => ({
            id: milestone._id.toString(),
            text: milestone.text,
            due: formatDate(milestone.dueOn),
            overdue: milestone.dueOn.getTime() < Date.now(),
            terms: terms.map((term) => {
              const entry = statuses.get(milestone._id.toString())?.get(term.key);
              return entry
                ? { term: term.label, text: MILESTONE_STATUS_LABELS[entry.status], colour: MILESTONE_STATUS_COLOURS[entry.status], note: entry.note }
                : { term: term.label, text: '', colour: '', note: '' };
            }),
          })),
      };
    }),
  );
  return {
    id: plan._id.toString(),
    version: plan.version,
    agreement: {
      state,
      label: AGREEMENT_LABELS[state],
      agreedBy: plan.agreed ? (agreedBy ?? 'A former user') : undefined,
      agreedOn: plan.agreed ? formatDate(plan.agreed.at) : undefined,
      editedBy: plan.editedBy ? (editedBy ?? 'A former user') : undefined,
      editedOn: plan.editedAt ? formatDate(plan.editedAt) : undefined,
    },
    priorities,
    reviews: [...reviews].reverse().map((review) => ({
      on: formatDate(review.reviewedAt),
      term: terms.find((term) => term.key === review.termKey)?.label ?? review.termKey,
      by: review.reviewedBy?.name ?? 'A former user',
    })),
    canSeeCommissions: user.role !== 'provider',
  };
}

/** The titles a new plan would start with (last year's priorities, or those recorded before plans). */
async function startingTitles(school: PlanSchool, academicYear: string): Promise<string[]> {
  const previous = await findPlan(school._id, previousAcademicYear(academicYear));
  const starting = startingPriorities(previous?.priorities.map((priority) => ({ need: priority.need ?? undefined, words: priority.words ?? undefined })), school.priorities);
  return Promise.all(starting.slice(0, PLAN_LIMITS.priorities).map(async (priority) => (await titledPriority(priority)).title));
}

async function yearsWithPlans(schoolId: Types.ObjectId): Promise<string[]> {
  const plans = await SupportPlan.find({ school: schoolId }, { academicYear: 1 }).lean();
  return plans.map((plan) => plan.academicYear).sort().reverse();
}

/** The school's support levels over time, each with which way it moved, beside the plan. */
async function levelHistory(schoolId: Types.ObjectId) {
  const [histories, scheme] = await Promise.all([supportHistoriesOf([schoolId]), currentScheme()]);
  const history = histories[0]?.history ?? [];
  const order = (scheme?.levels ?? []).map((level) => level.code);
  return history
    .map((decision, index) => ({
      on: formatDate(decision.setAt),
      level: `${decision.level} ${decision.levelLabel}`,
      move: index === 0 ? 'First level set' : LEVEL_MOVE_LABELS[levelMove(order, history[index - 1]!.level, decision.level)],
    }))
    .reverse();
}
