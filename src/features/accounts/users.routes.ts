import { Router, type Request, type Response } from 'express';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { inviteUserSchema, linkSchoolSchema } from './accounts.schemas';
import { requestContext } from '../../web/request-context';
import { getUser, listUsers, setUserActive } from './accounts.service';
import { inviteUser, resendInvitation, type AccountLinks, type SchoolLookup } from './invitations.service';
import { linkSchool, unlinkSchool } from './school-links.service';
import { ROLE_LABELS, ROLES } from '../../web/identity';

const FIELD_ORDER = ['name', 'email', 'role', 'school'];

/** Traded Services manage who can use the service, inviting each person by email. */
export function usersRoutes(links: AccountLinks, schools: SchoolLookup): Router {
  const router = Router();
  router.use(paths.admin.users, requireRole('traded_services'));

  router.get(paths.admin.users, async (req, res) => {
    res.render('accounts/users', { pageTitle: 'Users', users: await listUsers(req.user!), roleLabels: ROLE_LABELS });
  });

  router.get(paths.admin.newUser, (req, res) => renderNewUser(req, res));

  router.post(paths.admin.newUser, async (req, res) => {
    const parsed = inviteUserSchema.safeParse(req.body);
    if (!parsed.success) return renderNewUser(req, res, formErrorsFrom(parsed.error, FIELD_ORDER));
    const result = await inviteUser(req.user!, parsed.data, links, requestContext(req), schools);
    if (!result.ok) return renderNewUser(req, res, fieldErrors({ [result.field]: result.message }, FIELD_ORDER));
    setNotification(req, { type: 'success', text: `${parsed.data.name} has been invited. ${whereTheLinkWent(links)}` });
    res.redirect(paths.admin.user(result.id));
  });

  router.post(paths.admin.resendInvitation(':id'), async (req: Request<{ id: string }>, res) => {
    await resendInvitation(req.user!, req.params.id, links, requestContext(req));
    const user = await getUser(req.user!, req.params.id);
    setNotification(req, { type: 'success', text: `A new invitation has been sent to ${user.name}; the earlier link no longer works. ${whereTheLinkWent(links)}` });
    res.redirect(paths.admin.user(req.params.id));
  });

  router.get(paths.admin.user(':id'), (req: Request<{ id: string }>, res) => renderUser(req, res));

  router.post(paths.admin.linkSchool(':id'), async (req: Request<{ id: string }>, res) => {
    const parsed = linkSchoolSchema.safeParse(req.body);
    if (!parsed.success) return renderUser(req, res, formErrorsFrom(parsed.error, ['urn']));
    const result = await linkSchool(req.user!, req.params.id, parsed.data, schools, requestContext(req));
    if (!result.ok) return renderUser(req, res, fieldErrors({ [result.field]: result.message }));
    const user = await getUser(req.user!, req.params.id);
    const text = result.alreadyLinked ? `${user.name} was already linked to ${result.schoolName}.` : `${user.name} is now linked to ${result.schoolName}.`;
    setNotification(req, { type: 'success', text });
    res.redirect(paths.admin.user(req.params.id));
  });

  router.post(paths.admin.unlinkSchool(':id', ':schoolId'), async (req: Request<{ id: string; schoolId: string }>, res) => {
    const result = await unlinkSchool(req.user!, req.params.id, req.params.schoolId, schools, requestContext(req));
    if (!result.ok) return renderUser(req, res, fieldErrors({ schools: result.message }), 409);
    const user = await getUser(req.user!, req.params.id);
    setNotification(req, { type: 'success', text: `${user.name} is no longer linked to ${result.schoolName}. From their next page they see nothing of it.` });
    res.redirect(paths.admin.user(req.params.id));
  });

  for (const [path, active, message] of [
    [paths.admin.deactivateUser(':id'), false, 'has been deactivated and signed out everywhere'],
    [paths.admin.reactivateUser(':id'), true, 'can sign in again'],
  ] as const) {
    router.post(path, async (req: Request<{ id: string }>, res) => {
      await setUserActive(req.user!, req.params.id, active, requestContext(req));
      const user = await getUser(req.user!, req.params.id);
      setNotification(req, { type: 'success', text: `${user.name} ${message}.` });
      res.redirect(paths.admin.user(req.params.id));
    });
  }

  return router;
}

function whereTheLinkWent(links: AccountLinks): string {
  return links.mailer.via === 'smtp'
    ? `We have emailed them a link to set their password; it expires in ${links.invitationHours} hours.`
    : `No mail server is set up: their link to set a password is in the Outbox, to pass on. It expires in ${links.invitationHours} hours.`;
}

async function renderUser(req: Request<{ id: string }>, res: Response, errors?: FormErrors, status = 400): Promise<void> {
  const user = await getUser(req.user!, req.params.id);
  res.status(errors ? status : 200).render('accounts/user', {
    pageTitle: user.name,
    user,
    roleLabels: ROLE_LABELS,
    isSelf: user.id === req.user!.id,
    errors,
    values: errors ? valuesToRedisplay(req.body) : {},
  });
}

function renderNewUser(req: Request, res: Response, errors?: FormErrors): void {
  res.status(errors ? 400 : 200).render('accounts/new-user', {
    pageTitle: 'Invite a user',
    errors,
    values: valuesToRedisplay(req.body),
    roles: ROLES.map((role) => ({ value: role, text: ROLE_LABELS[role] })),
    backLink: paths.admin.users,
  });
}
