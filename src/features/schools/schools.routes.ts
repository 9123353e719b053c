import { Router, type Request, type Response } from 'express';
import { formatDate } from '../../lib/format';
import { paths } from '../../paths';
import { requireRole, requireSignIn } from '../../web/authentication';
import type { SessionUser } from '../../web/identity';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { entitlementPhrases } from './level-entitlement';
import { nextTermlyReview } from './review-dates';
import { capacitySchema, schoolSearchSchema, supportLevelSchema } from './schools.schemas';
import {
  capacityFormData,
  recordCapacityToSupport,
  schoolPage,
  searchSchools,
  setSupportLevel,
  sipCaseload,
  type CaseloadCommissions,
  supportLevelFormData,
  urnOfOwnSchool,
} from './schools.service';
import { directoryPhaseOf } from './directory-phase';
import type { SchoolPlace } from './school-places';

type UrnRequest = Request<{ urn: string }>;

/** What the school page shows of this year's support plan, and the needs and words that suggest support for it. */
export type PlanSummary = { yearLabel: string; href: string; exists: boolean; agreement?: string; priorities: string[]; needSlugs: string[]; words: string };

/**
 * What the school page shows from features above schools, passed in by createApp: the directory's
 * suggested support for the school's priorities (rendered as the directory shapes it), each caseload
 * school's open commissions and entitlement used, the summary of the school's support plan and (for Traded Services)
 * whether the school's SIP's licence to practise has lapsed. Choosing the school's SIP is the sips feature's page.
 */
export type SchoolPageParts = {
  directory: {
    suggestedSupport(request: { needSlugs: readonly string[]; freeText?: string; phase?: string; limit?: number; distance?: { origin: SchoolPlace; within: null } | null }): Promise<unknown>;
  };
  commissionSummariesFor: CaseloadCommissions;
  planSummaryFor: (user: SessionUser, schoolId: string) => Promise<PlanSummary>;
  lapsedSipLicence: (sipId: string) => Promise<string | undefined>;
};

/** Schools, their support levels and caseloads. Who may see what is decided in the service. */
export function schoolsRoutes(parts: SchoolPageParts): Router {
  const { commissionSummariesFor } = parts;
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
    await renderSchool(parts, req, res, await urnOfOwnSchool(req.user!));
  });

  router.get(paths.schools.yourSchools, requireRole('sip'), async (req, res) => {
    res.render('schools/caseload', { pageTitle: 'Your schools', ...(await sipCaseload(req.user!, commissionSummariesFor)) });
  });

  router.get(paths.schools.school(':urn'), requireSignIn, async (req: UrnRequest, res) => renderSchool(parts, req, res, req.params.urn));

  router.get(paths.schools.level(':urn'), requireSignIn, async (req: UrnRequest, res) => renderLevelForm(req, res));
  router.post(paths.schools.level(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    const parsed = supportLevelSchema.safeParse(req.body);
    if (!parsed.success) return renderLevelForm(req, res, formErrorsFrom(parsed.error, LEVEL_FIELDS));
    const result = await setSupportLevel(req.user!, req.params.urn, parsed.data);
    if (!result.ok) return renderLevelForm(req, res, fieldErrors({ [result.field]: result.message }, LEVEL_FIELDS));
    setNotification(req, { type: 'success', text: 'The support level has been recorded.' });
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


  return router;
}

const LEVEL_FIELDS = ['level', 'reason', 'reviewDue'];

/** A school user's own school is at "Your school"; everyone else sees it at its URN. */
function schoolPagePath(req: UrnRequest): string {
  return req.user!.role === 'school' ? paths.schools.yourSchool : paths.schools.school(req.params.urn);
}

async function renderSchool(parts: SchoolPageParts, req: Request, res: Response, urn: string): Promise<void> {
  const page = await schoolPage(req.user!, urn);
  const plan = await parts.planSummaryFor(req.user!, page.school.id);
  const suggestions = await parts.directory.suggestedSupport({
    needSlugs: plan.needSlugs,
    freeText: plan.words,
    phase: directoryPhaseOf(page.school.phase),
    limit: 5,
    distance: page.place ? { origin: page.place, within: null } : null,
  });
  res.render('schools/school', {
    pageTitle: page.school.name,
    ...page,
    plan,
    suggestions,
    sipLicenceLapsed: page.can.assignSip && page.school.sipId ? await parts.lapsedSipLicence(page.school.sipId) : undefined,
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

