import { Router, type Request, type Response } from 'express';
import { formatDate } from '../../lib/format';
import { paths } from '../../paths';
import { requireRole, requireSignIn } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { termChoices } from '../taxonomy/taxonomy.service';
import { entitlementPhrases } from './level-entitlement';
import { nextTermlyReview } from './review-dates';
import { assignSipSchema, capacitySchema, prioritiesSchema, schoolSearchSchema, supportLevelSchema } from './schools.schemas';
import {
  assignSip,
  capacityFormData,
  prioritiesFormData,
  recordCapacityToSupport,
  schoolPage,
  searchSchools,
  setPriorities,
  setSupportLevel,
  sipCaseload,
  type CaseloadCommissions,
  sipChoices,
  supportLevelFormData,
  urnOfOwnSchool,
} from './schools.service';
import { directoryPhaseOf } from './directory-phase';
import type { SchoolPlace } from './school-places';

type UrnRequest = Request<{ urn: string }>;

/** Schools, their support levels, priorities and caseloads. Who may see what is decided in the service. */
/**
 * What the school page shows from features above schools, passed in by createApp: the directory's
 * suggested support for the school's priorities (rendered as the directory shapes it), and each caseload
 * school's open commissions and entitlement used.
 */
export type SchoolPageParts = {
  directory: {
    suggestedSupport(request: { needSlugs: readonly string[]; freeText?: string; phase?: string; limit?: number; distance?: { origin: SchoolPlace; within: null } | null }): Promise<unknown>;
  };
  commissionSummariesFor: CaseloadCommissions;
};

export function schoolsRoutes({ directory, commissionSummariesFor }: SchoolPageParts): Router {
  const router = Router();

  router.get(paths.schools.list, requireRole('traded_services'), async (req, res) => {
    const search = schoolSearchSchema.parse(req.query);
    const results = await searchSchools(req.user!, search);
    const pageLink = (page: number) => `${paths.schools.list}?${new URLSearchParams({ q: search.q, status: search.status, page: String(page) }).toString()}`;
    res.render('schools/list', {
      pageTitle: 'Schools',
      search,
      results,
      previousPage: results.page > 1 ? pageLink(results.page - 1) : undefined,
      nextPage: results.page < results.pages ? pageLink(results.page + 1) : undefined,
    });
  });

  router.get(paths.schools.yourSchool, requireRole('school'), async (req, res) => {
    await renderSchool(directory, req, res, await urnOfOwnSchool(req.user!));
  });

  router.get(paths.schools.yourSchools, requireRole('sip'), async (req, res) => {
    res.render('schools/caseload', { pageTitle: 'Your schools', ...(await sipCaseload(req.user!, commissionSummariesFor)) });
  });

  router.get(paths.schools.school(':urn'), requireSignIn, async (req: UrnRequest, res) => renderSchool(directory, req, res, req.params.urn));

  router.get(paths.schools.level(':urn'), requireSignIn, async (req: UrnRequest, res) => renderLevelForm(req, res));
  router.post(paths.schools.level(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    const parsed = supportLevelSchema.safeParse(req.body);
    if (!parsed.success) return renderLevelForm(req, res, formErrorsFrom(parsed.error, LEVEL_FIELDS));
    const result = await setSupportLevel(req.user!, req.params.urn, parsed.data);
    if (!result.ok) return renderLevelForm(req, res, fieldErrors({ [result.field]: result.message }, LEVEL_FIELDS));
    setNotification(req, { type: 'success', text: 'The support level has been recorded.' });
    res.redirect(schoolPagePath(req));
  });

  router.get(paths.schools.priorities(':urn'), requireSignIn, async (req: UrnRequest, res) => renderPrioritiesForm(req, res));
  router.post(paths.schools.priorities(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    const parsed = prioritiesSchema.safeParse(req.body);
    if (!parsed.success) return renderPrioritiesForm(req, res, formErrorsFrom(parsed.error, ['needs', 'notes']));
    const result = await setPriorities(req.user!, req.params.urn, parsed.data);
    if (!result.ok) return renderPrioritiesForm(req, res, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: 'The priorities have been saved.' });
    res.redirect(schoolPagePath(req));
  });

  router.get(paths.schools.capacity(':urn'), requireSignIn, async (req: UrnRequest, res) => renderCapacityForm(req, res));
  router.post(paths.schools.capacity(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    const parsed = capacitySchema.safeParse(req.body);
    if (!parsed.success) return renderCapacityForm(req, res, formErrorsFrom(parsed.error, ['capacity', 'capacityNote']));
    await recordCapacityToSupport(req.user!, req.params.urn, parsed.data);
    setNotification(req, { type: 'success', text: 'The school’s capacity to support other schools has been recorded.' });
    res.redirect(paths.schools.school(req.params.urn));
  });

  router.post(paths.schools.sip(':urn'), requireRole('traded_services'), async (req: UrnRequest, res) => {
    const parsed = assignSipSchema.safeParse(req.body);
    if (!parsed.success) return renderSchool(directory, req, res, req.params.urn, formErrorsFrom(parsed.error));
    const result = await assignSip(req.user!, req.params.urn, parsed.data.sip);
    if (!result.ok) return renderSchool(directory, req, res, req.params.urn, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: parsed.data.sip ? 'The school is now in that SIP’s caseload.' : 'The school is no longer in a SIP’s caseload.' });
    res.redirect(paths.schools.school(req.params.urn));
  });

  return router;
}

const LEVEL_FIELDS = ['level', 'reason', 'reviewDue'];

/** A school user's own school is at "Your school"; everyone else sees it at its URN. */
function schoolPagePath(req: UrnRequest): string {
  return req.user!.role === 'school' ? paths.schools.yourSchool : paths.schools.school(req.params.urn);
}

async function renderSchool(directory: SchoolPageParts['directory'], req: Request, res: Response, urn: string, errors?: FormErrors): Promise<void> {
  const page = await schoolPage(req.user!, urn);
  const suggestions = await directory.suggestedSupport({
    needSlugs: page.priorities.needs.map((need) => need.slug),
    freeText: page.priorities.notes,
    phase: directoryPhaseOf(page.school.phase),
    limit: 5,
    distance: page.place ? { origin: page.place, within: null } : null,
  });
  res.status(errors ? 400 : 200).render('schools/school', {
    pageTitle: page.school.name,
    ...page,
    suggestions,
    errors,
    sips: page.can.assignSip ? await sipChoices(req.user!) : [],
    backLink: req.user!.role === 'traded_services' ? paths.schools.list : undefined,
  });
}

async function renderLevelForm(req: UrnRequest, res: Response, errors?: FormErrors): Promise<void> {
  const data = await supportLevelFormData(req.user!, req.params.urn);
  const review = nextTermlyReview(new Date());
  const defaults = {
    level: data.current?.level ?? '',
    'reviewDue-day': String(review.getUTCDate()),
    'reviewDue-month': String(review.getUTCMonth() + 1),
    'reviewDue-year': String(review.getUTCFullYear()),
    basedOn: data.current?.basedOn ?? '',
  };
  res.status(errors ? 400 : 200).render('schools/level-form', {
    pageTitle: `Support level for ${data.school.name}`,
    school: data.school,
    errors,
    values: errors ? { ...defaults, ...valuesToRedisplay(req.body) } : defaults,
    levelChoices: data.levels.map((level) => ({
      value: level.code,
      text: `${level.code} ${level.label}`,
      hint: [level.description, ...entitlementPhrases(level).map((phrase) => `${phrase}.`)].filter(Boolean).join(' '),
    })),
    defaultReview: formatDate(review),
    backLink: schoolPagePath(req),
  });
}

async function renderCapacityForm(req: UrnRequest, res: Response, errors?: FormErrors): Promise<void> {
  const data = await capacityFormData(req.user!, req.params.urn);
  res.status(errors ? 400 : 200).render('schools/capacity-form', {
    pageTitle: `Capacity to support other schools: ${data.school.name}`,
    school: data.school,
    errors,
    values: errors ? valuesToRedisplay(req.body) : data.values,
    backLink: paths.schools.school(req.params.urn),
  });
}

async function renderPrioritiesForm(req: UrnRequest, res: Response, errors?: FormErrors): Promise<void> {
  const data = await prioritiesFormData(req.user!, req.params.urn);
  res.status(errors ? 400 : 200).render('schools/priorities-form', {
    pageTitle: `Priorities for ${data.school.name}`,
    school: data.school,
    errors,
    values: errors ? valuesToRedisplay(req.body) : { needs: data.needs, notes: data.notes },
    needChoices: await termChoices('need'),
    backLink: schoolPagePath(req),
  });
}
