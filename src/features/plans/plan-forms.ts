import { academicYearFor, academicYearLabel, termFor } from '../../lib/academic-calendar';
import { formatDate } from '../../lib/format';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { termChoices } from '../taxonomy/taxonomy.service';
import { canArrangeSupportFor, canEditPlan } from './plan-access';
import { latestStatusByTerm, MILESTONE_STATUS_LABELS, MILESTONE_STATUSES, PLAN_LIMITS, type MilestoneStatus } from './plan-rules';
import { milestoneField, reviewNoteField, reviewStatusField } from './plans.schemas';
import { findPlan, planSchoolByUrn, reviewablePlan, reviewsOf } from './plans.service';
import { needLabel, titledPriority } from './priority-titles';

/**
 * For the priority form: the school, this year's plan, the priority (undefined for a new one) as form
 * values, the need choices, and how many milestone rows to show (its milestones and two blank rows).
 */
export async function priorityFormData(user: SessionUser, urn: string, priorityId: string | undefined, now = new Date()) {
  const school = await planSchoolByUrn(urn);
  if (!canEditPlan(user, school)) throw new NotAllowedError();
  const plan = await findPlan(school._id, academicYearFor(now));
  if (!plan) throw new NotFoundError('This school has no support plan for this year yet');
  const priority = priorityId ? plan.priorities.find((candidate) => candidate._id.toString() === priorityId) : undefined;
  if (priorityId && !priority) throw new NotFoundError();
  const milestones = priority ? plan.milestones.filter((milestone) => milestone.priority.equals(priority._id)) : [];
  const values: Record<string, string> = {
    need: priority?.need ?? '',
    words: priority?.words ?? '',
    objectives: priority?.objectives ?? '',
    successCriteria: priority?.successCriteria ?? '',
    version: String(plan.version),
  };
  milestones.forEach((milestone, index) => {
    const row = index + 1;
    values[milestoneField(row, 'id')] = milestone._id.toString();
    values[milestoneField(row, 'text')] = milestone.text;
    values[`${milestoneField(row, 'dueOn')}-day`] = String(milestone.dueOn.getUTCDate());
    values[`${milestoneField(row, 'dueOn')}-month`] = String(milestone.dueOn.getUTCMonth() + 1);
    values[`${milestoneField(row, 'dueOn')}-year`] = String(milestone.dueOn.getUTCFullYear());
  });
  const choices = await termChoices('need');
  // A need retired since it was chosen stays a choice on its own priority.
  if (priority?.need && !choices.some((choice) => choice.value === priority.need)) {
    choices.push({ value: priority.need, text: `${(await needLabel(priority.need)) ?? priority.need} (no longer in the list)` });
  }
  return {
    school: { urn: school.urn, name: school.name },
    yearLabel: academicYearLabel(plan.academicYear),
    isNew: !priority,
    values,
    needChoices: [{ value: '', text: 'None: in our own words below' }, ...choices],
    milestoneRows: Math.min(PLAN_LIMITS.milestonesPerPriority, milestones.length + PLAN_LIMITS.blankMilestoneRows),
  };
}

/** For the termly review form: every milestone by priority, with this term's latest statuses as the starting values. */
export async function reviewFormData(user: SessionUser, urn: string, now = new Date()) {
  const { school, plan } = await reviewablePlan(user, urn, now);
  const term = termFor(now);
  const reviews = await reviewsOf(plan._id);
  const latest = latestStatusByTerm(
    reviews.map((review) => ({
      termKey: review.termKey,
      reviewedAt: review.reviewedAt,
      entries: review.entries.map((entry) => ({ milestone: entry.milestone.toString(), status: entry.status as MilestoneStatus, note: entry.note ?? '' })),
    })),
  );
  const values: Record<string, string> = {};
  const priorities = await Promise.all(
    plan.priorities.map(async (priority) => ({
      title: (await titledPriority(priority)).title,
      milestones: plan.milestones
        .filter((milestone) => milestone.priority.equals(priority._id))
        .map((milestone) => {
          const id = milestone._id.toString();
          const entry = latest.get(id)?.get(term.key);
          if (entry) {
            values[reviewStatusField(id)] = entry.status;
            values[reviewNoteField(id)] = entry.note;
          }
          return { id, text: milestone.text, due: formatDate(milestone.dueOn), statusField: reviewStatusField(id), noteField: reviewNoteField(id) };
        }),
    })),
  );
  return {
    school: { urn: school.urn, name: school.name },
    term: term.label,
    milestoneIds: plan.milestones.map((milestone) => milestone._id.toString()),
    priorities: priorities.filter((priority) => priority.milestones.length > 0),
    values,
    statusChoices: MILESTONE_STATUSES.map((status) => ({ value: status, text: MILESTONE_STATUS_LABELS[status] })),
  };
}

/** For the "find support for this priority" page: the priority and what to rank providers against. */
export async function prioritySupportData(user: SessionUser, urn: string, priorityId: string, now = new Date()) {
  const school = await planSchoolByUrn(urn);
  if (!canArrangeSupportFor(user, school)) throw new NotAllowedError();
  const plan = await findPlan(school._id, academicYearFor(now));
  const priority = plan?.priorities.find((candidate) => candidate._id.toString() === priorityId);
  if (!plan || !priority) throw new NotFoundError();
  const { title, needLabel: label } = await titledPriority(priority);
  return {
    school: { urn: school.urn, name: school.name, phase: school.phase ?? undefined },
    planId: plan._id.toString(),
    priority: { id: priorityId, title, needLabel: label, needSlug: priority.need ?? undefined, words: priority.words ?? '', objectives: priority.objectives ?? '' },
  };
}
