import { Types } from 'mongoose';
import { claimOnce } from '../../db/claims';
import { academicYearFor, previousAcademicYear, termFor } from '../../lib/academic-calendar';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { recordAudit } from '../audit/audit.service';
import { findSchoolByUrn } from '../schools/school-reads';
import { URN_PATTERN } from '../schools/schools.schemas';
import { areActiveTerms } from '../taxonomy/taxonomy.service';
import { canAgreePlan, canEditPlan, canReviewPlan, canViewPlan } from './plan-access';
import { PlanReview } from './plan-review.model';
import { PLAN_LIMITS, startingPriorities } from './plan-rules';
import type { PriorityForm, ReviewForm } from './plans.schemas';
import { SupportPlan, type PlanMilestone, type PlanPriority, type SupportPlanRecord } from './support-plan.model';

export type PlanSchool = {
  _id: Types.ObjectId;
  sip?: Types.ObjectId | null;
  urn: string;
  name: string;
  phase?: string | null;
  priorities?: { needs?: string[] | null; notes?: string | null } | null;
};

export type EditResult = { ok: true; priorityId?: string } | { ok: false; field: string; message: string };

const STALE = (field: string): EditResult => ({
  ok: false,
  field,
  message: 'Someone else changed the plan while you were working on it. Check the plan as it is now and try again.',
});

/** The school with this URN, as the plan's rules need it, or a 404 for a malformed or unknown URN. */
export async function planSchoolByUrn(urn: string): Promise<PlanSchool> {
  const school = URN_PATTERN.test(urn) ? await findSchoolByUrn(urn, { _id: 1, sip: 1, urn: 1, name: 1, phase: 1, priorities: 1 }) : null;
  if (!school) throw new NotFoundError();
  return school as PlanSchool;
}

/** The school, if this user may see its plans. */
export async function schoolWithViewablePlan(user: SessionUser, urn: string): Promise<PlanSchool> {
  const school = await planSchoolByUrn(urn);
  if (!canViewPlan(user, school)) throw new NotAllowedError();
  return school;
}

export function findPlan(schoolId: Types.ObjectId, academicYear: string): Promise<SupportPlanRecord | null> {
  return SupportPlan.findOne({ school: schoolId, academicYear }).lean<SupportPlanRecord>();
}

/** This year's plan of a school the user may edit (a plan is written for the current academic year). */
async function editablePlan(user: SessionUser, urn: string, now: Date) {
  const school = await planSchoolByUrn(urn);
  if (!canEditPlan(user, school)) throw new NotAllowedError();
  const plan = await findPlan(school._id, academicYearFor(now));
  if (!plan) throw new NotFoundError('This school has no support plan for this year yet');
  return { school, plan };
}

/**
 * Starts this academic year's plan from last year's priorities or, failing those, the priorities
 * recorded on the school before plans existed. Starting one that exists changes nothing.
 */
export async function startPlan(user: SessionUser, urn: string, now = new Date()): Promise<void> {
  const school = await planSchoolByUrn(urn);
  if (!canEditPlan(user, school)) throw new NotAllowedError();
  const academicYear = academicYearFor(now);
  if (await findPlan(school._id, academicYear)) return;
  const previous = await findPlan(school._id, previousAcademicYear(academicYear));
  const priorities = startingPriorities(previous?.priorities.map(plainPriority), school.priorities)
    .slice(0, PLAN_LIMITS.priorities)
    .map((priority) => ({ _id: new Types.ObjectId(), ...priority }));
  const actor = new Types.ObjectId(user.id);
  let plan;
  try {
    plan = await SupportPlan.create({ school: school._id, academicYear, priorities, milestones: [], version: 0, editedAt: now, editedBy: actor });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return; // started by someone else a moment ago
    throw error;
  }
  await recordAudit({
    actor,
    action: 'support_plan_started',
    subjectType: 'SupportPlan',
    subjectId: plan._id,
    changes: { school: school._id.toString(), academicYear, from: previous ? 'last year’s plan' : priorities.length ? 'recorded priorities' : 'nothing', priorities: priorities.length },
  });
}

const plainPriority = (priority: PlanPriority) => ({
  need: priority.need ?? undefined,
  words: priority.words ?? undefined,
  objectives: priority.objectives ?? undefined,
  successCriteria: priority.successCriteria ?? undefined,
});

/**
 * Saves a rewrite of the plan's priorities and milestones as the next version, on condition that it is
 * still the version the editor saw. FerretDB does not apply a conditional update atomically, so the
 * version is claimed first (db/claims.ts): of two saves of one version, exactly one goes ahead.
 */
async function saveRewrite(
  user: SessionUser,
  plan: SupportPlanRecord,
  expectedVersion: number,
  next: { priorities: PlanPriority[]; milestones: PlanMilestone[] },
  audit: { action: string; changes: Record<string, unknown> },
): Promise<boolean> {
  if (expectedVersion !== plan.version) return false;
  if (!(await claimOnce(`support-plan:${plan._id.toString()}:${plan.version}`))) return false;
  const actor = new Types.ObjectId(user.id);
  const saved = await SupportPlan.updateOne(
    { _id: plan._id, version: plan.version },
    { $set: { priorities: next.priorities, milestones: next.milestones, version: plan.version + 1, editedAt: new Date(), editedBy: actor } },
  );
  if (saved.modifiedCount === 0) return false;
  await recordAudit({ actor, subjectType: 'SupportPlan', subjectId: plan._id, ...audit, changes: { ...audit.changes, version: plan.version + 1 } });
  return true;
}

const byDueDate = (a: PlanMilestone, b: PlanMilestone) => a.dueOn.getTime() - b.dueOn.getTime();

/** Adds a priority (priorityId undefined) or changes one, with its milestones. */
export async function savePriority(user: SessionUser, urn: string, priorityId: string | undefined, form: PriorityForm, now = new Date()): Promise<EditResult> {
  const { plan } = await editablePlan(user, urn, now);
  const existing = priorityId ? plan.priorities.find((priority) => priority._id.toString() === priorityId) : undefined;
  if (priorityId && !existing) throw new NotFoundError();
  if (!existing && plan.priorities.length >= PLAN_LIMITS.priorities) {
    return { ok: false, field: 'need', message: `A plan holds up to ${PLAN_LIMITS.priorities} priorities: change or remove one instead` };
  }
  if (form.need && form.need !== existing?.need && !(await areActiveTerms('need', [form.need]))) {
    return { ok: false, field: 'need', message: 'Select a need from the list' };
  }
  const id = existing?._id ?? new Types.ObjectId();
  const ownIds = new Set(plan.milestones.filter((milestone) => milestone.priority.equals(id)).map((milestone) => milestone._id.toString()));
  const priority: PlanPriority = {
    _id: id,
    need: form.need || undefined,
    words: form.words || undefined,
    objectives: form.objectives || undefined,
    successCriteria: form.successCriteria || undefined,
  };
  const milestones: PlanMilestone[] = form.milestones.map((milestone) => ({
    // A row keeps its id (and so its reviews) only if it was this priority's milestone.
    _id: milestone.id && ownIds.has(milestone.id) ? new Types.ObjectId(milestone.id) : new Types.ObjectId(),
    priority: id,
    text: milestone.text,
    dueOn: milestone.dueOn,
  }));
  const next = {
    priorities: existing ? plan.priorities.map((candidate) => (candidate._id.equals(id) ? priority : candidate)) : [...plan.priorities, priority],
    milestones: [...plan.milestones.filter((milestone) => !milestone.priority.equals(id)), ...milestones].sort(byDueDate),
  };
  const saved = await saveRewrite(
    user,
    plan,
    form.version,
    next,
    { action: existing ? 'support_plan_priority_changed' : 'support_plan_priority_added', changes: { priority: id.toString(), need: priority.need ?? null, words: priority.words ?? null, milestones: milestones.length } },
  );
  return saved ? { ok: true, priorityId: id.toString() } : STALE('need');
}

/** Takes a priority and its milestones out of the plan. Support already arranged against it keeps its own copy of the text. */
export async function removePriority(user: SessionUser, urn: string, priorityId: string, version: number, now = new Date()): Promise<EditResult> {
  const { plan } = await editablePlan(user, urn, now);
  const removed = plan.priorities.find((priority) => priority._id.toString() === priorityId);
  if (!removed) throw new NotFoundError();
  const next = {
    priorities: plan.priorities.filter((priority) => !priority._id.equals(removed._id)),
    milestones: plan.milestones.filter((milestone) => !milestone.priority.equals(removed._id)),
  };
  const saved = await saveRewrite(user, plan, version, next, { action: 'support_plan_priority_removed', changes: { priority: priorityId, words: removed.words ?? null, need: removed.need ?? null } });
  return saved ? { ok: true } : STALE('remove');
}

/**
 * The school agrees the plan as it stands (the version its page showed). Agreeing again changes
 * nothing; agreeing a version someone has since changed is refused, so nobody agrees what they did not see.
 */
export async function agreePlan(user: SessionUser, urn: string, version: number, now = new Date()): Promise<EditResult> {
  const school = await planSchoolByUrn(urn);
  if (!canAgreePlan(user, school)) throw new NotAllowedError();
  const plan = await findPlan(school._id, academicYearFor(now));
  if (!plan) throw new NotFoundError();
  if (plan.priorities.length === 0) return { ok: false, field: 'agree', message: 'Add a priority before agreeing the plan' };
  if (plan.version !== version) return STALE('agree');
  if (plan.agreed?.version === version) return { ok: true };
  if (!(await claimOnce(`support-plan-agreed:${plan._id.toString()}:${version}`))) return { ok: true };
  const actor = new Types.ObjectId(user.id);
  const agreed = await SupportPlan.updateOne({ _id: plan._id, version }, { $set: { agreed: { version, by: actor, at: now } } });
  if (agreed.modifiedCount === 0) return STALE('agree');
  await recordAudit({ actor, action: 'support_plan_agreed', subjectType: 'SupportPlan', subjectId: plan._id, changes: { version } });
  return { ok: true };
}

/** For the review form: this year's plan of a school in the SIP's caseload, and the school. */
export async function reviewablePlan(user: SessionUser, urn: string, now = new Date()) {
  const school = await planSchoolByUrn(urn);
  if (!canReviewPlan(user, school)) throw new NotAllowedError();
  const plan = await findPlan(school._id, academicYearFor(now));
  if (!plan || plan.milestones.length === 0) throw new NotFoundError('This plan has no milestones to review');
  return { school, plan };
}

/** Records a termly review: dated now, in the term now is in, by the SIP. */
export async function recordReview(user: SessionUser, urn: string, form: ReviewForm, now = new Date()): Promise<void> {
  const { school, plan } = await reviewablePlan(user, urn, now);
  const milestoneIds = new Set(plan.milestones.map((milestone) => milestone._id.toString()));
  const entries = form.entries.filter((entry) => milestoneIds.has(entry.milestone)).map((entry) => ({ ...entry, milestone: new Types.ObjectId(entry.milestone) }));
  const actor = new Types.ObjectId(user.id);
  const review = await PlanReview.create({ plan: plan._id, school: school._id, termKey: termFor(now).key, reviewedBy: actor, reviewedAt: now, entries });
  await recordAudit({
    actor,
    action: 'support_plan_reviewed',
    subjectType: 'SupportPlan',
    subjectId: plan._id,
    changes: { review: review._id.toString(), term: termFor(now).key, milestones: entries.length },
  });
}

/** The reviews of a plan, oldest first, with the reviewer's name. */
export function reviewsOf(planId: Types.ObjectId) {
  return PlanReview.find({ plan: planId }).sort({ reviewedAt: 1 }).populate<{ reviewedBy: { name: string } | null }>('reviewedBy', 'name').lean();
}
