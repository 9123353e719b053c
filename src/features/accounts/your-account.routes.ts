import { Router } from 'express';
import { paths } from '../../paths';
import { requireSignIn } from '../../web/authentication';
import { requestContext } from '../../web/request-context';
import { personalDataOf } from './personal-data.service';
import { ROLE_LABELS } from './roles';

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** Every signed-in person's own account page, and the download of what the service holds about them. */
export function yourAccountRoutes(serviceName: string): Router {
  const router = Router();

  router.get(paths.account, requireSignIn, (req, res) => {
    res.render('accounts/your-account', { pageTitle: 'Your account', account: req.user!, roleLabel: ROLE_LABELS[req.user!.role] });
  });

  router.get(paths.yourData, requireSignIn, async (req, res) => {
    const data = await personalDataOf(req.user!, serviceName, requestContext(req));
    res.attachment(`your-data-${londonDate.format(new Date())}.json`);
    res.type('application/json').send(JSON.stringify(data, null, 2));
  });

  return router;
}
