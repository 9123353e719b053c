import { Router, type Request, type Response } from 'express';
import { paths } from '../../paths';
import { requireRole, requireSignIn } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { requestContext } from '../../web/request-context';
import type { AccountLinks, SchoolLookup } from '../accounts/invitations.service';
import { termChoices } from '../taxonomy/taxonomy.service';
import { nominationContactSchema, nominationSchema } from './nominations.schemas';
import { checkMayNominate, goodPracticePage, inviteNominee, nameNominationContact, nominateSchool, nominationsToInvite, type NominationResult } from './nominations.service';

type UrnRequest = Request<{ urn: string }>;
type NominationRequest = Request<{ urn: string; id: string }>;

const NOMINATION_FIELDS = ['areas', 'note', 'contactName', 'contactEmail'];

/** Good practice identified at a school: nominating it, naming who will lead, and inviting them to publish. */
export function nominationsRoutes(links: AccountLinks, schools: SchoolLookup): Router {
  const router = Router();

  router.get(paths.schools.goodPractice(':urn'), requireSignIn, async (req: UrnRequest, res) => renderGoodPractice(req, res));

  router.post(paths.schools.goodPractice(':urn'), requireSignIn, async (req: UrnRequest, res) => {
    await checkMayNominate(req.user!, req.params.urn);
    const parsed = nominationSchema.safeParse(req.body);
    if (!parsed.success) return renderGoodPractice(req, res, formErrorsFrom(parsed.error, NOMINATION_FIELDS));
    const result = await nominateSchool(req.user!, req.params.urn, parsed.data);
    if (!result.ok) return renderGoodPractice(req, res, errorsOf(result));
    setNotification(req, { type: 'success', text: 'The school has been nominated as good practice and asked to publish a listing.' });
    res.redirect(paths.schools.goodPractice(req.params.urn));
  });

  router.post(paths.schools.nominationContact(':urn', ':id'), requireSignIn, async (req: NominationRequest, res) => {
    const parsed = nominationContactSchema.safeParse(req.body);
    if (!parsed.success) {
      const byField = formErrorsFrom(parsed.error, ['contactName', 'contactEmail']).byField;
      // Each nomination has its own contact form: its fields carry its id.
      return renderGoodPractice(req, res, fieldErrors(Object.fromEntries(Object.entries(byField).map(([field, message]) => [`${field}-${req.params.id}`, message]))));
    }
    const result = await nameNominationContact(req.user!, req.params.urn, req.params.id, parsed.data);
    if (!result.ok) return renderGoodPractice(req, res, errorsOf(result));
    setNotification(req, { type: 'success', text: `Thank you. Traded Services will invite ${parsed.data.contactName} to publish the listing.` });
    res.redirect(paths.schools.goodPractice(req.params.urn));
  });

  router.post(paths.schools.nominationInvite(':urn', ':id'), requireRole('traded_services'), async (req: NominationRequest, res) => {
    const result = await inviteNominee(req.user!, req.params.urn, req.params.id, { links, context: requestContext(req), schools });
    if (!result.ok) return renderGoodPractice(req, res, errorsOf(result));
    setNotification(req, { type: 'success', text: 'They have been invited, and a draft good-practice listing has been started for them.' });
    res.redirect(paths.schools.goodPractice(req.params.urn));
  });

  router.get(paths.admin.nominations, requireRole('traded_services'), async (req, res) => {
    res.render('nominations/to-invite', { pageTitle: 'Good-practice nominations to invite', nominations: await nominationsToInvite(req.user!) });
  });

  return router;
}

function errorsOf(result: Exclude<NominationResult, { ok: true }>): FormErrors {
  return fieldErrors({ [result.field]: result.message }, NOMINATION_FIELDS);
}

async function renderGoodPractice(req: UrnRequest | NominationRequest, res: Response, errors?: FormErrors): Promise<void> {
  const page = await goodPracticePage(req.user!, req.params.urn);
  res.status(errors ? 400 : 200).render('nominations/good-practice', {
    pageTitle: `Good practice: ${page.school.name}`,
    ...page,
    areaChoices: page.can.nominate ? await termChoices('category') : [],
    errors,
    values: errors ? valuesToRedisplay(req.body) : {},
    // Which nomination's contact form was sent, so only that one shows what was typed.
    postedFor: (req as Partial<NominationRequest>).params?.id,
    backLink: paths.schools.school(page.school.urn),
  });
}
