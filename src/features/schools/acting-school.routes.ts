import { Router, type Request, type Response } from 'express';
import { paths } from '../../paths';
import { chooseActingSchool } from '../../web/acting-school';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, type FormErrors } from '../../web/form-errors';
import { canActForSchool } from '../../web/identity';
import { safeReturnPath } from '../../web/return-path';
import { actingSchoolQuerySchema, actingSchoolSchema } from './schools.schemas';
import { schoolsToActFor } from './schools.service';

const NOT_LINKED = 'You are not linked to that school. Select one of your schools';

/** A school user linked to several schools chooses the one they act for; it is kept in their session. */
export function actingSchoolRoutes(): Router {
  const router = Router();
  router.use(paths.actingFor, requireRole('school'));

  router.get(paths.actingFor, async (req, res) => {
    await renderChoice(req, res, safeReturnPath(actingSchoolQuerySchema.parse(req.query).returnTo));
  });

  router.post(paths.actingFor, async (req, res) => {
    const returnTo = safeReturnPath(actingSchoolQuerySchema.parse(req.body).returnTo);
    const parsed = actingSchoolSchema.safeParse(req.body);
    if (!parsed.success) return renderChoice(req, res, returnTo, formErrorsFrom(parsed.error, ['school']));
    // The links were read for this request: a school unlinked since the page was shown is refused too.
    const school = canActForSchool(req.user!, parsed.data.school) ? (await schoolsToActFor(req.user!)).find((linked) => linked.id === parsed.data.school) : undefined;
    if (!school) return renderChoice(req, res, returnTo, fieldErrors({ school: NOT_LINKED }), 403);
    chooseActingSchool(req, school.id);
    setNotification(req, { type: 'success', text: `You are now acting for ${school.name}.` });
    res.redirect(returnTo ?? paths.dashboards.school);
  });

  return router;
}

async function renderChoice(req: Request, res: Response, returnTo: string | undefined, errors?: FormErrors, status = 400): Promise<void> {
  const schools = await schoolsToActFor(req.user!);
  res.status(errors ? status : 200).render('schools/acting-for', {
    pageTitle: 'Which school are you acting for?',
    errors,
    values: { school: req.user!.actingSchoolId },
    items: schools.map((school) => ({ value: school.id, text: school.name, hint: `URN ${school.urn}` })),
    returnTo,
  });
}
