import { Router, type Request, type Response } from 'express';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { directoryPhaseOf } from '../schools/directory-phase';
import { planPage, type SupportAgainstPlan } from './plan-page';
import { priorityFormData, prioritySupportData, reviewFormData } from './plan-forms';
import { parseReviewForm, planYearSchema, PRIORITY_FIELDS, priorityFormSchema, versionFormSchema } from './plans.schemas';
import { agreePlan, recordReview, removePriority, savePriority, startPlan } from './plans.service';

type UrnRequest = Request<{ urn: string }>;
type PriorityRequest = Request<{ urn: string; id: string }>;

/**
 * What the plan pages use from features above plans, passed in by createApp: the support arranged
 * against each priority (commissions, with their rated impact), and the directory's suggestions for a
 * priority, rendered as the directory shapes them.
 */
export type PlanPageParts = {
  supportAgainstPlan: SupportAgainstPlan;
  directory: { suggestedSupport(request: { needSlugs: readonly string[]; freeText?: string; phase?: string; limit?: number }): Promise<{ results: { id: string }[] }> };
};

const SUGGESTIONS = 10;

/** A school's support plan: read, written, agreed and reviewed. Who may do what is decided in the service. */
export function plansRoutes({ supportAgainstPlan, directory }: PlanPageParts): Router {
  const router = Router();

  router.get(paths.plans.plan(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    const { year } = planYearSchema.parse(req.query);
    await renderPlan(req, res, year);
  });

  router.post(paths.plans.start(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    await startPlan(req.user!, req.params.urn);
    setNotification(req, { type: 'success', text: 'This year’s plan has been started. Check its priorities and add objectives and milestones.' });
    res.redirect(paths.plans.plan(req.params.urn));
  });

  router.post(paths.plans.agree(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    const { version } = versionFormSchema.parse(req.body);
    const result = await agreePlan(req.user!, req.params.urn, version);
    if (!result.ok) return renderPlan(req, res, undefined, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: 'You have agreed the plan. Your SIP can see that you have.' });
    res.redirect(paths.plans.plan(req.params.urn));
  });

  router.get(paths.plans.newPriority(':urn'), requireSignIn, async (req: UrnRequest, res) => renderPriorityForm(req, res, undefined));
  router.post(paths.plans.newPriority(':urn'), requireSignIn, async (req: UrnRequest, res) => savePriorityFrom(req, res, undefined));
  router.get(paths.plans.priority(':urn', ':id'), requireSignIn, async (req: PriorityRequest, res) => renderPriorityForm(req, res, req.params.id));
  router.post(paths.plans.priority(':urn', ':id'), requireSignIn, async (req: PriorityRequest, res) => savePriorityFrom(req, res, req.params.id));

  router.post(paths.plans.removePriority(':urn', ':id'), requireSignIn, async (req: PriorityRequest, res) => {
    const { version } = versionFormSchema.parse(req.body);
    const result = await removePriority(req.user!, req.params.urn, req.params.id, version);
    if (!result.ok) return renderPriorityForm(req, res, req.params.id, fieldErrors({ need: result.message }), true);
    setNotification(req, { type: 'success', text: 'The priority and its milestones have been removed from the plan.' });
    res.redirect(paths.plans.plan(req.params.urn));
  });

  router.get(paths.plans.review(':urn'), requireSignIn, async (req: UrnRequest, res) => renderReviewForm(req, res));
  router.post(paths.plans.review(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    const data = await reviewFormData(req.user!, req.params.urn);
    const parsed = parseReviewForm(req.body, data.milestoneIds);
    if (!parsed.ok) return renderReviewForm(req, res, fieldErrors(parsed.errors, data.milestoneIds.flatMap((id) => [`status-${id}`, `note-${id}`])));
    await recordReview(req.user!, req.params.urn, parsed.form);
    setNotification(req, { type: 'success', text: 'The termly review has been recorded. The school sees it on its plan.' });
    res.redirect(paths.plans.plan(req.params.urn));
  });

  router.get(paths.plans.prioritySupport(':urn', ':id'), requireSignIn, async (req: PriorityRequest, res) => {
    const data = await prioritySupportData(req.user!, req.params.urn, req.params.id);
    const suggestions = await directory.suggestedSupport({
      needSlugs: data.priority.needSlug ? [data.priority.needSlug] : [],
      freeText: [data.priority.words, data.priority.objectives].filter(Boolean).join('. '),
      phase: directoryPhaseOf(data.school.phase),
      limit: SUGGESTIONS,
    });
    res.render('plans/priority-support', {
      pageTitle: `Find support for: ${data.priority.title}`,
      ...data,
      suggestions,
      requestHref: (listingId: string) => paths.commissions.newForPriority(listingId, data.planId, data.priority.id),
      backLink: paths.plans.plan(data.school.urn),
    });
  });

  async function renderPlan(req: UrnRequest, res: Response, year?: string, errors?: FormErrors): Promise<void> {
    const page = await planPage(req.user!, req.params.urn, { year, supportAgainstPlan });
    res.status(errors ? 400 : 200).render('plans/plan', {
      pageTitle: `Support plan ${page.yearLabel}: ${page.school.name}`,
      ...page,
      errors,
      backLink: req.user!.role === 'school' ? paths.schools.yourSchool : paths.schools.school(page.school.urn),
    });
  }

  return router;
}

async function savePriorityFrom(req: Request<{ urn: string; id?: string }>, res: Response, priorityId: string | undefined): Promise<void> {
  const parsed = priorityFormSchema.safeParse(req.body);
  if (!parsed.success) return renderPriorityForm(req, res, priorityId, formErrorsFrom(parsed.error, PRIORITY_FIELDS));
  const result = await savePriority(req.user!, req.params.urn, priorityId, parsed.data);
  // A refusal may be that someone else saved first: the form then carries the version now saved.
  if (!result.ok) return renderPriorityForm(req, res, priorityId, fieldErrors({ [result.field]: result.message }, PRIORITY_FIELDS), true);
  setNotification(req, { type: 'success', text: priorityId ? 'The priority has been saved.' : 'The priority has been added to the plan.' });
  res.redirect(`${paths.plans.plan(req.params.urn)}#priority-${result.priorityId ?? ''}`);
}

async function renderPriorityForm(req: Request<{ urn: string; id?: string }>, res: Response, priorityId: string | undefined, errors?: FormErrors, currentVersion = false): Promise<void> {
  const data = await priorityFormData(req.user!, req.params.urn, priorityId);
  // After an error the form shows what was typed, still based on the version it was loaded with.
  const typed = valuesToRedisplay(req.body);
  const values = errors ? { ...typed, version: currentVersion || typeof typed.version !== 'string' ? data.values.version : typed.version } : data.values;
  res.status(errors ? 400 : 200).render('plans/priority-form', {
    pageTitle: `${data.isNew ? 'Add a priority' : 'Change a priority'}: ${data.school.name}`,
    ...data,
    priorityId,
    errors,
    values,
    backLink: paths.plans.plan(data.school.urn),
  });
}

async function renderReviewForm(req: UrnRequest, res: Response, errors?: FormErrors): Promise<void> {
  const data = await reviewFormData(req.user!, req.params.urn);
  res.status(errors ? 400 : 200).render('plans/review-form', {
    pageTitle: `Termly review, ${data.term}: ${data.school.name}`,
    ...data,
    errors,
    values: errors ? valuesToRedisplay(req.body) : data.values,
    backLink: paths.plans.plan(data.school.urn),
  });
}
