import { Router, type Request, type Response } from 'express';
import { paths } from '../../paths';
import { requireRole, requireSignIn } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { giveSipFeedback, sipFeedbackPage } from './sip-feedback.service';
import { SIP_RATINGS, SIP_RATING_QUESTIONS } from './sip-vocabulary';
import { assignSipSchema, daysPerSchoolSchema, sipFeedbackSchema, sipLicenceSchema, sipProfileSchema } from './sips.schemas';
import {
  assignSipPage,
  assignSipToSchool,
  recordSipLicence,
  saveSipProfile,
  setDaysPerSchool,
  sipLicenceFormData,
  sipProfileFormData,
  sipProfilePage,
  sipsPage,
  type SipRules,
} from './sips.service';

type IdRequest = Request<{ id: string }>;
type UrnRequest = Request<{ urn: string }>;

const LICENCE_FIELDS = ['reference', 'renewalDate', 'capacityDays'];
const FEEDBACK_FIELDS = [...SIP_RATINGS, 'comment'];

/**
 * SIP profiles and licences, deploying SIPs to schools, and heads' termly feedback on their SIP. Who may do
 * what is decided in the service (sip-access.ts); `clock` says what day it is (tests move it on).
 */
export function sipsRoutes(rules: SipRules, clock: () => Date): Router {
  const router = Router();

  router.get(paths.sips.list, requireRole('traded_services'), async (req, res) => renderSips(req, res));
  router.post(paths.sips.daysPerSchool, requireRole('traded_services'), async (req, res) => {
    const parsed = daysPerSchoolSchema.safeParse(req.body);
    if (!parsed.success) return renderSips(req, res, formErrorsFrom(parsed.error));
    await setDaysPerSchool(req.user!, parsed.data.daysPerSchool);
    setNotification(req, { type: 'success', text: parsed.data.daysPerSchool === undefined ? 'Days per school cleared: days left are no longer counted.' : 'Days per school saved.' });
    res.redirect(paths.sips.list);
  });

  router.get(paths.sips.profile(':id'), requireSignIn, async (req: IdRequest, res) => {
    const page = await sipProfilePage(req.user!, req.params.id, rules, clock());
    res.render('sips/profile', { pageTitle: page.sip.name, ...page, backLink: req.user!.role === 'traded_services' ? paths.sips.list : undefined });
  });

  router.get(paths.sips.edit(':id'), requireSignIn, async (req: IdRequest, res) => renderProfileForm(req, res));
  router.post(paths.sips.edit(':id'), requireSignIn, async (req: IdRequest, res) => {
    const parsed = sipProfileSchema.safeParse(req.body);
    if (!parsed.success) return renderProfileForm(req, res, formErrorsFrom(parsed.error, ['experience', 'phases', 'specialisms']));
    const result = await saveSipProfile(req.user!, req.params.id, parsed.data);
    if (!result.ok) return renderProfileForm(req, res, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: 'The profile has been saved.' });
    res.redirect(paths.sips.profile(req.params.id));
  });

  router.get(paths.sips.licence(':id'), requireRole('traded_services'), async (req: IdRequest, res) => renderLicenceForm(req, res));
  router.post(paths.sips.licence(':id'), requireRole('traded_services'), async (req: IdRequest, res) => {
    const parsed = sipLicenceSchema.safeParse(req.body);
    if (!parsed.success) return renderLicenceForm(req, res, formErrorsFrom(parsed.error, LICENCE_FIELDS));
    await recordSipLicence(req.user!, req.params.id, parsed.data);
    setNotification(req, { type: 'success', text: 'The licence to practise and capacity have been recorded.' });
    res.redirect(paths.sips.profile(req.params.id));
  });

  router.get(paths.schools.sip(':urn'), requireRole('traded_services'), async (req: UrnRequest, res) => renderAssign(req, res));
  router.post(paths.schools.sip(':urn'), requireRole('traded_services'), async (req: UrnRequest, res) => {
    const parsed = assignSipSchema.safeParse(req.body);
    if (!parsed.success) return renderAssign(req, res, formErrorsFrom(parsed.error));
    const result = await assignSipToSchool(req.user!, req.params.urn, parsed.data.sip, rules, clock());
    if (!result.ok) return renderAssign(req, res, fieldErrors({ [result.field]: result.message }));
    setNotification(req, { type: 'success', text: parsed.data.sip ? 'The school is now in that SIP’s caseload.' : 'The school is no longer in a SIP’s caseload.' });
    res.redirect(paths.schools.school(req.params.urn));
  });

  router.get(paths.sips.feedback, requireRole('school'), async (req, res) => renderFeedback(req, res));
  router.post(paths.sips.feedback, requireRole('school'), async (req, res) => {
    const parsed = sipFeedbackSchema.safeParse(req.body);
    if (!parsed.success) return renderFeedback(req, res, formErrorsFrom(parsed.error, FEEDBACK_FIELDS));
    const result = await giveSipFeedback(req.user!, parsed.data, clock());
    if (!result.ok) return renderFeedback(req, res, undefined, 409);
    setNotification(req, { type: 'success', text: 'Thank you: your feedback has gone to Traded Services.' });
    res.redirect(paths.sips.feedback);
  });

  async function renderSips(req: Request, res: Response, errors?: FormErrors): Promise<void> {
    const page = await sipsPage(req.user!, rules, clock());
    res.status(errors ? 400 : 200).render('sips/list', {
      pageTitle: 'School Improvement Partners',
      ...page,
      errors,
      values: errors ? valuesToRedisplay(req.body) : { daysPerSchool: page.daysPerSchool === undefined ? '' : String(page.daysPerSchool) },
    });
  }

  async function renderProfileForm(req: IdRequest, res: Response, errors?: FormErrors): Promise<void> {
    const data = await sipProfileFormData(req.user!, req.params.id);
    res.status(errors ? 400 : 200).render('sips/profile-form', {
      pageTitle: `Profile of ${data.sip.name}`,
      ...data,
      errors,
      values: errors ? valuesToRedisplay(req.body) : data.values,
      backLink: paths.sips.profile(req.params.id),
    });
  }

  async function renderLicenceForm(req: IdRequest, res: Response, errors?: FormErrors): Promise<void> {
    const data = await sipLicenceFormData(req.user!, req.params.id);
    res.status(errors ? 400 : 200).render('sips/licence-form', {
      pageTitle: `Licence to practise of ${data.sip.name}`,
      sip: data.sip,
      errors,
      values: errors ? valuesToRedisplay(req.body) : data.values,
      reminderDays: rules.licenceReminderDays,
      backLink: paths.sips.profile(req.params.id),
    });
  }

  async function renderAssign(req: UrnRequest, res: Response, errors?: FormErrors): Promise<void> {
    const page = await assignSipPage(req.user!, req.params.urn, rules, clock());
    res.status(errors ? 400 : 200).render('sips/assign', {
      pageTitle: `School Improvement Partner for ${page.school.name}`,
      ...page,
      errors,
      values: errors ? valuesToRedisplay(req.body) : { sip: page.currentSip?.id },
      backLink: paths.schools.school(req.params.urn),
    });
  }

  async function renderFeedback(req: Request, res: Response, errors?: FormErrors, status = errors ? 400 : 200): Promise<void> {
    const page = await sipFeedbackPage(req.user!, clock());
    res.status(status).render('sips/feedback-form', {
      pageTitle: 'Feedback on your SIP',
      ...page,
      alreadyGiven: status === 409,
      questions: SIP_RATINGS.map((field) => ({ field, question: SIP_RATING_QUESTIONS[field] })),
      errors,
      values: errors ? valuesToRedisplay(req.body) : {},
      backLink: paths.schools.yourSchool,
    });
  }

  return router;
}
