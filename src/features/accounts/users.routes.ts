import { Router, type Request, type Response } from 'express';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { setNotification } from '../../web/flash';
import { fieldErrors, formErrorsFrom, valuesToRedisplay, type FormErrors } from '../../web/form-errors';
import { listSchoolChoices } from '../schools/schools.service';
import { createUserSchema, PASSWORD_MIN_LENGTH } from './accounts.schemas';
import { createUser, getUser, listUsers, setUserActive } from './accounts.service';
import { ROLE_LABELS, ROLES } from './roles';

const FIELD_ORDER = ['name', 'email', 'role', 'school', 'password'];

/** Traded Services manage who can use the service. */
export function usersRoutes(): Router {
  const router = Router();
  router.use(paths.admin.users, requireRole('traded_services'));

  router.get(paths.admin.users, async (req, res) => {
    res.render('accounts/users', { pageTitle: 'Users', users: await listUsers(req.user!), roleLabels: ROLE_LABELS });
  });

  router.get(paths.admin.newUser, async (req, res) => renderNewUser(req, res));

  router.post(paths.admin.newUser, async (req, res) => {
    const parsed = createUserSchema.safeParse(req.body);
    if (!parsed.success) return renderNewUser(req, res, formErrorsFrom(parsed.error, FIELD_ORDER));
    const result = await createUser(req.user!, parsed.data);
    if (!result.ok) return renderNewUser(req, res, fieldErrors({ [result.field]: result.message }, FIELD_ORDER));
    setNotification(req, {
      type: 'success',
      text: `${parsed.data.name} can now sign in with the temporary password you chose. They will be asked to change it.`,
    });
    res.redirect(paths.admin.user(result.id));
  });

  router.get(paths.admin.user(':id'), async (req: Request<{ id: string }>, res) => {
    const user = await getUser(req.user!, req.params.id);
    res.render('accounts/user', { pageTitle: user.name, user, roleLabels: ROLE_LABELS, isSelf: user.id === req.user!.id });
  });

  for (const [path, active, message] of [
    [paths.admin.deactivateUser(':id'), false, 'has been deactivated and signed out everywhere'],
    [paths.admin.reactivateUser(':id'), true, 'can sign in again'],
  ] as const) {
    router.post(path, async (req: Request<{ id: string }>, res) => {
      await setUserActive(req.user!, req.params.id, active);
      const user = await getUser(req.user!, req.params.id);
      setNotification(req, { type: 'success', text: `${user.name} ${message}.` });
      res.redirect(paths.admin.user(req.params.id));
    });
  }

  return router;
}

async function renderNewUser(req: Request, res: Response, errors?: FormErrors): Promise<void> {
  res.status(errors ? 400 : 200).render('accounts/new-user', {
    pageTitle: 'Add a user',
    errors,
    values: valuesToRedisplay(req.body, ['password']),
    roles: ROLES.map((role) => ({ value: role, text: ROLE_LABELS[role] })),
    schools: (await listSchoolChoices()).map((school) => ({ value: school.id, text: `${school.name} (URN ${school.urn})` })),
    minLength: PASSWORD_MIN_LENGTH,
    backLink: paths.admin.users,
  });
}
